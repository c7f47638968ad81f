"""Issue 15: readers (the page, the CLI) see one whole committed version while a writer process keeps
replacing the files of the data folder (journal.read_consistently, a sequence lock on the journal)."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from positions.data import journal, store
from positions.errors import StoreError
from tests.conftest import make_statement

ROOT = Path(__file__).resolve().parent.parent
ROWS = 40

# The writer moves statements between the two files in one transaction, as a review decision does:
# statements = rows[:k], suggestions = rows[k:], with k jumping between 35 and 3. The short
# statements file is a prefix of the long one, so a reader that pairs it with the long file's
# manifest would call it truncated; one that pairs old and new files would see rows missing or twice.
WRITER = textwrap.dedent("""
    import pickle, sys, time
    from pathlib import Path
    from positions.data import journal, store
    folder, rows = Path(sys.argv[1]), pickle.loads(Path(sys.argv[2]).read_bytes())
    n = 0
    while n < int(sys.argv[3]):
        k = (35, 3)[n % 2]
        with journal.transaction(folder) as batch:
            store.put_statements(batch, rows[:k], folder / "statements.csv")
            store.put_statements(batch, rows[k:], folder / "suggestions.csv")
            batch.commit()
        n += 1
        time.sleep(0.002 * (n % 7))  # uneven gaps: some reads fit between commits, some overlap one
    print(n)
""")


@pytest.fixture(name="folder")
def _folder(tmp_path):
    import pickle

    from datetime import date, timedelta

    days = [(date(2024, 1, 1) + timedelta(days=3 * i)).isoformat() for i in range(ROWS)]
    rows = [make_statement(evidence=f"An invented remark for the read test, number {i}.", statement_date=day,
                           published=day, source_url=f"https://example.test/read/{i}") for i, day in enumerate(days)]
    folder = tmp_path / "data"
    folder.mkdir()
    with journal.transaction(folder) as batch:
        store.put_statements(batch, rows[:35], folder / "statements.csv")
        store.put_statements(batch, rows[35:], folder / "suggestions.csv")
        batch.commit()
    (tmp_path / "rows.pickle").write_bytes(pickle.dumps(rows))
    return folder


def _writer(folder: Path, commits: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(folder), str(folder.parent / "rows.pickle"),
                             str(commits)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def _read_pair(folder: Path):
    return (store.load_statements(folder / "statements.csv"), store.load_statements(folder / "suggestions.csv"))


@pytest.mark.slow   # a writer process racing the reads
def test_reads_see_whole_versions_while_a_writer_replaces_the_files(folder):
    """Every read of statements + suggestions during many commits is one committed version: the two
    files together hold each of the 40 statements exactly once, and no read fails."""
    writer = _writer(folder, 120)
    reads, splits = 0, set()
    try:
        time.sleep(0.3)  # let the writer start committing
        while writer.poll() is None:
            stmts, sugg = store.consistent(folder / "statements.csv", lambda: _read_pair(folder))
            ids = [s.id for s in stmts] + [s.id for s in sugg]
            assert len(ids) == ROWS and len(set(ids)) == ROWS, (len(stmts), len(sugg))
            splits.add(len(stmts))
            reads += 1
    finally:
        writer.wait(30)
    commits = int(writer.stdout.read().strip())
    print(f"\n{reads} reads during {commits} commits, all whole; statements seen: {sorted(splits)}")
    assert writer.returncode == 0 and commits == 120 and reads >= 10, (writer.returncode, commits, reads)
    assert splits <= {3, 35}, splits  # whole versions only, never a mix


@pytest.mark.slow   # a writer process racing the reads
def test_reads_single_file_never_call_a_replaced_file_truncated(folder):
    """The statements file alone, read while it and its manifest are replaced: never refused."""
    writer = _writer(folder, 80)
    seen = set()
    try:
        time.sleep(0.3)
        while writer.poll() is None:
            seen.add(len(store.load_statements(folder / "statements.csv")))
    finally:
        writer.wait(30)
    assert writer.returncode == 0 and seen and seen <= {3, 35}, seen


def test_reads_retry_while_a_journal_is_present_and_then_give_one_line(folder, monkeypatch):
    """A journal a killed writer left in a folder the reader may not repair: bounded retries, one line."""
    (folder / journal.JOURNAL_NAME).write_text('{"files": []}')
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode))
    with pytest.raises(StoreError) as err:
        journal.read_consistently(folder, lambda: "never used", attempts=4)
    assert "killed mid-commit" in str(err.value) and "\n" not in str(err.value)


def test_reads_a_real_problem_is_raised_at_once(folder):
    """A damaged file with no commit running is reported on the first read, not retried."""
    calls = []

    def read():
        calls.append(1)
        raise StoreError("statements.csv:3: damaged")
    with pytest.raises(StoreError, match="damaged"):
        journal.read_consistently(folder, read)
    assert len(calls) == 1


def test_reads_every_commit_changes_the_version(folder):
    before = journal.version(folder)
    store.save_statements([make_statement()], folder / "other.csv")
    assert journal.version(folder) not in (before, b"")


@pytest.mark.slow   # a writer process racing the reads
def test_reads_without_write_access_stay_optimistic_and_see_whole_versions(folder, monkeypatch):
    """A page running as a user who cannot write the folder takes no lock, and still reads whole versions."""
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode))
    monkeypatch.setattr(journal, "transaction", None)  # would fail if a read tried to lock
    writer = _writer(folder, 80)
    reads = 0
    try:
        time.sleep(0.3)
        while writer.poll() is None:
            stmts, sugg = store.consistent(folder / "statements.csv", lambda: _read_pair(folder))
            assert len({s.id for s in stmts} | {s.id for s in sugg}) == ROWS == len(stmts) + len(sugg)
            reads += 1
    finally:
        writer.wait(30)
    assert writer.returncode == 0 and reads >= 3, reads


@pytest.mark.slow   # a writer process racing the reads
def test_reads_the_page_loader_sees_whole_versions(folder):
    """The dashboard's CSV path (the analytical copy, rebuilt when the file changes) read through
    store.consistent while the writer runs: each load holds one version's statements."""
    from positions.data import analytical

    path = folder / "statements.csv"
    writer = _writer(folder, 60)
    seen = []
    try:
        time.sleep(0.3)
        while writer.poll() is None:
            seen.append(store.consistent(path, lambda: (analytical.build(path)["rows"], len(analytical.load(path)))))
    finally:
        writer.wait(30)
    rows = {r for r, _ in seen}
    assert writer.returncode == 0 and seen and rows <= {3, 35}, seen
    assert len(set(seen)) == len(rows), seen  # one version, one frame


def test_reads_inside_a_transaction_with_a_stray_temp_file_do_not_wait(folder):
    """A temp file appearing in the folder (another process's output probe or unlocked write) while this
    process holds the lock: its reads inside the transaction go on at once (no wait on its own lock)."""
    from positions.data import files
    with journal.transaction(folder) as batch:
        files.temp_name(folder / "statements.csv").write_bytes(b"partial")
        t0 = time.monotonic()
        kept = store.load_statements(folder / "statements.csv")
        assert time.monotonic() - t0 < 5 and len(kept) == 35
        store.put_statements(batch, kept[:1], folder / "statements.csv")
        batch.commit()
    assert len(store.load_statements(folder / "statements.csv")) == 1
    assert not [n for n in os.listdir(folder) if files.TEMP_RE.match(n)]
