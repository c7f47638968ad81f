"""positions.analysis.fast (DuckDB) equals the engine and its slow oracle on random tables."""
from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import strategies as st

from positions.analysis import engine, fast
from tests import oracle
from tests.test_engine import ISSUE, START, examples, prepared, tables

MIN_CONF = [0.0, 0.6, 0.95, 1.01]  # 1.01 leaves nothing


def subset(rows: pd.DataFrame, min_conf: float) -> pd.DataFrame:
    return rows[rows["confidence"] >= min_conf]


def events_of(off) -> list[tuple]:
    return [(str(r.affiliation), r.since, str(r.stance), r.set_by_id) for r in off.events.itertuples()]


def positions(off, on: date) -> list[tuple]:
    cols = ["affiliation", "stance", "id", "since", "set_by_id", "source_flag", "signal_stance", "signal_id"]
    pos = off.as_of(on)
    return [tuple(r) for r in pos[cols].astype(object).itertuples(index=False)] + [list(pos["basis_ids"])]


def official_equals_engine_and_oracle(df, offset, min_conf):
    """Change days and as-of positions equal the engine's for any filter (empty ones too), and the
    slow oracle's stances and statements."""
    rows = subset(prepared(df), min_conf)
    on = START + timedelta(days=offset)
    ref, got = engine.official(rows, ISSUE), fast.official(rows, ISSUE)
    assert events_of(got) == events_of(ref)
    assert positions(got, on) == positions(ref, on)
    expected = oracle.as_of(df[df["confidence"] >= min_conf], ISSUE, on)
    assert {r.affiliation: (r.stance, r.id) for r in got.as_of(on).itertuples()} == expected


(test_fast_official_equals_engine_and_oracle,
 test_fast_official_equals_engine_and_oracle_thoroughly) = examples(
    12, 60, df=tables(), offset=st.integers(-5, 90), min_conf=st.sampled_from(MIN_CONF))(official_equals_engine_and_oracle)


def order_key_of_all_rows_serves_any_subset(df, min_conf):
    """The winner order computed once over every row (as the analytical copy stores it) picks the
    same statements in a filtered subset as the engine's order computed on that subset."""
    rows = prepared(df)
    rows = rows.assign(order_key=engine.winner_order(rows, rows.attrs["hold_days"]))
    part = subset(rows, min_conf)
    ref, got = engine.official(part, ISSUE), fast.official(part, ISSUE)
    assert events_of(got) == events_of(ref)
    assert positions(got, START + timedelta(days=40)) == positions(ref, START + timedelta(days=40))


(test_fast_order_key_of_all_rows_serves_any_subset,
 test_fast_order_key_of_all_rows_serves_any_subset_thoroughly) = examples(
    6, 30, df=tables(), min_conf=st.sampled_from(MIN_CONF))(order_key_of_all_rows_serves_any_subset)


@pytest.mark.parametrize("issue", ["cross_border_strikes", "trainer_deployment"])
def test_fast_equals_engine_on_bundled_data(issue):
    """On the bundled statements, the change days and every month end's positions agree."""
    from positions.data import store
    rows = engine.prepare(store.load_frame())
    ref, got = engine.official(rows, issue), fast.official(rows, issue)
    assert events_of(got) == events_of(ref)
    for on in pd.date_range("2022-02-28", "2025-12-31", freq="ME")[::5]:
        assert positions(got, on) == positions(ref, on)
