"""The coded corpus in data/corpus/: gathering coded documents, the manifest, and the splits.

A coded document is `<doc_id>.txt` + `<doc_id>.json` in the format of CODEBOOK.md ("Files"), plus
an `outlet` field. The split of a document is a hash of its URL, so it never changes when more
documents arrive and no one picks which documents are held out.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from positions.errors import InputError

SPLITS = ("train", "validation", "test")
MANIFEST_COLUMNS = ["doc_id", "url", "outlet", "published", "split", "n_statements", "source"]
_ENGLISH = re.compile(r"\b(?:the|and|of|to|in|that|is|was|for|on|with|said|has|have)\b", re.I)


@dataclass
class Document:
    doc_id: str
    url: str
    outlet: str
    published: date
    text: str
    statements: list = field(default_factory=list)
    split: str = ""
    path: str = ""      # the JSON file it was read from


def split_of(url: str) -> str:
    """train / validation / test (~70/15/15) from a hash of the URL."""
    bucket = int(hashlib.sha1(url.strip().encode("utf-8")).hexdigest()[:8], 16) % 100
    return "train" if bucket < 70 else "validation" if bucket < 85 else "test"


def looks_english(text: str) -> bool:
    """At least one word in 12 is a common English function word."""
    words = len(text.split())
    return words > 0 and len(_ENGLISH.findall(text)) * 12 >= words


def read_document(meta: Path, encoding: str = "utf-8") -> Document:
    """One coded document from its JSON (the .txt beside it), both in `encoding` (a byte-order mark
    wins); InputError or StoreError names the file."""
    from positions.data.files import read_text

    if not os.path.lexists(meta.with_suffix(".txt")):
        raise InputError(f"{meta}: no .txt beside it; write <doc_id>.txt next to the JSON")
    try:
        doc = json.loads(read_text(meta, encoding))
        text = read_text(meta.with_suffix(".txt"), encoding)
        url = doc.get("url") or doc["doc_id"]   # a dev file without URL splits by its id
        return Document(doc["doc_id"], url, doc.get("outlet") or "", date.fromisoformat(doc["published"]),
                        text, list(doc["statements"]), split_of(url), str(meta))
    except FileNotFoundError:
        raise InputError(f"{meta}: no .txt beside it; write <doc_id>.txt next to the JSON") from None
    except (json.JSONDecodeError, KeyError, ValueError, TypeError) as e:
        raise InputError(f"{meta}: not a coded document ({e}); see CODEBOOK.md, section Files") from None


def problems_of(doc: Document) -> list[str]:
    """Why a document is not ready for the corpus (empty list: ready)."""
    out = []
    if len(doc.text) < 200:
        out.append("text shorter than 200 characters")
    if not looks_english(doc.text):
        out.append("not English")
    for i, s in enumerate(doc.statements):
        if not s.get("evidence") or s["evidence"] not in doc.text:
            out.append(f"statement {i}: evidence not a substring of the text")
        if s.get("issue") not in ("cross_border_strikes", "trainer_deployment") or \
                s.get("stance") not in ("support", "oppose", "conditional", "undecided"):
            out.append(f"statement {i}: unknown issue or stance")
    return out


def gather(sources, partial=(), exclude_urls=frozenset(), encoding: str = "utf-8") -> tuple[list[Document], list[str]]:
    """Documents ready for the corpus from the source folders, and one line per document skipped.

    `partial` folders are still being coded: their documents with no statement are not yet coded
    and are skipped. The first folder holding a URL wins; URLs in `exclude_urls` are left out.
    """
    docs, skipped, seen = [], [], set()
    for src in [*sources, *partial]:
        for meta in sorted(Path(src).glob("*.json")):
            if meta.name == "manifest.json":
                continue
            doc = read_document(meta, encoding)
            why = problems_of(doc)
            if src in partial and not doc.statements:
                why.append("not coded yet (partial source)")
            if doc.url in exclude_urls:
                why.append("URL of an evaluation document")
            if doc.url in seen:
                why.append("URL already taken from an earlier source")
            if why:
                skipped.append(f"{meta}: {'; '.join(why)}")
                continue
            seen.add(doc.url)
            docs.append(doc)
    return docs, skipped


def write_corpus(docs: list[Document], out_dir: Path, sources: dict[str, str]) -> None:
    """Replace out_dir/docs and out_dir/manifest.csv with these documents (atomically swapped in)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".docs-", dir=out_dir))
    for d in sorted(docs, key=lambda d: d.doc_id):
        shutil.copyfile(sources[d.doc_id], tmp / f"{d.doc_id}.json")   # as coded, byte for byte
        shutil.copyfile(Path(sources[d.doc_id]).with_suffix(".txt"), tmp / f"{d.doc_id}.txt")
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
    w.writeheader()
    for d in sorted(docs, key=lambda d: d.doc_id):
        w.writerow({"doc_id": d.doc_id, "url": d.url, "outlet": d.outlet, "published": d.published.isoformat(),
                    "split": d.split, "n_statements": len(d.statements),
                    "source": Path(sources[d.doc_id]).parent.name})
    old = out_dir / "docs"
    if old.exists():
        trash = Path(tempfile.mkdtemp(prefix=".old-", dir=out_dir))
        old.rename(trash / "docs")
        shutil.rmtree(trash)
    tmp.rename(old)
    atomic_write(out_dir / "manifest.csv", buf.getvalue())


def atomic_write(path: Path, text: str) -> None:
    """Write text to path through a temporary file in the same folder."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    os.replace(tmp, path)


def build(sources, out_dir: Path, partial=(), exclude_dirs=(), encoding: str = "utf-8") -> tuple[list[Document], list[str]]:
    """Gather the finished documents of the source folders into out_dir; returns (documents, skipped)."""
    exclude = {json.loads(p.read_text(encoding="utf-8")).get("url") for d in exclude_dirs
               for p in Path(d).glob("*.json")}
    docs, skipped = gather([str(s) for s in sources], [str(p) for p in partial], exclude, encoding)
    where: dict[str, str] = {}
    for d in docs:
        if d.doc_id in where:
            raise InputError(f"{d.path}: doc_id also used by {where[d.doc_id]} (another URL); rename one")
        where[d.doc_id] = d.path
    write_corpus(docs, Path(out_dir), where)
    return docs, skipped


def load(corpus_dir: Path, splits=SPLITS, encoding: str = "utf-8") -> list[Document]:
    """Documents of a corpus folder (data/corpus or a dev-format folder), those of `splits` only."""
    corpus_dir = Path(corpus_dir)
    folder = corpus_dir / "docs" if (corpus_dir / "docs").is_dir() else corpus_dir
    if not folder.is_dir():
        raise InputError(f"{corpus_dir}: no such corpus folder; run `python -m positions corpus build` first")
    docs = [read_document(m, encoding) for m in sorted(folder.glob("*.json")) if m.name != "manifest.json"]
    return [d for d in docs if d.split in splits]


COUNTS_START, COUNTS_END = "<!-- counts: written by `positions corpus build` -->", "<!-- /counts -->"


def counts_table(docs: list[Document]) -> str:
    """Markdown counts per split: documents, hard negatives, statements by issue and stance."""
    rows = ["| split | documents | no position | statements | strikes | trainers | support | oppose | conditional | undecided |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for split in (*SPLITS, "all"):
        ds = [d for d in docs if split in ("all", d.split)]
        st = [s for d in ds for s in d.statements]
        n = lambda k, v: sum(1 for s in st if s.get(k) == v)  # noqa: E731
        rows.append(f"| {split} | {len(ds)} | {sum(1 for d in ds if not d.statements)} | {len(st)} | "
                    f"{n('issue', 'cross_border_strikes')} | {n('issue', 'trainer_deployment')} | {n('stance', 'support')} | "
                    f"{n('stance', 'oppose')} | {n('stance', 'conditional')} | {n('stance', 'undecided')} |")
    outlets = Counter(d.outlet for d in docs)
    years = Counter(d.published.year for d in docs)
    rows.append("")
    rows.append(f"{len(outlets)} outlets; by year: " + ", ".join(f"{y}: {n}" for y, n in sorted(years.items())) + ".")
    return "\n".join(rows)


def update_readme(path: Path, docs: list[Document]) -> None:
    """Rewrite only the counts block of the corpus README (the rest is written by people)."""
    text = path.read_text(encoding="utf-8")
    a, b = text.find(COUNTS_START), text.find(COUNTS_END)
    if a < 0 or b < a:
        raise InputError(f"{path}: no counts block; put the lines {COUNTS_START} and {COUNTS_END} where the counts go")
    atomic_write(path, text[:a + len(COUNTS_START)] + "\n" + counts_table(docs) + "\n" + text[b:])
