"""Changing statements in the database: every create, edit, delete and revert is recorded in the
change log (who, when, before, after) in the same transaction as the change itself, and an edit
only lands on the version it was made from (optimistic locking: the `version` column)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete as sql_delete
from sqlalchemy import func, insert, select, update as sql_update
from sqlalchemy.engine import Connection, Engine

from positions.data import store
from positions.data.db import changes, from_json, now, row_cells, statements, to_json
from positions.errors import PositionsError, StoreError
from positions.model import Statement


class Conflict(PositionsError):
    """Someone else changed the statement since it was opened; nothing was saved."""

    def __init__(self, statement_id: str, expected: int, mine: dict | None, theirs: dict | None,
                 their_version: int | None, who: str, at):
        self.statement_id, self.expected, self.mine, self.theirs = statement_id, expected, mine, theirs
        self.their_version, self.who, self.at = their_version, who, at
        what = "deleted" if theirs is None else f"changed to version {their_version}"
        super().__init__(f"statement {statement_id} was {what} by {who or 'someone'} at {at:%Y-%m-%d %H:%M:%S} UTC "
                         f"after you opened version {expected}; your change was NOT saved. "
                         f"Compare both versions, then apply yours again on top of theirs.")


@dataclass(frozen=True)
class Stored:
    """A statement as stored: the record plus its version for optimistic locking."""

    statement: Statement
    version: int
    updated_at: datetime
    updated_by: str


def record_of(statement: Statement, seq: int) -> dict:
    """What the change log keeps of a statement: its CSV cells and its place in the order."""
    return {**store.cells(statement), "seq": seq}


def statement_of(record: dict) -> Statement:
    cells = {k: v for k, v in record.items() if k != "seq"}
    return store.statements_from_rows([(record.get("seq", 0), cells)], "change log")[0]


def log(conn: Connection, who: str, action: str, target: str, target_id: str, before: dict | None,
        after: dict | None, note: str = "", at: datetime | None = None) -> None:
    """Append one entry to the change log (call inside the change's own transaction)."""
    conn.execute(insert(changes).values(at=at or now(), who=who, action=action, target=target, target_id=target_id,
                                        before=to_json(before), after=to_json(after), note=note))


def _row(conn: Connection, statement_id: str):
    return conn.execute(select(statements).where(statements.c.id == statement_id)).first()


def _record(row) -> dict:
    return {**row_cells(row), "seq": row.seq}


def get(engine: Engine, statement_id: str) -> Stored:
    """The stored statement and its version; StoreError if there is none."""
    with engine.connect() as conn:
        row = _row(conn, statement_id)
    if row is None:
        raise StoreError(f"no statement with id {statement_id!r} in the database")
    return Stored(statement_of(_record(row)), row.version, row.updated_at, row.updated_by)


def insert_statement(conn: Connection, statement: Statement, who: str, action: str = "create", note: str = "",
                     seq: int | None = None) -> None:
    """Add a new statement at the end of the order, logged; StoreError if its id exists."""
    if _row(conn, statement.id) is not None:
        raise StoreError(f"statement {statement.id} is already in the database (same source, actor, issue and "
                         "evidence); edit that one instead")
    if seq is None:
        seq = (conn.execute(select(func.max(statements.c.seq))).scalar() or 0) + 1
    insert_new(conn, [(statement, seq)], who, action, note)


def insert_new(conn: Connection, new: list[tuple[Statement, int]], who: str, action: str, note: str) -> None:
    """Add many statements whose ids the caller checked are not stored yet, each at its `seq`, and log
    each one: two multi-row inserts instead of one round trip per row (a 1,000-row import)."""
    if not new:
        return
    at = now()
    conn.execute(insert(statements), [{**store.cells(s), "seq": seq, "version": 1, "updated_at": at,
                                       "updated_by": who} for s, seq in new])
    conn.execute(insert(changes), [{"at": at, "who": who, "action": action, "target": "statement",
                                    "target_id": s.id, "before": to_json(None),
                                    "after": to_json(record_of(s, seq)), "note": note} for s, seq in new])


def create(engine: Engine, statement: Statement, who: str, note: str = "") -> None:
    """Add a statement by hand (logged as create)."""
    with engine.begin() as conn:
        insert_statement(conn, statement, who, "create", note)


def _conflict(conn: Connection, statement_id: str, expected: int, mine: dict | None) -> Conflict:
    row = _row(conn, statement_id)
    if row is None:
        last = conn.execute(select(changes).where(changes.c.target_id == statement_id)
                            .order_by(changes.c.id.desc())).first()
        return Conflict(statement_id, expected, mine, None, None, last.who if last else "", last.at if last else now())
    return Conflict(statement_id, expected, mine, _record(row), row.version, row.updated_by, row.updated_at)


def update_in(conn: Connection, statement_id: str, new: Statement | None, expected_version: int, who: str,
              action: str, note: str = "") -> int:
    """Replace (or, with new=None, delete) a statement if it is still at `expected_version`; logged.
    Returns the new version (0 when deleted). Conflict otherwise."""
    row = _row(conn, statement_id)
    if row is None and expected_version == 0:
        raise StoreError(f"no statement with id {statement_id!r} in the database")
    mine = None if new is None else record_of(new, row.seq if row is not None else 0)
    if row is None or row.version != expected_version:
        raise _conflict(conn, statement_id, expected_version, mine)
    where = (statements.c.id == statement_id) & (statements.c.version == expected_version)
    at = now()
    if new is None:
        done = conn.execute(sql_delete(statements).where(where)).rowcount
    else:
        if new.id != statement_id:
            raise StoreError(f"an edit keeps the statement's id ({statement_id}), got {new.id}")
        done = conn.execute(sql_update(statements).where(where).values(
            **store.cells(new), version=expected_version + 1, updated_at=at, updated_by=who)).rowcount
    if done != 1:  # changed between our read and our write
        raise _conflict(conn, statement_id, expected_version, mine)
    log(conn, who, action, "statement", statement_id, _record(row), mine, note, at)
    return 0 if new is None else expected_version + 1


def edit(engine: Engine, new: Statement, expected_version: int, who: str, note: str = "") -> int:
    """Save an edited statement (same id) made from `expected_version`; Conflict if it moved on."""
    with engine.begin() as conn:
        return update_in(conn, new.id, new, expected_version, who, "edit", note)


def delete(engine: Engine, statement_id: str, expected_version: int, who: str, note: str = "") -> None:
    """Delete a statement made from `expected_version` (logged; revert brings it back)."""
    with engine.begin() as conn:
        update_in(conn, statement_id, None, expected_version, who, "delete", note)


def history(engine: Engine, statement_id: str) -> list[dict]:
    """The statement's change log entries, oldest first: id, at, who, action, before, after, note."""
    with engine.connect() as conn:
        rows = conn.execute(select(changes).where(changes.c.target_id == statement_id)
                            .order_by(changes.c.id)).all()
    return [{"id": r.id, "at": r.at, "who": r.who, "action": r.action, "target": r.target,
             "before": from_json(r.before), "after": from_json(r.after), "note": r.note} for r in rows]


def revert(engine: Engine, statement_id: str, change_id: int, who: str) -> None:
    """Bring the statement back to what it was right after change `change_id` (logged as revert;
    deleted if it did not exist then)."""
    with engine.begin() as conn:
        target = conn.execute(select(changes).where(changes.c.id == change_id,
                                                    changes.c.target_id == statement_id,
                                                    changes.c.target == "statement")).first()
        if target is None:
            raise StoreError(f"change {change_id} is not in the history of statement {statement_id}")
        wanted = from_json(target.after)
        row = _row(conn, statement_id)
        note = f"reverted to change {change_id}"
        if row is None:
            if wanted is None:
                raise StoreError(f"statement {statement_id} is already deleted, as after change {change_id}")
            _restore(conn, statement_id, wanted, who, note)
            return
        update_in(conn, statement_id, None if wanted is None else statement_of(wanted), row.version, who,
                  "revert", note)


def _restore(conn: Connection, statement_id: str, record: dict, who: str, note: str) -> None:
    at = now()
    last = conn.execute(select(func.max(changes.c.id)).where(changes.c.target_id == statement_id)).scalar()
    before = from_json(conn.execute(select(changes.c.after).where(changes.c.id == last)).scalar()) if last else None
    cells = {k: v for k, v in record.items() if k != "seq"}
    conn.execute(insert(statements).values(**cells, seq=record["seq"], version=1, updated_at=at, updated_by=who))
    log(conn, who, "revert", "statement", statement_id, before, record, note, at)


def as_of(engine: Engine, moment: datetime) -> list[Statement]:
    """The dataset as it stood at `moment` (UTC), rebuilt from the change log."""
    with engine.connect() as conn:
        rows = conn.execute(select(changes.c.target_id, changes.c.after)
                            .where(changes.c.target == "statement", changes.c.at <= moment)
                            .order_by(changes.c.id)).all()
    state: dict[str, dict | None] = {}
    for target_id, after in rows:
        state[target_id] = from_json(after)
    records = sorted((r for r in state.values() if r is not None), key=lambda r: r["seq"])
    return [statement_of(r) for r in records]


def deleted(engine: Engine) -> list[Statement]:
    """Statements deleted and not brought back, as they were just before their deletion (newest first)."""
    with engine.connect() as conn:
        present = set(conn.execute(select(statements.c.id)).scalars())
        rows = conn.execute(select(changes.c.target_id, changes.c.before)
                            .where(changes.c.target == "statement", changes.c.action.in_(("delete", "revert")),
                                   changes.c.after.is_(None))
                            .order_by(changes.c.id.desc())).all()
    out, seen = [], set()
    for target_id, before in rows:
        if target_id not in present and target_id not in seen and before is not None:
            seen.add(target_id)
            out.append(statement_of(from_json(before)))
    return out
