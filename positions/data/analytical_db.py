"""The analytical copy of a database store (positions.data.db): where it lives, and its rows as text cells.

positions.data.analytical builds and refreshes every copy; for a database it asks this module for
the folder and for the statements' cells (the same text cells as a CSV's, in the store's row order),
and keys the copy by `store.data_version(url)`, which moves with every change-log entry.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from positions.data import db
from positions.errors import StoreError
from positions.model import CSV_COLUMNS


def copy_dir(url: str) -> Path:
    """A database's copy: named by the database and a hash of its URL without the password."""
    parsed = make_url(url)
    name = Path(parsed.database or "db").stem
    folder = f"db-{name}-{hashlib.blake2b(db.redact(url).encode(), digest_size=6).hexdigest()}"
    base = os.environ.get("POSITIONS_ANALYTICAL_DIR")
    if base:
        return Path(base) / folder
    if parsed.get_backend_name() == "sqlite" and parsed.database and os.access(Path(parsed.database).parent, os.W_OK):
        return Path(parsed.database).resolve().parent / ".analytical" / folder
    return Path(tempfile.gettempdir()) / "positions-analytical" / folder


def cells(url: str, batch: int = 100_000) -> pd.DataFrame:
    """The database store's statements as text cells in its row order (`seq`), like
    analytical.read_cells; fetched in batches into Arrow (a million rows never exist as Python row objects at once)."""
    engine = db.engine_for(url)
    tables = []
    try:
        with engine.connect() as conn:
            result = conn.execute(select(*[db.statements.c[c] for c in CSV_COLUMNS]).order_by(db.statements.c.seq))
            for part in result.partitions(batch):
                columns = list(zip(*part))
                tables.append(pa.table({c: pa.array(["" if v is None else v for v in columns[i]], pa.string())
                                        for i, c in enumerate(CSV_COLUMNS)}))
    except SQLAlchemyError as e:
        raise StoreError(f"database {db.redact(url)}: cannot read statements: {db.one_line(e)}") from None
    finally:
        engine.dispose()
    if not tables:
        return pd.DataFrame({c: pd.Series([], dtype=str) for c in CSV_COLUMNS})
    return pa.concat_tables(tables).to_pandas()
