"""Rule tagger: sentences -> issue cues -> speakers (attribution) -> stance -> date -> records.

Pipeline, one document at a time (see `tag_text`):
1. split into sentences (offsets kept: evidence is always a slice of the input);
2. issue cues per sentence (topic + scope, or scope-only wording right after an on-issue sentence);
3. speakers: named people, titles ("Germany's defence minister"), states as subjects
   ("Canada and Finland signalled"), anonymous officials; "he said" and unattributed quotes carry
   the last named speaker; each speaker owns a segment of the sentence;
4. stance per segment from the cue groups in the codebook, with negation;
5. date from the segment (or sentence), resolved against publication;
6. one record per (speaker, issue, stance): the best-scoring sentence is the evidence.
All patterns live in positions/codebook.yaml (`lexicons`).
"""
from __future__ import annotations

import re

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date

from positions.reference import codebook as codebook_mod
from positions.reference import registry as registry_mod
from positions.model import Statement
from positions.reference.registry import Resolution
from positions.tagger.rules import compile_rules
from positions.tagger.text import paragraph_ids, sentences

QUOTES_OPEN = "“\"‘"
QUOTES_CLOSE = "”\"’"


@dataclass
class Speaker:
    res: Resolution
    start: int          # mention start (in sentence)
    end: int
    how: str            # person / title / state / anonymous / carried / reported
    clause_start: int   # where this speaker's segment starts
    nested: bool = False  # reported inside another speaker's clause (does not cut segments)
    sub: bool = False     # subject of a subordinate clause ("after Macron hinted ..."): owns only that clause


@dataclass
class Candidate:
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


class Tagger:
    """Holds compiled rules; `tag(text, published)` returns Statements."""

    def __init__(self, codebook=None, registry=None):
        self.codebook = codebook or codebook_mod.load()
        self.registry = registry or registry_mod.load()
        self.rules = compile_rules(self.codebook, self.registry)

    # ------------------------------------------------------------------ issues
    def issues_of(self, sent: str, recent: set, anchored: set | None = None) -> list[tuple[str, str]]:
        """Issues of a sentence; `anchored` (when given) are the issues whose anchors it holds."""
        out = []
        sent = sent.replace("’", "'")   # one apostrophe for the lexicons ("don’t" = "don't"); same length
        for issue, rx in self.rules.issues.items():
            if anchored is not None and issue not in anchored and issue not in recent:
                continue
            # Cheapest test first; the exclusions only for a sentence that would count.
            scope = rx["scope"].search(sent)
            if scope and rx["topic"].search(sent):
                label = f"issue:{issue}"
            elif issue in recent and (scope or rx["context"].search(sent)):
                label = f"issue:{issue}:context"
            else:
                continue
            if not rx["exclude"].search(sent):
                out.append((issue, label))
        return out

    # ------------------------------------------------------------------ stance
    def stance_of(self, clause: str) -> tuple[str | None, str]:
        neg = self.rules.negator
        clause = clause.replace("’", "'")   # curly apostrophes as straight ones ("don’t think they should")
        for group, stance, negatable, pats, gate in self.rules.stances:
            if not gate.search(clause):
                continue
            for i, rx in pats:
                for m in rx.finditer(clause):
                    if self.rules.question.search(clause, max(0, m.start() - 50), m.start()):
                        continue
                    if negatable and self.rules.concessive.search(clause, max(0, m.start() - 50), m.start()):
                        continue
                    if negatable and neg.search(clause, max(0, m.start() - 30), m.start()):
                        if stance == "support":
                            return "oppose", f"stance:{group}[{i}]:negated"
                        continue
                    return stance, f"stance:{group}[{i}]"
        return None, ""

    # ------------------------------------------------------------------ speakers
    def _resolve_mention(self, m, on, history) -> tuple[Resolution | None, str]:
        g = m.groupdict()
        reg = self.registry
        if g.get("org"):
            org = next(self.rules.org_titles[k] for k in self.rules.org_titles if g.get(k))
            if g.get("org_person"):
                return reg.resolve(g["org_person"], on), "person"
            p = reg.holder(org, "org_leader", on) if on else None
            if p:
                return reg.resolve(p.name, on), "title"
            return None, ""
        if g.get("person"):
            return reg.resolve(g["person"], on), "person"
        kind_name = next((k for k in self.rules.kinds if g.get(k)), None)
        if kind_name:
            if g.get("t_person") and reg.resolve(g["t_person"], on):
                return reg.resolve(g["t_person"], on), "person"
            kind = self.rules.kinds[kind_name]
            aff = self.rules.place_alias.get(g.get("qual") or g.get("qual2") or "")
            kinds = [kind] if kind not in ("head_of_state",) else ["head_of_state", "head_of_government"]
            if kind == "org_leader" and aff not in ("NATO", "EU"):
                return None, ""
            if kind == "government":
                # "the German government", "France's defence ministry": the state itself.
                return (reg.resolve(aff, on), "title") if aff else (None, "")
            if aff:
                # Prefer someone already named in the document with that role.
                for res in reversed(history):
                    if res.affiliation == aff and res.role_kind in kinds:
                        return res, "title"
                for k in kinds:
                    p = reg.holder(aff, k, on) if on else None
                    if p:
                        return reg.resolve(p.name, on), "title"
                if kind == "spokesperson":
                    # A spokesperson not in the registry still speaks for the government.
                    return reg.resolve(aff, on), "title"
                return None, ""
            for res in reversed(history):
                if res.role_kind in kinds:
                    return res, "title"
            return None, ""
        if g.get("anon"):
            aff = self.rules.place_alias.get(g.get("aqual") or g.get("aqual2") or "")
            if not aff:
                return None, ""
            name = m.group(0).strip()
            return Resolution("", name, aff, "other", "other", ""), "anonymous"
        if g.get("place"):
            return reg.resolve(g["place"], on), "state"
        return None, ""

    def speakers_of(self, sent: str, on, history, quoted: bool = False) -> list[Speaker]:
        """Speakers of a sentence; `quoted`: the sentence starts inside a quotation opened earlier."""
        R = self.rules
        out: list[Speaker] = []
        mentions = []
        prev = None
        for m in R.mention.finditer(sent):
            res, how = self._resolve_mention(m, on, history)
            if prev is not None and m.group("t_spokesperson") and not (m.group("qual") or m.group("qual2")) \
                    and _POSSESSIVE.fullmatch(sent, prev[0].end(), m.start()):
                # "Putin's spokesman": the spokesperson of the possessor's government; the possessor
                # is not a speaker here.
                if prev[1] is not None and prev[1].affiliation:
                    p = self.registry.holder(prev[1].affiliation, "spokesperson", on) if on else None
                    res = self.registry.resolve(p.name, on) if p else self.registry.resolve(prev[1].affiliation, on)
                    how = "title"
                    if mentions and mentions[-1][0] is prev[0]:
                        mentions.pop()
            prev = (m, res)
            if res is None:
                continue
            mentions.append((m, res, how))
        i = 0
        while i < len(mentions):
            m, res, how = mentions[i]
            after, before = sent[m.end():], sent[:m.start()]
            if _HEADLINE_COLON.match(after) and not before.strip(" \t\"“‘'"):
                # "Macron: Europe must be ready to send troops" (a headline or a quote introduced by the name).
                out.append(Speaker(res, m.start(), m.end(), how if how != "state" else "state", 0))
                i += 1
                continue
            if how == "state":
                # States (and chains "Canada and Finland", "Sweden, Finland, and Canada") as subjects.
                chain = [(m, res)]
                j = i
                while j + 1 < len(mentions) and mentions[j + 1][2] == "state" and \
                        _is_list_glue(sent[mentions[j][0].end():mentions[j + 1][0].start()]):
                    j += 1
                    chain.append((mentions[j][0], mentions[j][1]))
                if len(chain) > 1 and all(sent[a[0].end():b[0].start()].strip() == ","
                                          for a, b in zip(chain, chain[1:])):
                    # Commas only, no "and"/"or": not a list ("... a summit in Paris, Czechia announced").
                    chain, j = chain[:1], i
                tail = sent[chain[-1][0].end():]
                lead = sent[:m.start()]
                in_quote = _in_sentence_quote(sent, m.start()) or (quoted and _quote_still_open(sent, m.start()))
                objects = all(c[1].affiliation in R.object_states for c in chain)
                if not objects:
                    chain = [c for c in chain if c[1].affiliation not in R.object_states]
                if in_quote:
                    pass
                elif (R.speech_after.match(tail) if objects else R.subj_verbs.match(tail)) and _clause_start_ok(lead) \
                        and not _PASSIVE.match(tail) and not _WISHED.search(lead, max(0, len(lead) - 40)):
                    cs, sub = _clause_of(lead, m.start())
                    for cm, cres in chain:
                        out.append(Speaker(cres, cm.start(), cm.end(), "state", cs, sub=sub))
                elif R.proposal_after.search(lead):
                    for cm, cres in chain:
                        out.append(Speaker(cres, cm.start(), cm.end(), "reported", m.start(), nested=True))
                i = j + 1
                continue
            pair = self._joint_subject(sent, mentions, i, before) if how in ("person", "title") else None
            if pair:
                # "X and Y said / have maintained that ...": both people speak the clause.
                cs, sub, hows = pair
                for (pm, pres, _), phow in zip(mentions[i:i + 2], hows):
                    out.append(Speaker(pres, pm.start(), pm.end(), phow, cs, sub=sub))
                i += 2
                continue
            if R.proposal_before.match(after):
                out.append(Speaker(res, m.start(), m.end(), "reported", m.start(), nested=True))
            elif R.according.search(before):
                out.append(Speaker(res, m.start(), m.end(), how, _quote_start(sent, m.start())))
            elif R.speech_after.match(after):
                cs, sub = _clause_of(before, m.start())
                out.append(Speaker(res, m.start(), m.end(), how, cs, sub=sub))
            elif R.speech_before.search(before):
                out.append(Speaker(res, m.start(), m.end(), how, _quote_start(sent, m.start())))
            elif how in ("person", "title") and R.subj_verbs.match(after) and _clause_start_ok(before) \
                    and not _in_sentence_quote(sent, m.start()) and not _PASSIVE.match(after) and not _WISHED.search(before, max(0, len(before) - 40)):
                # A named person as the subject of a clause ("Biden has authorized Kyiv to ...").
                cs, sub = _clause_of(before, m.start())
                out.append(Speaker(res, m.start(), m.end(), "subject", cs, sub=sub))
            elif R.proposal_after.search(before):
                out.append(Speaker(res, m.start(), m.end(), "reported", m.start(), nested=True))
            i += 1
        return out


def _joint_subject(self: Tagger, sent: str, mentions, i: int, before: str):
    """Two people joined by "and" as one subject ("X and Y said that ..."): (clause start, subordinate?,
    (how, how)) when the pair is followed by a speech or subject verb, else None."""
    if i + 1 >= len(mentions):
        return None
    m, res, how = mentions[i]
    m2, res2, how2 = mentions[i + 1]
    if how2 not in ("person", "title") or res2.actor_id == res.actor_id or \
            sent[m.end():m2.start()].strip() not in ("and", ", and", "&"):
        return None
    if _in_sentence_quote(sent, m.start()) or not _clause_start_ok(before) or \
            _WISHED.search(before, max(0, len(before) - 40)) or self.rules.according.search(before):
        return None
    tail = sent[m2.end():]
    if _PASSIVE.match(tail):
        return None
    if self.rules.speech_after.match(tail):
        hows = (how, how2)
    elif self.rules.subj_verbs.match(tail):
        hows = ("subject", "subject")
    else:
        return None
    cs, sub = _clause_of(before, m.start())
    return cs, sub, hows


Tagger._joint_subject = _joint_subject

_HEADLINE_COLON = re.compile(r":\s+\S")
_POSSESSIVE = re.compile(r"['’]s\s+")

# A subject right after a subordinating conjunction speaks only in that clause: in "Italy said it
# would not send troops after Macron hinted at the possibility", the clause before "after" is not Macron's.
_SUBORD = re.compile(r"\b(?:after|before|since|because|although|though|until|whereas|while|when|following)\s+(?:the\s+)?$", re.I)


# "she stressed that the Netherlands would ...": the named subject is what the pronoun's speaker reports.
_REPORTED_SUBJECT = re.compile(r"[\s,:]*(?:that\s+)?(?:the\s+)?", re.I)
# ... unless the verb takes the named one as its object ("he criticized Stoltenberg, who ...").
_OBJECT_VERB = re.compile(r"\b(?:criticized|criticised|rejected|dismissed|backed|supported|endorsed|opposed|welcomed|"
                          r"took aim|hit out|lashed out|urged|asked|called|denied)$", re.I)


def _clause_of(before: str, pos: int) -> tuple[int, bool]:
    """(segment start, subordinate?) for a subject mention at `pos` with `before` the text before it."""
    m = _SUBORD.search(before)
    return (m.start(), True) if m else (pos, False)


# "X was asked whether ...": the subject of a passive report takes no position.
_PASSIVE = re.compile(r"\W*(?:,[^,]{0,60},\s*)?(?:was|were|is|are|has been|had been|have been)\s+(?:asked|questioned|"
                      r"criticized|criticised|accused|urged|pressed|told|invited)\b"
                      r"|\W*(?:is|are|was|were|has been|have been|had been|comes?|came|remains?)\s+under\s+(?:\w+\s+)?pressure\b", re.I)

# A subject after "hoped that", "urged", "expects": someone else's wish, not the subject's position
# ("Zelensky expressed hope that the United States would lift ...").
_WISHED = re.compile(r"\b(?:hop(?:e|es|ed|ing)|expect\w*|wish\w*|urg\w*|call\w* on|press\w*|ask\w*|want\w*|demand\w*|"
                     r"appeal\w* to|lobb\w*)\s+(?:that\s+)?(?:the\s+)?$", re.I)


def _in_sentence_quote(sent: str, pos: int) -> bool:
    before = sent[:pos]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _quote_still_open(sent: str, pos: int) -> bool:
    """In a sentence that starts inside a quotation: is `pos` before the quotation closes?"""
    before = sent[:pos]
    return "”" not in before and before.count('"') % 2 == 0


def _is_list_glue(between: str) -> bool:
    return between.strip() in (",", "and", ", and", "or", ", or", "&", "nor")


def _clause_start_ok(lead: str) -> bool:
    """A state is a subject at a clause start, not after a preposition ("strikes on Russia")."""
    words = lead.rstrip().split()
    if not words:
        return True
    last = words[-1].lower().strip("“\"‘(")
    if last in ("the",):
        last = words[-2].lower() if len(words) > 1 else ""
    return last.endswith(",") or last in ("that", "as", "and", "but", "from", "while", "after", "when", "since", "including",
                                          "something", "which", "said", "says", "stated", "announced", "added",
                                          "meanwhile", "however", "also", "time", "") or last.endswith(":") or \
        words[-1][-1] in "”\"’" or last in ("-", "–", "—")   # a dateline dash ("ROME (Agency) - X said")


def _quote_start(sent: str, pos: int) -> int:
    """Start of the clause a 'said X' / 'according to X' attribution closes (the sentence start)."""
    return 0


def tag_text(text: str, published: date | None = None, source_url: str = "", source_title: str = "",
             registry=None, codebook=None, tagger: Tagger | None = None, offset: int = 0) -> list[Statement]:
    """Tag one document: one record per (speaker, issue, stance), best sentence as evidence."""
    tagger = tagger or get_tagger(codebook, registry)
    cands = tagger.candidates(text, published)
    return tagger.records(cands, text, published, source_url, source_title, offset)


_DEFAULT = None


def get_tagger(codebook=None, registry=None) -> Tagger:
    global _DEFAULT
    if codebook is None and registry is None:
        if _DEFAULT is None:
            _DEFAULT = Tagger()
        return _DEFAULT
    return Tagger(codebook, registry)


def _candidates(self: Tagger, text: str, published: date | None) -> list[Candidate]:
    R = self.rules
    spans = sentences(text, R.abbreviations)
    paras = paragraph_ids(text, spans)
    history: list[Resolution] = []       # named people so far (for titles and "he said")
    recent: dict[str, int] = {}          # issue -> index of last on-issue sentence
    last_speaker: Resolution | None = None
    last_date = None
    out: list[Candidate] = []
    self._speaker_day = {}
    pending_quote: list[int] = []        # sentence indexes inside an unattributed open quote
    sent_info = []
    # Cheap pre-filter over the whole text: only sentences near an issue cue get the full pipeline.
    starts = [a for a, _ in spans]
    keep = set()
    anchored: dict[int, set] = {}       # sentence index -> issues whose anchors it holds
    for m in R.prefilter.finditer(text.lower()):
        i = bisect_right(starts, m.start()) - 1
        if i not in anchored:
            anchored[i] = set()
            keep.update(range(max(0, i - R.context_window), min(len(spans), i + R.context_window + 1)))
        anchored[i] |= R.anchor_issues[m.group()]
    for idx, (s0, s1) in enumerate(spans):
        if idx not in keep:
            sent_info.append(((), None, ""))
            continue
        sent = text[s0:s1]
        recent_set = {k for k, v in recent.items() if idx - v <= R.context_window}
        issues = self.issues_of(sent, recent_set, anchored.get(idx, set()))
        if not issues and not pending_quote:
            # Off the issues: only keep the speaker memory (named people, their dates) up to date.
            people = [m.group("person") for m in R.person_scan.finditer(sent)]
            sent_info.append(((), None, ""))
            if not people:
                if last_speaker is not None and R.pronoun.search(sent) and R.dates.gate.search(sent) \
                        and R.pronoun_speech.search(sent):
                    # "..., he said in the Saturday interview": a date of the last speaker's statement.
                    day, _ = R.dates.resolve(sent, published, last_date)
                    if day and _near_publication(day, published):
                        last_date = day
                        self._speaker_day.setdefault(last_speaker.actor_id or last_speaker.name, []).append((idx, day))
                continue
            day, _ = R.dates.resolve(sent, published, last_date)
            if day:
                last_date = day
            on = day or published
            spoke = R.speech_any.search(sent)
            first = None
            for m in R.person_scan.finditer(sent):
                r = self.registry.resolve(m.group("person"), on)
                if r is None:
                    continue
                history.append(r)
                if day and _near_publication(day, published):
                    self._speaker_day.setdefault(r.actor_id, []).append((idx, day))
                if spoke:
                    first = first or r
                    # The speaker is the person next to the speech verb ("Tajani said that what Macron
                    # proposed ..."), not merely the last name in the sentence.
                    if R.speech_after.match(sent[m.end():]) or R.speech_before.search(sent[:m.start()]) \
                            or R.according.search(sent[:m.start()]):
                        last_speaker = r
                        first = None
                        spoke = None
            if first is not None:
                if last_speaker is not None and R.pronoun_speech.search(sent):
                    # '"... our messages to Zelensky were well received," he said on Saturday': the
                    # pronoun's speaker goes on speaking; the name is only mentioned.
                    if day and _near_publication(day, published):
                        self._speaker_day.setdefault(last_speaker.actor_id or last_speaker.name, []).append((idx, day))
                else:
                    last_speaker = first
            continue
        day, date_rule = R.dates.resolve(sent, published, last_date)
        if day:
            last_date = day
        on = day or published
        speakers = self.speakers_of(sent, on, history, sent[:1] not in QUOTES_OPEN and _inside_quote(text, s0))
        for sp in speakers:
            if sp.how in ("person", "title", "subject") and sp.res.actor_id:
                history.append(sp.res)
            if day and not sp.nested and _near_publication(day, published):
                self._speaker_day.setdefault(sp.res.actor_id or sp.res.name, []).append((idx, day))
        if day and _near_publication(day, published):
            # Any named person in a dated sentence: their undated statements nearby share the date.
            for m in R.mention.finditer(sent):
                if m.group("person") or m.group("t_person"):
                    r = self.registry.resolve(m.group("person") or m.group("t_person"), on)
                    if r is not None:
                        self._speaker_day.setdefault(r.actor_id, []).append((idx, day))
        # "he said" / "the minister added": the last named person speaks.
        carried = None
        if not [s for s in speakers if not s.nested] and last_speaker is not None:
            if R.pronoun_speech.search(sent):
                carried = Speaker(last_speaker, 0, 0, "carried", 0)
            elif (sent[:1] in QUOTES_OPEN or _inside_quote(text, s0)) and idx > 0 and paras[idx - 1] == paras[idx]:
                carried = Speaker(last_speaker, 0, 0, "carried", 0)
        elif last_speaker is not None and not any(s.how == "carried" for s in speakers):
            # "Thus, he criticized X, who ..., as well as Y, who allowed it": the pronoun's clause before
            # the first named subject is the last speaker's, not the named subject's.
            first = min(s.clause_start for s in speakers if not s.nested)
            pm = R.pronoun_speech.search(sent, 0, first) if first > 0 else None
            if pm and not _in_sentence_quote(sent, pm.start()) and \
                    (_OBJECT_VERB.search(pm.group()) or not _REPORTED_SUBJECT.fullmatch(sent, pm.end(), first)):
                carried = Speaker(last_speaker, 0, 0, "carried", 0)
        if carried:
            speakers = [carried] + speakers
            if day and _near_publication(day, published):
                # "he said in the Saturday interview": a date of the carried speaker's own statement.
                self._speaker_day.setdefault(carried.res.actor_id or carried.res.name, []).append((idx, day))
        main = [s for s in speakers if not s.nested]
        if main:
            last_speaker = next((s.res for s in reversed(main) if s.res.actor_id and s.how != "state"), last_speaker)
            # Earlier sentences of the same open quote belong to this speaker.
            for j in pending_quote:
                if paras[j] == paras[idx]:
                    out.extend(self.segment_candidates(text, spans[j], sent_info[j][0], [Speaker(main[0].res, 0, 0, "carried", 0)],
                                                        published, sent_info[j][1], sent_info[j][2]))
            pending_quote = []
        elif sent[:1] in QUOTES_OPEN and issues:
            pending_quote.append(idx)
        sent_info.append((issues, day, date_rule))
        for issue, _ in issues:
            if not issue.endswith(":context"):
                recent[issue] = idx
        if issues and speakers:
            for c in self.segment_candidates(text, (s0, s1), issues, speakers, published, day, date_rule):
                c.idx = idx
                out.append(c)
    for c in out:
        if c.day is None and c.key[0] in self._speaker_day:
            # The nearest dated sentence naming the same speaker (earlier ones win ties).
            c.day = min(self._speaker_day[c.key[0]], key=lambda t: (abs(t[0] - c.idx), t[0] > c.idx))[1]
            c.cues.append("date:speaker")
    return out


def _near_publication(day: date, published: date | None) -> bool:
    """A date another sentence of the same speaker may borrow: within a year before publication
    (not a photo caption's old date, a birth date or a date after publication)."""
    return published is None or 0 <= (published - day).days <= 366


def _inside_quote(text: str, pos: int) -> bool:
    """Is `pos` inside a quotation opened earlier in the same paragraph?"""
    para_start = text.rfind("\n", 0, pos) + 1
    before = text[para_start:pos]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _segment_candidates(self: Tagger, text, span, issues, speakers, published, day, date_rule):
    R = self.rules
    s0, s1 = span
    sent = text[s0:s1]
    main = sorted([s for s in speakers if not s.nested], key=lambda s: s.clause_start)
    # Merge a state with a named speaker of the same affiliation in the same sentence
    # ("Lithuania is prepared ..., Lithuanian Prime Minister ... said"): most specific speaker wins.
    people_affs = {s.res.affiliation for s in main if s.how != "state"}
    main = [s for s in main if not (s.how == "state" and s.res.affiliation in people_affs)]
    bounds = []
    for k, sp in enumerate(main):
        start = sp.clause_start if k > 0 or sp.sub else 0
        nxt = [o.clause_start for o in main[k + 1:] if o.clause_start > sp.clause_start]
        end = nxt[0] if nxt else len(sent)
        if k > 0 and main[k - 1].clause_start == sp.clause_start:
            start = bounds[-1][1]
        bounds.append((sp, start, end))
    for sp in speakers:
        if sp.nested:
            bounds.append((sp, sp.start, len(sent)))
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
                if self.stance_of(head[off:])[0] is None:
                    continue
        seg_issues = self.issues_of(clause, {i for i, _ in issues}) if not single else issues
        if not seg_issues and sp.nested:
            seg_issues = [(i, c) for i, c in issues]
        if not seg_issues and sp.sub:
            # "..., after Macron said nothing should be ruled out": the clause refers to the
            # sentence's issue; as context only (a specific stance cue is needed).
            seg_issues = [(i, f"issue:{i}:context") for i, _ in issues]
        criticism = None
        if not seg_issues and not sp.nested:
            # "X took aim at / rejected <someone else's position>": the sentence's issue applies.
            st, cue = self.stance_of(clause)
            if st == "oppose":
                seg_issues, criticism = list(issues), (st, cue)
        if not seg_issues:
            continue
        stance_clause = clause if head is None else head
        if not sp.nested:
            inner = [o.start - a for o in speakers if o.nested and a <= o.start < b]
            if inner:
                stance_clause = clause[:min(inner)]
        stance, scue = criticism or self.stance_of(stance_clause)
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
            conf = self.confidence(sp.how, icue, scue, clause)
            out.append(Candidate((sp.res.actor_id or sp.res.name, issue, stance), sp.res, issue, stance,
                                 s0, s1, sday, cues, conf))
            for res in self.listed_states(stance_clause, sday or published):
                # "no range restrictions - neither by the British, nor by the French": the position
                # the speaker describes, one record per state named (undated: the text dates the speaker).
                if res.affiliation != sp.res.affiliation:
                    out.append(Candidate((res.actor_id or res.name, issue, stance), res, issue, stance, s0, s1, None,
                                         [icue, "speaker:listed", scue], self.confidence("reported", icue, scue, clause)))
    return out


# "neither by the British, nor by the French, and not by the Americans either": states as the agents of one position.
_LISTED_BY = re.compile(r"\b(?:neither|nor|not|and not|or)\s+(?:even\s+|yet\s+)?by\s+(?:the\s+)?$", re.I)


def _listed_states(self: Tagger, clause: str, on) -> list:
    """States named in a 'neither by X, nor by Y' list (two or more) of a clause."""
    if " by " not in clause:
        return []
    out = []
    for m in self.rules.mention.finditer(clause):
        if m.group("place") and _LISTED_BY.search(clause, max(0, m.start() - 30), m.start()):
            res = self.registry.resolve(m.group("place"), on)
            if res is not None and res.role_kind == "state" and res not in out:
                out.append(res)
    return out if len(out) >= 2 else []


def _confidence(self: Tagger, how, icue, scue, clause) -> float:
    c = self.rules.confidence
    val = c["base"].get(how, 0.6)
    if icue.endswith(":context"):
        val += c["adjust"]["issue_context"]
    if any(q in clause for q in "“\""):
        val += c["adjust"]["quote"]
    return max(0.05, min(0.99, round(val, 2)))


def _records(self: Tagger, cands, text, published, source_url, source_title, offset):
    best: dict[tuple, Candidate] = {}
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
    # The same speaker for it and for it with a limit in one document: the limit is the position
    # (the plain "supports the right to strike" is the headline of the limited one).
    best = {k: c for k, c in best.items() if not (k[2] == "support" and (k[0], k[1], "conditional") in best)}
    out = []
    for key, c in best.items():
        res = c.res
        out.append(Statement(
            actor=res.name, actor_id=res.actor_id, affiliation=res.affiliation, actor_type=res.actor_type,
            role=res.role_title, issue=c.issue, stance=c.stance, statement_date=c.day or dates.get(key),
            evidence=text[c.start:c.end], source_url=source_url, source_title=source_title, published=published,
            confidence=c.score, origin="tagged", status="suggested", cues=tuple(c.cues),
            evidence_start=c.start + offset, evidence_end=c.end + offset,
        ))
    return out


Tagger.candidates = _candidates
Tagger.segment_candidates = _segment_candidates
Tagger.confidence = _confidence
Tagger.records = _records
Tagger.listed_states = _listed_states
