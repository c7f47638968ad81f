"""The process `bench dashboard` times: one JSON line per event on stdout (not a user command).

    python -m positions.cli.bench_child page dashboard.py [--reruns N]
    python -m positions.cli.bench_child export benchmarks/out/synthetic-100000.csv
"""
from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from datetime import timedelta


def emit(**msg) -> None:
    print(json.dumps(msg), flush=True)


def cpu_s() -> float:
    """CPU seconds of this process so far (user + system): less sensitive than wall time to other load."""
    use = resource.getrusage(resource.RUSAGE_SELF)
    return round(use.ru_utime + use.ru_stime, 3)


def peak_rss_mb() -> float:
    """This process's peak resident memory. On Linux its memory map's high-water mark (VmHWM):
    `ru_maxrss` survives exec, so a child spawned by a parent holding 1.4 GB (the bench after its
    read_parquet baseline at 1M) reported 1.4 GB whatever it used itself."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)  # kB
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB


def changes(at) -> dict[str, list]:
    """Kinds of filter change, each with values new to the page's caches."""
    last = at.slider(key="as_of").value
    days = [last - timedelta(days=d) for d in (200, 430, 610, 820)]
    return {
        "as-of slider": [lambda a, d=d: a.slider(key="as_of").set_value(d) for d in days],
        "issue": [lambda a, i=i: a.selectbox(key="issue").select(i)
                  for i in ("trainer_deployment", "cross_border_strikes", "trainer_deployment", "cross_border_strikes")],
        "minimum confidence": [lambda a, c=c: a.slider(key="min_conf").set_value(c) for c in (0.35, 0.55, 0.75, 0.85)],
        "groups": [lambda a, g=g: a.multiselect(key="groups").set_value(g) for g in (["NATO"], ["EU"], ["G7"], [])],
        "stances": [lambda a, s=s: a.multiselect(key="stances").set_value(s)
                    for s in (["support"], ["oppose"], ["support", "conditional"], [])],
        "reviewed only": [lambda a, r=r: a.checkbox(key="reviewed").set_value(r) for r in (True, False, True, False)],
        "view": [lambda a, v=v: a.radio(key="view").set_value(v) for v in ("matrix", "map", "changes", "evidence")],
    }


def page(script: str, reruns: int) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(script, default_timeout=900)
    at.run()
    if at.exception:
        raise SystemExit(f"{script}: {at.exception[0].value}")
    if not at.get("plotly_chart"):
        raise SystemExit(f"{script}: no chart on the first run")
    emit(event="first_chart", peak_rss_mb=peak_rss_mb(), cold_start_cpu_s=cpu_s())
    if not reruns:
        return
    medians, cpu = {}, {}
    for name, setters in changes(at).items():
        times, cpus = [], []
        for set_widget in setters[:reruns + 1]:
            set_widget(at)
            t, c = time.perf_counter(), time.process_time()
            at.run()
            times.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
            if at.exception:
                raise SystemExit(f"{script}: {name}: {at.exception[0].value}")
        medians[name] = round(statistics.median(times), 3)
        cpu[name] = round(statistics.median(cpus), 3)
    emit(event="done", reruns=medians, reruns_cpu=cpu, peak_rss_mb=peak_rss_mb())


def export(data: str, repeats: int = 7) -> None:
    """Warm chart export: the default view's first chart as PNG, after one render has started kaleido."""
    from positions.analysis import aggregate
    from positions.data import analytical
    from positions.present import export as export_mod
    from positions.present import view
    from positions.reference import codebook, registry

    df = aggregate.prepare(analytical.load(data))
    cb, reg = codebook.load(), registry.load()
    ex = export_mod.build_export(df, view.DEFAULT, cb, reg)
    key = ex.figures[0].key
    emit(event="first_chart")
    export_mod.chart_bytes(ex, key, "png")  # starts kaleido: the cold render
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        export_mod.chart_bytes(ex, key, "png")
        times.append(time.perf_counter() - t)
    emit(event="done", export_s=round(statistics.median(times), 3), chart=key)


def main(argv: list[str]) -> None:
    if argv[0] == "page":
        reruns = int(argv[argv.index("--reruns") + 1]) if "--reruns" in argv else 0
        page(argv[1], reruns)
    elif argv[0] == "export":
        export(argv[1])
    else:
        raise SystemExit(f"unknown mode {argv[0]!r}; use page or export")


if __name__ == "__main__":
    main(sys.argv[1:])
