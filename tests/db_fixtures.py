"""Fixtures for the team features: a database seeded from the bundled CSVs (built once per
session, copied per test), accounts, and AppTest helpers for the review page and login."""
from __future__ import annotations

import re
import shutil

import pytest

from positions.data import db, users
from tests import conftest

PASSWORD = "a-long-test-password"


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory):
    """A SQLite file holding the bundled statements and documents (built once)."""
    path = tmp_path_factory.mktemp("seed") / "seed.sqlite"
    engine = db.open_store(db.sqlite_url(path), seed=True)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def team_sqlite(seeded_sqlite, tmp_path_factory):
    """The seeded database with an editor, a viewer and an admin (argon2 hashing is slow by design:
    the accounts are made once, not per test)."""
    path = tmp_path_factory.mktemp("team") / "team.sqlite"
    shutil.copy(seeded_sqlite, path)
    engine = db.open_store(db.sqlite_url(path))
    for name, role in (("ana", "editor"), ("vic", "viewer"), ("adm", "admin")):
        users.add(engine, name, role, PASSWORD)
    engine.dispose()
    return path


@pytest.fixture
def team_db(team_sqlite, tmp_path, monkeypatch):
    """POSITIONS_DB_URL -> a fresh copy of the seeded database with an editor, a viewer and an admin."""
    path = tmp_path / "team.sqlite"
    shutil.copy(team_sqlite, path)
    url = db.sqlite_url(path)
    monkeypatch.setenv("POSITIONS_DB_URL", url)
    monkeypatch.delenv("POSITIONS_DATA", raising=False)
    monkeypatch.delenv("POSITIONS_PUBLIC_READ", raising=False)
    engine = db.open_store(url)
    yield engine
    engine.dispose()


def app(script: str = "pages/review.py", secrets: dict | None = None):
    """An AppTest of the review page (or `script`), not yet run."""
    return conftest.app(script, secrets)


def login_as(at, name: str, password: str = PASSWORD):
    """Fill the sidebar's login form and submit it (the real form, the real password check)."""
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    next(b for b in at.button if b.label == "Log in").click()
    return at.run()


def texts(at) -> str:
    """Every markdown, caption, info, success, warning and error text of the page, joined, as read."""
    parts = [e.value for kind in ("markdown", "caption", "info", "success", "warning", "error")
             for e in getattr(at, kind)]
    return re.sub(r"\\(.)", r"\1", "\n".join(str(p) for p in parts))  # Markdown escapes undone
