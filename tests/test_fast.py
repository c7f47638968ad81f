"""positions.analysis.fast (DuckDB) equals positions.analysis.engine on random tables."""
from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from positions.analysis import engine, fast
from positions.data import outlets as outlets_mod
from positions.model import STANCE_ORDER
from tests.conftest import frame

ISSUE = "cross_border_strikes"
START = date(2024, 1, 1)
ROLES = ["President", "Prime Minister", "Foreign Minister", "Government spokesman", "Adviser", ""]
OUTLETS = pd.DataFrame({"domain": ["state.example", "mirror.example", "wire.example"], "name": ["S", "M", "W"],
                        "country": ["RU", "", ""], "type": ["state_aligned", "aggregator", "wire"],
                        "type_source": ["test", "test", "test"]})


@st.composite
def statement(draw, i):
    """One random row: few states, days and confidences, so ties happen; undated rows and coarse dates."""
    dated = draw(st.booleans())
    day = START + timedelta(days=draw(st.integers(0, 30)))
    state = draw(st.sampled_from(["DE", "FR", "PL"]))
    return {
        "actor": f"Speaker {draw(st.integers(0, 3))}", "affiliation": draw(st.sampled_from([state, state, "NATO"])),
        "actor_type": draw(st.sampled_from(["government", "government", "other"])),
        "role": draw(st.sampled_from(ROLES)), "issue": draw(st.sampled_from([ISSUE, ISSUE, "trainer_deployment"])),
        "stance": draw(st.sampled_from(STANCE_ORDER)),
        "statement_date": day.isoformat() if dated else None,
        "date_precision": draw(st.sampled_from(["day", "day", "week", "month"])) if dated else None,
        "attribution": draw(st.sampled_from(["direct", "direct", "summary", "relayed", "past"])),
        "published": (day + timedelta(days=draw(st.integers(0, 40)))).isoformat(),
        "confidence": draw(st.sampled_from([1.0, 0.9, 0.5])),
        "origin": draw(st.sampled_from(["manual", "tagged"])),
        "status": draw(st.sampled_from(["accepted", "accepted", "rejected"])),
        "source_url": f"https://{draw(st.sampled_from(list(OUTLETS['domain'])))}/{draw(st.integers(0, 5))}",
        "evidence": f"made-up sentence {i}",
    }


@st.composite
def tables(draw, max_rows=30):
    return frame(*[draw(statement(i)) for i in range(draw(st.integers(0, max_rows)))])


def prepared(df: pd.DataFrame) -> pd.DataFrame:
    return engine.prepare(df, outlets=OUTLETS)


def subset(rows: pd.DataFrame, min_conf: float, tagged: bool) -> pd.DataFrame:
    """A sidebar-style filter of prepared rows (may leave nothing)."""
    mask = rows["confidence"] >= min_conf
    if not tagged:
        mask &= rows["origin"] != "tagged"
    return rows[mask]


def same_positions(a: pd.DataFrame, b: pd.DataFrame) -> None:
    cols = ["affiliation", "stance", "id", "since", "set_by_id", "source_flag", "signal_stance", "signal_id"]
    assert list(a["affiliation"]) == list(b["affiliation"])
    if len(a):
        pd.testing.assert_frame_equal(a[cols].reset_index(drop=True).astype(object),
                                      b[cols].reset_index(drop=True).astype(object))
        assert [list(x) for x in a["basis_ids"]] == [list(x) for x in b["basis_ids"]]


def events_of(off) -> list[tuple]:
    return [(str(r.affiliation), r.since, str(r.stance), r.set_by_id) for r in off.events.itertuples()]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(df=tables(), offset=st.integers(-3, 75), min_conf=st.sampled_from([0.0, 0.6, 0.95, 1.01]),
       tagged=st.booleans())
def test_fast_official_equals_engine(df, offset, min_conf, tagged):
    """Change days, as-of positions and supporters equal the engine's, for any filter (empty ones too);
    `changes` is the engine's own method on these as-of positions."""
    rows = subset(prepared(df), min_conf, tagged)
    on = START + timedelta(days=offset)
    ref, got = engine.official(rows, ISSUE), fast.official(rows, ISSUE)
    assert events_of(got) == events_of(ref)
    same_positions(ref.as_of(on), got.as_of(on))
    assert got.supporters(on, True) == ref.supporters(on, True)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(df=tables(), min_conf=st.sampled_from([0.0, 0.6, 0.95]), tagged=st.booleans())
def test_fast_order_key_of_all_rows_serves_any_subset(df, min_conf, tagged):
    """The winner order computed once over every row (as the analytical copy stores it) picks the
    same statements in a filtered subset as the engine's order computed on that subset."""
    rows = prepared(df)
    rows = rows.assign(order_key=engine.winner_order(rows, rows.attrs["hold_days"]))
    part = subset(rows, min_conf, tagged)
    ref = engine.official(part.drop(columns="order_key"), ISSUE)
    got = fast.official(part, ISSUE)
    assert events_of(got) == events_of(ref)
    same_positions(ref.as_of(START + timedelta(days=40)), got.as_of(START + timedelta(days=40)))


@pytest.mark.parametrize("issue", ["cross_border_strikes", "trainer_deployment"])
def test_fast_equals_engine_on_bundled_data(issue):
    """On the bundled statements, every day's positions agree (month ends over the whole range)."""
    from positions.data import store
    rows = engine.prepare(store.load_frame())
    ref, got = engine.official(rows, issue), fast.official(rows, issue)
    assert events_of(got) == events_of(ref)
    for on in pd.date_range("2022-02-28", "2025-12-31", freq="ME"):
        same_positions(ref.as_of(on), got.as_of(on))


def test_fast_change_rows_carry_the_setting_statement():
    """change_rows (the page's events) gives each change day and the statement that set it."""
    df = frame({"statement_date": "2024-01-02", "stance": "oppose", "role": "President", "evidence": "one"},
               {"statement_date": "2024-01-09", "stance": "support", "role": "President", "evidence": "two"})
    out = fast.change_rows(prepared(df), ISSUE)
    assert list(out["stance"].astype(str)) == ["oppose", "support"]
    assert list(out["evidence"]) == ["one", "two"]
    assert list(out["effective_date"]) == [pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-09")]
