"""positions.present.charts / positions.present.figures: one palette, text labels, safe text, every view builds."""
from datetime import date

import plotly.io as pio
import pytest

from positions.present import charts
from positions.present import figures
from positions.present.view import VIEWS, ViewState
from tests.conftest import frame


@pytest.mark.parametrize("name", VIEWS)
def test_charts_every_view_builds_on_seed_data(seed_frame, cb, reg, name):
    state = ViewState(view=name, as_of=date(2024, 6, 15), actor="FR", compare_from=date(2024, 5, 1))
    shown = figures.figures_for_view(seed_frame, state, cb, reg)
    assert shown and shown[0].key == name
    for named in shown:
        assert named.caption and named.title
        named.figure.to_json()


def test_charts_stance_colours_come_from_the_codebook(seed_frame, cb, reg):
    state = ViewState(view="map", as_of=date(2024, 6, 15))
    fig = figures.figures_for_view(seed_frame, state, cb, reg)[0].figure
    for t in [t for t in fig.data if t.type == "choropleth" and t.name != "Belligerent (outlined)"]:
        stance = next((s for s in cb.stances.values() if s.label == t.name), None)
        colour = stance.colour if stance else cb.no_position_colour
        assert t.colorscale[0][1] == colour
    sup = figures.figures_for_view(seed_frame, ViewState(view="supporters", as_of=date(2024, 6, 15)), cb, reg)[0].figure
    assert {t.name: t.line.color for t in sup.data} == {s.label: s.colour for s in cb.stances.values()}


def test_charts_supporters_have_text_labels_not_colour_alone(seed_frame, cb, reg):
    fig = figures.figures_for_view(seed_frame, ViewState(view="supporters", as_of=date(2024, 6, 15)), cb, reg)[0].figure
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "Support: 5" in texts and "Oppose: 0" in texts   # Russia, a belligerent, is not counted
    assert {t.line.dash for t in fig.data} == set(charts.STANCE_DASH.values())


def test_charts_user_text_is_escaped(cb, reg):
    df = frame({"affiliation": "FR", "actor": "<b>Evil</b>", "stance": "support", "evidence": "<script>x</script> said"})
    for name in ("evidence", "actor", "map", "matrix"):
        state = ViewState(view=name, as_of=date(2024, 6, 1), actor="FR")
        dumped = "".join(f.figure.to_json() for f in figures.figures_for_view(df, state, cb, reg))
        assert "<script>" not in dumped and "<b>Evil" not in dumped


def test_charts_empty_view_is_an_empty_list(cb, reg):
    df = frame({"affiliation": "FR", "actor": "Macron", "stance": "support", "statement_date": "2024-06-01"})
    assert figures.figures_for_view(df, ViewState(as_of=date(2024, 5, 1)), cb, reg) == []
    assert figures.figures_for_view(df, ViewState(view="evidence", q="nothing-like-this"), cb, reg) == []


def test_charts_import_leaves_plotly_defaults_alone():
    """Map outlines are passed per render (kaleido) and per chart (page config), never set globally."""
    assert "positions" not in str(pio.defaults.topojson or "")


def test_charts_topojson_ships_with_the_repo():
    assert (charts.TOPOJSON_DIR / "world_50m.json").exists() and (charts.TOPOJSON_DIR / "world_110m.json").exists()


@pytest.mark.slow
def test_charts_map_exports_offline_with_kaleido(seed_frame, cb, reg, tmp_path):
    import shutil
    if not shutil.which("chromium"):
        pytest.skip("no chromium for kaleido")
    fig = figures.figures_for_view(seed_frame, ViewState(view="map", as_of=date(2024, 6, 15)), cb, reg)[0].figure
    from positions.present import export
    png = export.render(fig, "png", width=800, height=600, scale=1)
    assert png[:4] == b"\x89PNG" and len(png) > 20_000


def test_charts_events_are_sourced():
    events = figures.load_events()
    assert len(events) >= 5
    for ev in events:
        assert ev["title"] and ev["source_url"].startswith("https://")


def test_charts_event_labels_close_in_time_go_to_different_rows():
    import pandas as pd
    from positions.present.charts import _label_rows
    days = [pd.Timestamp(d) for d in ("2024-05-02", "2024-05-28", "2024-05-30", "2024-09-12", "2025-05-26")]
    rows = _label_rows(days, [30, 30, 30, 20, 20])
    assert len({rows[0], rows[1], rows[2]}) == 3      # three labels within a month: three rows
    assert rows[4] == 0                                # a year later the first row is free again
    same_day = _label_rows([days[0], days[0]], [10, 10])
    assert same_day[0] != same_day[1]


def test_charts_shipped_map_outlines_keep_every_registry_state():
    """The simplified 50m outlines still draw every state the registry can colour (Malta, Luxembourg...)."""
    import json

    from positions.reference import registry
    from positions.present.charts import TOPOJSON_DIR
    ids = {g.get("id") for g in json.loads((TOPOJSON_DIR / "world_50m.json").read_text())["objects"]["countries"]["geometries"]
           if g.get("type")}
    missing = {s.iso3 for s in registry.load().states.values()} - ids
    assert not missing, missing
