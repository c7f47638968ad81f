"""Issue 15: a `db import` killed while it creates the database's tables leaves a file that opens.
pysqlite ran DDL outside any transaction, so a kill between two CREATE TABLEs left tables without
their Alembic revision and every later open failed with 'table statements already exists'."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from positions.data import db

ROOT = Path(__file__).resolve().parent.parent


def test_db_migration_interrupted_after_ddl_is_rolled_back(tmp_path, monkeypatch):
    """A failure after the first CREATE TABLE of a migration: nothing of it stays, the next open works."""
    from alembic import command
    real = command.upgrade

    def dies_half_way(cfg, revision):
        cfg.attributes["connection"].exec_driver_sql("CREATE TABLE statements (id TEXT PRIMARY KEY)")
        raise KeyboardInterrupt  # as a kill would, after some DDL ran
    url = f"sqlite:///{tmp_path / 'team.sqlite'}"
    monkeypatch.setattr(command, "upgrade", dies_half_way)
    with pytest.raises(KeyboardInterrupt):
        db.open_store(url, seed=False)
    monkeypatch.setattr(command, "upgrade", real)
    engine = db.open_store(url, seed=False)
    try:
        assert db.current_revision(engine) == db.HEAD and db.read_statements(engine) == []
    finally:
        engine.dispose()


@pytest.mark.slow
def test_db_import_killed_while_creating_the_database_leaves_one_that_opens(tmp_path):
    """SIGKILL `db import` into a new SQLite file at moments around its schema creation (8 rounds)."""
    rnd = random.Random(15)
    csv = ROOT / "tests" / "data" / "statements.csv"
    csv = csv if csv.exists() else ROOT / "data" / "statements.csv"
    for i in range(8):
        url = f"sqlite:///{tmp_path / f'k{i}.sqlite'}"
        proc = subprocess.Popen([sys.executable, "-m", "positions", "db", "import", str(csv), "--db", url, "--who", "k"],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
        time.sleep(rnd.uniform(0.4, 1.2))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        if (tmp_path / f"k{i}.sqlite").exists():
            engine = db.open_store(url, seed=False)
            try:
                assert db.current_revision(engine) == db.HEAD
            finally:
                engine.dispose()
