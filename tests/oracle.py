"""The official-position rule spelled out slowly: the reference the engine is tested against.

Plain Python over the rows, one state and one day at a time, with its own date arithmetic and
its own speaker ranks (from the role titles the random tables use). Tests only.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta

import pandas as pd

HOLD_DAYS = 30
TIER = {"direct": 0, "summary": 1, "past": 2}
ORDER = ["support", "conditional", "undecided", "oppose"]  # more cautious to the right
TITLE_RANK = {"President": 1, "Prime Minister": 1, "Foreign Minister": 2, "Defence Secretary": 2,
              "Government spokesman": 3, "Adviser": 4, "": 4}


def period_end(day: date, precision: str) -> date:
    if precision == "week":
        return day - timedelta(days=day.weekday()) + timedelta(days=6)
    if precision == "month":
        return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    if precision == "quarter":
        last = (day.month - 1) // 3 * 3 + 3
        return date(day.year, last, calendar.monthrange(day.year, last)[1])
    if precision == "year":
        return date(day.year, 12, 31)
    return day


def period_start(day: date, precision: str) -> date:
    if precision == "week":
        return day - timedelta(days=day.weekday())
    if precision == "month":
        return day.replace(day=1)
    if precision == "quarter":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, 1, 1)


def effective(row) -> date | None:
    """When a statement starts to count: its period's end (not after publication), else publication."""
    published = None if pd.isna(row["published"]) else row["published"].date()
    if pd.isna(row["statement_date"]):
        return published
    day, precision = row["statement_date"].date(), row["date_precision"] or "day"
    end = period_end(day, precision)
    start = day if precision == "day" else period_start(day, precision)
    if precision == "day" or published is None or published < start:
        return end
    return min(end, published)


def rank(row) -> int:
    if not row["role"] and row["actor_id"] == row["affiliation"]:
        return 2  # the state named as a whole
    return TITLE_RANK[row["role"]]


def counts(row) -> bool:
    return (row["status"] == "accepted" and row["actor_type"] == "government" and len(row["affiliation"]) == 2
            and row["attribution"] != "relayed" and effective(row) is not None)


def best(rows: list) -> dict:
    """The statement the rule picks among `rows` (dicts of one state, all counting on the day)."""
    def key(r):
        eff, dated = effective(r), not pd.isna(r["statement_date"])
        held = eff - timedelta(days=0 if dated else HOLD_DAYS)
        tier = TIER[r["attribution"]] * 2 + (0 if dated else 1)
        published = r["published"].date() if not pd.isna(r["published"]) else date.max
        # Larger is better at every place; the last three only choose among equal stances.
        return (held, -tier, eff, -rank(r), ORDER.index(r["stance"]), r["confidence"],
                -published.toordinal(), [-ord(c) for c in r["id"]])
    return max(rows, key=key)


def as_of(df: pd.DataFrame, issue: str, on: date) -> dict[str, tuple[str, str]]:
    """{state: (stance, id of the statement it rests on)} on `on`."""
    out = {}
    rows = [r for r in df.to_dict("records") if r["issue"] == issue and counts(r) and effective(r) <= on]
    for state in sorted({r["affiliation"] for r in rows}):
        winner = best([r for r in rows if r["affiliation"] == state])
        out[state] = (winner["stance"], winner["id"])
    return out


def changes(df: pd.DataFrame, issue: str) -> dict[str, list[tuple[date, str]]]:
    """{state: [(day, stance)]}: the days each state's official stance changes."""
    days = sorted({effective(r) for r in df.to_dict("records") if r["issue"] == issue and counts(r)})
    out: dict[str, list] = {}
    for day in days:
        for state, (stance, _) in as_of(df, issue, day).items():
            if not out.get(state) or out[state][-1][1] != stance:
                out.setdefault(state, []).append((day, stance))
    return out
