"""The one engine for official positions: as of a day, daily series, changes, supporters.

The rule is data (codebook.yaml `official_position`, README "Definitions"): among a state's
counted statements up to a day, the best one sets its position, best meaning, in order,

1. the later *held date*: the effective date (end of the date's period, capped at publication;
   the publication day when undated), minus `undated_hold_days` for undated statements;
2. the better evidence tier: dated before undated, then direct < summary < past;
3. the later effective date;
4. the higher speaker (the one precedence table);
5. the more cautious stance (the one stance order, read backwards);

and only to pick which of several identical-stance statements is shown: higher confidence,
earlier publication, then id. Relayed claims and `other` speakers never count: they are signals.
The key is static per statement, so "best up to a day" is a running maximum: vectorised, with
no loop per row. tests/test_engine.py checks it against a slow reference implementation.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from positions.analysis.rule_inputs import rule_or_default, period_bounds, source_classes, speaker_ranks
from positions.data import outlets as outlets_mod
from positions.model import STANCE_ORDER

AS_OF_ORDER = ["effective_date", "confidence", "id"]  # the order prepared rows are kept in
CATEGORY_COLUMNS = ("affiliation", "actor_type", "issue", "stance", "origin", "status")
STANCE_CODE = {s: i for i, s in enumerate(STANCE_ORDER)}  # support 0 ... oppose 3 (more cautious)
NO_POSITION = "no_position"  # "no public position found" in tables; distinct from undecided
NO_POSITION_CODE = -1  # the same in daily series' stance codes
WEAK_CODE = {"": 0, "state_aligned": 1, "aggregator": 2, "weak": 3}  # engine.source_classes' weak_source
ADDED_COLUMNS = ("effective_date", "date_start", "date_end", "dated", "rank", "tier", "counts", "signal", "caution",
                 "source_type", "weak_source", "rep", "day", "weak_code")
_EPOCH = pd.Timestamp("1900-01-01")


def prepare(df: pd.DataFrame, registry=None, outlets: pd.DataFrame | None = None, rule=None) -> pd.DataFrame:
    """A copy with the rule's columns added, rows in AS_OF_ORDER, low-cardinality columns as categories.

    Added: effective_date, date_start, date_end, dated, rank, tier, counts (may set a position),
    signal (relayed / other speaker), caution, source_type, weak_source. Defaults: the bundled
    registry, data/outlets.csv (absent: every source 'unknown') and codebook rule.
    """
    if df.attrs.get("engine") and set(ADDED_COLUMNS) <= set(df.columns):
        return df  # already prepared (a row subset of a prepared frame is too)
    rule = rule_or_default(rule)
    out = df.copy()
    if "date_precision" not in out.columns:
        out["date_precision"] = None
    if "attribution" not in out.columns:
        out["attribution"] = "direct"
    dated = out["statement_date"].notna()
    precision = out["date_precision"].where(out["date_precision"].notna() & (out["date_precision"] != ""), "day")
    out["date_precision"] = precision.where(dated, None)
    out["attribution"] = out["attribution"].fillna("direct").replace("", "direct")
    start, end = period_bounds(out["statement_date"], precision)
    # A coarse date counts from its period's end, or from publication when that comes first
    # (a day-precision date is exact and never moved).
    pub = out["published"]
    capped = end.where((precision == "day") | pub.isna() | (end <= pub) | (pub < start), pub)
    out["date_start"], out["date_end"] = start, end
    out["effective_date"] = capped.where(dated, out["published"])
    out["dated"] = dated
    out["rank"] = speaker_ranks(out, registry, rule)
    never_attr = out["attribution"].isin(rule.never_sets.get("attribution", ()))
    never_type = out["actor_type"].astype(str).isin(rule.never_sets.get("actor_type", ()))
    out["tier"] = out["attribution"].map(rule.evidence_tier).fillna(9).astype("int64")
    is_state = out["affiliation"].astype(str).str.fullmatch(r"[A-Z]{2}")
    base = (out["status"].astype(str) == "accepted") & is_state & out["effective_date"].notna()
    out["counts"] = base & (out["actor_type"].astype(str) == "government") & ~never_attr
    out["signal"] = base & (never_attr | never_type)
    out["caution"] = out["stance"].astype(str).map(STANCE_CODE).astype("int64")
    out = out.join(source_classes(out, outlets if outlets is not None else outlets_mod.load_outlets()))
    out = out.sort_values(AS_OF_ORDER, kind="stable", na_position="first").reset_index(drop=True)
    # Which of several same-stance statements is shown: most confident, earliest published, lowest id.
    rep = out.sort_values(["confidence", "published", "id"], ascending=[True, False, False], kind="stable",
                          na_position="first").index.to_numpy()
    out["rep"] = 0
    out.loc[rep, "rep"] = np.arange(len(out))
    out["day"] = (out["effective_date"] - _EPOCH).dt.days.fillna(-1).astype("int64")
    out["weak_code"] = out["weak_source"].map(WEAK_CODE).astype("int64")
    for col in CATEGORY_COLUMNS:
        out[col] = out[col].astype("category")
    out.attrs["engine"] = True
    out.attrs["hold_days"] = rule.undated_hold_days
    return out


def winner_order(rows: pd.DataFrame, hold_days: int) -> np.ndarray:
    """Each row's place in the rule's order (higher = wins), as 0..n-1 (see the module docstring)."""
    day = rows["day"].to_numpy()
    undated = ~rows["dated"].to_numpy(dtype=bool)
    held = day - hold_days * undated
    tier = rows["tier"].to_numpy() * 2 + undated
    order = np.lexsort((rows["rep"].to_numpy(), rows["caution"].to_numpy(), -rows["rank"].to_numpy(), day, -tier, held))
    key = np.empty(len(rows), dtype=np.int64)
    key[order] = np.arange(len(rows))
    return key


@dataclass(frozen=True)
class DailyStances:
    """Stance code (STANCE_CODE, or NO_POSITION_CODE) of each state on each day."""

    days: pd.DatetimeIndex
    states: list[str]
    codes: np.ndarray  # shape (len(days), len(states)), int8

    @property
    def empty(self) -> bool:
        return len(self.days) == 0 or not self.states

    def on(self, day: date) -> dict[str, str]:
        """{state: stance} on one day within the range (states with a position only)."""
        i = self.days.searchsorted(pd.Timestamp(day), side="right") - 1
        if i < 0:
            return {}
        return {s: STANCE_ORDER[c] for s, c in zip(self.states, self.codes[i]) if c != NO_POSITION_CODE}


SINGLE_SOURCE = {"state_aligned": "single source: state media", "aggregator": "single source: aggregator/mirror",
                 "weak": "single source: state media and mirrors"}


@dataclass(frozen=True)
class Official:
    """One issue's official positions over a set of prepared rows; build with `official(rows, issue)`.

    `counted` holds the rule's columns (numbers only) of the statements that may set a position
    (index = their labels in `rows`), sorted by state and day, with `key` (the rule's order);
    `signals` the same for relayed/other statements; `events` one row per state and day its
    stance changes. Full rows are taken from `rows` only for the winners.
    """

    issue: str
    rows: pd.DataFrame
    names: np.ndarray  # the affiliation code of each `state` number
    counted: pd.DataFrame
    signals: pd.DataFrame
    events: pd.DataFrame

    def as_of(self, on: date) -> pd.DataFrame:
        """One row per state with a position on `on`: the winning statement's columns plus
        `since` (the day the stance began), `set_by_id`, `basis_ids` (statements of that stance
        since then), `source_flag` ('single source: state media' ...) and the state's latest signal."""
        c = self.counted[self.counted["day"].to_numpy() <= _day_number(on)]
        if c.empty:
            return _empty_positions(self.rows)
        win = _last_best(c["state"].to_numpy(), c["key"].to_numpy())
        out = self.rows.loc[c.index[win]].copy()
        out["affiliation"] = self.names[c["state"].to_numpy()[win]]
        out["stance"] = out["stance"].astype(str)
        out = out.merge(self.stances_on(on)[["affiliation", "since", "set_by_id"]], on="affiliation", how="left")
        out = out.merge(self._basis(c, out), on="affiliation", how="left")
        out = out.merge(self.latest_signals(on), on="affiliation", how="left")
        return out.sort_values("affiliation").reset_index(drop=True)

    def stances_on(self, on: date) -> pd.DataFrame:
        """The last change event of each state up to `on`: affiliation, since, stance, set_by_id."""
        ev = self.events[self.events["since"] <= pd.Timestamp(on)]
        return ev.drop_duplicates("affiliation", keep="last").reset_index(drop=True)

    def flags_on(self, on: date) -> dict[str, str]:
        """{state: 'single source: ...'} for the positions on `on` resting only on state media/mirrors."""
        c = self.counted[self.counted["day"].to_numpy() <= _day_number(on)]
        basis = self._basis(c, self.stances_on(on))
        return {a: f for a, f in zip(basis["affiliation"], basis["source_flag"]) if f}

    def _basis(self, c: pd.DataFrame, positions: pd.DataFrame) -> pd.DataFrame:
        """Per state: `basis_ids`, the counted statements of its current stance since it began, and
        `source_flag` when every one of them was reported only by state media and/or mirrors."""
        code = {n: i for i, n in enumerate(self.names)}
        stance = np.full(len(self.names), -9)
        since = np.full(len(self.names), np.iinfo(np.int64).max)
        states = positions["affiliation"].map(code).to_numpy()
        stance[states] = positions["stance"].map(STANCE_CODE).to_numpy()
        since[states] = (positions["since"] - _EPOCH).dt.days.to_numpy()
        st = c["state"].to_numpy()
        keep = (c["caution"].to_numpy() == stance[st]) & (c["day"].to_numpy() >= since[st])
        weak = c["weak"].to_numpy()[keep]
        b = pd.DataFrame({"affiliation": self.names[st[keep]], "state": weak == 1, "aggr": weak == 2, "weak": weak > 0,
                          "id": self.rows["id"].to_numpy()[self.rows.index.get_indexer(c.index[keep])]})
        flags = b.groupby("affiliation")[["state", "aggr", "weak"]].all()
        flags["source_flag"] = np.select([flags["state"], flags["aggr"], flags["weak"]],
                                         [SINGLE_SOURCE[k] for k in ("state_aligned", "aggregator", "weak")], "")
        flags["basis_ids"] = b.groupby("affiliation")["id"].agg(list)
        return flags[["basis_ids", "source_flag"]].reset_index()

    def latest_signals(self, on: date) -> pd.DataFrame:
        """Each state's latest signal up to `on` (relayed claim, anonymous officials, other speakers):
        signal_stance, signal_id, signal_date, signal_actor."""
        sig = self.signals[self.signals["day"].to_numpy() <= _day_number(on)]
        cols = ["affiliation", "signal_stance", "signal_id", "signal_date", "signal_actor"]
        if sig.empty:
            return pd.DataFrame(columns=cols)
        win = _last_best(sig["state"].to_numpy(), sig["day"].to_numpy() * 4 + sig["caution"].to_numpy())
        full = self.rows.loc[sig.index[win]]
        return pd.DataFrame({"affiliation": self.names[sig["state"].to_numpy()[win]],
                             "signal_stance": full["stance"].astype(str).to_numpy(), "signal_id": full["id"].to_numpy(),
                             "signal_date": full["effective_date"].to_numpy(), "signal_actor": full["actor"].to_numpy()},
                            columns=cols)

    def daily(self, start: date, end: date) -> DailyStances:
        """Each state's official stance code on each day of [start, end]."""
        days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D")
        ev = self.events[self.events["since"] <= pd.Timestamp(end)]
        if ev.empty or days.empty:
            return DailyStances(days, [], np.zeros((len(days), 0), dtype=np.int8))
        wide = pd.DataFrame({"d": ev["since"].to_numpy(), "a": ev["affiliation"].to_numpy(),
                             "c": ev["stance"].map(STANCE_CODE).astype(float).to_numpy()})
        wide = wide.pivot(index="d", columns="a", values="c")
        wide = wide.reindex(wide.index.union(days)).ffill().reindex(days).dropna(axis=1, how="all")
        return DailyStances(days, [str(c) for c in wide.columns], wide.fillna(NO_POSITION_CODE).to_numpy(dtype=np.int8))

    def changes(self, frm: date, to: date) -> pd.DataFrame:
        """States whose stance on `to` differs from `frm`: the `as_of(to)` row plus from_stance
        ('' = no position), to_stance and direction (+1 more supportive, -1 less, 0 new position)."""
        before = self.stances_on(frm).set_index("affiliation")["stance"]
        after = self.as_of(to)
        after = after[after["since"] > pd.Timestamp(frm)]
        out = after.assign(from_stance=after["affiliation"].map(before).astype(object).fillna(""))
        out = out[out["from_stance"] != out["stance"]].rename(columns={"stance": "to_stance"})
        old = out["from_stance"].map(STANCE_CODE).astype("float64")
        new = out["to_stance"].map(STANCE_CODE).astype("float64")
        out["direction"] = np.sign(old - new).fillna(0).astype(int)
        return out.sort_values(["direction", "since", "affiliation"]).reset_index(drop=True)

    def supporters(self, on: date, count_conditional: bool = False) -> list[str]:
        """Codes of states whose position on `on` is support (or conditional, when asked)."""
        pos = self.stances_on(on)
        wanted = {"support", "conditional"} if count_conditional else {"support"}
        return sorted(pos.loc[pos["stance"].isin(wanted), "affiliation"])


def _empty_positions(rows: pd.DataFrame) -> pd.DataFrame:
    cols = list(rows.columns) + ["since", "set_by_id", "basis_ids", "source_flag",
                                 "signal_stance", "signal_id", "signal_date", "signal_actor"]
    return pd.DataFrame(columns=cols)


def _day_number(on) -> int:
    return int((pd.Timestamp(on) - _EPOCH).days)


def _last_best(state: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Positions of the row with the highest key for each state."""
    order = np.lexsort((key, state))
    last = np.ones(len(order), dtype=bool)
    last[:-1] = state[order][1:] != state[order][:-1]
    return order[last]


def official(rows: pd.DataFrame, issue: str) -> Official:
    """The official positions of every state on `issue` from (prepared, filtered) statements."""
    rows = prepare(rows)
    on_issue = (rows["issue"] == issue).to_numpy()
    states = rows["affiliation"].cat.codes.to_numpy()
    names = np.asarray(rows["affiliation"].cat.categories.astype(str), dtype=object)
    weak = rows["weak_code"].to_numpy()

    def narrow(mask: np.ndarray) -> pd.DataFrame:
        pos = np.flatnonzero(mask)
        pos = pos[np.lexsort((rows["day"].to_numpy()[pos], states[pos]))]
        cols = {c: rows[c].to_numpy()[pos] for c in ("day", "dated", "tier", "rank", "caution", "rep")}
        return pd.DataFrame({"state": states[pos], **cols, "weak": weak[pos]}, index=rows.index[pos])

    counted = narrow(on_issue & rows["counts"].to_numpy())
    counted["key"] = winner_order(counted, rows.attrs.get("hold_days", 0))
    return Official(issue, rows, names, counted, narrow(on_issue & rows["signal"].to_numpy()),
                    _events(counted, rows, names))


def _events(counted: pd.DataFrame, rows: pd.DataFrame, names: np.ndarray) -> pd.DataFrame:
    """One row per (state, day the official stance changes): affiliation, since, stance, set_by_id."""
    cols = ["affiliation", "since", "stance", "set_by_id"]
    if counted.empty:
        return pd.DataFrame(columns=cols)
    state, day, key = counted["state"].to_numpy(), counted["day"].to_numpy(), counted["key"].to_numpy()
    best = pd.Series(key).groupby(state, sort=False).cummax().to_numpy()  # the best so far, per state
    row_of_key = np.empty(len(key), dtype=np.int64)
    row_of_key[key] = np.arange(len(key))
    last_of_day = np.ones(len(key), dtype=bool)
    last_of_day[:-1] = (state[1:] != state[:-1]) | (day[1:] != day[:-1])
    pos = np.flatnonzero(last_of_day)
    win = row_of_key[best[pos]]
    stance, st = counted["caution"].to_numpy()[win], state[pos]
    new = np.ones(len(pos), dtype=bool)
    new[1:] = (st[1:] != st[:-1]) | (stance[1:] != stance[:-1])
    labels = counted.index[win[new]]
    return pd.DataFrame({"affiliation": names[st[new]],
                         "since": _EPOCH + pd.to_timedelta(day[pos][new], unit="D"),
                         "stance": np.asarray(STANCE_ORDER, dtype=object)[stance[new]],
                         "set_by_id": rows["id"].to_numpy()[rows.index.get_indexer(labels)]}, columns=cols)


def positions_as_of(rows: pd.DataFrame, issue: str, on: date) -> pd.DataFrame:
    """`official(rows, issue).as_of(on)`."""
    return official(rows, issue).as_of(on)


def supporters_on(rows: pd.DataFrame, issue: str, on: date, count_conditional: bool = False) -> list[str]:
    """`official(rows, issue).supporters(on, count_conditional)`."""
    return official(rows, issue).supporters(on, count_conditional)
