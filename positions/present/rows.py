"""Row selections behind the views' tables and empty states: evidence rows, relayed statements,
the latest change before a date, the map as a table."""
from __future__ import annotations

from datetime import date

import pandas as pd

from positions.analysis import aggregate, fast
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
    mask = (rows["issue"] == state.issue) & (rows["effective_date"] <= pd.Timestamp(as_of))
    if state.start:
        mask &= rows["effective_date"] >= pd.Timestamp(state.start)
    if state.stances:
        mask &= rows["stance"].isin(state.stances)
    out = rows[mask]
    out = fast.search(out, state.q)
    if state.sort in ("newest", "oldest") and out.attrs.get("engine"):
        return out[::-1] if state.sort == "newest" else out  # prepared rows are already oldest first
    by, asc = SORT_KEYS[state.sort]
    return out.sort_values(by, ascending=asc, kind="stable")


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
