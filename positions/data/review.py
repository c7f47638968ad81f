"""Suggestions workflow: tagger output waits in a suggestions file until a person accepts,
edits or rejects it. One decision changes the data, the suggestions and the review log (JSON lines)
together, under the data folder's lock (positions.data.journal): all three or none."""
from __future__ import annotations

import getpass
import json
import os
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from positions.data import checks, csvread, files, journal, store
from positions.errors import InvalidField, PositionsError, StoreError
from positions.model import Statement

EDITABLE = ("actor", "actor_id", "affiliation", "actor_type", "role", "issue", "stance", "statement_date", "note")


class Conflict(PositionsError):
    """The suggestion was already decided (by another reviewer or an earlier run)."""


def read_documents(path: Path, encoding: str = "utf-8") -> dict[str, dict]:
    """documents.csv (doc_id,url,title,published,publisher) -> {doc_id: row}; StoreError if missing."""
    header, rows = csvread.read_rows(path, encoding)
    if "doc_id" not in header:
        raise StoreError(f"{files.shown(path)}: missing column doc_id; expected doc_id,url,title,published,publisher")
    return {row["doc_id"]: row for _, row in rows}


def load_or_empty(path: Path, encoding: str = "utf-8") -> list[Statement]:
    return store.load_statements(path, encoding) if os.path.lexists(path) else []


def apply_edit(statement: Statement, field: str, value: str) -> Statement:
    """Return the statement with one field changed; InvalidField if the value is not allowed."""
    if field not in EDITABLE:
        raise InvalidField("field", field, f"one of {', '.join(EDITABLE)}")
    return replace(statement, **{field: value})


def check_edited(statement: Statement, reg=None, cb=None) -> None:
    """InvalidField-like StoreError unless the statement passes the codebook and the actor registry."""
    from positions.reference import codebook, registry

    cb = cb or codebook.load()
    if statement.issue.value not in cb.issues or statement.stance.value not in cb.stances:
        raise StoreError(f"{statement.id}: issue/stance {statement.issue.value}/{statement.stance.value} "
                         "is not in the codebook")
    problem = checks.registry_problem(reg or registry.load(), statement)
    if problem:
        raise StoreError(f"{statement.id}: {problem}; nothing was written")


def log_entry(action: str, statement: Statement, changes: dict, reviewer: str | None) -> str:
    entry = {"at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
             "reviewer": reviewer or os.environ.get("POSITIONS_REVIEWER") or getpass.getuser(),
             "action": action, "id": statement.id, "actor": statement.actor, "issue": statement.issue.value,
             "stance": statement.stance.value, "changes": changes}
    return json.dumps(entry, ensure_ascii=False) + "\n"


def _plain(value) -> str:
    return str(value.value if hasattr(value, "value") else ("" if value is None else value))


def find(suggestions: list[Statement], statement_id: str, where: Path) -> Statement:
    match = [s for s in suggestions if s.id == statement_id] or \
        [s for s in suggestions if statement_id and s.id.startswith(statement_id)]
    if len(match) != 1:
        raise StoreError(f"{files.shown(where)}: {'no' if not match else 'several'} suggestion(s) with id "
                         f"{statement_id!r}; list them with `review` (interactive)")
    return match[0]


def decide(suggestions_path: Path, data_path: Path, log_path: Path, statement_id: str, action: str,
           edits: dict | None = None, reviewer: str | None = None, reg=None, encoding: str = "utf-8",
           data_encoding: str | None = None) -> Statement:
    """Accept (optionally with field edits) or reject one suggestion, in one transaction.

    Accepting an already accepted suggestion with edits changes the stored statement (logged as
    'edit'); any other second decision on a suggestion raises Conflict and writes nothing.
    """
    if action not in ("accept", "reject"):
        raise InvalidField("action", action, "accept or reject")
    if edits and action == "reject":
        raise StoreError("edits (--set) only go with accept; a rejected suggestion is not stored")
    suggestions_path, data_path, log_path = Path(suggestions_path), Path(data_path), Path(log_path)
    check_log(log_path)
    with journal.transaction(data_path.absolute().parent) as batch:
        suggestions = load_or_empty(suggestions_path, encoding)
        original = find(suggestions, statement_id, suggestions_path)
        status = original.status.value
        if status == "rejected" or (status == "accepted" and (action == "reject" or not edits)):
            raise Conflict(f"{original.id}: already {status}; not changed (see {files.shown(log_path)})")
        data = load_or_empty(data_path, data_encoding or encoding)
        stored = next((s for s in data if s.id == original.id), original)
        edited = stored if status == "accepted" else original
        for field, value in (edits or {}).items():
            edited = apply_edit(edited, field, value)
        if action == "accept":
            result = replace(edited, status="accepted", origin="reviewed", confidence=original.confidence)
            check_edited(result, reg)
            ids = [s.id for s in data]
            data = [result if s.id == result.id else s for s in data] if result.id in ids else data + [result]
            store.put_statements(batch, data, data_path)
        else:
            result = replace(original, status="rejected")
        store.put_statements(batch, [result if s.id == original.id else s for s in suggestions], suggestions_path)
        before = stored if status == "accepted" else original
        changes = {f: [_plain(getattr(before, f)), str(v)] for f, v in (edits or {}).items()}
        verb = "edit" if status == "accepted" else action
        batch.put(log_path, read_log(log_path) + log_entry(verb, result, changes, reviewer).encode("utf-8"))
        batch.commit()
    return result


def read_log(log_path: Path) -> bytes:
    if not os.path.lexists(log_path):
        return b""
    with files.open_regular(log_path) as fh:
        return fh.read()


def check_log(log_path: Path) -> None:
    """Refuse a review log that cannot be appended to, before anything is written."""
    files.check_output(log_path, force=True, protected=[], option="--log")
    if os.path.lexists(log_path):
        with files.open_regular(log_path):
            pass
        if not os.access(log_path, os.W_OK):
            raise StoreError(f"--log {files.shown(log_path)}: permission denied")
