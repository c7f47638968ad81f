"""Suggestions workflow: tagger output waits in a suggestions file until a person accepts,
edits or rejects it. Every decision is appended to a review log (JSON lines)."""
from __future__ import annotations

import csv
import getpass
import io
import json
import os
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from positions.data import store
from positions.errors import InvalidField, StoreError
from positions.model import Statement

EDITABLE = ("actor", "actor_id", "affiliation", "actor_type", "role", "issue", "stance", "statement_date", "note")


def read_documents(path: Path) -> dict[str, dict]:
    """documents.csv (doc_id,url,title,published,publisher) -> {doc_id: row}."""
    if not path.exists():
        return {}
    text = store.read_text_file(path).lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or "doc_id" not in reader.fieldnames:
        raise StoreError(f"{path}: missing column doc_id; expected doc_id,url,title,published,publisher")
    return {row["doc_id"]: row for row in reader}


def load_or_empty(path: Path) -> list[Statement]:
    return store.load_statements(path) if Path(path).exists() else []


def apply_edit(statement: Statement, field: str, value: str) -> Statement:
    """Return the statement with one field changed; InvalidField if the value is not allowed."""
    if field not in EDITABLE:
        raise InvalidField("field", field, f"one of {', '.join(EDITABLE)}")
    return replace(statement, **{field: value})


def log_decision(log_path: Path, action: str, statement: Statement, changes: dict | None = None,
                 reviewer: str | None = None) -> None:
    """Append one decision to the review log and fsync it (an edit is never lost)."""
    entry = {"at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
             "reviewer": reviewer or os.environ.get("POSITIONS_REVIEWER") or getpass.getuser(),
             "action": action, "id": statement.id, "actor": statement.actor, "issue": statement.issue.value,
             "stance": statement.stance.value, "changes": changes or {}}
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def decide(suggestions_path: Path, data_path: Path, log_path: Path, statement_id: str, action: str,
           edits: dict | None = None, reviewer: str | None = None) -> Statement:
    """Accept or reject one suggestion (with optional field edits); writes both files atomically."""
    suggestions = load_or_empty(suggestions_path)
    match = [s for s in suggestions if s.id == statement_id or s.id.startswith(statement_id)]
    if len(match) != 1:
        raise StoreError(f"{suggestions_path}: {'no' if not match else 'several'} suggestion(s) with id {statement_id!r}")
    original = match[0]
    edited = original
    for field, value in (edits or {}).items():
        edited = apply_edit(edited, field, value)
    if action == "accept":
        accepted = replace(edited, status="accepted", origin="reviewed", confidence=original.confidence)  # human-reviewed
        data = load_or_empty(data_path)
        if accepted.id not in {s.id for s in data}:
            store.save_statements(data + [accepted], data_path)
        result = accepted
    elif action == "reject":
        result = replace(edited, status="rejected")
    else:
        raise InvalidField("action", action, "accept or reject")
    remaining = [result if s.id == original.id else s for s in suggestions]
    store.save_statements(remaining, suggestions_path)
    changes = {f: [str(getattr(original, f).value if hasattr(getattr(original, f), "value") else getattr(original, f)),
                   str(v)] for f, v in (edits or {}).items()}
    log_decision(log_path, action, result, changes, reviewer)
    return result
