"""A statement's date as it is shown: with its precision ("November 2024", never "1 Nov 2024").

A date of week, month, quarter or year precision stands for its whole period (README,
"Statement fields"); charts draw it as a range from `date_start` to `date_end` (engine.prepare)
with the point where it counts, and every label names the period, not its first day.
"""
from __future__ import annotations

import pandas as pd

RANGED = ("week", "month", "quarter", "year")
RANGE_NOTE = "date known only to the week, month, quarter or year: drawn as that period"


def precision_of(row) -> str:
    """The row's date precision ('' when it has no statement date; 'day' when unset)."""
    if _missing(_get(row, "statement_date")):
        return ""
    value = _get(row, "date_precision")
    return value if isinstance(value, str) and value else "day"


def is_ranged(row) -> bool:
    """True when the row's statement date stands for a week, month, quarter or year."""
    return precision_of(row) in RANGED


def date_label(day, precision: str | None = "day") -> str:
    """'7 May 2024', 'week of 6 May 2024', 'May 2024', 'Q2 2024' or '2024' ('' for no date)."""
    if _missing(day):
        return ""
    d = pd.Timestamp(day)
    if precision == "week":
        return f"week of {d - pd.Timedelta(days=d.day_of_week):%-d %b %Y}"
    if precision == "month":
        return f"{d:%B %Y}"
    if precision == "quarter":
        return f"Q{d.quarter} {d.year}"
    if precision == "year":
        return str(d.year)
    return f"{d:%-d %b %Y}"


def statement_when(row) -> str:
    """A statement's date for hovers and tables: its label, where a ranged date also says the day it
    counts from; an undated statement shows its publication day."""
    precision = precision_of(row)
    if not precision:
        published = _get(row, "published")
        day = published if not _missing(published) else _get(row, "effective_date")
        return f"{date_label(day)} (published; undated)" if not _missing(day) else "undated"
    label = date_label(_get(row, "statement_date"), precision)
    effective = _get(row, "effective_date")
    if precision in RANGED and not _missing(effective):
        return f"{label} (counts from {date_label(effective)})"
    return label


def display_dates(rows: pd.DataFrame) -> pd.Series:
    """`date_label` of each row's statement date with its precision ('' where undated)."""
    if rows.empty:
        return pd.Series([], dtype=object, index=rows.index)
    return pd.Series([date_label(r.get("statement_date"), precision_of(r) or None) for r in rows.to_dict("records")],
                     index=rows.index, dtype=object)


def _get(row, key):
    return row.get(key) if isinstance(row, dict) else getattr(row, key, None)


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or value == ""
