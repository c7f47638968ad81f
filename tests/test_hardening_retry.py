"""Issue 15's failure list tried again as a user would type it: what still failed then, fixed and kept.

`--encoding` names the encoding of the files the user gives; the project's own files, read by
default (data/documents.csv, data/coverage_notes.csv, data/statements.csv), stay UTF-8. Before, a
UTF-16 statements file with `--encoding utf-16` failed on the bundled documents list, and a latin-1
suggestions file with `--encoding latin-1` would have read the UTF-8 data as latin-1."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from positions.cli import cli
from positions.data import store
from positions.paths import DATA_DIR
from positions.model import Statement
from tests.conftest import invoke
from tests.hardening_cases import sample_statements

ACCENTED = "Invént"


def _data_hash() -> str:
    h = hashlib.sha256()
    for p in sorted(DATA_DIR.glob("*.csv")):
        h.update(p.name.encode() + p.read_bytes())
    return h.hexdigest()


def _utf16_statements(tmp_path: Path, codec: str) -> Path:
    path = tmp_path / "statements.csv"
    path.write_bytes(store.statements_csv(sample_statements(12)).replace("Invented", ACCENTED).encode(codec))
    return path


def test_retry_validate_utf16_without_bom_reads_the_bundled_documents_as_utf8(tmp_path):
    """`validate x.csv --encoding utf-16` (no BOM), with the default --documents: OK, not 'binary'."""
    before = _data_hash()
    res = invoke("validate", str(_utf16_statements(tmp_path, "utf-16-le")), "--encoding", "utf-16-le")
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("OK: 12 statements")
    assert _data_hash() == before


def test_retry_show_utf16_big_endian_with_the_option(tmp_path):
    res = invoke("show", "--data", str(_utf16_statements(tmp_path, "utf-16-be")), "--encoding", "utf-16-be",
                 "--as-of", "2024-08-01")
    assert res.exit_code == 0, res.output
    assert "Germany (DE)" in res.stdout


def test_retry_coverage_utf16_data_with_the_default_notes(tmp_path):
    """`coverage --data x.csv --encoding utf-16-le`: the bundled notes are still read as UTF-8."""
    before = _data_hash()
    res = invoke("coverage", "--data", str(_utf16_statements(tmp_path, "utf-16-le")), "--encoding", "utf-16-le",
                 "--as-of", "2024-08-01")
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("# Coverage as of 2024-08-01")
    assert _data_hash() == before


def test_retry_review_latin1_suggestions_keep_the_utf8_data_intact(tmp_path):
    """`review --suggestions mine.csv --encoding latin-1 --accept ID` with the data at its default
    (a UTF-8 file holding accents): the data's accents survive, the suggestion joins it."""
    data = tmp_path / "statements.csv"
    rows = sample_statements(12)
    store.save_statements([Statement(**{**r.to_record(), "evidence": r.evidence.replace("Invented", ACCENTED)})
                           for r in rows[3:]], data)
    sugg = [Statement(**{**r.to_record(), "status": "suggested", "origin": "tagged", "cues": (),
                         "evidence_start": None, "evidence_end": None}) for r in rows[:3]]
    mine = tmp_path / "mine.csv"
    mine.write_bytes(store.statements_csv(sugg).replace("Invented", "Suggéré").encode("latin-1"))
    res = CliRunner().invoke(cli, ["review", "--suggestions", str(mine), "--log", str(tmp_path / "log.jsonl"),
                                   "--encoding", "latin-1", "--accept", sugg[0].id, "--reviewer", "retry"],
                             default_map={"review": {"data": str(data)}}, prog_name="positions")
    assert res.exit_code == 0, res.output
    kept = store.load_statements(data)
    assert len(kept) == 10 and sum(ACCENTED in s.evidence for s in kept) == 9
    assert any(s.id == sugg[0].id and "Suggéré" in s.evidence for s in kept)


def test_retry_ingest_latin1_documents_with_the_default_lists(tmp_path):
    """`ingest folder/ --encoding latin-1 --out s.csv`: the folder's texts in latin-1, while the
    default documents list and data (the project's, UTF-8) are read as UTF-8 and left unchanged."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "n1.txt").write_bytes("French President Emmanuel Macron said on Monday in Besançon that Ukraine "
                                  "should be allowed to strike military targets inside Russia.\n".encode("latin-1"))
    before = _data_hash()
    out = tmp_path / "s.csv"
    res = invoke("ingest", str(docs), "--out", str(out), "--encoding", "latin-1")
    assert res.exit_code == 0, res.output
    assert any("Besançon" in s.evidence for s in store.load_statements(out))
    assert _data_hash() == before


def test_retry_ingest_out_in_proc_is_one_line(tmp_path):
    """`ingest data/documents --out /proc/x`: one line, exit 2, the data unchanged."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "n1.txt").write_text("A minister spoke about nothing in particular.\n", encoding="utf-8")
    before = _data_hash()
    res = invoke("ingest", str(docs), "--out", "/proc/x")
    errors = [line for line in res.stderr.splitlines() if not line.startswith("warning:")]
    assert res.exit_code == 2 and errors == ["error: --out '/proc/x' cannot be written: its folder does not take "
                                             "new files"], res.output
    assert _data_hash() == before


def test_retry_validate_names_the_line_after_multiline_cells(tmp_path):
    """Line numbers count the lines of quoted multi-line cells before the bad row."""
    text = store.statements_csv(sample_statements(6))
    lines = text.splitlines(keepends=True)
    lines[2] = lines[2].replace("Invented remark number 1", '"Invented\nremark\nnumber 1', 1)
    lines[2] = lines[2].replace(" on the matter.,", ' on the matter.",', 1)
    lines[5] = lines[5].replace(",support,", ",maybe,", 1).replace(",oppose,", ",maybe,", 1) \
        .replace(",conditional,", ",maybe,", 1).replace(",undecided,", ",maybe,", 1)
    path = tmp_path / "ml.csv"
    path.write_text("".join(lines), encoding="utf-8")
    res = invoke("validate", str(path), "--documents", str(DATA_DIR / "documents.csv"))
    assert res.exit_code == 2 and "ml.csv:8: column stance" in res.stderr, res.stderr


def _special_in_folder(folder: Path, kind: str) -> str:
    name = {"fifo": "pipe.txt", "loop": "loop.txt", "directory": "dir.txt", "binary": "bin.txt"}[kind]
    path = folder / name
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "loop":
        path.symlink_to(path)
    elif kind == "directory":
        path.mkdir()
    else:
        path.write_bytes(b"\x00\x01 not text")
    return name



@pytest.mark.parametrize("kind", ["fifo", "loop", "directory", "binary"])
def test_retry_ingest_folder_with_a_special_entry_is_one_line(tmp_path, kind):
    """`ingest folder/` where one .txt entry is a FIFO, a symlink loop, a folder or binary: one line
    naming it, exit 2, no hang, nothing written (the other documents are not half-added)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Polish Prime Minister Donald Tusk said Poland had no plans to send troops "
                                "to Ukraine.\n", encoding="utf-8")
    name = _special_in_folder(docs, kind)
    out = tmp_path / "s.csv"
    before = _data_hash()
    res = invoke("ingest", str(docs), "--out", str(out))
    errors = [line for line in res.stderr.splitlines() if not line.startswith("warning:")]
    assert res.exit_code == 2 and len(errors) == 1 and name in errors[0], res.output
    assert not out.exists() and _data_hash() == before


@pytest.mark.parametrize("codec", ["utf-16", "utf-32", "utf-8-sig"])
def test_retry_upload_with_a_byte_order_mark_is_read(codec):
    """The review page's upload reads UTF-16/32 with a BOM as the CLI does (it was called binary)."""
    from positions.data import intake
    text = "Polish Prime Minister Donald Tusk said in Łódź that Poland had no plans to send troops.\n"
    assert intake.read_upload("article.txt", text.encode(codec)) == text


def test_retry_upload_messages_advise_no_cli_option():
    from positions.data import intake
    from positions.errors import InputError
    for raw in (b"abc\x00def", "café".encode("latin-1")):
        with pytest.raises(InputError) as err:
            intake.read_upload("a.txt", raw)
        assert "--" not in str(err.value) and "\n" not in str(err.value)
