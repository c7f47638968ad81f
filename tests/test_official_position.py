"""Official national position: precedence, walk-backs and 'no public position' (issue 6)."""
import random
from datetime import date, timedelta

import pandas as pd
import pytest

from positions.analysis import timeline
from tests.conftest import frame

ISSUE = "cross_border_strikes"


def official(df, on):
    pos = timeline.state_positions_as_of(df, ISSUE, on).set_index("affiliation")
    return {code: (row.stance, row.actor) for code, row in pos.iterrows()}


@pytest.mark.parametrize("role,rank", [
    ("President", 1), ("Prime Minister", 1), ("Chancellor", 1), ("Foreign Secretary", 2), ("Defence Minister", 2),
    ("Secretary of State", 2), ("Vice President", 2), ("Kremlin spokesman", 3), ("NSC spokesman", 3),
    ("Commander-in-Chief", 4), ("", 4),
])
def test_speaker_rank_from_role_title(role, rank):
    assert timeline.speaker_rank(role) == rank


def test_head_of_government_outranks_minister_in_the_same_week():
    df = frame(
        {"actor": "Olaf Scholz", "role": "Chancellor", "stance": "oppose", "statement_date": "2024-05-27", "evidence": "a"},
        {"actor": "Annalena Baerbock", "role": "Foreign Minister", "stance": "support", "statement_date": "2024-05-29",
         "evidence": "b"},
    )
    assert official(df, date(2024, 5, 30))["DE"] == ("oppose", "Olaf Scholz")
    # The derived position says why: the minister's statement is listed as overruled.
    pos = timeline.state_positions_as_of(df, ISSUE, date(2024, 5, 30))
    assert len(pos.iloc[0]["overruled_ids"]) == 1


def test_lower_speaker_after_a_week_sets_position_latest_wins():
    df = frame(
        {"actor": "Olaf Scholz", "role": "Chancellor", "stance": "oppose", "statement_date": "2024-05-01", "evidence": "a"},
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
    pos = timeline.state_positions_as_of(df, "trainer_deployment", date(2024, 6, 1))
    assert pos.iloc[0]["stance"] == "undecided" and pos.iloc[0]["evidence"] == "walked back"


def test_opposition_and_parliamentarians_never_set_official_position():
    df = frame(
        {"actor": "Olaf Scholz", "role": "Chancellor", "stance": "oppose", "statement_date": "2024-05-01", "evidence": "a"},
        {"actor": "Friedrich Merz", "actor_type": "other", "role": "Opposition leader", "stance": "support",
         "statement_date": "2024-05-20", "evidence": "b"},
    )
    assert official(df, date(2024, 6, 1))["DE"] == ("oppose", "Olaf Scholz")
    actors = timeline.actor_positions_as_of(df, ISSUE, date(2024, 6, 1))
    assert set(actors["actor"]) == {"Olaf Scholz", "Friedrich Merz"}  # still visible as their own actor


def test_since_when_is_the_first_day_of_the_position():
    df = frame(
        {"actor": "Canada", "affiliation": "CA", "role": "", "stance": "support", "statement_date": "2024-05-01", "evidence": "a"},
        {"actor": "Canada", "affiliation": "CA", "role": "", "stance": "support", "statement_date": "2024-06-01", "evidence": "b"},
    )
    pos = timeline.state_positions_as_of(df, ISSUE, date(2024, 7, 1))
    assert pos.iloc[0]["effective_date"].date() == date(2024, 5, 1)


def test_no_public_position_is_distinct_from_undecided():
    df = frame({"actor": "Canada", "affiliation": "CA", "role": "", "stance": "undecided", "evidence": "a"})
    cov = timeline.state_coverage(df, ISSUE, date(2024, 6, 1), ["CA", "PT"]).set_index("affiliation")["stance"]
    assert cov.to_dict() == {"CA": "undecided", "PT": timeline.NO_POSITION}


def reference_official(df, issue):
    """The rule spelled out slowly: at each statement day, the best-ranked statement of the past
    week wins (latest among equals); keep the days where the state's stance changes."""
    rows = timeline.state_statements(df, issue).sort_values(["effective_date"], kind="stable")
    out = {}
    for code, group in rows.groupby("affiliation"):
        changes, last = [], None
        for day in sorted(group["effective_date"].unique()):
            window = group[(group["effective_date"] <= day)
                           & (group["effective_date"] > day - pd.Timedelta(days=timeline.PRECEDENCE_WINDOW_DAYS))]
            best = window.sort_values(["rank", "effective_date", "confidence", "id"],
                                      ascending=[True, False, False, False], kind="stable").iloc[0]
            if best["stance"] != last:
                changes.append((pd.Timestamp(day), best["stance"]))
                last = best["stance"]
        out[code] = changes
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_official_positions_match_the_rule_on_random_tables(seed):
    rng = random.Random(seed)
    rows = [{"actor": f"A{rng.randint(0, 9)}", "role": rng.choice(["President", "Foreign Minister", "spokesman", ""]),
             "affiliation": rng.choice(["DE", "FR", "PL"]), "stance": rng.choice(["support", "oppose", "undecided"]),
             "statement_date": (date(2024, 1, 1) + timedelta(days=rng.randint(0, 60))).isoformat(),
             "evidence": f"quote {i}"} for i in range(300)]
    df = frame(*rows)
    fast = timeline.official_positions(df, ISSUE)
    got = {code: list(zip(g["effective_date"], g["stance"])) for code, g in fast.groupby("affiliation")}
    assert got == reference_official(df, ISSUE)
