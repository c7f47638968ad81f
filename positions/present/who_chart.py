"""The "who, since when" grid: one row per state, its official stance as coloured segments over time.

Sized in pixels so that no two labels can meet: every row is ROW px tall whatever the
number of states (the figure grows), state names sit in the left margin, the "since" labels
in the right margin, group headers on their own empty rows. The compact variant (phones)
puts name and "since" label on a line above each row's bar, so the bar spans the width.
A segment started by a statement dated only to a week, month, quarter or year also shows that
period as a hatched band on its row: the date is a range, and the stance counts from its end.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from positions.present.charts import FONT, TEMPLATE, esc, wrap
from positions.present.layout import GREY_TEXT, data_to_text, grey_after, legend_rows, text_width
from positions.present.periods import is_ranged, statement_when
from positions.present.who_since import GROUP_LABELS, Row, fmt_day, outlet
from positions.reference.codebook import STANCE_ORDER, Codebook

ROW, ROW_COMPACT = 24, 40          # px per row
BAR, BAR_COMPACT = 0.72, 0.36      # bar thickness, in rows
TOP, TOP_COMPACT = 80, 96          # title, subtitle and the date axis
LABEL_SIZE = 12
LEGEND_ROW = 24


def _hover(row: Row, seg, stance_label: str) -> str:
    s = seg.statement
    role = esc(s.get("role") or "")
    return (f"<b>{esc(row.name)}</b>: {stance_label} from {fmt_day(seg.start)}<br>"
            f"{esc(s.get('actor'))}{', ' + role if role else ''}, {esc(statement_when(s))}<br>"
            f"“{wrap(s.get('evidence'), 70, 320)}”<br><i>{esc(outlet(s.get('source_url', ''), s.get('source_title', ''))[:90])}</i>"
            "<br><i>click for this state's timeline</i>")


def _categories(rows: list[Row]) -> tuple[list[str], list[tuple[str, str]]]:
    """Y categories top to bottom (a blank, unique one per group header) and [(category, header)]."""
    cats, headers, seen = [], [], set()
    for r in rows:
        if r.group not in seen:
            seen.add(r.group)
            key = "\u2007" * (len(headers) + 1)   # figure spaces: unique, invisible tick text
            cats.append(key)
            headers.append((key, GROUP_LABELS[r.group]))
        cats.append(r.name)
    return cats, headers


def _notes(rows: list[Row], headers: list, compact: bool, half_bar_px: float) -> list[dict]:
    """Group headers, and each row's "since" label: above its bar (compact) or right of the grid."""
    notes = [dict(x=0, xref="paper", y=key, yref="y", text=f"<b>{esc(text)}</b>", showarrow=False, xanchor="left",
                  xshift=2 - (0 if compact else _left(rows)), font={"size": LABEL_SIZE, "color": "#111111"},
                  name="group")
             for key, text in headers]
    if compact:
        return notes + [dict(x=0, xref="paper", y=r.name, yref="y", yanchor="bottom", xanchor="left", showarrow=False,
                             yshift=half_bar_px, text=f"<b>{esc(r.name)}</b> · {esc(_short(r.label))}",
                             font={"size": 11, "color": "#111111"}, name="since") for r in rows]
    return notes + [dict(x=1, xref="paper", y=r.name, yref="y", xanchor="left", xshift=6, showarrow=False,
                         text=esc(r.label), font={"size": 11, "color": GREY_TEXT}, name="since") for r in rows]


def who_chart(rows: list[Row], cb: Codebook, issue: str, start: date, as_of: date, data_to: date | None,
              compact: bool = False, width: int = 1200, title: str = "") -> go.Figure:
    """The grid; `width` is only used to size the legend (rows it wraps to)."""
    cats, headers = _categories(rows)
    row_px = ROW_COMPACT if compact else ROW
    bar = BAR_COMPACT if compact else BAR
    x0, x1 = pd.Timestamp(start), pd.Timestamp(as_of) + pd.Timedelta(days=1)
    fig = go.Figure()
    grey, no_pos = cb.no_position_colour, cb.no_position_label
    fig.add_trace(go.Bar(
        y=[r.name for r in rows], x=[(x1 - x0) / pd.Timedelta(milliseconds=1)] * len(rows), base=[x0.isoformat()] * len(rows),
        orientation="h", width=bar, name=no_pos, marker={"color": grey, "line": {"width": 0}},
        customdata=[[r.code, f"<b>{esc(r.name)}</b>: no public position found before {fmt_day(r.segments[0].start) if r.segments else ''}"
                     "<br><i>click for this state's timeline</i>"] for r in rows],
        hovertemplate="%{customdata[1]}<extra></extra>"))
    for stance in STANCE_ORDER:
        sdef = cb.stances[stance]
        segs = [(r, s) for r in rows for s in r.segments if s.stance == stance]
        if not segs:
            continue
        fig.add_trace(go.Bar(
            y=[r.name for r, _ in segs], x=[(s.end - s.start) / pd.Timedelta(milliseconds=1) for _, s in segs],
            base=[s.start.isoformat() for _, s in segs], orientation="h", width=bar, name=sdef.label,
            marker={"color": sdef.colour, "line": {"width": 0}},
            customdata=[[r.code, _hover(r, s, sdef.label)] for r, s in segs],
            hovertemplate="%{customdata[1]}<extra></extra>"))
    _add_ranges(fig, rows, cb, x0, x1, bar)
    notes = _notes(rows, headers, compact, bar * row_px / 2)
    legend_labels = [t.name for t in fig.data]
    left, right = (10, 10) if compact else (_left(rows), _right(rows))
    n_legend = legend_rows(legend_labels, width - left - right)   # plotly wraps the legend at the plot width
    bottom = 20 + LEGEND_ROW * n_legend
    top = TOP_COMPACT if compact else TOP
    main = esc(title or f"Who backs {cb.issue_label(issue).lower()}, and since when")
    if compact:   # one line on a phone: about 40 characters at 14 px
        main = main.replace(", and since when", ", since when")
    height = top + bottom + row_px * len(cats)
    plot_h = row_px * len(cats)
    sub = f"Official position of each state, day by day, to {fmt_day(as_of)}{'<br>' if compact else ' · '}{data_to_text(data_to)}"
    fig.update_layout(
        template=TEMPLATE, font={"family": FONT, "size": LABEL_SIZE}, barmode="overlay", bargap=0,
        title={"text": main, "subtitle": {"text": sub, "font": {"size": 12, "color": GREY_TEXT}},
               "x": 0.01, "xanchor": "left", "yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 8},
               "font": {"size": 14 if compact else 16}},
        height=height, annotations=notes, hovermode="closest", clickmode="event+select",
        margin={"l": left, "r": right, "t": top, "b": bottom,
                "autoexpand": False},
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": -10 / plot_h, "yanchor": "top",
                "traceorder": "normal", "font": {"size": LABEL_SIZE}},
        dragmode=False,
    )
    fig.update_yaxes(categoryorder="array", categoryarray=cats, range=[len(cats) - 0.5, -0.5], showticklabels=not compact,
                     showgrid=False, title_text="", tickfont={"size": LABEL_SIZE}, fixedrange=True)
    fig.update_xaxes(type="date", range=[x0.isoformat(), x1.isoformat()], side="top", showgrid=True,
                     gridcolor="#FFFFFF", title_text="", fixedrange=True, tick0=f"{x0:%Y-%m}-01",
                     dtick=f"M{tick_months(x0, x1, 4 if compact else 7)}", tickformat="%b %Y", ticks="outside",
                     tickangle=0)
    grey_after(fig, data_to, as_of)
    return fig


RANGE_NAME = "Statement dated to a week / month / year (hatched: that period)"


def _add_ranges(fig: go.Figure, rows: list[Row], cb: Codebook, x0: pd.Timestamp, x1: pd.Timestamp, bar: float) -> None:
    """A thin hatched band over the period of each segment-starting statement with a ranged date."""
    spans = []
    for r in rows:
        for seg in r.segments:
            s = seg.statement
            if not is_ranged(s):
                continue
            lo, hi = max(pd.Timestamp(s["date_start"]), x0), min(pd.Timestamp(s["date_end"]) + pd.Timedelta(days=1), x1)
            if hi > lo:
                spans.append((r, seg, lo, hi))
    if not spans:
        return
    fig.add_trace(go.Bar(
        y=[r.name for r, *_ in spans], x=[(hi - lo) / pd.Timedelta(milliseconds=1) for *_, lo, hi in spans],
        base=[lo.isoformat() for *_, lo, _hi in spans], orientation="h", width=bar * 0.5, name=RANGE_NAME,
        marker={"color": "rgba(0,0,0,0)", "line": {"width": 1, "color": "#111111"},
                "pattern": {"shape": "/", "fgcolor": [cb.stances[seg.stance].colour for _, seg, *_ in spans],
                            "solidity": 0.5}},
        customdata=[[r.code, f"<b>{esc(r.name)}</b>: {esc(cb.stances[seg.stance].label)}, statement dated "
                             f"{esc(statement_when(seg.statement))}<br><i>click for this state's timeline</i>"]
                    for r, seg, *_ in spans],
        hovertemplate="%{customdata[1]}<extra></extra>"))


def tick_months(x0: pd.Timestamp, x1: pd.Timestamp, most: int) -> int:
    """Months between date ticks so that at most `most` labels share the axis (fits a phone at 4)."""
    months = max((x1 - x0).days / 30.4, 1)
    return next((m for m in (1, 2, 3, 4, 6, 12, 24) if months / m <= most), 24)


def _short(label: str) -> str:
    return label.split(";")[0].split(" (first")[0]


def _left(rows: list[Row]) -> int:
    return int(max((text_width(r.name, LABEL_SIZE) for r in rows), default=60)) + 16


def _right(rows: list[Row]) -> int:
    return int(max((text_width(r.label, 11) for r in rows), default=60)) + 18


def summary(rows: list[Row], supportive: set[str], headline_text: str, as_of: date) -> str:
    """One paragraph a screen reader (or a slide's alt text) can read instead of the grid."""
    backers = [f"{r.name} ({r.label})" for r in rows if r.stance in supportive]
    others = [f"{r.name}: {r.label}" for r in rows if r.stance not in supportive]
    text = f"As of {fmt_day(as_of)}: {headline_text}."
    if backers:
        text += " In order of first support: " + "; ".join(backers) + "."
    if others:
        text += " Others: " + "; ".join(others) + "."
    return text
