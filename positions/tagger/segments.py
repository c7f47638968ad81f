"""Stance per speaker segment (stage 4) and one record per (speaker, issue, stance) (stage 6)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from positions.model import Statement
from positions.reference.registry import Resolution
from positions.tagger import dates as dates_mod


@dataclass
class RuleCandidate:
    key: tuple
    res: Resolution
    issue: str
    stance: str
    start: int
    end: int
    day: date | None
    cues: list = field(default_factory=list)
    score: float = 0.0
    idx: int = 0



def segment_bounds(speakers, n: int) -> tuple[list, list]:
    """(main speakers in clause order, (speaker, start, end) of each speaker's segment) of a sentence
    of length `n`; nested speakers own the rest of the sentence from their mention."""
    main = sorted([s for s in speakers if not s.nested], key=lambda s: s.clause_start)
    # Merge a state with a named speaker of the same affiliation in the same sentence
    # ("Lithuania is prepared ..., Lithuanian Prime Minister ... said"): most specific speaker wins.
    people_affs = {s.res.affiliation for s in main if s.how != "state"}
    main = [s for s in main if not (s.how == "state" and s.res.affiliation in people_affs)]
    bounds = []
    for k, sp in enumerate(main):
        start = sp.clause_start if k > 0 or sp.sub else 0
        nxt = [o.clause_start for o in main[k + 1:] if o.clause_start > sp.clause_start]
        end = nxt[0] if nxt else n
        if k > 0 and main[k - 1].clause_start == sp.clause_start:
            start = bounds[-1][1]
        bounds.append((sp, start, end))
    for sp in speakers:
        if sp.nested:
            bounds.append((sp, sp.start, n))
    return main, bounds


def segment_candidates(tagger, text, span, issues, speakers, published, day, date_rule):
    """Rule candidates of one sentence: per speaker segment its issues, stance cue and date."""
    R = tagger.rules
    s0, s1 = span
    sent = text[s0:s1]
    main, bounds = segment_bounds(speakers, len(sent))
    out = []
    single = len(bounds) == 1
    for sp, a, b in bounds:
        clause = sent[a:b]
        head = None
        if R.unnamed_gate.search(clause):
            off = sp.end - a if sp.end > a else 0
            um = R.unnamed.search(clause[off:])
            if um:
                # The clause reports a position for an unnamed group ("... that Western countries have"):
                # nothing for it, unless the speaker's own cue comes first ("stressed that Ukraine has every
                # opportunity ..., and that Western countries ...").
                head = clause[:off + um.start()]
                if tagger.stance_of(head[off:])[0] is None:
                    continue
        seg_issues, criticism = _segment_issues(tagger, clause, issues, sp, single)
        if not seg_issues:
            continue
        stance_clause = clause if head is None else head
        if not sp.nested:
            inner = [o.start - a for o in speakers if o.nested and a <= o.start < b]
            if inner:
                stance_clause = clause[:min(inner)]
        stance, scue = criticism or tagger.stance_of(stance_clause)
        if stance is None and sp.how == "reported":
            stance, scue = "support", "stance:proposal"   # a proposal to do it is support
        if stance is None:
            continue
        # A clause that is the whole sentence has the sentence's date (already resolved).
        sday, srule = (None, "") if (a == 0 and b == len(sent)) else R.dates.resolve(clause, published, day)
        if not sday:
            sday, srule = day, date_rule
        for issue, icue in seg_issues:
            if icue.endswith(":context"):
                # Issue only from context: a named speaker and a specific cue are needed.
                if sp.how in ("carried", "subject") or (scue.startswith("stance:support[") and not scue.endswith(":negated")):
                    continue
                if sp.how == "state" and any(o.how in ("person", "title") and o.start < sp.start for o in main):
                    continue
            cues = [icue.replace(f"issue:{issue}:context", f"issue:{issue}:context"), f"speaker:{sp.how}", scue]
            if srule:
                cues.append(srule)
            conf = confidence(tagger, sp.how, icue, scue, clause)
            out.append(RuleCandidate((sp.res.actor_id or sp.res.name, issue, stance), sp.res, issue, stance,
                                 s0, s1, sday, cues, conf))
            for res in listed_states(tagger, stance_clause, sday or published):
                # "no range restrictions - neither by the British, nor by the French": the position
                # the speaker describes, one record per state named (undated: the text dates the speaker).
                if res.affiliation != sp.res.affiliation:
                    out.append(RuleCandidate((res.actor_id or res.name, issue, stance), res, issue, stance, s0, s1, None,
                                         [icue, "speaker:listed", scue], confidence(tagger, "reported", icue, scue, clause)))
    return out


def _segment_issues(tagger, clause: str, issues, sp, single: bool):
    """(issues of one speaker's segment, (stance, cue) when it criticises another's position)."""
    seg_issues = tagger.issues_of(clause, {i for i, _ in issues}) if not single else issues
    if not seg_issues and sp.nested:
        seg_issues = [(i, c) for i, c in issues]
    if not seg_issues and sp.sub:
        # "..., after Macron said nothing should be ruled out": the clause refers to the
        # sentence's issue; as context only (a specific stance cue is needed).
        seg_issues = [(i, f"issue:{i}:context") for i, _ in issues]
    if not seg_issues and not sp.nested:
        # "X took aim at / rejected <someone else's position>": the sentence's issue applies.
        st, cue = tagger.stance_of(clause)
        if st == "oppose":
            return list(issues), (st, cue)
    return seg_issues, None


# "neither by the British, nor by the French, and not by the Americans either": states as the agents of one position.
_LISTED_BY = re.compile(r"\b(?:neither|nor|not|and not|or)\s+(?:even\s+|yet\s+)?by\s+(?:the\s+)?$", re.I)


def listed_states(tagger, clause: str, on) -> list:
    """States named in a 'neither by X, nor by Y' list (two or more) of a clause."""
    if " by " not in clause:
        return []
    out = []
    for m in tagger.rules.mention.finditer(clause):
        if m.group("place") and _LISTED_BY.search(clause, max(0, m.start() - 30), m.start()):
            res = tagger.registry.resolve(m.group("place"), on)
            if res is not None and res.role_kind == "state" and res not in out:
                out.append(res)
    return out if len(out) >= 2 else []


def confidence(tagger, how, icue, scue, clause) -> float:
    c = tagger.rules.confidence
    val = c["base"].get(how, 0.6)
    if icue.endswith(":context"):
        val += c["adjust"]["issue_context"]
    if any(q in clause for q in "“\""):
        val += c["adjust"]["quote"]
    return max(0.05, min(0.99, round(val, 2)))


def records(tagger, cands, text, published, source_url, source_title, offset):
    best: dict[tuple, RuleCandidate] = {}
    dates: dict[tuple, date] = {}
    # A speaker named with a position on an issue: "he said" sentences only add where no named one did.
    named = {(c.key[0], c.issue) for c in cands if "speaker:carried" not in c.cues}
    cands = [c for c in cands if "speaker:carried" not in c.cues or (c.key[0], c.issue) not in named]
    for c in cands:
        if c.day and c.key not in dates:
            dates[c.key] = c.day
        cur = best.get(c.key)
        if cur is None or c.score > cur.score:
            best[c.key] = c
    best = {k: c for k, c in best.items() if not absorbed_by_limit(k, best)}
    out = []
    for key, c in best.items():
        res = c.res
        day = c.day or dates.get(key)
        out.append(Statement(
            actor=res.name, actor_id=res.actor_id, affiliation=res.affiliation, actor_type=res.actor_type,
            role=res.role_title, issue=c.issue, stance=c.stance, statement_date=dates_mod.plain(day),
            date_precision=dates_mod.precision_of(day),
            evidence=text[c.start:c.end], source_url=source_url, source_title=source_title, published=published,
            confidence=c.score, origin="tagged", status="suggested", cues=tuple(c.cues),
            evidence_start=c.start + offset, evidence_end=c.end + offset,
        ))
    return out


def absorbed_by_limit(key: tuple, keys) -> bool:
    """`key` (speaker, issue, stance) is a support whose speaker and issue also have a conditional in
    `keys`: for it and for it with a limit in one document, the limit is the position (the plain
    "supports the right to strike" is the headline of the limited one)."""
    return key[2] == "support" and (key[0], key[1], "conditional") in keys
