"""Ingesting a folder of documents into the suggestions file: HTML reduced to its article text,
large text files tagged chunk by chunk (memory stays flat), documents recognised by content hash
(`<suggestions>.ingested.csv`, written in the same transaction as the suggestions)."""
from __future__ import annotations

import csv
import hashlib
import io
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from positions.data import csvread, files
from positions.errors import StoreError
from positions.model import Statement

MAX_HTML_BYTES = 20 << 20  # an article page is well under 1 MB; trafilatura needs the whole page in memory
INDEX_COLUMNS = ["sha256", "name", "url"]


@dataclass(frozen=True)
class Document:
    path: Path
    sha256: str
    url: str
    title: str
    published: date | None


def index_path(suggestions: Path) -> Path:
    return suggestions.with_name(suggestions.stem + ".ingested.csv")


def read_index(path: Path) -> dict[str, dict]:
    """content hash -> row of the documents already ingested."""
    if not os.path.lexists(path):
        return {}
    header, rows = csvread.read_rows(path)
    if "sha256" not in header:
        raise StoreError(f"{files.shown(path)}: missing column sha256; expected {','.join(INDEX_COLUMNS)}")
    return {row["sha256"]: row for _, row in rows}


def index_bytes(rows: dict[str, dict]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=INDEX_COLUMNS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for row in rows.values():
        w.writerow({c: row.get(c, "") for c in INDEX_COLUMNS})
    return buf.getvalue().encode("utf-8")


def content_hash(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB pieces (regular files only)."""
    h = hashlib.sha256()
    with files.open_regular(path) as fh:
        for piece in iter(lambda: fh.read(1 << 20), b""):
            h.update(piece)
    return h.hexdigest()


def statements_of(doc: Document, encoding: str, tagger) -> list[Statement]:
    """Tag one document: HTML through trafilatura (size-capped), text streamed in chunks."""
    from positions.tagger.io import HTML_SUFFIXES, html_body, iter_chunks

    if doc.path.suffix.lower() in HTML_SUFFIXES:
        if doc.path.stat().st_size > MAX_HTML_BYTES:
            raise StoreError(f"{files.shown(doc.path)}: HTML page over {MAX_HTML_BYTES >> 20} MiB; "
                             "save the article's text as .txt and ingest that")
        text = html_body(files.read_text(doc.path, encoding))
        pieces = [(0, text)] if text.strip() else []
    else:
        pieces = iter_chunks(doc.path, encoding)
    best: dict = {}
    for offset, text in pieces:
        for s in tagger.tag(text, doc.published, doc.url, doc.title, offset):
            key = s.id
            if key not in best or s.confidence > best[key].confidence:
                best[key] = s
    return list(best.values())
