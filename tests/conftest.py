from pathlib import Path

import pandas as pd
import pytest

from positions.data import store
from positions.model import Statement

ROOT = Path(__file__).resolve().parent.parent
DEV_CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
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


def invoke(*args: str, input: str | None = None):
    """Run `positions ARGS` in-process (click's CliRunner): exit_code, stdout, stderr, output."""
    from click.testing import CliRunner

    from positions.cli import cli
    return CliRunner().invoke(cli, list(args), input=input, prog_name="positions")


def frame(*rows: dict) -> pd.DataFrame:
    """A statements DataFrame from small dicts of overrides."""
    return store.to_frame([make_statement(**r) for r in rows])


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
