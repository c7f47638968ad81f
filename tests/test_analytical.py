"""positions.data.analytical: the Parquet copy is validated once, rebuilt incrementally, never stale."""
import os

import pandas as pd
import pytest

from positions.analysis import engine
from positions.data import analytical, store, synthetic
from positions.data.dedup import dedupe
from positions.errors import InputError, StoreError


@pytest.fixture(name="csv_store")
def _csv_store(tmp_path, reg):
    """A 600-row synthetic CSV store in a temporary folder."""
    path = tmp_path / "statements.csv"
    synthetic.write(synthetic.generate(600, seed=5, reg=reg), path)
    return path


def by_id(df: pd.DataFrame) -> pd.DataFrame:
    cols = ["id", "affiliation", "issue", "stance", "effective_date", "rank", "tier", "counts", "n_sources", "rep"]
    out = df[cols].astype({"affiliation": str, "issue": str, "stance": str})
    return out.sort_values("id").reset_index(drop=True)


def test_analytical_copy_equals_the_validating_reader(csv_store):
    """The copy holds what store.load_frame + engine.prepare make of the same file."""
    got = analytical.load(csv_store)
    ref = engine.prepare(dedupe(store.to_frame(store.load_statements(csv_store))))
    pd.testing.assert_frame_equal(by_id(got), by_id(ref), check_dtype=False)
    assert got["effective_date"].is_monotonic_increasing or got["effective_date"].isna().any()


def test_analytical_unchanged_content_is_not_rebuilt(csv_store):
    """A new mtime with the same content is recognised by its hash: the copy is not rebuilt."""
    first = analytical.build(csv_store)
    os.utime(csv_store, ns=(first["mtime_ns"] + 10**9, first["mtime_ns"] + 10**9))
    assert analytical.is_fresh(csv_store)
    assert analytical.build(csv_store) == first


def test_analytical_rebuild_validates_only_new_rows_and_equals_a_full_build(csv_store, reg):
    """Appending rows and editing one validates only those; the result equals a build from scratch."""
    analytical.build(csv_store)
    cells = pd.read_csv(csv_store, dtype=str, keep_default_na=False)
    extra = synthetic.generate(40, seed=9, reg=reg)
    cells.loc[3, "stance"] = "support" if cells.loc[3, "stance"] != "support" else "oppose"
    pd.concat([cells, extra]).to_csv(csv_store, index=False, lineterminator="\n")
    manifest = analytical.build(csv_store)
    assert manifest["validated_rows"] == 41
    assert manifest["regrouped"] > 0
    incremental = analytical.load(csv_store)
    analytical.build(csv_store, force=True)
    full = analytical.load(csv_store)
    pd.testing.assert_frame_equal(by_id(incremental), by_id(full), check_dtype=False)
    assert sorted(incremental["order_key"]) == sorted(full["order_key"])


def test_analytical_bad_row_names_file_row_and_column_and_keeps_the_old_copy(csv_store):
    analytical.build(csv_store)
    before = (analytical.copy_dir(csv_store) / "manifest.json").read_bytes()
    cells = pd.read_csv(csv_store, dtype=str, keep_default_na=False)
    cells.loc[7, "stance"] = "maybe"
    cells.to_csv(csv_store, index=False, lineterminator="\n")
    with pytest.raises(StoreError, match=r"statements.csv: data row 8: column stance"):
        analytical.build(csv_store)
    assert (analytical.copy_dir(csv_store) / "manifest.json").read_bytes() == before
    assert not analytical.is_fresh(csv_store)


def test_analytical_missing_column_is_one_line(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("actor,issue\nSomeone,cross_border_strikes\n", encoding="utf-8")
    with pytest.raises(StoreError, match="missing column"):
        analytical.build(path)


def test_synthetic_data_never_goes_into_the_bundled_folder(reg):
    from positions.paths import DATA_DIR
    with pytest.raises(InputError, match="bundled data"):
        synthetic.write(synthetic.generate(5, reg=reg), DATA_DIR / "synthetic.csv")
    assert not (DATA_DIR / "synthetic.csv").exists()


def test_synthetic_generator_is_realistic_at_small_scale(reg):
    """Many speakers, both issues, stance changes, undated rows and outlet duplicates (merged by dedup)."""
    df = synthetic.generate(3000, seed=11, reg=reg)
    assert len(df) == 3000 and df["actor"].nunique() > 100
    assert set(df["issue"]) == {"cross_border_strikes", "trainer_deployment"}
    assert (df["statement_date"] == "").mean() > 0.05
    assert set(df["date_precision"]) >= {"day", "month"} and "relayed" in set(df["attribution"])
    merged = dedupe(analytical.validate_cells(df, "synthetic"))
    assert 0.8 * len(df) < len(merged) < len(df)
    one_state = df[(df["affiliation"] == df["affiliation"].mode()[0]) & (df["issue"] == "cross_border_strikes")]
    assert one_state["stance"].nunique() >= 2
