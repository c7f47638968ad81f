"""Documents per second of `tag-corpus` with 1 and 2 local Dask workers on a 10k-document synthetic corpus.

    /work/main/.venv/bin/python benchmarks/tag_corpus.py [--docs 10000] [--tag under-load]
    # writes benchmarks/results/tag-corpus[-<tag>].json

The corpus (benchmarks/out/corpus-<n>/, made once) is news-like text from the tagger benchmark's
generator, 1-4 KB per document, about one sentence in twenty on an issue. Each run starts from an
empty output (no resume), so it tags every document; the time includes starting the cluster.
Also recorded: the CPU seconds of the command and all its worker processes (less sensitive than
wall time to other load on the machine), and documents per CPU second.
"""
from __future__ import annotations

import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from positions.cli.bench import machine  # noqa: E402
from positions.tagger.bench import synthetic_text  # noqa: E402

OUT = ROOT / "benchmarks" / "out"


def corpus(n: int) -> Path:
    folder = OUT / f"corpus-{n}"
    if folder.is_dir() and len(list(folder.glob("*.txt"))) == n:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(5)
    for i in range(n):
        (folder / f"doc{i:05d}.txt").write_text(synthetic_text(rnd.randint(1000, 4000), seed=i), encoding="utf-8")
    return folder


def _children_cpu() -> float:
    """User + system CPU seconds of every finished child process (the command, its Dask workers)."""
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def run(folder: Path, workers: int) -> dict:
    out = OUT / f"tag-corpus-{workers}w.parquet"
    for stale in (out, out.with_name(out.stem + ".documents.parquet")):
        stale.unlink(missing_ok=True)
    shutil.rmtree(out.with_name(out.name + ".parts"), ignore_errors=True)
    t, cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.run([sys.executable, "-m", "positions", "tag-corpus", str(folder), "--out", str(out),
                           "--workers", str(workers)], cwd=ROOT, capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - t, _children_cpu() - cpu
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-500:])
    n = len(list(folder.glob("*.txt")))
    return {"workers": workers, "documents": n, "seconds": round(seconds, 2), "docs_per_s": round(n / seconds, 1),
            "cpu_s": round(cpu, 1), "docs_per_cpu_s": round(n / cpu, 1) if cpu else None,
            "summary": proc.stderr.strip().splitlines()[-1]}


def main() -> int:
    n = int(sys.argv[sys.argv.index("--docs") + 1]) if "--docs" in sys.argv else 10_000
    tag = f"-{sys.argv[sys.argv.index('--tag') + 1]}" if "--tag" in sys.argv else ""
    folder = corpus(n)
    res = {"machine": machine(), "corpus": str(folder.relative_to(ROOT)),
           "corpus_mb": round(sum(p.stat().st_size for p in folder.glob("*.txt")) / 1e6, 1),
           "runs": [run(folder, 1), run(folder, 2)]}
    res["speedup_2_vs_1"] = round(res["runs"][1]["docs_per_s"] / res["runs"][0]["docs_per_s"], 2)
    res["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    path = ROOT / "benchmarks" / "results" / f"tag-corpus{tag}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
