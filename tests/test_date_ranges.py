"""Issue 12: a date known only to a week, month, quarter or year is a range on the charts and is
labelled by its period ("November 2024", not "1 Nov 2024") in hovers, tables and exports.

Checked on the bundled data (the plotly figures the page draws and the export rows), with
invented dates only in the label unit tests.
"""
from __future__ import annotations

import pandas as pd
import pytest

from positions.analysis import engine
from positions.data import store
from positions.present import actor_chart, charts, figures, periods, who_chart
from positions.present.export.tables import citation_tables
from positions.present.view import ViewState

STRIKES, TRAINERS = "cross_border_strikes", "trainer_deployment"
# United States: 'last November' / 'In November 2024', month precision (issue 12: once coded as 1 Nov).
US_NOVEMBER = ["cbbc73663b5866d4", "54e2ed76f9a92a14"]


@pytest.fixture(name="bundled", scope="module")
def _bundled(reg):
    return engine.prepare(store.load_frame(), reg)


@pytest.mark.parametrize("day, precision, label", [
    ("2023-03-15", "day", "15 Mar 2023"),
    ("2023-03-15", "week", "week of 13 Mar 2023"),
    ("2023-03-01", "month", "March 2023"),
    ("2023-04-01", "quarter", "Q2 2023"),
    ("2023-01-01", "year", "2023"),
    (None, "day", ""),
])
def test_periods_date_label_names_the_period(day, precision, label):
    assert periods.date_label(day, precision) == label


@pytest.mark.parametrize("row, text", [
    ({"statement_date": pd.Timestamp(2023, 3, 1), "date_precision": "month", "effective_date": pd.Timestamp(2023, 3, 31)},
     "March 2023 (counts from 31 Mar 2023)"),
    ({"statement_date": pd.Timestamp(2023, 3, 9), "date_precision": "day", "effective_date": pd.Timestamp(2023, 3, 9)},
     "9 Mar 2023"),
    ({"statement_date": None, "date_precision": None, "published": pd.Timestamp(2023, 3, 9)},
     "9 Mar 2023 (published; undated)"),
])
def test_periods_statement_when(row, text):
    assert periods.statement_when(row) == text


def _spans(trace) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    xs = list(trace.x)
    return [(pd.Timestamp(xs[i]), pd.Timestamp(xs[i + 1])) for i in range(0, len(xs), 3)]


def test_actor_timeline_draws_the_us_november_rows_as_month_ranges(bundled, cb, reg):
    rows = bundled[bundled["id"].isin(US_NOVEMBER)]
    assert len(rows) == 2 and set(rows["date_precision"]) == {"month"}
    fig = figures.figures_for_view(bundled, ViewState(view="actor", actor="US", issue=STRIKES), cb, reg)[0].figure
    spans = [t for t in fig.data if t.name == actor_chart.RANGE_NAME]
    assert len(spans) == 1
    assert (pd.Timestamp(2024, 11, 1), pd.Timestamp(2024, 11, 30)) in _spans(spans[0])
    hovers = [(x, h) for t in fig.data if t.mode == "markers" and t.customdata is not None
              for x, h in zip(t.x, t.customdata)]
    for r in rows.itertuples():
        mine = [(x, h) for x, h in hovers if r.evidence[:40] in h.replace("<br>", " ")]
        assert mine, r.id
        x, hover = mine[0]
        assert pd.Timestamp(x) == pd.Timestamp(2024, 11, 30), "the point sits where the month counts"
        assert "November 2024 (counts from 30 Nov 2024)" in hover and "1 Nov 2024" not in hover


@pytest.mark.slow   # every ranged statement's actor chart
def test_actor_timeline_every_ranged_statement_has_its_span(bundled, cb, reg):
    """Each state and issue with ranged dates: one span per ranged statement, exactly its period."""
    ranged = bundled[bundled["date_precision"].isin(periods.RANGED) & bundled["affiliation"].astype(str).isin(list(reg.states))]
    assert len(ranged) >= 20
    for (state, issue), part in ranged.groupby([ranged["affiliation"].astype(str), ranged["issue"].astype(str)],
                                               observed=True):
        fig = figures.figures_for_view(bundled, ViewState(view="actor", actor=state, issue=issue), cb, reg)[0].figure
        drawn = [s for t in fig.data if t.name == actor_chart.RANGE_NAME for s in _spans(t)]
        want = sorted(zip(part["date_start"], part["date_end"]))
        assert sorted(drawn) == want, (state, issue)


def _ranged_segment_starts(bundled, issue, on):
    """(state, statement) pairs where the engine's change event was set by a ranged-date statement."""
    off = engine.official(bundled, issue)
    ev = off.events[off.events["since"] <= pd.Timestamp(on)]
    by_id = bundled.drop_duplicates("id").set_index("id")
    out = []
    for e in ev.itertuples():
        s = by_id.loc[e.set_by_id]
        if s["date_precision"] in periods.RANGED:
            out.append((str(e.affiliation), s))
    return out


@pytest.mark.parametrize("issue", [STRIKES, TRAINERS])
def test_who_since_grid_shows_the_period_of_a_ranged_statement(bundled, cb, reg, issue):
    on = figures.as_of_date(bundled, ViewState(issue=issue))
    start = figures.data_range(bundled)[0]
    starts = _ranged_segment_starts(bundled, issue, on)
    fig = figures.figures_for_view(bundled, ViewState(view="who", issue=issue), cb, reg)[0].figure
    bands = [t for t in fig.data if t.name == who_chart.RANGE_NAME]
    if not starts:
        assert not bands
        return
    assert len(bands) == 1
    drawn = {(y, pd.Timestamp(b), h) for y, b, (_, h) in zip(bands[0].y, bands[0].base, bands[0].customdata)}
    for code, s in starts:
        name = reg.name_of(code)
        base = max(s["date_start"], pd.Timestamp(start))
        label = periods.date_label(s["statement_date"], s["date_precision"])
        assert any(y == name and b == base and label in h for y, b, h in drawn), (code, s.name)


def test_exports_show_the_period_and_its_bounds(bundled, reg):
    statements, _ = citation_tables(bundled, reg)
    by_id = statements.set_index("statement_id")
    src = bundled.drop_duplicates("id").set_index("id")
    month = src[src["date_precision"] == "month"]
    assert len(month) >= 10
    for sid, r in month.iterrows():
        out = by_id.loc[sid]
        assert out["date_precision"] == "month"
        assert out["date_display"] == f"{r['statement_date']:%B %Y}"
        assert (out["date_start"], out["date_end"]) == (f"{r['date_start']:%Y-%m-%d}", f"{r['date_end']:%Y-%m-%d}")
        assert f", {out['date_display']}: " in out["citation"], "the citation names the month, not its first day"
    day = src[src["date_precision"] == "day"].index[:20]
    assert (by_id.loc[day, "date_display"] == by_id.loc[day, "date"]).all()
    undated = src[src["statement_date"].isna()].index[:20]
    assert (by_id.loc[undated, "date_display"] == "").all() and (by_id.loc[undated, "date_precision"] == "").all()


def test_evidence_table_labels_ranged_dates_by_period(bundled, cb, reg):
    us = bundled[(bundled["affiliation"] == "US") & (bundled["issue"] == STRIKES)]
    us = us[(us["effective_date"] >= pd.Timestamp(2024, 11, 14)) & (us["effective_date"] <= pd.Timestamp(2024, 11, 30))]
    assert set(US_NOVEMBER) <= set(us["id"])
    fig = charts.evidence_table(us, cb, figures.names_of(reg), len(us))
    cells = dict(zip(us["id"], fig.data[0].cells.values[0]))
    assert all(cells[i] == "November 2024" for i in US_NOVEMBER)
    for r in us[us["date_precision"] == "day"].itertuples():
        assert cells[r.id] == f"{r.statement_date:%Y-%m-%d}"
    for r in us[us["statement_date"].isna()].itertuples():
        assert cells[r.id] == f"{r.published:%Y-%m-%d}*"
