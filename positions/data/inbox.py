"""Review in the database: a document's text is stored with its source, the tagger's suggestions
wait as `pending`, and a reviewer accepts (the statement joins the data as human-reviewed) or
rejects them. Rejected suggestions are kept with the reviewer's label as training data."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine

from positions.data import changelog
from positions.data.db import actors, documents, from_json, now, statements, suggestions, to_json
from positions.errors import InputError, StoreError
from positions.model import Statement

KINDS = ("paste", "upload", "url", "bundled")


@dataclass(frozen=True)
class Suggestion:
    id: str
    document_id: str
    statement: Statement
    decision: str
    label: str
    decided_by: str


def document_id(kind: str, text: str) -> str:
    return f"{kind}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:12]}"


def add_document(engine: Engine, text: str, who: str, kind: str, url: str = "", title: str = "",
                 published: str = "", publisher: str = "") -> str:
    """Store a document's text with its source metadata (once per kind and text); its id."""
    if not text.strip():
        raise InputError("the document is empty; paste or upload an article's text")
    if kind not in KINDS:
        raise InputError(f"document kind {kind!r}: use one of {', '.join(KINDS)}")
    doc_id = document_id(kind, text)
    meta = {"url": url, "title": title, "published": published, "publisher": publisher, "kind": kind}
    with engine.begin() as conn:
        if conn.execute(select(documents.c.id).where(documents.c.id == doc_id)).first() is None:
            conn.execute(insert(documents).values(id=doc_id, text=text, added_by=who, added_at=now(), **meta))
            changelog.log(conn, who, "create", "document", doc_id, None, meta)
    return doc_id


def document(engine: Engine, doc_id: str) -> dict:
    with engine.connect() as conn:
        row = conn.execute(select(documents).where(documents.c.id == doc_id)).first()
    if row is None:
        raise StoreError(f"no document {doc_id!r} in the database")
    return dict(row._mapping)


def _record(s: Statement) -> str:
    return json.dumps(s.to_record(), ensure_ascii=False, sort_keys=True)


def _statement(text: str) -> Statement:
    return Statement(**from_json(text))


def suggest(engine: Engine, doc_id: str, found: list[Statement], who: str) -> int:
    """Keep the tagger's statements as pending suggestions; ids already stored or suggested are
    skipped. Returns how many were added."""
    added = 0
    with engine.begin() as conn:
        known = set(conn.execute(select(statements.c.id)).scalars()) | set(
            conn.execute(select(suggestions.c.id)).scalars())
        for s in found:
            if s.id in known:
                continue
            conn.execute(insert(suggestions).values(id=s.id, document_id=doc_id, record=_record(s), created_at=now()))
            changelog.log(conn, who, "create", "suggestion", s.id, None, s.to_record(), f"tagger on {doc_id}")
            known.add(s.id)
            added += 1
    return added


def listing(engine: Engine, doc_id: str | None = None, decision: str | None = "pending") -> list[Suggestion]:
    """Suggestions (of one document, with one decision), in the order they were made."""
    q = select(suggestions).order_by(suggestions.c.created_at, suggestions.c.id)
    if doc_id:
        q = q.where(suggestions.c.document_id == doc_id)
    if decision:
        q = q.where(suggestions.c.decision == decision)
    with engine.connect() as conn:
        rows = conn.execute(q).all()
    return [Suggestion(r.id, r.document_id, _statement(r.record), r.decision, r.label, r.decided_by) for r in rows]


def _decide(conn, suggestion_id: str, decision: str, who: str, label: str, final: Statement | None):
    row = conn.execute(select(suggestions).where(suggestions.c.id == suggestion_id)).first()
    if row is None:
        raise StoreError(f"no suggestion {suggestion_id!r}")
    done = conn.execute(update(suggestions).where(suggestions.c.id == suggestion_id,
                                                  suggestions.c.decision == "pending").values(
        decision=decision, label=label, decided_by=who, decided_at=now(),
        final=None if final is None else _record(final))).rowcount
    if done != 1:
        raise StoreError(f"suggestion {suggestion_id} was already {row.decision} by {row.decided_by}; "
                         "reload the page to see it")
    return row


def accept(engine: Engine, suggestion_id: str, edited: Statement, who: str, label: str = "") -> Statement:
    """The (possibly edited) suggestion joins the data as accepted and human-reviewed, under the
    suggestion's id; one transaction with its change-log entry."""
    final = replace(edited, id=suggestion_id, origin="reviewed", status="accepted")
    with engine.begin() as conn:
        _decide(conn, suggestion_id, "accepted", who, label, final)
        changelog.insert_statement(conn, final, who, "accept", label or "accepted in review")
    return final


def reject(engine: Engine, suggestion_id: str, label: str, who: str) -> None:
    """Reject a suggestion, keeping it with the reviewer's label (why it is wrong)."""
    if not label.strip():
        raise InputError("say why the suggestion is wrong (the label is kept as training data)")
    with engine.begin() as conn:
        row = _decide(conn, suggestion_id, "rejected", who, label.strip(), None)
        changelog.log(conn, who, "reject", "suggestion", suggestion_id, from_json(row.record), None, label.strip())


def training_data(engine: Engine) -> list[dict]:
    """Every decided suggestion: the tagger's record, the decision, the label and what was accepted."""
    with engine.connect() as conn:
        rows = conn.execute(select(suggestions).where(suggestions.c.decision != "pending")
                            .order_by(suggestions.c.decided_at)).all()
    return [{"id": r.id, "document_id": r.document_id, "decision": r.decision, "label": r.label,
             "suggested": from_json(r.record), "accepted": from_json(r.final), "decided_by": r.decided_by}
            for r in rows]


def add_actor(engine: Engine, name: str, affiliation: str, actor_type: str, role: str, who: str) -> None:
    """Register a speaker the bundled registry lacks (logged); review then accepts their name."""
    probe = Statement(actor=name, affiliation=affiliation, actor_type=actor_type, issue="cross_border_strikes",
                      stance="support", statement_date=None, evidence="-")  # validates the three fields
    with engine.begin() as conn:
        if conn.execute(select(actors.c.name).where(actors.c.name == probe.actor.strip())).first():
            raise InputError(f"actor {name!r} is already registered")
        rec = {"name": probe.actor.strip(), "affiliation": probe.affiliation, "actor_type": probe.actor_type.value,
               "role": role.strip()}
        conn.execute(insert(actors).values(**rec, added_by=who, added_at=now()))
        changelog.log(conn, who, "create", "actor", rec["name"], None, rec)


def remove_actor(engine: Engine, name: str, who: str) -> None:
    """Remove an actor added in review (logged); statements naming them then fail `validate`."""
    with engine.begin() as conn:
        row = conn.execute(select(actors).where(actors.c.name == name)).first()
        if row is None:
            raise InputError(f"no added actor {name!r}")
        conn.execute(actors.delete().where(actors.c.name == name))
        changelog.log(conn, who, "delete", "actor", name, {"name": row.name, "affiliation": row.affiliation,
                                                             "actor_type": row.actor_type, "role": row.role}, None)


def added_actors(engine: Engine) -> dict[str, dict]:
    """Actors added in review: name -> {affiliation, actor_type, role}."""
    with engine.connect() as conn:
        return {r.name: {"affiliation": r.affiliation, "actor_type": r.actor_type, "role": r.role}
                for r in conn.execute(select(actors))}


def to_json_record(s: Statement) -> str | None:
    return to_json(s.to_record())


def actor_problem(reg, added: dict[str, dict], s: Statement) -> str | None:
    """Why the statement's speaker/affiliation is not backed by the registry or the actors added
    in review (None when it is): the rule `validate` applies, plus the added actors."""
    from positions.cli import registry_problem  # the one rule, shared with `validate`

    extra = added.get(s.actor.strip())
    if extra is not None:
        if extra["affiliation"] != s.affiliation:
            return f"{s.actor} was added as speaking for {extra['affiliation']}, not {s.affiliation}"
        return None
    return registry_problem(reg, s)


def similar_actors(reg, added: dict[str, dict], name: str, n: int = 5) -> list[str]:
    """Registered names closest to `name` (people, states, organisations, added actors)."""
    import difflib

    names = {p.name for p in reg.people.values()} | {s.name for s in reg.states.values()} | \
        {o.name for o in reg.organisations.values()} | set(added)
    return difflib.get_close_matches(name.strip(), sorted(names), n=n, cutoff=0.5)
