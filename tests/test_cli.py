import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SEED_TXT


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "positions", *args], cwd=ROOT, capture_output=True, text=True,
                          input=stdin, timeout=120)


@pytest.mark.skipif(not SEED_TXT.exists(), reason="shared dev corpus not present")
def test_cli_tag_seed_prints_json_list_with_verbatim_evidence():
    out = run("tag", str(SEED_TXT), "--published", "2024-05-30", "--format", "json")
    assert out.returncode == 0, out.stderr
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
    assert out.returncode == 0 and json.loads(out.stdout) == []
    out = run("tag", "-", "--format", "jsonl", stdin="Nothing to see here.\n")
    assert out.returncode == 0 and out.stdout == ""


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
    assert out.returncode == 2
    assert needle in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_cli_validate_and_show_on_bundled_data():
    out = run("validate")
    assert out.returncode == 0 and out.stdout.startswith("OK: ")
    out = run("show", "--issue", "cross_border_strikes", "--as-of", "2024-05-31")
    assert out.returncode == 0
    assert "as of 2024-05-31" in out.stdout and "Czechia (CZ)" in out.stdout


def test_cli_help_has_examples():
    out = run("--help")
    assert out.returncode == 0 and "Examples:" in out.stdout
    for cmd in ("tag", "validate", "show"):
        assert "Example" in run(cmd, "--help").stdout
