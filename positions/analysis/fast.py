"""The engine's official positions with the change events computed in DuckDB, for large tables.

`official(rows, issue)` returns the same `engine.Official` as `engine.official` (events, as-of
positions, changes, supporters). The per-filter work that grows with the table (the rule's
running best per state and day, and the days the stance changes) is one SQL query with window
functions over the rule's numeric columns; full rows are taken only for the winners, as the
engine does. The winner order depends only on each statement's own fields, so the analytical
copy stores it once for all rows (`order_key`) and any filtered subset keeps it; frames without
it get the engine's `winner_order`. tests/test_fast.py checks equality with the engine (and its
slow oracle) on random tables: empty filters, ties, undated rows, coarse dates.
"""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from positions.analysis import engine
from positions.model import STANCE_ORDER

THREADS = 2
RULE_COLUMNS = ("day", "dated", "tier", "rank", "caution", "rep")

_EVENTS_SQL = """
WITH day_best AS (
    SELECT state, day, max(key) AS k FROM c GROUP BY state, day
), running AS (
    SELECT state, day, max(k) OVER (PARTITION BY state ORDER BY day ROWS UNBOUNDED PRECEDING) AS best FROM day_best
), winners AS (
    SELECT r.state, r.day, c.caution, c.pos FROM running r JOIN c ON c.key = r.best
), marked AS (
    SELECT *, lag(caution) OVER (PARTITION BY state ORDER BY day) AS prev FROM winners
)
SELECT state, day, caution, pos FROM marked WHERE prev IS NULL OR prev <> caution ORDER BY state, day
"""


def _narrow(rows: pd.DataFrame, mask: np.ndarray, states: np.ndarray) -> pd.DataFrame:
    """The rule's columns of the rows in `mask`, sorted by state and day (as engine.official does)."""
    pos = np.flatnonzero(mask)
    pos = pos[np.lexsort((rows["day"].to_numpy()[pos], states[pos]))]
    cols = {c: rows[c].to_numpy()[pos] for c in RULE_COLUMNS}
    return pd.DataFrame({"state": states[pos], **cols, "weak": rows["weak_code"].to_numpy()[pos]},
                        index=rows.index[pos])


def events(counted: pd.DataFrame, rows: pd.DataFrame, names: np.ndarray) -> pd.DataFrame:
    """One row per (state, day its official stance changes): affiliation, since, stance, set_by_id."""
    cols = ["affiliation", "since", "stance", "set_by_id"]
    if counted.empty:
        return pd.DataFrame(columns=cols)
    table = pa.table({"state": counted["state"].to_numpy(np.int64), "day": counted["day"].to_numpy(np.int64),
                      "key": counted["key"].to_numpy(np.int64), "caution": counted["caution"].to_numpy(np.int64),
                      "pos": np.arange(len(counted), dtype=np.int64)})
    con = duckdb.connect()
    try:
        con.execute(f"SET threads TO {THREADS}")
        con.register("c", table)
        ev = con.execute(_EVENTS_SQL).fetchnumpy()
    finally:
        con.close()
    state, day = np.asarray(ev["state"]), np.asarray(ev["day"])
    labels = counted.index[np.asarray(ev["pos"])]
    return pd.DataFrame({"affiliation": names[state],
                         "since": engine._EPOCH + pd.to_timedelta(day, unit="D"),
                         "stance": np.asarray(STANCE_ORDER, dtype=object)[np.asarray(ev["caution"])],
                         "set_by_id": rows["id"].to_numpy()[rows.index.get_indexer(labels)]}, columns=cols)


def page_frame(source) -> pd.DataFrame:
    """The statements the page shows (the accepted ones) of `source`, a CSV path or a database URL,
    prepared for the engine and read from the store's analytical copy, which is built or refreshed
    first when the store changed: no parsing, validation or merging on a cold start. Shared by
    every session: never mutate it."""
    from positions.data import analytical

    return analytical.load(source, accepted_only=True)


def official(rows: pd.DataFrame, issue: str) -> engine.Official:
    """engine.official(rows, issue) with the change events from DuckDB (rows: prepared, may be filtered)."""
    rows = engine.prepare(rows)
    on_issue = (rows["issue"] == issue).to_numpy()
    states = rows["affiliation"].cat.codes.to_numpy()
    names = np.asarray(rows["affiliation"].cat.categories.astype(str), dtype=object)
    counted = _narrow(rows, on_issue & rows["counts"].to_numpy(), states)
    if "order_key" in rows.columns:  # the analytical copy: the order over all rows serves any subset
        counted["key"] = rows["order_key"].to_numpy()[rows.index.get_indexer(counted.index)]
    else:
        counted["key"] = engine.winner_order(counted, rows.attrs.get("hold_days", 0))
    signals = _narrow(rows, on_issue & rows["signal"].to_numpy(), states)
    return engine.Official(issue, rows, names, counted, signals, events(counted, rows, names))
