"""A real PostgreSQL server for the test session: Debian's `postgresql` binaries (installed by
scripts/run-tests.sh), a throw-away cluster in a temp dir on a free loopback port, run as the
`postgres` user (initdb and postgres refuse root). Skipped with the reason only when it cannot start."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from contextlib import contextmanager

import pytest


def pg_bindir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(args: list[str]) -> list[str]:
    """Run as the postgres user when we are root (initdb and postgres refuse root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


def wait_ready(port: int, proc: subprocess.Popen, deadline: float) -> None:
    import psycopg
    while True:
        try:
            psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres", connect_timeout=1).close()
            return
        except psycopg.OperationalError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


class NoPostgres(RuntimeError):
    """PostgreSQL cannot be started here (the reason is the message)."""


@contextmanager
def postgres_server():
    """(host, port) of a throw-away PostgreSQL server, stopped and deleted on exit."""
    bindir = pg_bindir()
    if bindir is None:
        raise NoPostgres("PostgreSQL is not installed (apt-get install postgresql; scripts/run-tests.sh does it)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        raise NoPostgres("running as root without runuser: cannot start PostgreSQL as the postgres user")
    tmp = tempfile.mkdtemp(prefix="positions-pg-")
    os.chmod(tmp, 0o755)
    data = os.path.join(tmp, "data")
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres", "postgres")
    proc = None
    try:
        subprocess.run(as_postgres([f"{bindir}/initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                                    "--no-sync"]), check=True, capture_output=True)
        port = free_port()
        proc = subprocess.Popen(as_postgres([f"{bindir}/postgres", "-D", data, "-p", str(port), "-h", "127.0.0.1",
                                             "-k", tmp, "-c", "fsync=off"]),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_ready(port, proc, time.monotonic() + 30)
        yield "127.0.0.1", port
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


def create_database(host: str, port: int) -> str:
    """A new empty database on the server; its SQLAlchemy URL."""
    import psycopg
    name = "t_" + uuid.uuid4().hex[:10]
    with psycopg.connect(host=host, port=port, user="postgres", dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@{host}:{port}/{name}"


@pytest.fixture(scope="session")
def pg_server():
    """(host, port) of a PostgreSQL server started for this test session and stopped after it."""
    try:
        with postgres_server() as address:
            yield address
    except NoPostgres as e:
        pytest.skip(str(e))


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty database on the session's server (dropped after the test)."""
    import psycopg
    host, port = pg_server
    url = create_database(host, port)
    yield url
    with psycopg.connect(host=host, port=port, user="postgres", dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
