"""The page derives official positions once per store version, filter state and issue (Streamlit's
cache, keyed by figures.filter_state): moving the as-of slider, switching views or chart toggles
reuses them; a new filter computes them again. Counted by wrapping fast.official (the engine's
fast path, which the page calls) on the bundled data."""
from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from positions.analysis import fast
from positions.data import store
from positions.present import figures, view
from tests.conftest import ROOT

# A confidence threshold no other test sets: its filter state is new to the process-wide cache.
MIN_CONF = 0.15


@pytest.fixture(name="calls")
def _calls(monkeypatch):
    monkeypatch.setenv("POSITIONS_DATA", str(store.DEFAULT_PATH))
    seen: list[str] = []
    real = fast.official

    def counting(rows, issue, *args):
        seen.append(issue)
        return real(rows, issue, *args)
    monkeypatch.setattr(fast, "official", counting)
    return seen


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.slow   # six page runs
def test_dashboard_official_positions_cached_per_filter_state(calls):
    at = run(AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120))
    calls.clear()   # the default filters' positions (cached or not by earlier tests)
    at.slider(key="min_conf").set_value(MIN_CONF)
    run(at)
    assert calls == ["cross_border_strikes"], "one derivation for the new filter state (chart and headline share it)"
    for day in (date(2025, 3, 1), date(2024, 12, 1)):
        at.slider(key="as_of").set_value(day)
        run(at)
    for chosen in ("supporters", "map", "changes", "who"):
        at.radio(key="view").set_value(chosen)
        run(at)
    at.toggle(key="count_conditional").set_value(True)
    run(at)
    assert calls == ["cross_border_strikes"], "as-of day, views and toggles reuse the cached positions"
    at.radio(key="view").set_value("matrix")
    run(at)
    assert sorted(calls) == ["cross_border_strikes", "trainer_deployment"], "the matrix adds the other issue once"
    at.slider(key="min_conf").set_value(MIN_CONF + 0.05)
    run(at)
    assert len(calls) == 4, "a new filter state derives both issues again"


@pytest.mark.parametrize("changes, same", [
    ({"view": "map", "as_of": date(2025, 1, 1), "stances": ("support",), "sort": "oldest", "compact": True}, True),
    ({"min_conf": 0.5}, False),
    ({"sources": ("wire",)}, False),
    ({"groups": ("NATO",)}, False),
])
def test_figures_filter_state_keeps_only_what_filtering_reads(changes, same):
    df = store.load_frame()
    base = view.ViewState(as_of=date(2025, 6, 1))
    key = lambda s: view.query_string(figures.filter_state(df, s))
    assert (key(base.with_(**changes)) == key(base)) is same


def test_figures_filter_state_takes_the_day_when_groups_are_chosen():
    """Group membership is read on the as-of day, so with groups the day is part of the key."""
    df = store.load_frame()
    nato = view.ViewState(groups=("NATO",))
    key = lambda s: view.query_string(figures.filter_state(df, s))
    assert key(nato.with_(as_of=date(2024, 6, 1))) != key(nato.with_(as_of=date(2025, 6, 1)))
