"""The database store on SQLite and on a real PostgreSQL server: schema, import/export, change log,
optimistic locking, revert, as-of, review decisions, and the same figures as the CSV store."""
from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from positions.data import changelog, db, inbox, store, transfer
from positions.errors import InputError, StoreError
from tests.conftest import ROOT, SEED_CSV, invoke, make_statement

BUNDLED = ROOT / "data" / "statements.csv"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])  # a real server: full suite
def url(request, tmp_path):
    """An empty database URL on each back end."""
    if request.param == "sqlite":
        return db.sqlite_url(tmp_path / "t.sqlite")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def engine(url):
    e = db.open_store(url, seed=False)
    yield e
    e.dispose()


def test_db_migrations_match_the_tables_in_code(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    assert ScriptDirectory.from_config(db.alembic_config(None)).get_current_head() == db.HEAD
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == [], f"write a migration in positions/data/migrations/versions for: {diff}"


def test_db_statements_table_has_every_csv_column(engine):
    from positions.model import CSV_COLUMNS
    assert set(CSV_COLUMNS) <= set(db.table_columns(engine, "statements"))


def test_db_import_then_export_gives_the_same_csv_bytes(engine, tmp_path):
    r = transfer.import_csv(engine, BUNDLED, "tester")
    assert r.added == len(store.load_statements(BUNDLED)) and r.changed == 0
    out = tmp_path / "out.csv"
    transfer.export_csv(engine, out)
    assert out.read_bytes() == BUNDLED.read_bytes()
    again = transfer.import_csv(engine, BUNDLED, "tester")
    assert (again.added, again.changed, again.unchanged) == (0, 0, r.added)


def test_db_import_of_a_bad_file_writes_nothing(engine, tmp_path):
    bad = tmp_path / "bad.csv"
    lines = SEED_CSV.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("cross_border_strikes", "naval_blockade").replace("trainer_deployment", "naval_blockade")
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(StoreError, match="bad.csv:3: column issue"):
        transfer.import_csv(engine, bad, "tester")
    assert db.read_statements(engine) == []


def test_db_default_sqlite_is_built_from_the_bundled_csvs_in_wal_mode(tmp_path, monkeypatch):
    target = tmp_path / "data" / "positions.sqlite"
    monkeypatch.setattr(db, "DEFAULT_SQLITE", target)
    monkeypatch.delenv("POSITIONS_DB_URL", raising=False)
    url = db.configured_url()
    assert url == db.sqlite_url(target)
    assert store.load_statements(url) == store.load_statements(BUNDLED)
    engine = db.engine_for(url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        docs = conn.execute(select(db.documents.c.id, db.documents.c.text)).all()
    assert len(docs) > 100 and sum(bool(t) for _, t in docs) > 100
    assert [p.name for p in target.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_db_url_from_environment_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("POSITIONS_DB_URL", "postgresql+psycopg://u@db.example/positions")
    assert db.configured_url() == "postgresql+psycopg://u@db.example/positions"


def test_db_unusable_url_is_one_clear_error():
    with pytest.raises(StoreError, match="not usable"):
        db.engine_for("nosuchdriver://x/y")


def test_db_edit_is_logged_with_who_before_and_after(engine):
    s = make_statement()
    changelog.create(engine, s, "ana")
    stored = changelog.get(engine, s.id)
    assert stored.version == 1
    v2 = changelog.edit(engine, replace(s, stance="conditional"), stored.version, "ben")
    assert v2 == 2 and changelog.get(engine, s.id).statement.stance.value == "conditional"
    log = changelog.history(engine, s.id)
    assert [(e["who"], e["action"]) for e in log] == [("ana", "create"), ("ben", "edit")]
    assert log[1]["before"]["stance"] == "oppose" and log[1]["after"]["stance"] == "conditional"


def test_db_second_editor_gets_a_conflict_with_both_versions(url):
    """Two sessions (two engines) open version 1; the second save is refused, nothing is lost."""
    first, second = db.open_store(url, seed=False), db.open_store(url, seed=False)
    try:
        s = make_statement()
        changelog.create(first, s, "ana")
        seen_by_ana, seen_by_ben = changelog.get(first, s.id), changelog.get(second, s.id)
        changelog.edit(first, replace(seen_by_ana.statement, stance="support"), seen_by_ana.version, "ana")
        with pytest.raises(changelog.Conflict) as err:
            changelog.edit(second, replace(seen_by_ben.statement, note="checked"), seen_by_ben.version, "ben")
        c = err.value
        assert c.theirs["stance"] == "support" and c.mine["note"] == "checked" and c.mine["stance"] == "oppose"
        assert c.who == "ana" and "NOT saved" in str(c)
        assert changelog.get(second, s.id).statement.stance.value == "support"
        assert [e["action"] for e in changelog.history(second, s.id)] == ["create", "edit"]
    finally:
        first.dispose()
        second.dispose()


def test_db_concurrent_editors_lose_no_update(url):
    """Four threads, each with its own engine, append to a note with retry on conflict: every
    append survives and the change log has one entry per successful save."""
    setup = db.open_store(url, seed=False)
    s = make_statement(note="")
    changelog.create(setup, s, "setup")
    conflicts = []

    def worker(name):
        engine = db.open_store(url, seed=False)
        for i in range(5):
            while True:
                cur = changelog.get(engine, s.id)
                try:
                    changelog.edit(engine, replace(cur.statement, note=cur.statement.note + f"{name}{i};"),
                                   cur.version, name)
                    break
                except changelog.Conflict:
                    conflicts.append(name)
        engine.dispose()

    threads = [threading.Thread(target=worker, args=(f"w{k}",)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    final = changelog.get(setup, s.id)
    assert sorted(final.statement.note.rstrip(";").split(";")) == sorted(f"w{k}{i}" for k in range(4) for i in range(5))
    assert final.version == 21 and len(changelog.history(setup, s.id)) == 21
    setup.dispose()


def test_db_revert_restores_an_earlier_version_and_a_deleted_statement(engine):
    s = make_statement()
    changelog.create(engine, s, "ana")
    changelog.edit(engine, replace(s, stance="support"), 1, "ben")
    first = changelog.history(engine, s.id)[0]["id"]
    changelog.revert(engine, s.id, first, "cy")
    assert changelog.get(engine, s.id).statement == s
    changelog.delete(engine, s.id, 3, "dee")
    assert db.read_statements(engine) == []
    changelog.revert(engine, s.id, first, "eve")
    assert db.read_statements(engine) == [s]
    assert [e["action"] for e in changelog.history(engine, s.id)] == ["create", "edit", "revert", "delete", "revert"]


def test_db_stale_delete_is_a_conflict(engine):
    s = make_statement()
    changelog.create(engine, s, "ana")
    changelog.edit(engine, replace(s, stance="support"), 1, "ben")
    with pytest.raises(changelog.Conflict):
        changelog.delete(engine, s.id, 1, "cy")
    assert len(db.read_statements(engine)) == 1


def test_db_dataset_as_of_a_past_moment(engine):
    a, b = make_statement(), make_statement(actor="Emmanuel Macron", affiliation="FR", stance="support")
    changelog.create(engine, a, "ana")
    time.sleep(0.01)
    middle = db.now()
    time.sleep(0.01)
    changelog.create(engine, b, "ana")
    changelog.edit(engine, replace(a, stance="undecided"), 1, "ben")
    assert changelog.as_of(engine, middle) == [a]
    assert changelog.as_of(engine, db.now() + timedelta(seconds=1)) == db.read_statements(engine)
    assert changelog.as_of(engine, middle - timedelta(days=1)) == []


def test_db_accepting_a_suggestion_makes_it_human_reviewed(engine):
    article = "Berlin, 3 May 2024. Chancellor Olaf Scholz said Germany rejects any strikes on Russian soil."
    doc = inbox.add_document(engine, article, "ana", "paste", title="An invented report", published="2024-05-03")
    found = make_statement(evidence="Germany rejects any strikes on Russian soil.", origin="tagged",
                           status="suggested", confidence=0.7, source_url="")
    assert inbox.suggest(engine, doc, [found], "tagger") == 1
    assert inbox.suggest(engine, doc, [found], "tagger") == 0  # not twice
    done = inbox.accept(engine, found.id, replace(found, stance="oppose"), "ana")
    assert (done.origin.value, done.status.value, done.confidence) == ("reviewed", "accepted", 0.7)
    assert db.read_statements(engine) == [done]
    assert [e["action"] for e in changelog.history(engine, found.id) if e["target"] == "statement"] == ["accept"]
    with pytest.raises(StoreError, match="already accepted by ana"):
        inbox.reject(engine, found.id, "wrong", "ben")


def test_db_rejected_suggestion_is_kept_with_its_label(engine):
    doc = inbox.add_document(engine, "Some invented text about nothing in particular.", "ana", "paste")
    wrong = make_statement(evidence="about nothing", status="suggested", origin="tagged", source_url="")
    inbox.suggest(engine, doc, [wrong], "tagger")
    with pytest.raises(InputError):
        inbox.reject(engine, wrong.id, "  ", "ana")
    inbox.reject(engine, wrong.id, "not a statement of position", "ana")
    assert db.read_statements(engine) == []
    data = inbox.training_data(engine)
    assert [(d["decision"], d["label"], d["decided_by"]) for d in data] == [("rejected", "not a statement of position", "ana")]
    assert data[0]["suggested"]["evidence"] == "about nothing"
    assert inbox.listing(engine, doc) == []


def test_db_user_actions_are_one_transaction_each(engine):
    """A failing accept (id already stored) leaves the suggestion pending and logs nothing."""
    s = make_statement(status="suggested", origin="tagged")
    doc = inbox.add_document(engine, "Text.", "ana", "paste")
    inbox.suggest(engine, doc, [s], "tagger")
    changelog.create(engine, replace(s, status="accepted"), "ben")
    with pytest.raises(StoreError, match="already in the database"):
        inbox.accept(engine, s.id, s, "ana")
    assert [x.id for x in inbox.listing(engine, doc)] == [s.id]
    assert [e["action"] for e in changelog.history(engine, s.id)] == ["create", "create"]


@pytest.mark.slow
def test_db_same_view_gives_the_same_figures_on_csv_sqlite_and_postgresql(tmp_path, pg_url, cb, reg):
    from positions.analysis import aggregate
    from positions.present import figures, view

    sqlite = db.sqlite_url(tmp_path / "s.sqlite")
    for u in (sqlite, pg_url):
        e = db.open_store(u, seed=False)
        transfer.import_csv(e, BUNDLED, "tester")
        e.dispose()
    frames = [aggregate.prepare(store.load_frame(src)) for src in (BUNDLED, sqlite, pg_url)]
    for query in ("", "view=matrix&issue=trainer_deployment&as_of=2024-06-15", "view=changes&compare_from=2024-01-01&compare_to=2025-06-30",
                  "view=evidence&q=Macron", "view=actor&actor=FR"):
        state = view.parse_query_string(query)
        drawn = [[f.figure.to_json() for f in figures.figures_for_view(df, state, cb, reg)] for df in frames]
        assert drawn[0], query
        assert drawn[0] == drawn[1] == drawn[2], query


@pytest.mark.slow  # integration: the whole bundled dataset through import and eight commands (~3 s CPU)
def test_db_cli_show_validate_export_agree_with_csv(tmp_path):
    url = db.sqlite_url(tmp_path / "c.sqlite")
    assert invoke("db", "import", str(BUNDLED), "--db", url).exit_code == 0
    for args in (["show", "--as-of", "2024-06-15"], ["show", "--issue", "trainer_deployment", "--as-of", "2025-03-01"]):
        from_csv, from_db = invoke(*args, "--data", str(BUNDLED)), invoke(*args, "--data", url)
        assert from_csv.exit_code == from_db.exit_code == 0
        assert from_csv.output == from_db.output
    assert invoke("validate", url).exit_code == 0
    out = tmp_path / "e.csv"
    assert invoke("db", "export", str(out), "--db", url).exit_code == 0
    assert out.read_bytes() == BUNDLED.read_bytes()
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert invoke("export", "--view", "as_of=2024-06-15", "--out", str(a), "--data", str(BUNDLED)).exit_code == 0
    assert invoke("export", "--view", "as_of=2024-06-15", "--out", str(b), "--data", url).exit_code == 0
    assert a.read_bytes() == b.read_bytes()


def test_db_cli_history_and_as_of_export(tmp_path):
    url = db.sqlite_url(tmp_path / "h.sqlite")
    invoke("db", "import", str(SEED_CSV), "--db", url, "--who", "ana")
    first = store.load_statements(SEED_CSV)[0]
    result = invoke("db", "history", first.id, "--db", url)
    assert result.exit_code == 0 and '"who": "ana"' in result.output and '"action": "create"' in result.output
    bad = invoke("db", "export", str(tmp_path / "x.csv"), "--db", url, "--as-of", "last tuesday")
    assert bad.exit_code == 2 and "--as-of 'last tuesday' is not a moment" in bad.output
    old = invoke("db", "export", str(tmp_path / "old.csv"), "--db", url, "--as-of", "2000-01-01")
    assert old.exit_code == 0 and "wrote 0 statements" in old.output


def test_db_validate_accepts_actors_added_in_review(tmp_path):
    url = db.sqlite_url(tmp_path / "v.sqlite")
    engine = db.open_store(url, seed=False)
    newcomer = make_statement(actor="Ottilie Marchetti", affiliation="IT", actor_type="government",
                              evidence="Marchetti said no.")
    changelog.create(engine, newcomer, "ana")
    refused = invoke("validate", url)
    assert refused.exit_code == 2 and "'Ottilie Marchetti' is not in the actor registry" in refused.output
    inbox.add_actor(engine, "Ottilie Marchetti", "IT", "government", "Deputy Foreign Minister", "adm")
    engine.dispose()
    assert invoke("validate", url).exit_code == 0


def test_db_default_sqlite_second_builder_keeps_the_first_file(tmp_path, monkeypatch):
    """Two processes starting at once: the loser's copy is discarded, the file is never half-built."""
    target = tmp_path / "positions.sqlite"
    db.build_sqlite(target)
    first = target.stat().st_ino
    db.build_sqlite(target)
    assert target.stat().st_ino == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["positions.sqlite"]


def test_db_outdated_database_is_migrated_on_first_read(tmp_path):
    url = db.sqlite_url(tmp_path / "old.sqlite")
    engine = db.engine_for(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE unrelated (x INTEGER)"))  # a database without our tables
    engine.dispose()
    assert store.load_statements(url) == store.load_statements(BUNDLED)  # migrated and seeded
    assert db.current_revision(db.engine_for(url)) == db.HEAD


def test_db_cli_training_writes_decided_suggestions(tmp_path):
    url = db.sqlite_url(tmp_path / "tr.sqlite")
    engine = db.open_store(url, seed=False)
    doc = inbox.add_document(engine, "An invented line of text.", "ana", "paste")
    keep, drop = make_statement(status="suggested", origin="tagged"), make_statement(
        evidence="Other words.", status="suggested", origin="tagged")
    inbox.suggest(engine, doc, [keep, drop], "tagger")
    inbox.accept(engine, keep.id, replace(keep, stance="conditional"), "ana")
    inbox.reject(engine, drop.id, "quote is about something else", "ana")
    engine.dispose()
    out = tmp_path / "reviewed.jsonl"
    result = invoke("db", "training", str(out), "--db", url)
    assert result.exit_code == 0 and "wrote 2 reviewed suggestions" in result.output
    rows = {r["decision"]: r for r in map(__import__("json").loads, out.read_text().splitlines())}
    assert rows["accepted"]["suggested"]["stance"] == "oppose" and rows["accepted"]["accepted"]["stance"] == "conditional"
    assert rows["rejected"]["label"] == "quote is about something else" and rows["rejected"]["accepted"] is None


def test_db_unreachable_server_is_one_line_without_the_password():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = invoke("db", "upgrade", "--db", f"postgresql+psycopg://ana:s3cret@127.0.0.1:{port}/positions")
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and ("cannot migrate" in lines[0] or "cannot connect" in lines[0])
    assert "s3cret" not in result.output and "***" in result.output


def test_db_seeded_database_takes_statements_new_in_a_newer_bundled_csv(tmp_path, monkeypatch):
    seed = tmp_path / "seed.csv"
    rows = store.load_statements(SEED_CSV)
    store.save_statements(rows[:-1], seed)
    monkeypatch.setattr(transfer, "BUNDLED_STATEMENTS", seed)
    monkeypatch.setattr(transfer, "BUNDLED_DOCUMENTS", tmp_path / "no-documents.csv")
    url = db.sqlite_url(tmp_path / "s.sqlite")
    engine = db.open_store(url)
    assert db.read_statements(engine) == rows[:-1]
    changelog.delete(engine, rows[0].id, 1, "ana")  # deleted here: a newer CSV must not bring it back
    store.save_statements(rows, seed)  # the bundled file gains a statement
    engine.dispose()
    engine = db.open_store(url)
    assert db.read_statements(engine) == rows[1:]
    assert changelog.history(engine, rows[-1].id)[0]["who"] == transfer.SEED_USER
    assert transfer.sync_bundled(engine) == 0  # once only
    engine.dispose()
    plain = db.open_store(db.sqlite_url(tmp_path / "p.sqlite"), seed=False)
    transfer.import_csv(plain, SEED_CSV, "ana")
    assert transfer.sync_bundled(plain) == 0  # not seeded from the bundled file: left alone
