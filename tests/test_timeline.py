"""Positions over time through the engine (these were positions.analysis.timeline's tests)."""
from datetime import date, timedelta

from positions.analysis import engine
from tests.conftest import frame

ISSUE = "cross_border_strikes"


def test_timeline_latest_statement_on_or_before_date_wins():
    df = frame(
        {"stance": "oppose", "statement_date": "2024-05-01", "evidence": "a"},
        {"stance": "support", "statement_date": "2024-06-01", "evidence": "b"},
    )
    assert engine.positions_as_of(df, ISSUE, date(2024, 5, 31)).stance.tolist() == ["oppose"]
    assert engine.positions_as_of(df, ISSUE, date(2024, 6, 1)).stance.tolist() == ["support"]
    assert engine.positions_as_of(df, ISSUE, date(2024, 4, 30)).empty


def test_timeline_undated_statement_counts_from_publication():
    df = frame({"affiliation": "CA", "actor": "Canada", "stance": "support", "statement_date": None, "published": "2024-05-30"})
    assert engine.supporters_on(df, ISSUE, date(2024, 5, 29)) == []
    assert engine.supporters_on(df, ISSUE, date(2024, 5, 30)) == ["CA"]


def test_timeline_ignores_orgs_other_speakers_rejected_and_other_issue():
    df = frame(
        {"affiliation": "NATO", "actor": "Jens Stoltenberg", "actor_type": "organization", "stance": "support", "evidence": "n"},
        {"affiliation": "FR", "actor": "French officials", "actor_type": "other", "stance": "support", "evidence": "o"},
        {"affiliation": "GB", "actor": "UK", "stance": "support", "status": "rejected", "evidence": "r"},
        {"affiliation": "PL", "actor": "Poland", "stance": "support", "issue": "trainer_deployment", "evidence": "t"},
    )
    assert engine.supporters_on(df, ISSUE, date(2024, 12, 31)) == []


def test_timeline_conditional_counts_only_when_asked():
    df = frame({"affiliation": "FR", "actor": "Macron", "stance": "conditional"})
    assert engine.supporters_on(df, ISSUE, date(2024, 6, 1)) == []
    assert engine.supporters_on(df, ISSUE, date(2024, 6, 1), count_conditional=True) == ["FR"]


def test_timeline_daily_series_steps_per_state():
    df = frame(
        {"affiliation": "GB", "actor": "Cameron", "stance": "support", "statement_date": "2024-05-03", "evidence": "g"},
        {"affiliation": "DE", "actor": "Scholz", "stance": "oppose", "statement_date": "2024-05-02", "evidence": "d1"},
        {"affiliation": "DE", "actor": "Scholz", "stance": "support", "statement_date": "2024-05-05", "evidence": "d2"},
    )
    daily = engine.official(df, ISSUE).daily(date(2024, 5, 1), date(2024, 5, 6))
    days = [date(2024, 5, 1) + timedelta(days=i) for i in range(6)]
    support = [sorted(s for s, v in daily.on(d).items() if v == "support") for d in days]
    assert support == [[], [], ["GB"], ["GB"], ["DE", "GB"], ["DE", "GB"]]
    assert [daily.on(d).get("DE") for d in days] == [None, "oppose", "oppose", "oppose", "support", "support"]


def test_timeline_seed_data_supporters_as_of_2024_05_31(seed_frame):
    assert engine.supporters_on(seed_frame, ISSUE, date(2024, 5, 31)) == ["CA", "CZ", "FI", "GB", "NL"]
