"""Load, validate and save statements (data/statements.csv). Writes are atomic."""
from __future__ import annotations

import csv
import io
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from positions.data import csvread, files, manifest
from positions.errors import InvalidField, StoreError
from positions.model import CSV_COLUMNS, Statement
from positions.paths import DATA_DIR

if TYPE_CHECKING:  # pandas is imported lazily: `tag` starts without it
    import pandas as pd

DEFAULT_PATH = DATA_DIR / "statements.csv"
REQUIRED_COLUMNS = ["actor", "affiliation", "actor_type", "issue", "stance", "statement_date", "evidence"]


def open_user_file(path: str | Path):
    """Open a user's regular file for binary reading (never blocks on a FIFO); one-line StoreError."""
    return files.open_regular(path)


def binary_error(path) -> StoreError:
    return files.binary_error(path)


def decode_error(path, encoding: str, offset: int) -> StoreError:
    return StoreError(f"{files.shown(path)}: not valid {encoding} (byte {offset}); re-save it as UTF-8{files.ENCODING_ADVICE[0]}")


def read_text_file(path: Path, encoding: str = "utf-8") -> str:
    """Read a user's text file; one-line StoreError if missing, special, binary or not in `encoding`
    (a byte-order mark, e.g. UTF-16's, is detected)."""
    return files.read_text(path, encoding)


def is_db_url(source: str | Path) -> bool:
    """True for a database URL (sqlite:///..., postgresql+psycopg://...), False for a CSV path."""
    return "://" in str(source)


def default_source() -> str:
    """What the dashboard reads: $POSITIONS_DATA (a CSV or a URL) if set, else the configured
    database (POSITIONS_DB_URL / st.secrets), by default data/positions.sqlite made from the CSVs."""
    from positions.data import db
    return os.environ.get("POSITIONS_DATA") or db.configured_url()


def data_version(source: str | Path) -> str:
    """A key that changes whenever the data changes (file mtime, or the database's last change)."""
    if is_db_url(source):
        from positions.data import db
        return db.data_version(str(source))
    return str(os.path.getmtime(source))


def load_statements(path: str | Path = DEFAULT_PATH, encoding: str = "utf-8") -> list[Statement]:
    """Parse and validate every row of a CSV file or a database URL; StoreError names file, line,
    column and value (truncated files, short rows and huge cells included)."""
    if is_db_url(path):
        from positions.data import db
        return db.load_statements(str(path))
    return [s for _, s in load_numbered(path, encoding)]


def load_numbered(path: str | Path, encoding: str = "utf-8") -> list[tuple[int, Statement]]:
    """(line where the row starts, statement) for every row of a statements CSV (or database)."""
    if is_db_url(path):
        return list(enumerate(load_statements(path), start=1))
    path = Path(path)
    from positions.data import journal
    folder = path.absolute().parent
    journal.recover_if_needed(folder)  # a writer killed mid-commit: finish or roll back first
    header, rows = journal.read_consistently(folder, lambda: csvread.read_rows(path, encoding))
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise StoreError(f"{files.shown(path)}: missing column(s) {', '.join(missing)}; expected {', '.join(CSV_COLUMNS)}")
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if unknown:
        raise StoreError(f"{files.shown(path)}: unknown column(s) {', '.join(unknown)}; expected {', '.join(CSV_COLUMNS)}")
    return list(zip([line for line, _ in rows], statements_from_rows(rows, files.shown(path))))


def consistent(path: str | Path, read):
    """`read()` as of one committed version of the files in `path`'s folder (see journal.read_consistently):
    how a page reads a store that a writer may be replacing."""
    from positions.data import journal
    return journal.read_consistently(Path(path).absolute().parent, read)


def statement_from_cells(cells: dict) -> Statement:
    """One statement from its text cells: an empty confidence means 1.0, an empty origin or status
    takes the model's default. InvalidField names the bad column."""
    values = dict(cells)
    if values.get("confidence") == "":
        values["confidence"] = 1.0
    for k in ("origin", "status"):
        if values.get(k) == "":
            values.pop(k)
    return Statement(**values)


def statements_from_rows(rows, where: str) -> list[Statement]:
    """(line, {column: text cell}) pairs -> Statements, the one parser of the CSV and the database."""
    out: list[Statement] = []
    for line, row in rows:
        if None in row:
            raise StoreError(f"{where}:{line}: more values than columns")
        try:
            out.append(statement_from_cells({k: (v if v is not None else "") for k, v in row.items()}))
        except InvalidField as e:
            raise StoreError(f"{where}:{line}: column {e.field}: {e}") from None
    return out


def to_frame(statements: list[Statement]) -> "pd.DataFrame":
    """Statements -> DataFrame with the CSV columns; dates as datetime64 (NaT where unknown)."""
    import pandas as pd  # lazy: `tag` starts without pandas

    records = [s.to_record() for s in statements]
    df = pd.DataFrame(records, columns=CSV_COLUMNS) if records else pd.DataFrame(columns=CSV_COLUMNS)
    for col in ("statement_date", "published"):
        df[col] = pd.to_datetime(df[col], errors="coerce")
    df["confidence"] = df["confidence"].astype(float)
    return df


def load_frame(path: str | Path = DEFAULT_PATH, merge_duplicates: bool = True, encoding: str = "utf-8") -> "pd.DataFrame":
    """Statements as a DataFrame; by default the same statement reported by several outlets
    is merged into one row with a `sources` list (see dedup.dedupe)."""
    df = to_frame(load_statements(path, encoding))
    if merge_duplicates:
        from positions.data.dedup import dedupe
        df = dedupe(df)
    return df


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write to a temp file in the same folder, fsync, then rename over the target (permissions
    kept, a symlink replaced rather than followed)."""
    files.atomic_write_bytes(path, data)


def cells(statement: Statement) -> dict[str, str]:
    """A statement as the text cells of its CSV row (the database stores the same text)."""
    rec = statement.to_record()
    return {c: _cell(rec[c]) for c in CSV_COLUMNS}


def statements_csv(statements: list[Statement]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for s in statements:
        writer.writerow(cells(s))
    return buf.getvalue()


def put_statements(batch, statements: list[Statement], path: str | Path) -> None:
    """Add a statements CSV and its manifest (journal.Batch) to a transaction."""
    data = statements_csv(statements).encode("utf-8")
    batch.put(path, data)
    batch.put(manifest.path_for(path), manifest.build(data, len(statements)))


def save_statements(statements: list[Statement], path: str | Path = DEFAULT_PATH) -> None:
    """Write statements as CSV with its manifest, under the folder's lock, all or nothing."""
    from positions.data import journal

    with journal.transaction(Path(path).absolute().parent) as batch:
        put_statements(batch, statements, path)
        batch.commit()
