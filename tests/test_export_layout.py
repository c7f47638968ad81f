"""Chart images for every view on the bundled data: PNG, SVG and PDF render, and in the SVG (as
Chromium lays it out) no title, tick, legend entry, event label, footnote or source line touches
another; the source line names the dataset, the data date, the statement count and the view's link."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from positions.data import store
from positions.present import export, view, who_since
from positions.present.view import VIEWS
from tests.svg_boxes import measure, overlaps

pytestmark = pytest.mark.slow
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(name="bundled", scope="module")
def _bundled():
    return store.load_frame(store.DEFAULT_PATH)


@pytest.fixture(name="svg_boxes")
def _svg_boxes(tmp_path):
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed")

    def boxes(svg: bytes) -> list[dict]:
        path = tmp_path / "chart.svg"
        path.write_bytes(svg)
        return measure([str(path)])[str(path)]
    return boxes


QUERIES = {name: f"view={name}" for name in VIEWS}
QUERIES["actor"] = "view=actor&actor=FR&issue=trainer_deployment"   # same-day statements, walk-backs
QUERIES["changes"] = "view=changes&compare_from=2024-05-01"
QUERIES["supporters"] = "view=supporters"                            # many key events: numbered labels


@pytest.mark.parametrize("name", VIEWS)
def test_export_layout_every_view_renders_without_overlap(kaleido_server, svg_boxes, bundled, cb, reg, name):
    ex = export.build_export(bundled, view.parse_query_string(QUERIES[name]), cb, reg)
    assert ex.figures, f"{name}: no chart on the bundled data"
    named = ex.figures[0]
    assert export.chart_image(named, "png", ex.period, ex.source)[:8] == b"\x89PNG\r\n\x1a\n"
    assert export.chart_image(named, "pdf", ex.period, ex.source)[:5] == b"%PDF-"
    svg = export.chart_image(named, "svg", ex.period, ex.source)
    boxes = svg_boxes(svg)
    assert overlaps(boxes) == [], f"{name}: overlapping text"
    text = " ".join(b["text"] for b in boxes)
    data_to = who_since.data_to(bundled)
    assert f"data to {data_to:%-d %b %Y}" in text, "the source line carries the data date"
    assert f"{len(ex.rows)} statements" in text and "Source: positions" in text
    assert "http://127.0.0.1:8501/?" in text
    # Nothing drawn below the source line, and the source line inside the image.
    height = float(re.search(rb'<svg[^>]*height="([\d.]+)"', svg).group(1))
    source = [b for b in boxes if "Source: positions" in b["text"]]
    assert source and max(b["y1"] for b in boxes) == max(b["y1"] for b in source) <= height


def test_export_layout_colliding_event_labels_are_numbered_with_footnotes(bundled, cb, reg):
    ex = export.build_export(bundled, view.parse_query_string("view=supporters"), cb, reg)
    fig, _ = export.export_figure(ex.figures[0], ex.period, ex.source)
    events = [a for a in fig.layout.annotations if (a.name or "").startswith("event")]
    notes = " ".join(a.text for a in fig.layout.annotations if a.name == "footnotes")
    assert events and all(re.fullmatch(r"┊\d+", a.text) for a in events)
    for n in range(1, len(events) + 1):
        assert f"[{n}] " in notes


def test_export_layout_has_no_empty_band_above_the_plot(bundled, cb, reg):
    """The top margin holds the title, subtitle and (if any) the top axis and event labels, nothing more."""
    ex = export.build_export(bundled, view.parse_query_string("view=evidence"), cb, reg)
    fig, _ = export.export_figure(ex.figures[0], ex.period, ex.source)
    assert fig.layout.margin.t <= 10 + 24 + 18 + 6


def test_export_layout_check_sees_a_source_line_drawn_over_the_legend(kaleido_server, svg_boxes, bundled, cb, reg):
    """The overlap check itself: a page figure with a source line pushed onto its legend fails it."""
    import plotly.graph_objects as go
    ex = export.build_export(bundled, view.parse_query_string("view=supporters"), cb, reg)
    fig = go.Figure(ex.figures[0].figure)
    legend = fig.layout.legend
    fig.add_annotation(text=ex.source, xref="paper", yref="paper", x=legend.x, y=legend.y, yanchor="top",
                       xanchor="left", showarrow=False)
    pairs = overlaps(svg_boxes(export.render(fig, "svg", 1200, 640)))
    assert any("Source: positions" in b and a in ("Support", "Conditional") for a, b in pairs)
