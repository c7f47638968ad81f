"""The database store (SQLAlchemy 2): which database, its tables, migrations, reading statements.

`POSITIONS_DB_URL` (or `positions.db_url` in Streamlit's secrets) selects the database; the default
is the embedded SQLite file data/positions.sqlite (WAL mode), made from data/statements.csv and
data/documents.csv on first use. Statements are stored as the same text cells as the CSV, one
column per `positions.model.CSV_COLUMNS` entry, so both stores parse through one function.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import (Boolean, Column, DateTime, Integer, MetaData, String, Table, Text, create_engine, event,
                        func, inspect, select)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError, SQLAlchemyError

from positions.errors import StoreError
from positions.model import CSV_COLUMNS, Statement
from positions.paths import DATA_DIR

DEFAULT_SQLITE = DATA_DIR / "positions.sqlite"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD = "0002"  # the latest migration (a test checks it against Alembic)

metadata = MetaData()

# One text column per CSV column (generic: a new CSV column needs only a migration adding it).
statements = Table(
    "statements", metadata,
    Column("id", String(64), primary_key=True),
    *[Column(c, Text, nullable=False, server_default="") for c in CSV_COLUMNS if c != "id"],
    Column("seq", Integer, nullable=False, index=True),  # the CSV's row order
    Column("version", Integer, nullable=False, server_default="1"),  # optimistic locking
    Column("updated_at", DateTime, nullable=False),
    Column("updated_by", Text, nullable=False, server_default=""),
)

changes = Table(
    "changes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("who", Text, nullable=False),
    Column("action", String(16), nullable=False),  # create edit accept reject delete revert
    Column("target", String(16), nullable=False),  # statement | suggestion | actor | user
    Column("target_id", String(200), nullable=False, index=True),
    Column("before", Text),  # JSON of the record before (None: did not exist)
    Column("after", Text),  # JSON of the record after (None: deleted / rejected)
    Column("note", Text, nullable=False, server_default=""),
)

documents = Table(
    "documents", metadata,
    Column("id", String(200), primary_key=True),
    Column("url", Text, nullable=False, server_default=""),
    Column("title", Text, nullable=False, server_default=""),
    Column("published", String(10), nullable=False, server_default=""),
    Column("publisher", Text, nullable=False, server_default=""),
    Column("kind", String(16), nullable=False, server_default="bundled"),  # bundled paste upload url
    Column("text", Text, nullable=False, server_default=""),
    Column("added_by", Text, nullable=False, server_default=""),
    Column("added_at", DateTime, nullable=False),
)

suggestions = Table(
    "suggestions", metadata,
    Column("id", String(64), primary_key=True),
    Column("document_id", String(200), nullable=False, index=True),
    Column("record", Text, nullable=False),  # the tagger's statement as JSON (cues, evidence offsets)
    Column("decision", String(16), nullable=False, server_default="pending"),  # pending accepted rejected
    Column("label", Text, nullable=False, server_default=""),  # the reviewer's reason (training data)
    Column("final", Text),  # JSON of the statement as accepted (after edits)
    Column("decided_by", Text, nullable=False, server_default=""),
    Column("decided_at", DateTime),
    Column("created_at", DateTime, nullable=False),
)

actors = Table(
    "actors", metadata,
    Column("name", String(200), primary_key=True),
    Column("affiliation", String(8), nullable=False),
    Column("actor_type", String(16), nullable=False),
    Column("role", Text, nullable=False, server_default=""),
    Column("added_by", Text, nullable=False),
    Column("added_at", DateTime, nullable=False),
)

users = Table(
    "users", metadata,
    Column("name", String(200), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

login_attempts = Table(
    "login_attempts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, index=True),
    Column("ip", String(64), nullable=False, server_default="", index=True),
    Column("at", DateTime, nullable=False),
    Column("ok", Boolean, nullable=False),
)


def now() -> datetime:
    """UTC now without tzinfo (SQLite and PostgreSQL store and compare it alike)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def secrets_url() -> str | None:
    """positions.db_url from Streamlit's secrets, when running inside Streamlit and it is set."""
    if "streamlit" not in sys.modules:
        return None
    import streamlit as st
    try:
        return st.secrets.get("positions", {}).get("db_url")
    except FileNotFoundError:  # no secrets.toml at all
        return None


def configured_url() -> str:
    """POSITIONS_DB_URL, else st.secrets positions.db_url, else the embedded SQLite file."""
    return os.environ.get("POSITIONS_DB_URL") or secrets_url() or sqlite_url(DEFAULT_SQLITE)


def _sqlite_pragmas(dbapi_conn, _record):
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def engine_for(url: str) -> Engine:
    """An engine for a URL; SQLite files get WAL mode and a busy timeout. StoreError if unusable."""
    try:
        engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    except (ArgumentError, ImportError) as e:
        raise StoreError(f"database URL {redact(url)!r} is not usable: {e}; use sqlite:///PATH or "
                         "postgresql+psycopg://USER:PASSWORD@HOST/DB") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def one_line(error) -> str:
    return " ".join(str(error).split())


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        from sqlalchemy.engine import make_url
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def alembic_config(connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the Alembic migrations up to `revision` (in one transaction)."""
    from alembic import command

    on_file = engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:")
    migrating = _sqlite_ddl_engine(engine) if on_file else engine
    try:
        with migrating.begin() as conn:
            command.upgrade(alembic_config(conn), revision)
    except OperationalError as e:
        raise StoreError(f"database {redact(str(engine.url))}: cannot migrate: {one_line(e.orig)}") from None
    finally:
        if migrating is not engine:
            migrating.dispose()


def _sqlite_ddl_engine(engine: Engine) -> Engine:
    """An engine whose transactions hold DDL too: pysqlite opens none before CREATE TABLE, so a
    migration killed half-way left tables without their Alembic revision and the file no longer
    opened. SQLAlchemy's recipe (driver autocommit, our own BEGIN); IMMEDIATE: one migrator at a time."""
    migrating = create_engine(engine.url)
    event.listen(migrating, "connect", _sqlite_pragmas)
    event.listen(migrating, "connect", lambda dbapi_conn, _record: setattr(dbapi_conn, "isolation_level", None))
    event.listen(migrating, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
    return migrating


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def open_store(url: str | None = None, seed: bool = True) -> Engine:
    """The engine of a ready database: the default SQLite file is built from the bundled CSVs
    if missing (atomically); any database is migrated to the latest schema if behind, and seeded
    from the bundled CSVs when it holds nothing yet (`seed`)."""
    url = url or configured_url()
    if url == sqlite_url(DEFAULT_SQLITE) and not DEFAULT_SQLITE.exists():
        build_sqlite(DEFAULT_SQLITE)
    engine = engine_for(url)
    try:
        if current_revision(engine) != HEAD:
            upgrade(engine)
        if seed:
            from positions.data import transfer
            transfer.seed_if_empty(engine)
    except OperationalError as e:
        engine.dispose()
        raise StoreError(f"database {redact(url)}: cannot connect: {one_line(e.orig)}; check POSITIONS_DB_URL "
                         "and that the server is running") from None
    return engine


def build_sqlite(path: Path) -> None:
    """Make a SQLite file from the bundled CSVs under a temp name, then link it into place
    (two processes starting at once: one wins, neither sees a half-built file)."""
    from positions.data import transfer

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o644)
    try:
        engine = create_engine(sqlite_url(tmp))
        upgrade(engine)
        transfer.seed_if_empty(engine)
        engine.dispose()
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)


def to_json(record: dict | None) -> str | None:
    return None if record is None else json.dumps(record, ensure_ascii=False, sort_keys=True)


def from_json(text: str | None) -> dict | None:
    return None if text is None else json.loads(text)


def row_cells(row) -> dict[str, str]:
    """A statements row -> its CSV text cells."""
    m = row._mapping
    return {c: m[c] for c in CSV_COLUMNS}


def read_statements(engine: Engine) -> list[Statement]:
    """Every stored statement in the CSV's order, parsed exactly as the CSV is."""
    from positions.data import store

    try:
        with engine.connect() as conn:
            rows = conn.execute(select(statements).order_by(statements.c.seq)).all()
    except SQLAlchemyError as e:
        raise StoreError(f"database {redact(str(engine.url))}: cannot read statements: {e}") from None
    where = f"database {redact(str(engine.url))} statements"
    return store.statements_from_rows(((r.seq, row_cells(r)) for r in rows), where)


def _on_ready(url: str, read):
    """read(engine) on the database at `url`; a missing or outdated database is made ready
    (open_store) first only when the plain read fails, so the dashboard's per-rerun check stays cheap."""
    if url == sqlite_url(DEFAULT_SQLITE) and not DEFAULT_SQLITE.exists():
        open_store(url).dispose()
    engine = engine_for(url)
    try:
        return read(engine)
    except (OperationalError, ProgrammingError, StoreError):
        pass  # no tables yet, or an older schema: migrate, then read again
    finally:
        engine.dispose()
    engine = open_store(url)
    try:
        return read(engine)
    finally:
        engine.dispose()


def load_statements(url: str) -> list[Statement]:
    """Statements of the database at `url` (created, migrated and seeded first if need be)."""
    return _on_ready(url, read_statements)


def last_change(engine: Engine) -> str:
    with engine.connect() as conn:
        n, last = conn.execute(select(func.count(), func.max(changes.c.id)).select_from(changes)).one()
        count = conn.execute(select(func.count()).select_from(statements)).scalar_one()
    return f"{n}:{last}:{count}"


def data_version(url: str) -> str:
    """Changes whenever a change is recorded: the dashboard's cache key."""
    return _on_ready(url, last_change)


def table_columns(engine: Engine, table: str) -> list[str]:
    return [c["name"] for c in inspect(engine).get_columns(table)]
