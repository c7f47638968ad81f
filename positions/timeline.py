"""Positions over time: each actor's stance as of a date, and daily counts per stance.

Pure functions on the statements DataFrame of `store.to_frame`. A statement counts from
its `statement_date`, or, when the text gives no date, from the day it was published
(the latest day by which it is known to have been said). The latest statement on or
before a date wins.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from .codebook import STANCE_ORDER


def with_effective_date(df: pd.DataFrame) -> pd.DataFrame:
    """Add `effective_date` = statement_date, else published; drop rows with neither."""
    out = df.assign(effective_date=df["statement_date"].fillna(df["published"]))
    return out[out["effective_date"].notna()]


def usable(df: pd.DataFrame, include_suggested: bool = False) -> pd.DataFrame:
    """Statements that may set a position: accepted (optionally suggested), never rejected."""
    keep = {"accepted", "suggested"} if include_suggested else {"accepted"}
    return df[df["status"].isin(keep)]


def state_statements(df: pd.DataFrame, issue: str) -> pd.DataFrame:
    """Government statements of states (not organisations, not 'other' speakers) on one issue."""
    rows = usable(df)
    rows = rows[(rows["issue"] == issue) & (rows["actor_type"] == "government")
                & ~rows["affiliation"].isin(["NATO", "EU"])]
    return with_effective_date(rows)


def _latest_per_key(rows: pd.DataFrame, key: str, on) -> pd.DataFrame:
    rows = rows[rows["effective_date"] <= pd.Timestamp(on)]
    rows = rows.sort_values(["effective_date", "confidence", "id"], kind="stable")
    return rows.drop_duplicates(key, keep="last")


def actor_positions_as_of(df: pd.DataFrame, issue: str, on: date) -> pd.DataFrame:
    """Each actor's latest statement on `issue` on or before `on` (one row per actor)."""
    rows = with_effective_date(usable(df))
    rows = rows[rows["issue"] == issue]
    rows = rows.assign(actor_key=rows["actor_id"].where(rows["actor_id"] != "", rows["affiliation"] + ":" + rows["actor"]))
    return _latest_per_key(rows, "actor_key", on).reset_index(drop=True)


def state_positions_as_of(df: pd.DataFrame, issue: str, on: date) -> pd.DataFrame:
    """Each state's stance on `issue` as of `on`: its latest government statement."""
    return _latest_per_key(state_statements(df, issue), "affiliation", on).reset_index(drop=True)


def daily_state_stances(df: pd.DataFrame, issue: str, start: date, end: date) -> pd.DataFrame:
    """Wide table: one row per day in [start, end], one column per state, value = stance or NaN."""
    rows = state_statements(df, issue)
    days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D")
    if rows.empty or days.empty:
        return pd.DataFrame(index=days)
    rows = rows.sort_values(["effective_date", "confidence", "id"], kind="stable")
    last = rows.drop_duplicates(["affiliation", "effective_date"], keep="last")
    wide = last.pivot(index="effective_date", columns="affiliation", values="stance")
    full = wide.index.union(days)
    wide = wide.reindex(full).ffill().reindex(days)
    return wide.dropna(axis=1, how="all")


def daily_counts(df: pd.DataFrame, issue: str, start: date, end: date) -> pd.DataFrame:
    """Long table date, stance, count, states (sorted list of codes): states per stance per day."""
    wide = daily_state_stances(df, issue, start, end)
    records = []
    if wide.shape[1]:
        long = wide.stack().rename("stance").reset_index()
        long.columns = ["date", "affiliation", "stance"]
        grouped = long.groupby(["date", "stance"])["affiliation"].agg(lambda s: sorted(s))
        for (day, stance), states in grouped.items():
            records.append({"date": day, "stance": stance, "count": len(states), "states": states})
    out = pd.DataFrame(records, columns=["date", "stance", "count", "states"])
    # Every (day, stance) pair is present, zero when no state holds it, so lines don't jump.
    grid = pd.MultiIndex.from_product([wide.index, STANCE_ORDER], names=["date", "stance"])
    out = out.set_index(["date", "stance"]).reindex(grid).reset_index()
    out["count"] = out["count"].fillna(0).astype(int)
    out["states"] = out["states"].apply(lambda v: v if isinstance(v, list) else [])
    return out


def supporters_on(df: pd.DataFrame, issue: str, on: date, count_conditional: bool = False) -> list[str]:
    """Codes of states whose position on `issue` as of `on` is support (optionally conditional)."""
    pos = state_positions_as_of(df, issue, on)
    wanted = {"support", "conditional"} if count_conditional else {"support"}
    return sorted(pos.loc[pos["stance"].isin(wanted), "affiliation"])
