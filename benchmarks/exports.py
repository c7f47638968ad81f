"""Benchmark the exports: warm chart images (target <= 0.3 s each) and a 5-chart pack (target <= 3 s).

Run from the project root:  .venv/bin/python benchmarks/exports.py  (writes benchmarks/exports.txt)
"""
from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import date
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from positions.reference import codebook  # noqa: E402
from positions.present import export
from positions.present import figures
from positions.reference import registry
from positions.data import store
from positions.present import view

REPEAT = 15


def timed(fn, repeat=REPEAT):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def line(label, times, target=None):
    med, worst = statistics.median(times), max(times)
    verdict = "" if target is None else ("  OK" if med <= target else "  OVER TARGET")
    return f"{label:<48} median {med:6.3f} s   max {worst:6.3f} s   n={len(times)}" + (
        f"   target <= {target} s{verdict}" if target else "")


def main() -> None:
    out = []
    df, cb, reg = store.load_frame(), codebook.load(), registry.load()
    state = view.parse_query_string("as_of=2024-05-31")
    ex = export.build_export(df, state, cb, reg)
    chromium = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True).stdout.strip()
    out.append(f"exports benchmark, {date.today().isoformat()}: {platform.python_version()}, {os.cpu_count()} cores, "
               f"plotly {version('plotly')}, kaleido {version('kaleido')}, python-pptx {version('python-pptx')}, "
               f"{chromium or 'chromium ?'}")
    out.append(f"data: {len(df)} statements (bundled); view ?{ex.query}: {len(ex.figures)} chart, {len(ex.rows)} statements")
    out.append("load average at start: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    out.append("")

    t = time.perf_counter()
    export.ensure_kaleido()
    export.export_bytes(ex, "png")
    out.append(line("kaleido server start + first PNG (cold)", [time.perf_counter() - t]))
    for fmt in export.IMAGE_FORMATS:
        out.append(line(f"warm chart image {fmt.upper()} (1200x640{', 2x' if fmt == 'png' else ''})",
                        timed(lambda: export.export_bytes(ex, fmt)), target=0.3))
    # The map view (once figures.py draws one): local topojson, 50m world, heavier than line charts.
    map_ex = export.build_export(df, view.parse_query_string("view=map&as_of=2024-12-31"), cb, reg)
    maps = [f for f in map_ex.figures if f.key == "map"]
    if maps:
        export.chart_image(maps[0], "png", map_ex.period, map_ex.source)
        out.append(line("warm map PNG (topojson world_50m)", timed(
            lambda: export.chart_image(maps[0], "png", map_ex.period, map_ex.source), 5)))
    else:
        out.append("map view: not drawn by this figures.py, skipped")
    # Five different charts for the pack: both issues, several dates.
    five = []
    for i, (issue, day) in enumerate([("cross_border_strikes", "2024-05-31"), ("trainer_deployment", "2024-06-30"),
                                      ("cross_border_strikes", "2024-06-30"), ("trainer_deployment", "2024-12-31"),
                                      ("cross_border_strikes", "2024-12-31")]):
        named = figures.figures_for_view(df, view.parse_query_string(f"issue={issue}&as_of={day}"), cb, reg)[0]
        five.append(figures.NamedFigure(f"{named.key}{i}", named.title, named.figure, named.caption))
    pack_ex = export.build_export(df, state, cb, reg, figures=five)
    pptx = export.briefing_pack(pack_ex)
    out.append(line("briefing pack PPTX, 5 charts (incl. rendering)", timed(lambda: export.briefing_pack(pack_ex), 5),
                    target=3.0))
    out.append(f"{'':<48} pack size {len(pptx) / 1e6:.2f} MB")
    for fmt in export.DATA_FORMATS:
        out.append(line(f"data {fmt.upper()}", timed(lambda: export.export_bytes(ex, fmt))))
    if export.soffice_path():
        out.append(line("pack PDF via LibreOffice (optional)", timed(lambda: export.pack_pdf(pptx), 2)))
    else:
        out.append("pack PDF via LibreOffice: soffice not installed, skipped")

    # Reference: stock kaleido sync server (it reloads the tab before returning each image).
    import kaleido
    import plotly.io as pio
    pio.defaults.headers = None
    kaleido.start_sync_server(silence_warnings=True)
    fig = export.export_figure(ex.figures[0], ex.period, ex.source)
    fig.to_image(format="png", width=export.WIDTH, height=export.HEIGHT, scale=2)
    out.append("")
    out.append(line("reference: stock kaleido.start_sync_server PNG",
                    timed(lambda: fig.to_image(format="png", width=export.WIDTH, height=export.HEIGHT, scale=2))))
    kaleido.stop_sync_server(silence_warnings=True)
    out.append("load average at end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))

    text = "\n".join(out) + "\n"
    (ROOT / "benchmarks" / "exports.txt").write_text(text, encoding="utf-8")
    print(text, end="")


if __name__ == "__main__":
    main()
