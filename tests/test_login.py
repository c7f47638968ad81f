"""Logins: argon2 accounts, roles, rate-limited failures, session expiry, OIDC button with test
secrets, private reading, the users CLI, and the share link's public address."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from positions.data import db, users
from positions.errors import InputError
from tests.conftest import SEED_CSV, invoke
from tests.db_fixtures import PASSWORD, app, login_as, texts


@pytest.fixture
def engine(tmp_path):
    e = db.open_store(db.sqlite_url(tmp_path / "u.sqlite"), seed=False)
    yield e
    e.dispose()


def test_users_password_is_stored_as_a_salted_argon2_hash(engine, monkeypatch):
    monkeypatch.delenv(users.HASH_PROFILE_ENV)  # the profile a real deployment gets
    users.add(engine, "ana", "editor", PASSWORD)
    users.add(engine, "ben", "viewer", PASSWORD)
    with engine.connect() as conn:
        hashes = dict(conn.execute(select(db.users.c.name, db.users.c.password_hash)).all())
    assert all(h.startswith("$argon2id$v=19$m=65536,t=3,p=4$") and PASSWORD not in h for h in hashes.values())
    assert hashes["ana"] != hashes["ben"]
    assert users.login(engine, "ana", PASSWORD) == users.User("ana", "editor")


def test_users_hash_profile_change_keeps_logins_and_upgrades_the_hash(engine, monkeypatch):
    users.add(engine, "ana", "editor", PASSWORD)   # made with the tests' cheap profile
    monkeypatch.setenv(users.HASH_PROFILE_ENV, "RFC_9106_LOW_MEMORY")
    assert users.login(engine, "ana", PASSWORD).name == "ana"
    with engine.connect() as conn:
        stored = conn.execute(select(db.users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_users_unknown_hash_profile_is_refused_with_the_variable_named(engine, monkeypatch):
    monkeypatch.setenv(users.HASH_PROFILE_ENV, "FASTEST")
    with pytest.raises(InputError, match=r"POSITIONS_ARGON2_PROFILE='FASTEST' is not an argon2 profile; use one of .*RFC_9106_LOW_MEMORY"):
        users.add(engine, "ana", "editor", PASSWORD)
    assert users.listing(engine) == []


def test_users_wrong_password_and_unknown_name_get_the_same_answer(engine):
    users.add(engine, "ana", "editor", PASSWORD)
    with pytest.raises(users.LoginRefused, match="wrong user name or password"):
        users.login(engine, "ana", PASSWORD + "x")
    with pytest.raises(users.LoginRefused, match="wrong user name or password"):
        users.login(engine, "nobody", PASSWORD)


def test_users_failed_logins_are_rate_limited(engine):
    users.add(engine, "ana", "editor", PASSWORD)
    for _ in range(users.MAX_FAILURES):
        with pytest.raises(users.LoginRefused, match="wrong"):
            users.login(engine, "ana", "guess-guess-guess")
    with pytest.raises(users.LoginRefused, match="too many failed logins"):
        users.login(engine, "ana", PASSWORD)  # even the right password waits out the window
    users.add(engine, "ben", "editor", PASSWORD)
    assert users.login(engine, "ben", PASSWORD).name == "ben"  # per name


@pytest.mark.parametrize("name, role, password, message", [
    ("a b", "editor", PASSWORD, "user name"), ("ana", "owner", PASSWORD, "role 'owner'"),
    ("ana", "editor", "short", "too short")])
def test_users_bad_account_is_refused(engine, name, role, password, message):
    with pytest.raises(InputError, match=message):
        users.add(engine, name, role, password)
    assert users.listing(engine) == []


def test_users_cli_add_list_remove(tmp_path, monkeypatch):
    url = db.sqlite_url(tmp_path / "cli.sqlite")
    monkeypatch.setenv("POSITIONS_PASSWORD", PASSWORD)
    assert invoke("users", "add", "ana", "--role", "admin", "--db", url).output == "ana: admin\n"
    added = invoke("users", "add", "ben", "--role", "editor", "--db", url, "--password", "another-long-one")
    assert added.exit_code == 0
    assert invoke("users", "list", "--db", url).output == "ana\tadmin\nben\teditor\n"
    assert invoke("users", "remove", "ben", "--db", url).exit_code == 0
    gone = invoke("users", "remove", "ben", "--db", url)
    assert gone.exit_code == 2 and "no user 'ben'" in gone.output
    short = invoke("users", "add", "cy", "--role", "editor", "--db", url, "--password", "abc")
    assert short.exit_code == 2 and "too short" in short.output


def test_login_form_logs_in_and_out(team_db):
    at = app().run()
    login_as(at, "ana", "not-the-password")
    assert "wrong user name or password" in texts(at)
    login_as(at, "ana")
    assert "Logged in as **ana** (editor)" in texts(at)
    assert any(b.label == "Find statements" for b in at.button)
    next(b for b in at.button if b.label == "Log out").click()
    at.run()
    assert not any(b.label == "Find statements" for b in at.button) and any(b.label == "Log in" for b in at.button)


def test_login_session_expires(team_db):
    at = app(secrets={"positions": {"session_minutes": 60}}).run()
    login_as(at, "ana")
    assert "Logged in as **ana**" in texts(at)
    logged = at.session_state["positions_login"]
    at.session_state["positions_login"] = {**logged, "at": logged["at"] - 59 * 60}  # 59 minutes ago
    at.run()
    assert "Logged in as **ana**" in texts(at)
    at.session_state["positions_login"] = {**logged, "at": logged["at"] - 61 * 60}  # 61 minutes ago
    at.run()
    assert "Your session expired" in texts(at)
    assert not any(b.label == "Find statements" for b in at.button)


def test_login_removed_account_loses_its_session(team_db):
    at = app().run()
    login_as(at, "ana")
    users.remove(team_db, "ana")
    at.run()
    assert not any(b.label == "Find statements" for b in at.button)


def test_login_admin_sees_users_tab_editor_does_not(team_db):
    at = app().run()
    login_as(at, "adm")
    assert "Users and actors" in [t.label for t in at.tabs]
    other = app().run()
    login_as(other, "ana")
    assert "Users and actors" not in [t.label for t in other.tabs]


def test_login_oidc_button_when_auth_secrets_are_set(team_db):
    auth = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-cookie-secret",
            "client_id": "positions-test", "client_secret": "not-a-real-secret",
            "server_metadata_url": "https://login.example.org/.well-known/openid-configuration"}
    at = app(secrets={"auth": auth}).run()
    assert any(b.label == "Log in with your organisation" for b in at.button)
    assert not any(b.label == "Log in with your organisation" for b in app().run().button)


def test_login_private_reading_hides_the_dashboard_until_login(team_db, monkeypatch):
    monkeypatch.setenv("POSITIONS_DATA", str(SEED_CSV))
    at = app("dashboard.py", secrets={"positions": {"public_read": False}}).run()
    assert "This tracker is private" in texts(at) and not at.get("plotly_chart")
    login_as(at, "vic")
    assert not at.exception and at.get("plotly_chart")


def test_share_link_uses_the_public_address(team_db, monkeypatch):
    monkeypatch.setenv("POSITIONS_DATA", str(SEED_CSV))
    monkeypatch.setenv("POSITIONS_PUBLIC_URL", "https://positions.example.org/")
    at = app("dashboard.py").run()
    links = [c.value for c in at.code]
    assert any(v.startswith("https://positions.example.org/?") for v in links), links
    assert not any("127.0.0.1" in v for v in links)


AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-cookie-secret",
        "client_id": "positions-test", "client_secret": "not-a-real-secret",
        "server_metadata_url": "https://login.example.org/.well-known/openid-configuration"}


@pytest.mark.parametrize("email, role, can_edit", [
    ("lena@example.org", "editor", True), ("someone@example.org", "viewer", False)])
def test_login_oidc_user_gets_the_role_the_secrets_give(team_db, email, role, can_edit):
    at = app(secrets={"auth": AUTH, "positions": {"oidc_roles": {"lena@example.org": "editor"}}})
    at.user = {"is_logged_in": True, "email": email, "name": "Test Person"}
    at.run()
    assert not at.exception
    assert f"Logged in as **{email}** ({role})" in texts(at)
    assert any(b.label == "Find statements" for b in at.button) == can_edit


@pytest.mark.slow  # 21 full argon2 checks (unknown names cost a real one by design): ~4 s of CPU
def test_users_one_address_trying_many_names_is_rate_limited(engine):
    users.add(engine, "ana", "editor", PASSWORD)
    for i in range(users.MAX_FAILURES_PER_IP):
        with pytest.raises(users.LoginRefused, match="wrong"):
            users.login(engine, f"name{i}", "guess-guess-guess", ip="203.0.113.7")
    with pytest.raises(users.LoginRefused, match="from this address"):
        users.login(engine, "ana", PASSWORD, ip="203.0.113.7")
    assert users.login(engine, "ana", PASSWORD, ip="198.51.100.2").name == "ana"


def test_users_unknown_name_costs_a_full_hash_check(engine, monkeypatch):
    """An unknown name and a wrong password each cost one argon2 computation of the same profile."""
    users.add(engine, "ana", "editor", PASSWORD)
    hasher = users.password_hasher()
    work = []

    class Counting(type(hasher)):
        def hash(self, password, **kw):
            work.append(("hash", self.memory_cost, self.time_cost))
            return super().hash(password, **kw)

        def verify(self, stored, password):
            work.append(("verify", self.memory_cost, self.time_cost))
            return super().verify(stored, password)

    monkeypatch.setattr(users, "password_hasher", lambda: Counting(
        hasher.time_cost, hasher.memory_cost, hasher.parallelism, hasher.hash_len, hasher.salt_len))
    for name, password in (("nobody", PASSWORD), ("ana", "a-wrong-long-password")):
        work.clear()
        with pytest.raises(users.LoginRefused, match="wrong user name or password"):
            users.login(engine, name, password)
        assert [(m, t) for _, m, t in work] == [(hasher.memory_cost, hasher.time_cost)], name


def test_db_url_from_streamlit_secrets_selects_the_store(team_db, tmp_path, monkeypatch):
    """positions.db_url in secrets.toml is used when POSITIONS_DB_URL is not set."""
    other = db.sqlite_url(tmp_path / "from-secrets.sqlite")
    engine = db.open_store(other)
    users.add(engine, "sam", "editor", PASSWORD)
    engine.dispose()
    monkeypatch.delenv("POSITIONS_DB_URL")
    at = app(secrets={"positions": {"db_url": other}}).run()
    login_as(at, "sam")  # sam exists only in the secrets' database
    assert "Logged in as **sam** (editor)" in texts(at)
