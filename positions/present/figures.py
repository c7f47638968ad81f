"""The figures of a view: one place that says which charts a ViewState shows.

The page and `python -m positions export --view ...` both call `figures_for_view`, so a
shared link turns into the same charts with or without a browser.
"""
# long: one builder per view (_who ... _evidence) beside the dispatch that names them, with the
# small view helpers (as-of dates, filters, matrix cells, map frames) the page also imports.
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from positions.analysis import aggregate, engine, fast
from positions.present import charts
from positions.reference.codebook import STANCE_ORDER, Codebook
from positions.model import Issue
from positions.reference.registry import Registry
from positions.present import actor_chart, who_chart, who_since
from positions.present.flags import FLAG_NOTE, OFFICIAL_RULE, flag_text, flagged_names, signal_text
from positions.present.rows import evidence_positions, evidence_rows, relayed_by  # noqa: F401 - evidence_rows: page and exports
from positions.present.layout import data_to_text, grey_after
from positions.present.view import ViewState
from positions.present.choices import EVENTS_PATH, actor_choices, default_actor, load_events  # noqa: F401 - re-exported: page, tests

EVIDENCE_ROWS = 30  # rows drawn in the evidence figure (plotly tables get slow to draw); the page table has more
MAP_MAX_FRAMES = 24  # months in the map's slider / animation (the latest ones)
ACTOR_MAX_POINTS = 1500  # statements drawn in an actor timeline (the latest ones)


@dataclass(frozen=True)
class NamedFigure:
    key: str        # stable id, used for file names and widget keys
    title: str
    figure: go.Figure
    caption: str    # plain-language: what the chart counts
    summary: str = ""   # what the chart shows, in words (screen readers, slide alt text)


def data_range(df: pd.DataFrame) -> tuple[date, date]:
    dated = engine.prepare(df)["effective_date"].dropna()  # one column: no copy of every row
    if dated.empty:
        return date(2024, 1, 1), date.today()
    return dated.min().date(), max(dated.max().date(), date.today())


def as_of_date(df: pd.DataFrame, state: ViewState) -> date:
    """The view's 'as of' day: as_of, else end, else the day of the latest statement (not today:
    the data stop there, and later days would only repeat it)."""
    return state.as_of or state.end or who_since.data_to(df) or data_range(df)[1]


CHANGES_DAYS = 90


def compare_dates(df: pd.DataFrame, state: ViewState) -> tuple[date, date]:
    """The changes view's two dates: default the last 90 days of data up to the as-of day."""
    to = state.compare_to or min(as_of_date(df, state), who_since.data_to(df) or as_of_date(df, state))
    frm = state.compare_from or to - timedelta(days=CHANGES_DAYS)
    return min(frm, to), to


def names_of(reg: Registry) -> dict[str, str]:
    return {code: reg.name_of(code) for code in reg.affiliations}


def filtered(df: pd.DataFrame, state: ViewState, reg: Registry) -> pd.DataFrame:
    """Statements passing the sidebar's confidence / reviewed / group filters."""
    return aggregate.filter_statements(df, reg, min_conf=state.min_conf, reviewed=state.reviewed,
                                       groups=state.groups, on=as_of_date(df, state), source_types=state.sources)


def filter_state(df: pd.DataFrame, state: ViewState) -> ViewState:
    """Only what `filtered` reads: the sidebar's confidence, reviewed, group and source filters, and
    the as-of day only when groups are chosen (membership is taken on that day). Its query string
    keys caches of the filtered statements and their official positions."""
    return ViewState(min_conf=state.min_conf, reviewed=state.reviewed, groups=state.groups, sources=state.sources,
                     as_of=as_of_date(df, state) if state.groups else None)


Officials = Callable[[str], engine.Official]   # issue -> the official positions over the filtered rows


def _filter_note(state: ViewState) -> str:
    bits = []
    if state.groups:
        bits.append("states in " + ", ".join(state.groups))
    if state.min_conf:
        bits.append(f"confidence ≥ {state.min_conf:g}")
    if state.reviewed:
        bits.append("human-reviewed statements only")
    if state.sources:
        bits.append("sources: " + ", ".join(state.sources))
    return ("Filters: " + "; ".join(bits) + ".") if bits else ""


def figures_for_view(df: pd.DataFrame, state: ViewState, cb: Codebook, reg: Registry, *,
                     rows: pd.DataFrame | None = None, officials: Officials | None = None) -> list[NamedFigure]:
    """The charts the page shows for `state` (empty list when there is nothing to draw).

    `rows` (= `filtered(df, state, reg)`) and `officials` (issue -> engine.official of those rows)
    may come from the caller's cache, keyed by `filter_state`; by default they are computed here."""
    builder = {"who": _who, "supporters": _supporters, "matrix": _matrix, "actor": _actor, "map": _map,
               "changes": _changes, "evidence": _evidence}[state.view]
    rows = filtered(df, state, reg) if rows is None else rows
    off = officials or (lambda issue: fast.official(rows, issue))
    return [_dated(named, who_since.data_to(df), as_of_date(df, state))
            for named in builder(df, rows, state, cb, reg, off)]


def _dated(named: NamedFigure, data_to: date | None, as_of: date) -> NamedFigure:
    """Every chart says how far its data go ("Data to 8 Jan 2026") and greys a time axis after that day."""
    title = named.figure.layout.title
    mark = data_to_text(data_to)
    if mark not in (title.text or "") and mark not in (title.subtitle.text or ""):
        title.subtitle.text = f"{title.subtitle.text} · {mark}" if title.subtitle.text else mark
    if named.key in ("supporters", "actor"):
        grey_after(named.figure, data_to, as_of)
    return named


def _named(key: str, fig: go.Figure, caption: str, state: ViewState) -> list[NamedFigure]:
    note = _filter_note(state)
    return [NamedFigure(key, fig.layout.title.text.split("<br>")[0], fig, f"{caption} {note}".strip())]


def supportive(state: ViewState) -> frozenset:
    return frozenset({"support", "conditional"} if state.count_conditional else {"support"})


def group_pool(state: ViewState, reg: Registry, on: date) -> set[str] | None:
    return aggregate.states_in_groups(reg, state.groups, on) if state.groups else None


def headline(df: pd.DataFrame, rows: pd.DataFrame, state: ViewState, reg: Registry,
             official: engine.Official | None = None) -> who_since.Headline:
    """The page's headline counts (third countries, with their denominator) for `state`."""
    on = as_of_date(df, state)
    return who_since.headline(rows, state.issue, reg, on, groups_filter=group_pool(state, reg, on),
                              supportive=supportive(state), official=official)


def _who(df, rows, state, cb, reg, off):
    first, _ = data_range(df)
    as_of = as_of_date(df, state)
    start = min(state.start or first, as_of)
    found = who_since.who_rows(rows, state.issue, reg, as_of, start, supportive=supportive(state),
                               stances=state.stances, stance_label=lambda s: cb.stances[s].label,
                               official=off(state.issue))
    if not found:
        return []
    fig = who_chart.who_chart(found, cb, state.issue, start, as_of, who_since.data_to(df), compact=state.compact,
                              width=360 if state.compact else 1200)
    head = headline(df, rows, state, reg, off(state.issue))
    what = "support or conditional support" if state.count_conditional else "support"
    out = _named("who", fig,
                 f"One row per state with a public position; each segment is its official position from the day a "
                 f"statement set it (grey: no public position yet). Rows are sorted by the day the state first "
                 f"signalled {what}; hover a segment for the statement that started it, click a row for the "
                 "state's timeline.", state)
    return [NamedFigure(o.key, o.title, o.figure, o.caption,
                        who_chart.summary(found, set(supportive(state)), head.text, as_of)) for o in out]


def _third_countries(daily: engine.DailyStances) -> engine.DailyStances:
    """The daily stances without Ukraine and Russia (each state's position depends on its own statements only)."""
    keep = [i for i, s in enumerate(daily.states) if s not in who_since.BELLIGERENTS]
    return engine.DailyStances(daily.days, [daily.states[i] for i in keep], daily.codes[:, keep])


def _supporters(df, rows, state, cb, reg, official):
    first, _ = data_range(df)
    as_of = as_of_date(df, state)
    start = min(state.start or first, as_of)
    off = official(state.issue)
    # Third countries only, like the headline: Ukraine's and Russia's positions are not the West's support.
    daily = _third_countries(off.daily(start, as_of))
    counts = aggregate.stance_counts(daily, state.count_conditional)
    wanted = list(state.stances) or STANCE_ORDER
    if counts.empty or counts.loc[counts["stance"].isin(wanted), "count"].sum() == 0:
        return []
    events = [e for e in load_events() if start <= e["date"] <= as_of and (not e["issues"] or state.issue in e["issues"])]
    fig = charts.supporters_chart(counts, cb, state.issue, flagged_names(off, reg, as_of), stances=list(state.stances) or None,
                                  stacked=state.stacked, count_conditional=state.count_conditional, events=events,
                                  subtitle=f"States' official position on each day, up to {as_of:%d %b %Y}")
    cond = " Conditional support is counted as support." if state.count_conditional else ""
    last = counts[counts["date"] == counts["date"].max()]
    said = ", ".join(f"{int(c)} {cb.stances[s].label.lower()}" for s, c in zip(last["stance"], last["count"]))
    out = _named("supporters", fig,
                 "Each line counts states whose official position on that day has the given stance (Ukraine and "
                 f"Russia, the belligerents, are not counted); hover to see which states ({FLAG_NOTE}).{cond} "
                 "Dotted lines mark key events.", state)
    return [_with_summary(out[0], f"On {as_of:%-d %b %Y}, states by official position: {said} "
                                  "(Ukraine and Russia not counted).")]


def _with_summary(named: NamedFigure, summary: str) -> NamedFigure:
    return NamedFigure(named.key, named.title, named.figure, named.caption, summary)


def _group_label(reg: Registry, code: str, on: date) -> str:
    groups = [g for g in aggregate.CORE_GROUPS if g in reg.groups(code, on)]
    return f"{reg.name_of(code)} · {' '.join(groups) or 'other'}"


def matrix_cells(rows: pd.DataFrame, state: ViewState, reg: Registry, on: date,
                 official: Officials | None = None) -> pd.DataFrame:
    """Long table row_label, code, issue, stance, since, hover for the matrix; rows grouped by the stance
    on the view's issue (support first, no position last), then by the day the state took it."""
    issues = [i.value for i in Issue]
    offs = {i: official(i) if official else fast.official(rows, i) for i in issues}
    pos = {i: off.as_of(on) for i, off in offs.items()}
    signals = {i: {r["affiliation"]: r for r in off.latest_signals(on).to_dict("records")} for i, off in offs.items()}
    codes = set().union(*(set(p["affiliation"]) for p in pos.values()))
    if state.groups:
        codes |= aggregate.states_in_groups(reg, state.groups, on)
    codes = {c for c in codes if c in reg.states}
    latest = {i: {r["affiliation"]: r for r in p.to_dict("records")} for i, p in pos.items()}
    order = {s: k for k, s in enumerate(STANCE_ORDER)}

    def key(code):
        r = latest[state.issue].get(code)
        return (order[r["stance"]], r["since"], reg.name_of(code)) if r is not None else \
            (len(order), pd.Timestamp.max, reg.name_of(code))
    records = []
    for code in sorted(codes, key=key):
        label = _group_label(reg, code, on)
        for issue in issues:
            r = latest[issue].get(code)
            if r is None:
                records.append((label, code, issue, "", "",
                                "No public position found" + signal_text(signals[issue].get(code))))
                continue
            if state.stances and r["stance"] not in state.stances:
                continue
            hover = (f"{r['stance']} since {r['since']:%-d %b %Y}{flag_text(r)}<br>{charts.esc(r['actor'])}: "
                     f"“{charts.wrap(r['evidence'])}”" + signal_text(signals[issue].get(code), after=r["since"]))
            records.append((label, code, issue, r["stance"], f"{r['since']:%-d %b %Y}", hover))
    return pd.DataFrame.from_records(records, columns=["row_label", "code", "issue", "stance", "since", "hover"])


def _matrix(df, rows, state, cb, reg, off):
    on = as_of_date(df, state)
    cells = matrix_cells(rows, state, reg, on, off)
    if cells.empty:
        return []
    fig = charts.matrix_chart(cells, cb, [i.value for i in Issue], on,
                              subtitle="Official position of each state and the day it took it; rows grouped by stance on "
                                       f"{cb.issue_label(state.issue).lower()}, then by date; click a cell for its timeline")
    out = _named("matrix", fig,
                 f"Each cell is a state's stance on an issue as of {on:%d %b %Y}. Grey means no public position "
                 "found (distinct from undecided). Rows are grouped by the stance on the chosen issue (support first), "
                 f"then by the day the state took it; {FLAG_NOTE} (hover).", state)
    per_issue = []
    for issue in [i.value for i in Issue]:
        part = cells[cells["issue"] == issue]["stance"]
        bits = ", ".join(f"{(part == s).sum()} {cb.stances[s].label.lower()}" for s in STANCE_ORDER)
        per_issue.append(f"{cb.issue_label(issue)}: {bits}, {(part == '').sum()} no public position")
    out = [_with_summary(out[0], f"As of {on:%-d %b %Y}, {cells['code'].nunique()} states. " + "; ".join(per_issue) + ".")]
    # Drill-down: with an actor chosen, the matrix view also shows that actor's timeline.
    if state.actor:
        out += _actor(df, rows, state, cb, reg, off)
    return out


def _actor(df, rows, state, cb, reg, off):
    as_of = as_of_date(df, state)
    actor = state.actor
    actor = actor or default_actor(rows, state.issue, reg)
    if not actor:
        return []
    stmts = aggregate.actor_statements(rows, state.issue, actor, reg)
    stmts = stmts[stmts["effective_date"] <= pd.Timestamp(as_of)]
    if state.start:
        stmts = stmts[stmts["effective_date"] >= pd.Timestamp(state.start)]
    if state.stances:
        stmts = stmts[stmts["stance"].isin(state.stances)]
    if stmts.empty:
        return []
    is_place = actor in reg.affiliations
    if actor in reg.states:  # a state's line is its official position (speaker precedence applies)
        events = off(state.issue).events
        steps = aggregate.official_steps(events[events["affiliation"].astype(str) == actor], as_of)
    else:
        steps = aggregate.official_steps(stmts, as_of)
    total = len(stmts)
    stmts = fast.with_text(stmts.tail(ACTOR_MAX_POINTS), like=rows)
    stmts = stmts.assign(relayed_by=relayed_by(stmts, reg))
    label = reg.name_of(actor) if is_place else (reg.people[actor].name if actor in reg.people else actor)
    fig = actor_chart.actor_timeline_chart(
        stmts, steps, cb, label, state.issue,
        step_label="Official position" if is_place else "Latest stance",
        subtitle=(f"{total} statement(s) up to {as_of:%d %b %Y}" if total == len(stmts)
                  else f"the latest {len(stmts)} of {total} statements up to {as_of:%d %b %Y}"))
    what = ("its speakers' statements; the line is the official position (the rule is under the charts)"
            if is_place else "the person's statements; the line is their latest stance")
    named = _named("actor", fig,
                  f"Each marker is one statement, placed by date and stance; {what}. Filled: an official speaker; "
                  "hollow: not an official speaker, or a speaker of another state relaying this one's policy. "
                  "Same-day statements are spread apart. A dashed line and 'walk-back' mark a move to a less "
                  "supportive stance. Hover a marker for the quote.", state)
    now = (f"; position on {as_of:%-d %b %Y}: {cb.stances[steps['stance'].iloc[-1]].label}" if not steps.empty else "")
    return [_with_summary(named[0], f"{label}: {total} statement(s) on {cb.issue_label(state.issue).lower()} up to "
                                    f"{as_of:%-d %b %Y}{now}; {int(steps['walk_back'].sum()) if not steps.empty else 0} "
                                    "walk-back(s).")]


def map_frames(rows: pd.DataFrame, state: ViewState, reg: Registry, start: date, as_of: date,
               labels: dict[str, str] | None = None, official: engine.Official | None = None) -> list[tuple[str, dict]]:
    """[(month label, {iso3, stance, hover} lists)] for each month end up to as_of (the last is as_of)."""
    ends = aggregate.month_ends(start, as_of)[-MAP_MAX_FRAMES:]
    off = official if official is not None else fast.official(rows, state.issue)
    daily = off.daily(ends[0], as_of)
    latest = {r["affiliation"]: r for r in off.as_of(as_of).to_dict("records")}
    if state.groups:
        shown = aggregate.states_in_groups(reg, state.groups, as_of)
    else:
        shown = set(reg.states)
    shown = sorted(c for c in shown if reg.states[c].iso3)
    frames = []
    for end in ends:
        on = daily.on(end) if not daily.empty else {}
        recs = []
        for code in shown:
            stance = on.get(code, "")
            if state.stances and stance and stance not in state.stances:
                stance = ""
            name = charts.esc(reg.name_of(code))
            full = (labels or {}).get(stance, stance.capitalize()) if stance else "No public position found"
            if code in who_since.BELLIGERENTS:
                name += " (belligerent)"
            if stance and end == as_of and code in latest:
                r = latest[code]
                hover = (f"<b>{name}</b>: {full} (since {r['since']:%-d %b %Y}){flag_text(r)}<br>{charts.esc(r['actor'])}: "
                         f"“{charts.wrap(r['evidence'], 60, 240)}”")
            else:
                hover = f"<b>{name}</b>: {full}"
            recs.append((reg.states[code].iso3, stance, hover))
        frames.append((f"{end:%d %b %Y}", {"iso3": [r[0] for r in recs], "stance": [r[1] for r in recs],
                                           "hover": [r[2] for r in recs]}))
    return frames


def _map(df, rows, state, cb, reg, off):
    as_of = as_of_date(df, state)
    # One date only, the sidebar's "As of": title, headline, link and the other views agree.
    frames = map_frames(rows, state, reg, as_of, as_of, labels={s: d.label for s, d in cb.stances.items()},
                        official=off(state.issue))
    fig = charts.map_chart(frames, cb, state.issue, state.scope,
                           subtitle="Official position; grey: none found",
                           outlined=[reg.states[c].iso3 for c in who_since.BELLIGERENTS if c in reg.states])
    data = frames[-1][1]
    have = [f"{reg.by_iso3[n].name}: {h.split('</b>: ')[1].split(' (since')[0]}" for n, h, s in
            zip(data["iso3"], data["hover"], data["stance"]) if s]
    return [NamedFigure("map", fig.layout.title.text.split("<br>")[0], fig,
                        f"Each state is coloured by its official position as of {as_of:%-d %b %Y} (grey: no public "
                        f"position found; {FLAG_NOTE}, hover); Ukraine and Russia, the belligerents, are outlined. "
                        "Change the date with 'As of' in the sidebar. The table below lists the same positions.",
                        f"Map as of {as_of:%-d %b %Y}. States with a position: " + "; ".join(have) + ".")]


def _changes(df, rows, state, cb, reg, official):
    frm, to = compare_dates(df, state)
    off = official(state.issue)
    ch = off.changes(frm, to)
    if state.stances:
        ch = ch[ch["to_stance"].isin(state.stances) | ch["from_stance"].isin(state.stances)]
    if ch.empty:
        return []
    fig = charts.changes_chart(ch, cb, flagged_names(off, reg, to), frm, to,
                               subtitle=f"{len(ch)} state(s) changed stance; hover the filled marker for the statement")
    named = _named("changes", fig,
                  f"States whose stance on {to:%d %b %Y} differs from {frm:%d %b %Y}: hollow marker = before, "
                  f"filled marker = after, and the statement that moved them (hover; {FLAG_NOTE}).", state)
    lab = lambda st: cb.stances[st].label if st else cb.no_position_label  # noqa: E731
    moves = "; ".join(f"{reg.name_of(str(r.affiliation))}: {lab(r.from_stance)} to {lab(r.to_stance)} on "
                      f"{r.since:%-d %b %Y}" for r in ch.itertuples())
    return [_with_summary(named[0], f"Between {frm:%-d %b %Y} and {to:%-d %b %Y}, {len(ch)} state(s) moved: {moves}.")]


def _evidence(df, rows, state, cb, reg, off):
    as_of = as_of_date(df, state)
    rows = aggregate.prepare(rows)
    pos = evidence_positions(rows, state, as_of)   # counted and paged, not copied
    if not len(pos):
        return []
    days = rows["effective_date"].iloc[pos]
    fig = charts.evidence_table(fast.with_text(rows.iloc[pos[:EVIDENCE_ROWS]]), cb, names_of(reg), len(pos),
                                subtitle=f"Sorted by {state.sort}; * = undated, published that day; a month or year = a date known only to that period")
    named = _named("evidence", fig,
                  "Every statement on this issue that passes the filters, with the verbatim quote and its source. "
                  "Dates marked * are publication dates (the text gave no date).", state)
    return [_with_summary(named[0], f"{len(pos)} statement(s) on {cb.issue_label(state.issue).lower()} up to "
                                    f"{as_of:%-d %b %Y}, from {days.min():%-d %b %Y} to "
                                    f"{days.max():%-d %b %Y}.")]


__all__ = ["NamedFigure", "figures_for_view", "data_range", "as_of_date", "STANCE_ORDER", "OFFICIAL_RULE", "FLAG_NOTE"]
