"""positions.analysis.aggregate: the dashboard's fast path agrees with positions.analysis.timeline."""
from datetime import date

import pandas as pd
import pytest

from positions.analysis import aggregate
from positions.data import synthetic
from positions.data import store
from positions.analysis import timeline
from tests.conftest import frame


@pytest.fixture(name="synthetic_frame", scope="module")
def _synthetic_frame(reg, tmp_path_factory):
    path = tmp_path_factory.mktemp("syn") / "s.csv"
    synthetic.write(synthetic.generate(3000, seed=3, reg=reg), path)
    return store.load_frame(path)


def dense(counts: pd.DataFrame, days: pd.DatetimeIndex) -> pd.DataFrame:
    """Change-point counts -> one row per day and stance (forward-filled)."""
    wide = counts.pivot(index="date", columns="stance", values="count").reindex(days).ffill()
    return wide.astype(int)


@pytest.mark.parametrize("issue", ["cross_border_strikes", "trainer_deployment"])
def test_aggregate_daily_counts_match_timeline(synthetic_frame, issue):
    start, end = date(2023, 1, 1), date(2023, 12, 31)
    ref = timeline.daily_counts(synthetic_frame, issue, start, end)
    daily = aggregate.daily_stances(aggregate.prepare(synthetic_frame), issue, start, end)
    fast = aggregate.stance_counts(daily, max_points=10_000)
    days = pd.date_range(start, end)
    want = ref.pivot(index="date", columns="stance", values="count")[list(dense(fast, days).columns)]
    pd.testing.assert_frame_equal(dense(fast, days), want.astype(int), check_names=False, check_freq=False)
    last = fast[fast["date"] == fast["date"].max()].set_index("stance")["states"]
    ref_last = ref[ref["date"] == ref["date"].max()].set_index("stance")["states"]
    assert last.to_dict() == ref_last.to_dict()


@pytest.mark.parametrize("on", [date(2022, 6, 1), date(2024, 5, 31), date(2025, 12, 31)])
def test_aggregate_positions_as_of_match_timeline(synthetic_frame, on):
    ref = timeline.state_positions_as_of(synthetic_frame, "cross_border_strikes", on)
    fast = aggregate.positions_as_of(aggregate.prepare(synthetic_frame), "cross_border_strikes", on)
    assert dict(zip(fast["affiliation"], fast["id"])) == dict(zip(ref["affiliation"], ref["id"]))


def test_aggregate_seed_supporters_as_of_2024_05_31(seed_frame):
    pos = aggregate.positions_as_of(seed_frame, "cross_border_strikes", date(2024, 5, 31))
    assert sorted(pos.loc[pos["stance"] == "support", "affiliation"]) == ["CA", "CZ", "FI", "GB", "NL"]


def test_aggregate_count_conditional_merges_into_support(seed_frame):
    daily = aggregate.daily_stances(seed_frame, "cross_border_strikes", date(2024, 5, 31), date(2024, 5, 31))
    counts = aggregate.stance_counts(daily, count_conditional=True).set_index("stance")
    assert counts.loc["support", "count"] == 6 and "conditional" not in counts.index


def test_aggregate_filters_confidence_review_and_groups(reg):
    df = frame(
        {"affiliation": "FI", "actor": "Finland", "evidence": "a", "confidence": 0.4, "origin": "tagged"},
        {"affiliation": "DE", "actor": "Scholz", "evidence": "b", "confidence": 0.9, "origin": "reviewed"},
        {"affiliation": "JP", "actor": "Japan", "evidence": "c", "confidence": 0.9, "origin": "manual"},
    )
    on = date(2024, 6, 1)
    assert set(aggregate.filter_statements(df, reg, min_conf=0.5)["affiliation"]) == {"DE", "JP"}
    assert set(aggregate.filter_statements(df, reg, reviewed=True)["affiliation"]) == {"DE", "JP"}
    assert set(aggregate.filter_statements(df, reg, groups=("Nordic",), on=on)["affiliation"]) == {"FI"}
    assert set(aggregate.filter_statements(df, reg, groups=("G7",), on=on)["affiliation"]) == {"DE", "JP"}


def test_aggregate_group_membership_is_by_date(reg):
    assert "FI" not in aggregate.states_in_groups(reg, ("NATO",), date(2023, 4, 3))
    assert "FI" in aggregate.states_in_groups(reg, ("NATO",), date(2023, 4, 4))
    assert "UA" in aggregate.states_in_groups(reg, ("other",), date(2024, 1, 1))


def test_aggregate_changes_name_the_moving_statement():
    df = frame(
        {"affiliation": "DE", "actor": "Scholz", "stance": "oppose", "statement_date": "2024-05-01", "evidence": "no"},
        {"affiliation": "DE", "actor": "Scholz", "stance": "conditional", "statement_date": "2024-05-31", "evidence": "only Kharkiv"},
        {"affiliation": "GB", "actor": "Cameron", "stance": "support", "statement_date": "2024-05-02", "evidence": "right to"},
        {"affiliation": "PL", "actor": "Poland", "stance": "support", "statement_date": "2024-05-20", "evidence": "yes"},
    )
    ch = aggregate.changes_between(df, "cross_border_strikes", date(2024, 5, 10), date(2024, 6, 1)).set_index("affiliation")
    assert sorted(ch.index) == ["DE", "PL"]
    assert (ch.loc["DE", "from_stance"], ch.loc["DE", "to_stance"], ch.loc["DE", "evidence"]) == ("oppose", "conditional", "only Kharkiv")
    assert ch.loc["DE", "direction"] == 1 and ch.loc["PL", "from_stance"] == ""


def test_aggregate_official_steps_mark_walk_backs(reg):
    df = frame(
        {"affiliation": "US", "actor": "Biden", "stance": "support", "statement_date": "2024-05-01", "evidence": "a"},
        {"affiliation": "US", "actor": "Kirby", "stance": "undecided", "statement_date": "2024-06-01", "evidence": "b"},
        {"affiliation": "US", "actor": "Biden", "stance": "undecided", "statement_date": "2024-06-05", "evidence": "c"},
    )
    steps = aggregate.official_steps(aggregate.actor_statements(df, "cross_border_strikes", "US", reg), date(2024, 7, 1))
    assert steps["stance"].tolist() == ["support", "undecided", "undecided"]
    assert steps["walk_back"].tolist() == [False, True, False]


def test_aggregate_search_needs_every_word(seed_frame):
    hits = aggregate.search(seed_frame, "macron neutralize")
    assert hits["actor"].tolist() == ["Emmanuel Macron"]
    assert len(aggregate.search(seed_frame, "  ")) == len(seed_frame)


def test_aggregate_month_ends():
    assert aggregate.month_ends(date(2024, 1, 15), date(2024, 3, 10)) == [
        date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 10)]


def test_aggregate_official_events_memo_tells_subsets_apart(seed_frame):
    """Subsets of one prepared frame share its token (pandas copies attrs) but not its result."""
    df = aggregate.prepare(seed_frame)
    gb = df[df["affiliation"] == "GB"]
    fr = df[df["affiliation"] == "FR"]
    assert set(aggregate.official_events(gb, "cross_border_strikes")["affiliation"]) == {"GB"}
    assert set(aggregate.official_events(fr, "cross_border_strikes")["affiliation"]) == {"FR"}
    assert len(aggregate.official_events(df, "cross_border_strikes")) > 2
