"""Coverage notes (data/coverage_notes.csv): a dated "no public position found after search".

One row per (affiliation, issue) searched without finding a position, with the day of the
search and the queries used. A missing file means no notes.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from positions.data.store import read_text_file
from positions.errors import InvalidField, StoreError
from positions.model import AFFILIATION_RE, Issue, parse_date
from positions.paths import DATA_DIR

DEFAULT_PATH = DATA_DIR / "coverage_notes.csv"
COLUMNS = ["affiliation", "issue", "searched_on", "queries", "note"]


def load_notes(path: str | Path = DEFAULT_PATH, encoding: str = "utf-8") -> pd.DataFrame:
    """The notes (COLUMNS, searched_on as datetime64); empty when the file does not exist."""
    path = Path(path)
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "searched_on" else object) for c in COLUMNS})
    reader = csv.DictReader(io.StringIO(read_text_file(path, encoding).lstrip("\ufeff"), newline=""))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise StoreError(f"{path}: missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}")
    rows = []
    issues = {i.value for i in Issue}
    for row in reader:
        line = reader.line_num
        values = {c: (row[c] or "").strip() for c in COLUMNS}
        if not AFFILIATION_RE.match(values["affiliation"]):
            raise StoreError(f"{path}:{line}: column affiliation {values['affiliation']!r} is not an ISO alpha-2 code")
        if values["issue"] not in issues:
            raise StoreError(f"{path}:{line}: column issue {values['issue']!r} is unknown; use one of {', '.join(sorted(issues))}")
        try:
            day = parse_date(values["searched_on"], "searched_on")
        except InvalidField as e:
            raise StoreError(f"{path}:{line}: column searched_on: {e}") from None
        if day is None:
            raise StoreError(f"{path}:{line}: column searched_on is empty; give the day of the search (YYYY-MM-DD)")
        rows.append({**values, "searched_on": pd.Timestamp(day)})
    return pd.DataFrame(rows, columns=COLUMNS)
