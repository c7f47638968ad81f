"""engine.official against the page's fast path on the analytical copy of N synthetic statements.

    /work/main/.venv/bin/python benchmarks/fast_path.py [--rows 1000000] [--tag under-load]
    # writes benchmarks/results/fast-path-<N>[-<tag>].json

Three ways to the same `Official`: `engine` (numpy, its winner order computed per call), `fast`
(fast.official as the page calls it: the copy's stored order, numpy events below
fast.DUCKDB_ROWS counted statements) and `duckdb` (the stored order, events by one DuckDB query).

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
    tag = f"-{sys.argv[sys.argv.index('--tag') + 1]}" if "--tag" in sys.argv else ""
    df = fast.page_frame(dataset(rows_n))
    last = df["effective_date"].max()
    filters = {"none": df, "min_conf 0.6": df[df["confidence"] >= 0.6],
               "reviewed only": df[df["origin"].isin(["reviewed", "manual"])]}
    out = []
    for issue in ("cross_border_strikes", "trainer_deployment"):
        for name, rows in filters.items():
            ref = engine.official(rows, issue).events.astype(str)
            ways = {"engine": engine.official, "fast": fast.official, "duckdb": fast.duckdb_official}
            same = all(way(rows, issue).events.astype(str).equals(ref) for way in ways.values())
            out.append({"issue": issue, "filter": name, "rows": len(rows), "same_events": same,
                        **{f"{k}_s": timed(lambda way=way: way(rows, issue).as_of(last)) for k, way in ways.items()}})
    res = {"machine": machine(), "rows": rows_n, "note": "(wall s, CPU s), median of 3", "runs": out}
    path = ROOT / "benchmarks" / "results" / f"fast-path-{rows_n}{tag}.json"
    path.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
