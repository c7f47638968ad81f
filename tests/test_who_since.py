"""The "who, since when" view (issue 11): the default view, one row per state with a position,
sorted by the day each first signalled support, "since" labels that match the data; the default
'As of' is the latest statement; the headline gives its denominator and keeps the belligerents apart.

Checked against positions.analysis.engine directly (not the view's own adapter), on the
bundled dataset.
"""
from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from positions.analysis import engine
from positions.data import store
from positions.present import who_since
from positions.present.layout import contrast, text_on
from tests.conftest import run_page

ISSUE = "cross_border_strikes"


@pytest.fixture(autouse=True)
def _bundled_data(monkeypatch):
    monkeypatch.setenv("POSITIONS_DATA", str(store.DEFAULT_PATH))


@pytest.fixture(name="bundled", scope="module")
def _bundled():
    return store.load_frame(store.DEFAULT_PATH)


@pytest.fixture(name="official", scope="module")
def _official(bundled):
    """The engine's official positions on the bundled data (computed once for the module)."""
    return engine.official(bundled, ISSUE)


@pytest.fixture(name="last_day", scope="module")
def _last_day():
    raw = pd.read_csv(store.DEFAULT_PATH, dtype=str, keep_default_na=False)
    raw = raw[raw["status"] == "accepted"]
    days = pd.to_datetime(raw["statement_date"].where(raw["statement_date"] != "", raw["published"]))
    return days.max().date()


@pytest.fixture(name="default_page", scope="module")
def _default_page():
    mp = pytest.MonkeyPatch()
    mp.setenv("POSITIONS_DATA", str(store.DEFAULT_PATH))
    try:
        yield run_page()
    finally:
        mp.undo()


def grid(at) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def since_labels(spec) -> dict[str, str]:
    return {a["y"]: a["text"] for a in spec["layout"]["annotations"] if a.get("name") == "since"}


def test_who_since_is_the_default_view(default_page):
    assert default_page.radio(key="view").value == "who"
    assert grid(default_page)["layout"]["title"]["text"].startswith("Who backs cross-border strikes")


def test_who_since_default_as_of_is_the_latest_statement(default_page, last_day):
    assert default_page.query_params["as_of"] == last_day.isoformat()
    assert default_page.slider(key="as_of").value == last_day
    assert f"Data to {last_day:%-d %b %Y}" in grid(default_page)["layout"]["title"]["subtitle"]["text"]


def test_who_since_one_row_per_state_with_a_position(default_page, bundled, reg, last_day, official):
    expected = official.as_of(last_day)
    expected = {reg.name_of(c) for c in expected["affiliation"].astype(str) if c in reg.states}
    assert set(since_labels(grid(default_page))) == expected
    bars = [t for t in grid(default_page)["data"] if t["name"] == "No public position found"][0]
    assert sorted(bars["y"]) == sorted(expected)


def first_support(official, code) -> pd.Timestamp | None:
    events = official.events
    mine = events[(events["affiliation"].astype(str) == code) & (events["stance"].astype(str) == "support")]
    return mine["since"].min() if not mine.empty else None


def test_who_since_rows_sorted_by_first_support_within_groups(default_page, bundled, reg, last_day, official):
    spec = grid(default_page)
    order = [y for y in spec["layout"]["yaxis"]["categoryarray"] if y.strip("\u2007")]
    by_name = {reg.name_of(c): c for c in reg.states}
    groups = [who_since.group_of(reg, by_name[n], last_day) for n in order]
    assert groups == sorted(groups), "NATO/EU members, then others, then the belligerents and backers"
    for g in set(groups):
        names = [n for n, k in zip(order, groups) if k == g]
        keys = [first_support(official, by_name[n]) for n in names]
        backed = [k for k in keys if k is not None]
        assert backed == sorted(backed)
        assert all(k is None for k in keys[len(backed):]), "states that never supported come last"
    assert order.index("Estonia") < order.index("Germany")   # Jan 2024 before May 2025


def test_who_since_labels_match_the_data(default_page, bundled, reg, last_day, official):
    labels = since_labels(grid(default_page))
    now = official.as_of(last_day)
    for r in now.itertuples():
        code = str(r.affiliation)
        if code not in reg.states:
            continue
        label = labels[reg.name_of(code)]
        since = f"since {pd.Timestamp(r.since):%-d %b %Y}"
        assert since in label, (code, label)
        if r.stance == "support":
            assert label.startswith(since)
        else:
            assert label.lower().startswith(str(r.stance))
            first = first_support(official, code)
            assert (first is not None) == ("backed it from" in label)


def test_who_since_headline_gives_the_denominator_and_keeps_belligerents_apart(default_page, bundled, reg, last_day, official):
    tracked = [c for c in reg.states if c not in ("UA", "RU")]
    support = [c for c in engine.supporters_on(bundled, ISSUE, last_day) if c in tracked]
    with_position = set(official.as_of(last_day)["affiliation"].astype(str))
    assert default_page.metric[0].value == f"{len(support)} of {len(tracked)}"
    caption = " ".join(c.value for c in default_page.caption)
    assert f"{len(support)} of {len(tracked)} tracked states; " \
           f"{len([c for c in tracked if c not in with_position])} have no public position" in caption
    assert "Ukraine: Support" in caption and "Russia: Oppose" in caption


def test_who_since_headline_denominator_follows_the_group_filter():
    at = run_page(groups="Baltic")
    assert at.metric[0].value.endswith(" of 3")


def test_who_since_row_click_target_is_each_rows_state(default_page, reg):
    """Every bar carries its state's code first, which the click handler opens."""
    for t in grid(default_page)["data"]:
        names = {reg.name_of(d[0]) for d in t["customdata"]}
        assert names == set(t["y"])


def test_who_since_compact_variant_labels_each_row_above_its_bar():
    spec = grid(run_page(compact="true"))
    assert spec["layout"]["yaxis"]["showticklabels"] is False
    labels = since_labels(spec)
    assert labels and all(text.startswith(f"<b>{name}</b> · ") for name, text in labels.items())


def test_who_since_open_actor_from_a_row_click():
    """What a click does: the view switches to the actor timeline of that state."""
    at = run_page()
    at.session_state["_open_actor"] = "DE"
    at.session_state["view"] = "actor"
    at.run()
    assert not at.exception
    assert at.query_params["view"] == "actor" and at.query_params["actor"] == "DE"
    assert "Germany" in json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["title"]["text"]


def test_who_since_rows_for_a_state_that_walked_back(bundled, reg):
    rows = who_since.who_rows(bundled[bundled["status"] == "accepted"], ISSUE, reg, date(2026, 1, 8), date(2024, 1, 1),
                              stance_label=str.capitalize)
    us = next(r for r in rows if r.code == "US")
    assert us.stance == "oppose" and us.first_support is not None
    assert [s.start for s in us.segments] == sorted(s.start for s in us.segments)
    assert us.segments[-1].end == pd.Timestamp("2026-01-09")


@pytest.mark.parametrize("colour", ["#0072B2", "#56B4E9", "#E69F00", "#D55E00", "#DDDDDD"])
def test_who_since_stance_cell_text_contrast_at_least_4_5(cb, colour):
    assert contrast(colour, text_on(colour)) >= 4.5


@pytest.mark.parametrize("text,limit,expected", [
    ("The minister spoke first. Then the aides left the room quickly.", 30, "The minister spoke first. […]"),
    ("Officials in the U.S. capital agreed. A second sentence follows here.", 40,
     "Officials in the U.S. capital agreed. […]"),
    ("A single sentence that is longer than the limit stays whole.", 10,
     "A single sentence that is longer than the limit stays whole."),
    ("Short. Also short.", 100, "Short. Also short."),
])
def test_who_since_pack_quotes_keep_whole_sentences(text, limit, expected):
    from positions.present.export.quotes import whole_sentences
    assert whole_sentences(text, limit) == expected


def test_who_since_pack_key_quotes_come_from_the_positions_shown(bundled, reg):
    """Each quote is the statement a state's current official position rests on; heads first."""
    from positions.present.export.quotes import key_quotes
    rows = bundled[(bundled["status"] == "accepted") & (bundled["issue"] == ISSUE)]
    quotes = key_quotes(rows, ISSUE, limit=6)
    now = engine.official(bundled, ISSUE).as_of(date(2026, 1, 8))
    basis = set(now["id"])
    assert len(quotes) == 6 and set(quotes["id"]) <= basis
    ranks = engine.speaker_ranks(quotes.reset_index(drop=True), reg).tolist()
    assert ranks == sorted(ranks)


def test_who_since_later_as_of_greys_the_days_after_the_data(last_day):
    later = date(last_day.year, 12, 31)
    for name in ("who", "supporters"):
        spec = grid(run_page(view=name, as_of=later.isoformat()))
        grey = [s for s in spec["layout"].get("shapes", []) if s.get("name") == "after data end"]
        assert len(grey) == 1 and grey[0]["x0"].startswith((pd.Timestamp(last_day) + pd.Timedelta(days=1)).date().isoformat())
        assert f"Data to {last_day:%-d %b %Y}" in spec["layout"]["title"]["subtitle"]["text"]


def test_who_since_changes_default_to_the_last_90_days_of_data(last_day):
    at = run_page(view="changes")
    assert at.date_input(key="compare_to").value == last_day
    assert at.date_input(key="compare_from").value == last_day - pd.Timedelta(days=90)


def test_who_since_changes_empty_state_names_the_latest_change_and_fixes_it(bundled, reg):
    events = engine.official(bundled, ISSUE).events.rename(columns={"since": "effective_date"})
    events = events[(events["effective_date"] <= "2025-12-01") & events["affiliation"].isin(list(reg.states))]
    last = events.sort_values("effective_date", kind="stable").iloc[-1]
    quiet_from = (last["effective_date"] + pd.Timedelta(days=1)).date().isoformat()
    at = run_page(view="changes", compare_from=quiet_from, compare_to="2025-12-01")
    assert not at.get("plotly_chart")
    assert (f"The latest change before that was on {last['effective_date']:%-d %b %Y} "
            f"({reg.name_of(last['affiliation'])}: now {str(last['stance']).capitalize()})") in at.info[0].value
    at.button(key="changes_from_last").click().run()
    day_before = (last["effective_date"] - pd.Timedelta(days=1)).date().isoformat()
    assert at.query_params["compare_from"] == day_before and at.get("plotly_chart")


def test_who_since_actor_timeline_shows_a_relayed_statement_as_such(cb, reg):
    """Another state's head of government describing France's policy: hollow marker, attributed to him."""
    from positions.present import figures
    from positions.present.view import ViewState
    from tests.conftest import frame
    df = frame({"actor": "Pierre Exemple", "affiliation": "FR", "stance": "support", "statement_date": "2024-05-20",
                "evidence": "We will let them strike the launch sites."},
               {"actor": "Olaf Scholz", "actor_id": "olaf-scholz", "affiliation": "FR", "stance": "support",
                "statement_date": "2024-05-28", "evidence": "Our French friends have allowed it."})
    fig = figures.figures_for_view(df, ViewState(view="actor", actor="FR", as_of=date(2024, 6, 1)), cb, reg)[0].figure
    hollow = next(t for t in fig.data if t.name == "Support (not official / relayed)")
    assert hollow.marker.color == "white" and len(hollow.x) == 1
    assert "Relayed: <b>Olaf Scholz</b>" in hollow.customdata[0] and "speaking for Germany" in hollow.customdata[0]
    filled = next(t for t in fig.data if t.name == "Support")
    assert "Pierre Exemple" in filled.customdata[0]
