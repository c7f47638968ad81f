"""The figures of a view: one place that says which charts a ViewState shows.

The page and `python -m positions export --view ...` both call `figures_for_view`, so a
shared link turns into the same charts with or without a browser.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from . import charts, timeline
from .codebook import Codebook
from .registry import Registry
from .view import ViewState


@dataclass(frozen=True)
class NamedFigure:
    key: str        # stable id, used for file names and widget keys
    title: str
    figure: go.Figure
    caption: str    # plain-language: what the chart counts


def data_range(df: pd.DataFrame) -> tuple[date, date]:
    dated = timeline.with_effective_date(df)
    if dated.empty:
        return date(2024, 1, 1), date.today()
    return dated["effective_date"].min().date(), max(dated["effective_date"].max().date(), date.today())


def figures_for_view(df: pd.DataFrame, state: ViewState, cb: Codebook, reg: Registry) -> list[NamedFigure]:
    """The charts the page shows for `state` (empty list when there is nothing to draw)."""
    first, last = data_range(df)
    as_of = state.as_of or last
    counts = timeline.daily_counts(df, state.issue, state.start or first, as_of)
    if counts.empty or counts["count"].sum() == 0:
        return []
    names = {code: reg.name_of(code) for code in reg.affiliations}
    fig = charts.supporters_over_time(counts, cb, state.issue, names,
                                      subtitle=f"States' latest government statement as of each day, up to {as_of:%d %b %Y}")
    return [NamedFigure("supporters", fig.layout.title.text.split("<br>")[0], fig,
                        "Each line counts states whose latest government statement on or before that day has the "
                        "given stance. Undated statements count from their publication date.")]
