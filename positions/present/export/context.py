"""What an export of one view needs: its statements, figures, period and source line."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Callable

import pandas as pd

from positions.analysis import engine
from positions.present import figures as figures_mod
from positions.present import rows as rows_mod
from positions.present import who_since
from positions.reference.codebook import Codebook
from positions.present.figures import as_of_date, NamedFigure, figures_for_view
from positions.reference.registry import Registry
from positions.present.view import ViewState, query_string

# --------------------------------------------------------------------------- the view's statements

def period_label(df: pd.DataFrame, state: ViewState) -> str:
    """'As of 31 May 2024' or '1 Jan 2024 to 31 May 2024' (the view's date or range)."""
    last = as_of_date(df, state)
    if state.start:
        return f"{state.start:%-d %b %Y} to {last:%-d %b %Y}"
    return f"As of {last:%-d %b %Y}"


def statements_for_view(df: pd.DataFrame, state: ViewState, reg: Registry) -> pd.DataFrame:
    """The statements behind a view: the page's own table (figures.filtered + figures.evidence_rows,
    so page and exports cannot drift apart), narrowed to the actor on the actor view."""
    rows = engine.prepare(figures_mod.filtered(df, state, reg))
    return rows.iloc[rows_mod.view_positions(rows, state, as_of_date(df, state))].reset_index(drop=True)


def stem_of(df: pd.DataFrame, state: ViewState) -> str:
    """The export files' name stem, e.g. positions-cross_border_strikes-2024-05-31."""
    last = as_of_date(df, state)
    days = f"{state.start.isoformat()}_{last.isoformat()}" if state.start else last.isoformat()
    return f"positions-{state.issue}-{days}"


DATASET = "positions: governments' statements on Western weapons and troops for Ukraine"
DEFAULT_BASE_URL = "http://127.0.0.1:8501/"


def view_url(state: ViewState, base_url: str | None = None) -> str:
    """The link that reopens the view (the page's own address when known)."""
    base = (base_url or os.environ.get("POSITIONS_URL") or DEFAULT_BASE_URL).split("?")[0].rstrip("/") + "/"
    query = query_string(state)
    return f"{base}?{query}" if query else base


def source_line(n_statements: int, today: date | None = None, data_to: date | None = None, url: str = "",
                version: str = "") -> str:
    """'Source: <dataset> (codebook v1.1), data to 8 Jan 2026, 251 statements, generated 2026-12-06 · <url>'."""
    today = today or date.today()
    dataset = f"{DATASET} (codebook v{version})" if version else DATASET
    data = f"data to {data_to:%-d %b %Y}, " if data_to else ""
    return (f"Source: {dataset}, {data}{n_statements} statement{'s' * (n_statements != 1)}, generated {today.isoformat()}"
            + (f" · {url}" if url else ""))




# --------------------------------------------------------------------------- export context

@dataclass(frozen=True)
class Export:
    """Everything an export of one view needs, computed once."""

    state: ViewState
    figures: list[NamedFigure]
    rows: pd.DataFrame          # statements behind the view
    period: str
    source: str
    today: date
    codebook: Codebook
    registry: Registry

    stem: str                   # file-name stem, e.g. positions-cross_border_strikes-2024-05-31
    data_to: date | None = None  # the latest statement in the dataset
    url: str = ""               # the link that reopens the view
    # () -> {state: "single source: state media" ...} on the view's day; run when a data file is built.
    position_flags: Callable[[], dict] = dict
    # Export figures as plotly JSON by (chart key, width, height, title), built on first use (images.still).
    stills: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def query(self) -> str:
        return query_string(self.state)


def build_export(df: pd.DataFrame, state: ViewState, cb: Codebook, reg: Registry,
                 today: date | None = None, figures: list[NamedFigure] | None = None,
                 base_url: str | None = None, rows: pd.DataFrame | None = None) -> Export:
    """Resolve a view into its figures, its statements and its labels (`base_url`: the page's address;
    `figures`, `rows`: the view's figures and `statements_for_view`, when the caller has them)."""
    today = today or date.today()
    df = engine.prepare(df, reg)  # once: every step below reuses it
    rows = statements_for_view(df, state, reg) if rows is None else rows
    figs = figures_for_view(df, state, cb, reg) if figures is None else figures
    last = as_of_date(df, state)
    # The link always carries the as-of day, so it shows the same day later on.
    url = view_url(state.with_(as_of=last), base_url)
    data_to = who_since.data_to(df)
    flags = partial(_position_flags, df, state, reg, last)
    return Export(state, figs, rows, period_label(df, state),
                  source_line(len(rows), today, data_to, url, cb.version), today, cb, reg,
                  stem_of(df, state), data_to, url, flags)


def _position_flags(df: pd.DataFrame, state: ViewState, reg: Registry, day: date) -> dict[str, str]:
    """{state: 'single source: state media', ...}: official positions on `day` resting on weak sources only."""
    return engine.official(figures_mod.filtered(df, state, reg), state.issue).flags_on(day)


METHOD_SHORT = ("Statements are coded to the positions codebook. " + figures_mod.OFFICIAL_RULE)


def filters_text(state: ViewState, cb: Codebook) -> str:
    parts = [f"Issue: {cb.issue_label(state.issue)}", f"View: {state.view}"]
    if state.start or state.end:
        parts.append(f"Range: {state.start or 'start'} to {state.end or 'latest'}")
    if state.as_of:
        parts.append(f"As of: {state.as_of}")
    parts.append(f"Groups: {', '.join(state.groups) if state.groups else 'all'}")
    parts.append(f"Stances: {', '.join(cb.stances[s].label for s in state.stances) if state.stances else 'all'}")
    if state.min_conf:
        parts.append(f"Minimum confidence: {state.min_conf:g}")
    if state.reviewed:
        parts.append("Reviewed statements only")
    if state.sources:
        parts.append(f"Source types: {', '.join(state.sources)}")
    if state.count_conditional:
        parts.append("Conditional counted as support")
    if state.actor:
        parts.append(f"Actor: {state.actor}")
    if state.q:
        parts.append(f"Search: {state.q}")
    return "; ".join(parts)
