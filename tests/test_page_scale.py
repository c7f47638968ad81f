"""The page's cheaper paths at scale give the results of the straightforward ones, on random tables:
the headline from the engine's change events, the evidence rows and the statements behind a view
selected by position (counted and paged without copying every row)."""
from datetime import timedelta

import pandas as pd
import pytest
from hypothesis import strategies as st

from positions.analysis import aggregate, fast
from positions.present import rows as rows_mod
from positions.present import who_since
from positions.present.view import ViewState
from tests.test_engine import ISSUE, START, examples, prepared, tables
from tests.test_fast import MIN_CONF, subset
from tests.test_fast_text import WORDS, copy_of, worded_tables


def headline_from_positions(rows, reg, on, official) -> dict:
    """The headline's counts as first written: from each state's full as-of position."""
    pos = official.as_of(on)
    stance_of = dict(zip(pos["affiliation"].astype(str), pos["stance"].astype(str)))
    tracked = sorted(c for c in reg.states if c not in who_since.BELLIGERENTS)
    by_stance: dict[str, list[str]] = {}
    for c in tracked:
        by_stance.setdefault(stance_of.get(c, ""), []).append(c)
    return by_stance


def headline_equals_the_as_of_positions(reg, df, offset, min_conf):
    rows = subset(prepared(df), min_conf)
    on = START + timedelta(days=offset)
    off = fast.official(rows, ISSUE)
    got = who_since.headline(rows, ISSUE, reg, on, groups_filter=None, official=off)
    assert got.by_stance == headline_from_positions(rows, reg, on, off)


(test_headline_equals_the_as_of_positions,
 test_headline_equals_the_as_of_positions_thoroughly) = examples(
    3, 50, df=tables(), offset=st.integers(-5, 90), min_conf=st.sampled_from(MIN_CONF))(headline_equals_the_as_of_positions)


def old_evidence_rows(rows: pd.DataFrame, state: ViewState, as_of) -> pd.DataFrame:
    """rows.evidence_rows as it was written: mask, copy, search, sort the copy."""
    rows = aggregate.prepare(rows)
    mask = (rows["issue"] == state.issue) & (rows["effective_date"] <= pd.Timestamp(as_of))
    if state.start:
        mask &= rows["effective_date"] >= pd.Timestamp(state.start)
    if state.stances:
        mask &= rows["stance"].isin(state.stances)
    out = aggregate.search(rows[mask], state.q)
    if state.sort in ("newest", "oldest") and out.attrs.get("engine"):
        return out[::-1] if state.sort == "newest" else out
    by, asc = rows_mod.SORT_KEYS[state.sort]
    return out.sort_values(by, ascending=asc, kind="stable")


STATES = st.builds(
    ViewState, view=st.sampled_from(["evidence", "actor", "who"]), issue=st.sampled_from([ISSUE, "trainer_deployment"]),
    start=st.one_of(st.none(), st.integers(0, 40).map(lambda d: START + timedelta(days=d))),
    stances=st.lists(st.sampled_from(["support", "oppose", "conditional", "undecided"]), max_size=2, unique=True).map(tuple),
    q=st.lists(st.sampled_from(WORDS), max_size=2).map(" ".join), sort=st.sampled_from(list(rows_mod.SORT_KEYS)),
    actor=st.sampled_from(["", "DE", "FR", "nobody"]))


def evidence_by_position_equals_the_copy(tmp_path_factory, df, state, offset, min_conf):
    full, lean = copy_of(df, tmp_path_factory.mktemp("copy"))
    full, lean = subset(full, min_conf), subset(lean, min_conf)
    on = START + timedelta(days=offset)
    want = old_evidence_rows(full, state, on)
    pd.testing.assert_frame_equal(rows_mod.evidence_rows(full, state, on), want)
    got = fast.with_text(lean.iloc[rows_mod.evidence_positions(lean, state, on)])
    pd.testing.assert_frame_equal(got[list(want.columns)], want)
    if state.view == "actor" and state.actor:
        want = want[(want["actor_id"].astype(str) == state.actor) | (want["affiliation"].astype(str) == state.actor)]
    assert list(lean.iloc[rows_mod.view_positions(lean, state, on)]["id"]) == list(want["id"])


(test_evidence_by_position_equals_the_copy,
 test_evidence_by_position_equals_the_copy_thoroughly) = examples(
    3, 40, df=worded_tables(), state=STATES, offset=st.integers(-5, 90),
    min_conf=st.sampled_from(MIN_CONF))(evidence_by_position_equals_the_copy)


def page_export(lean: pd.DataFrame, state: ViewState, cb, reg, today):
    """The page's export of a view: the statements behind it taken by position from its filtered lean
    rows when a download asks (dashboard.downloads), their text read then."""
    from positions.present import export, figures

    rows = figures.filtered(lean, state, reg)
    pos = rows_mod.view_positions(rows, state, figures.as_of_date(lean, state))
    return export.build_export(lean, state, cb, reg, today=today, rows=rows.iloc[pos].reset_index(drop=True))


@pytest.mark.slow   # builds a copy and an export per view: 1-2 s each (the fast suite keeps the evidence twin)
@pytest.mark.parametrize("query", ["", "view=evidence&q=minister&min_conf=0.7", "view=actor&actor=FR&sort=oldest",
                                   "view=changes&groups=EU&as_of=2024-06-30"])
def test_page_export_on_the_lean_frame_equals_the_full_copy(tmp_path, cb, reg, query):
    """The data files (CSV, JSON with citations) and key quotes of a view are the same whether the
    page built them on a click from its lean frame or the CLI from the full copy."""
    from datetime import date

    from positions.data import analytical, synthetic
    from positions.present import export, view

    path = tmp_path / "statements.csv"
    synthetic.write(synthetic.generate(800, seed=11, reg=reg), path)
    state, today = view.parse_query_string(query), date(2026, 1, 5)
    got = page_export(fast.page_frame(path), state, cb, reg, today)
    want = export.build_export(analytical.load(path, accepted_only=True), state, cb, reg, today=today)
    assert len(want.rows) > 0 and got.source == want.source and got.stem == want.stem
    assert export.data_csv(got) == export.data_csv(want)
    assert export.data_json(got) == export.data_json(want)
    quotes = export.key_quotes(got.rows, issue=state.issue)
    assert list(quotes["evidence"]) == list(export.key_quotes(want.rows, issue=state.issue)["evidence"])


def test_page_memory_tune_sets_the_arrow_pool_unless_the_operator_chose_one(tmp_path):
    """The page's process reads Arrow buffers from the system allocator; an operator's
    ARROW_DEFAULT_MEMORY_POOL wins."""
    import os
    import subprocess
    import sys

    code = ("import pyarrow as pa; from positions.present import memory; memory.tune(); "
            "print(pa.default_memory_pool().backend_name)")
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "system"
    env["ARROW_DEFAULT_MEMORY_POOL"] = "jemalloc"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "jemalloc"
