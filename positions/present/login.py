"""Who is using the page: Streamlit's OIDC login (`st.login`, when [auth] is in secrets.toml) or
a self-hosted name + password (positions.data.users). Sessions expire; reading is open unless
`positions.public_read = false` in the secrets (or POSITIONS_PUBLIC_READ=0).

Secrets (all optional), e.g. .streamlit/secrets.toml:

    [positions]
    db_url = "postgresql+psycopg://positions:PASSWORD@db/positions"
    public_read = true          # false: even reading needs a login
    session_minutes = 480       # a self-hosted login lasts this long
    oidc_default_role = "viewer"
    oidc_provider = "google"    # only with several [auth.NAME] providers
    [positions.oidc_roles]      # e-mail -> role for OIDC users
    "ana@example.org" = "admin"
"""
from __future__ import annotations

import os
import time

import streamlit as st
from sqlalchemy.engine import Engine

from positions.data import users
from positions.data.users import User
from positions.present.highlight import escape

SESSION_KEY = "positions_login"


def settings() -> dict:
    """The [positions] section of the secrets ({} without a secrets file)."""
    try:
        return dict(st.secrets.get("positions", {}))
    except FileNotFoundError:
        return {}


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def public_read() -> bool:
    env = os.environ.get("POSITIONS_PUBLIC_READ")
    if env is not None:
        return env.strip().lower() not in ("0", "false", "no")
    return bool(settings().get("public_read", True))


def _oidc_user() -> User | None:
    if not oidc_configured() or not st.user.get("is_logged_in", False):
        return None
    email = str(st.user.get("email") or st.user.get("name") or "oidc-user")
    conf = settings()
    role = dict(conf.get("oidc_roles", {})).get(email, conf.get("oidc_default_role", "viewer"))
    return User(email, role if role in users.ROLES else "viewer")


def current_user(engine: Engine) -> User | None:
    """The logged-in user, or None. A self-hosted session ends after session_minutes, and when
    the account was removed or its role changed (read again from the database on every run)."""
    oidc = _oidc_user()
    if oidc is not None:
        return oidc
    entry = st.session_state.get(SESSION_KEY)
    if not entry:
        return None
    minutes = float(settings().get("session_minutes", 480))
    role = {u.name: u.role for u in users.listing(engine)}.get(entry["name"])
    if time.time() - entry["at"] > minutes * 60:
        del st.session_state[SESSION_KEY]
        st.session_state["positions_login_note"] = "Your session expired; please log in again."
        return None
    if role is None:
        del st.session_state[SESSION_KEY]
        return None
    return User(entry["name"], role)


def client_ip() -> str:
    """The browser's address as Streamlit sees it ('' when unknown, e.g. in tests)."""
    ip = getattr(st.context, "ip_address", None)
    return ip if isinstance(ip, str) else ""


def _password_form(engine: Engine) -> None:
    with st.form("login_form", clear_on_submit=True):
        name = st.text_input("User name", key="login_name")
        password = st.text_input("Password", type="password", key="login_password")
        if st.form_submit_button("Log in"):
            try:
                user = users.login(engine, name, password, ip=client_ip())
            except users.LoginRefused as e:
                st.error(escape(str(e)))
            else:
                st.session_state[SESSION_KEY] = {"name": user.name, "at": time.time()}
                st.rerun()


def login_box(engine: Engine, user: User | None) -> None:
    """Sidebar: who is logged in and a log-out button, or the ways to log in."""
    with st.sidebar:
        st.subheader("Account")
        note = st.session_state.pop("positions_login_note", None)
        if note:
            st.warning(note)
        if user is not None:
            st.markdown(f"Logged in as **{escape(user.name)}** ({user.role})")
            if st.button("Log out", key="logout"):
                st.session_state.pop(SESSION_KEY, None)
                if _oidc_user() is not None:
                    st.logout()
                st.rerun()
            return
        if oidc_configured():
            provider = settings().get("oidc_provider")  # for [auth.NAME] sections; None: plain [auth]
            st.button("Log in with your organisation", key="oidc_login", on_click=st.login,
                      args=(provider,) if provider else ())
            st.caption("or with a team account:")
        _password_form(engine)


def require_reader(engine_factory) -> User | None:
    """Stop the page with a login box when reading needs a login and nobody is logged in."""
    if public_read():
        return None
    engine = engine_factory()
    user = current_user(engine)
    if user is None:
        st.info("This tracker is private: log in to read it.")
        login_box(engine, None)
        st.stop()
    return user
