"""Benchmark the database store against the CSV store on the bundled data: loading, the
per-rerun version check the dashboard makes, an edit with its change-log entry, the as-of
rebuild, and dashboard reruns (AppTest) reading SQLite. Targets: a dashboard rerun within 300 ms
(as benchmarks/dashboard_bench.txt), an edit within 50 ms.

Run from the project root:  .venv/bin/python benchmarks/db_store.py  (writes benchmarks/db_store.txt;
starts a throw-away PostgreSQL server like the tests do)
"""
from __future__ import annotations

import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from positions.data import changelog, db, store, transfer  # noqa: E402
from tests.pg_server import create_database, postgres_server  # noqa: E402

BUNDLED = ROOT / "data" / "statements.csv"
REPEAT = 15


def timed(fn, repeat=REPEAT) -> tuple[float, float]:
    """(median ms, max ms) of `repeat` calls after one warm-up."""
    fn()
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
    return statistics.median(runs), max(runs)


def edits(engine) -> callable:
    first = db.read_statements(engine)[0]

    def one():
        cur = changelog.get(engine, first.id)
        changelog.edit(engine, replace(cur.statement, note=f"bench {cur.version}"), cur.version, "bench")
    return one


def store_rows(label: str, url: str) -> list[str]:
    engine = db.open_store(url, seed=False)
    t = time.perf_counter()
    transfer.import_csv(engine, BUNDLED, "bench")
    imported = (time.perf_counter() - t) * 1000
    out = [f"{label}: import of {BUNDLED.name} (every row logged): {imported:.0f} ms"]
    for name, fn in (("load_frame (validate + dedupe)", lambda: store.load_frame(url)),
                     ("data_version (each dashboard rerun)", lambda: store.data_version(url)),
                     ("edit + change-log entry", edits(engine)),
                     ("dataset as of now (replay)", lambda: changelog.as_of(engine, datetime(2100, 1, 1)))):
        med, worst = timed(fn)
        out.append(f"  {name:<38} median {med:7.1f} ms   max {worst:7.1f} ms")
    engine.dispose()
    return out


def dashboard_rows(url: str) -> list[str]:
    from streamlit.testing.v1 import AppTest

    os.environ["POSITIONS_DB_URL"] = url
    os.environ.pop("POSITIONS_DATA", None)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    t = time.perf_counter()
    at.run()
    first = (time.perf_counter() - t) * 1000
    out = [f"dashboard on SQLite: first run {first:.0f} ms"]
    days = [date(2024, 6, 1) + timedelta(days=9 * i) for i in range(6)]
    for name, change in (("as-of slider (new day each run)", lambda d, i: d.slider(key="as_of").set_value(days[i])),
                         ("minimum confidence", lambda d, i: d.slider(key="min_conf").set_value(0.5 + i / 20)),
                         ("same view again", lambda d, i: None)):
        runs = []
        for i in range(5):
            change(at, i)
            t = time.perf_counter()
            at.run()
            runs.append((time.perf_counter() - t) * 1000)
        assert not at.exception, at.exception
        out.append(f"  {name:<38} median {statistics.median(runs):7.1f} ms   max {max(runs):7.1f} ms")
    return out


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="positions-bench-"))
    lines = [f"# database store benchmark, {time.strftime('%Y-%m-%d %H:%M')}",
             f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
             f"load average at start {os.getloadavg()[0]:.1f}",
             "other sessions share this 2-core machine: with a load average well above 2, every time below is "
             "stretched by that load (compare the CSV line, the same work as in dashboard_bench.txt)",
             f"data: {BUNDLED.relative_to(ROOT)} ({len(store.load_statements(BUNDLED))} statements)", ""]
    med, worst = timed(lambda: store.load_frame(BUNDLED))
    lines.append(f"CSV: load_frame (validate + dedupe)  median {med:7.1f} ms   max {worst:7.1f} ms")
    lines += store_rows("SQLite (WAL)", db.sqlite_url(tmp / "bench.sqlite"))
    with postgres_server() as (host, port):
        lines += store_rows("PostgreSQL 15 (local, fsync off)", create_database(host, port))
    seeded = tmp / "dash.sqlite"
    shutil.copy(tmp / "bench.sqlite", seeded)
    lines += dashboard_rows(db.sqlite_url(seeded))
    lines.append(f"load average at end {os.getloadavg()[0]:.1f}")
    shutil.rmtree(tmp, ignore_errors=True)
    text = "\n".join(lines) + "\n"
    (ROOT / "benchmarks" / "db_store.txt").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
