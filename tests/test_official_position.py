"""Official national position: precedence, walk-backs and 'no public position' (issues 6 and 12)."""
from datetime import date

import pytest

from positions.analysis import engine
from positions.analysis.coverage import NO_POSITION, state_coverage
from tests.conftest import frame

ISSUE = "cross_border_strikes"


def official(df, on):
    pos = engine.positions_as_of(df, ISSUE, on).set_index("affiliation")
    return {code: (row.stance, row.actor) for code, row in pos.iterrows()}


@pytest.mark.parametrize("role,rank", [
    ("President", 1), ("Prime Minister", 1), ("Chancellor", 1), ("Foreign Secretary", 2), ("Defence Minister", 2),
    ("Secretary of State", 2), ("Vice President", 2), ("Kremlin spokesman", 3), ("NSC spokesman", 3),
    ("Commander-in-Chief", 4), ("", 4),
])
def test_speaker_rank_from_role_title(role, rank):
    df = frame({"actor": "Someone Unregistered", "role": role})
    assert engine.speaker_ranks(df).tolist() == [rank]


def test_head_of_government_outranks_minister_on_the_same_day():
    df = frame(
        {"actor": "Olaf Scholz", "role": "Chancellor", "stance": "oppose", "statement_date": "2024-05-29", "evidence": "a"},
        {"actor": "Annalena Baerbock", "role": "Foreign Minister", "stance": "support", "statement_date": "2024-05-29",
         "evidence": "b"},
    )
    assert official(df, date(2024, 5, 30))["DE"] == ("oppose", "Olaf Scholz")
    # The derived position says what it rests on: the statements of that stance since it began.
    pos = engine.positions_as_of(df, ISSUE, date(2024, 5, 30))
    assert len(pos.iloc[0]["basis_ids"]) == 1


def test_later_dated_statement_wins_whatever_the_speaker():
    """Issue 12 dropped the week-long precedence window: among equals the later date wins."""
    df = frame(
        {"actor": "Olaf Scholz", "role": "Chancellor", "stance": "oppose", "statement_date": "2024-05-18", "evidence": "a"},
        {"actor": "Annalena Baerbock", "role": "Foreign Minister", "stance": "support", "statement_date": "2024-05-20",
         "evidence": "b"},
    )
    assert official(df, date(2024, 5, 30))["DE"] == ("support", "Annalena Baerbock")


def test_walk_back_by_same_speaker_supersedes():
    df = frame(
        {"actor": "Oleksandr Syrskyi", "affiliation": "UA", "role": "Commander-in-Chief", "issue": "trainer_deployment",
         "stance": "support", "statement_date": "2024-05-27", "evidence": "signed"},
        {"actor": "Oleksandr Syrskyi", "affiliation": "UA", "role": "Commander-in-Chief", "issue": "trainer_deployment",
         "stance": "undecided", "statement_date": "2024-05-28", "evidence": "walked back"},
    )
    pos = engine.positions_as_of(df, "trainer_deployment", date(2024, 6, 1))
    assert pos.iloc[0]["stance"] == "undecided" and pos.iloc[0]["evidence"] == "walked back"


def test_opposition_and_parliamentarians_never_set_official_position():
    df = frame(
        {"actor": "Olaf Scholz", "role": "Chancellor", "stance": "oppose", "statement_date": "2024-05-01", "evidence": "a"},
        {"actor": "Friedrich Merz", "actor_type": "other", "role": "Opposition leader", "stance": "support",
         "statement_date": "2024-05-20", "evidence": "b"},
    )
    assert official(df, date(2024, 6, 1))["DE"] == ("oppose", "Olaf Scholz")
    signals = engine.official(df, ISSUE).latest_signals(date(2024, 6, 1))
    assert signals["signal_actor"].tolist() == ["Friedrich Merz"]  # still visible, as a signal


def test_since_when_is_the_first_day_of_the_position():
    df = frame(
        {"actor": "Canada", "affiliation": "CA", "role": "", "stance": "support", "statement_date": "2024-05-01", "evidence": "a"},
        {"actor": "Canada", "affiliation": "CA", "role": "", "stance": "support", "statement_date": "2024-06-01", "evidence": "b"},
    )
    pos = engine.positions_as_of(df, ISSUE, date(2024, 7, 1))
    assert pos.iloc[0]["since"].date() == date(2024, 5, 1)


def test_no_public_position_is_distinct_from_undecided():
    df = frame({"actor": "Canada", "affiliation": "CA", "role": "", "stance": "undecided", "evidence": "a"})
    cov = state_coverage(df, ISSUE, date(2024, 6, 1), ["CA", "PT"]).set_index("affiliation")["stance"]
    assert cov.to_dict() == {"CA": "undecided", "PT": NO_POSITION}
