"""Outlets (data/outlets.csv): who published each source, and what kind of outlet it is.

A statement's source type comes from its source URL's domain (and the domains of the other
outlets that reported the same statement, see dedup). Unlisted domains are `unknown`. A
missing outlets file is not an error: every source is then `unknown`.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from positions.data.store import read_text_file
from positions.errors import StoreError
from positions.paths import DATA_DIR

DEFAULT_PATH = DATA_DIR / "outlets.csv"
COLUMNS = ["domain", "name", "country", "type", "type_source"]
SOURCE_TYPES = ("government", "international_org", "wire", "national_press", "state_aligned", "aggregator", "blog")
UNKNOWN = "unknown"
# Kinds of outlet a position must not rest on alone (flagged "single source: ...").
WEAK_TYPES = ("state_aligned", "aggregator")


def domain_of(url: str) -> str:
    """'https://www.Example.org:443/a' -> 'example.org'; '' for doc: references and junk."""
    if not isinstance(url, str) or "://" not in url:
        return ""
    host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def domains_of(urls: pd.Series) -> pd.Series:
    """`domain_of` for a column of URLs, vectorised (same results)."""
    host = urls.astype(str).str.extract(r"^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^/:?#]*)", expand=False)
    host = host.fillna("").str.lower().str.rstrip(".")
    return host.str.replace(r"^www\.", "", regex=True)


def load_outlets(path: str | Path = DEFAULT_PATH) -> pd.DataFrame:
    """The outlet list as a DataFrame (COLUMNS); empty when the file does not exist.

    Raises StoreError naming the file, line and field for a bad row.
    """
    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=COLUMNS)
    reader = csv.DictReader(io.StringIO(read_text_file(path).lstrip("\ufeff"), newline=""))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise StoreError(f"{path}: missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}")
    rows, seen = [], {}
    for row in reader:
        line = reader.line_num
        domain = domain_of("https://" + (row["domain"] or "").strip()) if row["domain"] else ""
        if not domain:
            raise StoreError(f"{path}:{line}: column domain is empty; give the outlet's domain, e.g. reuters.com")
        if row["type"] not in SOURCE_TYPES:
            raise StoreError(f"{path}:{line}: column type {row['type']!r} is unknown; use one of {', '.join(SOURCE_TYPES)}")
        if not (row["type_source"] or "").strip():
            raise StoreError(f"{path}:{line}: column type_source is empty; cite where the classification comes from")
        if domain in seen:
            raise StoreError(f"{path}:{line}: domain {domain!r} already listed on line {seen[domain]}")
        seen[domain] = line
        rows.append({**{c: (row[c] or "").strip() for c in COLUMNS}, "domain": domain})
    return pd.DataFrame(rows, columns=COLUMNS)


def type_by_domain(outlets: pd.DataFrame, domains) -> dict[str, str]:
    """{domain: outlet type} for each distinct domain; a subdomain takes its parent's entry
    (italy.news-pravda.com -> news-pravda.com); unlisted ones are UNKNOWN."""
    table = dict(zip(outlets["domain"], outlets["type"])) if len(outlets) else {}
    out = {}
    for domain in set(domains):
        parts = domain.split(".") if domain else []
        found = UNKNOWN
        for i in range(len(parts) - 1):
            candidate = ".".join(parts[i:])
            if candidate in table:
                found = table[candidate]
                break
        out[domain] = found
    return out
