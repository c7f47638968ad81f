"""Moving data between the CSV files and the database: import, export, first-start seed."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine

from positions.data import changelog, store
from positions.data.db import changes, documents, from_json, now, read_statements, statements
from positions.errors import StoreError
from positions.paths import DATA_DIR

BUNDLED_STATEMENTS = DATA_DIR / "statements.csv"
BUNDLED_DOCUMENTS = DATA_DIR / "documents.csv"
SEED_USER = "seed"


@dataclass(frozen=True)
class ImportResult:
    added: int
    changed: int
    unchanged: int
    deleted: int


def import_csv(engine: Engine, path: str | Path, who: str, replace: bool = False,
               encoding: str = "utf-8", incoming: list | None = None) -> ImportResult:
    """Bring a statements CSV into the database in one transaction, every change logged:
    new ids are added (in file order), changed rows edited; with `replace`, rows missing from
    the file are deleted. The file is fully validated before anything is written (`incoming`:
    its statements, already read)."""
    incoming = store.load_statements(path, encoding) if incoming is None else incoming
    seen = set()
    for s in incoming:
        if s.id in seen:
            raise StoreError(f"{path}: statement id {s.id} appears twice; remove the duplicate row")
        seen.add(s.id)
    added = changed = unchanged = deleted = 0
    with engine.begin() as conn:
        current = {r.id: r for r in conn.execute(select(statements)).all()}
        seq = (conn.execute(select(func.max(statements.c.seq))).scalar() or 0)
        new = []
        for s in incoming:
            row = current.get(s.id)
            if row is None:
                seq += 1
                new.append((s, seq))
            elif {c: getattr(row, c) for c in store.cells(s)} != store.cells(s):
                changelog.update_in(conn, s.id, s, row.version, who, "edit", f"imported from {Path(path).name}")
                changed += 1
            else:
                unchanged += 1
        changelog.insert_new(conn, new, who, "create", f"imported from {Path(path).name}")
        added = len(new)
        if replace:
            for sid, row in current.items():
                if sid not in seen:
                    changelog.update_in(conn, sid, None, row.version, who, "delete",
                                        f"not in {Path(path).name} (import --replace)")
                    deleted += 1
    return ImportResult(added, changed, unchanged, deleted)


def export_csv(engine: Engine, path: str | Path, moment: datetime | None = None) -> int:
    """Write the statements (now, or as of `moment` UTC) as CSV, atomically; returns the count."""
    rows = read_statements(engine) if moment is None else changelog.as_of(engine, moment)
    store.save_statements(rows, path)
    return len(rows)


def read_documents_with_texts(documents_csv: Path, encoding: str = "utf-8") -> list[dict]:
    """documents.csv rows with the text of documents/<doc_id>.txt beside it ('' where there is none);
    StoreError (one line) for a bad list or text, before anything is written."""
    from positions.data.review import read_documents

    folder = documents_csv.parent / "documents"
    out = []
    for doc_id, row in read_documents(documents_csv, encoding).items():
        path = folder / f"{doc_id}.txt"
        out.append({"id": doc_id, "url": row.get("url") or "", "title": row.get("title") or "",
                    "published": row.get("published") or "", "publisher": row.get("publisher") or "",
                    "kind": "bundled", "text": store.read_text_file(path, encoding) if path.exists() else ""})
    return out


def import_documents(engine: Engine, documents_csv: Path, who: str, encoding: str = "utf-8",
                     rows: list[dict] | None = None) -> int:
    """documents.csv rows (with the text of documents/<doc_id>.txt beside it) into the database;
    documents already there are kept. `rows`: the list already read (read_documents_with_texts)."""
    rows = read_documents_with_texts(documents_csv, encoding) if rows is None else rows
    with engine.begin() as conn:
        known = set(conn.execute(select(documents.c.id)).scalars())
        new = [{**row, "added_by": who, "added_at": now()} for row in rows if row["id"] not in known]
        if new:
            conn.execute(insert(documents), new)
    return len(new)


def seed_if_empty(engine: Engine) -> bool:
    """A database with no statements and no history gets the bundled CSVs; a database seeded
    that way gets the statements a newer bundled CSV adds (see sync_bundled). True if it changed."""
    with engine.connect() as conn:
        empty = conn.execute(select(func.count()).select_from(changes)).scalar_one() == 0 and \
            conn.execute(select(func.count()).select_from(statements)).scalar_one() == 0
    if not BUNDLED_STATEMENTS.exists():
        return False
    if not empty:
        return sync_bundled(engine) > 0
    import_csv(engine, BUNDLED_STATEMENTS, SEED_USER)
    if BUNDLED_DOCUMENTS.exists():
        import_documents(engine, BUNDLED_DOCUMENTS, SEED_USER)
    with engine.begin() as conn:
        changelog.log(conn, SEED_USER, "import", "seed", BUNDLED_STATEMENTS.name, None,
                      {"sha256": _digest(BUNDLED_STATEMENTS)})
    return True


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sync_bundled(engine: Engine) -> int:
    """When the bundled CSV changed since this database was seeded from it, add the statements it
    has that this database never had (a statement edited or deleted here is left as it is here).
    Databases not seeded from the bundled CSV are not touched. Returns how many were added."""
    digest = _digest(BUNDLED_STATEMENTS)
    with engine.connect() as conn:
        last = conn.execute(select(changes.c.after).where(changes.c.target == "seed")
                            .order_by(changes.c.id.desc()).limit(1)).scalar()
    if last is None or from_json(last).get("sha256") == digest:
        return 0
    incoming = store.load_statements(BUNDLED_STATEMENTS)
    added = 0
    with engine.begin() as conn:
        known = set(conn.execute(select(changes.c.target_id).where(changes.c.target == "statement")).scalars())
        known |= set(conn.execute(select(statements.c.id)).scalars())
        seq = conn.execute(select(func.max(statements.c.seq))).scalar() or 0
        for s in incoming:
            if s.id not in known:
                seq += 1
                changelog.insert_statement(conn, s, SEED_USER, "create", f"new in {BUNDLED_STATEMENTS.name}", seq)
                known.add(s.id)
                added += 1
        changelog.log(conn, SEED_USER, "import", "seed", BUNDLED_STATEMENTS.name, from_json(last),
                      {"sha256": digest, "added": added})
    if BUNDLED_DOCUMENTS.exists():
        import_documents(engine, BUNDLED_DOCUMENTS, SEED_USER)
    return added
