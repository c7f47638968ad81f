"""Row selections behind the views' tables and empty states: evidence rows, relayed statements,
the latest change before a date, the map as a table."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from positions.analysis import aggregate, fast
from positions.data import analytical_text
from positions.present import who_since
from positions.present.view import ViewState
from positions.reference.codebook import Codebook
from positions.reference.registry import Registry


def relayed_by(stmts: pd.DataFrame, reg: Registry) -> list[str]:
    """For each statement, the speaker's own state when it is not the state the statement is about
    (a chancellor describing France's policy): '' for a state's own speakers."""
    out = []
    for r in stmts.itertuples():
        day = pd.Timestamp(r.effective_date).date()
        person = reg.people.get(str(r.actor_id)) if r.actor_id else None
        if person is not None:
            role = person.role_on(day)
            own = role.affiliation if role else ""
        else:   # no person id: resolve the name as of the day (a state's own name resolves to itself)
            who = reg.resolve(str(r.actor), day)
            own = who.affiliation if who is not None and who.role_kind not in ("state", "organisation") else ""
        out.append(reg.name_of(own) if own and own != str(r.affiliation) and own in reg.states else "")
    return out


def last_change_before(rows: pd.DataFrame, state: ViewState, reg: Registry, to: date, official=None) -> dict | None:
    """The latest change of a state's official stance on or before `to` among filtered `rows`: date, state, stance.
    `official`: engine.official(rows, state.issue), when the caller has it cached."""
    events = who_since.official_changes(rows, state.issue, official)
    events = events[(events["effective_date"] <= pd.Timestamp(to)) & events["affiliation"].astype(str).isin(list(reg.states))]
    if state.stances:
        events = events[events["stance"].astype(str).isin(state.stances)]
    if events.empty:
        return None
    last = events.sort_values("effective_date", kind="stable").iloc[-1]
    return {"date": last["effective_date"].date(), "state": reg.name_of(str(last["affiliation"])),
            "stance": str(last["stance"])}


SORT_KEYS = {
    "newest": (aggregate.AS_OF_ORDER, [False, False, False]),
    "oldest": (aggregate.AS_OF_ORDER, [True, True, True]),
    "confidence": (["confidence", "effective_date"], [False, False]),
    "speaker": (["actor", "effective_date"], [True, False]),
}


def evidence_rows(rows: pd.DataFrame, state: ViewState, as_of: date) -> pd.DataFrame:
    """Statements on the issue in the date range, stance- and text-filtered, sorted as asked."""
    rows = aggregate.prepare(rows)
    return rows.iloc[evidence_positions(rows, state, as_of)]


def evidence_positions(rows: pd.DataFrame, state: ViewState, as_of: date) -> np.ndarray:
    """The positions in `rows` (prepared) of `evidence_rows`, in its order: the selection, search and
    sort run on the few columns they read, so a view can count or page its rows without copying them."""
    eff = rows["effective_date"]
    mask = ((rows["issue"] == state.issue) & (eff <= pd.Timestamp(as_of))).to_numpy(dtype=bool)
    if state.start:
        mask = mask & (eff >= pd.Timestamp(state.start)).to_numpy(dtype=bool)
    if state.stances:
        mask = mask & rows["stance"].isin(state.stances).to_numpy(dtype=bool)
    pos = np.flatnonzero(mask)
    if state.q.split():
        searched = [c for c in (*aggregate.SEARCHED, analytical_text.ROW) if c in rows.columns]
        found = fast.search(rows.iloc[pos][searched].assign(_at=pos), state.q)
        pos = found["_at"].to_numpy()
    if state.sort in ("newest", "oldest") and rows.attrs.get("engine"):
        return pos[::-1] if state.sort == "newest" else pos  # prepared rows are already oldest first
    by, asc = SORT_KEYS[state.sort]
    keys = rows.iloc[pos][by].reset_index(drop=True)
    return pos[keys.sort_values(by, ascending=asc, kind="stable").index.to_numpy()]


def view_positions(rows: pd.DataFrame, state: ViewState, as_of: date) -> np.ndarray:
    """The positions in `rows` (prepared, filtered) of the statements behind a view (what its data
    export holds): `evidence_positions`, narrowed to the chosen actor on the actor view."""
    pos = evidence_positions(rows, state, as_of)
    if state.view == "actor" and state.actor:
        mine = ((rows["actor_id"].iloc[pos].astype(str) == state.actor)
                | (rows["affiliation"].iloc[pos].astype(str) == state.actor))
        pos = pos[mine.to_numpy(dtype=bool)]
    return pos


def map_table(rows: pd.DataFrame, state: ViewState, reg: Registry, cb: Codebook, on: date, official=None) -> pd.DataFrame:
    """The map as a table (keyboard and screen readers): every state shown, its stance, since when, who said it.
    `official`: engine.official(rows, state.issue), when the caller has it cached."""
    pos = {str(r["affiliation"]): r for r in who_since.positions_on(rows, state.issue, on, official).to_dict("records")}
    codes = aggregate.states_in_groups(reg, state.groups, on) if state.groups else set(reg.states)
    out = []
    for code in sorted(codes, key=reg.name_of):
        r = pos.get(code)
        if r is not None and state.stances and r["stance"] not in state.stances:
            r = None
        out.append({"state": reg.name_of(code) + (" (belligerent)" if code in who_since.BELLIGERENTS else ""),
                    "stance": cb.stances[r["stance"]].label if r is not None else cb.no_position_label,
                    "since": pd.Timestamp(r["effective_date"]).date() if r is not None else None,
                    "speaker": r["actor"] if r is not None else "", "quote": r["evidence"] if r is not None else ""})
    return pd.DataFrame(out, columns=["state", "stance", "since", "speaker", "quote"])
