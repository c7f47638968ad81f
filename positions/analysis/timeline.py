"""Positions over time: each actor's stance as of a date, and daily counts per stance.

Pure functions on the statements DataFrame of `store.to_frame`. A statement counts from
its `statement_date`, or, when the text gives no date, from the day it was published
(the latest day by which it is known to have been said). The latest statement on or
before a date wins.
"""
from __future__ import annotations

import re
from datetime import date

import pandas as pd

from positions.reference.codebook import STANCE_ORDER


def with_effective_date(df: pd.DataFrame) -> pd.DataFrame:
    """Add `effective_date` = statement_date, else published; drop rows with neither."""
    out = df.assign(effective_date=df["statement_date"].fillna(df["published"]))
    return out[out["effective_date"].notna()]


def usable(df: pd.DataFrame, include_suggested: bool = False) -> pd.DataFrame:
    """Statements that may set a position: accepted (optionally suggested), never rejected."""
    keep = {"accepted", "suggested"} if include_suggested else {"accepted"}
    return df[df["status"].isin(keep)]


# Speaker precedence inside one state (lower wins) when its speakers disagree within
# PRECEDENCE_WINDOW_DAYS: head of state/government > foreign/defence minister (and the
# state named as a whole) > official spokesperson > other officials. Opposition figures and
# parliamentarians are actor_type "other" and never set the official position.
PRECEDENCE_WINDOW_DAYS = 7
_RANK_PATTERNS = [
    (1, re.compile(r"\b(president|prime minister|premier|chancellor|taoiseach|head of (state|government))\b", re.I)),
    (2, re.compile(r"\b(foreign|defen[cs]e|armed forces|secretary of state|minister|secretary|vice[- ]president)\b",
                   re.I)),
    (3, re.compile(r"\b(spokes(man|woman|person)|press secretary|spokesperson)\b", re.I)),
]
_NOT_HEAD = re.compile(r"\b(vice|deputy|former|spokes|adviser|advisor|office|chief of staff)\b", re.I)


def speaker_rank(role: str, actor: str = "", state_name: str = "") -> int:
    """Precedence rank of a government speaker from their role title (1 = highest, 4 = other officials)."""
    role = role or ""
    if not role.strip():
        return 2 if actor and state_name and actor.strip().lower() in {state_name.lower(), "the " + state_name.lower()} else 4
    if _RANK_PATTERNS[2][1].search(role):
        return 3
    if _RANK_PATTERNS[0][1].search(role) and not _NOT_HEAD.search(role):
        return 1
    if _RANK_PATTERNS[1][1].search(role):
        return 2
    return 4


def state_statements(df: pd.DataFrame, issue: str, columns: list[str] | None = None) -> pd.DataFrame:
    """Accepted, dated government statements of states (not organisations, not 'other' speakers) on one
    issue, with `effective_date` and `rank`; only `columns` of them when given (large tables)."""
    when = df["statement_date"].fillna(df["published"])
    mask = ((df["status"] == "accepted") & (df["issue"] == issue) & (df["actor_type"] == "government")
            & ~df["affiliation"].isin(["NATO", "EU"]) & when.notna()).to_numpy()
    rows = df.loc[mask, columns] if columns else df.loc[mask]
    rows = rows.assign(effective_date=when[mask])
    if "rank" not in rows.columns:
        # Rank each distinct (role, actor, state) once: large tables repeat few speakers.
        speakers = rows[["role", "actor", "affiliation"]].astype(str)
        key = speakers["role"] + "\x1f" + speakers["actor"] + "\x1f" + speakers["affiliation"]
        ranks = {k: _speaker_key_rank(*k.split("\x1f")) for k in key.unique()}
        rows = rows.assign(rank=key.map(ranks).astype("int64"))
    return rows


def _speaker_key_rank(role: str, actor: str, affiliation: str) -> int:
    return speaker_rank(role) if role else _state_actor_rank(actor, affiliation)


def _state_actor_rank(actor: str, affiliation: str) -> int:
    """A state named as a whole ("Canada", "the U.K.") speaks at minister level; unnamed roles rank 4."""
    from positions.reference import registry as registry_mod  # lazy: timeline stays usable without the registry files
    try:
        who = registry_mod.load().resolve(actor)
    except Exception:  # a broken registry must not hide positions; fall back to the lowest rank
        return 4
    if who is None:
        return 4
    if who.role_kind == "state":
        return 2
    return {"head_of_state": 1, "head_of_government": 1, "foreign_minister": 2, "defence_minister": 2,
            "deputy_head_of_government": 2, "spokesperson": 3}.get(who.role_kind, 4)


def official_positions(df: pd.DataFrame, issue: str, explain: bool = True) -> pd.DataFrame:
    """Each state's official position after each of its statements: one row per (state, change date).

    At a statement's date the official position is the statement with the best speaker rank
    among that state's statements of the past PRECEDENCE_WINDOW_DAYS (latest wins among equals),
    so a minister contradicting the president the same week does not move the position, and a
    later walk-back by the same or a higher speaker does. Columns: the winning statement's
    fields plus `basis_ids` (the statements that set or confirmed it) and, with `explain`,
    `overruled_ids` (statements in its windows that said otherwise; empty lists without it).
    """
    # The window logic runs on a few columns; the winners' full rows are taken at the end.
    rows = state_statements(df, issue, columns=["id", "actor", "affiliation", "role", "stance", "confidence"])
    cols = list(dict.fromkeys([*df.columns, "effective_date", "rank", "overruled_ids", "basis_ids"]))
    if rows.empty:
        return pd.DataFrame(columns=cols)
    rows = rows.assign(affiliation=rows["affiliation"].astype(str), stance=rows["stance"].astype(str))
    rows = rows.sort_values(["affiliation", "effective_date", "rank", "confidence", "id"],
                            ascending=[True, True, False, True, True], kind="stable")
    source_index = rows.index
    rows = rows.reset_index(drop=True)
    n = len(rows)
    # Winner of each window = best (lowest) rank, the latest row among equals: the minimum of
    # rank * n + (n - 1 - position) over a rolling time window per state.
    score = rows["rank"].to_numpy(dtype="int64") * n + (n - 1 - pd.RangeIndex(n).to_numpy())
    window = f"{PRECEDENCE_WINDOW_DAYS}D"  # (t - 7 days, t]: the statement's day and the six before
    rolled = (pd.DataFrame({"state": rows["affiliation"].to_numpy(), "day": rows["effective_date"].to_numpy(),
                            "score": score.astype("float64")})
              .groupby("state", sort=False).rolling(window, on="day")["score"].min())
    best_score = rolled.to_numpy().astype("int64")  # groupby-rolling keeps each state's rows in order
    winner = n - 1 - (best_score % n)
    # Decide once per state and day, after all of that day's statements.
    day_end = ~(rows[["affiliation", "effective_date"]].shift(-1) == rows[["affiliation", "effective_date"]]).all(axis=1)
    day_pos = day_end.to_numpy().nonzero()[0]
    win = winner[day_pos]
    state = rows["affiliation"].to_numpy()
    stance = rows["stance"].to_numpy()
    # Keep only days that change the state's position (so "since when" is honest).
    new_run = (state[win] != pd.Series(state[win]).shift().to_numpy()) | (stance[win] != pd.Series(stance[win]).shift().to_numpy())
    run_id = new_run.cumsum() - 1
    ids = rows["id"].to_numpy()
    dates = rows["effective_date"].to_numpy()
    first_in_run = new_run.nonzero()[0]
    result = df.loc[source_index[win[first_in_run]]].copy()
    result["rank"] = rows["rank"].to_numpy()[win[first_in_run]]
    result["effective_date"] = dates[day_pos[first_in_run]]
    basis: list[list[str]] = [[] for _ in range(len(first_in_run))]
    for run, winner_id in zip(run_id.tolist(), ids[win].tolist()):  # runs are contiguous
        if winner_id not in basis[run]:
            basis[run].append(winner_id)
    result["basis_ids"] = basis
    result["overruled_ids"] = (_overruled(rows, state, dates, stance, ids, day_pos, win, run_id, len(first_in_run))
                               if explain else [[] for _ in range(len(first_in_run))])
    return result.reset_index(drop=True)[cols]


def _overruled(rows, state, dates, stance, ids, day_pos, win, run_id, runs) -> list[list[str]]:
    """Per run of an unchanged position: ids of statements in its windows that said otherwise."""
    out: list[list[str]] = [[] for _ in range(runs)]
    lag = pd.Timedelta(days=PRECEDENCE_WINDOW_DAYS - 1).to_timedelta64()
    starts = dates - lag
    stance_l, ids_l = stance.tolist(), ids.tolist()
    state_start = {s: int(state.searchsorted(s, "left")) for s in dict.fromkeys(state.tolist())}
    for k, (pos, w, run) in enumerate(zip(day_pos.tolist(), win.tolist(), run_id.tolist())):
        lo = state_start[state[pos]]
        first = lo + int(dates[lo:pos + 1].searchsorted(starts[pos], "left"))
        target, keep = out[run], stance_l[w]
        for i in range(first, pos + 1):
            if stance_l[i] != keep and ids_l[i] not in target:
                target.append(ids_l[i])
    return out


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
    """Each state's official stance on `issue` as of `on` (see `official_positions`), with the
    statement it rests on; `effective_date` is the day the state took that stance."""
    events = official_positions(df, issue)
    events = events[events["effective_date"] <= pd.Timestamp(on)]
    return events.drop_duplicates("affiliation", keep="last").reset_index(drop=True)


NO_POSITION = "no_position"


def state_coverage(df: pd.DataFrame, issue: str, on: date, states: list[str]) -> pd.DataFrame:
    """Every state in `states` with its stance as of `on`, or NO_POSITION ("no public position
    found") when the data holds no government statement of it; distinct from `undecided`."""
    pos = state_positions_as_of(df, issue, on).set_index("affiliation")
    rows = []
    for code in states:
        if code in pos.index:
            rows.append({"affiliation": code, "stance": pos.at[code, "stance"], "id": pos.at[code, "id"]})
        else:
            rows.append({"affiliation": code, "stance": NO_POSITION, "id": None})
    return pd.DataFrame(rows, columns=["affiliation", "stance", "id"])


def daily_state_stances(df: pd.DataFrame, issue: str, start: date, end: date) -> pd.DataFrame:
    """Wide table: one row per day in [start, end], one column per state, value = stance or NaN."""
    events = official_positions(df, issue)
    days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D")
    if events.empty or days.empty:
        return pd.DataFrame(index=days)
    wide = events.pivot(index="effective_date", columns="affiliation", values="stance")
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
