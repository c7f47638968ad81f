"""Look-ups the page's views share: key events for the charts (data/events.yaml) and the actors
a view can show (its drop-down and default)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from positions.paths import DATA_DIR
from positions.reference.registry import Registry

EVENTS_PATH = DATA_DIR / "events.yaml"


@lru_cache(maxsize=4)
def load_events(path: str = str(EVENTS_PATH)) -> tuple[dict, ...]:
    """Key events (date, title, source_url, optional issues) from data/events.yaml; none if absent."""
    p = Path(path)
    if not p.exists():
        return ()
    raw = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    out = []
    for ev in raw.get("events") or []:
        out.append({"date": pd.Timestamp(str(ev["date"])).date(), "title": str(ev["title"]),
                    "source_url": str(ev.get("source_url", "")), "issues": tuple(ev.get("issues") or ())})
    return tuple(out)


def actor_choices(rows: pd.DataFrame, issue: str, reg: Registry) -> dict[str, str]:
    """{actor value: label} for actors with statements on `issue`: states first, then people."""
    # Three columns of the issue's rows, each affiliation looked up once: no copy of every row.
    rows = rows.loc[(rows["issue"] == issue).to_numpy(), ["actor_id", "actor", "affiliation"]]
    known = reg.affiliations
    states = sorted({str(a) for a in rows["affiliation"].unique() if str(a) in known}, key=reg.name_of)
    people = rows[rows["actor_id"].isin(list(reg.people))].drop_duplicates("actor_id")
    out = {code: f"{reg.name_of(code)} (all speakers)" for code in states}
    for r in people.sort_values("actor").itertuples():
        out[r.actor_id] = f"{r.actor} ({r.affiliation})"
    return out


def default_actor(rows: pd.DataFrame, issue: str, reg: Registry) -> str:
    """The state with the most statements on the issue ('' if none)."""
    on_issue = rows[(rows["issue"] == issue) & rows["affiliation"].astype(str).isin(list(reg.states))]
    counts = on_issue["affiliation"].astype(str).value_counts()
    return str(counts.index[0]) if not counts.empty else ""
