"""Dockerfile and compose.yaml, parsed and checked (no Docker daemon runs here), and the
container's start command run for real against PostgreSQL."""
from __future__ import annotations

import json
import re
import shlex

import pytest

import yaml
from sqlalchemy.engine import make_url

from positions.data import db, store
from tests.conftest import ROOT, invoke


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def start_command() -> str:
    cmd = json.loads(dict(dockerfile())["CMD"])
    assert cmd[:2] == ["sh", "-c"]
    return cmd[2]


def test_dockerfile_installs_requirements_and_runs_as_a_user():
    steps = dockerfile()
    kinds = [k for k, _ in steps]
    assert kinds[0] == "FROM" and re.match(r"python:3\.1[1-9]", steps[0][1])
    copies = [a.split()[0] for k, a in steps if k == "COPY"]
    assert "requirements.txt" in copies and (ROOT / "requirements.txt").exists()
    assert any(k == "RUN" and "pip install -r requirements.txt" in a for k, a in steps)
    assert kinds.index("USER") > max(i for i, k in enumerate(kinds) if k == "RUN")
    assert dict(steps)["USER"] not in ("root", "0")


def test_dockerfile_health_check_hits_streamlit_on_the_exposed_port():
    steps = dict(dockerfile())
    port = steps["EXPOSE"]
    assert f"http://127.0.0.1:{port}/_stcore/health" in steps["HEALTHCHECK"]
    words = shlex.split(start_command().split("&&")[1])
    assert words[:5] == ["exec", "python", "-m", "streamlit", "run"] and words[5] == "dashboard.py"
    assert f"--server.port={port}" in words and "--server.address=0.0.0.0" in words
    assert (ROOT / words[5]).exists() and (ROOT / "pages" / "review.py").exists()


def test_dockerignore_keeps_local_database_and_secrets_out():
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", ".git", "data/positions.sqlite*", ".streamlit/secrets.toml", ".env"} <= set(ignored)


def test_compose_runs_the_app_on_a_healthy_postgresql():
    services = compose()["services"]
    pg, app = services["db"], services["app"]
    assert pg["image"].startswith("postgres:") and "pg_isready" in " ".join(pg["healthcheck"]["test"])
    assert app["build"] == "." and app["depends_on"]["db"]["condition"] == "service_healthy"
    url = make_url(app["environment"]["POSITIONS_DB_URL"].replace("${POSTGRES_PASSWORD}", "pw"))
    assert url.drivername == "postgresql+psycopg" and url.host == "db"
    assert (url.database, url.username) == (pg["environment"]["POSTGRES_DB"], pg["environment"]["POSTGRES_USER"])
    assert "POSTGRES_PASSWORD:?" in pg["environment"]["POSTGRES_PASSWORD"]  # no default password
    assert "/_stcore/health" in " ".join(app["healthcheck"]["test"])
    assert app["ports"] == ["8501:8501"] and "POSITIONS_PUBLIC_URL" in app["environment"]
    assert "pgdata" in compose()["volumes"]


@pytest.mark.slow  # integration: migrates and seeds a real PostgreSQL database twice
def test_container_start_command_migrates_and_seeds_postgresql(pg_url):
    """The CMD's first step, as the container runs it, on a real empty PostgreSQL database."""
    words = shlex.split(start_command().split("&&")[0])
    assert words[:3] == ["python", "-m", "positions"]
    result = invoke(*words[3:], "--db", pg_url)
    assert result.exit_code == 0, result.output
    assert f"schema at revision {db.HEAD}" in result.output
    engine = db.engine_for(pg_url)
    try:
        assert db.read_statements(engine) == store.load_statements(ROOT / "data" / "statements.csv")
    finally:
        engine.dispose()
    again = invoke(*words[3:], "--db", pg_url)  # a restart changes nothing
    assert again.exit_code == 0


def test_readme_explains_sharing():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Share it with colleagues", 1)[1]
    for needle in ("secrets.toml", "db_url", "docker compose up", "POSITIONS_PUBLIC_URL", "users add", "[auth]"):
        assert needle in section, needle
