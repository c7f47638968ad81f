"""Fault injection (issue 15): start `review`, `ingest` or `db import` on a scratch data folder,
SIGKILL it at a random moment, then check that the store opens and validates, holds every
decision the killed process reported as done, logs each decision exactly once, and has no temp
files or journal left.

    .venv/bin/python scripts/kill_test.py --kills 120            # the full count (benchmarks/kill_test.txt)

The test suite runs the same loop with a few kills (tests/test_hardening_faults.py, marked slow).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from positions.data import checks, files, journal, store  # noqa: E402
from positions.model import Statement  # noqa: E402

SPEAKERS = [("Olaf Scholz", "DE", "German Chancellor"), ("Emmanuel Macron", "FR", "French President"),
            ("Donald Tusk", "PL", "Polish Prime Minister")]


def setup(work: Path, suggestions: int) -> dict[str, Path]:
    """A scratch data folder: a few accepted statements, many pending suggestions, no documents."""
    data = work / "data"
    data.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(suggestions + 3):
        actor, aff, _ = SPEAKERS[i % 3]
        rows.append(Statement(actor=actor, affiliation=aff, actor_type="government",
                              issue=("cross_border_strikes", "trainer_deployment")[i % 2],
                              stance=("support", "oppose", "conditional")[i % 3], statement_date="2024-05-10",
                              evidence=f"An invented remark, number {i}, for the kill test.",
                              source_url=f"https://example.test/kill/{i}", published="2024-05-10",
                              status="accepted" if i < 3 else "suggested", origin="manual" if i < 3 else "tagged",
                              confidence=1.0 if i < 3 else 0.7))
    store.save_statements(rows[:3], data / "statements.csv")
    store.save_statements(rows[3:], data / "suggestions.csv")
    (data / "documents.csv").write_text("doc_id,url,title,published,publisher\n", encoding="utf-8")
    return {"data": data / "statements.csv", "suggestions": data / "suggestions.csv", "log": data / "review-log.jsonl",
            "documents": data / "documents.csv", "db": work / "team.sqlite", "docs": work / "docs"}


def command(op: str, paths: dict, rnd: random.Random, i: int) -> list[str]:
    base = [sys.executable, "-m", "positions"]
    if op == "review":
        pending = [s.id for s in store.load_statements(paths["suggestions"]) if s.status.value == "suggested"]
        ids = rnd.sample(pending, min(20, len(pending)))
        args = []
        for n, sid in enumerate(ids):
            args += ["--accept" if n % 3 else "--reject", sid]
        return base + ["review", "--suggestions", str(paths["suggestions"]), "--data", str(paths["data"]),
                       "--log", str(paths["log"]), "--reviewer", "kill-test", *args]
    if op == "ingest":
        docs = paths["docs"] / f"batch{i}"
        docs.mkdir(parents=True)
        for k in range(3):
            actor, _, title = SPEAKERS[(i + k) % 3]
            (docs / f"d{i}-{k}.txt").write_text(
                f"{title} {actor} said on Monday that Ukraine should be allowed to use Western weapons to strike "
                f"military targets inside Russia. Invented batch {i}, item {k}.\n", encoding="utf-8")
        return base + ["ingest", str(docs), "--documents", str(paths["documents"]),
                       "--out", str(paths["suggestions"]), "--data", str(paths["data"])]
    return base + ["db", "import", str(paths["data"]), "--db", f"sqlite:///{paths['db']}", "--who", "kill-test"]


def reported(stdout: str) -> dict[str, str]:
    """id -> 'accepted'/'rejected' for every decision the process printed as done."""
    out = {}
    for line in stdout.splitlines():
        word, _, sid = line.partition(" ")
        if word in ("accepted", "rejected") and sid:
            out[sid.strip()] = word
    return out


def verify(paths: dict, done: dict[str, str], reg) -> None:
    """AssertionError unless the store is whole and consistent after recovery."""
    journal.recover_if_needed(paths["data"].parent)
    left = [n for n in os.listdir(paths["data"].parent) if files.TEMP_RE.match(n) or n == journal.JOURNAL_NAME]
    assert not left, f"left behind: {left}"
    numbered = store.load_numbered(paths["data"])
    problem = checks.first_problem(numbered, reg, {})
    assert problem is None, f"validate: {problem}"
    data = {s.id: s for _, s in numbered}
    sugg = {s.id: s for s in store.load_statements(paths["suggestions"])}
    for sid, what in done.items():
        assert sugg[sid].status.value == what, f"{sid} reported {what}, stored {sugg[sid].status.value}"
        if what == "accepted":
            assert sid in data and data[sid].origin.value == "reviewed", f"{sid} reported accepted, not in the data"
    log = Counter()
    if paths["log"].exists():
        for line in paths["log"].read_text(encoding="utf-8").splitlines():
            log[json.loads(line)["id"]] += 1
    for sid, s in sugg.items():
        want = 0 if s.status.value == "suggested" else 1
        assert log[sid] == want, f"{sid} is {s.status.value} but logged {log[sid]} times"
        if s.status.value == "accepted":
            assert sid in data, f"{sid} accepted in suggestions but missing from the data"


def db_count(paths: dict) -> int | None:
    if not paths["db"].exists():
        return None
    from positions.data import db
    engine = db.open_store(f"sqlite:///{paths['db']}", seed=False)  # opens (migrates a half-created file)
    try:
        return len(db.read_statements(engine))
    finally:
        engine.dispose()


def wait_or_exit(proc: subprocess.Popen, delay: float) -> float | None:
    """Wait `delay` seconds or until the process exits; the seconds it ran if it exited first."""
    start = time.monotonic()
    while time.monotonic() - start < delay:
        if proc.poll() is not None:
            return time.monotonic() - start
        time.sleep(0.005)
    return None


def run(kills: int, seed: int = 15, work: Path | None = None, quiet: bool = False) -> dict:
    """Kill `kills` writers; returns the counts. AssertionError on the first inconsistency."""
    import tempfile

    from positions.reference import registry

    rnd = random.Random(seed)
    work = Path(work or tempfile.mkdtemp(prefix="positions-kill-"))
    paths = setup(work, suggestions=max(100, kills * 12))
    reg = registry.load()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "POSITIONS_HOME": str(ROOT)}
    done: dict[str, str] = {}
    counts = Counter(killed=0, finished=0)
    # Upper bound of the kill delay per (op, aimed); shrunk to below a run's own length whenever a run
    # finishes first, so a fast machine still gets its kills (CI once finished every run before the kill).
    limit = {("review", True): 0.8, ("review", False): 3.0, ("ingest", False): 6.0, ("import", False): 3.0}
    low = {("review", False): 0.5, ("ingest", False): 1.0, ("import", False): 0.8}
    i = 0
    # Bounded: once the suggestions run out, writers finish before any kill and the loop would spin.
    while counts["killed"] < kills and i < kills * 10:
        i += 1
        op = ("review", "review", "ingest", "import")[i % 4]
        before_db = db_count(paths) if op == "import" else None
        rows_now = len(store.load_statements(paths["data"])) if op == "import" else None
        out_path = work / f"out{i}.txt"
        with open(out_path, "w") as out:
            proc = subprocess.Popen(command(op, paths, rnd, i), cwd=ROOT, env=env, stdout=out,
                                    stderr=subprocess.STDOUT)
            aimed = op == "review" and i % 8 != 1
            if aimed:
                # Aim at the writes: wait for the first decision to be reported, then kill within ~0.8 s
                # (a decision takes ~50 ms), so most kills land between or inside commits.
                deadline = time.monotonic() + 60
                while proc.poll() is None and time.monotonic() < deadline and "ed " not in out_path.read_text():
                    time.sleep(0.01)
            key = (op, aimed)
            hi = limit[key]
            lo = min(low.get(key, 0.0), hi / 2)
            ran = wait_or_exit(proc, rnd.uniform(lo, hi))
            if ran is not None:
                limit[key] = max(0.02, 0.6 * ran)
            alive = proc.poll() is None
            if alive:
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        text = out_path.read_text()
        assert "Traceback" not in text, text[-2000:]
        done.update(reported(text))
        verify(paths, done, reg)
        if op == "import":
            after = db_count(paths)
            assert after in (before_db, rows_now) or (before_db is None and after in (None, 0, rows_now)), \
                f"db import left {after} statements (before {before_db}, file {rows_now})"
        counts["killed" if alive else "finished"] += 1
        counts[f"{op}-{'killed' if alive else 'finished'}"] += 1
        if not quiet and alive:
            print(f"kill {counts['killed']:>3} {op:<7} decisions so far {len(done)}", flush=True)
    counts["decisions_reported"] = len(done)
    return dict(counts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kills", type=int, default=120)
    ap.add_argument("--seed", type=int, default=15)
    args = ap.parse_args()
    t0 = time.time()
    counts = run(args.kills, args.seed)
    print(f"kills survived: {counts['killed']} (review {counts.get('review-killed', 0)}, ingest "
          f"{counts.get('ingest-killed', 0)}, import {counts.get('import-killed', 0)}); runs that finished before "
          f"the kill: {counts.get('finished', 0)}; decisions reported and found: {counts['decisions_reported']}; "
          f"{time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
