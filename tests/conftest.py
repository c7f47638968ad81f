import contextlib
import functools
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

from positions.data import store
from positions.model import Statement

ROOT = Path(__file__).resolve().parent.parent
# ../shared/corpus/dev next to the checkout; $POSITIONS_DEV_CORPUS for a worktree elsewhere.
DEV_CORPUS = Path(os.environ.get("POSITIONS_DEV_CORPUS", ROOT.parent / "shared" / "corpus" / "dev"))
SEED_TXT = DEV_CORPUS / "seed-politico-2024-05-30.txt"
# The seed article's statements, hand-coded (issue 2); the bundled dataset lives in data/.
SEED_CSV = ROOT / "tests" / "data" / "seed_statements.csv"


def make_statement(**overrides) -> Statement:
    """A valid statement; override any field."""
    values = dict(actor="Olaf Scholz", affiliation="DE", actor_type="government", issue="cross_border_strikes",
                  stance="oppose", statement_date="2024-05-01", evidence="Scholz said no.",
                  source_url="https://example.org/a", published="2024-05-02")
    values.update(overrides)
    return Statement(**values)


def tagged_triples(text: str, published) -> set[tuple[str, str, str]]:
    """(affiliation, issue, stance) of every statement the tagger finds in `text`."""
    from positions.tagger import tag_text
    return {(s.affiliation, s.issue.value, s.stance.value) for s in tag_text(text, published=published)}


def tagged(text: str, published, mode: str | None = None) -> list[Statement]:
    """The tagger's statements for `text` (the shipped default tagger, or the one of `mode`)."""
    from positions.tagger import tag_text
    from positions.tagger.core import get_tagger
    if mode is None:
        return tag_text(text, published=published)
    return get_tagger(mode=mode).tag(text, published)


RECORD_FIELDS = ("affiliation", "issue", "stance")


def record_spec(spec) -> dict:
    """A record expectation as a dict: [affiliation, issue, stance] or a mapping of any of
    affiliation, issue, stance, actor_type, date (ISO day or None) and dated (bool)."""
    spec = dict(zip(RECORD_FIELDS, spec)) if isinstance(spec, (list, tuple)) else dict(spec)
    unknown = set(spec) - {*RECORD_FIELDS, "actor_type", "date", "dated"}
    assert not unknown, f"unknown record field(s) {sorted(unknown)} in {spec}"
    return spec


def matches(statement: Statement, spec) -> bool:
    """Whether a tagged statement has every field `spec` (see record_spec) names."""
    date = statement.statement_date.isoformat() if statement.statement_date else None
    got = {"affiliation": statement.affiliation, "issue": statement.issue.value, "stance": statement.stance.value,
           "actor_type": statement.actor_type.value, "date": date, "dated": date is not None}
    return all(got[k] == v for k, v in record_spec(spec).items())


def invoke(*args: str, input: str | None = None):
    """Run `positions ARGS` in-process (click's CliRunner): exit_code, stdout, stderr, output."""
    from click.testing import CliRunner

    from positions.cli import cli
    return CliRunner().invoke(cli, list(args), input=input, prog_name="positions")


@functools.cache
def _components():
    """Streamlit's registry of installed v2 components, scanned once: AppTest rescans every installed
    distribution for each new app (about half a second each), and the project installs none."""
    from streamlit.components.v2.component_manager import BidiComponentManager
    manager = BidiComponentManager()
    manager.discover_and_register_components(start_file_watching=False)
    return manager


def app(script: str = "dashboard.py", secrets: dict | None = None, **params):
    """An AppTest of `script` (not yet run) with `secrets` and URL query `params` set."""
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(ROOT / script), default_timeout=60)
    if hasattr(at, "_bidi_component_manager"):  # private in streamlit 1.5x; without it AppTest scans
        at._bidi_component_manager = _components()
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    for key, value in params.items():
        at.query_params[key] = value
    return at


def run_page(script: str = "dashboard.py", **params):
    """`script` run once with URL query `params`; fails on any exception the page raised."""
    at = app(script, **params).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frame(*rows: dict) -> pd.DataFrame:
    """A statements DataFrame from small dicts of overrides."""
    return store.to_frame([make_statement(**r) for r in rows])


@contextlib.contextmanager
def local_http(handler_class):
    """A threaded HTTP server with `handler_class` on a free 127.0.0.1 port; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that logs nothing and answers with `reply`."""

    def reply(self, code: int, content_type: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(name="cb", scope="session")
def _cb():
    """The bundled codebook."""
    from positions.reference import codebook
    return codebook.load()


@pytest.fixture(name="reg", scope="session")
def _reg():
    """The bundled actor registry."""
    from positions.reference import registry
    return registry.load()


@pytest.fixture(name="seed_frame")
def _seed_frame():
    return store.load_frame(SEED_CSV)


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashes():
    """Accounts made and checked in tests use argon2's cheapest profile (the default profile's
    64 MiB hashes cost 0.1-0.3 s each); tests/test_login.py checks the default profile itself."""
    from positions.data.users import HASH_PROFILE_ENV
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(HASH_PROFILE_ENV, "CHEAPEST")
        yield


@pytest.fixture(name="rules_tagger", scope="session")
def _rules_tagger():
    """The rule layer alone (the learned layer's features come from it)."""
    from positions.tagger.core import get_tagger
    return get_tagger(mode="rules")


@pytest.fixture(name="embedder", scope="session")
def _embedder():
    """wordllama's embedder as the shipped model cards set it (read offline from its wheel)."""
    from positions.tagger import embedding
    return embedding.load()


@pytest.fixture(name="kaleido_server", scope="session")
def _kaleido_server():
    """The one kaleido server (headless Chromium) the whole test session shares for chart images."""
    from positions.present import export
    return export.ensure_kaleido()


def pytest_collection_modifyitems(config, items):
    """Tests that render chart images start headless Chromium (kaleido): marked `slow`."""
    for item in items:
        if "kaleido_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


# A real PostgreSQL server for the database-store tests (tests/pg_server.py).
from tests.pg_server import pg_server, pg_url  # noqa: E402,F401
from tests.db_fixtures import seeded_sqlite, team_db, team_sqlite  # noqa: E402,F401
