"""Layout helpers shared by the charts: the data date, legends placed in pixels, text widths."""
from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

DATA_END_FILL = "rgba(0,0,0,0.07)"
GREY_TEXT = "#4D4D4D"      # 8.4:1 on white (captions, source lines)


def data_to_text(data_to: date | None) -> str:
    return f"Data to {data_to:%-d %b %Y}" if data_to else "No dated statements"


def grey_after(fig: go.Figure, data_to: date | None, as_of: date) -> go.Figure:
    """Grey the part of a time axis after the latest statement (nothing is known there yet)."""
    if data_to is None or pd.Timestamp(as_of) <= pd.Timestamp(data_to):
        return fig
    x0 = (pd.Timestamp(data_to) + pd.Timedelta(days=1)).isoformat()
    x1 = (pd.Timestamp(as_of) + pd.Timedelta(days=1)).isoformat()
    fig.add_shape(type="rect", xref="x", yref="paper", x0=x0, x1=x1, y0=0, y1=1, layer="above",
                  fillcolor=DATA_END_FILL, line={"width": 0}, name="after data end")
    return fig


def text_width(text: str, size: float = 12) -> float:
    """Approximate rendered width (px) of plain text in Liberation Sans / Arial at `size` px."""
    narrow = sum(ch in "iljtfr.,;:'!|() " for ch in text)
    wide = sum(ch in "mwMW@%" or ch.isupper() for ch in text)
    return size * (0.55 * (len(text) - narrow - wide) + 0.3 * narrow + 0.75 * wide)


def legend_rows(labels: list[str], width: float, size: float = 12) -> int:
    """Rows a horizontal legend of `labels` takes in `width` px (each entry: symbol + text + gap).
    Plotly puts the entries on one row when they all fit; otherwise it lays them out in a grid whose
    columns are as wide as the widest entry, so one long label takes several short ones' room."""
    widths = [40 + text_width(lab, size) + 10 for lab in labels]
    if not widths or sum(widths) <= width:
        return 1
    per_row = max(1, int(width // max(widths)))
    return -(-len(widths) // per_row)


def _luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    chans = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in chans]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #RRGGBB colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(fill: str) -> str:
    """Black or white, whichever reads better on `fill` (stance cells: >= 4.5:1 for every stance)."""
    return "#000000" if contrast(fill, "#000000") >= contrast(fill, "#FFFFFF") else "#FFFFFF"


def spread_end_labels(notes: list, fig: go.Figure, plot_h: int) -> list:
    """Line-end labels (name 'end') pushed apart vertically so that none overlaps the next."""
    ends = [a for a in notes if getattr(a, "name", None) == "end"]
    rng = fig.layout.yaxis.range
    if len(ends) < 2 or not rng:
        return notes
    lo, hi = float(rng[0]), float(rng[1])
    pos = {id(a): (float(a.y) - lo) / (hi - lo) * plot_h for a in ends}   # px above the plot's bottom
    placed_top = None
    for a in sorted(ends, key=lambda a: -pos[id(a)]):
        half = 8 * (str(a.text).count("<br>") + 1)
        centre = pos[id(a)]
        if placed_top is not None and centre + half > placed_top - 2:
            centre = placed_top - 2 - half
        a.yshift = centre - pos[id(a)]
        placed_top = centre - half
    return notes
