"""Streamlit page: who has signalled support over time, and the statements behind it.

Thin wiring only: data comes through positions.store, logic from positions.timeline,
figures from positions.charts; the view lives in the URL (positions.view).
"""
from __future__ import annotations

import os
from datetime import date

import pandas as pd
import streamlit as st

from positions import codebook, figures, registry, store, timeline, view
from positions import export_widgets
from positions.errors import InvalidField, PositionsError
from positions.model import Issue

DATA_PATH = os.environ.get("POSITIONS_DATA", str(store.DEFAULT_PATH))

st.set_page_config(page_title="positions: stances on strikes and trainers", layout="wide")


@st.cache_data(show_spinner=False)
def load_statements(path: str, mtime: float) -> pd.DataFrame:
    return store.load_frame(path)


@st.cache_resource(show_spinner=False)
def load_reference():
    return codebook.load(), registry.load()


try:
    df = load_statements(DATA_PATH, os.path.getmtime(DATA_PATH))
    cb, reg = load_reference()
except (PositionsError, OSError) as e:
    st.error(f"Cannot load the data: {e}")
    st.stop()

try:
    state = view.from_query(st.query_params.to_dict())
except InvalidField as e:
    st.warning(f"Ignoring the link's view settings: {e}")
    state = view.DEFAULT

dated = timeline.with_effective_date(df)
first_day = dated["effective_date"].min().date() if not dated.empty else date(2024, 1, 1)
last_day = max(date.today(), first_day)

issues = [i.value for i in Issue]
with st.sidebar:
    st.header("Filters")
    issue = st.selectbox("Issue", issues, index=issues.index(state.issue), format_func=cb.issue_label, key="issue")
    as_of_default = min(max(state.as_of or last_day, first_day), last_day)
    as_of = st.date_input("As of", value=as_of_default, min_value=first_day, max_value=last_day, key="as_of")
    count_conditional = st.checkbox("Count conditional as support", value=state.count_conditional, key="count_conditional")

# The as-of date always goes into the URL so a shared link shows the same day next week.
state = state.with_(issue=issue, as_of=as_of, count_conditional=count_conditional)
st.query_params.from_dict(view.to_query(state))

st.title("Who has signalled support?")
st.caption(cb.issues[issue].question)

supporters = timeline.supporters_on(df, issue, as_of, count_conditional)
names = {code: reg.name_of(code) for code in reg.affiliations}
label = "support or conditional support" if count_conditional else "support"
st.metric(f"States signalling {label} as of {as_of:%d %b %Y}", len(supporters),
          help=", ".join(names.get(c, c) for c in supporters) or "none")

shown = figures.figures_for_view(df, state, cb, reg)
if not shown:
    st.info("No dated government statements by states on this issue up to this date. Try a later date or the other issue.")
for named in shown:
    st.plotly_chart(named.figure, width="stretch", theme=None, key=f"chart_{named.key}")
    st.caption(named.caption)
    export_widgets.chart_downloads(named, df, state, cb, reg)

st.subheader("Statements behind the chart")
rows = timeline.with_effective_date(timeline.usable(df))
rows = rows[(rows["issue"] == issue) & (rows["effective_date"] <= pd.Timestamp(as_of))]
if rows.empty:
    st.info("No statements on this issue up to this date.")
else:
    table = pd.DataFrame({
        "date": rows["statement_date"].dt.date,
        "speaker": rows["actor"],
        "for": rows["affiliation"].map(lambda c: names.get(c, c)),
        "role": rows["role"],
        "stance": rows["stance"],
        "quote": rows["evidence"],
        "source": rows["source_url"].where(rows["source_url"] != "", None),
        "document": rows["source_title"],
        "confidence": rows["confidence"],
    }).sort_values("date", ascending=False, na_position="last")
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        "source": st.column_config.LinkColumn("source"),
        "quote": st.column_config.TextColumn("quote", width="large"),
        "confidence": st.column_config.NumberColumn("confidence", format="%.2f"),
    })

export_widgets.downloads_section(df, state, cb, reg, shown)
