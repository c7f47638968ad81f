"""Concurrent writers (issue 15): N `review` processes at once on one CSV store, each with its own
suggestions to accept (disjoint) plus a shared set every process tries to accept or reject
(overlapping). Afterwards no decision reported as done is lost, every shared suggestion was
decided exactly once, every other attempt on it was reported as a conflict, and the log holds
each decision exactly once. Two `ingest` runs at once keep both runs' suggestions.

    .venv/bin/python scripts/concurrency_test.py --writers 20
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from positions.data import store  # noqa: E402
from scripts.kill_test import reported, setup  # noqa: E402


def review_cmd(paths: dict, accept: list[str], reject: list[str], who: str) -> list[str]:
    args = [a for sid in accept for a in ("--accept", sid)] + [a for sid in reject for a in ("--reject", sid)]
    return [sys.executable, "-m", "positions", "review", "--suggestions", str(paths["suggestions"]),
            "--data", str(paths["data"]), "--log", str(paths["log"]), "--reviewer", who, *args]


def run(writers: int = 20, own: int = 3, shared: int = 5, work: Path | None = None) -> dict:
    """Returns the counts; AssertionError on a lost update or an unreported conflict."""
    work = Path(work or tempfile.mkdtemp(prefix="positions-conc-"))
    paths = setup(work, suggestions=writers * own + shared)
    ids = [s.id for s in store.load_statements(paths["suggestions"])]
    common, rest = ids[:shared], ids[shared:]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "POSITIONS_HOME": str(ROOT)}
    procs = []
    for w in range(writers):
        mine = rest[w * own:(w + 1) * own]
        accept, reject = (mine + common, []) if w % 2 else (mine, common)
        procs.append(subprocess.Popen(review_cmd(paths, accept, reject, f"writer{w}"), cwd=ROOT, env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    done, conflicts, codes = {}, Counter(), Counter()
    for p in procs:
        out, err = p.communicate(timeout=600)
        codes[p.returncode] += 1
        assert "Traceback" not in err, err[-2000:]
        for sid, what in reported(out).items():
            assert sid not in done, f"{sid} reported done twice"
            done[sid] = what
        for line in err.splitlines():
            if line.startswith("conflict: "):
                conflicts[line.split()[1].rstrip(":")] += 1
    data = {s.id: s for s in store.load_statements(paths["data"])}
    sugg = {s.id: s for s in store.load_statements(paths["suggestions"])}
    log = Counter(json.loads(line)["id"] for line in paths["log"].read_text(encoding="utf-8").splitlines())
    for sid in rest[:writers * own]:
        assert done.get(sid) == "accepted" and sid in data, f"lost update: {sid}"
    for sid in common:
        assert sid in done, f"{sid}: nobody reported deciding it"
        assert conflicts[sid] == writers - 1, f"{sid}: {conflicts[sid]} conflicts reported, expected {writers - 1}"
        assert sugg[sid].status.value == done[sid]
    for sid, what in done.items():
        assert log[sid] == 1, f"{sid} logged {log[sid]} times"
        assert (sid in data) == (what == "accepted")
    assert sum(log.values()) == len(done)
    return {"writers": writers, "decisions": len(done), "conflicts_caught": sum(conflicts.values()),
            "exit_1": codes[1], "exit_0": codes[0]}


def two_ingests(work: Path | None = None) -> int:
    """Two ingest runs at once on different folders; returns the suggestions kept (both runs')."""
    work = Path(work or tempfile.mkdtemp(prefix="positions-ingest2-"))
    paths = setup(work, suggestions=0)
    env = {**os.environ, "POSITIONS_HOME": str(ROOT)}
    procs, per_run = [], []
    for r in range(2):
        folder = work / f"docs{r}"
        folder.mkdir()
        (folder / f"r{r}.txt").write_text(
            ("French President Emmanuel Macron said on Monday that Ukraine should be allowed to use Western weapons "
             "to strike military targets inside Russia.\n" if r == 0 else
             "Polish Prime Minister Donald Tusk said on Tuesday that Poland would not send troops to Ukraine.\n"),
            encoding="utf-8")
        procs.append(subprocess.Popen([sys.executable, "-m", "positions", "ingest", str(folder), "--documents",
                                       str(paths["documents"]), "--out", str(paths["suggestions"]), "--data",
                                       str(paths["data"])], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True))
    for p in procs:
        out, _ = p.communicate(timeout=300)
        assert p.returncode == 0
        per_run.append(int(out.split()[0]))
    kept = len(store.load_statements(paths["suggestions"]))
    assert all(per_run) and kept == sum(per_run), f"runs added {per_run}, file keeps {kept}"
    return kept


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--writers", type=int, default=20)
    args = ap.parse_args()
    t0 = time.time()
    c = run(args.writers)
    kept = two_ingests()
    print(f"{c['writers']} concurrent writers: {c['decisions']} decisions, none lost, each logged once; "
          f"conflicts caught and reported: {c['conflicts_caught']}; two concurrent ingests kept {kept} suggestions "
          f"(both runs); {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
