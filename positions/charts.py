"""Plotly figures (no Streamlit): one function per chart, data in, figure out."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .codebook import STANCE_ORDER, Codebook

FONT = "Liberation Sans, Arial, sans-serif"


def base_layout(fig: go.Figure, title: str, subtitle: str = "") -> go.Figure:
    """The one template every chart shares (page and exports look alike)."""
    text = f"{title}<br><sup>{subtitle}</sup>" if subtitle else title
    fig.update_layout(
        template="plotly_white",
        title={"text": text, "x": 0.01, "xanchor": "left"},
        font={"family": FONT, "size": 13},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        margin={"l": 60, "r": 30, "t": 90, "b": 50},
        hovermode="closest",
    )
    return fig


def _names(codes: list[str], names: dict[str, str]) -> str:
    if not codes:
        return "none"
    return "<br>".join(f"{names.get(c, c)} ({c})" for c in codes)


def supporters_over_time(counts: pd.DataFrame, codebook: Codebook, issue: str, names: dict[str, str] | None = None,
                         stances: list[str] | None = None, subtitle: str = "") -> go.Figure:
    """Step lines: how many states hold each stance on each day; hover lists the states.

    `counts` is `timeline.daily_counts` output (date, stance, count, states).
    """
    names = names or {}
    stances = stances or STANCE_ORDER
    fig = go.Figure()
    for stance in stances:
        part = counts[counts["stance"] == stance]
        if part.empty:
            continue
        sdef = codebook.stances[stance]
        fig.add_trace(go.Scatter(
            x=part["date"], y=part["count"], name=sdef.label, mode="lines",
            line={"shape": "hv", "color": sdef.colour, "width": 3 if stance == "support" else 2,
                  "dash": {"support": "solid", "conditional": "dash", "undecided": "dot", "oppose": "dashdot"}[stance]},
            customdata=[_names(s, names) for s in part["states"]],
            hovertemplate=f"<b>%{{x|%d %b %Y}}</b><br>{sdef.label}: %{{y}} states<br>%{{customdata}}<extra></extra>",
        ))
    base_layout(fig, f"States by stance on {codebook.issue_label(issue).lower()}", subtitle)
    fig.update_yaxes(title_text="Number of states", rangemode="tozero", dtick=1 if counts["count"].max() <= 12 else None)
    fig.update_xaxes(title_text="")
    return fig
