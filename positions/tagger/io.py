"""Reading inputs for the tagger: text/Markdown/HTML files, stdin, folders; chunked for huge files.

Evidence offsets refer to the decoded text (for HTML: the article body trafilatura extracts).
"""
from __future__ import annotations

import codecs
import os
import sys
from pathlib import Path

from positions.data import store
from positions.errors import InputError, PositionsError

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
CHUNK_BYTES = 1 << 20          # read 1 MiB at a time
SMALL_FILE = 8 << 20           # files up to this size are tagged as one document


def expand(names) -> list[str]:
    """Files as given; folders become their text/Markdown/HTML files (sorted); '-' is stdin."""
    out = []
    for name in names:
        p = Path(name)
        try:
            is_dir = name != "-" and p.is_dir()
        except OSError:  # a name too long: reading it gives the one-line error
            is_dir = False
        if is_dir:
            found = [str(f) for f in sorted(p.rglob("*"))
                     if f.is_file() and f.suffix.lower() in TEXT_SUFFIXES | HTML_SUFFIXES]
            if not found:
                raise InputError(f"{name}: a folder without .txt, .md or .html files; give documents to tag")
            out.extend(found)
        else:
            out.append(name)
    return out


def _decoder(path, encoding):
    try:
        return codecs.getincrementaldecoder(encoding)(errors="strict")
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}") from None


def iter_chunks(path: str | Path, encoding: str = "utf-8", chunk_bytes: int = CHUNK_BYTES):
    """Yield (char_offset, text) pieces of a text file, each ending at a line break where possible.

    Raises a one-line PositionsError naming the file for missing, binary or mis-encoded files.
    """
    from positions.data import files

    path = Path(path)
    _decoder(path, encoding)
    with store.open_user_file(path) as fh:
        pending, offset, read, dec = "", 0, 0, None
        while True:
            raw = fh.read(chunk_bytes)
            if dec is None:  # a byte-order mark (UTF-8/16/32) wins over --encoding
                encoding = files.sniff_encoding(raw, encoding)
                dec = _decoder(path, encoding)
                if b"\x00" in raw[:8192] and not encoding.startswith(("utf-16", "utf-32")):
                    raise store.binary_error(path)
            try:
                text = dec.decode(raw, final=not raw)
            except UnicodeDecodeError as e:
                raise store.decode_error(path, encoding, read + e.start) from None
            if read == 0:
                text = text.lstrip("\ufeff")
            read += len(raw)
            pending += text
            if not raw:
                if pending:
                    yield offset, pending
                return
            cut = pending.rfind("\n\n")
            if cut < 0:
                cut = pending.rfind("\n")
            if cut > 0:
                yield offset, pending[:cut + 1]
                offset += cut + 1
                pending = pending[cut + 1:]
            elif len(pending) > 4 * chunk_bytes:     # one endless line: cut at a sentence end
                cut = max(pending.rfind(". ", 0, len(pending) - 1), len(pending) // 2)
                yield offset, pending[:cut + 1]
                offset += cut + 1
                pending = pending[cut + 1:]


def read_document(name: str, encoding: str = "utf-8") -> str:
    """Whole text of a (small) file or stdin; HTML is reduced to its article body."""
    if name == "-":  # the one reader of text: a byte-order mark wins, NULs mean binary
        from positions.data import files

        return files.decode(sys.stdin.buffer.read(), "stdin", encoding)
    path = Path(name)
    text = "".join(t for _, t in iter_chunks(path, encoding))
    if path.suffix.lower() in HTML_SUFFIXES:
        return html_body(text)
    return text


def html_body(html: str) -> str:
    """Article body of an HTML page (trafilatura), or '' when it finds none."""
    if not html.strip():
        return ""
    import trafilatura  # lazy: only HTML input pays for it

    return trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True) or ""


def is_large(name: str) -> bool:
    return name != "-" and Path(name).suffix.lower() not in HTML_SUFFIXES and Path(name).is_file() \
        and os.path.getsize(name) > SMALL_FILE


def tag_source(name: str, published=None, encoding: str = "utf-8", tagger=None) -> list[dict]:
    """Tag one input (file or '-'); returns JSON-ready records. Large files go chunk by chunk."""
    from positions.tagger.core import get_tagger

    tagger = tagger or get_tagger()
    title = "stdin" if name == "-" else Path(name).name
    url = "" if name == "-" else Path(os.path.abspath(name)).as_uri()  # no resolve(): symlink loops
    if is_large(name):
        best: dict = {}
        for offset, text in iter_chunks(name, encoding):
            for s in tagger.tag(text, published, url, title, offset):
                key = (s.actor_id or s.actor, s.issue, s.stance)
                if key not in best or s.confidence > best[key].confidence:
                    best[key] = s
        return [s.to_record() for s in best.values()]
    text = read_document(name, encoding)
    return [s.to_record() for s in tagger.tag(text, published, url, title, 0)]


def _worker(args):
    name, published, encoding = args
    try:
        return name, tag_source(name, published, encoding), None
    except PositionsError as e:
        return name, [], str(e)


def tag_many(names, published=None, encoding="utf-8", jobs: int | None = None):
    """Yield (name, records, error) for each input, in order, using `jobs` processes (default: cores)."""
    jobs = jobs or min(len(names), os.cpu_count() or 1)
    work = [(n, published, encoding) for n in names]
    if jobs <= 1 or len(names) <= 1 or "-" in names:
        for w in work:
            yield _worker(w)
        return
    import multiprocessing as mp

    with mp.get_context("fork").Pool(jobs) as pool:
        yield from pool.imap(_worker, work, chunksize=4)
