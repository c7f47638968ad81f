"""Widgets of the review page: a statement's card, its edit fields (checked against the codebook
and the actor registry), the conflict view and the history table. No user text is rendered as
HTML: Markdown is escaped (positions.present.highlight)."""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from positions.data import db, inbox
from positions.errors import InvalidField, PositionsError
from positions.model import ActorType, CSV_COLUMNS, Issue, Stance, Statement
from positions.present.highlight import escape, highlighted

EDIT_FIELDS = ("actor", "affiliation", "actor_type", "role", "issue", "stance", "statement_date", "note")


@st.cache_resource(show_spinner="Opening the database…")
def _engine(url: str):
    return db.open_store(url)


def engine():
    """The configured database (POSITIONS_DB_URL / secrets / data/positions.sqlite), once per URL."""
    return _engine(db.configured_url())


def card(s: Statement, cb, text: str | None = None) -> None:
    """Every field a reader needs: speaker, affiliation, issue, stance, date, evidence, source, confidence."""
    st.markdown(f"**{escape(s.actor)}** {escape('(' + s.affiliation + (', ' + s.role if s.role else '') + ')')} · "
                f"{escape(cb.issue_label(s.issue.value))}: **{escape(cb.stances[s.stance.value].label)}**")
    st.caption(escape(f"Date: {s.statement_date or 'undated'} · confidence {s.confidence:.2f} · {s.origin.value} · "
                      f"source: {s.source_url or s.source_title or '—'}"))
    if text:
        st.markdown(highlighted(text, s.evidence, s.evidence_start, s.evidence_end))
    else:
        st.markdown("> " + escape(s.evidence))


def fields(s: Statement, cb, key: str) -> dict:
    """Edit widgets for one statement; returns the values as entered."""
    c1, c2, c3 = st.columns(3)
    issues, stances, types = [i.value for i in Issue], [x.value for x in Stance], [t.value for t in ActorType]
    return {
        "actor": c1.text_input("Speaker", s.actor, key=f"{key}_actor"),
        "affiliation": c2.text_input("Affiliation (ISO code, NATO, EU)", s.affiliation, key=f"{key}_affiliation"),
        "actor_type": c3.selectbox("Actor type", types, index=types.index(s.actor_type.value), key=f"{key}_type"),
        "role": c1.text_input("Role", s.role, key=f"{key}_role"),
        "issue": c2.selectbox("Issue", issues, index=issues.index(s.issue.value), format_func=cb.issue_label,
                              key=f"{key}_issue"),
        "stance": c3.selectbox("Stance", stances, index=stances.index(s.stance.value),
                               format_func=lambda x: cb.stances[x].label, key=f"{key}_stance"),
        "statement_date": c1.text_input("Date (YYYY-MM-DD, blank if unknown)",
                                        s.statement_date.isoformat() if s.statement_date else "", key=f"{key}_date"),
        "note": c2.text_input("Note", s.note, key=f"{key}_note"),
    }


def checked(s: Statement, values: dict, reg, added: dict) -> tuple[Statement | None, str | None, list[str]]:
    """(statement, None, []) if the edit is valid; else (None, the problem, similar known actors)."""
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    if values.get("actor", s.actor) != s.actor:  # another speaker: their registry id, or none
        who = reg.resolve(values["actor"], on=s.statement_date or s.published)
        values["actor_id"] = who.actor_id if who is not None else ""
    try:
        new = replace(s, **values)
    except InvalidField as e:
        return None, str(e), []
    problem = inbox.actor_problem(reg, added, new)
    if problem:
        return None, problem, inbox.similar_actors(reg, added, new.actor)
    return new, None, []


def show_problem(problem: str, similar: list[str]) -> None:
    st.error(escape(problem))
    if similar:
        st.info("Known actors with a similar name: " + escape(", ".join(similar)) +
                ". Use one of them, set actor type 'other' for an unnamed official, or add the actor below.")


def add_actor_form(eng, who: str, key: str) -> None:
    """Register a new speaker with an affiliation and a role (logged in the change log)."""
    with st.expander("Add a new actor to the registry"):
        with st.form(f"{key}_new_actor", clear_on_submit=True):
            c1, c2, c3, c4 = st.columns(4)
            name = c1.text_input("Name", key=f"{key}_actor_name")
            aff = c2.text_input("Affiliation (ISO code, NATO, EU)", key=f"{key}_actor_aff")
            kind = c3.selectbox("Actor type", [t.value for t in ActorType], key=f"{key}_actor_type")
            role = c4.text_input("Role, e.g. Defence Minister", key=f"{key}_actor_role")
            if st.form_submit_button("Add actor"):
                try:
                    inbox.add_actor(eng, name, aff, kind, role, who)
                except PositionsError as e:
                    st.error(escape(str(e)))
                else:
                    st.success(escape(f"Added {name} ({aff}, {role or 'no role'})."))


def compare_versions(theirs: dict | None, mine: dict | None) -> pd.DataFrame:
    """Field by field: the saved version, the unsaved one, and whether they differ."""
    rows = []
    for c in CSV_COLUMNS:
        a = "" if theirs is None else str(theirs.get(c, ""))
        b = "" if mine is None else str(mine.get(c, ""))
        rows.append({"field": c, "saved (theirs)": a if theirs is not None else "(deleted)", "yours (not saved)": b,
                     "differs": "yes" if a != b else ""})
    return pd.DataFrame(rows)


def show_conflict(conflict) -> None:
    st.error(escape(str(conflict)))
    st.dataframe(compare_versions(conflict.theirs, conflict.mine), hide_index=True, width="stretch")


def history_table(entries: list[dict]) -> pd.DataFrame:
    """One row per change: when, who, what, and which fields changed from what to what."""
    rows = []
    for e in entries:
        before, after = e["before"] or {}, e["after"] or {}
        changed = [f"{k}: {before.get(k, '')!s} → {after.get(k, '')!s}" for k in CSV_COLUMNS
                   if k != "id" and before.get(k) != after.get(k) and e["before"] is not None and e["after"] is not None]
        rows.append({"change": e["id"], "when (UTC)": e["at"].strftime("%Y-%m-%d %H:%M:%S"), "who": e["who"],
                     "action": e["action"], "what": "; ".join(changed) or e["note"]})
    return pd.DataFrame(rows)
