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

import warnings
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from positions.data import outlets as outlets_mod
from positions.model import STANCE_ORDER
from positions.reference import codebook as codebook_mod

AS_OF_ORDER = ["effective_date", "confidence", "id"]  # the order prepared rows are kept in
CATEGORY_COLUMNS = ("affiliation", "actor_type", "issue", "stance", "origin", "status")
STANCE_CODE = {s: i for i, s in enumerate(STANCE_ORDER)}  # support 0 ... oppose 3 (more cautious)
NO_POSITION = -1  # the code of "no public position found" in daily series; never a stance
_PERIOD = {"month": "M", "quarter": "Q", "year": "Y"}
_EPOCH = pd.Timestamp("1900-01-01")


def _rule(rule):
    return rule or codebook_mod.load().rule


def period_bounds(day: pd.Series, precision: pd.Series) -> tuple[pd.Series, pd.Series]:
    """First and last day of each date's period (day, Monday-Sunday week, month, quarter, year)."""
    start, end = day.copy(), day.copy()
    week = precision == "week"
    start[week] = day[week] - pd.to_timedelta(day[week].dt.weekday, unit="D")
    end[week] = start[week] + pd.Timedelta(days=6)
    for name, freq in _PERIOD.items():
        mask = (precision == name) & day.notna()
        if mask.any():
            period = day[mask].dt.to_period(freq)
            start[mask] = period.dt.start_time.dt.normalize()
            end[mask] = period.dt.end_time.dt.normalize()
    return start, end


def speaker_ranks(df: pd.DataFrame, registry=None, rule=None) -> pd.Series:
    """Speaker rank of each row (lower wins): the role title by the rule's title patterns, else
    the registry's role kind of the speaker on that day ('state' for a state named as a whole)."""
    rule = _rule(rule)
    role = df["role"].fillna("").astype(str)
    rank = pd.Series(np.nan, index=df.index)
    for value, pattern, unless in rule.title_rules:
        hit = _matches(role, pattern)
        if unless:
            hit &= ~_matches(role, unless)
        rank[hit & rank.isna()] = value
    untitled = rank.isna() & (role.str.strip() == "")
    if untitled.any():
        rank[untitled] = _registry_ranks(df[untitled], registry, rule)
    return rank.fillna(rule.default_rank).astype("int64")


def _matches(text: pd.Series, pattern: str) -> pd.Series:
    with warnings.catch_warnings():  # the codebook's patterns group words; pandas warns about groups
        warnings.simplefilter("ignore", UserWarning)
        return text.str.contains(pattern, case=False, regex=True)


def _registry_ranks(rows: pd.DataFrame, registry, rule) -> pd.Series:
    """Ranks from the registry, looked up once per distinct (speaker, day)."""
    from positions.reference import registry as registry_mod

    reg = registry if registry is not None else registry_mod.load()
    actor_id = rows["actor_id"].fillna("").astype(str)
    key = pd.DataFrame({"id": actor_id, "actor": rows["actor"].astype(str), "aff": rows["affiliation"].astype(str),
                        "day": rows["statement_date"].fillna(rows["published"])})
    kinds = {}
    for k in key.drop_duplicates().itertuples(index=False):
        day = None if pd.isna(k.day) else k.day.date()
        if k.id and k.id in reg.people:
            role = reg.people[k.id].role_on(day)
            kinds[k] = role.kind if role else ""
        elif k.id == k.aff or k.id in reg.states:
            kinds[k] = "state"
        else:
            who = reg.resolve(k.actor, on=day)
            kinds[k] = who.role_kind if who is not None else ""
    looked_up = [kinds[k] for k in key.itertuples(index=False)]
    return pd.Series([rule.rank_of_kind(kind) for kind in looked_up], index=rows.index, dtype="float64")


def source_classes(df: pd.DataFrame, outlets: pd.DataFrame) -> pd.DataFrame:
    """Per row: `source_type` (its own source's outlet type) and `weak_source` ('state_aligned' or
    'aggregator' when every outlet that reported it is of that kind, 'weak' for a mix of both, else '')."""
    if "sources" in df.columns:
        urls = df["sources"].map(lambda s: [x["url"] for x in s] if isinstance(s, list) and s else [])
        urls = urls.where(urls.map(len) > 0, df["source_url"].map(lambda u: [u]))
    else:
        urls = df["source_url"].map(lambda u: [u])
    long = urls.explode()
    domains = long.fillna("").map(outlets_mod.domain_of)
    types = domains.map(outlets_mod.type_by_domain(outlets, domains.unique()))
    flags = pd.DataFrame({"state": types == "state_aligned", "aggr": types == "aggregator",
                          "weak": types.isin(outlets_mod.WEAK_TYPES)}).groupby(level=0).all()
    weak = np.select([flags["state"], flags["aggr"], flags["weak"]], ["state_aligned", "aggregator", "weak"], "")
    own = df["source_url"].fillna("").map(outlets_mod.domain_of)
    return pd.DataFrame({"source_type": own.map(outlets_mod.type_by_domain(outlets, own.unique())),
                         "weak_source": pd.Series(weak, index=flags.index).reindex(df.index).fillna("")},
                        index=df.index)


def prepare(df: pd.DataFrame, registry=None, outlets: pd.DataFrame | None = None, rule=None) -> pd.DataFrame:
    """A copy with the rule's columns added, rows in AS_OF_ORDER, low-cardinality columns as categories.

    Added: effective_date, date_start, date_end, dated, rank, tier, counts (may set a position),
    signal (relayed / other speaker), caution, source_type, weak_source. Defaults: the bundled
    registry, data/outlets.csv (absent: every source 'unknown') and codebook rule.
    """
    if df.attrs.get("engine"):
        return df
    rule = _rule(rule)
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
    capped = end.where(out["published"].isna() | (end <= out["published"]), out["published"])
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
    for col in CATEGORY_COLUMNS:
        out[col] = out[col].astype("category")
    out.attrs["engine"] = True
    out.attrs["hold_days"] = rule.undated_hold_days
    return out


def winner_order(rows: pd.DataFrame, hold_days: int) -> np.ndarray:
    """Each row's place in the rule's order (higher = wins), as 0..n-1 (see the module docstring)."""
    eff = (rows["effective_date"] - _EPOCH).dt.days.to_numpy()
    undated = ~rows["dated"].to_numpy(dtype=bool)
    held = eff - hold_days * undated
    tier = rows["tier"].to_numpy() * 2 + undated
    rep = rows.sort_values(["confidence", "published", "id"], ascending=[True, False, False], kind="stable").index
    rep_pos = pd.Series(np.arange(len(rows)), index=rep).reindex(rows.index).to_numpy()
    order = np.lexsort((rep_pos, rows["caution"].to_numpy(), -rows["rank"].to_numpy(), eff, -tier, held))
    key = np.empty(len(rows), dtype=np.int64)
    key[order] = np.arange(len(rows))
    return key


@dataclass(frozen=True)
class DailyStances:
    """Stance code (STANCE_CODE, or NO_POSITION) of each state on each day."""

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
        return {s: STANCE_ORDER[c] for s, c in zip(self.states, self.codes[i]) if c != NO_POSITION}


@dataclass(frozen=True)
class Official:
    """One issue's official positions over a set of prepared rows; build with `official(rows, issue)`.

    `counted` are the statements that may set a position, sorted by state and effective date,
    with `key` (the rule's order); `events` has one row per state and day its stance changes.
    """

    issue: str
    counted: pd.DataFrame
    signals: pd.DataFrame
    events: pd.DataFrame

    def as_of(self, on: date) -> pd.DataFrame:
        """One row per state with a position on `on`: the winning statement's columns plus
        `since` (the day the stance began), `set_by_id`, `basis_ids` (statements of that stance
        since then), `source_flag` ('single source: state media' ...) and the state's latest signal."""
        day = pd.Timestamp(on)
        rows = self.counted[self.counted["effective_date"] <= day]
        if rows.empty:
            return _empty_positions(self.counted)
        best = rows.loc[rows.groupby("affiliation", observed=True)["key"].idxmax()]
        runs = self.events[self.events["since"] <= day].drop_duplicates("affiliation", keep="last")
        out = best.merge(runs[["affiliation", "since", "set_by_id"]], on="affiliation", how="left")
        basis = rows.merge(out[["affiliation", "since", "stance"]], on="affiliation", suffixes=("", "_pos"))
        basis = basis[(basis["stance"].astype(str) == basis["stance_pos"].astype(str))
                      & (basis["effective_date"] >= basis["since"])]
        agg = basis.groupby("affiliation", observed=True).agg(
            basis_ids=("id", list), state_only=("weak_source", lambda w: (w == "state_aligned").all()),
            aggr_only=("weak_source", lambda w: (w == "aggregator").all()), weak_only=("weak_source", lambda w: (w != "").all()))
        out = out.merge(agg, left_on="affiliation", right_index=True, how="left")
        out["source_flag"] = np.select([out["state_only"], out["aggr_only"], out["weak_only"]],
                                       [SINGLE_SOURCE["state_aligned"], SINGLE_SOURCE["aggregator"], SINGLE_SOURCE["weak"]], "")
        out = out.drop(columns=["state_only", "aggr_only", "weak_only", "key"])
        out = out.merge(self.latest_signals(on), on="affiliation", how="left")
        out["affiliation"] = out["affiliation"].astype(str)
        out["stance"] = out["stance"].astype(str)
        return out.sort_values("affiliation").reset_index(drop=True)

    def latest_signals(self, on: date) -> pd.DataFrame:
        """Each state's latest signal up to `on` (relayed claim, anonymous officials, other speakers):
        signal_stance, signal_id, signal_date, signal_actor."""
        rows = self.signals[self.signals["effective_date"] <= pd.Timestamp(on)]
        rows = rows.sort_values(["effective_date", "caution"], kind="stable").drop_duplicates("affiliation", keep="last")
        return pd.DataFrame({"affiliation": rows["affiliation"].astype(str), "signal_stance": rows["stance"].astype(str),
                             "signal_id": rows["id"], "signal_date": rows["effective_date"],
                             "signal_actor": rows["actor"]})

    def daily(self, start: date, end: date) -> DailyStances:
        """Each state's official stance code on each day of [start, end]."""
        days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D")
        ev = self.events[self.events["since"] <= pd.Timestamp(end)]
        if ev.empty or days.empty:
            return DailyStances(days, [], np.zeros((len(days), 0), dtype=np.int8))
        wide = pd.DataFrame({"d": ev["since"].to_numpy(), "a": ev["affiliation"].astype(str).to_numpy(),
                             "c": ev["stance"].astype(str).map(STANCE_CODE).astype(float).to_numpy()})
        wide = wide.pivot(index="d", columns="a", values="c")
        wide = wide.reindex(wide.index.union(days)).ffill().reindex(days).dropna(axis=1, how="all")
        return DailyStances(days, [str(c) for c in wide.columns], wide.fillna(NO_POSITION).to_numpy(dtype=np.int8))

    def changes(self, frm: date, to: date) -> pd.DataFrame:
        """States whose stance on `to` differs from `frm`: the `as_of(to)` row plus from_stance
        ('' = no position), to_stance and direction (+1 more supportive, -1 less, 0 new position)."""
        before = self.as_of(frm).set_index("affiliation")["stance"]
        after = self.as_of(to)
        after = after[after["since"] > pd.Timestamp(frm)]
        out = after.assign(from_stance=after["affiliation"].map(before).fillna(""))
        out = out[out["from_stance"] != out["stance"]].rename(columns={"stance": "to_stance"})
        old = out["from_stance"].map(STANCE_CODE)
        new = out["to_stance"].map(STANCE_CODE)
        out["direction"] = np.sign(old - new).fillna(0).astype(int)
        return out.sort_values(["direction", "since", "affiliation"]).reset_index(drop=True)

    def supporters(self, on: date, count_conditional: bool = False) -> list[str]:
        """Codes of states whose position on `on` is support (or conditional, when asked)."""
        pos = self.as_of(on)
        wanted = {"support", "conditional"} if count_conditional else {"support"}
        return sorted(pos.loc[pos["stance"].isin(wanted), "affiliation"])


SINGLE_SOURCE = {"state_aligned": "single source: state media", "aggregator": "single source: aggregator/mirror",
                 "weak": "single source: state media and mirrors"}


def _empty_positions(counted: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in counted.columns if c != "key"] + ["since", "set_by_id", "basis_ids", "source_flag",
                                                          "signal_stance", "signal_id", "signal_date", "signal_actor"]
    return pd.DataFrame(columns=cols)


def official(rows: pd.DataFrame, issue: str) -> Official:
    """The official positions of every state on `issue` from (prepared, filtered) statements."""
    rows = prepare(rows)
    on_issue = (rows["issue"] == issue).to_numpy()
    signals = rows[on_issue & rows["signal"].to_numpy()]
    counted = rows[on_issue & rows["counts"].to_numpy()]
    counted = counted.sort_values(["affiliation", "effective_date"], kind="stable")
    counted = counted.assign(key=winner_order(counted, rows.attrs.get("hold_days", 0)))
    return Official(issue, counted, signals, _events(counted))


def _events(counted: pd.DataFrame) -> pd.DataFrame:
    """One row per (state, day the official stance changes): affiliation, since, stance, set_by_id."""
    cols = ["affiliation", "since", "stance", "set_by_id"]
    if counted.empty:
        return pd.DataFrame(columns=cols)
    state = counted["affiliation"].astype(str).to_numpy()
    day = counted["effective_date"].to_numpy()
    key = counted["key"].to_numpy()
    best = pd.Series(key).groupby(state, sort=False).cummax().to_numpy()
    row_of_key = np.empty(len(key), dtype=np.int64)
    row_of_key[key] = np.arange(len(key))
    last_of_day = np.ones(len(key), dtype=bool)
    last_of_day[:-1] = (state[1:] != state[:-1]) | (day[1:] != day[:-1])
    pos = np.flatnonzero(last_of_day)
    win = row_of_key[best[pos]]
    stance = counted["stance"].astype(str).to_numpy()[win]
    st = state[pos]
    new = np.ones(len(pos), dtype=bool)
    new[1:] = (st[1:] != st[:-1]) | (stance[1:] != stance[:-1])
    return pd.DataFrame({"affiliation": st[new], "since": day[pos][new], "stance": stance[new],
                         "set_by_id": counted["id"].to_numpy()[win][new]})


def positions_as_of(rows: pd.DataFrame, issue: str, on: date) -> pd.DataFrame:
    """`official(rows, issue).as_of(on)`."""
    return official(rows, issue).as_of(on)


def supporters_on(rows: pd.DataFrame, issue: str, on: date, count_conditional: bool = False) -> list[str]:
    """`official(rows, issue).supporters(on, count_conditional)`."""
    return official(rows, issue).supporters(on, count_conditional)
