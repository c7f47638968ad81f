"""The actor timeline: every statement of a state (or person) by date and stance, and the position line.

Markers never hide each other: statements of the same day and stance are spread vertically
around their stance. Official speakers (government) are filled; others (opposition,
parliament) and relayed statements (a speaker of another state describing this one's
policy) are hollow, and the hover says who said it. Walk-backs are marked with a line and a label.
A date known only to the week, month, quarter or year is drawn as a range over that period, with
the marker where it counts (the period's end, or the publication day if earlier).
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from positions.present.charts import STANCE_AXIS, STANCE_SYMBOL, base_layout, esc, wrap
from positions.present.periods import RANGED, statement_when
from positions.reference.codebook import Codebook

SPREAD_STEP, SPREAD_MAX = 0.14, 0.7   # vertical spread (in stance rows) of same-day statements
BADGE_FROM = 4   # this many same-day statements of one stance also get a count badge


def offsets(statements: pd.DataFrame) -> list[float]:
    """Vertical offset of each statement: same (day, stance) statements spread evenly, others 0."""
    key = list(zip(statements["effective_date"], statements["stance"].astype(str)))
    sizes = pd.Series(key).value_counts().to_dict()
    seen: dict = {}
    out = []
    for k in key:
        n, i = sizes[k], seen.get(k, 0)
        seen[k] = i + 1
        spread = min(SPREAD_MAX, SPREAD_STEP * (n - 1))
        out.append(0.0 if n == 1 else -spread / 2 + spread * i / (n - 1))
    return out


def badges(statements: pd.DataFrame, level: dict) -> pd.DataFrame:
    """(date, y, text) of a count badge for each day-and-stance with BADGE_FROM or more statements."""
    counts = statements.groupby([statements["effective_date"], statements["stance"].astype(str)]).size()
    big = counts[counts >= BADGE_FROM]
    return pd.DataFrame({"date": [d for d, _ in big.index], "y": [level[s] + SPREAD_MAX / 2 + 0.12 for _, s in big.index],
                         "text": [f"{n} statements" for n in big]})


def _spaced_labels(days: list, first, last, gap: float = 0.14) -> list[str]:
    """'walk-back' under a marker unless the previous label is closer than `gap` of the axis (labels never meet)."""
    span = max((pd.Timestamp(last) - pd.Timestamp(first)).days, 1)
    out, prev = [], None
    for d in days:
        ok = prev is None or (pd.Timestamp(d) - prev).days > gap * span
        out.append("walk-back" if ok else "")
        prev = pd.Timestamp(d) if ok else prev
    return out


def _hover(r, label: str) -> str:
    said = statement_when(r)
    who = f"<b>{esc(r.actor)}</b> ({esc(r.role) or esc(r.affiliation)})"
    relayed = getattr(r, "relayed_by", "")
    if relayed:
        who = f"Relayed: {who}, speaking for {esc(relayed)}, about this state's policy"
    elif r.actor_type != "government":
        who += " · not an official speaker"
    return (f"{who}<br>{said}<br>{label}<br>“{wrap(r.evidence)}”<br><i>{esc(r.source_title)[:90]}</i>")


RANGE_NAME = "Date known only to the week / month / year (range)"


def _add_ranges(fig: go.Figure, statements: pd.DataFrame) -> None:
    """One trace of horizontal spans, date_start to date_end, for the statements with a ranged date
    (capped ends: an error-bar look); drawn before the markers so a marker sits on its span."""
    if "date_precision" not in statements.columns:
        return
    ranged = statements[statements["date_precision"].isin(RANGED) & statements["statement_date"].notna()]
    if ranged.empty:
        return
    xs, ys = [], []
    for start, end, y in zip(ranged["date_start"], ranged["date_end"], ranged["_y"]):
        xs += [start, end, None]
        ys += [y, y, None]
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines+markers", name=RANGE_NAME, hoverinfo="skip",
                             line={"color": "#555555", "width": 3},
                             marker={"symbol": "line-ns", "size": 12, "line": {"color": "#555555", "width": 2}}))


def actor_timeline_chart(statements: pd.DataFrame, steps: pd.DataFrame, codebook: Codebook, actor_label: str,
                         issue: str, step_label: str = "Official position", subtitle: str = "") -> go.Figure:
    """Statements on a time axis by stance; the position as a step line; walk-backs marked.
    `statements` may carry `relayed_by` (the speaker's own state when it is not the actor)."""
    fig = go.Figure()
    level = {s: i for i, s in enumerate(STANCE_AXIS)}
    labels = {s: codebook.stances[s].label for s in STANCE_AXIS}
    if not steps.empty:
        fig.add_trace(go.Scatter(
            x=steps["date"], y=[level[s] for s in steps["stance"]], name=step_label, mode="lines",
            line={"shape": "hv", "color": "#333333", "width": 2}, hoverinfo="skip"))
        back = steps[steps["walk_back"]]
        shapes = [dict(type="line", xref="x", yref="paper", x0=d.isoformat(), x1=d.isoformat(), y0=0, y1=1,
                       line={"color": "#111111", "width": 1.5, "dash": "dash"}) for d in back["date"]]
        fig.layout.shapes = shapes
        if not back.empty:
            fig.add_trace(go.Scatter(
                x=back["date"], y=[level[s] - 0.42 for s in back["stance"]], name="Walk-back",
                mode="markers+text", text=_spaced_labels(list(back["date"]), steps["date"].min(), steps["date"].max()),
                textposition="middle right", textfont={"size": 11, "color": "#111111"},
                marker={"symbol": "triangle-down", "size": 12, "color": "#111111"},
                hovertemplate="Walk-back on %{x|%d %b %Y}<extra></extra>"))
    dy = offsets(statements)
    statements = statements.assign(_y=[level[str(s)] + d for s, d in zip(statements["stance"], dy)])
    _add_ranges(fig, statements)
    relayed = statements["relayed_by"].astype(bool) if "relayed_by" in statements else False
    official = (statements["actor_type"].astype(str) == "government") & ~relayed
    for stance in STANCE_AXIS:
        for is_official in (True, False):
            part = statements[(statements["stance"].astype(str) == stance) & (official == is_official)]
            if part.empty:
                continue
            sdef = codebook.stances[stance]
            name = sdef.label if is_official else f"{sdef.label} (not official / relayed)"
            marker = ({"color": sdef.colour, "line": {"color": "white", "width": 1}} if is_official
                      else {"color": "white", "line": {"color": sdef.colour, "width": 2.5}})
            fig.add_trace(go.Scatter(
                x=part["effective_date"], y=part["_y"], mode="markers", name=name,
                marker={"size": 13, "symbol": STANCE_SYMBOL[stance], **marker},
                customdata=[_hover(r, sdef.label) for r in part.itertuples()],
                hovertemplate="%{customdata}<extra></extra>", _validate=False))
    many = badges(statements, level)
    if not many.empty:
        fig.add_trace(go.Scatter(x=many["date"], y=many["y"], text=many["text"], mode="text", name="count",
                                 textposition="middle right", showlegend=False, hoverinfo="skip",
                                 textfont={"size": 11, "color": "#111111"}))
    base_layout(fig, f"{esc(actor_label)}: statements on {codebook.issue_label(issue).lower()}", subtitle)
    fig.update_yaxes(tickvals=list(range(len(STANCE_AXIS))), ticktext=[labels[s] for s in STANCE_AXIS],
                     range=[-0.6, len(STANCE_AXIS) - 0.4], title_text="", zeroline=False)
    fig.update_xaxes(title_text="")
    fig.update_layout(height=440, margin={"l": 100}, legend={"orientation": "h", "y": -0.12, "yanchor": "top", "x": 0, "xanchor": "left"})
    return fig
