"""positions.analysis.aggregate: the page's selections around the engine (counts, filters, steps)."""
from datetime import date

import pandas as pd
import pytest

from positions.analysis import aggregate, engine
from positions.data import synthetic
from positions.data import store
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
def test_aggregate_stance_counts_match_the_engine_as_of(synthetic_frame, issue):
    """The supporters chart's change-point counts equal, on sampled days, the as-of positions."""
    start, end = date(2023, 1, 1), date(2023, 12, 31)
    off = engine.official(engine.prepare(synthetic_frame), issue)
    fast = aggregate.stance_counts(off.daily(start, end), max_points=10_000)
    days = pd.date_range(start, end)
    wide = dense(fast, days)
    for day in days[::29]:
        pos = off.as_of(day.date())
        want = pos["stance"].value_counts().reindex(wide.columns, fill_value=0)
        assert wide.loc[day].to_dict() == want.to_dict()


def test_aggregate_seed_supporters_as_of_2024_05_31(seed_frame):
    pos = engine.positions_as_of(seed_frame, "cross_border_strikes", date(2024, 5, 31))
    assert sorted(pos.loc[pos["stance"] == "support", "affiliation"]) == ["CA", "CZ", "FI", "GB", "NL"]


def test_aggregate_count_conditional_merges_into_support(seed_frame):
    daily = engine.official(seed_frame, "cross_border_strikes").daily(date(2024, 5, 31), date(2024, 5, 31))
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
    ch = engine.official(df, "cross_border_strikes").changes(date(2024, 5, 10), date(2024, 6, 1)).set_index("affiliation")
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


def test_aggregate_official_events_of_subsets_are_their_own(seed_frame):
    """Subsets of one prepared frame keep its columns, and each gets its own positions (no cache)."""
    df = engine.prepare(seed_frame)
    gb = df[df["affiliation"] == "GB"]
    fr = df[df["affiliation"] == "FR"]
    assert set(engine.official(gb, "cross_border_strikes").events["affiliation"]) == {"GB"}
    assert set(engine.official(fr, "cross_border_strikes").events["affiliation"]) == {"FR"}
    assert len(engine.official(df, "cross_border_strikes").events) > 2


def test_aggregate_filters_by_source_type(reg):
    outlets = pd.DataFrame([{"domain": "wire.example", "name": "W", "country": "GB", "type": "wire",
                             "type_source": "invented for the test"}])
    df = engine.prepare(frame(
        {"affiliation": "DE", "actor": "Scholz", "evidence": "a", "source_url": "https://wire.example/x"},
        {"affiliation": "FR", "actor": "Macron", "evidence": "b", "source_url": "https://blog.example/y"},
    ), reg, outlets)
    assert set(aggregate.filter_statements(df, reg, source_types=("wire",))["affiliation"]) == {"DE"}
    assert set(aggregate.filter_statements(df, reg, source_types=("unknown",))["affiliation"]) == {"FR"}
