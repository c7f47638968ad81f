"""A framed page figure made lighter for a still image: the same marks, less for plotly.js to do.

Measured in kaleido's tab (benchmarks/export_profile.py): on the "who, since when" grid the
per-row labels right of the plot cost more than the bars, because plotly.js lays out each
annotation on its own (its text measured, its box drawn). The same labels as one text trace,
at the same place and in the same font, are drawn in one pass. Hover texts are dropped: an
image never shows them, and they are most of the figure's JSON.

Works on the figure's plotly JSON (`Figure.to_dict()`): plain dict edits, no plotly validation.
"""
from __future__ import annotations

HOVER_ONLY = ("customdata", "hovertemplate", "hovertext")
GAP_MARKER = 8   # plotly.js sets text off a marker by size / 1.6 + 1 px: 6 px, the labels' xshift


def drop_hover(spec: dict) -> dict:
    """Remove what only a hover shows (an image has no pointer); the marks are unchanged."""
    for trace in spec.get("data", ()):
        for prop in HOVER_ONLY:
            trace.pop(prop, None)
    return spec


def _right_label(a: dict) -> bool:
    """A row label placed just right of the plot (who_chart's "since" labels)."""
    return (a.get("xref") == "paper" and a.get("x") == 1 and a.get("xanchor") == "left" and a.get("yref") == "y"
            and not a.get("yshift"))


def labels_as_text(spec: dict) -> dict:
    """Row labels right of a plot with a fixed x range drawn as one text trace per font instead of
    one annotation each. The points sit on the range's end (plotly.js hides text points past it);
    an invisible GAP_MARKER px marker keeps the text 6 px right of the plot, as before."""
    layout = spec.get("layout", {})
    notes = layout.get("annotations") or []
    labels = [a for a in notes if _right_label(a)]
    rng = layout.get("xaxis", {}).get("range")
    if not labels or not rng:
        return spec
    layout["annotations"] = [a for a in notes if not _right_label(a)]
    by_font: dict[str, list[dict]] = {}
    for a in labels:   # who_chart uses one font for all of them
        by_font.setdefault(repr(sorted((a.get("font") or {}).items())), []).append(a)
    for part in by_font.values():
        spec.setdefault("data", []).append({
            "type": "scatter", "x": [rng[1]] * len(part), "y": [a["y"] for a in part],
            "text": [a.get("text", "") for a in part], "mode": "markers+text",
            "marker": {"size": GAP_MARKER, "opacity": 0}, "textposition": "middle right", "cliponaxis": False,
            "showlegend": False, "hoverinfo": "skip", "name": "row labels", "textfont": dict(part[0].get("font") or {})})
    return spec


def lighten(spec: dict) -> dict:
    """The figure's JSON as a still image needs it (same data, labels, legend, title and source line)."""
    return labels_as_text(drop_hover(spec))
