"""The "who, and since when" view: one row per state, its official stance day by day.

The first four functions are the only place this view (and the headline, the matrix's
"since" dates and the data date) reads positions from the analysis layer: a small adapter
over positions.analysis.engine (one rule, one precedence table), through its fast path
(positions.analysis.fast: the same results, cheaper on the analytical copy).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

import pandas as pd

from positions.analysis import engine, fast
from positions.reference.registry import Registry

# --------------------------------------------------------------------------- adapter (engine seam)


def official_changes(rows: pd.DataFrame, issue: str, official: engine.Official | None = None) -> pd.DataFrame:
    """One row per (state, day its official position changed): stance, effective_date (= the day of
    the change, engine `since`) and the statement that set it (actor, role, evidence, source_url, ...).
    `official`: the engine's positions over these rows, when the caller already has them (cached)."""
    return fast.official_changes(rows, issue, official)


def positions_on(rows: pd.DataFrame, issue: str, on: date, official: engine.Official | None = None) -> pd.DataFrame:
    """Each state's official position on `issue` as of `on` (engine `as_of`: one row per state, the
    statement it rests on, `since`, `source_flag`, latest signal); effective_date = since."""
    pos = (official if official is not None else fast.official(rows, issue)).as_of(on)
    return pos.assign(effective_date=pd.to_datetime(pos["since"]))


def data_to(df: pd.DataFrame) -> date | None:
    """The date of the latest accepted statement: the data run to this day, not to today."""
    rows = engine.prepare(df)
    dated = rows.loc[rows["status"] == "accepted", "effective_date"].dropna()
    return dated.max().date() if not dated.empty else None


def speaker_rank(row) -> int:
    """Precedence of a statement's speaker in the codebook's table (1 = head of state/government ...)."""
    if row.get("rank") is not None and not pd.isna(row.get("rank")):
        return int(row["rank"])
    return int(engine.speaker_ranks(pd.DataFrame([row])).iloc[0])


# --------------------------------------------------------------------------- groups

BELLIGERENTS = ("UA", "RU")
RUSSIA_BACKERS = ("BY", "IR", "KP")   # supplied troops, drones or missiles, or hosted the invasion
GROUP_LABELS = ("NATO or EU members", "Other states", "Belligerents and Russia's military backers")


def group_of(reg: Registry, code: str, on: date) -> int:
    """0: NATO/EU member on `on`; 2: a belligerent or Russia's backer; 1: everyone else."""
    if code in BELLIGERENTS or code in RUSSIA_BACKERS:
        return 2
    return 0 if reg.groups(code, on) & {"NATO", "EU"} else 1


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class Segment:
    start: pd.Timestamp
    end: pd.Timestamp          # exclusive: the next change, or the day after the as-of date
    stance: str
    statement: dict            # the statement that started it


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    group: int
    segments: tuple[Segment, ...]
    first_support: pd.Timestamp | None
    stance: str                # official stance on the as-of day
    since: pd.Timestamp        # ... held since this day
    label: str = field(default="")


def fmt_day(day) -> str:
    return f"{pd.Timestamp(day):%-d %b %Y}"


def since_label(row_stance: str, since, first_support, supportive: set[str], stance_label) -> str:
    """'since 30 May 2024' for a supporter; otherwise the current stance and, if any, when support began."""
    if row_stance in supportive:
        if first_support is not None and pd.Timestamp(first_support) < pd.Timestamp(since):
            return f"since {fmt_day(since)} (first {fmt_day(first_support)})"
        return f"since {fmt_day(since)}"
    text = f"{stance_label(row_stance)} since {fmt_day(since)}"
    return f"{text}; backed it from {fmt_day(first_support)}" if first_support is not None else text


def who_rows(rows: pd.DataFrame, issue: str, reg: Registry, on: date, start: date, *,
             supportive: frozenset = frozenset({"support"}), stances: tuple[str, ...] = (),
             stance_label=str.capitalize, official: engine.Official | None = None) -> list[Row]:
    """States with an official position on `issue` as of `on`, their stance segments from `start`,
    sorted by group, then by the day they first signalled support (never: after), then name."""
    changes = official_changes(rows, issue, official)
    changes = changes[changes["effective_date"] <= pd.Timestamp(on)]
    end = pd.Timestamp(on) + pd.Timedelta(days=1)
    out = []
    by_state: dict[str, list[dict]] = {}   # one to_dict for all states: per-group calls dominate at 100k rows
    for rec in changes.sort_values("effective_date", kind="stable").to_dict("records"):
        by_state.setdefault(str(rec["affiliation"]), []).append(rec)
    for code, recs in by_state.items():
        if code not in reg.states:
            continue
        days = [pd.Timestamp(r["effective_date"]) for r in recs]
        segs = []
        for i, r in enumerate(recs):
            seg_end = days[i + 1] if i + 1 < len(recs) else end
            seg_start = max(days[i], pd.Timestamp(start))
            if seg_end > seg_start:
                segs.append(Segment(seg_start, seg_end, str(r["stance"]), r))
        first = next((d for d, r in zip(days, recs) if str(r["stance"]) in supportive), None)
        current = str(recs[-1]["stance"])
        if stances and current not in stances:
            continue
        label = since_label(current, days[-1], first, set(supportive), stance_label)
        out.append(Row(code, reg.name_of(code), group_of(reg, code, on), tuple(segs), first, current, days[-1], label))
    far = pd.Timestamp.max
    return sorted(out, key=lambda r: (r.group, r.first_support or far, r.since, r.name))


# --------------------------------------------------------------------------- hover text


def outlet(url: str, title: str) -> str:
    """'example.org: Title' (the outlet is the source URL's host)."""
    host = urlsplit(url).netloc.removeprefix("www.") if str(url).startswith(("http://", "https://")) else ""
    title = str(title or "")
    return f"{host}: {title}" if host and title else host or title


# --------------------------------------------------------------------------- headline


@dataclass(frozen=True)
class Headline:
    supporters: list[str]      # third countries whose position counts as support
    tracked: list[str]         # third countries in the denominator (registry states in the groups)
    no_position: list[str]     # tracked states without any public position
    by_stance: dict            # stance -> list of tracked codes
    belligerents: dict         # code -> stance ('' = none): shown apart, never counted

    @property
    def text(self) -> str:
        n, d, none = len(self.supporters), len(self.tracked), len(self.no_position)
        return f"{n} of {d} tracked states; {none} have no public position"


def headline(rows: pd.DataFrame, issue: str, reg: Registry, on: date, *, groups_filter: set[str] | None,
             supportive: frozenset = frozenset({"support"}), official: engine.Official | None = None) -> Headline:
    """Counts with their denominator: third countries (registry states in the chosen groups, not
    Ukraine or Russia) by official stance as of `on`; the belligerents' stances apart."""
    # Only each state's stance: the engine's last change up to `on` (`as_of` would also gather the
    # statements behind each position: most of a rerun's time at a million statements).
    pos = (official if official is not None else fast.official(rows, issue)).stances_on(on)
    stance_of = dict(zip(pos["affiliation"].astype(str), pos["stance"].astype(str)))
    pool = groups_filter if groups_filter is not None else set(reg.states)
    tracked = sorted(c for c in pool if c in reg.states and c not in BELLIGERENTS)
    by_stance: dict[str, list[str]] = {}
    for c in tracked:
        by_stance.setdefault(stance_of.get(c, ""), []).append(c)
    supporters = sorted(c for c in tracked if stance_of.get(c) in supportive)
    return Headline(supporters, tracked, by_stance.get("", []), by_stance,
                    {c: stance_of.get(c, "") for c in BELLIGERENTS})


def headline_caption(h: Headline, stance_label, name_of, groups: tuple[str, ...] = ()) -> str:
    """The sentence under the headline number: the other stances, and the belligerents apart."""
    parts = [f"{len(h.by_stance.get(s, []))} {stance_label(s).lower()}" for s in ("conditional", "undecided", "oppose")
             if h.by_stance.get(s)]
    text = f"{h.text}" + (f" ({', '.join(parts)})" if parts else "") + "."
    bell = "; ".join(f"{name_of(c)}: {stance_label(s) if s else 'no public position'}" for c, s in h.belligerents.items())
    where = f" in {', '.join(groups)}" if groups else ""
    return (f"{text} Tracked: every state in the registry{where} "
            f"except the belligerents, whose positions are not counted as support or opposition ({bell}).")
