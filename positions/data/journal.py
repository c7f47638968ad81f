"""One writer at a time, all or nothing, for the files of a data folder.

`transaction(folder)` takes the folder's inter-process lock (filelock), finishes or rolls back what a
killed writer left (journal replay, temp clean-up) and yields a `Batch`; `Batch.commit()` stages
every new file content beside its target, writes the journal (the list of staged files and their
checksums) atomically, then renames each staged file over its target and removes the journal.
A kill before the journal exists leaves only temp files (rolled back on the next start); a kill
after it is replayed on the next start, so a decision's files change together or not at all.

Readers take no lock (a dashboard may run as a user who cannot write the folder, and filelock has no
shared side): `read_consistently` is a sequence lock instead. Every commit also replaces the folder's
version file (a fresh random token) while its journal exists; a read counts only if no journal was
there before or after it and the version did not change meanwhile, otherwise it is retried (after
a few misses, under the lock when the reader may write the folder). So a read sees one whole
committed version of every file of the folder, never a mix of two commits.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from positions.data import files
from positions.errors import StoreError

LOCK_NAME = ".positions.lock"
JOURNAL_NAME = ".positions.journal"
VERSION_NAME = ".positions.version"
LOCK_TIMEOUT = 120.0
READ_ATTEMPTS = 40
OPTIMISTIC_READS = 3
READ_LOCK_TIMEOUT = 10.0


def lock_for(folder: Path, timeout: float = LOCK_TIMEOUT) -> FileLock:
    # A new FileLock per transaction (not the library's per-path singleton): no shared state.
    return FileLock(str(folder / LOCK_NAME), timeout=timeout, is_singleton=False)


class Batch:
    """New contents for several files of one folder, committed together."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.writes: dict[Path, bytes] = {}

    def put(self, path: str | Path, data: bytes) -> None:
        self.writes[Path(path).absolute()] = data

    def commit(self) -> None:
        """Stage every file, write the journal, rename all into place, drop the journal."""
        staged, current = [], self.folder
        if any(path.parent == self.folder for path in self.writes):  # readers of the folder retry across it
            self.writes[self.folder / VERSION_NAME] = uuid.uuid4().hex.encode()
        try:
            for path, data in self.writes.items():
                current = path
                path.parent.mkdir(parents=True, exist_ok=True)
                staged.append((path, files.stage(path, data), hashlib.sha256(data).hexdigest()))
            entries = [{"target": str(p), "temp": str(t), "sha256": h} for p, t, h in staged]
            current = self.folder
            files.atomic_write_bytes(self.folder / JOURNAL_NAME, json.dumps({"files": entries}).encode())
        except (OSError, StoreError) as e:
            for _, tmp, _ in staged:
                files.unlink_quietly(tmp)
            why = files.os_problem(e) if isinstance(e, OSError) else str(e).rsplit(": ", 1)[-1]
            raise StoreError(f"{files.shown(current)}: cannot be written: {why}; nothing was changed") from None
        except BaseException:
            for _, tmp, _ in staged:
                files.unlink_quietly(tmp)
            raise
        replay(self.folder)
        self.writes.clear()


def _sha256(path: Path) -> str | None:
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None


def replay(folder: Path) -> bool:
    """Finish the committed batch recorded in the folder's journal, if any; True if there was one."""
    journal = folder / JOURNAL_NAME
    try:
        entries = json.loads(journal.read_bytes())["files"]
    except FileNotFoundError:
        return False
    except (ValueError, KeyError, TypeError):  # never written half (atomic), but be safe: roll back
        files.unlink_quietly(journal)
        return True
    dirs = set()
    for e in entries:
        target, tmp = Path(e["target"]), Path(e["temp"])
        if tmp.exists() and _sha256(tmp) == e["sha256"]:
            os.replace(tmp, target)
            dirs.add(target.parent)
    for d in dirs:
        files.fsync_dir(d)
    files.unlink_quietly(journal)
    files.fsync_dir(folder)
    return True


def recover(folder: Path) -> None:
    """With the lock held: replay a committed journal, then remove leftover temp files."""
    replay(folder)
    files.clean_temp_files(folder)


@contextmanager
def transaction(folder: str | Path, timeout: float = LOCK_TIMEOUT):
    """Hold the data folder's lock, recover from any killed writer, yield a Batch to fill and commit."""
    folder = Path(folder).absolute()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = lock_for(folder, timeout)
        lock.acquire()
    except Timeout:
        raise StoreError(f"{files.shown(folder)}: another positions process has been writing for "
                         f"{timeout:.0f} s ({LOCK_NAME}); try again when it has finished") from None
    except OSError as e:
        raise StoreError(f"{files.shown(folder)}: cannot lock the data folder: {files.os_problem(e)}") from None
    try:
        recover(folder)
        yield Batch(folder)
    finally:
        lock.release()


def recover_if_needed(folder: str | Path) -> None:
    """At start: if a killed writer left a journal or temp files, finish or roll back under the lock.
    Only when the lock is free: a process holding it (this one, inside a transaction, or another
    writer) recovers when its transaction starts, and a reader waits on a running commit through
    read_consistently. Readers without write permission (a dashboard running as another user) skip this."""
    folder = Path(folder)
    try:
        names = os.listdir(folder)
    except OSError:
        return
    if not (JOURNAL_NAME in names or any(files.TEMP_RE.match(n) for n in names)) or not os.access(folder, os.W_OK):
        return
    lock = lock_for(folder.absolute(), timeout=0)
    try:
        lock.acquire()
    except (Timeout, OSError):
        return
    try:
        recover(folder.absolute())
    finally:
        lock.release()

def version(folder: Path) -> bytes:
    """The folder's version token (changes with every commit); b'' before the first one."""
    try:
        return (folder / VERSION_NAME).read_bytes()
    except OSError:
        return b""


def committing(folder: Path) -> bool:
    """True while a commit is renaming files into place (or a killed one awaits replay)."""
    return os.path.lexists(folder / JOURNAL_NAME)


def read_consistently(folder: str | Path, read, attempts: int = READ_ATTEMPTS):
    """`read()` as of one committed version of the folder's files. Optimistic first: retried while a
    commit runs or when one ran during it (a StoreError from a read that overlapped a commit too).
    After a few misses a reader that may write the folder reads under the lock (a busy writer cannot
    starve it); one that may not keeps retrying, then gives one line."""
    folder = Path(folder).absolute()
    for attempt in range(attempts):
        if attempt == OPTIMISTIC_READS and os.access(folder, os.W_OK):
            lock = lock_for(folder, READ_LOCK_TIMEOUT)  # bounded: never a deadlock with another folder's writer
            try:
                lock.acquire()
            except (Timeout, OSError):
                pass  # keep trying optimistically
            else:
                try:
                    recover(folder)
                    return read()
                finally:
                    lock.release()
        before = version(folder)
        if not committing(folder):
            try:
                result = read()
            except StoreError:
                if not committing(folder) and version(folder) == before:
                    raise  # a real problem of the file, not a commit seen half
            else:
                if not committing(folder) and version(folder) == before:
                    return result
        time.sleep(min(0.002 * 2 ** attempt, 0.25))
    raise StoreError(f"{files.shown(folder)}: the data changed during every one of {attempts} reads, or a writer "
                     f"was killed mid-commit ({JOURNAL_NAME}); run any positions command as the data's owner, then retry")
