"""Tag a whole archive on a Dask cluster: resumable by content hash, idempotent, per-document failures recorded.

Work is done in batches of documents; each finished batch is written at once, atomically, as a
part file in `<out>.parts/`, so a killed run loses at most the batches in flight and the next
run skips every document whose content hash is in a part. Documents with the same content are
tagged once. `assemble` turns the parts into the output: OUT.parquet (one row per suggested
statement, the store's columns plus doc_hash and doc_path) and OUT.documents.parquet (one row
per document: ok or failed, with the error). `queue` adds the statements to the review queue.
"""
from __future__ import annotations

import glob
import hashlib
import json
import os
from pathlib import Path

import pandas as pd

from positions.errors import InputError
from positions.model import CSV_COLUMNS
from positions.tagger.io import HTML_SUFFIXES, TEXT_SUFFIXES, expand

BATCH = 20
DOC_COLUMNS = ["doc_hash", "doc_path", "status", "error", "n_statements"]


def documents(pattern: str) -> list[str]:
    """A folder's text/Markdown/HTML files (recursive), or the files a glob matches, sorted."""
    if Path(pattern).is_dir():
        files = expand([pattern])
    else:
        files = sorted(p for p in glob.glob(pattern, recursive=True)
                       if Path(p).is_file() and Path(p).suffix.lower() in TEXT_SUFFIXES | HTML_SUFFIXES)
    if not files:
        raise InputError(f"{pattern}: no .txt, .md or .html documents there; give a folder or a glob like 'news/**/*.txt'")
    return files


def content_hash(path: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def parts_dir(out: str | Path) -> Path:
    out = Path(out)
    return out.with_name(out.name + ".parts")


def done_hashes(out: str | Path) -> set[str]:
    """Content hashes of documents already tagged (or recorded as failed) by earlier runs."""
    folder = parts_dir(out)
    if not folder.is_dir():
        return set()
    return set(pd.concat([pd.read_parquet(p, columns=["doc_hash"]) for p in sorted(folder.glob("part-*.parquet"))]
                         or [pd.DataFrame(columns=["doc_hash"])])["doc_hash"])


def pending(files: list[str], out: str | Path) -> list[tuple[str, str]]:
    """(path, hash) of documents still to tag: new content, one path per content."""
    seen = done_hashes(out)
    todo = []
    for path in files:
        h = content_hash(path)
        if h not in seen:
            seen.add(h)
            todo.append((path, h))
    return todo


def batches(todo: list[tuple[str, str]], size: int = BATCH) -> list[list[tuple[str, str]]]:
    return [todo[i:i + size] for i in range(0, len(todo), size)]


def tag_batch(batch: list[tuple[str, str]], encoding: str = "utf-8") -> pd.DataFrame:
    """Tag each document of a batch (runs on a Dask worker): one row per document, its statements as JSON."""
    from positions.tagger.io import tag_source

    rows = []
    for path, h in batch:
        try:
            records = tag_source(path, encoding=encoding)
            rows.append((h, path, "ok", "", len(records), json.dumps(records, ensure_ascii=False, default=str)))
        except Exception as e:  # noqa: BLE001 - recorded per document (type and message), never dropped
            rows.append((h, path, "failed", f"{type(e).__name__}: {e}", 0, "[]"))
    return pd.DataFrame(rows, columns=[*DOC_COLUMNS, "records"])


def write_part(out: str | Path, part: pd.DataFrame) -> Path:
    """Save one finished batch atomically, named by its documents' hashes (rewriting it is harmless)."""
    folder = parts_dir(out)
    folder.mkdir(parents=True, exist_ok=True)
    name = hashlib.blake2b("".join(part["doc_hash"]).encode(), digest_size=12).hexdigest()
    path = folder / f"part-{name}.parquet"
    tmp = folder / f".{path.name}.{os.getpid()}.tmp"
    part.to_parquet(tmp, index=False)
    os.replace(tmp, path)
    return path


def run(todo: list[tuple[str, str]], out: str | Path, client, progress=None, encoding: str = "utf-8") -> int:
    """Tag `todo` on the Dask `client`, writing each batch as it finishes; returns documents done."""
    from dask.distributed import as_completed

    futures = client.map(tag_batch, batches(todo), pure=False, encoding=encoding)
    done = 0
    for future in as_completed(futures):
        part = future.result()
        write_part(out, part)
        done += len(part)
        if progress:
            progress(len(part))
        future.release()
    return done


def assemble(out: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Write OUT.parquet (statements) and OUT.documents.parquet from the parts; same parts, same files."""
    from positions.data.store import atomic_write_bytes

    out = Path(out)
    folder = parts_dir(out)
    parts = [pd.read_parquet(p) for p in sorted(folder.glob("part-*.parquet"))] if folder.is_dir() else []
    docs = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[*DOC_COLUMNS, "records"])
    docs = docs.drop_duplicates("doc_hash").sort_values(["doc_path", "doc_hash"]).reset_index(drop=True)
    statements = []
    for h, path, records in zip(docs["doc_hash"], docs["doc_path"], docs["records"]):
        for rec in json.loads(records):
            statements.append({**{c: rec.get(c) for c in CSV_COLUMNS}, "doc_hash": h, "doc_path": path})
    frame = pd.DataFrame(statements, columns=[*CSV_COLUMNS, "doc_hash", "doc_path"])
    for col in CSV_COLUMNS:
        if col != "confidence":
            frame[col] = frame[col].fillna("").astype(str)
    frame["confidence"] = frame["confidence"].astype(float)
    for path, table in ((out, frame), (out.with_name(out.stem + ".documents.parquet"), docs[DOC_COLUMNS])):
        atomic_write_bytes(path, table.to_parquet(index=False))
    return frame, docs[DOC_COLUMNS]


def load_statements(out: str | Path) -> list:
    """The statements of a tag-corpus output as validated Statements (status suggested)."""
    from positions.errors import InvalidField, StoreError
    from positions.model import Statement

    statements = []
    for k, row in enumerate(pd.read_parquet(out, columns=CSV_COLUMNS).to_dict("records")):
        row = {c: ("" if v is None else v) for c, v in row.items()}
        for name in ("origin", "attribution", "date_precision"):
            if row[name] == "":
                row.pop(name)
        row["status"] = "suggested"
        try:
            statements.append(Statement(**row))
        except (InvalidField, TypeError) as e:
            raise StoreError(f"{out}: row {k + 1}: {e}; re-run tag-corpus to rebuild it") from None
    return statements


def queue(out: str | Path, suggestions: str | Path, data: str | Path, encoding: str = "utf-8",
          data_encoding: str | None = None) -> int:
    """Add a tag-corpus output's statements to the review queue (suggestions file); returns how many
    were new (statements already suggested or in the data, by id, are skipped)."""
    from positions.data import store
    from positions.data.review import load_or_empty

    current = load_or_empty(Path(suggestions), encoding)
    known = {s.id for s in current} | {s.id for s in load_or_empty(Path(data), data_encoding or encoding)}
    new = [s for s in load_statements(out) if s.id not in known and not known.add(s.id)]
    store.save_statements(current + new, suggestions)
    return len(new)
