"""Streamlit page: who has signalled support over time, and why, in six views.

Thin wiring only: data comes through positions.data.store, official positions from positions.analysis.engine,
the charts of each view from positions.present.figures (the same list `export --view` draws), and the
whole view lives in the URL (positions.present.view) so a copied link reopens it exactly.
"""
from __future__ import annotations

import os
from datetime import timedelta
from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from positions.analysis import engine, fast
from positions.present import charts
from positions.reference import codebook
from positions.present import export
from positions.present import widgets as export_widgets
from positions.present import figures
from positions.reference import registry
from positions.data import store
from positions.present import view
from positions.present import login, memory, review_forms
from positions.present import rows as rows_mod
from positions.present import who_since
from positions.errors import InvalidField, PositionsError
from positions.model import Issue

# $POSITIONS_DATA (a CSV or a database URL), else the team database (POSITIONS_DB_URL / secrets /
# data/positions.sqlite, made from the bundled CSVs on first start).
DATA_PATH = store.default_source()
VIEW_LABELS = {
    "who": "Who, since when", "supporters": "Supporters over time", "matrix": "Actor × issue", "actor": "Actor timeline",
    "map": "Map", "changes": "Changes", "evidence": "Evidence",
}
EMPTY = {
    "who": "No state has an official position on this issue up to this date that passes the filters.",
    "supporters": "No government statements by states on this issue up to this date pass the filters.",
    "matrix": "No state has a position that passes the filters as of this date.",
    "actor": "This actor has no statements on this issue in the chosen period and filters.",
    "map": "Nothing to map with these filters.",
    "changes": "No state changed its stance between these two dates.",
    "evidence": "No statements match the filters and search.",
}
TABLE_ROWS = 1000
HINT = "Try the other issue, fewer groups or stances, or a lower minimum confidence."

memory.tune()  # allocators that hand freed filter copies back (peak memory at scale)

st.set_page_config(page_title="positions: who backs strikes and trainers", layout="wide")
login.require_reader(review_forms.engine)  # reading is open unless positions.public_read = false
# Captions in a darker grey than Streamlit's default (about 3.5:1 on white): 8:1, above WCAG's 4.5:1.
st.html("<style>[data-testid='stCaptionContainer'], [data-testid='stCaptionContainer'] p "
        "{color: #4D4D4D !important;}</style>")


@st.cache_resource(show_spinner="Loading statements…", max_entries=4)
def load_frame(path: str, version: str) -> pd.DataFrame:
    """The accepted statements, once per store version (shared, never mutated), from the store's
    analytical copy (CSV or database; validated when written, refreshed when the store changes);
    a CSV as of one committed version of the files in its folder (store.consistent)."""
    if store.is_db_url(path):
        return fast.page_frame(path)
    return store.consistent(path, lambda: fast.page_frame(path))


@st.cache_resource(show_spinner=False)
def load_reference():
    return codebook.load(), registry.load()


# The filtered statements and their official positions, once per store version and filter state
# (figures.filter_state: view, as-of day, stances and chart toggles are not part of the key).
# One filter state (both issues): at a million statements each filtered copy is hundreds of MB,
# and each official position set holds its filtered rows too (peak memory, docs/performance.md).
@st.cache_resource(show_spinner=False, max_entries=1)
def filtered_rows(path: str, mtime: float, filters: str) -> pd.DataFrame:
    """The statements passing the sidebar filters (shared, never mutated)."""
    return figures.filtered(load_frame(path, mtime), view.parse_query_string(filters), load_reference()[1])


@st.cache_resource(show_spinner=False, max_entries=2)
def official(path: str, mtime: float, filters: str, issue: str) -> engine.Official:
    """One issue's official positions over `filtered_rows` (the engine's, through its fast path)."""
    return fast.official(filtered_rows(path, mtime, filters), issue)


def filters_of(path: str, mtime: float, state: view.ViewState) -> str:
    return view.query_string(figures.filter_state(load_frame(path, mtime), state))


@st.cache_resource(show_spinner=False, max_entries=256)
def view_figures(path: str, mtime: float, query: str) -> list[figures.NamedFigure]:
    """figures_for_view, cached per file version and view (the query string is the key)."""
    cb, reg = load_reference()
    state = view.parse_query_string(query)
    key = filters_of(path, mtime, state)
    return figures.figures_for_view(load_frame(path, mtime), state, cb, reg, rows=filtered_rows(path, mtime, key),
                                    officials=partial(official, path, mtime, key))


@st.cache_resource(show_spinner=False, max_entries=4)
def view_statements(path: str, mtime: float, query: str) -> np.ndarray:
    """Where the statements behind the view (its data files) are in `filtered_rows`: counted on every
    run, copied with their quotes and sources only when a download asks for them."""
    state = view.parse_query_string(query)
    rows = filtered_rows(path, mtime, filters_of(path, mtime, state))
    return rows_mod.view_positions(rows, state, figures.as_of_date(load_frame(path, mtime), state))


def view_export(path: str, mtime: float, query: str, base_url: str | None = None) -> export.Export:
    """The view's statements (with their quotes and sources), labels and figures, built when a download
    button is clicked, from the page's caches."""
    df, (cb, reg) = load_frame(path, mtime), load_reference()
    state = view.parse_query_string(query)
    rows = filtered_rows(path, mtime, filters_of(path, mtime, state))
    return export.build_export(df, state, cb, reg, figures=view_figures(path, mtime, query), base_url=base_url,
                               rows=rows.iloc[view_statements(path, mtime, query)].reset_index(drop=True))


def downloads(path: str, mtime: float, query: str, base_url: str | None = None) -> export_widgets.Downloads:
    """The view's download buttons. Their callables hold the view's keys, not its rows: the server keeps
    a page's callables for a while, and each filtered copy is hundreds of MB at a million statements."""
    df, state = load_frame(path, mtime), view.parse_query_string(query)
    return export_widgets.Downloads(partial(view_export, path, mtime, query, base_url), export.stem_of(df, state),
                                    export.period_label(df, state), len(view_statements(path, mtime, query)), query)


@st.cache_data(show_spinner=False, max_entries=256)
def headline(path: str, mtime: float, query: str) -> who_since.Headline:
    """Third countries by official stance as of the view's date (after filters), with the denominator."""
    df, (_, reg) = load_frame(path, mtime), load_reference()
    state = view.parse_query_string(query)
    key = filters_of(path, mtime, state)
    return figures.headline(df, filtered_rows(path, mtime, key), state, reg, official(path, mtime, key, state.issue))


@st.cache_data(show_spinner=False, max_entries=16)
def actor_options(path: str, mtime: float, issue: str) -> dict[str, str]:
    """Everyone with an accepted statement on the issue (filters only thin out their charts)."""
    rows = filtered_rows(path, mtime, filters_of(path, mtime, view.ViewState()))
    return figures.actor_choices(rows, issue, load_reference()[1])


@st.cache_data(show_spinner=False, max_entries=64)
def side_table(path: str, mtime: float, query: str) -> pd.DataFrame:
    """The sortable table under the evidence and changes views (plain text; links in their own column)."""
    df, (cb, reg) = load_frame(path, mtime), load_reference()
    state = view.parse_query_string(query)
    key = filters_of(path, mtime, state)
    rows = filtered_rows(path, mtime, key)
    extra = {}
    if state.view == "evidence":
        pos = rows_mod.evidence_positions(rows, state, figures.as_of_date(df, state))
        rows = fast.with_text(rows.iloc[pos[:TABLE_ROWS]])
    else:
        frm, to = figures.compare_dates(df, state)
        rows = official(path, mtime, key, state.issue).changes(frm, to)
        if state.stances:
            rows = rows[rows["to_stance"].isin(state.stances) | rows["from_stance"].isin(state.stances)]
        extra["moved from"] = rows["from_stance"].map(lambda s: cb.stances[s].label if s else cb.no_position_label)
        rows = rows.rename(columns={"to_stance": "stance"})
    names = figures.names_of(reg)
    return pd.DataFrame({
        "date": rows["effective_date"].dt.date,
        "speaker": rows["actor"],
        "role": rows["role"],
        "for": rows["affiliation"].astype(str).map(lambda c: names.get(c, c)),
        **extra,
        "stance": rows["stance"].astype(str).map(lambda s: cb.stances[s].label),
        "quote": rows["evidence"],
        "source": rows["source_url"].where(rows["source_url"].str.startswith(("http://", "https://")), None),
        "document": rows["source_title"],
        "confidence": rows["confidence"],
        # The same statement reported by several outlets is one row (positions.data.dedup).
        "outlets": rows["n_sources"] if "n_sources" in rows else 1,
    })


try:
    mtime = store.data_version(DATA_PATH)  # changes with every save: all views update at once
    df = load_frame(DATA_PATH, mtime)
    cb, reg = load_reference()
except (PositionsError, OSError) as e:
    from positions.data.files import public_message
    st.error(f"Cannot load the data: {public_message(e)}")
    st.stop()

try:
    state = view.from_query(st.query_params.to_dict())
except InvalidField as e:
    st.warning(f"Ignoring this link's view settings: {e}")
    state = view.DEFAULT

first_day, last_day = figures.data_range(df)
data_to = who_since.data_to(df)
clamp = lambda d, lo=first_day, hi=last_day: min(max(d, lo), hi)  # noqa: E731
names = figures.names_of(reg)

# ---- sidebar: filters shared by every view -------------------------------------------------
issues = [i.value for i in Issue]
with st.sidebar:
    st.header("Filters")
    issue = st.selectbox("Issue", issues, index=issues.index(state.issue), format_func=cb.issue_label, key="issue")
    as_of = st.slider("As of", min_value=first_day, max_value=last_day, value=clamp(figures.as_of_date(df, state)),
                      format="DD MMM YYYY", key="as_of",
                      help="Every view shows what was known on this day: each state's official position from the statements up to it.")
    start = st.date_input("Show from", value=clamp(state.start or first_day), min_value=first_day,
                          max_value=last_day, key="start", format="YYYY-MM-DD",
                          help="Start of the time axis (supporters, actor timeline, map slider, evidence).")
    groups = st.multiselect("Groups (membership on the as-of day)", view.GROUPS, default=list(state.groups),
                            key="groups", placeholder="All states")
    stances = st.multiselect("Stances", list(cb.stances), default=list(state.stances), key="stances",
                             format_func=lambda s: cb.stances[s].label, placeholder="All stances")
    min_conf = st.slider("Minimum confidence", 0.0, 1.0, value=state.min_conf, step=0.05, key="min_conf",
                         help="Tagger confidence; on hand-coded statements the coder's certainty "
                              "(1.0 explicit, 0.9 paraphrase, 0.7 inferred from a relayed claim, 0.5 weak).")
    reviewed = st.checkbox("Human-reviewed statements only", value=state.reviewed, key="reviewed")
    sources = st.multiselect("Source types", view.SOURCE_TYPES, default=list(state.sources), key="sources",
                             format_func=lambda t: t.replace("_", " "), placeholder="All sources",
                             help="Keep statements from these kinds of outlet (data/outlets.csv).")

state = state.with_(issue=issue, as_of=as_of, end=None, start=None if start == first_day else start,
                    groups=tuple(groups), stances=tuple(stances), min_conf=float(min_conf), reviewed=reviewed,
                    sources=tuple(sources))

# ---- main: the view and its own controls ---------------------------------------------------
st.title("Who has signalled support?")
st.caption(cb.issues[issue].question)

chosen = st.radio("View", view.VIEWS, index=view.VIEWS.index(state.view), format_func=VIEW_LABELS.get,
                  horizontal=True, key="view", label_visibility="collapsed")
state = state.with_(view=chosen)

on_phone = "Mobi" in (st.context.headers.get("User-Agent") or "")
if chosen == "who":
    compact = st.toggle("Compact rows (phones)", value=state.compact or (on_phone and "compact" not in st.query_params),
                        key="compact", help="Names and dates above each row, so the bars use the full width")
    count_conditional = st.toggle("Count conditional as support", value=state.count_conditional, key="count_conditional")
    state = state.with_(compact=compact, count_conditional=count_conditional)
elif chosen == "supporters":
    c1, c2 = st.columns(2)
    count_conditional = c1.toggle("Count conditional as support", value=state.count_conditional,
                                  key="count_conditional")
    stacked = c2.toggle("Stacked areas", value=state.stacked, key="stacked")
    state = state.with_(count_conditional=count_conditional, stacked=stacked)
elif chosen in ("matrix", "actor"):
    options = actor_options(DATA_PATH, mtime, state.issue)
    if opened := st.session_state.pop("_open_actor", None):   # a row click in the who-since view
        st.session_state.pop("actor", None)
        state = state.with_(actor=opened)
    keys = ([""] if chosen == "matrix" else []) + list(options)
    if chosen == "actor" and not keys:
        keys = [""]
    fallback = (figures.default_actor(filtered_rows(DATA_PATH, mtime, filters_of(DATA_PATH, mtime, state)), state.issue, reg)
                if chosen == "actor" else "")
    current = state.actor if state.actor in keys else fallback if fallback in keys else keys[0]
    label = "Drill down: show one actor's statements below" if chosen == "matrix" else "Actor"
    actor = st.selectbox(label, keys, index=keys.index(current), key="actor",
                         format_func=lambda k: options.get(k, "— none —" if not k else k))
    state = state.with_(actor=actor)
elif chosen == "map":
    scope = st.radio("Map area", view.SCOPES, index=view.SCOPES.index(state.scope), horizontal=True, key="scope",
                     format_func=str.capitalize)
    state = state.with_(scope=scope)
elif chosen == "changes":
    d_from, d_to = figures.compare_dates(df, state.with_(compare_from=None, compare_to=None))
    cur_from, cur_to = figures.compare_dates(df, state)
    c1, c2 = st.columns(2)
    compare_from = c1.date_input("From", value=clamp(cur_from), min_value=first_day, max_value=last_day,
                                 key="compare_from", format="YYYY-MM-DD")
    compare_to = c2.date_input("To", value=clamp(cur_to), min_value=first_day, max_value=last_day,
                               key="compare_to", format="YYYY-MM-DD")
    if compare_from > compare_to:
        st.warning("'From' is after 'To'; showing the changes the other way round.")
        compare_from, compare_to = compare_to, compare_from
    state = state.with_(compare_from=None if compare_from == d_from and compare_to == d_to else compare_from,
                        compare_to=None if compare_to == d_to else compare_to)
elif chosen == "evidence":
    c1, c2 = st.columns([3, 1])
    q = c1.text_input("Search speaker, quote or source", value=state.q, key="q",
                      placeholder="e.g. Macron, ATACMS, restrictions")
    sort = c2.selectbox("Sort", view.SORTS, index=view.SORTS.index(state.sort), key="sort",
                        format_func=lambda s: {"newest": "Newest first", "oldest": "Oldest first",
                                               "confidence": "Highest confidence", "speaker": "Speaker A-Z"}[s])
    state = state.with_(q=q.strip(), sort=sort)

# The URL always carries the as-of date, so a shared link shows the same day next week.
query = view.to_query(state)
query["as_of"] = as_of.isoformat()
if st.query_params.to_dict() != query:
    st.query_params.from_dict(query)
query_string = view.query_string(state.with_(as_of=as_of))

with st.sidebar:
    st.divider()
    st.subheader("Share this view")
    base = os.environ.get("POSITIONS_PUBLIC_URL") or st.context.url or "http://127.0.0.1:8501/"
    st.code(f"{base.rstrip('/')}/?{query_string}", language=None, wrap_lines=True)
    st.caption("Copy the link with the button at the box's right: it reopens exactly this view and these filters.")

# ---- headline number, then the view's figures ------------------------------------------------
head = headline(DATA_PATH, mtime, query_string)
what = "support or conditional support" if state.count_conditional else "support"
st.metric(f"States signalling {what} as of {as_of:%-d %b %Y}", f"{len(head.supporters)} of {len(head.tracked)}",
          help=", ".join(names.get(c, c) for c in head.supporters) or "none")
st.caption(who_since.headline_caption(head, lambda s: cb.stances[s].label, lambda c: names.get(c, c), state.groups))
if data_to and as_of > data_to:
    st.caption(f"Data to {data_to:%-d %b %Y}: the latest statement in the dataset. Charts grey the days after it.")

shown = view_figures(DATA_PATH, mtime, query_string)
if not shown and chosen == "changes":
    frm, to = figures.compare_dates(df, state)
    key = filters_of(DATA_PATH, mtime, state)
    last = rows_mod.last_change_before(filtered_rows(DATA_PATH, mtime, key), state, reg, to,
                                       official(DATA_PATH, mtime, key, state.issue))
    if last is None:
        st.info(f"{EMPTY[chosen]} No state has a position on this issue up to {to:%-d %b %Y} with these filters. {HINT}")
    else:
        before = last["date"] - timedelta(days=1)
        st.info(f"No state changed its stance between {frm:%-d %b %Y} and {to:%-d %b %Y}. The latest change before "
                f"that was on {last['date']:%-d %b %Y} ({last['state']}: now {cb.stances[last['stance']].label}). "
                f"Set 'From' to {before:%-d %b %Y} or earlier to see it.")
        st.button(f"Compare from {before:%-d %b %Y}", key="changes_from_last",
                  on_click=lambda d=max(before, first_day): st.session_state.update(compare_from=d))
elif not shown:
    later = f" The data run to {data_to:%-d %b %Y}." if data_to and as_of < data_to else ""
    st.info(f"{EMPTY[chosen]}{later} {HINT}")
elif chosen in ("supporters", "matrix", "actor", "map", "changes"):
    st.caption(figures.OFFICIAL_RULE)


def drill_down_from_matrix(choices: frozenset) -> None:
    """A click on a matrix cell selects that state in the 'Drill down' box (before the page reruns)."""
    points = (st.session_state.get("chart_matrix") or {}).get("selection", {}).get("points", [])
    code = points[0].get("customdata", [None])[0] if points else None
    if code in choices:  # a state without statements on this issue has no timeline to show
        st.session_state["actor"] = code


def open_timeline(choices: frozenset) -> None:
    """A click on a row of the who-since grid opens that state's timeline (before the page reruns)."""
    points = (st.session_state.get("chart_who") or {}).get("selection", {}).get("points", [])
    code = points[0].get("customdata", [None])[0] if points else None
    if code in choices:
        st.session_state["_open_actor"] = code
        st.session_state["view"] = "actor"


dl = downloads(DATA_PATH, mtime, query_string, base)
for named in shown:
    config = {"topojsonURL": charts.TOPOJSON_URL, "displaylogo": False,
              "toImageButtonOptions": {"filename": named.key},
              # The grid is not zoomable; its tool bar would only cover the title on a phone.
              "displayModeBar": named.key != "who" and not on_phone}
    on_click = {"matrix": drill_down_from_matrix, "who": open_timeline}.get(named.key)
    select = ({"on_select": partial(on_click, frozenset(actor_options(DATA_PATH, mtime, state.issue))),
               "selection_mode": "points"} if on_click else {})
    st.plotly_chart(named.figure, width="stretch", theme=None, key=f"chart_{named.key}", config=config, **select)
    st.caption(named.caption)
    if named.summary:
        with st.expander("This chart in words"):
            st.text(named.summary)
    export_widgets.chart_downloads(named, dl)


@st.cache_data(show_spinner=False, max_entries=64)
def map_table(path: str, mtime: float, query: str) -> pd.DataFrame:
    """The map as a table, from the cached official positions."""
    df, (cb, reg), state = load_frame(path, mtime), load_reference(), view.parse_query_string(query)
    key = filters_of(path, mtime, state)
    return rows_mod.map_table(filtered_rows(path, mtime, key), state, reg, cb, figures.as_of_date(df, state),
                              official(path, mtime, key, state.issue))


def link_table(table: pd.DataFrame) -> None:
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        "source": st.column_config.LinkColumn("source", display_text="open"),
        "quote": st.column_config.TextColumn("quote", width="large"),
        "confidence": st.column_config.NumberColumn("confidence", format="%.2f"),
    })


if chosen == "evidence" and shown:
    table = side_table(DATA_PATH, mtime, query_string)
    with st.expander(f"{len(table)} matching statements as a sortable table (up to {TABLE_ROWS}; click a header to sort)",
                     expanded=len(table) > figures.EVIDENCE_ROWS):
        link_table(table)
elif chosen == "map" and shown:
    with st.expander("The map as a table (keyboard and screen readers)", expanded=False):
        st.dataframe(map_table(DATA_PATH, mtime, query_string), hide_index=True,
                     width="stretch", column_config={"quote": st.column_config.TextColumn("quote", width="large")})
elif chosen == "changes" and shown:
    st.subheader("The statements that moved them")
    link_table(side_table(DATA_PATH, mtime, query_string))

export_widgets.downloads_section(dl)
