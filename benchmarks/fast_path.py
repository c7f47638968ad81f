"""engine.official (numpy) against fast.official (DuckDB) on the analytical copy of N synthetic statements.

    /work/main/.venv/bin/python benchmarks/fast_path.py [--rows 1000000]   # writes benchmarks/results/fast-path-<N>.json

Per issue and filter (none, minimum confidence 0.6, reviewed only): median wall and CPU seconds of
`official(rows, issue)` followed by `.as_of(last day)` (what a filter change costs the page),
and a check that both give the same change events.
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from positions.analysis import engine, fast  # noqa: E402
from positions.cli.bench import dataset, machine  # noqa: E402
from positions.data import analytical  # noqa: E402

REPEATS = 3


def timed(fn) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(REPEATS):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return round(statistics.median(walls), 3), round(statistics.median(cpus), 3)


def main() -> int:
    rows_n = int(sys.argv[sys.argv.index("--rows") + 1]) if "--rows" in sys.argv else 1_000_000
    df = engine.prepare(analytical.load(dataset(rows_n), accepted_only=True))
    last = df["effective_date"].max()
    filters = {"none": df, "min_conf 0.6": df[df["confidence"] >= 0.6],
               "reviewed only": df[df["origin"].isin(["reviewed", "manual"])]}
    out = []
    for issue in ("cross_border_strikes", "trainer_deployment"):
        for name, rows in filters.items():
            a, b = engine.official(rows, issue), fast.official(rows, issue)
            same = a.events.astype(str).equals(b.events.astype(str))
            out.append({"issue": issue, "filter": name, "rows": len(rows), "same_events": same,
                        "engine_s": timed(lambda: engine.official(rows, issue).as_of(last)),
                        "fast_s": timed(lambda: fast.official(rows, issue).as_of(last))})
    res = {"machine": machine(), "rows": rows_n, "note": "(wall s, CPU s), median of 3", "runs": out}
    path = ROOT / "benchmarks" / "results" / f"fast-path-{rows_n}.json"
    path.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
