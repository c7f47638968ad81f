"""The official-position engine on 100k synthetic statements: the baseline a faster path must beat.

    /work/main/.venv/bin/python benchmarks/engine_bench.py   # writes benchmarks/engine_bench.txt

Times (process CPU, median of 7) of engine.prepare (once per file version on the page), and of
official() + as_of / daily / changes / flags_on, the calls one page rerun makes.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from positions.analysis import engine  # noqa: E402
from positions.data import store, synthetic  # noqa: E402
from positions.reference import registry  # noqa: E402

OUT = ROOT / "benchmarks" / "out" / "synthetic-100k.csv"
RESULT = ROOT / "benchmarks" / "engine_bench.txt"
ISSUE = "cross_border_strikes"


def cpu_ms(fn, repeats: int = 7) -> float:
    times = []
    for _ in range(repeats):
        start = time.process_time()
        fn()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    reg = registry.load()
    if not OUT.exists():
        OUT.parent.mkdir(parents=True, exist_ok=True)
        synthetic.write(synthetic.generate(100_000, seed=7, reg=reg), OUT)
    raw = store.load_frame(OUT)
    df = engine.prepare(raw, reg)
    off = engine.official(df, ISSUE)
    on, frm = date(2025, 6, 1), date(2025, 1, 1)
    cases = {
        "prepare (once per file version)": lambda: engine.prepare(raw, reg),
        "official(rows, issue)": lambda: engine.official(df, ISSUE),
        "as_of(day)": lambda: off.as_of(on),
        "daily(2023-01-01 .. 2025-06-01)": lambda: off.daily(date(2023, 1, 1), on),
        "changes(from, to)": lambda: off.changes(frm, on),
        "flags_on(day)": lambda: off.flags_on(on),
        "supporters(day)": lambda: off.supporters(on),
    }
    lines = [f"# engine benchmark, {time.strftime('%Y-%m-%d %H:%M')}, {len(df)} synthetic statements, "
             f"{len(off.counted)} counting on {ISSUE}",
             f"load average at start: {os.getloadavg()[0]:.1f} (a shared 2-core machine; CPU time, median of 7)"]
    for name, fn in cases.items():
        lines.append(f"{name:40s} {cpu_ms(fn, 3 if name.startswith('prepare') else 7):8.0f} ms")
    RESULT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
