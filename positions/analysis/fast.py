"""The engine's official positions computed in DuckDB, for large tables (the analytical copy).

`official(rows, issue)` returns the same `engine.Official` as `engine.official` (events, as-of
positions, changes, supporters), with the per-filter work done by SQL window and aggregate
functions instead of pandas sorts and merges. The winner order is the engine's (`winner_order`):
it depends only on each statement's own fields, so the analytical copy stores it once for all
rows (`order_key`) and any filtered subset keeps it. tests/test_fast.py checks equality with the
engine on random tables (empty filters, ties, undated rows).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from positions.analysis import engine

THREADS = 2

_EVENTS_SQL = """
WITH day_best AS (
    SELECT aff, eff, max(key) AS k FROM c GROUP BY aff, eff
), running AS (
    SELECT aff, eff, max(k) OVER (PARTITION BY aff ORDER BY eff ROWS UNBOUNDED PRECEDING) AS best FROM day_best
), winners AS (
    SELECT r.aff, r.eff, c.stance, c.id, c.pos FROM running r JOIN c ON c.key = r.best AND c.aff = r.aff
), marked AS (
    SELECT *, lag(stance) OVER (PARTITION BY aff ORDER BY eff) AS prev FROM winners
)
SELECT aff AS affiliation, eff AS since, stance, id AS set_by_id, pos FROM marked
WHERE prev IS NULL OR prev <> stance ORDER BY aff, eff
"""

_AS_OF_SQL = """
WITH upto AS (SELECT * FROM c WHERE eff <= $on),
best AS (SELECT aff, arg_max(pos, key) AS pos, arg_max(stance, key) AS stance FROM upto GROUP BY aff),
run AS (SELECT aff, arg_max(since, since) AS since, arg_max(set_by_id, since) AS set_by_id
        FROM ev WHERE since <= $on GROUP BY aff),
basis AS (
    SELECT u.aff, list(u.id ORDER BY u.eff, u.pos) AS basis_ids,
           bool_and(u.weak = 'state_aligned') AS state_only, bool_and(u.weak = 'aggregator') AS aggr_only,
           bool_and(u.weak <> '') AS weak_only
    FROM upto u JOIN best b ON u.aff = b.aff AND u.stance = b.stance JOIN run r ON u.aff = r.aff AND u.eff >= r.since
    GROUP BY u.aff
)
SELECT b.aff, b.pos, r.since, r.set_by_id, s.basis_ids, s.state_only, s.aggr_only, s.weak_only
FROM best b LEFT JOIN run r USING (aff) LEFT JOIN basis s USING (aff) ORDER BY b.aff
"""

_SIGNALS_SQL = """
SELECT aff, arg_max(pos, (eff, caution, pos)) AS pos FROM s WHERE eff <= $on GROUP BY aff ORDER BY aff
"""


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"SET threads TO {THREADS}")
    return con


def _table(rows: pd.DataFrame) -> pa.Table:
    """The few columns the SQL needs (zero-copy where pandas holds Arrow); `pos` is the row's place in `rows`."""
    def col(name):
        return pa.Array.from_pandas(rows[name].astype(str) if rows[name].dtype == object else rows[name])

    return pa.table({
        "pos": np.arange(len(rows), dtype=np.int64), "aff": col("affiliation"),
        "eff": pa.array(rows["effective_date"].to_numpy(dtype="datetime64[us]")),
        "key": pa.array(rows["key"].to_numpy(dtype=np.int64)), "stance": col("stance"), "id": col("id"),
        "weak": col("weak_source"), "caution": pa.array(rows["caution"].to_numpy(dtype=np.int64)),
    })


RULE_COLUMNS = ["affiliation", "effective_date", "stance", "id", "weak_source", "caution"]


@dataclass(frozen=True)
class FastOfficial(engine.Official):
    """engine.Official whose events, as-of positions and signals come from DuckDB.

    `counted` and `signals` hold only the rule's columns (RULE_COLUMNS, `key`, `row`: the position
    in `rows`); the statements' full rows are taken from `rows` for the winners only, so a filter
    change never copies a million wide rows. `con` holds c (counted), s (signals), ev (events)."""

    con: duckdb.DuckDBPyConnection | None = None
    rows: pd.DataFrame | None = None

    def _full(self, positions: np.ndarray) -> pd.DataFrame:
        return self.rows.take(positions).drop(columns="order_key").reset_index(drop=True)

    def as_of(self, on: date) -> pd.DataFrame:
        found = self.con.execute(_AS_OF_SQL, {"on": pd.Timestamp(on).to_pydatetime()}).df() if len(self.counted) else []
        if not len(found):
            return engine._empty_positions(self.rows.drop(columns="order_key").assign(key=0))
        out = self._full(self.counted["row"].to_numpy()[found["pos"].to_numpy()])
        out["since"] = found["since"].to_numpy(dtype="datetime64[us]")
        out["set_by_id"] = found["set_by_id"].to_numpy()
        out["basis_ids"] = [list(v) for v in found["basis_ids"]]
        out["source_flag"] = np.select(
            [found["state_only"].fillna(False).to_numpy(bool), found["aggr_only"].fillna(False).to_numpy(bool),
             found["weak_only"].fillna(False).to_numpy(bool)],
            [engine.SINGLE_SOURCE["state_aligned"], engine.SINGLE_SOURCE["aggregator"], engine.SINGLE_SOURCE["weak"]],
            "")
        out = out.merge(self.latest_signals(on), on="affiliation", how="left")
        out["affiliation"] = out["affiliation"].astype(str)
        out["stance"] = out["stance"].astype(str)
        return out

    def latest_signals(self, on: date) -> pd.DataFrame:
        cols = ["affiliation", "signal_stance", "signal_id", "signal_date", "signal_actor"]
        if self.signals.empty:
            return pd.DataFrame(columns=cols).astype({"affiliation": str})
        pos = self.con.execute(_SIGNALS_SQL, {"on": pd.Timestamp(on).to_pydatetime()}).df()["pos"].to_numpy()
        rows = self.rows.take(self.signals["row"].to_numpy()[pos])
        return pd.DataFrame({"affiliation": rows["affiliation"].astype(str).to_numpy(),
                             "signal_stance": rows["stance"].astype(str).to_numpy(), "signal_id": rows["id"].to_numpy(),
                             "signal_date": rows["effective_date"].to_numpy(), "signal_actor": rows["actor"].to_numpy()})


def keyed(rows: pd.DataFrame) -> pd.DataFrame:
    """`rows` prepared for the engine with `order_key` (the analytical copy has both already)."""
    rows = engine.prepare(rows)
    if "order_key" not in rows.columns:
        rows = rows.assign(order_key=engine.winner_order(rows, rows.attrs.get("hold_days", 0)))
    return rows


def events(con: duckdb.DuckDBPyConnection, counted: pd.DataFrame) -> pd.DataFrame:
    """One row per (state, day its official stance changes): affiliation, since, stance, set_by_id
    and `pos` (the setting statement's place in `counted`, registered in `con` as c)."""
    cols = ["affiliation", "since", "stance", "set_by_id"]
    if counted.empty:
        return pd.DataFrame(columns=[*cols, "pos"])
    out = con.execute(_EVENTS_SQL).df()
    out["since"] = out["since"].astype("datetime64[us]")
    return out[[*cols, "pos"]]


def _rule_rows(rows: pd.DataFrame, positions: np.ndarray) -> pd.DataFrame:
    """The rule's columns of `rows` at `positions`, with `key` and `row` (the position)."""
    out = pd.DataFrame({c: rows[c].take(positions).reset_index(drop=True) for c in RULE_COLUMNS})
    return out.assign(key=rows["order_key"].to_numpy()[positions], row=positions)


def official(rows: pd.DataFrame, issue: str) -> FastOfficial:
    """engine.official(rows, issue), computed in DuckDB (rows: prepared, optionally filtered)."""
    rows = keyed(rows)
    on_issue = (rows["issue"] == issue).to_numpy()
    signal_pos = np.flatnonzero(on_issue & rows["signal"].to_numpy(bool))
    picked = np.flatnonzero(on_issue & rows["counts"].to_numpy(bool))
    # Same order as the engine's `counted`: by state, then effective date, stable.
    aff = rows["affiliation"].to_numpy()[picked].astype(str)
    picked = picked[np.lexsort((rows["effective_date"].to_numpy()[picked], aff))]
    counted, signals = _rule_rows(rows, picked), _rule_rows(rows, signal_pos)
    con = _connect()
    con.register("c", _table(counted))
    con.register("s", _table(signals))
    ev = events(con, counted)
    con.register("ev", ev[["affiliation", "since", "set_by_id"]].rename(columns={"affiliation": "aff"}))
    return FastOfficial(issue, counted, signals, ev.drop(columns="pos"), con, rows)


def change_rows(rows: pd.DataFrame, issue: str) -> pd.DataFrame:
    """The statement that set each change of official stance (all its columns), `effective_date` = the
    change day, in the shape of `timeline.official_positions(explain=False)` (for `aggregate`)."""
    off = official(rows, issue)
    ev = events(off.con, off.counted)
    out = off._full(off.counted["row"].to_numpy()[ev["pos"].to_numpy(dtype=np.int64)])
    out["effective_date"] = ev["since"].to_numpy()
    out["basis_ids"] = [[i] for i in ev["set_by_id"]]
    out["overruled_ids"] = [[] for _ in range(len(out))]
    return out
