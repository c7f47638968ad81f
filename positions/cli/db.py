"""`positions db upgrade|import|export|history|training`: the database store from the command line."""
from __future__ import annotations

import getpass
import json
import os
from datetime import datetime

import click

from positions.cli.options import encoding_option
from positions.errors import InputError


def _url_option(f):
    return click.option("--db", "url", default=None, metavar="URL",
                        help="Database URL (default: $POSITIONS_DB_URL, else sqlite:///data/positions.sqlite).")(f)


def _engine(url: str | None, seed: bool = False):
    from positions.data import db
    return db.open_store(url or db.configured_url(), seed=seed)


def _who(who: str | None) -> str:
    return who or os.environ.get("POSITIONS_REVIEWER") or getpass.getuser()


@click.group("db")
def db_group():
    """Create, migrate, fill and dump the database store.

    \b
    Example:
        python -m positions db upgrade
        POSITIONS_DB_URL=postgresql+psycopg://positions:secret@localhost/positions python -m positions db upgrade
    """


@db_group.command()
@_url_option
@click.option("--seed", is_flag=True, help="On an empty database, also load data/statements.csv and documents.csv.")
def upgrade(url, seed):
    """Migrate the database to the latest schema (creating the tables in an empty one).

    \b
    Example:
        python -m positions db upgrade --db sqlite:///team.sqlite
        python -m positions db upgrade --seed
    """
    from positions.data import db
    engine = _engine(url, seed=seed)
    click.echo(f"{db.redact(str(engine.url))}: schema at revision {db.current_revision(engine)}")


@db_group.command("import")
@click.argument("csv_path", metavar="CSV")
@_url_option
@click.option("--replace", is_flag=True, help="Also delete statements that are not in the file.")
@click.option("--documents", default=None, help="documents.csv to import too (texts from documents/ beside it).")
@click.option("--who", default=None, help="Name for the change log (default: $POSITIONS_REVIEWER or login name).")
@encoding_option("CSV, --documents and the documents' texts", defaults=False)
def import_(csv_path, url, replace, documents, who, encoding):
    """Bring a statements CSV into the database (validated first; every change logged).

    \b
    Example:
        python -m positions db import data/statements.csv --documents data/documents.csv
    """
    from pathlib import Path

    from positions.data import store, transfer
    incoming = store.load_statements(csv_path, encoding)  # both inputs read and checked before the
    texts = transfer.read_documents_with_texts(Path(documents), encoding) if documents else []  # database is touched
    engine = _engine(url)
    r = transfer.import_csv(engine, csv_path, _who(who), replace=replace, incoming=incoming)
    docs = transfer.import_documents(engine, Path(documents), _who(who), rows=texts) if documents else 0
    click.echo(f"{csv_path}: {r.added} added, {r.changed} changed, {r.unchanged} unchanged, {r.deleted} deleted"
               + (f"; {docs} documents added" if documents else ""))


def _moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        raise InputError(f"--as-of {value!r} is not a moment; use YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)") from None


@db_group.command("export")
@click.argument("csv_path", metavar="CSV")
@_url_option
@click.option("--as-of", "as_of", default=None, help="The data as it stood at this UTC moment (YYYY-MM-DDTHH:MM).")
def export_(csv_path, url, as_of):
    """Write the database's statements as CSV (atomically), now or as of a past moment.

    \b
    Example:
        python -m positions db export statements.csv --as-of 2026-12-01T09:00
    """
    from positions.data import transfer
    n = transfer.export_csv(_engine(url), csv_path, _moment(as_of))
    click.echo(f"wrote {n} statements to {csv_path}")


@db_group.command()
@click.argument("statement_id")
@_url_option
def history(statement_id, url):
    """Print a statement's change log (JSON lines: who, when, action, before, after).

    \b
    Example:
        python -m positions db history 3f2a9c0d11e2b7a4
    """
    from positions.data import changelog
    for entry in changelog.history(_engine(url), statement_id):
        click.echo(json.dumps({**entry, "at": entry["at"].isoformat()}, ensure_ascii=False))


@db_group.command()
@click.argument("out")
@_url_option
def training(out, url):
    """Write reviewed suggestions (accepted and rejected, with labels) as JSON lines for the tagger.

    \b
    Example:
        python -m positions db training reviewed.jsonl
    """
    from positions.data import inbox, store
    rows = inbox.training_data(_engine(url))
    text = "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in rows)
    store.atomic_write_bytes(out, text.encode("utf-8"))
    click.echo(f"wrote {len(rows)} reviewed suggestions to {out}")
