"""A first, simple rule tagger: sentence -> issue cues -> speaker -> stance cue.

Every pattern lives in the codebook YAML (`lexicons`). Evidence is always a slice
of the input text, so it is verbatim by construction.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from .. import codebook as codebook_mod
from .. import registry as registry_mod
from ..model import Statement

SENTENCE_RE = re.compile(r"[^.!?\n]+(?:[.!?]+[”\"’']?|$)", re.M)
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def sentences(text: str):
    """Yield (start, end) character offsets of sentences (stripped)."""
    for m in SENTENCE_RE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            yield start, end


def _compile(patterns):
    return [re.compile(p, re.I) for p in patterns]


def resolve_weekday(sentence: str, published: date | None) -> date | None:
    if published is None:
        return None
    m = re.search(r"\b(" + "|".join(WEEKDAYS) + r")\b", sentence, re.I)
    if not m:
        return None
    wanted = WEEKDAYS.index(m.group(1).lower())
    return published - timedelta(days=(published.weekday() - wanted) % 7)


def tag_text(text: str, published: date | None = None, source_url: str = "", source_title: str = "",
             registry=None, codebook=None) -> list[Statement]:
    """Tag one document; one record per (speaker, issue, stance), first sentence as evidence."""
    codebook = codebook or codebook_mod.load()
    registry = registry or registry_mod.load()
    lex = codebook.lexicons
    issue_rx = {k: (_compile(v["topic"]), _compile(v["scope"])) for k, v in lex["issues"].items()}
    stance_rx = [(k, _compile(v)) for k, v in lex["stances"].items()]
    speech_rx = _compile(lex["speech_verbs"])
    aliases = sorted(registry.person_aliases(), key=len, reverse=True)
    alias_rx = re.compile(r"\b(" + "|".join(re.escape(a) for a in aliases) + r")\b", re.I) if aliases else None
    out: dict[tuple, Statement] = {}
    for start, end in sentences(text):
        sent = text[start:end]
        if not any(rx.search(sent) for rx in speech_rx):
            continue
        for issue, (topic, scope) in issue_rx.items():
            if not (any(rx.search(sent) for rx in topic) and any(rx.search(sent) for rx in scope)):
                continue
            match = alias_rx.search(sent) if alias_rx else None
            if not match:
                continue
            on = resolve_weekday(sent, published)
            who = registry.resolve(match.group(1), on or published)
            if who is None:
                continue
            stance = next((k for k, rxs in stance_rx if any(rx.search(sent) for rx in rxs)), None)
            if stance is None:
                continue
            key = (who.actor_id, issue, stance)
            if key in out:
                continue
            out[key] = Statement(
                actor=who.name, actor_id=who.actor_id, affiliation=who.affiliation, actor_type=who.actor_type,
                role=who.role_title, issue=issue, stance=stance, statement_date=on, evidence=sent,
                source_url=source_url, source_title=source_title, published=published, confidence=0.5,
                origin="tagged", status="suggested", cues=(f"issue:{issue}", f"stance:{stance}"),
                evidence_start=start, evidence_end=end,
            )
    return list(out.values())
