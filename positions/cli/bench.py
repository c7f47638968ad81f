"""`python -m positions bench dashboard|tagger`: how fast the page opens and reruns at N statements.

`bench dashboard` drives the real page (dashboard.py) through Streamlit's AppTest in fresh
processes: cold start to first chart (interpreter start, imports, reading the analytical copy,
first render), filter-change reruns, peak RSS of that process, and a warm chart export (PNG via
kaleido). Baselines, measured the same way: a trivial Streamlit page with one chart, and a plain
`pandas.read_parquet` of the analytical copy. The data is the synthetic generator's, in
benchmarks/out/ (made once); its analytical copy is built first (validation happens then).
"""
from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import click

from positions import paths

ROOT = paths.ROOT
OUT = ROOT / "benchmarks" / "out"
TRIVIAL_PAGE = """import plotly.graph_objects as go
import streamlit as st
st.title("trivial page")
st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 3, 2])))
"""
TARGETS = {"cold_start_s": 3.0, "rerun_s": {100_000: 0.3, 1_000_000: 1.0}, "peak_rss_mb": 1024, "export_s": 0.3}


def machine() -> dict:
    """Where the figures were measured."""
    import psutil

    return {"platform": platform.platform(), "python": platform.python_version(), "cores": os.cpu_count(),
            "cpu": platform.processor() or _cpu_model(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def dataset(rows: int, seed: int = 7) -> Path:
    """benchmarks/out/synthetic-<rows>-v<generator version>.csv, generated when missing (a file
    from an older generator is never reused)."""
    from positions.data import synthetic

    path = OUT / f"synthetic-{rows}-v{synthetic.VERSION}.csv"
    if not path.exists():
        synthetic.write(synthetic.generate(rows, seed), path)
    return path


def _child(args: list[str], env: dict) -> tuple[float, dict]:
    """Run `python -m positions.cli.bench_child ARGS`; (seconds from spawn to its first chart, its report)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "positions.cli.bench_child", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first, report = None, {}
    for line in proc.stdout:
        msg = json.loads(line)
        if msg["event"] == "first_chart":
            first = time.perf_counter() - t0
        report.update(msg)
    err = proc.stderr.read()
    if proc.wait() != 0 or first is None:
        raise click.ClickException(f"benchmark child failed: {err.strip().splitlines()[-1] if err.strip() else '?'}")
    return first, report


def measure(rows: int, repeats: int = 3, cold_runs: int = 3) -> dict:
    """Every figure of `bench dashboard` at `rows` statements (see the module docstring)."""
    import pandas as pd

    from positions.data import analytical

    data = dataset(rows)
    manifest = analytical.build(data)
    parquet = analytical.copy_dir(data) / "statements.parquet"
    t = time.perf_counter()
    pd.read_parquet(parquet)
    baseline_read = time.perf_counter() - t
    env = {**os.environ, "POSITIONS_DATA": str(data), "PYTHONPATH": str(ROOT)}
    trivial = OUT / "trivial_page.py"
    trivial.write_text(TRIVIAL_PAGE, encoding="utf-8")
    trivial_cold = min(_child(["page", str(trivial)], env)[0] for _ in range(cold_runs))
    colds, report = [], {}
    for i in range(cold_runs):
        cold, rep = _child(["page", str(ROOT / "dashboard.py")] + (["--reruns", str(repeats)] if i == 0 else []), env)
        colds.append(cold)
        report = report or rep
    _, export = _child(["export", str(data)], env)
    out = {
        "rows": rows, "statements_after_merging": manifest["statements"], "data": str(data.relative_to(ROOT)),
        "cold_start_s": round(statistics.median(colds), 3), "cold_start_runs_s": [round(c, 3) for c in colds],
        "cold_start_cpu_s": report["cold_start_cpu_s"],
        "rerun_s": round(max(report["reruns"].values()), 3), "reruns_median_s": report["reruns"],
        "rerun_cpu_s": round(max(report["reruns_cpu"].values()), 3), "reruns_median_cpu_s": report["reruns_cpu"],
        "peak_rss_mb": report["peak_rss_mb"], "export_s": export["export_s"],
        "baseline_read_s": round(baseline_read, 3), "baseline_trivial_page_s": round(trivial_cold, 3),
        "analytical_full_build_s": manifest.get("build_s"),
    }
    out["ratios"] = {"cold_start / trivial page": round(out["cold_start_s"] / trivial_cold, 2),
                     "cold_start / read_parquet": round(out["cold_start_s"] / baseline_read, 2),
                     "rerun / read_parquet": round(out["rerun_s"] / baseline_read, 2)}
    return out


def verdicts(res: dict) -> dict:
    """Which targets the figures meet (rerun target only at 100k and 1M)."""
    out = {"cold_start_s": res["cold_start_s"] <= TARGETS["cold_start_s"],
           "peak_rss_mb": res["peak_rss_mb"] <= TARGETS["peak_rss_mb"],
           "export_s": res["export_s"] <= TARGETS["export_s"]}
    if res["rows"] in TARGETS["rerun_s"]:
        out["rerun_s"] = res["rerun_s"] <= TARGETS["rerun_s"][res["rows"]]
    return out


@click.command("dashboard")
@click.option("--rows", type=int, default=100_000, show_default=True, help="Synthetic statements to open.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False), default=None, help="Write the figures here.")
@click.option("--repeats", type=int, default=3, show_default=True, help="Reruns per kind of filter change.")
def dashboard(rows, json_out, repeats):
    """Time the page at N statements: cold start, filter-change reruns, peak memory, chart export.

    \b
    Example:
        python -m positions bench dashboard --rows 1000000 --json benchmarks/results/dashboard-1m.json
    """
    if rows < 1:
        raise click.BadParameter("must be at least 1", param_hint="--rows")
    res = {"machine": machine(), **measure(rows, repeats)}
    res["meets_targets"] = verdicts(res)
    res["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    for key in ("cold_start_s", "cold_start_cpu_s", "rerun_s", "rerun_cpu_s", "peak_rss_mb", "export_s", "baseline_read_s", "baseline_trivial_page_s"):
        click.echo(f"{key:24} {res[key]}")
    for name, value in res["ratios"].items():
        click.echo(f"{name:24} {value}x")
    click.echo("targets met: " + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in res["meets_targets"].items()))
    if json_out:
        from positions.data.store import atomic_write_bytes

        atomic_write_bytes(json_out, (json.dumps(res, indent=1) + "\n").encode("utf-8"))


def _tagger_command() -> click.Command:
    """The tagger benchmark as `bench tagger` (it was `bench` with a WHAT argument)."""
    from positions.tagger.bench import bench as tagger_bench

    from positions.cli.options import encoding_of, encoding_param

    params = [p for p in tagger_bench.params if p.name != "what"] + [encoding_param("the --corpus documents")]
    return click.Command("tagger", params=params, help=tagger_bench.help,
                         callback=lambda encoding, **kw: tagger_bench.callback(
                             what="tagger", encoding=encoding_of("corpus", encoding), **kw))


@click.group("bench")
def bench():
    """Benchmarks: `bench dashboard` (page at scale) and `bench tagger` (throughput and scores).

    \b
    Example:
        python -m positions bench dashboard --rows 100000 --json out.json
    """


bench.add_command(dashboard)
bench.add_command(_tagger_command())
