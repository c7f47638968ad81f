"""Self-hosted accounts: names, roles and argon2 password hashes in the database, with failed
logins rate-limited per name (counted in the database, so every app process sees them)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Engine

from positions.data.changelog import log
from positions.data.db import login_attempts, now, users
from positions.errors import InputError, PositionsError

ROLES = ("viewer", "editor", "admin")
MAX_FAILURES = 5  # failed logins per name ...
MAX_FAILURES_PER_IP = 20  # ... or from one address (many names tried) ...
WINDOW = timedelta(minutes=15)  # ... within this window lock them until the window passes
MIN_PASSWORD = 10
NAME_RE = re.compile(r"^[A-Za-z0-9._@+-]{2,100}$")


class LoginRefused(PositionsError):
    """Wrong name or password, or too many failed attempts."""


@dataclass(frozen=True)
class User:
    name: str
    role: str

    def can_edit(self) -> bool:
        return self.role in ("editor", "admin")

    def is_admin(self) -> bool:
        return self.role == "admin"


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(f"role {role!r} is unknown; use one of {', '.join(ROLES)}")
    return role


def add(engine: Engine, name: str, role: str, password: str, by: str = "cli") -> User:
    """Create an account (or reset its password and role) with a salted argon2 hash."""
    if not NAME_RE.match(name):
        raise InputError(f"user name {name!r}: use 2-100 letters, digits or . _ @ + -")
    check_role(role)
    if len(password) < MIN_PASSWORD:
        raise InputError(f"password for {name!r} is too short: use at least {MIN_PASSWORD} characters")
    digest = PasswordHasher().hash(password)
    with engine.begin() as conn:
        exists = conn.execute(select(users.c.role).where(users.c.name == name)).first()
        if exists:
            conn.execute(update(users).where(users.c.name == name).values(role=role, password_hash=digest))
        else:
            conn.execute(insert(users).values(name=name, role=role, password_hash=digest, created_at=now()))
        log(conn, by, "edit" if exists else "create", "user", name,
            {"role": exists.role} if exists else None, {"role": role})
    return User(name, role)


def remove(engine: Engine, name: str, by: str = "cli") -> None:
    with engine.begin() as conn:
        row = conn.execute(select(users.c.role).where(users.c.name == name)).first()
        if row is None:
            raise InputError(f"no user {name!r}; see `positions users list`")
        conn.execute(delete(users).where(users.c.name == name))
        log(conn, by, "delete", "user", name, {"role": row.role}, None)


def listing(engine: Engine) -> list[User]:
    with engine.connect() as conn:
        return [User(r.name, r.role) for r in conn.execute(select(users.c.name, users.c.role).order_by(users.c.name))]


def recent_failures(engine: Engine, name: str = "", ip: str = "") -> int:
    """Failed logins within WINDOW for a name (or, with `ip`, from that address)."""
    column, value = (login_attempts.c.ip, ip) if ip else (login_attempts.c.name, name)
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(login_attempts).where(
            column == value, login_attempts.c.ok.is_(False), login_attempts.c.at > now() - WINDOW)).scalar_one()


# Verified when the name is unknown, so both refusals take the same time (no probing for names).
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$0Xg6wVYbe4cZyq8n3hV2Yy7mlyjl7j3kzO1W3bC1g8Y"


def login(engine: Engine, name: str, password: str, ip: str = "") -> User:
    """The user if name and password match; LoginRefused otherwise (the same message, after the
    same work, for an unknown name and a wrong password), and after MAX_FAILURES failures for a
    name or MAX_FAILURES_PER_IP from one address within WINDOW."""
    name = name.strip()
    wait = f"try again in {WINDOW.seconds // 60} minutes"
    if recent_failures(engine, name) >= MAX_FAILURES:
        raise LoginRefused(f"too many failed logins for {name!r}; {wait}")
    if ip and recent_failures(engine, ip=ip) >= MAX_FAILURES_PER_IP:
        raise LoginRefused(f"too many failed logins from this address; {wait}")
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.name == name)).first()
    try:
        ok = PasswordHasher().verify(row.password_hash if row is not None else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        ok = False
    ok = ok and row is not None
    with engine.begin() as conn:
        conn.execute(insert(login_attempts).values(name=name, ip=ip, at=now(), ok=ok))
    if not ok:
        raise LoginRefused("wrong user name or password")
    return User(row.name, row.role)
