from datetime import date

from positions.analysis import timeline
from tests.conftest import frame


def test_timeline_latest_statement_on_or_before_date_wins():
    df = frame(
        {"stance": "oppose", "statement_date": "2024-05-01", "evidence": "a"},
        {"stance": "support", "statement_date": "2024-06-01", "evidence": "b"},
    )
    assert timeline.state_positions_as_of(df, "cross_border_strikes", date(2024, 5, 31)).stance.tolist() == ["oppose"]
    assert timeline.state_positions_as_of(df, "cross_border_strikes", date(2024, 6, 1)).stance.tolist() == ["support"]
    assert timeline.state_positions_as_of(df, "cross_border_strikes", date(2024, 4, 30)).empty


def test_timeline_undated_statement_counts_from_publication():
    df = frame({"affiliation": "CA", "actor": "Canada", "stance": "support", "statement_date": None, "published": "2024-05-30"})
    assert timeline.supporters_on(df, "cross_border_strikes", date(2024, 5, 29)) == []
    assert timeline.supporters_on(df, "cross_border_strikes", date(2024, 5, 30)) == ["CA"]


def test_timeline_ignores_orgs_other_speakers_rejected_and_other_issue():
    df = frame(
        {"affiliation": "NATO", "actor": "Jens Stoltenberg", "actor_type": "organization", "stance": "support", "evidence": "n"},
        {"affiliation": "FR", "actor": "French officials", "actor_type": "other", "stance": "support", "evidence": "o"},
        {"affiliation": "GB", "actor": "UK", "stance": "support", "status": "rejected", "evidence": "r"},
        {"affiliation": "PL", "actor": "Poland", "stance": "support", "issue": "trainer_deployment", "evidence": "t"},
    )
    assert timeline.supporters_on(df, "cross_border_strikes", date(2024, 12, 31)) == []


def test_timeline_conditional_counts_only_when_asked():
    df = frame({"affiliation": "FR", "actor": "Macron", "stance": "conditional"})
    assert timeline.supporters_on(df, "cross_border_strikes", date(2024, 6, 1)) == []
    assert timeline.supporters_on(df, "cross_border_strikes", date(2024, 6, 1), count_conditional=True) == ["FR"]


def test_timeline_daily_counts_step_and_list_states():
    df = frame(
        {"affiliation": "GB", "actor": "Cameron", "stance": "support", "statement_date": "2024-05-03", "evidence": "g"},
        {"affiliation": "DE", "actor": "Scholz", "stance": "oppose", "statement_date": "2024-05-02", "evidence": "d1"},
        {"affiliation": "DE", "actor": "Scholz", "stance": "support", "statement_date": "2024-05-05", "evidence": "d2"},
    )
    counts = timeline.daily_counts(df, "cross_border_strikes", date(2024, 5, 1), date(2024, 5, 6))
    support = counts[counts.stance == "support"].set_index("date")
    assert support["count"].tolist() == [0, 0, 1, 1, 2, 2]
    assert support["states"].iloc[-1] == ["DE", "GB"]
    oppose = counts[counts.stance == "oppose"].set_index("date")
    assert oppose["count"].tolist() == [0, 1, 1, 1, 0, 0]


def test_timeline_seed_data_supporters_as_of_2024_05_31(seed_frame):
    assert timeline.supporters_on(seed_frame, "cross_border_strikes", date(2024, 5, 31)) == ["CA", "CZ", "FI", "GB", "NL"]
