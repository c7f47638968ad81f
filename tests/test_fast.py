"""positions.analysis.fast (DuckDB) equals the engine and its slow oracle on random tables."""
from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import given, settings
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
    ref, got = engine.official(rows, ISSUE), fast.duckdb_official(rows, ISSUE)
    assert events_of(got) == events_of(ref)
    assert positions(got, on) == positions(ref, on)
    expected = oracle.as_of(df[df["confidence"] >= min_conf], ISSUE, on)
    assert {r.affiliation: (r.stance, r.id) for r in got.as_of(on).itertuples()} == expected


(test_fast_official_equals_engine_and_oracle,
 test_fast_official_equals_engine_and_oracle_thoroughly) = examples(
    3, 60, df=tables(), offset=st.integers(-5, 90), min_conf=st.sampled_from(MIN_CONF))(official_equals_engine_and_oracle)


def order_key_of_all_rows_serves_any_subset(df, min_conf):
    """The winner order computed once over every row (as the analytical copy stores it) picks the
    same statements in a filtered subset as the engine's order computed on that subset."""
    rows = prepared(df)
    rows = rows.assign(order_key=engine.winner_order(rows, rows.attrs["hold_days"]))
    part = subset(rows, min_conf)
    ref = engine.official(part, ISSUE)
    # The page's switch, on the copy's rows: numpy events below DUCKDB_ROWS, DuckDB's above.
    for got in (fast.duckdb_official(part, ISSUE), fast.official(part, ISSUE), fast.official(part, ISSUE, 0)):
        assert events_of(got) == events_of(ref)
        assert positions(got, START + timedelta(days=40)) == positions(ref, START + timedelta(days=40))


(test_fast_order_key_of_all_rows_serves_any_subset,
 test_fast_order_key_of_all_rows_serves_any_subset_thoroughly) = examples(
    3, 30, df=tables(), min_conf=st.sampled_from(MIN_CONF))(order_key_of_all_rows_serves_any_subset)


@pytest.mark.parametrize("issue", ["cross_border_strikes", "trainer_deployment"])
def test_fast_equals_engine_on_bundled_data(issue):
    """On the bundled statements, the change days and every month end's positions agree."""
    from positions.data import store
    rows = engine.prepare(store.load_frame())
    ref, got = engine.official(rows, issue), fast.duckdb_official(rows, issue)
    assert events_of(got) == events_of(ref)
    for on in pd.date_range("2022-02-28", "2025-12-31", freq="ME")[::5]:
        assert positions(got, on) == positions(ref, on)


def daily_series_and_changes_equal_the_engine(df, frm, span, min_conf):
    """The supporters chart's daily series and the changes view's table, from the fast path's
    change events, equal the engine's (the views read only these)."""
    rows = prepared(df)
    rows = subset(rows.assign(order_key=engine.winner_order(rows, rows.attrs["hold_days"])), min_conf)
    ref, got = engine.official(rows, ISSUE), fast.official(rows, ISSUE, duckdb_rows=len(rows) // 2)
    start, end = START + timedelta(days=frm), START + timedelta(days=frm + span)
    a, b = ref.daily(start, end), got.daily(start, end)
    assert (list(a.days), a.states, a.codes.tolist()) == (list(b.days), b.states, b.codes.tolist())
    cols = ["affiliation", "from_stance", "to_stance", "direction", "since", "id"]
    assert ref.changes(start, end)[cols].values.tolist() == got.changes(start, end)[cols].values.tolist()
    assert ref.supporters(end, True) == got.supporters(end, True)


(test_fast_daily_series_and_changes_equal_the_engine,
 test_fast_daily_series_and_changes_equal_the_engine_thoroughly) = examples(
    4, 40, df=tables(), frm=st.integers(-5, 60), span=st.integers(0, 60),
    min_conf=st.sampled_from(MIN_CONF))(daily_series_and_changes_equal_the_engine)


WORDS = st.sampled_from(["mini", "ster", "Minister", "we", "ATACMS", "range", "x", "é", "Ü"])


@settings(max_examples=60, deadline=None)  # pure pandas on tiny frames: 60 examples take ~1 s
@given(texts=st.lists(st.tuples(*[st.lists(WORDS, max_size=4).map(" ".join)] * 4), min_size=0, max_size=12),
       query=st.lists(WORDS, max_size=3).map(" ".join))
def test_search_equals_every_word_in_the_joined_fields(texts, query):
    """aggregate.search (each column alone) keeps exactly the rows whose fields, joined by spaces,
    contain every word of the query, case-insensitively (the definition)."""
    from positions.analysis import aggregate

    rows = pd.DataFrame(texts, columns=["actor", "role", "evidence", "source_title"], dtype=str)
    rows["affiliation"] = pd.Categorical(["FR", "DE", "US"] * 4)[:len(rows)]
    rows.index = rows.index * 3 + 1  # labels survive, as on filtered rows
    hay = (rows["actor"] + " " + rows["role"] + " " + rows["affiliation"].astype(str) + " " + rows["evidence"] + " "
           + rows["source_title"]).str.lower()
    want = [i for i in rows.index if all(w in hay[i] for w in query.lower().split())]
    assert list(aggregate.search(rows, query).index) == want


def test_page_frame_of_a_csv_and_of_its_sqlite_import_hold_the_accepted_statements(tmp_path, reg):
    """The page's one read: accepted statements only, the same from a CSV and from a database
    holding the same rows, and equal to the validating reader's (merged, prepared) statements."""
    from positions.data import db, store, synthetic, transfer

    path = tmp_path / "statements.csv"
    df = synthetic.generate(400, seed=3, reg=reg)
    df.loc[df.index[::7], "status"] = "rejected"
    synthetic.write(df, path)
    url = db.sqlite_url(tmp_path / "store.sqlite")
    eng = db.open_store(url, seed=False)
    transfer.import_csv(eng, path, "tester")
    eng.dispose()
    ref = engine.prepare(store.load_frame(path))
    ref = ref[ref["status"] == "accepted"]
    cols = ["id", "affiliation", "stance", "effective_date", "rank", "counts", "evidence", "n_sources"]
    want = ref[cols].astype(str).sort_values("id").values.tolist()
    for source in (path, url):
        got = fast.with_text(fast.page_frame(source))  # the quotes are read per view, for the rows shown
        assert set(got["status"].astype(str)) == {"accepted"}
        assert got[cols].astype(str).sort_values("id").values.tolist() == want


def reference_changes(rows: pd.DataFrame, issue: str) -> pd.DataFrame:
    """The who-since view's adapter as it was written on the engine (a de-duplicated copy of every row)."""
    off = engine.official(rows, issue)
    events = off.events
    cols = [c for c in off.rows.columns if c not in ("affiliation", "stance", "effective_date")]
    if events.empty:
        return pd.DataFrame(columns=["affiliation", "stance", "effective_date", *cols])
    statements = off.rows.drop_duplicates("id").set_index("id")[[c for c in cols if c != "id"]]
    out = events.join(statements, on="set_by_id").rename(columns={"since": "effective_date"})
    out["id"] = out["set_by_id"]
    return out.reset_index(drop=True)


def official_changes_equal_the_adapter_on_the_engine(df, min_conf, copy, dup):
    """The who-since view's change events with their statements: equal, column for column, on the
    copy's rows or any frame, with repeated ids (the first row of an id describes it)."""
    rows = prepared(df)
    if dup and len(rows) > 2:
        rows.loc[rows.index[1], "id"] = rows["id"].iloc[0]
    if copy:
        rows = rows.assign(order_key=engine.winner_order(rows, rows.attrs["hold_days"]))
    rows = subset(rows, min_conf)
    pd.testing.assert_frame_equal(fast.official_changes(rows, ISSUE), reference_changes(rows, ISSUE))


(test_fast_official_changes_equal_the_adapter_on_the_engine,
 test_fast_official_changes_equal_the_adapter_on_the_engine_thoroughly) = examples(
    4, 40, df=tables(), min_conf=st.sampled_from(MIN_CONF), copy=st.booleans(),
    dup=st.booleans())(official_changes_equal_the_adapter_on_the_engine)


@pytest.mark.parametrize("sort", ["speaker", "newest", "confidence"])
def test_page_frame_categories_change_no_view_result(tmp_path, reg, sort):
    """The page frame's categories (speaker, role, note, ...) and Python-string columns give the same
    evidence table, in the same order, as plain text columns, and the same official positions."""
    from positions.data import synthetic
    from positions.present import rows as rows_mod
    from positions.present.view import ViewState

    path = tmp_path / "statements.csv"
    synthetic.write(synthetic.generate(500, seed=8, reg=reg), path)
    got = fast.page_frame(path)
    assert isinstance(got["actor"].dtype, pd.CategoricalDtype) and fast.with_text(got)["evidence"].dtype == object
    plain = got.astype({c: str for c in ("actor", "actor_id", "role", "note", "attribution", "date_precision")})
    plain.attrs = got.attrs
    state = ViewState(issue=ISSUE, sort=sort, q="synthetic")
    on = got["effective_date"].max()
    assert list(rows_mod.evidence_rows(got, state, on)["id"]) == list(rows_mod.evidence_rows(plain, state, on)["id"])
    assert positions(fast.official(got, ISSUE), on) == positions(engine.official(plain, ISSUE), on)
