"""The page's selections around the engine: filters, counts per day, steps, search.

No rule lives here: every official position comes from positions.analysis.engine (one
rule, one precedence table, one stance order); these helpers only select rows for it and
shape its results for the charts.
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from positions.analysis.engine import AS_OF_ORDER, STANCE_CODE, DailyStances, prepare
from positions.model import STANCE_ORDER
from positions.reference.registry import Registry

CORE_GROUPS = ("NATO", "EU", "G7", "Nordic", "Baltic")
REVIEWED_ORIGINS = ("reviewed", "manual")

__all__ = ["AS_OF_ORDER", "DailyStances", "prepare", "filter_statements", "states_in_groups", "stance_counts",
           "month_ends", "actor_statements", "official_steps", "search"]


def states_in_groups(reg: Registry, groups: tuple[str, ...], on: date) -> set[str]:
    """Registry states in any of `groups` on `on`; 'other' = in none of NATO/EU/G7/Nordic/Baltic."""
    out = set()
    for code in reg.states:
        mine = reg.groups(code, on) & set(CORE_GROUPS)
        if mine & set(groups) or ("other" in groups and not mine):
            out.add(code)
    return out


def filter_statements(df: pd.DataFrame, reg: Registry, *, min_conf: float = 0.0, reviewed: bool = False,
                      groups: tuple[str, ...] = (), on: date | None = None,
                      source_types: tuple[str, ...] = ()) -> pd.DataFrame:
    """Accepted statements passing the sidebar filters (stance filters apply per view); with
    `source_types`, only statements from outlets of those types (engine.source_classes)."""
    df = prepare(df, reg)
    mask = df["status"] == "accepted"
    if min_conf > 0:
        mask &= df["confidence"] >= min_conf
    if reviewed:
        mask &= df["origin"].isin(REVIEWED_ORIGINS)
    if groups:
        mask &= df["affiliation"].isin(states_in_groups(reg, groups, on or date.today()))
    if source_types:
        mask &= df["source_type"].isin(source_types)
    # Nothing filtered out (a table of accepted rows, default filters): no copy of a large table.
    return df.copy(deep=False) if mask.all() else df[mask]


def stance_counts(daily: DailyStances, count_conditional: bool = False, max_points: int = 400) -> pd.DataFrame:
    """Long table date, stance, count, states: only days where something changed (plus both ends).

    With `count_conditional`, conditional support is counted under support. When more than
    `max_points` days change (very large tables), the series is sampled weekly.
    """
    cols = ["date", "stance", "count", "states"]
    if daily.empty:
        return pd.DataFrame(columns=cols)
    codes = daily.codes.copy()
    if count_conditional:
        codes[codes == STANCE_CODE["conditional"]] = STANCE_CODE["support"]
    changed = np.ones(len(daily.days), dtype=bool)
    changed[1:] = (codes[1:] != codes[:-1]).any(axis=1)
    changed[-1] = True
    idx = np.flatnonzero(changed)
    if len(idx) > max_points:
        weekly = np.arange(0, len(daily.days), 7)
        idx = np.union1d(weekly, [len(daily.days) - 1])
    states = np.array(daily.states, dtype=object)
    records = []
    for i in idx:
        row = codes[i]
        for stance in STANCE_ORDER:
            if count_conditional and stance == "conditional":
                continue
            mask = row == STANCE_CODE[stance]
            records.append((daily.days[i], stance, int(mask.sum()), sorted(states[mask])))
    return pd.DataFrame.from_records(records, columns=cols)


def month_ends(start: date, end: date) -> list[date]:
    """The last day of every month from start's month to end (the last one is `end`)."""
    out = []
    cur = date(start.year, start.month, 1)
    while cur <= end:
        nxt = date(cur.year + (cur.month == 12), cur.month % 12 + 1, 1)
        out.append(min(nxt - timedelta(days=1), end))
        cur = nxt
    return out


def actor_statements(rows: pd.DataFrame, issue: str, actor: str, reg: Registry) -> pd.DataFrame:
    """Statements of one actor on `issue`: a state/organisation code (all its speakers) or a person id."""
    rows = prepare(rows)
    mask = (rows["issue"] == issue) & rows["effective_date"].notna()
    if actor in reg.states or actor in reg.organisations:
        mask &= rows["affiliation"] == actor
    else:
        mask &= rows["actor_id"] == actor
    return rows[mask].reset_index(drop=True)  # prepared rows are in AS_OF_ORDER


def official_steps(statements: pd.DataFrame, end: date) -> pd.DataFrame:
    """The step line of a position: date, stance at each change, carried to `end`.

    `statements` are a person's statements (effective_date, stance), or a state's engine
    events (since, stance: already one per change).
    """
    when = "since" if "since" in statements.columns else "effective_date"
    rows = statements[statements[when] <= pd.Timestamp(end)]
    if rows.empty:
        return pd.DataFrame(columns=["date", "stance", "walk_back"])
    last = rows.drop_duplicates(when, keep="last")
    steps = last[last["stance"].ne(last["stance"].shift())][[when, "stance"]]
    steps = steps.rename(columns={when: "date"}).reset_index(drop=True)
    steps["stance"] = steps["stance"].astype(str)
    code = steps["stance"].map(STANCE_CODE).astype(int)  # higher = less supportive
    steps["walk_back"] = code > code.shift()
    tail = pd.DataFrame({"date": [pd.Timestamp(end)], "stance": [steps["stance"].iloc[-1]], "walk_back": [False]})
    if steps["date"].iloc[-1] < pd.Timestamp(end):
        steps = pd.concat([steps, tail], ignore_index=True)
    return steps


SEARCHED = ("actor", "role", "affiliation", "evidence", "source_title")


def search(rows: pd.DataFrame, q: str) -> pd.DataFrame:
    """Rows whose speaker, role, affiliation, quote or source title contain every word of `q`."""
    words = [w for w in q.lower().split() if w]
    if not words:
        return rows
    # A word has no space, so it is in the fields joined by spaces iff it is in one of them: each
    # column is searched alone (no joined copy of every row's text), and only rows still in the running.
    keep = np.arange(len(rows))
    for w in words:
        found = np.zeros(len(keep), dtype=bool)
        for col in SEARCHED:
            text = rows[col].iloc[keep[~found]].astype(str).str.lower()
            found[np.flatnonzero(~found)[text.str.contains(w, regex=False).to_numpy(dtype=bool)]] = True
        keep = keep[found]
    return rows.iloc[keep]
