"""Merge the same statement reported by several outlets into one statement with several sources.

Two rows are the same statement when they share speaker, issue and stance, their dates are
within DEDUP_DAYS of each other, and their quotes are similar (a shared direct quotation,
or mostly the same words).
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher

import pandas as pd

DEDUP_DAYS = 3
_QUOTED = re.compile(r"[“\"«]([^”\"»]{20,})[”\"»]")
_WORD = re.compile(r"\w+")


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) > 2}


def _quotes(text: str) -> set[str]:
    return {q.strip().lower() for q in _QUOTED.findall(text)}


def similar_quotes(a: str, b: str, wa: set[str] | None = None, wb: set[str] | None = None,
                   qa: set[str] | None = None, qb: set[str] | None = None) -> bool:
    """True when two evidence strings report the same words (shared quotation or high overlap).

    `wa`/`wb` (word sets) and `qa`/`qb` (quotations) may be passed when the caller has them.
    """
    if a == b:
        return True
    qa = _quotes(a) if qa is None else qa
    qb = _quotes(b) if qb is None else qb
    if any(x in y or y in x for x in qa for y in qb):
        return True
    wa = _words(a) if wa is None else wa
    wb = _words(b) if wb is None else wb
    if not wa or not wb:
        return SequenceMatcher(None, a.lower(), b.lower()).ratio() >= 0.7
    overlap = len(wa & wb) / len(wa | wb)
    if overlap >= 0.5:
        return True
    # Character-level check for near-identical wording (typos, punctuation); two strings that
    # share under a quarter of their words are not 70% alike, so skip the slow comparison.
    return overlap >= 0.25 and SequenceMatcher(None, a.lower(), b.lower()).ratio() >= 0.7


def dedupe(df: pd.DataFrame, days: int = DEDUP_DAYS) -> pd.DataFrame:
    """One row per statement: the earliest-published report, with `sources` (list of
    {url, title, published}), `n_sources` and `duplicate_ids` (the merged rows' ids)."""
    if df.empty:
        return df.assign(sources=pd.Series(dtype=object), n_sources=pd.Series(dtype=int),
                         duplicate_ids=pd.Series(dtype=object))
    when = df["statement_date"].fillna(df["published"])
    keys = df["actor_id"].where(df["actor_id"] != "", df["affiliation"] + ":" + df["actor"].str.strip().str.lower())
    order = pd.DataFrame({"key": keys, "issue": df["issue"], "stance": df["stance"], "when": when,
                          "published": df["published"], "id": df["id"], "pos": range(len(df))})
    order = order.sort_values(["key", "issue", "stance", "when", "published", "id"], kind="stable", na_position="last")
    # Plain lists: this loop runs once per row, and pandas element access is slow.
    seq = order["pos"].tolist()
    group_keys = list(zip(order["key"].tolist(), order["issue"].tolist(), order["stance"].tolist()))
    day_no = ((order["when"] - pd.Timestamp("1970-01-01")).dt.days).tolist()  # NaN when undated
    evidence, ids = df["evidence"].tolist(), df["id"].tolist()
    urls, titles = df["source_url"].tolist(), df["source_title"].tolist()
    pubs = df["published"].dt.strftime("%Y-%m-%d").tolist()
    words: dict[int, set[str]] = {}
    quotes: dict[int, set[str]] = {}

    def features(p: int):
        if p not in words:
            words[p], quotes[p] = _words(evidence[p]), _quotes(evidence[p])
        return words[p], quotes[p]

    sources: dict[int, list] = {}
    dup_ids: dict[int, list] = {}
    heads: list[int] = []  # order positions of rows kept in the current group
    for k, p in enumerate(seq):
        if k == 0 or group_keys[k] != group_keys[k - 1]:
            heads = []
        target = None
        rw = day_no[k]
        # Rows are in date order, so only the most recent heads can be within the window.
        for h in reversed(heads):
            hw = day_no[h]
            if hw != hw or rw != rw or rw - hw > days:  # NaN: undated rows are never merged
                break
            hp = seq[h]
            (wh, qh), (wr, qr) = features(hp), features(p)
            if similar_quotes(evidence[hp], evidence[p], wh, wr, qh, qr):
                target = hp
                break
        pub = pubs[p]
        src = {"url": urls[p], "title": titles[p], "published": pub if isinstance(pub, str) else None}
        if target is None:
            heads.append(k)
            sources[p], dup_ids[p] = [src], []
        else:
            if src not in sources[target]:
                sources[target].append(src)
            dup_ids[target].append(ids[p])
    kept = sorted(sources)
    out = df.iloc[kept].copy()
    out["sources"] = [sources[p] for p in kept]
    out["n_sources"] = out["sources"].map(len)
    out["duplicate_ids"] = [dup_ids[p] for p in kept]
    return out
