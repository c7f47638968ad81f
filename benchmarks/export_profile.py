"""Where a warm chart export spends its time: the export frame in Python vs kaleido's rendering.

Takes the code path of `bench dashboard`'s export child (`positions.cli.bench_child export`):
the default view of the analytical copy, its first chart as PNG, kaleido already started.
Each export is split into its steps (the framed copy of the page figure, `to_dict`, the
kaleido render) and the figure is described (traces, points, annotations, shapes, JSON size),
so a change to what the chart draws can be weighed against what the renderer costs.

Run from the project root:
    /work/main/.venv/bin/python benchmarks/export_profile.py benchmarks/out/synthetic-100000-v2.csv [--repeats 7] \
        [--json benchmarks/results/export-profile-100k-under-load.json]
Steps: `still_spec` (frame a copy of the page figure, `to_dict`, lighten it: paid once per view,
then cached on the Export), `kaleido` (the render alone) and `chart_bytes` (what
`bench dashboard` times: a warm export of a view already exported once). Files measured on
older code (key "code") name the first step `export_figure` (+ `to_dict`).
Add --cprofile to print the 25 costliest functions of the Python part.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

import plotly.graph_objects as go
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from positions.analysis import aggregate  # noqa: E402
from positions.data import analytical  # noqa: E402
from positions.present import export as export_mod  # noqa: E402
from positions.present import view  # noqa: E402
from positions.present.export import images  # noqa: E402
from positions.present.export.formats import SCALE, WIDTH  # noqa: E402
from positions.reference import codebook, registry  # noqa: E402


def describe(fig) -> dict:
    """What plotly.js has to draw: traces, points, text labels, shapes and the JSON sent to kaleido."""
    points = sum(len(t.x) if getattr(t, "x", None) is not None else 0 for t in fig.data)
    patterned = sum(1 for t in fig.data if getattr(t, "marker", None) is not None
                    and getattr(t.marker, "pattern", None) is not None and t.marker.pattern.shape)
    return {"traces": len(fig.data), "trace_types": sorted({t.type for t in fig.data}), "points": points,
            "patterned_traces": patterned, "annotations": len(fig.layout.annotations or ()),
            "shapes": len(fig.layout.shapes or ()), "json_kb": round(len(fig.to_json()) / 1024, 1),
            "y_categories": len(fig.layout.yaxis.categoryarray or ())}


def cpu_s() -> float:
    """CPU seconds of this process and its children so far (kaleido's Chromium is one): a cost
    that, unlike wall time, hardly depends on what else the shared machine runs."""
    me = psutil.Process()
    procs = [me] + me.children(recursive=True)
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def warm_cpu(ex, key: str, repeats: int) -> float:
    """Median CPU seconds (Python + Chromium) of one warm `chart_bytes` PNG, renders 1 s apart so
    that work a render leaves behind (a tab reload) is counted with it."""
    cpus = []
    for _ in range(repeats):
        c = cpu_s()
        export_mod.chart_bytes(ex, key, "png")
        time.sleep(1.0)
        cpus.append(cpu_s() - c)
    return round(statistics.median(cpus), 3)


def step_times(ex, key: str, repeats: int) -> dict:
    """Median seconds per step of one warm PNG export: the image's figure (`still_spec`: frame,
    `to_dict`, lighten; paid once per view), the kaleido render alone, and `chart_bytes` (cached figure)."""
    named = next(f for f in ex.figures if f.key == key)
    server = images.ensure_kaleido()
    steps: dict[str, list[float]] = {"still_spec": [], "kaleido": [], "chart_bytes": []}
    for _ in range(repeats):
        t = time.perf_counter()
        spec, height = images.still_spec(named, ex.period, ex.source)
        steps["still_spec"].append(time.perf_counter() - t)
        t = time.perf_counter()
        server.calc(*images._job(spec, "png", WIDTH, height, SCALE))
        steps["kaleido"].append(time.perf_counter() - t)
        t = time.perf_counter()
        export_mod.chart_bytes(ex, key, "png")
        steps["chart_bytes"].append(time.perf_counter() - t)
    return {name: round(statistics.median(ts), 4) for name, ts in steps.items()} | {"image_height": height}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    load_at_start = round(os.getloadavg()[0], 2)
    df = aggregate.prepare(analytical.load(args.data))
    cb, reg = codebook.load(), registry.load()
    t = time.perf_counter()
    ex = export_mod.build_export(df, view.DEFAULT, cb, reg)
    build = time.perf_counter() - t
    key = ex.figures[0].key
    export_mod.chart_bytes(ex, key, "png")  # starts kaleido: the cold render
    spec, _ = images.still_spec(ex.figures[0], ex.period, ex.source)
    out = {"data": args.data, "chart": key, "load_average_at_start": load_at_start,
           "build_export_s": round(build, 3), "page_figure": describe(ex.figures[0].figure),
           "export_figure": describe(go.Figure(spec)), "steps_s": step_times(ex, key, args.repeats),
           "chart_bytes_cpu_s": warm_cpu(ex, key, args.repeats),
           "load_average_at_end": round(os.getloadavg()[0], 2)}
    print(json.dumps(out, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    if args.cprofile:
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(args.repeats):
            images.still_spec(ex.figures[0], ex.period, ex.source)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
