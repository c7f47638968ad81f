"""The frame of a still chart: title, event labels, legend, footnotes and source line, placed in pixels.

A page figure is laid out by the browser at any width; an image has one size, so here every
text block gets its own band and the figure's height is the sum of the bands (no empty
space, nothing drawn over anything else):

    title + subtitle | date axis (if on top) | event labels | plot | axis | legend | footnotes | source

Event labels that would collide are replaced by numbers, explained in the footnotes.
"""
from __future__ import annotations

import html
import textwrap

import pandas as pd
import plotly.graph_objects as go

from positions.present.layout import GREY_TEXT, legend_rows, spread_end_labels, text_width

TITLE_PX, SUBTITLE_PX, PAD = 24, 18, 10
AXIS_PX = 30          # tick labels of a date / category axis
EVENT_ROW = 18
LEGEND_ROW = 24
LINE_PX = 16          # footnote and source lines (font 11-12)
EVENT_FONT = 11


def _split_title(fig: go.Figure, fallback: str) -> tuple[str, str]:
    text = (fig.layout.title.text if fig.layout.title and fig.layout.title.text else fallback) or ""
    sub = fig.layout.title.subtitle.text if fig.layout.title and fig.layout.title.subtitle else ""
    if "<br><sup>" in text:
        text, rest = text.split("<br><sup>", 1)
        sub = rest.replace("</sup>", "")
    return text, sub or ""


def _events(fig: go.Figure) -> tuple[list, list]:
    notes = list(fig.layout.annotations or ())
    events = [a for a in notes if (a.name or "").startswith("event")]
    return events, [a for a in notes if a not in events]


def _event_px(events, fig: go.Figure, plot_w: float) -> list[float]:
    rng = fig.layout.xaxis.range
    if not rng:
        return [0.0] * len(events)
    x0, x1 = pd.Timestamp(rng[0]), pd.Timestamp(rng[1])
    span = max((x1 - x0).total_seconds(), 1)
    return [(pd.Timestamp(a.x) - x0).total_seconds() / span * plot_w for a in events]


def _rows(starts: list[float], widths: list[float], max_rows: int) -> list[int] | None:
    """Greedy rows (by x) so labels in a row don't touch; None if more than `max_rows` are needed."""
    ends: list[float] = []
    rows = [0] * len(starts)
    for i in sorted(range(len(starts)), key=starts.__getitem__):
        row = next((r for r, end in enumerate(ends) if end + 6 < starts[i]), None)
        if row is None:
            if len(ends) >= max_rows:
                return None
            ends.append(0.0)
            row = len(ends) - 1
        ends[row] = starts[i] + widths[i]
        rows[i] = row
    return rows


def place_events(events, xs: list[float], plot_w: float) -> tuple[list[dict], list[str], int]:
    """Event labels as dicts above the plot, footnote lines (if numbered) and the rows they use."""
    texts = [a.text for a in events]
    widths = [text_width(html.unescape(t), EVENT_FONT) + 4 for t in texts]
    rows = _rows(xs, widths, 2)
    fits = rows is not None and all(x + w <= plot_w + 150 for x, w in zip(xs, widths))
    notes = []
    if not fits:
        order = sorted(range(len(events)), key=xs.__getitem__)
        number = {i: n for n, i in enumerate(order, start=1)}
        texts = [f"┊{number[i]}" for i in range(len(events))]
        widths = [text_width(t, EVENT_FONT) + 4 for t in texts]
        rows = _rows(xs, widths, 4) or [i % 4 for i in range(len(events))]
        notes = [f"[{number[i]}] {pd.Timestamp(events[i].x):%-d %b %Y}: {html.unescape(events[i].text.lstrip('┊ '))}"
                 for i in order]
    out = [dict(x=a.x, xref="x", yref="paper", y=1, yanchor="bottom", xanchor="left", xshift=-2,
                yshift=4 + EVENT_ROW * rows[i], text=texts[i], showarrow=False, name=a.name,
                font={"size": EVENT_FONT, "color": "#333333"}) for i, a in enumerate(events)]
    return out, notes, (max(rows) + 1 if events else 0)


def _legend_labels(fig: go.Figure) -> list[str]:
    if fig.layout.showlegend is False:
        return []
    return [t.name for t in fig.data if t.name and t.showlegend is not False
            and not (t.type in ("bar", "scatter", "choropleth") and t.showlegend is None and len(fig.data) == 1)]


def _wrap(line: str, width_px: float, size: float) -> list[str]:
    chars = max(int(width_px / (size * 0.55)), 40)
    return textwrap.wrap(line, chars, break_long_words=True, break_on_hyphens=False) or [""]


def _y_label_width(fig: go.Figure) -> float:
    labels = {str(v) for t in fig.data if t.type in ("scatter", "bar", "heatmap") and t.y is not None
              for v in t.y if isinstance(v, str)}
    if fig.layout.yaxis.showticklabels is False:
        return 0
    labels |= {str(v) for v in (fig.layout.yaxis.ticktext or ())}
    return max((text_width(html.unescape(v), 12) for v in labels), default=0)


def frame(fig: go.Figure, title: str, footer: str, width: int, plot_h: int) -> tuple[go.Figure, int]:
    """Lay `fig` out for a `width` x (returned height) image whose plot area is `plot_h` px tall."""
    main, sub = _split_title(fig, title)
    margin = fig.layout.margin
    left = max(margin.l if margin.l is not None else 80, int(_y_label_width(fig)) + 22)
    right = margin.r if margin.r is not None else 30
    plot_w = width - left - right
    events, others = _events(fig)
    placed, footnotes, event_rows = place_events(events, _event_px(events, fig, plot_w), plot_w)
    x_top = fig.layout.xaxis.side == "top" and fig.layout.xaxis.visible is not False and bool(fig.data)
    has_x = bool(fig.data) and fig.data[0].type in ("scatter", "bar", "heatmap")
    top = PAD + TITLE_PX + (SUBTITLE_PX if sub else 0) + (AXIS_PX if x_top else 0) + \
        (EVENT_ROW * event_rows + 8 if event_rows else 0) + 6
    labels = _legend_labels(fig)
    n_legend = legend_rows(labels, plot_w) if labels else 0   # plotly wraps the legend at the plot width
    foot_lines = [f for note in footnotes for f in _wrap(note, (width - 40) / (2 if len(footnotes) > 6 else 1), 11)]
    src_lines = _wrap(footer, width - 30, 11)
    axis_b = AXIS_PX if has_x and not x_top else 8
    legend_px = LEGEND_ROW * n_legend + (6 if n_legend else 0)
    cols = 2 if len(footnotes) > 6 else 1
    per_col = -(-len(foot_lines) // cols) if foot_lines else 0
    foot_px = LINE_PX * per_col + (6 if per_col else 0)
    bottom = axis_b + legend_px + foot_px + LINE_PX * len(src_lines) + PAD
    height = top + plot_h + bottom
    px = lambda p: -p / plot_h  # noqa: E731 - pixels below the plot, in paper units
    notes = [*spread_end_labels(others, fig, plot_h), *placed]
    y = axis_b + legend_px
    for c in range(cols):
        part = foot_lines[c * per_col:(c + 1) * per_col]
        if part:
            notes.append(dict(text="<br>".join(html.escape(t) for t in part), xref="paper", yref="paper",
                              x=0 if c == 0 else 0.5, xanchor="left", y=px(y), yanchor="top", align="left",
                              xshift=-(left - 12) if c == 0 else 0, showarrow=False, name="footnotes",
                              font={"size": 11, "color": "#333333"}))
    notes.append(dict(text="<br>".join(html.escape(t) for t in src_lines), xref="paper", yref="paper", x=0,
                      xanchor="left", y=px(y + foot_px), yanchor="top", align="left", xshift=-(left - 12),
                      showarrow=False, name="source", font={"size": 11, "color": GREY_TEXT}))
    fig.layout.annotations = notes   # assigned: update_layout would merge element by element
    fig.update_layout(
        title={"text": main, "subtitle": {"text": sub, "font": {"size": 12, "color": GREY_TEXT}}, "x": 0.01,
               "xanchor": "left", "yref": "container", "y": 1, "yanchor": "top", "pad": {"t": PAD},
               "font": {"size": 16}},
        margin={"t": top, "b": bottom, "l": left, "r": right, "autoexpand": False},
        width=None, height=None,
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": px(axis_b), "yanchor": "top",
                "entrywidthmode": "pixels"})
    return fig, height
