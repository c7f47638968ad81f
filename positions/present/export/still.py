"""A framed page figure made lighter for a still image: the same marks, less for plotly.js to do.

Measured in kaleido's tab (benchmarks/export_profile.py): on the "who, since when" grid the
per-row labels right of the plot cost more than the bars, because plotly.js lays out each
annotation on its own (its text measured, its box drawn). The same labels as one text trace,
at the same place and in the same font, are drawn in one pass. Hover texts are dropped: an
image never shows them, and they are most of the figure's JSON.
"""
from __future__ import annotations

import plotly.graph_objects as go

HOVER_ONLY = ("customdata", "hovertemplate", "hovertext")
GAP_MARKER = 8   # plotly.js sets text off a marker by size / 1.6 + 1 px: 6 px


def drop_hover(fig: go.Figure) -> go.Figure:
    """Remove what only a hover shows (an image has no pointer); the marks are unchanged."""
    for trace in fig.data:
        for prop in HOVER_ONLY:
            if prop in trace and trace[prop] is not None:
                trace[prop] = None
    return fig


def _right_labels(fig: go.Figure) -> list:
    """Row labels placed just right of the plot (who_chart's "since" labels)."""
    return [a for a in fig.layout.annotations or ()
            if a.xref == "paper" and a.x == 1 and a.xanchor == "left" and a.yref == "y" and not a.yshift]


def labels_as_text(fig: go.Figure) -> go.Figure:
    """Row labels right of a plot with a fixed x range drawn as one text trace instead of one
    annotation each. The trace's points sit on the range's end (plotly.js hides text points past
    it); an invisible marker of GAP_MARKER px keeps the text 6 px right of the plot, as the
    annotations' `xshift` did."""
    labels = _right_labels(fig)
    rng = fig.layout.xaxis.range
    if not labels or not rng:
        return fig
    by_font = {}
    for a in labels:   # one trace per font (colour and size); who_chart uses one
        by_font.setdefault((a.font.size, a.font.color, a.font.family), []).append(a)
    fig.layout.annotations = [a for a in fig.layout.annotations if all(a is not b for b in labels)]
    for (size, colour, family), part in by_font.items():
        fig.add_trace(go.Scatter(
            x=[rng[1]] * len(part), y=[a.y for a in part], text=[a.text for a in part],
            mode="markers+text", marker={"size": GAP_MARKER, "opacity": 0}, textposition="middle right", cliponaxis=False, showlegend=False, hoverinfo="skip",
            name="row labels", textfont={"size": size, "color": colour, "family": family}))
    return fig


def lighten(fig: go.Figure) -> go.Figure:
    """The figure as a still image needs it (same data, labels, legend, title and source line)."""
    return labels_as_text(drop_hover(fig))
