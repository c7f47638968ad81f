"""The analytical copy: validated, merged and ranked statements as Parquet, read fast by the page and CLI.

The store (a statements CSV, or the SQLite/PostgreSQL database of positions.data.db) stays the
source of truth. Statements are validated when they are written; the copy remembers which rows it
has validated (a fingerprint of each row's cells), so a rebuild after an edit or an import
validates only new or changed rows and re-merges only the (speaker, issue, stance) groups they
touch (outlet merging, `dedup`, is local to such a group).
Every read checks the copy against the store's content (a CSV: size and mtime, then a content hash;
a database: `db.data_version`, which moves with every change-log entry) and the reference files
(registry, codebook, outlets), so it is never stale.

Files, in `<store folder>/.analytical/<store name>/` (or $POSITIONS_ANALYTICAL_DIR/<store name>/):
a database's copy is in `.analytical/` beside a SQLite file, else in the temporary folder.
`validated.parquet` (every row, typed, with its fingerprint), `statements.parquet` (one row per
statement after merging, with `analysis.engine.prepare`'s columns and `order_key`, the engine's
winner order over all rows, in AS_OF_ORDER) and `manifest.json` (what it was built from).
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from enum import Enum
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from positions.data import analytical_text, csvread, store
from positions.data.analytical_read import load_parquet
from positions.errors import InvalidField, StoreError
from positions.model import CSV_COLUMNS, Statement
from positions.paths import DATA_DIR

SCHEMA = 2  # bump when the copy's columns or rules change: every copy is rebuilt
LIST_COLUMNS = ("sources", "duplicate_ids", "basis_ids")


def copy_dir(source: str | Path) -> Path:
    """Where the analytical copy of `source` (a CSV path or a database URL) lives."""
    if store.is_db_url(source):
        from positions.data import analytical_db

        return analytical_db.copy_dir(str(source))
    source = Path(source).resolve()
    base = os.environ.get("POSITIONS_ANALYTICAL_DIR")
    if base:
        return Path(base) / source.stem
    if os.access(source.parent, os.W_OK):
        return source.parent / ".analytical" / source.stem
    # A read-only checkout (a hosted app): the temporary folder, one copy per store path.
    tag = hashlib.blake2b(str(source).encode(), digest_size=6).hexdigest()
    return Path(tempfile.gettempdir()) / "positions-analytical" / f"{source.stem}-{tag}"


def _file_hash(path: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    with store.open_user_file(path) as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


def reference_hash() -> str:
    """Hash of everything besides the statements that the copy's columns depend on."""
    from positions.reference import codebook, registry

    h = hashlib.blake2b(digest_size=16)
    h.update(str(SCHEMA).encode())
    paths = [Path(codebook.DEFAULT_PATH), DATA_DIR / "outlets.csv", *sorted(Path(registry.DEFAULT_DIR).glob("*.y*ml"))]
    for p in paths:
        h.update(p.name.encode())
        h.update(p.read_bytes() if p.exists() else b"-")
    return h.hexdigest()


def _manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def is_fresh(source: str | Path, manifest: dict | None = None) -> bool:
    """True when the copy was built from exactly this store content and reference files."""
    manifest = _manifest(copy_dir(source)) if manifest is None else manifest
    if not manifest or manifest.get("reference") != reference_hash():
        return False
    if store.is_db_url(source):
        return manifest.get("version") == store.data_version(str(source))
    source = Path(source)
    st = source.stat()
    if manifest.get("size") == st.st_size and manifest.get("mtime_ns") == st.st_mtime_ns:
        return True
    return manifest.get("size") == st.st_size and manifest.get("content") == _file_hash(source)


def _identity(source: str | Path) -> dict:
    """What the manifest records to recognise this store content again (taken before reading it:
    a write during the build makes the copy stale, never wrongly fresh)."""
    if store.is_db_url(source):
        version = store.data_version(str(source))
        return {"source": _redacted(source), "version": version, "content": version}
    source = Path(source)
    st = source.stat()
    return {"source": str(source.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns,
            "content": _file_hash(source)}


def _redacted(url) -> str:
    from positions.data import db

    return db.redact(str(url))


def store_cells(source: str | Path) -> tuple[pd.DataFrame, str]:
    """The store's rows as text cells in store order, and the name its errors use."""
    if store.is_db_url(source):
        from positions.data import analytical_db

        return analytical_db.cells(str(source)), f"database {_redacted(source)} statements"
    return read_cells(source), str(source)


def read_cells(source: str | Path) -> pd.DataFrame:
    """The store's rows as text cells, one column per CSV column ('' = empty); StoreError as store does."""
    source = Path(source)
    with store.open_user_file(source) as fh:
        raw = fh.read()
    if b"\x00" in raw[:8192]:
        raise store.binary_error(source)
    csvread.check_whole(source, raw)  # truncation (manifest, cut mid-row) as the row reader checks it
    del raw
    try:
        table = pacsv.read_csv(source, read_options=pacsv.ReadOptions(block_size=1 << 24),
                               convert_options=pacsv.ConvertOptions(
                                   column_types={c: pa.string() for c in CSV_COLUMNS}, strings_can_be_null=False,
                                   quoted_strings_can_be_null=False))
    except pa.ArrowInvalid:
        store.load_statements(source)  # the row-by-row reader names the file, line and problem
        raise StoreError(f"{source}: not a valid statements CSV") from None
    header = table.column_names
    if table.num_rows and any((pc.max(pc.utf8_length(table[c])).as_py() or 0) > csvread.MAX_CELL for c in header):
        store.load_statements(source)  # names the line of the over-long cell, as the row reader does
    missing = [c for c in store.REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if missing or unknown:
        store.load_statements(source)  # raises the same one-line message as the CSV reader
    cells = table.to_pandas()
    for col in CSV_COLUMNS:
        if col not in cells:
            cells[col] = ""
    return cells[CSV_COLUMNS]


def fingerprints(cells: pd.DataFrame) -> np.ndarray:
    """One 64-bit hash per row of text cells (equal rows, equal fingerprints)."""
    return pd.util.hash_pandas_object(cells, index=False).to_numpy()


def validate_cells(cells: pd.DataFrame, where: str) -> pd.DataFrame:
    """Text cells -> typed statements frame (store.to_frame); the first bad row raises StoreError."""
    out = []
    for k, row in enumerate(cells.astype(object).to_dict("records")):
        try:
            out.append(store.statement_from_cells(row))
        except InvalidField as e:
            raise StoreError(f"{where}: data row {int(cells.index[k]) + 1}: column {e.field}: {e}") from None
    return frame_of(out)


def frame_of(statements: list[Statement]) -> pd.DataFrame:
    """store.to_frame, column by column (the same frame, several times faster on large tables)."""
    columns = {}
    for col in CSV_COLUMNS:
        values = [getattr(s, col) for s in statements]
        if values and isinstance(values[0], Enum) or col in ("date_precision", "attribution"):
            values = [v.value if isinstance(v, Enum) else v for v in values]
        columns[col] = values
    df = pd.DataFrame(columns, columns=CSV_COLUMNS)
    for col in ("statement_date", "published"):
        df[col] = pd.to_datetime(df[col], errors="coerce").astype("datetime64[us]")
    df["confidence"] = df["confidence"].astype(float)
    return df


def group_keys(typed: pd.DataFrame) -> pd.Series:
    """The outlet-merging group of each row: speaker, issue and stance (see dedup.dedupe)."""
    actor_id = typed["actor_id"].astype(str)
    speaker = actor_id.where(actor_id != "",
                                      typed["affiliation"].astype(str) + ":" + typed["actor"].astype(str).str.strip().str.lower())
    return speaker + "\x1f" + typed["issue"].astype(str) + "\x1f" + typed["stance"].astype(str)


def build(source: str | Path, force: bool = False) -> dict:
    """Bring the analytical copy of `source` (a CSV path or a database URL) up to date; returns its
    manifest (with what was redone)."""
    folder = copy_dir(source)
    old = {} if force else _manifest(folder)
    if old and is_fresh(source, old):
        analytical_text.ensure(folder)
        return old
    t0 = time.perf_counter()
    identity = _identity(source)
    reference = reference_hash()
    cells, where = store_cells(source)
    fp = fingerprints(cells)
    reuse = bool(old) and old.get("reference") == reference and (folder / "validated.parquet").exists()
    prev = pq.read_table(folder / "validated.parquet").to_pandas() if reuse else None
    typed, changed_groups = _validated(cells, fp, prev, where)
    merged = _merged(typed, changed_groups, folder if reuse else None)
    folder.mkdir(parents=True, exist_ok=True)
    _write_parquet(typed, folder / "validated.parquet")
    _write_parquet(merged, folder / "statements.parquet")
    manifest = {"schema": SCHEMA, **identity, "reference": reference, "rows": int(len(typed)),
                "statements": int(len(merged)),
                "validated_rows": int(len(cells) if prev is None else (~np.isin(fp, prev["_fp"].to_numpy())).sum()),
                "regrouped": None if changed_groups is None else int(len(changed_groups)),
                "build_s": round(time.perf_counter() - t0, 2)}
    analytical_text.ensure(folder)
    store.atomic_write_bytes(folder / "manifest.json", json.dumps(manifest, indent=1).encode("utf-8"))
    return manifest


def _validated(cells, fp, prev, where) -> tuple[pd.DataFrame, set | None]:
    """Typed rows in store order; only rows whose fingerprint is new are validated. Also the set of
    merging groups touched by added or removed rows (None: everything is new)."""
    if prev is None:
        typed = validate_cells(cells, where)
        typed["_fp"] = fp
        return typed, None
    known = np.isin(fp, prev["_fp"].to_numpy())
    fresh = validate_cells(cells[~known], where)
    fresh["_fp"] = fp[~known]
    kept = prev[prev["_fp"].isin(fp)].drop_duplicates("_fp")
    typed = pd.concat([kept, fresh], ignore_index=True).drop_duplicates("_fp")
    typed = typed.set_index("_fp").loc[fp].reset_index()  # store order, duplicates included
    removed = prev[~prev["_fp"].isin(fp)]
    changed = set(group_keys(fresh)) | set(group_keys(removed))
    return typed[[*CSV_COLUMNS, "_fp"]], changed


def _merged(typed: pd.DataFrame, changed: set | None, folder: Path | None) -> pd.DataFrame:
    """Merged, engine-prepared statements in AS_OF_ORDER with `order_key`; groups not in `changed`
    are taken from the previous copy in `folder`."""
    from positions.analysis import engine
    from positions.data.dedup import dedupe

    rows = typed.drop(columns="_fp")
    if changed is None or folder is None:
        fresh = engine.prepare(dedupe(rows))
        merged = fresh
    else:
        prev = load_parquet(folder / "statements.parquet")
        redo = group_keys(rows).isin(changed).to_numpy()
        fresh = engine.prepare(dedupe(rows[redo])) if redo.any() else prev.iloc[:0]
        keep = prev[~group_keys(prev).isin(changed).to_numpy()]
        merged = pd.concat([keep.drop(columns="order_key"), fresh], ignore_index=True)
    for col in engine.CATEGORY_COLUMNS:
        merged[col] = merged[col].astype(str)
    merged = merged.sort_values(engine.AS_OF_ORDER, kind="stable", na_position="first").reset_index(drop=True)
    # `rep` ranks every row against all others (engine.prepare): recomputed over the merged whole.
    rep = merged.sort_values(["confidence", "published", "id"], ascending=[True, False, False], kind="stable",
                             na_position="first").index.to_numpy()
    merged["rep"] = 0
    merged.loc[rep, "rep"] = np.arange(len(merged))
    merged["order_key"] = engine.winner_order(merged, _hold_days())
    for col in engine.CATEGORY_COLUMNS:
        merged[col] = merged[col].astype("category")
    return merged


def _hold_days() -> int:
    from positions.reference import codebook

    return codebook.load().rule.undated_hold_days


def _write_parquet(df: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    table = pa.Table.from_pandas(df, preserve_index=False)
    pq.write_table(table, tmp, compression="zstd", row_group_size=256_000)
    os.replace(tmp, path)


def load(source: str | Path = store.DEFAULT_PATH, columns: list[str] | None = None,
         accepted_only: bool = False, without_text: bool = False) -> pd.DataFrame:
    """The statements of `source`, merged and prepared for the engine (rebuilding the copy first when
    the store or the reference files changed); only accepted ones with `accepted_only` (the page
    shows no others). `without_text`: see `read_copy`. The frame is shared: never mutate it."""
    manifest = build(source)
    df = read_copy(copy_dir(source), columns, accepted_only, without_text)
    # The token names this content.
    df.attrs["token"] = ("analytical", manifest["content"], manifest["reference"])
    return df


def read_copy(folder: Path, columns: list[str] | None = None, accepted_only: bool = False,
              without_text: bool = False) -> pd.DataFrame:
    """The statements of the copy in `folder` as they are (`load` brings it up to date first).
    `without_text`: not the long text columns (analytical_text.TEXT_COLUMNS) but each row's position
    in the copy (`_row`) and the text file they are read from for the rows a view shows
    (attrs["text_file"], `analysis.fast.with_text`)."""
    filters = [("status", "==", "accepted")] if accepted_only else None
    text_file = None
    if without_text:
        names = columns or pq.ParquetFile(folder / "statements.parquet").schema_arrow.names
        columns = [c for c in names if c not in analytical_text.TEXT_COLUMNS]
    for _ in range(3):
        text_file = analytical_text.ensure(folder) if without_text else None
        df = load_parquet(folder / "statements.parquet", columns, filters, analytical_text.ROW if without_text else None)
        # A rebuild between the two reads would pair these rows with another version's text.
        if text_file is None or analytical_text.text_path(folder) == text_file:
            break
    else:
        raise StoreError(f"{folder}: the analytical copy changed during three reads; try again")
    if text_file is not None:
        df.attrs["text_file"] = str(text_file)
    df.attrs["engine"] = True
    df.attrs["hold_days"] = _hold_days()
    # Also ready for analysis.aggregate (sorted, categories).
    df.attrs["prepared"] = True
    return df
