"""The page's fast path: its statements from the analytical copy, official positions from there.

`page_frame(source)` is the page's one read (a CSV or a database: the store's Parquet copy),
without the long text (quotes, sources, titles); `with_text(rows)` reads it for the rows a view
shows, and `search(rows, q)` searches it (data/analytical_text.py: a memory-mapped file beside
the copy). On such rows `official` returns a `PageOfficial`, whose positions carry their text.
`official(rows, issue)` is what the views call for official positions: on rows of the copy it
reuses the copy's precomputed winner order (`order_key`) and, past DUCKDB_ROWS counted
statements, computes the change events in DuckDB (`duckdb_official`); on any other frame it is
`engine.official`. Either way it returns the same `engine.Official` (events, as-of positions,
daily series, changes, supporters).
`official_changes(rows, issue)` gives the who-since view its change events with the statements
that set them, taking only those rows (not a de-duplicated copy of the whole table).

`duckdb_official(rows, issue)` returns the same `engine.Official` as `engine.official`. The
per-filter work that grows with the table (the rule's running best per state and day, and the
days the stance changes) is one SQL query with window functions over the rule's numeric
columns; full rows are taken only for the winners, as the engine does. The winner order depends
only on each statement's own fields, so the analytical copy stores it once for all rows
(`order_key`) and any filtered subset keeps it; frames without it get the engine's
`winner_order`. tests/test_fast.py checks equality with the engine (and its slow oracle) on
random tables: empty filters, ties, undated rows, coarse dates.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from positions.analysis import aggregate, engine
from positions.data import analytical_text
from positions.model import STANCE_ORDER

THREADS = 2
DUCKDB_ROWS = 2_000_000  # counted statements from which DuckDB computes the events (no gain measured at 740k)
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
    """The rule's columns of the rows in `mask` (and `order_key` on the copy), sorted by state and
    day (as engine.official does)."""
    pos = np.flatnonzero(mask)
    pos = pos[np.lexsort((rows["day"].to_numpy()[pos], states[pos]))]
    names = RULE_COLUMNS + (("order_key",) if "order_key" in rows.columns else ())
    cols = {c: rows[c].to_numpy()[pos] for c in names}
    return pd.DataFrame({"state": states[pos], **cols, "weak": rows["weak_code"].to_numpy()[pos]},
                        index=rows.index[pos])


def events(counted: pd.DataFrame, rows: pd.DataFrame, names: np.ndarray) -> pd.DataFrame:
    """One row per (state, day its official stance changes): affiliation, since, stance, set_by_id."""
    cols = ["affiliation", "since", "stance", "set_by_id"]
    if counted.empty:
        return pd.DataFrame(columns=cols)
    import duckdb  # only past DUCKDB_ROWS: not on the page's start at a million statements

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

    return analytical.load(source, accepted_only=True, without_text=True)


def with_text(rows: pd.DataFrame, like: pd.DataFrame | None = None,
              columns: tuple[str, ...] = analytical_text.TEXT_COLUMNS) -> pd.DataFrame:
    """`rows` with the long text columns (quote, source URL and title, sources) filled in: the one
    way a view gets them for the rows it shows. Rows of a page frame (`page_frame`, which leaves
    them out) read them from the copy's text file; `like`: the frame they came from, when `rows` lost
    its attrs (a merge). Any other frame already has them and is returned as it is."""
    missing = [c for c in columns if c not in rows.columns]
    if not missing or analytical_text.ROW not in rows.columns:
        return rows
    text = analytical_text.frame_of(_text_file(rows, like), rows[analytical_text.ROW].to_numpy(), missing, rows.index)
    out = pd.concat([rows, text], axis=1)
    out.attrs = dict(rows.attrs) or dict(like.attrs if like is not None else {})
    return out


def _text_file(rows: pd.DataFrame, like: pd.DataFrame | None = None) -> str:
    path = (like if like is not None else rows).attrs.get("text_file")
    if not path:
        raise ValueError("rows of a page frame without their text file: pass the frame they came from as `like`")
    return path


def search(rows: pd.DataFrame, q: str) -> pd.DataFrame:
    """`aggregate.search(rows, q)` (rows containing every word of `q` in speaker, role, affiliation,
    quote or source title), also on rows of a page frame: the long fields are matched on the
    lowered copies in the copy's text file, taken for these rows only."""
    if all(c in rows.columns for c in aggregate.SEARCHED) or analytical_text.ROW not in rows.columns:
        return aggregate.search(rows, q)
    words = [w for w in q.lower().split() if w]
    if not words or rows.empty:
        return rows
    lowered = analytical_text.take(_text_file(rows), rows[analytical_text.ROW].to_numpy(),
                                   [f"{c}_lower" for c in analytical_text.LOWERED])
    short = [c for c in aggregate.SEARCHED if c not in analytical_text.LOWERED]
    keep = np.ones(len(rows), dtype=bool)
    for w in words:
        found = np.zeros(len(rows), dtype=bool)
        for col in short:
            found |= rows[col].astype(str).str.lower().str.contains(w, regex=False).to_numpy(dtype=bool)
        for col in lowered.columns:
            found |= pc.fill_null(pc.match_substring(col, w), False).to_numpy(zero_copy_only=False)
        keep &= found
    return rows[keep]


@dataclass(frozen=True)
class PageOfficial(engine.Official):
    """engine.Official over rows of a page frame: the positions' rows come with their text."""

    def as_of(self, on: date) -> pd.DataFrame:
        pos = super().as_of(on)
        return _with_text_columns(pos) if pos.empty else with_text(pos, like=self.rows)


def _with_text_columns(empty: pd.DataFrame) -> pd.DataFrame:
    """The engine's empty tables (untyped columns) with the text columns too, as on the full copy."""
    return empty.assign(**{c: pd.Series(dtype=object) for c in analytical_text.TEXT_COLUMNS if c not in empty})


def official(rows: pd.DataFrame, issue: str, duckdb_rows: int = DUCKDB_ROWS) -> engine.Official:
    """`engine.official(rows, issue)`, faster on rows of the analytical copy (see the module docstring)."""
    rows = engine.prepare(rows)
    if "order_key" not in rows.columns:
        return engine.official(rows, issue)
    counted, signals, names = _counted(rows, issue)
    counted = counted.rename(columns={"order_key": "key"})
    # order_key ranks all rows of the copy; the events need only the order, which any subset keeps
    # (numpy's events want it as 0..n-1).
    found = events(counted, rows, names) if len(counted) >= duckdb_rows else engine._events(
        counted.assign(key=np.argsort(np.argsort(counted["key"].to_numpy()))), rows, names)
    return (PageOfficial if analytical_text.ROW in rows.columns else engine.Official)(
        issue, rows, names, counted, signals, found)


def _counted(rows: pd.DataFrame, issue: str) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """The rule's columns of the statements that may set a position and of the signals, and the state names."""
    on_issue = (rows["issue"] == issue).to_numpy()
    states = rows["affiliation"].cat.codes.to_numpy()
    names = np.asarray(rows["affiliation"].cat.categories.astype(str), dtype=object)
    counted = _narrow(rows, on_issue & rows["counts"].to_numpy(), states)
    signals = _narrow(rows, on_issue & rows["signal"].to_numpy(), states)
    return counted, signals, names


def duckdb_official(rows: pd.DataFrame, issue: str) -> engine.Official:
    """engine.official(rows, issue) with the change events from DuckDB (rows: prepared, may be filtered)."""
    rows = engine.prepare(rows)
    counted, signals, names = _counted(rows, issue)
    if "order_key" in counted.columns:  # the analytical copy: the order over all rows serves any subset
        counted = counted.rename(columns={"order_key": "key"})
    else:
        counted["key"] = engine.winner_order(counted, rows.attrs.get("hold_days", 0))
    return engine.Official(issue, rows, names, counted, signals, events(counted, rows, names))


def official_changes(rows: pd.DataFrame, issue: str, off: engine.Official | None = None) -> pd.DataFrame:
    """One row per (state, day its official position changed): stance, effective_date (the day of
    the change) and the columns of the statement that set it (the first row with its id).
    `off`: the official positions over these rows, when the caller has them (cached)."""
    off = off if off is not None else official(rows, issue)
    ev = off.events
    cols = [c for c in off.rows.columns if c not in ("affiliation", "stance", "effective_date")]
    if ev.empty:
        empty = pd.DataFrame(columns=["affiliation", "stance", "effective_date", *cols])
        return _with_text_columns(empty) if analytical_text.ROW in off.rows.columns else empty
    setting = off.rows[off.rows["id"].isin(ev["set_by_id"].unique()).to_numpy()]
    statements = setting.drop_duplicates("id").set_index("id")[[c for c in cols if c != "id"]]
    out = ev.join(statements, on="set_by_id").rename(columns={"since": "effective_date"})
    out["id"] = out["set_by_id"]
    return with_text(out.reset_index(drop=True), like=off.rows)
