"""Optional backend: an OpenAI-compatible chat endpoint (a local Ollama or vLLM server, or a hosted one)
labels each candidate sentence window with the codebook; only records whose evidence is an exact
substring of the input and whose labels are valid are kept, and what was dropped is reported.

Never used unless asked for (`--backend openai-compatible --url ... --model ...`).
"""
from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import date

from positions.errors import InputError
from positions.model import Statement
from positions.tagger import candidates as cand_mod

ISSUES = ("cross_border_strikes", "trainer_deployment")
STANCES = ("support", "oppose", "conditional", "undecided")
TYPES = ("government", "organization", "other")
AFFILIATION = re.compile(r"^(?:[A-Z]{2}|NATO|EU)$")
WINDOW = 1          # sentences of context on each side of a candidate sentence
API_KEY_ENV = "POSITIONS_LLM_API_KEY"

INSTRUCTIONS = """You annotate news text by this codebook. Return JSON only: a list of records
{"actor", "affiliation", "actor_type", "issue", "stance", "statement_date", "evidence"}.
issue: one of %(issues)s. stance: one of %(stances)s. actor_type: one of %(types)s.
affiliation: ISO 3166-1 alpha-2 code of the state the actor speaks for, or NATO or EU.
evidence: the exact sentence of the text that shows the position, copied character for character.
statement_date: YYYY-MM-DD when the text says when (resolve "on Tuesday" against the publication
date %(published)s), else null. Return [] when no actor takes a position.

%(codebook)s"""


@dataclass
class Report:
    """What the endpoint returned that was not kept, one reason per record."""

    kept: int = 0
    dropped: list = field(default_factory=list)


def codebook_text(codebook) -> str:
    """The issues, stances and coding conventions of the codebook as plain text for the prompt."""
    lines = ["Issues:"]
    for i in ISSUES:
        spec = codebook.issues[i]
        lines.append(f"- {i}: {spec.question} {spec.description}")
    lines.append("Stances:")
    lines += [f"- {s}: {codebook.stances[s].description}" for s in STANCES]
    if codebook.conventions:
        lines.append("Conventions:")
        lines += [f"- {text}" for _, text in codebook.conventions]
    return "\n".join(lines)


def windows(tagger, text: str, published) -> list[tuple[int, int]]:
    """(start, end) of the text around each candidate sentence, overlapping windows merged."""
    from positions.tagger.text import sentences

    spans = sentences(text, tagger.rules.abbreviations)
    keep = sorted({s.idx for s in cand_mod.generate(tagger, text, published) if s.candidates})
    out: list[list[int]] = []
    for i in keep:
        a, b = spans[max(0, i - WINDOW)][0], spans[min(len(spans) - 1, i + WINDOW)][1]
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def ask(url: str, model: str, system: str, user: str, timeout: float = 120.0) -> str:
    """One chat completion; the reply's text. InputError (one line) when the endpoint fails."""
    body = json.dumps({"model": model, "temperature": 0, "messages": [
        {"role": "system", "content": system}, {"role": "user", "content": user}]}).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    key = os.environ.get(API_KEY_ENV)
    if key:
        headers["Authorization"] = f"Bearer {key}"
    req = urllib.request.Request(url.rstrip("/") + "/chat/completions", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            reply = json.loads(resp.read().decode("utf-8"))
        return reply["choices"][0]["message"]["content"]
    except (urllib.error.URLError, TimeoutError, json.JSONDecodeError, KeyError, IndexError) as e:
        raise InputError(f"--url {url}: no usable chat completion ({e}); is an OpenAI-compatible server running?") from None


def parse(reply: str) -> list:
    """The list of records in a reply (code fences and a {"statements": [...]} wrapper allowed)."""
    reply = re.sub(r"^```(?:json)?\s*|\s*```$", "", reply.strip())
    try:
        data = json.loads(reply)
    except json.JSONDecodeError:
        return []
    if isinstance(data, dict):
        data = data.get("statements") or data.get("records") or []
    return data if isinstance(data, list) else []


def problem(rec, text: str, published: date | None) -> str | None:
    """Why a returned record cannot be kept, or None."""
    if not isinstance(rec, dict):
        return "not a record"
    if rec.get("issue") not in ISSUES:
        return f"issue {rec.get('issue')!r}"
    if rec.get("stance") not in STANCES:
        return f"stance {rec.get('stance')!r}"
    if not AFFILIATION.match(str(rec.get("affiliation"))):
        return f"affiliation {rec.get('affiliation')!r}"
    if rec.get("actor_type", "government") not in TYPES:
        return f"actor_type {rec.get('actor_type')!r}"
    if not str(rec.get("actor") or "").strip():
        return "no actor"
    ev = rec.get("evidence")
    if not isinstance(ev, str) or not ev.strip() or ev not in text:
        return "evidence not an exact substring of the input"
    day = rec.get("statement_date")
    if day is not None:
        try:
            d = date.fromisoformat(str(day))
        except ValueError:
            return f"statement_date {day!r}"
        if published and d > published:
            return f"statement_date {day} after publication"
    return None


def tag(tagger, text: str, published: date | None, url: str, model: str, source_url: str = "",
        source_title: str = "") -> tuple[list[Statement], Report]:
    """Records from the endpoint for one document, and what was dropped."""
    system = INSTRUCTIONS % {"issues": ", ".join(ISSUES), "stances": ", ".join(STANCES), "types": ", ".join(TYPES),
                             "published": published.isoformat() if published else "unknown",
                             "codebook": codebook_text(tagger.codebook)}
    report, best = Report(), {}
    for a, b in windows(tagger, text, published):
        for rec in parse(ask(url, model, system, text[a:b])):
            why = problem(rec, text, published)
            if why:
                report.dropped.append(why)
                continue
            key = (rec["affiliation"], rec["issue"], rec["stance"])
            if key not in best:
                start = text.find(rec["evidence"])
                best[key] = Statement(
                    actor=rec["actor"], affiliation=rec["affiliation"], actor_type=rec.get("actor_type", "government"),
                    issue=rec["issue"], stance=rec["stance"], statement_date=rec.get("statement_date"),
                    evidence=rec["evidence"], source_url=source_url, source_title=source_title, published=published,
                    confidence=0.5, origin="tagged", status="suggested", cues=("layer:llm",),
                    evidence_start=start, evidence_end=start + len(rec["evidence"]))
    report.kept = len(best)
    return list(best.values()), report
