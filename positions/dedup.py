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


def similar_quotes(a: str, b: str) -> bool:
    """True when two evidence strings report the same words (shared quotation or high overlap)."""
    if a == b:
        return True
    qa = {q.strip().lower() for q in _QUOTED.findall(a)}
    qb = {q.strip().lower() for q in _QUOTED.findall(b)}
    if any(x in y or y in x for x in qa for y in qb):
        return True
    wa, wb = _words(a), _words(b)
    if wa and wb and len(wa & wb) / len(wa | wb) >= 0.5:
        return True
    return SequenceMatcher(None, a.lower(), b.lower()).ratio() >= 0.7


def dedupe(df: pd.DataFrame, days: int = DEDUP_DAYS) -> pd.DataFrame:
    """One row per statement: the earliest-published report, with `sources` (list of
    {url, title, published}), `n_sources` and `duplicate_ids` (the merged rows' ids)."""
    if df.empty:
        return df.assign(sources=pd.Series(dtype=object), n_sources=pd.Series(dtype=int),
                         duplicate_ids=pd.Series(dtype=object))
    when = df["statement_date"].fillna(df["published"])
    keys = df["actor_id"].where(df["actor_id"] != "", df["affiliation"] + ":" + df["actor"].str.strip().str.lower())
    order = pd.DataFrame({"key": keys, "issue": df["issue"], "stance": df["stance"], "when": when,
                          "published": df["published"], "id": df["id"]}, index=df.index)
    order = order.sort_values(["key", "issue", "stance", "when", "published", "id"], kind="stable", na_position="last")
    idx = order.index.to_numpy()
    group_keys = list(zip(order["key"], order["issue"], order["stance"]))
    whens = order["when"].to_list()
    evidence = df["evidence"].to_dict()
    ids = df["id"].to_dict()
    urls, titles, pubs = df["source_url"].to_dict(), df["source_title"].to_dict(), df["published"].to_dict()
    window = pd.Timedelta(days=days)
    sources, dup_ids = {}, {}
    heads: list[int] = []  # positions (in `order`) of rows kept in the current group
    for pos, row_idx in enumerate(idx):
        if pos == 0 or group_keys[pos] != group_keys[pos - 1]:
            heads = []
        target = None
        rw = whens[pos]
        # Rows are in date order, so only the most recent heads can be within the window.
        for h in reversed(heads):
            hw = whens[h]
            if pd.isna(hw) or pd.isna(rw) or rw - hw > window:
                break
            if similar_quotes(evidence[idx[h]], evidence[row_idx]):
                target = idx[h]
                break
        pub = pubs[row_idx]
        src = {"url": urls[row_idx], "title": titles[row_idx],
               "published": pub.date().isoformat() if pd.notna(pub) else None}
        if target is None:
            heads.append(pos)
            sources[row_idx], dup_ids[row_idx] = [src], []
        else:
            if src not in sources[target]:
                sources[target].append(src)
            dup_ids[target].append(ids[row_idx])
    out = df.loc[[i for i in df.index if i in sources]].copy()
    out["sources"] = [sources[i] for i in out.index]
    out["n_sources"] = out["sources"].map(len)
    out["duplicate_ids"] = [dup_ids[i] for i in out.index]
    return out
