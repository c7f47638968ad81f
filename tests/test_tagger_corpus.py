"""`positions corpus build`: finished documents copied, manifest and splits, partial sources, bad input."""
import csv
import json

from click.testing import CliRunner

from positions.cli import cli
from positions.tagger import corpus

BODY = ("Ministers from several countries met in the capital on Monday to discuss the war and the "
        "support that the allies can give. {s} The talks went on late into the evening and the "
        "statement that followed was short and cautious.")


def _write(folder, doc_id, sentence, statements, url=None):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{doc_id}.txt").write_text(BODY.format(s=sentence), encoding="utf-8")
    doc = {"doc_id": doc_id, "url": url or f"https://example.org/{doc_id}", "title": None, "published": "2024-05-30",
           "language": "en", "outlet": "Example", "statements": statements}
    (folder / f"{doc_id}.json").write_text(json.dumps(doc), encoding="utf-8")


def _st(evidence, stance="oppose"):
    return {"actor": "Poland", "affiliation": "PL", "actor_type": "government", "issue": "trainer_deployment",
            "stance": stance, "also_ok": [], "statement_date": None, "evidence": evidence}


def test_corpus_build_copies_finished_documents(tmp_path):
    s1 = "Poland has ruled out sending troops to Ukraine."
    _write(tmp_path / "a", "ex-1", s1, [_st(s1)])
    _write(tmp_path / "a", "ex-2", "Nothing was said about troops.", [])               # a coded negative
    _write(tmp_path / "p", "ex-3", "Nothing was decided about troops.", [])            # not coded yet
    s4 = "Poland may send instructors to Ukraine."
    _write(tmp_path / "p", "ex-4", s4, [_st(s4, "undecided")])
    out = tmp_path / "corpus"
    (out).mkdir()
    (out / "README.md").write_text(f"# C\n{corpus.COUNTS_START}\nold\n{corpus.COUNTS_END}\n## Inter-coder agreement\nkeep\n")
    res = CliRunner().invoke(cli, ["corpus", "build", str(tmp_path / "a"), "--partial", str(tmp_path / "p"),
                                   "--out", str(out), "--exclude", str(tmp_path / "none")])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(open(out / "manifest.csv", encoding="utf-8")))
    assert [r["doc_id"] for r in rows] == ["ex-1", "ex-2", "ex-4"]
    assert {r["split"] for r in rows} <= set(corpus.SPLITS)
    assert [r["split"] for r in rows] == [corpus.split_of(r["url"]) for r in rows]
    assert sorted(p.name for p in (out / "docs").iterdir()) == [f"ex-{i}.{e}" for i in (1, 2, 4) for e in ("json", "txt")]
    readme = (out / "README.md").read_text()
    assert "old" not in readme and "| all | 3 | 1 | 2 |" in readme and "keep" in readme
    # Re-runnable: a second build with one more document keeps the others' splits.
    _write(tmp_path / "a", "ex-5", s1, [_st(s1)])
    assert CliRunner().invoke(cli, ["corpus", "build", str(tmp_path / "a"), "--out", str(out),
                                    "--exclude", str(tmp_path / "none")]).exit_code == 0
    again = {r["doc_id"]: r["split"] for r in csv.DictReader(open(out / "manifest.csv", encoding="utf-8"))}
    assert again["ex-1"] == rows[0]["split"] and "ex-5" in again and "ex-4" not in again


def test_corpus_build_leaves_out_evaluation_urls_and_bad_evidence(tmp_path):
    s1 = "Poland has ruled out sending troops to Ukraine."
    _write(tmp_path / "a", "ex-1", s1, [_st(s1)], url="https://example.org/dev-doc")
    _write(tmp_path / "a", "ex-2", s1, [_st("A sentence that is not in the text.")])
    _write(tmp_path / "a", "ex-3", s1, [_st(s1)])
    _write(tmp_path / "dev", "dev-1", s1, [], url="https://example.org/dev-doc")
    docs, skipped = corpus.build([tmp_path / "a"], tmp_path / "out", exclude_dirs=[tmp_path / "dev"])
    assert [d.doc_id for d in docs] == ["ex-3"]
    assert any("evaluation document" in s for s in skipped) and any("evidence" in s for s in skipped)


def test_corpus_build_bad_json_is_one_line(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "a" / "x.txt").write_text("text", encoding="utf-8")
    res = CliRunner().invoke(cli, ["corpus", "build", str(tmp_path / "a"), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2
    assert "x.json" in res.output and len(res.output.strip().splitlines()) == 1
    assert not (tmp_path / "out" / "manifest.csv").exists()
