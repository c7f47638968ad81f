"""A sidecar manifest written with every statements CSV (`<name>.manifest.json`): line count, size,
SHA-256 and a CRC-32 per line, so a truncated file is refused with the line where the damage starts.

A file edited by hand since (a line before its end differs, or it grew) is accepted: the manifest
only speaks for what our own writer produced.
"""
from __future__ import annotations

import hashlib
import json
import zlib
from pathlib import Path

from positions.errors import StoreError


def path_for(csv_path: str | Path) -> Path:
    p = Path(csv_path)
    return p.with_name(p.name + ".manifest.json")


def _line_crcs(lines: list[bytes]) -> str:
    return "".join(f"{zlib.crc32(line):08x}" for line in lines)


def build(data: bytes, rows: int) -> bytes:
    """The manifest of `data` (the CSV's bytes, `rows` records after the header)."""
    lines = data.splitlines(keepends=True)
    return json.dumps({"rows": rows, "lines": len(lines), "bytes": len(data),
                       "sha256": hashlib.sha256(data).hexdigest(), "line_crc32": _line_crcs(lines)}).encode()


def check(csv_path: str | Path, data: bytes, shown: str) -> None:
    """StoreError if `data` is a cut-off copy of what the manifest beside `csv_path` describes."""
    try:
        meta = json.loads(path_for(csv_path).read_bytes())
        if meta["sha256"] == hashlib.sha256(data).hexdigest():
            return
        size, want_lines, want = int(meta["bytes"]), int(meta["lines"]), str(meta["line_crc32"])
    except (OSError, ValueError, KeyError, TypeError):
        return  # no manifest (a copy, a fresh clone, a hand-made file) or an unreadable one: nothing to compare
    if len(data) >= size:
        return  # as long or longer: edited by hand, not cut
    lines = data.splitlines(keepends=True)
    complete = not lines or lines[-1].endswith((b"\n", b"\r"))
    whole = lines if complete else lines[:-1]
    if _line_crcs(whole) != want[:8 * len(whole)]:
        return  # a line before the end changed: an edit, not a cut
    start = len(whole) + 1
    what = f"rows missing after line {len(whole)}" if complete else f"ends mid-row at line {start}"
    raise StoreError(f"{shown}: truncated ({what}): damage starts at line {start}; {len(whole)} of {want_lines} "
                     f"lines and {len(data):,} of {size:,} bytes are left; restore it from a copy, or delete "
                     f"{path_for(csv_path).name} if you shortened it on purpose")
