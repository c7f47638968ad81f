"""The command line, run in-process (CliRunner); one subprocess smoke test for `python -m positions`."""
import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SEED_TXT, invoke


def run(*args, stdin=None):
    return invoke(*args, input=stdin)


@pytest.mark.slow
def test_cli_python_dash_m_positions_runs_as_a_process():
    out = subprocess.run([sys.executable, "-m", "positions", "show", "--as-of", "yesterday"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert out.stderr.strip() == "error: --as-of 'yesterday' is not a date; use YYYY-MM-DD"
    version = subprocess.run([sys.executable, "-m", "positions", "--version"], cwd=ROOT, capture_output=True,
                             text=True, timeout=60)
    assert version.returncode == 0 and version.stdout.startswith("positions, version ")


@pytest.mark.skipif(not SEED_TXT.exists(), reason="shared dev corpus not present")
def test_cli_tag_seed_prints_json_list_with_verbatim_evidence():
    out = run("tag", str(SEED_TXT), "--published", "2024-05-30", "--format", "json")
    assert out.exit_code == 0, out.stderr
    records = json.loads(out.stdout)
    text = SEED_TXT.read_text(encoding="utf-8")
    assert isinstance(records, list) and records
    for r in records:
        assert r["evidence"] in text
        assert {"actor", "affiliation", "actor_type", "issue", "stance", "statement_date", "confidence", "id"} <= set(r)


def test_cli_tag_stdin_and_empty_file(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    out = run("tag", str(empty), "--format", "json")
    assert out.exit_code == 0 and json.loads(out.stdout) == []
    out = run("tag", "-", "--format", "jsonl", stdin="Nothing to see here.\n")
    assert out.exit_code == 0 and out.stdout == ""


@pytest.mark.parametrize("setup,args,needle", [
    (None, ["tag", "missing.txt"], "missing.txt: file not found"),
    ("latin", ["tag", "{f}"], "not valid utf-8"),
    ("binary", ["tag", "{f}"], "looks binary"),
    ("text", ["tag", "{f}", "--published", "30/05/2024"], "--published '30/05/2024' is not a date"),
    (None, ["show", "--issue", "strikes"], "--issue 'strikes' is unknown"),
    (None, ["show", "--as-of", "yesterday"], "--as-of 'yesterday' is not a date"),
    ("badcsv", ["validate", "{f}"], "column stance: invalid stance 'maybe'"),
])
def test_cli_bad_input_one_line_exit_2(tmp_path, setup, args, needle):
    f = tmp_path / "input.txt"
    if setup == "latin":
        f.write_bytes("Caf\xe9 said".encode("latin-1"))
    elif setup == "binary":
        f.write_bytes(b"\x89PNG\x00\x00\x01\x02")
    elif setup == "text":
        f.write_text("Hello.", encoding="utf-8")
    elif setup == "badcsv":
        f.write_text((ROOT / "data" / "statements.csv").read_text(encoding="utf-8").replace(",support,", ",maybe,", 1),
                     encoding="utf-8")
    out = run(*[a.format(f=f) for a in args])
    assert out.exit_code == 2
    assert needle in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_cli_validate_and_show_on_bundled_data():
    out = run("validate")
    assert out.exit_code == 0 and out.stdout.startswith("OK: ")
    out = run("show", "--issue", "cross_border_strikes", "--as-of", "2024-05-31")
    assert out.exit_code == 0
    assert "as of 2024-05-31" in out.stdout and "Czechia (CZ)" in out.stdout


def test_cli_help_has_examples():
    out = run("--help")
    assert out.exit_code == 0 and "Examples:" in out.stdout and out.stdout.startswith("Usage: positions ")
    from positions.cli import cli
    assert {"tag", "validate", "show", "ingest", "review", "export", "bench"} <= set(cli.commands)
    for name, command in cli.commands.items():
        assert command.help and "Example" in command.help, f"{name} --help has no example"


@pytest.mark.parametrize("edit,needle", [
    (lambda row: row.replace(",Jan Lipavsky,jan-lipavsky,CZ,", ",Jan Lipavsky,,CZ,"), None),
    (lambda row: row.replace(",Jan Lipavsky,jan-lipavsky,CZ,", ",Jan Nobody,,CZ,"), "column actor: 'Jan Nobody' is not in the actor registry"),
    (lambda row: row.replace(",Jan Lipavsky,jan-lipavsky,CZ,", ",Jan Lipavsky,,PL,"), "spoke for CZ on that date, not PL"),
    (lambda row: row.replace(",Jan Lipavsky,jan-lipavsky,CZ,", ",Jan Lipavsky,jan-x,CZ,"), "column actor_id: 'jan-x'"),
    (lambda row: row.replace(",Jan Lipavsky,jan-lipavsky,CZ,", ",Jan Lipavsky,jan-lipavsky,XX,"), "column affiliation: 'XX'"),
])
def test_cli_validate_checks_actors_against_registry(tmp_path, edit, needle):
    from tests.conftest import SEED_CSV
    lines = SEED_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(i for i, l in enumerate(lines) if ",Jan Lipavsky," in l)
    lines[row] = edit(lines[row])
    f = tmp_path / "s.csv"
    f.write_text("".join(lines), encoding="utf-8")
    out = run("validate", str(f), "--documents", str(tmp_path / "none.csv"))
    if needle is None:
        assert out.exit_code == 0, out.stderr
    else:
        assert out.exit_code == 2 and needle in out.stderr and f":{row + 1}:" in out.stderr


def test_cli_validate_rejects_evidence_not_in_stored_document(tmp_path):
    docs = tmp_path / "documents"
    docs.mkdir()
    (docs / "d1.txt").write_text("Scholz said no to Taurus.", encoding="utf-8")
    (tmp_path / "documents.csv").write_text("doc_id,url,title,published,publisher\nd1,https://example.org/a,T,2024-05-02,X\n")
    from positions.data import store
    from tests.conftest import make_statement
    store.save_statements([make_statement(evidence="Scholz said no to Taurus.", actor_id="olaf-scholz")], tmp_path / "ok.csv")
    store.save_statements([make_statement(evidence="Scholz said yes to Taurus.", actor_id="olaf-scholz")], tmp_path / "bad.csv")
    assert run("validate", str(tmp_path / "ok.csv"), "--documents", str(tmp_path / "documents.csv")).exit_code == 0
    out = run("validate", str(tmp_path / "bad.csv"), "--documents", str(tmp_path / "documents.csv"))
    assert out.exit_code == 2 and "not a verbatim substring" in out.stderr
