"""Fast, vectorised aggregation behind the dashboard's views (no Streamlit, no plotly).

A state's stance is its official position from `timeline.official_positions` (latest
accepted government statement, with speaker precedence within a week; undated statements
count from publication). Those change events are computed once per set of rows and issue
(memoised), then every view of a 100k-statement table is a few numpy operations on a
days x states matrix. `tests/test_aggregate.py` checks agreement with `timeline`.
"""
from __future__ import annotations

import itertools
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from positions.analysis import timeline
from positions.reference.codebook import STANCE_ORDER
from positions.reference.registry import Registry

CORE_GROUPS = ("NATO", "EU", "G7", "Nordic", "Baltic")
STANCE_CODE = {s: i for i, s in enumerate(STANCE_ORDER)}  # support 0, conditional 1, undecided 2, oppose 3
NO_POSITION = -1
REVIEWED_ORIGINS = ("reviewed", "manual")
# Ordinal for "more or less supportive" (walk-backs, changes): oppose < undecided < conditional < support.
RANK = {"oppose": 0, "undecided": 1, "conditional": 2, "support": 3}


AS_OF_ORDER = ["effective_date", "confidence", "id"]  # the latest statement wins; ties: confidence, id
CATEGORY_COLUMNS = ("affiliation", "actor_type", "issue", "stance", "origin", "status")


def prepare(df: pd.DataFrame) -> pd.DataFrame:
    """A copy ready for fast filtering: `effective_date` added, low-cardinality columns as categories,
    rows in as-of order (effective_date, confidence, id), so later steps never sort again.

    Every function here accepts raw or prepared frames; the page prepares once and caches it.
    """
    if df.attrs.get("prepared"):
        return df
    out = df.assign(effective_date=df["statement_date"].fillna(df["published"]))
    out = out.sort_values(AS_OF_ORDER, kind="stable", na_position="first").reset_index(drop=True)
    for col in CATEGORY_COLUMNS:
        out[col] = out[col].astype("category")
    out.attrs["prepared"] = True
    out.attrs["token"] = next(_TOKENS)
    return out


# Prepared frames are never mutated, so (token, filters) names a set of rows without hashing it.
_TOKENS = itertools.count(1)


def _in_order(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by AS_OF_ORDER (free for prepared frames: filtering keeps their order)."""
    if rows.attrs.get("prepared"):
        return rows
    return rows.sort_values(AS_OF_ORDER, kind="stable")


def states_in_groups(reg: Registry, groups: tuple[str, ...], on: date) -> set[str]:
    """Registry states in any of `groups` on `on`; 'other' = in none of NATO/EU/G7/Nordic/Baltic."""
    out = set()
    for code in reg.states:
        mine = reg.groups(code, on) & set(CORE_GROUPS)
        if mine & set(groups) or ("other" in groups and not mine):
            out.add(code)
    return out


def filter_statements(df: pd.DataFrame, reg: Registry, *, min_conf: float = 0.0, reviewed: bool = False,
                      groups: tuple[str, ...] = (), on: date | None = None) -> pd.DataFrame:
    """Accepted statements passing the sidebar filters (stance filters apply per view)."""
    df = prepare(df)
    mask = df["status"] == "accepted"
    if min_conf > 0:
        mask &= df["confidence"] >= min_conf
    if reviewed:
        mask &= df["origin"].isin(REVIEWED_ORIGINS)
    if groups:
        mask &= df["affiliation"].isin(states_in_groups(reg, groups, on or date.today()))
    # Nothing filtered out (a table of accepted rows, default filters): no copy of the rows.
    out = df.copy(deep=False) if mask.all() else df[mask]
    out.attrs["token"] = (df.attrs.get("token"), min_conf, reviewed, tuple(groups), on if groups else None)
    return out


@dataclass(frozen=True)
class DailyStances:
    """Stance code (STANCE_CODE, or NO_POSITION) of each state on each day."""

    days: pd.DatetimeIndex
    states: list[str]
    codes: np.ndarray  # shape (len(days), len(states)), int8

    @property
    def empty(self) -> bool:
        return len(self.days) == 0 or not self.states

    def on(self, day: date) -> dict[str, str]:
        """{state: stance} on one day within the range (states with a position only)."""
        i = self.days.searchsorted(pd.Timestamp(day), side="right") - 1
        if i < 0:
            return {}
        row = self.codes[i]
        return {s: STANCE_ORDER[c] for s, c in zip(self.states, row) if c != NO_POSITION}


_EVENTS: OrderedDict = OrderedDict()
_EVENTS_MAX = 16


def official_events(rows: pd.DataFrame, issue: str) -> pd.DataFrame:
    """`timeline.official_positions(rows, issue)`, memoised: rows from `prepare`/`filter_statements`
    are named by their token (a new as-of date costs nothing); other frames by a content hash."""
    token = rows.attrs.get("token")
    if token is not None:
        # pandas copies attrs to subsets, so the row positions are part of the key too.
        pos = rows.index.to_numpy(dtype="int64", copy=False)
        key = ("token", token, issue, len(rows), int(pos.sum()), int((pos * pos % 1_000_003).sum()))
    else:
        key_cols = rows[["id", "stance", "status", "actor_type", "role"]].astype(str)
        when = rows["statement_date"].fillna(rows["published"])
        key = ("hash", issue, len(rows), int(pd.util.hash_pandas_object(key_cols, index=False).sum()),
               int(pd.util.hash_pandas_object(when, index=False).sum()))
    if key in _EVENTS:
        _EVENTS.move_to_end(key)
        return _EVENTS[key]
    if "order_key" in rows.columns:  # rows of the analytical copy: the engine's rule, in DuckDB
        from positions.analysis import fast
        events = fast.change_rows(rows, issue)
    else:
        events = timeline.official_positions(rows, issue, explain=False)  # the page shows the winning statement
    _EVENTS[key] = events
    if len(_EVENTS) > _EVENTS_MAX:
        _EVENTS.popitem(last=False)
    return events


def daily_stances(rows: pd.DataFrame, issue: str, start: date, end: date) -> DailyStances:
    """Each state's official stance on each day of [start, end] from filtered statements `rows`."""
    days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D")
    events = official_events(rows, issue)
    events = events[events["effective_date"] <= pd.Timestamp(end)]
    if events.empty or days.empty:
        return DailyStances(days, [], np.zeros((len(days), 0), dtype=np.int8))
    wide = pd.DataFrame({"d": events["effective_date"].to_numpy(), "a": events["affiliation"].astype(str).to_numpy(),
                         "c": events["stance"].map(STANCE_CODE).astype(float).to_numpy()})
    wide = wide.pivot(index="d", columns="a", values="c")
    full = wide.index.union(days)
    wide = wide.reindex(full).ffill().reindex(days)
    wide = wide.dropna(axis=1, how="all")
    codes = wide.fillna(NO_POSITION).to_numpy(dtype=np.int8)
    return DailyStances(days, [str(c) for c in wide.columns], codes)


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


def positions_as_of(rows: pd.DataFrame, issue: str, on: date) -> pd.DataFrame:
    """One row per state: its official position on `issue` as of `on`, i.e. the statement it rests
    on (all columns), with `effective_date` = the day the state took that stance."""
    events = official_events(rows, issue)
    events = events[events["effective_date"] <= pd.Timestamp(on)]
    out = events.drop_duplicates("affiliation", keep="last").reset_index(drop=True)
    out["affiliation"] = out["affiliation"].astype(str)
    out["stance"] = out["stance"].astype(str)
    return out


def month_ends(start: date, end: date) -> list[date]:
    """The last day of every month from start's month to end (the last one is `end`)."""
    out = []
    cur = date(start.year, start.month, 1)
    while cur <= end:
        nxt = date(cur.year + (cur.month == 12), cur.month % 12 + 1, 1)
        out.append(min(nxt - timedelta(days=1), end))
        cur = nxt
    return out


def changes_between(rows: pd.DataFrame, issue: str, frm: date, to: date) -> pd.DataFrame:
    """States whose stance differs between `frm` and `to`, with the statement that set the new one.

    Columns: affiliation, from_stance ('' = no position), to_stance, direction (+1 more
    supportive, -1 less, 0 new position) and the moving statement's fields.
    """
    before = positions_as_of(rows, issue, frm).set_index("affiliation")["stance"]
    after = positions_as_of(rows, issue, to)
    after = after[after["effective_date"] > pd.Timestamp(frm)]
    out = after.assign(from_stance=after["affiliation"].map(before).fillna(""))
    out = out[out["from_stance"] != out["stance"]].rename(columns={"stance": "to_stance"})
    # A state that stops speaking keeps its stance, so nothing moves back to "no position".
    direction = [0 if not f else int(np.sign(RANK[t] - RANK[f])) for f, t in zip(out["from_stance"], out["to_stance"])]
    return out.assign(direction=direction).sort_values(["direction", "effective_date"]).reset_index(drop=True)


def actor_statements(rows: pd.DataFrame, issue: str, actor: str, reg: Registry) -> pd.DataFrame:
    """Statements of one actor on `issue`: a state/organisation code (all its speakers) or a person id."""
    rows = prepare(rows)
    mask = (rows["issue"] == issue) & rows["effective_date"].notna()
    if actor in reg.states or actor in reg.organisations:
        mask &= rows["affiliation"] == actor
    else:
        mask &= rows["actor_id"] == actor
    return _in_order(rows[mask]).reset_index(drop=True)


def official_steps(statements: pd.DataFrame, end: date) -> pd.DataFrame:
    """The step line of a position: date, stance at each change, carried to `end`.

    `statements` are a person's statements, or a state's `official_events` (already one per change).
    """
    rows = statements[statements["effective_date"] <= pd.Timestamp(end)]
    if rows.empty:
        return pd.DataFrame(columns=["date", "stance", "walk_back"])
    last = rows.drop_duplicates("effective_date", keep="last")
    steps = last[last["stance"].ne(last["stance"].shift())][["effective_date", "stance"]]
    steps = steps.rename(columns={"effective_date": "date"}).reset_index(drop=True)
    steps["stance"] = steps["stance"].astype(str)
    rank = steps["stance"].map(RANK).astype(int)
    steps["walk_back"] = rank < rank.shift()
    tail = pd.DataFrame({"date": [pd.Timestamp(end)], "stance": [steps["stance"].iloc[-1]], "walk_back": [False]})
    if steps["date"].iloc[-1] < pd.Timestamp(end):
        steps = pd.concat([steps, tail], ignore_index=True)
    return steps


def search(rows: pd.DataFrame, q: str) -> pd.DataFrame:
    """Rows whose speaker, role, affiliation, quote or source title contain every word of `q`."""
    words = [w for w in q.lower().split() if w]
    if not words:
        return rows
    hay = (rows["actor"] + " " + rows["role"] + " " + rows["affiliation"].astype(str) + " " + rows["evidence"] + " "
           + rows["source_title"]).str.lower()
    mask = np.ones(len(rows), dtype=bool)
    for w in words:
        mask &= hay.str.contains(w, regex=False).to_numpy()
    return rows[mask]
