"""positions.analysis.engine: the official-position rule, against the slow reference (tests/oracle.py)."""
from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from positions.analysis import engine
from positions.data import outlets as outlets_mod
from positions.model import STANCE_ORDER
from tests import oracle
from tests.conftest import frame

ISSUE = "cross_border_strikes"
PRECISIONS = ["day", "week", "month", "quarter", "year"]
START = date(2024, 1, 1)


@st.composite
def statement(draw, i):
    """One random row: few states and days (so ties happen), every precision and attribution."""
    dated = draw(st.booleans())
    day = START + timedelta(days=draw(st.integers(0, 30)))
    published = day + timedelta(days=draw(st.integers(-20, 60)))  # sometimes before the period's end
    state = draw(st.sampled_from(["DE", "FR", "PL"]))
    as_state = draw(st.integers(0, 5)) == 0
    return {
        "actor": state if as_state else f"Speaker {draw(st.integers(0, 3))}",
        "actor_id": state if as_state else "",
        "affiliation": draw(st.sampled_from([state, state, state, "NATO"])),
        "actor_type": draw(st.sampled_from(["government", "government", "government", "other"])),
        "role": "" if as_state else draw(st.sampled_from(sorted(oracle.TITLE_RANK))),
        "issue": draw(st.sampled_from([ISSUE, ISSUE, ISSUE, "trainer_deployment"])),
        "stance": draw(st.sampled_from(STANCE_ORDER)),
        "statement_date": day.isoformat() if dated else None,
        "date_precision": draw(st.sampled_from(PRECISIONS)) if dated else None,
        "attribution": draw(st.sampled_from(["direct", "direct", "summary", "relayed", "past"])),
        "published": None if (dated and draw(st.integers(0, 9)) == 0) else published.isoformat(),
        "confidence": draw(st.sampled_from([1.0, 0.9, 0.7, 0.5])),
        "status": draw(st.sampled_from(["accepted", "accepted", "accepted", "rejected"])),
        "evidence": f"invented sentence number {i}",
    }


@st.composite
def tables(draw):
    n = draw(st.integers(2, 40))
    return frame(*[draw(statement(i)) for i in range(n)])


def prepared(df):
    return engine.prepare(df, outlets=pd.DataFrame(columns=outlets_mod.COLUMNS))


def examples(fast: int, thorough: int, **strategies):
    """The property `check` on `fast` random examples for the fast suite, and on `thorough` ones in a
    `_thoroughly` twin that only the full suite runs (each table costs ~0.1 s of engine + oracle work)."""
    def decorate(check):
        def make(n):
            return settings(max_examples=n, deadline=None,
                            suppress_health_check=[HealthCheck.too_slow])(given(**strategies)(check))
        return make(fast), pytest.mark.slow(make(thorough))
    return decorate


def as_of_equals_the_reference(df, offset):
    """On random tables, each state's stance and the statement it rests on equal the slow rule's."""
    on = START + timedelta(days=offset)
    pos = engine.official(prepared(df), ISSUE).as_of(on)
    got = {r.affiliation: (r.stance, r.id) for r in pos.itertuples()}
    assert got == oracle.as_of(df, ISSUE, on)


(test_engine_as_of_equals_the_reference,
 test_engine_as_of_equals_the_reference_thoroughly) = examples(
    4, 50, df=tables(), offset=st.integers(-5, 120))(as_of_equals_the_reference)


def change_days(df):
    events = engine.official(prepared(df), ISSUE).events
    got = {}
    for r in events.itertuples():
        got.setdefault(r.affiliation, []).append((r.since.date(), r.stance))
    return got


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(df=tables())
def test_engine_change_days_equal_the_reference(df):
    """The days each state's stance changes (and to what) equal the slow rule's."""
    assert change_days(df) == oracle.changes(df, ISSUE)


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(df=tables())
def test_engine_change_days_equal_the_reference_thoroughly(df):
    """As above, on many more random tables (the full suite only)."""
    assert change_days(df) == oracle.changes(df, ISSUE)


def stances_never_depend_on_ids_or_row_order(df, seed):
    """Shuffling the rows and giving them new ids changes no state's stance on any day."""
    other = df.sample(frac=1, random_state=seed).reset_index(drop=True)
    other["id"] = [f"{(seed * 7919 + i * 104729) % 10**16:016d}" for i in range(len(other))]
    a, b = engine.official(prepared(df), ISSUE), engine.official(prepared(other), ISSUE)
    assert a.events[["affiliation", "since", "stance"]].values.tolist() == \
        b.events[["affiliation", "since", "stance"]].values.tolist()


(test_engine_stances_never_depend_on_ids_or_row_order,
 test_engine_stances_never_depend_on_ids_or_row_order_thoroughly) = examples(
    4, 25, df=tables(), seed=st.integers(0, 10_000))(stances_never_depend_on_ids_or_row_order)


def daily_series_agrees_with_as_of(df):
    """Every day of the daily series holds the as-of stances of that day."""
    off = engine.official(prepared(df), ISSUE)
    daily = off.daily(START, START + timedelta(days=200))
    for day in daily.days[::17]:
        assert daily.on(day.date()) == {s: v for s, (v, _) in oracle.as_of(df, ISSUE, day.date()).items()}


(test_engine_daily_series_agrees_with_as_of,
 test_engine_daily_series_agrees_with_as_of_thoroughly) = examples(
    4, 25, df=tables())(daily_series_agrees_with_as_of)


def test_engine_month_date_counts_from_the_end_of_the_month_and_is_a_range():
    df = frame({"actor": "Joe Biden", "affiliation": "US", "role": "President", "stance": "support",
                "statement_date": "2024-11-01", "date_precision": "month", "published": "2025-05-26",
                "evidence": "In November he allowed it."})
    off = engine.official(prepared(df), ISSUE)
    assert off.as_of(date(2024, 11, 29)).empty
    row = off.as_of(date(2024, 11, 30)).iloc[0]
    assert (row["date_start"].date(), row["date_end"].date(), row["since"].date()) == \
        (date(2024, 11, 1), date(2024, 11, 30), date(2024, 11, 30))


def test_engine_period_end_is_capped_at_publication():
    df = frame({"actor": "Keir Starmer", "affiliation": "GB", "role": "Prime Minister", "stance": "support",
                "statement_date": "2024-05-01", "date_precision": "month", "published": "2024-05-20",
                "evidence": "Earlier this month he agreed."})
    row = engine.official(prepared(df), ISSUE).as_of(date(2024, 5, 20)).iloc[0]
    assert row["effective_date"].date() == date(2024, 5, 20)


def test_engine_dated_primary_outranks_a_later_undated_summary():
    df = frame(
        {"actor": "Emmanuel Macron", "affiliation": "FR", "role": "President", "stance": "conditional",
         "statement_date": "2024-05-28", "published": "2024-05-28", "evidence": "Only the launch sites, he said."},
        {"actor": "Emmanuel Macron", "affiliation": "FR", "role": "President", "stance": "support",
         "statement_date": None, "published": "2024-05-30", "attribution": "summary",
         "evidence": "He has backed strikes, a recap said."},
    )
    off = engine.official(prepared(df), ISSUE)
    assert off.as_of(date(2024, 5, 31)).iloc[0]["stance"] == "conditional"
    # An undated report overrides it once published more than the hold period later.
    late = pd.concat([df, frame({"actor": "Emmanuel Macron", "affiliation": "FR", "role": "President",
                                 "stance": "support", "statement_date": None, "published": "2024-07-15",
                                 "evidence": "A later recap."})], ignore_index=True)
    assert engine.official(prepared(late), ISSUE).as_of(date(2024, 7, 15)).iloc[0]["stance"] == "support"


@pytest.mark.parametrize("attribution,actor_type", [("relayed", "government"), ("direct", "other")])
def test_engine_relayed_claims_and_other_speakers_are_signals_only(attribution, actor_type):
    df = frame({"actor": "Officials", "affiliation": "GB", "role": "", "actor_type": actor_type, "stance": "support",
                "attribution": attribution, "statement_date": "2024-09-11", "evidence": "Sources said it was decided."})
    off = engine.official(prepared(df), ISSUE)
    assert off.as_of(date(2024, 10, 1)).empty
    assert off.latest_signals(date(2024, 10, 1)).set_index("affiliation").loc["GB", "signal_stance"] == "support"


def test_engine_same_day_equal_speakers_take_the_more_cautious_stance():
    rows = [{"actor": "Robert Fico", "affiliation": "SK", "role": "Prime Minister", "stance": s,
             "statement_date": "2024-06-01", "evidence": f"said {s}"} for s in STANCE_ORDER]
    assert engine.official(prepared(frame(*rows)), ISSUE).as_of(date(2024, 6, 1)).iloc[0]["stance"] == "oppose"
    rows = rows[:2]  # support and conditional
    assert engine.official(prepared(frame(*rows)), ISSUE).as_of(date(2024, 6, 1)).iloc[0]["stance"] == "conditional"


def test_engine_same_day_higher_speaker_wins():
    df = frame(
        {"actor": "A spokesman", "affiliation": "DE", "role": "Government spokesman", "stance": "oppose",
         "statement_date": "2024-05-31", "evidence": "no"},
        {"actor": "Olaf Scholz", "affiliation": "DE", "role": "Chancellor", "stance": "conditional",
         "statement_date": "2024-05-31", "evidence": "only near Kharkiv"},
    )
    assert engine.official(prepared(df), ISSUE).as_of(date(2024, 5, 31)).iloc[0]["stance"] == "conditional"


def test_engine_flags_a_position_resting_on_state_media_only():
    outlets = pd.DataFrame([{"domain": "statenews.example", "name": "State News", "country": "RU",
                             "type": "state_aligned", "type_source": "test"},
                            {"domain": "wire.example", "name": "Wire", "country": "GB", "type": "wire",
                             "type_source": "test"}], columns=outlets_mod.COLUMNS)
    df = frame(
        {"actor": "Spain", "actor_id": "ES", "affiliation": "ES", "role": "", "stance": "oppose",
         "statement_date": "2024-08-30", "source_url": "https://statenews.example/a", "evidence": "x"},
        {"actor": "Croatia", "actor_id": "HR", "affiliation": "HR", "role": "", "stance": "oppose",
         "statement_date": "2024-08-30", "source_url": "https://m.statenews.example/b", "evidence": "y"},
        {"actor": "Croatia", "actor_id": "HR", "affiliation": "HR", "role": "", "stance": "oppose",
         "statement_date": "2024-09-02", "source_url": "https://www.wire.example/c", "evidence": "z"},
    )
    pos = engine.official(engine.prepare(df, outlets=outlets), ISSUE).as_of(date(2024, 9, 5)).set_index("affiliation")
    assert pos.loc["ES", "source_flag"] == "single source: state media"
    assert pos.loc["HR", "source_flag"] == ""  # a wire report of the same stance backs it
    assert pos.loc["ES", "source_type"] == "state_aligned"


def test_engine_csv_without_the_new_columns_reads_as_day_precision_and_direct():
    df = frame({"statement_date": "2024-05-01"}).drop(columns=["date_precision", "attribution"])
    out = prepared(df)
    assert (out.loc[0, "date_precision"], out.loc[0, "attribution"]) == ("day", "direct")


def test_engine_changes_between_name_direction_and_new_positions():
    df = frame(
        {"actor": "Olaf Scholz", "affiliation": "DE", "role": "Chancellor", "stance": "oppose",
         "statement_date": "2024-05-01", "evidence": "a"},
        {"actor": "Olaf Scholz", "affiliation": "DE", "role": "Chancellor", "stance": "conditional",
         "statement_date": "2024-05-31", "evidence": "b"},
        {"actor": "Petr Fiala", "affiliation": "CZ", "role": "Prime Minister", "stance": "support",
         "statement_date": "2024-05-20", "evidence": "c"},
    )
    ch = engine.official(prepared(df), ISSUE).changes(date(2024, 5, 10), date(2024, 6, 1)).set_index("affiliation")
    assert ch.loc["DE", ["from_stance", "to_stance", "direction"]].tolist() == ["oppose", "conditional", 1]
    assert ch.loc["CZ", ["from_stance", "direction"]].tolist() == ["", 0]


@pytest.mark.parametrize("attribution", ["summary", "past"])
def test_engine_same_day_direct_words_outrank_a_summary_or_past_position(attribution):
    df = frame(
        {"actor": "Donald Tusk", "affiliation": "PL", "role": "Prime Minister", "stance": "oppose",
         "statement_date": "2024-07-10", "attribution": attribution, "evidence": "He had ruled it out, it recalled."},
        {"actor": "A spokesman", "affiliation": "PL", "role": "Government spokesman", "stance": "support",
         "statement_date": "2024-07-10", "evidence": "We allow it, the spokesman said."},
    )
    assert engine.official(prepared(df), ISSUE).as_of(date(2024, 7, 10)).iloc[0]["stance"] == "support"


def test_engine_changes_between_quiet_dates_is_empty():
    df = frame({"actor": "Olaf Scholz", "affiliation": "DE", "role": "Chancellor", "stance": "oppose",
                "statement_date": "2024-05-01", "evidence": "a"})
    off = engine.official(prepared(df), ISSUE)
    assert off.changes(date(2024, 6, 1), date(2024, 7, 1)).empty
    assert off.changes(date(2024, 4, 1), date(2024, 4, 2)).empty


@pytest.mark.parametrize("edit,needle", [
    (("tie_break: [oppose, undecided, conditional, support]", "tie_break: [oppose, conditional, undecided, support]"),
     "tie_break"),
    (("evidence_tier: {direct: 0, summary: 1, past: 2}", "evidence_tier: {direct: 0, summary: 1}"), "evidence_tier"),
    (("{rank: 3, kinds: [spokesperson], titles: '", "{rank: 3, kinds: [spokesperson], titles: '(("), r"speaker_rank\[0\]\.titles"),
])
def test_engine_rule_is_checked_when_the_codebook_loads(tmp_path, edit, needle):
    from positions.errors import CodebookError
    from positions.reference import codebook

    text = codebook.DEFAULT_PATH.read_text(encoding="utf-8")
    assert edit[0] in text
    path = tmp_path / "codebook.yaml"
    path.write_text(text.replace(edit[0], edit[1]), encoding="utf-8")
    with pytest.raises(CodebookError, match=needle):
        codebook.load(path)


def test_engine_registry_role_kinds_rank_by_the_one_table(reg, cb):
    """A registered speaker without a role title ranks by their role kind on that day."""
    df = frame({"actor": "Olaf Scholz", "actor_id": "olaf-scholz", "role": "", "statement_date": "2024-05-01"})
    assert engine.speaker_ranks(df, reg).tolist() == [cb.rule.rank_of_kind("head_of_government")] == [1]
