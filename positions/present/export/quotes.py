"""What a briefing pack quotes: the statements that set the positions shown, in whole sentences."""
from __future__ import annotations

import re

import pandas as pd

from positions.analysis import engine, fast
from positions.present import who_since

_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][”\"’')\]]))\s+(?=[“\"‘'(\[]?[A-Z0-9À-Ý])")


_ABBREVIATION = re.compile(r"(?:\b[A-Z]\.|\b(?:Mr|Mrs|Ms|Dr|St|Gen|Lt|Col|Sen|Rep|Gov|Prof|Jr|Sr|No|vs|etc|Inc|Ltd|"
                           r"Co|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.)$")


def sentences(text: str) -> list[str]:
    """Split at sentence ends, not after initials or abbreviations ('U.S. officials', 'Mr. Scholz')."""
    out: list[str] = []
    for part in _SENTENCE_END.split(text):
        if out and _ABBREVIATION.search(out[-1]):
            out[-1] += " " + part
        else:
            out.append(part)
    return out


def whole_sentences(text: str, limit: int) -> str:
    """The quote's first sentences up to about `limit` characters, never cut inside a sentence
    (the first sentence is kept whole even when longer); '[…]' marks left-out sentences."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    parts = sentences(text)
    out = parts[0]
    for part in parts[1:]:
        if len(out) + 1 + len(part) > limit:
            break
        out += " " + part
    return out if out == text else f"{out} […]"


def key_quotes(rows: pd.DataFrame, issue: str, limit: int = 6) -> pd.DataFrame:
    """Quotes from the actors that moved the chart: per state, the statement its current official
    position rests on; highest-ranked speakers first (head of state/government, minister, ...),
    then the most recent. Falls back to each speaker's latest statement when no state has a position."""
    if rows.empty:
        return rows
    last_day = who_since.data_to(rows)
    latest = who_since.positions_on(rows, issue, last_day) if last_day else rows.iloc[:0]
    if latest.empty:
        rows = engine.prepare(rows).sort_values(["effective_date", "confidence"], ascending=False, kind="stable")
        actor_id, actor = rows["actor_id"].astype(str), rows["actor"].astype(str)
        return fast.with_text(rows[~actor_id.where(actor_id != "", actor).duplicated()].head(limit))
    latest = latest.assign(_rank=[who_since.speaker_rank(r) for r in latest.to_dict("records")])
    latest = latest.sort_values(["_rank", "effective_date"], ascending=[True, False], kind="stable")
    return latest.head(limit).drop(columns="_rank")


def alt_text(title: str, summary: str, caption: str) -> str:
    """A picture's alt text: the chart's title and one sentence saying what it shows."""
    text = summary or caption
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0] if text else ""
    return f"{title}. {first}".strip()
