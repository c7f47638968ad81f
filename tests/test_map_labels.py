"""Map text labels: the Europe map labels European states only (a far-away state's label is not
clipped by the conic projection and lands below the legend); the world map labels every state."""
from __future__ import annotations

from positions.present import charts


def _labels(scope: str, cb) -> list[str]:
    frame = {"iso3": ["FRA", "BRA", "TUR", "USA"], "stance": ["support", "oppose", "oppose", ""],
             "hover": ["a", "b", "c", "d"]}
    fig = charts.map_chart([("8 Jan 2026", frame)], cb, "cross_border_strikes", scope)
    return list(next(t for t in fig.data if t.name == "labels").locations)


def test_map_labels_europe_only_on_the_europe_map(cb):
    assert _labels("europe", cb) == ["FRA", "TUR"]


def test_map_labels_every_state_with_a_position_on_the_world_map(cb):
    assert _labels("world", cb) == ["FRA", "BRA", "TUR"]
