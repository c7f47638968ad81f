"""Reading a statements CSV defensively: regular file, encoding, truncation (manifest or a missing
final line break), a bounded cell size, duplicate columns, short and long rows, and the line where
each record starts (multi-line quotes included)."""
from __future__ import annotations

import csv
from pathlib import Path

from positions.data import files, manifest
from positions.errors import StoreError

MAX_CELL = 1 << 20  # 1,048,576 characters: a quote is a few hundred; anything near this is damage
MAX_LINE = 4 * MAX_CELL


def read_rows(path: str | Path, encoding: str = "utf-8") -> tuple[list[str], list[tuple[int, dict]]]:
    """(header, [(line where the record starts, {column: cell})]); StoreError (one line) otherwise."""
    shown = files.shown(path)
    with files.open_regular(path) as fh:
        try:
            raw = fh.read()
        except OSError as e:
            raise StoreError(f"{shown}: {files.os_problem(e)}") from None
    check_whole(path, raw)
    return _parse(files.decode(raw, path, encoding), shown)


def check_whole(path: str | Path, raw: bytes) -> None:
    """StoreError (one line) if the file is empty, shorter than its manifest says, or cut mid-row."""
    shown = files.shown(path)
    if not raw.strip():
        raise StoreError(f"{shown}: the file is empty; expected a header line and one statement per line")
    manifest.check(path, raw, shown)
    if not raw.rstrip(b"\x00").endswith((b"\n", b"\r")):  # NULs: the line break's UTF-16/32 bytes
        last = raw.count(b"\n") + 1
        raise StoreError(f"{shown}: ends mid-row at line {last} (no line break at the end): the file looks "
                         "truncated; restore it, or add a line break at its end if it is complete")


def _parse(text: str, shown: str) -> tuple[list[str], list[tuple[int, dict]]]:
    csv.field_size_limit(MAX_CELL)  # the csv module's own limit is 131,072 characters
    reader = csv.reader(_lines(text, shown), strict=True)
    rows: list[tuple[int, dict]] = []
    header: list[str] | None = None
    start = 1
    try:
        for values in reader:
            line, start = start, reader.line_num + 1
            if not values or values == [""]:
                continue
            if header is None:
                header = _header(values, shown)
                continue
            if len(values) != len(header):
                few = len(values) < len(header)
                raise StoreError(f"{shown}:{line}: {len(values)} values for {len(header)} columns ("
                                 + ("a short row: cut off, or a missing comma?)" if few else
                                    "more values than columns: an unquoted comma?)"))
            rows.append((line, dict(zip(header, values))))
    except csv.Error as e:
        if "field larger than field limit" in str(e):
            raise StoreError(f"{shown}:{start}: a cell is longer than {MAX_CELL:,} characters; "
                             "the file is damaged or not a statements CSV") from None
        raise StoreError(f"{shown}:{start}: not valid CSV ({e}); check the quotes on this line") from None
    if header is None:
        raise StoreError(f"{shown}: no header line; expected a header line and one statement per line")
    return header, rows


def _lines(text: str, shown: str):
    """The text's lines without copying it whole; a line longer than MAX_LINE is refused before the
    csv module splits it (a 50 MB line of commas would become millions of cells in memory)."""
    pos, number, n = 0, 0, len(text)
    while pos < n:
        end = text.find("\n", pos)
        end = n if end < 0 else end + 1
        number += 1
        if end - pos > MAX_LINE:
            raise StoreError(f"{shown}:{number}: a line longer than {MAX_LINE:,} characters; the file is damaged "
                             "or not a statements CSV")
        yield text[pos:end]
        pos = end


def _header(values: list[str], shown: str) -> list[str]:
    names = [v.strip().lstrip("\ufeff") for v in values]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise StoreError(f"{shown}:1: column(s) {', '.join(map(repr, dupes))} appear more than once in the header; "
                         "keep one of each")
    return names
