"""positions.data.analytical: the Parquet copy is validated once, rebuilt incrementally, never stale."""
import os
import shutil
import tempfile

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


# ---- the database store (SQLite here; PostgreSQL in one slow test) -------------------------


def db_store(url: str, csv_store) -> "object":
    """A database at `url` holding the synthetic CSV's statements (imported, every change logged)."""
    from positions.data import db, transfer

    engine = db.open_store(url, seed=False)
    transfer.import_csv(engine, csv_store, "tester")
    return engine


def validating_reader(url: str) -> pd.DataFrame:
    """What the page read from a database before the copy: every row through Statement, merged, prepared."""
    return engine.prepare(store.load_frame(url))


def test_analytical_copy_of_a_sqlite_store_equals_the_validating_reader(csv_store, tmp_path, monkeypatch):
    from positions.data import db

    monkeypatch.delenv("POSITIONS_ANALYTICAL_DIR", raising=False)
    url = db.sqlite_url(tmp_path / "team.sqlite")
    db_store(url, csv_store).dispose()
    manifest = analytical.build(url)
    assert manifest["rows"] == 600 and manifest["version"] == store.data_version(url)
    assert analytical.copy_dir(url).parent == tmp_path / ".analytical"
    assert "team" in analytical.copy_dir(url).name
    got = analytical.load(url)
    pd.testing.assert_frame_equal(by_id(got), by_id(validating_reader(url)), check_dtype=False)
    assert analytical.is_fresh(url) and analytical.build(url) == manifest


def test_analytical_db_copy_follows_the_change_log_incrementally(csv_store, tmp_path, reg):
    """An edit and a new statement through the change log make the copy stale; the rebuild validates
    those two rows only and equals a build from scratch and the validating reader."""
    from positions.data import changelog, db
    from positions.model import Statement

    url = db.sqlite_url(tmp_path / "team.sqlite")
    eng = db_store(url, csv_store)
    analytical.build(url)
    first = db.load_statements(url)[5]
    stored = changelog.get(eng, first.id)
    flipped = "oppose" if first.stance.value != "oppose" else "support"
    changelog.edit(eng, Statement(**{**store.cells(first), "stance": flipped}), stored.version, "tester")
    new = store.cells(db.load_statements(url)[9])
    new["id"] = "invented-new-1"
    new["evidence"] = "We will keep every option on the table, the minister said of the plan."
    changelog.create(eng, Statement(**new), "tester")
    eng.dispose()
    assert not analytical.is_fresh(url)
    manifest = analytical.build(url)
    assert manifest["validated_rows"] == 2 and manifest["regrouped"] >= 2 and manifest["rows"] == 601
    incremental = analytical.load(url)
    assert incremental.set_index("id").loc[first.id, "stance"] == flipped
    analytical.build(url, force=True)
    pd.testing.assert_frame_equal(by_id(incremental), by_id(analytical.load(url)), check_dtype=False)
    pd.testing.assert_frame_equal(by_id(incremental), by_id(validating_reader(url)), check_dtype=False)


@pytest.mark.slow
def test_analytical_copy_of_a_postgresql_store(csv_store, pg_url):
    """The same copy from a real PostgreSQL server (tests/pg_server.py starts one)."""
    db_store(pg_url, csv_store).dispose()
    manifest = analytical.build(pg_url)
    assert manifest["rows"] == 600 and str(analytical.copy_dir(pg_url)).startswith(tempfile.gettempdir())
    try:
        got = analytical.load(pg_url)
        pd.testing.assert_frame_equal(by_id(got), by_id(validating_reader(pg_url)), check_dtype=False)
    finally:
        shutil.rmtree(analytical.copy_dir(pg_url), ignore_errors=True)
