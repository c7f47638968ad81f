"""`positions tag` (positions/cli/tagging.py) in-process: files and folders, JSON lines, HTML input,
an empty file, a bad --published."""
import json

from tests.conftest import invoke


def test_cli_tag_many_files_jsonl_and_html(tmp_path):
    (tmp_path / "a.txt").write_text("Jan Lipavsky said Ukraine has the right to strike targets in Russia with our weapons.\n")
    (tmp_path / "b.html").write_text("<html><body><article><p>Giorgia Meloni said Italy will never send troops to "
                                     "Ukraine, officials confirmed after the meeting in Rome today.</p></article></body></html>")
    out = invoke("tag", str(tmp_path), "--published", "2024-05-30", "--format", "jsonl")
    assert out.exit_code == 0, out.stderr
    recs = [json.loads(line) for line in out.stdout.splitlines()]
    assert {(r["affiliation"], r["stance"]) for r in recs} >= {("CZ", "support"), ("IT", "oppose")}
    for r in recs:
        assert r["cues"] and r["evidence_end"] > r["evidence_start"]


def test_cli_tag_empty_file_and_bad_published(tmp_path):
    empty = tmp_path / "e.txt"
    empty.write_text("")
    out = invoke("tag", str(empty))
    assert out.exit_code == 0 and json.loads(out.stdout) == []
    out = invoke("tag", str(empty), "--published", "yesterday")
    assert out.exit_code == 2 and out.stdout == "" and len(out.stderr.strip().splitlines()) == 1
