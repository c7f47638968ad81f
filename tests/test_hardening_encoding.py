"""Issue 15: `--encoding` works on every command that reads text, a UTF-16 byte-order mark is detected,
and a wrong encoding gives one line that advises only options the command has.

Each command reads its text inputs four ways, in process (click's CliRunner): as UTF-8 (the
baseline), as UTF-16 with a BOM and no option, as latin-1 with `--encoding latin-1` (both must give
the baseline's result), and as latin-1 with no option (one line, exit 2, inputs and the scratch data
folder byte-for-byte unchanged). Every sentence here is invented."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import click
import pytest
from click.testing import CliRunner

from positions.cli import cli
from positions.data import store
from positions.model import Statement
from tests.hardening_cases import sample_statements, write_folder

ACCENTED = "Invént"  # encodable in latin-1, two bytes in UTF-8: a latin-1 file is not valid UTF-8
ARTICLE = ("French President Emmanuel Macron said on Monday in Besançon that Ukraine should be allowed to use "
           "Western weapons to strike military targets inside Russia.\n")
BODY = ("Ministers from several countries met in Besançon on Monday to discuss the war and the support that "
        "the allies can give. {s} The talks went on late into the evening and the statement that followed "
        "was short and cautious.")
CODED = [("Poland has ruled out sending troops to Ukraine.", "PL", "trainer_deployment", "oppose"),
         ("France is open to sending military trainers to Ukraine.", "FR", "trainer_deployment", "support"),
         ("Germany opposes the use of its weapons against targets inside Russia.", "DE", "cross_border_strikes", "oppose"),
         ("The Netherlands backs letting Ukraine strike military targets in Russia.", "NL", "cross_border_strikes", "support"),
         ("Nothing was said about troops or weapons.", None, None, None)]
Encode = Callable[[str], bytes]
TRIED: list[str] = []


def statements_text() -> str:
    return store.statements_csv(sample_statements(12)).replace("Invented", ACCENTED)


def suggestions_text() -> str:
    rows = [s.to_record() for s in sample_statements(3)]
    sugg = [Statement(**{**r, "status": "suggested", "origin": "tagged", "confidence": 0.7, "cues": (),
                                "evidence_start": None, "evidence_end": None}) for r in rows]
    return store.statements_csv(sugg).replace("Invented", ACCENTED)


def documents_text() -> str:
    return ("doc_id,url,title,published,publisher\n"
            "d1,https://example.test/article-0,Réunion à Besançon,2024-05-01,Le Petit Invénté\n")


def document_body() -> str:
    return "A long report from Besançon, by a Réunion correspondent.\nInvented remark number 0 on the matter.\nThe end.\n"


def coded_documents(folder: Path, encode: Encode, count: int = 26) -> None:
    """A dev-format corpus (doc.json + doc.txt) with documents in every split."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        sentence, aff, issue, stance = CODED[i % len(CODED)]
        statements = [] if aff is None else [{"actor": aff, "affiliation": aff, "actor_type": "government",
                                              "issue": issue, "stance": stance, "also_ok": [],
                                              "statement_date": None, "evidence": sentence}]
        (folder / f"e{i}.txt").write_bytes(encode(BODY.format(s=sentence)))
        (folder / f"e{i}.json").write_bytes(encode(json.dumps(
            {"doc_id": f"e{i}", "url": f"https://example.test/coded-{i}", "title": "Réunion", "published": "2024-05-30",
             "language": "en", "outlet": "Example", "statements": statements}, ensure_ascii=False)))


@dataclass
class Case:
    """One command: how to write its text inputs (with an encoder), its arguments, and what it produced."""
    name: str
    write: Callable[[Path, Encode], None]
    args: Callable[[Path, dict], list[str]]
    result: Callable[[Path, object], object] = lambda work, res: res.stdout
    stdin: Callable[[Encode], bytes] | None = None
    marks: list = field(default_factory=list)


def _sqlite(work: Path) -> str:
    return f"sqlite:///{work / 'out' / 'team.sqlite'}"


def _db_rows(work: Path, table: str, column: str) -> list:
    from sqlalchemy import create_engine, text
    engine = create_engine(_sqlite(work))
    try:
        with engine.connect() as conn:
            return sorted(conn.execute(text(f"select {column} from {table}")).scalars())
    finally:
        engine.dispose()


def _without_timings(text: str) -> list[str]:
    return [line for line in text.splitlines()[1:] if not re.search(r"MB/s|bytes=|\d s\b|throughput", line)]


def _w(**files: Callable[[], str]):
    """A writer of text inputs under work/in: {relative path: text maker}."""
    def write(work: Path, encode: Encode) -> None:
        for rel, make in files.items():
            path = work / "in" / rel.replace("__", "/")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(encode(make()))
    return write


def _plain_documents(work: Path) -> None:
    (work / "in" / "documents.csv").write_text("doc_id,url,title,published,publisher\n", encoding="utf-8")


def _with(*writers):
    def write(work: Path, encode: Encode) -> None:
        for w in writers:
            w(work, encode)
    return write


def _utf8(write_plain):
    return lambda work, encode: write_plain(work)


def _corpus(work: Path, encode: Encode) -> None:
    coded_documents(work / "in" / "corpus", encode)


CASES = [
    Case("tag", _w(**{"article.txt": lambda: ARTICLE}),
         lambda w, s: ["tag", str(w / "in" / "article.txt"), "--published", "2024-05-30", "--format", "jsonl"]),
    Case("tag-stdin", lambda work, encode: None, lambda w, s: ["tag", "-", "--published", "2024-05-30", "--format", "jsonl"],
         stdin=lambda encode: encode(ARTICLE)),
    Case("validate", _with(_w(**{"statements.csv": statements_text}), _utf8(_plain_documents)),
         lambda w, s: ["validate", str(w / "in" / "statements.csv"), "--documents", str(w / "in" / "documents.csv")]),
    Case("validate-documents", _w(**{"documents.csv": documents_text, "documents__d1.txt": document_body}),
         lambda w, s: ["validate", str(w / "in" / "statements.csv"), "--documents", str(w / "in" / "documents.csv")]),
    Case("show", _w(**{"statements.csv": statements_text}),
         lambda w, s: ["show", "--data", str(w / "in" / "statements.csv"), "--as-of", "2024-08-01"]),
    Case("export", _w(**{"statements.csv": statements_text}),
         lambda w, s: ["export", "--data", str(w / "in" / "statements.csv"), "--view", "as_of=2024-08-01",
                       "--format", "csv", "--out", str(w / "out" / "view.csv")],
         result=lambda w, res: (w / "out" / "view.csv").read_bytes()),
    Case("coverage", _w(**{"statements.csv": statements_text}),
         lambda w, s: ["coverage", "--data", str(w / "in" / "statements.csv"), "--as-of", "2024-08-01"]),
    Case("coverage-notes", _w(**{"notes.csv": lambda: "affiliation,issue,searched_on,queries,note\n"
                                                      "IS,cross_border_strikes,2024-07-01,Gunnarsdóttir strikes,"
                                                      "none found after a search in Besançon\n"}),
         lambda w, s: ["coverage", "--data", str(s["data"]), "--notes", str(w / "in" / "notes.csv"), "--as-of", "2024-08-01"]),
    Case("ingest", _with(_w(**{"docs__d1.txt": lambda: ARTICLE}), _utf8(_plain_documents)),
         lambda w, s: ["ingest", str(w / "in" / "docs"), "--documents", str(w / "in" / "documents.csv"),
                       "--out", str(w / "out" / "suggestions.csv"), "--data", str(s["data"])],
         result=lambda w, res: (w / "out" / "suggestions.csv").read_bytes()),
    Case("review", lambda work, encode: None,  # its inputs are written into out/ (review rewrites them)
         lambda w, s: ["review", "--suggestions", str(w / "out" / "suggestions.csv"), "--data", str(w / "out" / "statements.csv"),
                       "--log", str(w / "out" / "log.jsonl"), "--reviewer", "battery", "--accept", REVIEW_ID],
         result=lambda w, res: [(s.id, s.evidence, s.status.value) for s in store.load_statements(w / "out" / "statements.csv")]),
    Case("db-import", _w(**{"statements.csv": statements_text}),
         lambda w, s: ["db", "import", str(w / "in" / "statements.csv"), "--db", _sqlite(w), "--who", "battery"],
         result=lambda w, res: (res.stdout, _db_rows(w, "statements", "evidence"))),
    Case("db-import-documents", _w(**{"documents.csv": documents_text, "documents__d1.txt": document_body}),
         lambda w, s: ["db", "import", str(s["data"]), "--db", _sqlite(w), "--who", "battery",
                       "--documents", str(w / "in" / "documents.csv")],
         result=lambda w, res: (res.stdout, _db_rows(w, "documents", "title"), _db_rows(w, "documents", "text"))),
    Case("corpus-build", lambda work, encode: coded_documents(work / "in" / "src", encode, 8),
         lambda w, s: ["corpus", "build", str(w / "in" / "src"), "--out", str(w / "out" / "corpus"),
                       "--exclude", str(w / "no-such-folder")],
         result=lambda w, res: (res.stdout, (w / "out" / "corpus" / "manifest.csv").read_bytes())),
    Case("train", _corpus, lambda w, s: ["train", "--corpus", str(w / "in" / "corpus"), "--out", str(w / "out" / "m.npz")],
         marks=[pytest.mark.slow]),
    Case("evaluate", _corpus, lambda w, s: ["evaluate", "--corpus", str(w / "in" / "corpus"), "--dev", str(w / "in" / "corpus"),
                                            "--mb", "0.01"],
         result=lambda w, res: _without_timings(res.stdout), marks=[pytest.mark.slow]),
    Case("bench-tagger", _corpus, lambda w, s: ["bench", "tagger", "--corpus", str(w / "in" / "corpus"), "--mb", "0.01",
                                                "--memory-mb", "0", "--no-dataset", "--repeats", "1"],
         result=lambda w, res: res.stdout[res.stdout.index("## Scores"):], marks=[pytest.mark.slow]),
    Case("tag-corpus-queue", _w(**{"statements.csv": statements_text, "docs__d1.txt": lambda: ARTICLE}),
         lambda w, s: ["tag-corpus", str(w / "in" / "docs"), "--out", str(w / "out" / "t.parquet"), "--workers", "1",
                       "--queue", str(w / "out" / "queue.csv"), "--data", str(w / "in" / "statements.csv")],
         result=lambda w, res: (w / "out" / "queue.csv").read_bytes(), marks=[pytest.mark.slow]),
]
REVIEW_ID = sample_statements(3)[0].id
PARAMS = [pytest.param(c, id=c.name, marks=c.marks) for c in CASES]
ENCODINGS = {"utf-8": lambda t: t.encode("utf-8"), "utf-16-bom": lambda t: t.encode("utf-16"),
             "latin-1": lambda t: t.encode("latin-1")}


def tree_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")) if folder.exists() else []:
        if p.is_file() and p.name not in (".positions.lock",):
            h.update(str(p.relative_to(folder)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


@pytest.fixture(name="store_dir", scope="module")
def _store_dir(tmp_path_factory):
    """A scratch data folder the commands read from (must stay unchanged)."""
    return write_folder(tmp_path_factory.mktemp("encoding") / "data")


def prepare(case: Case, work: Path, encode: Encode) -> None:
    """Fresh inputs in `encode`, a fresh empty out/ (review's files go there: it rewrites them)."""
    for sub in ("in", "out"):
        shutil.rmtree(work / sub, ignore_errors=True)
        (work / sub).mkdir(parents=True)
    (work / "in" / "statements.csv").write_text(store.statements_csv(sample_statements(12)), encoding="utf-8")
    _plain_documents(work)
    case.write(work, encode)
    if case.name == "review":
        (work / "out" / "suggestions.csv").write_bytes(encode(suggestions_text()))
        (work / "out" / "statements.csv").write_text(store.statements_csv(sample_statements(12)[3:]), encoding="utf-8")


def run(case: Case, work: Path, store_dir: dict, encoding: str, *extra: str):
    encode = ENCODINGS[encoding]
    prepare(case, work, encode)
    stdin = case.stdin(encode) if case.stdin else None
    return CliRunner().invoke(cli, case.args(work, store_dir) + list(extra), input=stdin, prog_name="positions")


def command_of(args: list[str]) -> click.Command:
    cmd = cli
    for a in args:
        if not isinstance(cmd, click.Group) or a not in cmd.commands:
            break
        cmd = cmd.commands[a]
    return cmd


def baseline(case: Case, work: Path, store_dir: dict):
    res = run(case, work, store_dir, "utf-8")
    assert res.exit_code == 0, f"{case.name}: {res.output[-800:]}"
    return case.result(work, res)


@pytest.mark.parametrize("case", PARAMS)
def test_encoding_utf16_with_a_bom_is_detected(tmp_path, store_dir, case):
    """UTF-16 with a byte-order mark and no option: the same result as the UTF-8 file."""
    want = baseline(case, tmp_path / "work", store_dir)
    before = tree_hash(store_dir["data"].parent)
    TRIED.append(f"{case.name}:utf-16-bom")
    res = run(case, tmp_path / "work", store_dir, "utf-16-bom")
    assert res.exit_code == 0, f"{case.name}: {res.output[-800:]}"
    assert case.result(tmp_path / "work", res) == want
    assert tree_hash(store_dir["data"].parent) == before


@pytest.mark.parametrize("case", PARAMS)
def test_encoding_latin1_with_the_option(tmp_path, store_dir, case):
    """latin-1 with --encoding latin-1: the same result as the UTF-8 file."""
    want = baseline(case, tmp_path / "work", store_dir)
    before = tree_hash(store_dir["data"].parent)
    TRIED.append(f"{case.name}:latin-1")
    res = run(case, tmp_path / "work", store_dir, "latin-1", "--encoding", "latin-1")
    assert res.exit_code == 0, f"{case.name}: {res.output[-800:]}"
    assert case.result(tmp_path / "work", res) == want
    assert tree_hash(store_dir["data"].parent) == before


def assert_one_line(case: Case, res, args: list[str]) -> str:
    err = res.stderr.strip()
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith("warning:")]
    assert res.exit_code == 2, f"{case.name}: exit {res.exit_code}: {res.output[-500:]}"
    assert "Traceback" not in res.output and len(lines) == 1 and lines[0].startswith("error:"), f"{case.name}: {err}"
    offered = {opt for p in command_of(args).params for opt in p.opts} | {"--help"}
    advised = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", lines[0]))
    assert advised <= offered, f"{case.name}: advises {advised - offered}, which it does not have: {lines[0]}"
    return lines[0]


@pytest.mark.parametrize("case", PARAMS)
def test_encoding_wrong_encoding_gives_one_line(tmp_path, store_dir, case):
    """latin-1 read as UTF-8: exit 2, one line naming the file and advising --encoding; nothing written."""
    work = tmp_path / "work"
    prepare(case, work, ENCODINGS["latin-1"])
    before = (tree_hash(store_dir["data"].parent), tree_hash(work))
    TRIED.append(f"{case.name}:wrong")
    args = case.args(work, store_dir)
    res = CliRunner().invoke(cli, args, input=case.stdin(ENCODINGS["latin-1"]) if case.stdin else None,
                             prog_name="positions")
    line = assert_one_line(case, res, args)
    assert "not valid utf-8" in line and "--encoding" in line, line
    assert (tree_hash(store_dir["data"].parent), tree_hash(work)) == before


@pytest.mark.parametrize("codec", ["klingon", "base64", "rot13"])
@pytest.mark.parametrize("case", PARAMS)
def test_encoding_unknown_codec_gives_one_line(tmp_path, store_dir, case, codec):
    """An unknown or non-text codec is refused before anything is read."""
    work = tmp_path / "work"
    prepare(case, work, ENCODINGS["utf-8"])
    before = (tree_hash(store_dir["data"].parent), tree_hash(work))
    TRIED.append(f"{case.name}:{codec}")
    args = case.args(work, store_dir) + ["--encoding", codec]
    res = CliRunner().invoke(cli, args, prog_name="positions")
    assert "is not a text encoding" in assert_one_line(case, res, args)
    assert (tree_hash(store_dir["data"].parent), tree_hash(work)) == before


# Commands that read no user's text: they write files from the database, manage accounts, or read only
# what they generate (bench dashboard) or the project's own UTF-8 files (db upgrade --seed).
NO_TEXT_INPUT = {("db", "export"), ("db", "training"), ("db", "history"), ("db", "upgrade"), ("bench", "dashboard"),
                 ("users", "add"), ("users", "list"), ("users", "remove")}


def _leaves(group: click.Group, prefix=()):
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            yield from _leaves(cmd, (*prefix, name))
        else:
            yield (*prefix, name), cmd


@pytest.mark.parametrize("path,cmd", list(_leaves(cli)), ids=[" ".join(p) for p, _ in _leaves(cli)])
def test_encoding_every_command_that_reads_text_has_the_option(path, cmd):
    """The shared option on each command with a text input (`--help` lists it with the same help)."""
    if path in NO_TEXT_INPUT:
        return
    enc = [p for p in cmd.params if "--encoding" in p.opts]
    assert len(enc) == 1 and enc[0].default == "utf-8" and "byte-order mark" in enc[0].help, path


def test_encoding_advice_is_dropped_where_the_command_has_no_option(tmp_path, monkeypatch):
    """A decoding error raised under a command without --encoding (db upgrade --seed reading a damaged
    bundled file) keeps its one line but does not advise an option that is not there."""
    from positions.data import transfer
    bad = tmp_path / "statements.csv"
    bad.write_bytes(statements_text().encode("latin-1"))
    monkeypatch.setattr(transfer, "BUNDLED_STATEMENTS", bad)
    res = CliRunner().invoke(cli, ["db", "upgrade", "--seed", "--db", f"sqlite:///{tmp_path / 'x.sqlite'}"],
                             prog_name="positions")
    line = assert_one_line(Case("db-upgrade", None, None), res, ["db", "upgrade"])
    assert "not valid utf-8" in line and "--encoding" not in line


def test_encoding_count_is_printed():
    """Runs last in this module: the cases tried (they count towards the battery's 300+)."""
    print(f"\nencoding battery: {len(TRIED)} cases tried")
