"""The page's lean frame (no quotes, sources or titles; read per view from the copy's text file)
gives the same views as the copy's full frame, on random tables (empty filters, ties, undated rows)."""
from datetime import timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from positions.analysis import aggregate, fast
from positions.data import analytical, analytical_read, analytical_text
from positions.present import rows as rows_mod
from positions.present.view import ViewState
from tests.test_engine import ISSUE, START, examples, tables
from tests.test_fast import MIN_CONF, subset

# Words of invented quotes and titles: substrings of each other, accents, a dotted capital I
# (lowered differently by Python and by Arrow: the search must lower as aggregate.search does).
WORDS = ["mini", "ster", "Minister", "we", "ATACMS", "range", "x", "é", "Ü", "İstanbul", "STRASSE", "ß"]


def copy_of(df: pd.DataFrame, folder) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Write `df` as an analytical copy in `folder`; (its full frame, its page frame), accepted rows."""
    merged = analytical._merged(df.assign(_fp=0), None, None)
    folder.mkdir(parents=True, exist_ok=True)
    analytical._write_parquet(merged, folder / "statements.parquet")
    return (analytical.read_copy(folder, accepted_only=True),
            analytical.read_copy(folder, accepted_only=True, without_text=True))


@st.composite
def texts(draw, n):
    phrase = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
    return [(draw(phrase), draw(phrase)) for _ in range(n)]


@st.composite
def worded_tables(draw):
    """tables() with invented quotes and source titles made of WORDS (ids stay distinct)."""
    df = draw(tables())
    words = draw(texts(len(df)))
    df["evidence"] = [f"{quote} {i}" for i, (quote, _) in enumerate(words)]
    df["source_title"] = [title for _, title in words]
    return df


def same_columns(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """`got` holds `want`'s columns with equal values and types (the lean frame adds `_row`)."""
    pd.testing.assert_frame_equal(got[list(want.columns)], want)


def views_equal_on_the_lean_frame(tmp_path_factory, df, offset, min_conf):
    full, lean = copy_of(df, tmp_path_factory.mktemp("copy"))
    full, lean = subset(full, min_conf), subset(lean, min_conf)
    on = START + timedelta(days=offset)
    a, b = fast.official(lean, ISSUE), fast.official(full, ISSUE)
    same_columns(a.as_of(on), b.as_of(on))
    same_columns(fast.official_changes(lean, ISSUE, a), fast.official_changes(full, ISSUE, b))
    same_columns(a.changes(START, on), b.changes(START, on))


(test_fast_lean_frame_official_positions_carry_the_same_text,
 test_fast_lean_frame_official_positions_carry_the_same_text_thoroughly) = examples(
    3, 40, df=tables(), offset=st.integers(-5, 90), min_conf=st.sampled_from(MIN_CONF))(views_equal_on_the_lean_frame)


def search_equals_on_the_lean_frame(tmp_path_factory, df, query, min_conf, sort):
    full, lean = copy_of(df, tmp_path_factory.mktemp("copy"))
    full, lean = subset(full, min_conf), subset(lean, min_conf)
    assert list(fast.search(lean, query)["id"]) == list(aggregate.search(full, query)["id"])
    state = ViewState(issue=ISSUE, q=query, sort=sort)
    on = START + timedelta(days=60)
    got = fast.with_text(rows_mod.evidence_rows(lean, state, on))
    same_columns(got, rows_mod.evidence_rows(full, state, on))


(test_fast_search_on_the_lean_frame_equals_aggregate_search,
 test_fast_search_on_the_lean_frame_equals_aggregate_search_thoroughly) = examples(
    3, 40, df=worded_tables(), query=st.lists(st.sampled_from(WORDS + ["i", "ss", "é x"]), max_size=3).map(" ".join),
    min_conf=st.sampled_from(MIN_CONF), sort=st.sampled_from(["newest", "oldest", "speaker"]))(search_equals_on_the_lean_frame)


def with_text_takes_any_rows_in_any_order(tmp_path_factory, df, picks):
    full, lean = copy_of(df, tmp_path_factory.mktemp("copy"))
    pos = [p % len(full) for p in picks] if len(full) else []
    same_columns(fast.with_text(lean.iloc[pos]), full.iloc[pos])


(test_fast_with_text_takes_any_rows_in_any_order,
 test_fast_with_text_takes_any_rows_in_any_order_thoroughly) = examples(
    3, 40, df=tables(), picks=st.lists(st.integers(0, 10_000), max_size=30))(with_text_takes_any_rows_in_any_order)


def test_fast_with_text_reads_across_record_batches(tmp_path, reg, monkeypatch):
    """Rows from several record batches of the text file, out of order and repeated, get their own text."""
    from positions.data import synthetic

    monkeypatch.setattr(analytical_text, "BATCH", 64)
    path = tmp_path / "statements.csv"
    synthetic.write(synthetic.generate(600, seed=5, reg=reg), path)
    full = analytical.load(path, accepted_only=True)
    lean = fast.page_frame(path)
    assert not set(analytical_text.TEXT_COLUMNS) & set(lean.columns)
    pos = np.random.default_rng(2).integers(0, len(lean), 300)
    same_columns(fast.with_text(lean.iloc[pos]), full.iloc[pos])


def test_fast_text_file_follows_the_copy(tmp_path, reg):
    """A rebuilt copy gets a new text file, so a frame never reads another version's text; the
    previous version's file stays (a page may still show it), older ones are removed."""
    import os

    from positions.data import synthetic

    path = tmp_path / "statements.csv"
    df = synthetic.generate(200, seed=6, reg=reg)
    synthetic.write(df, path)
    first, first_full = fast.page_frame(path), analytical.load(path, accepted_only=True)
    synthetic.write(df.iloc[::-1], path)
    second = fast.page_frame(path)
    assert second.attrs["text_file"] != first.attrs["text_file"]
    same_columns(fast.with_text(second), analytical.load(path, accepted_only=True))
    # the previous version's page still reads its own text
    same_columns(fast.with_text(first.iloc[::7]), first_full.iloc[::7])
    os.utime(second.attrs["text_file"], (1e9 + 10, 1e9 + 10))  # mtimes in order on a coarse clock
    os.utime(first.attrs["text_file"], (1e9, 1e9))
    synthetic.write(df.iloc[::2], path)
    third = fast.page_frame(path)
    kept = {p.name for p in analytical.copy_dir(path).glob("text-*.arrow")}
    assert kept == {os.path.basename(second.attrs["text_file"]), os.path.basename(third.attrs["text_file"])}


def test_fast_with_text_without_its_file_says_so(tmp_path, reg):
    """Rows of a page frame that lost their attrs (a merge) and no frame to take them from: a clear error."""
    from positions.data import synthetic

    path = tmp_path / "statements.csv"
    synthetic.write(synthetic.generate(100, seed=4, reg=reg), path)
    lean = fast.page_frame(path)
    orphan = lean.merge(pd.DataFrame({"id": list(lean["id"].head(3))}), on="id")
    with pytest.raises(ValueError, match="text file"):
        fast.with_text(orphan)
    assert list(fast.with_text(orphan, like=lean)["evidence"]) == list(fast.with_text(lean.head(3))["evidence"])


@settings(max_examples=80, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.sampled_from(["", "Speaker 1", "speaker 1", "Ärzte", "zeta", "İ", "ß"]),
                                 st.text(max_size=4)), max_size=30), keep=st.lists(st.booleans(), max_size=30))
def test_analytical_sorted_categories_equal_pandas_categorical_of_the_strings(values, keep):
    """Repeated text read from the file's dictionaries (filtered: unused entries) gives the categories
    pd.Categorical makes of the same strings: the values present, sorted, nulls as missing."""
    strings = pa.array(values, pa.large_string())
    mask = pa.array((keep + [True] * len(values))[:len(values)], pa.bool_())
    want = pd.Categorical(pa.chunked_array([strings.filter(mask)]).to_pandas())
    for array in (strings, strings.dictionary_encode()):
        pd.testing.assert_series_equal(pd.Series(analytical_read.sorted_categories(array.filter(mask))), pd.Series(want))
