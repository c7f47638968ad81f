"""What the official-position rule reads from each statement: its date's period, its speaker's
rank and its outlets' types. Used by positions.analysis.engine.prepare; vectorised per column,
with look-ups once per distinct title, speaker or domain.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from positions.data import outlets as outlets_mod
from positions.reference import codebook as codebook_mod

_PERIOD = {"month": "M", "quarter": "Q", "year": "Y"}


def rule_or_default(rule):
    """The given rule, else the bundled codebook's."""
    return rule or codebook_mod.load().rule


def period_bounds(day: pd.Series, precision: pd.Series) -> tuple[pd.Series, pd.Series]:
    """First and last day of each date's period (day, Monday-Sunday week, month, quarter, year)."""
    start, end = day.copy(), day.copy()
    week = precision == "week"
    start[week] = day[week] - pd.to_timedelta(day[week].dt.day_of_week, unit="D")
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
    rule = rule_or_default(rule)
    role = df["role"].fillna("").astype(str)
    titles = pd.Series(role.unique())  # few distinct titles: match each once
    by_title = pd.Series(np.nan, index=titles.index)
    for value, pattern, unless in rule.title_rules:
        hit = _matches(titles, pattern)
        if unless:
            hit &= ~_matches(titles, unless)
        by_title[hit & by_title.isna()] = value
    rank = role.map(dict(zip(titles, by_title))).astype("float64")
    untitled = rank.isna() & (role.str.strip() == "")
    if untitled.any():
        rank[untitled] = _registry_ranks(df[untitled], registry, rule)
    return rank.fillna(rule.default_rank).astype("int64")


def _matches(text: pd.Series, pattern: str) -> pd.Series:
    with warnings.catch_warnings():  # the codebook's patterns group words; pandas warns about groups
        warnings.simplefilter("ignore", UserWarning)
        return text.str.contains(pattern, case=False, regex=True)


def _registry_ranks(rows: pd.DataFrame, registry, rule) -> pd.Series:
    """Ranks from the registry: a state named as a whole by its code; people and other names
    looked up once per distinct (speaker, day)."""
    from positions.reference import registry as registry_mod

    reg = registry if registry is not None else registry_mod.load()
    actor_id = rows["actor_id"].fillna("").astype(str)
    kind = pd.Series("state", index=rows.index, dtype=object)
    rest = ~((actor_id == rows["affiliation"].astype(str)) | actor_id.isin(list(reg.states)))
    if rest.any():
        key = pd.DataFrame({"id": actor_id[rest], "actor": rows.loc[rest, "actor"].astype(str),
                            "day": rows.loc[rest, "statement_date"].fillna(rows.loc[rest, "published"])})
        distinct = key.drop_duplicates()
        distinct = distinct.assign(kind=[_kind_of(reg, k.id, k.actor, k.day) for k in distinct.itertuples(index=False)])
        kind[rest] = key.merge(distinct, on=["id", "actor", "day"], how="left")["kind"].to_numpy()
    return kind.map(rule.kind_rank).astype("float64").fillna(rule.default_rank)


def _kind_of(reg, actor_id: str, actor: str, day) -> str:
    """The registry role kind of a speaker on a day ('' when unknown)."""
    on = None if pd.isna(day) else day.date()
    if actor_id in reg.people:
        role = reg.people[actor_id].role_on(on)
        return role.kind if role else ""
    who = reg.resolve(actor, on=on)
    return who.role_kind if who is not None else ""


def source_classes(df: pd.DataFrame, outlets: pd.DataFrame) -> pd.DataFrame:
    """Per row: `source_type` (its own source's outlet type) and `weak_source` ('state_aligned' or
    'aggregator' when every outlet that reported it is of that kind, 'weak' for a mix of both, else '')."""
    if "sources" in df.columns:
        urls = df["sources"].map(lambda s: [x["url"] for x in s] if isinstance(s, list) and s else [])
        urls = urls.where(urls.map(len) > 0, df["source_url"].map(lambda u: [u]))
    else:
        urls = df["source_url"].map(lambda u: [u])
    long = urls.explode()
    domains = outlets_mod.domains_of(long.fillna(""))
    types = domains.map(outlets_mod.type_by_domain(outlets, domains.unique()))
    flags = pd.DataFrame({"state": types == "state_aligned", "aggr": types == "aggregator",
                          "weak": types.isin(outlets_mod.WEAK_TYPES)}).groupby(level=0).all()
    weak = np.select([flags["state"], flags["aggr"], flags["weak"]], ["state_aligned", "aggregator", "weak"], "")
    own = outlets_mod.domains_of(df["source_url"].fillna(""))
    return pd.DataFrame({"source_type": own.map(outlets_mod.type_by_domain(outlets, own.unique())),
                         "weak_source": pd.Series(weak, index=flags.index).reindex(df.index).fillna("")},
                        index=df.index)
