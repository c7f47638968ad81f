"""Self-hosted accounts: names, roles and argon2 password hashes in the database, with failed
logins rate-limited per name (counted in the database, so every app process sees them)."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher, profiles
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
HASH_PROFILE_ENV = "POSITIONS_ARGON2_PROFILE"
DEFAULT_HASH_PROFILE = "RFC_9106_LOW_MEMORY"  # argon2-cffi's own default: 64 MiB, 3 passes, 4 lanes


def password_hasher() -> PasswordHasher:
    """The argon2 hasher of the profile named by $POSITIONS_ARGON2_PROFILE (one of argon2-cffi's
    `argon2.profiles`, e.g. RFC_9106_HIGH_MEMORY on a large host; default RFC_9106_LOW_MEMORY;
    CHEAPEST is for test suites only).
    Stored hashes keep their own parameters, so changing the profile locks nobody out."""
    name = os.environ.get(HASH_PROFILE_ENV, "") or DEFAULT_HASH_PROFILE
    profile = getattr(profiles, name, None)
    if not name.isupper() or profile is None:
        known = ", ".join(n for n in dir(profiles) if n.isupper())
        raise InputError(f"${HASH_PROFILE_ENV}={name!r} is not an argon2 profile; use one of {known}")
    return PasswordHasher.from_parameters(profile)


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
    digest = password_hasher().hash(password)
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
    hasher = password_hasher()
    ok = False
    if row is None:
        hasher.hash(password)  # the same work as a check, so both refusals take the same time (no probing for names)
    else:
        try:
            ok = hasher.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
    with engine.begin() as conn:
        conn.execute(insert(login_attempts).values(name=name, ip=ip, at=now(), ok=ok))
        if ok and hasher.check_needs_rehash(row.password_hash):  # the profile changed: store the new parameters
            conn.execute(update(users).where(users.c.name == name).values(password_hash=hasher.hash(password)))
    if not ok:
        raise LoginRefused("wrong user name or password")
    return User(row.name, row.role)
