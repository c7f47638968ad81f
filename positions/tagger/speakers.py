"""Speakers of a sentence (stage 3): mentions resolved through the registry, and the grammar that
decides who speaks which clause.

The regexes below are grammar, not vocabulary: they describe clause structure (a subordinate
conjunction before a subject, a passive report, a wish, a "neither by X nor by Y" list) and hold
no issue or stance words, so they live in code; the vocabulary lives in codebook.yaml `lexicons`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from positions.reference.registry import Resolution

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




def resolve_mention(tagger, m, on, history) -> tuple[Resolution | None, str]:
    g = m.groupdict()
    reg = tagger.registry
    if g.get("org"):
        org = next(tagger.rules.org_titles[k] for k in tagger.rules.org_titles if g.get(k))
        if g.get("org_person"):
            return reg.resolve(g["org_person"], on), "person"
        p = reg.holder(org, "org_leader", on) if on else None
        if p:
            return reg.resolve(p.name, on), "title"
        return None, ""
    if g.get("person"):
        return reg.resolve(g["person"], on), "person"
    kind_name = next((k for k in tagger.rules.kinds if g.get(k)), None)
    if kind_name:
        if g.get("t_person") and reg.resolve(g["t_person"], on):
            return reg.resolve(g["t_person"], on), "person"
        kind = tagger.rules.kinds[kind_name]
        aff = tagger.rules.place_alias.get(g.get("qual") or g.get("qual2") or "")
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
        aff = tagger.rules.place_alias.get(g.get("aqual") or g.get("aqual2") or "")
        if not aff:
            return None, ""
        name = m.group(0).strip()
        return Resolution("", name, aff, "other", "other", ""), "anonymous"
    if g.get("place"):
        return reg.resolve(g["place"], on), "state"
    return None, ""


def speakers_of(tagger, sent: str, on, history, quoted: bool = False) -> list[Speaker]:
    """Speakers of a sentence; `quoted`: the sentence starts inside a quotation opened earlier."""
    out: list[Speaker] = []
    mentions = _resolved_mentions(tagger, sent, on, history)
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
            i = _state_speakers(tagger, sent, mentions, i, quoted, out)
            continue
        pair = _joint_subject(tagger, sent, mentions, i, before) if how in ("person", "title") else None
        if pair:
            # "X and Y said / have maintained that ...": both people speak the clause.
            cs, sub, hows = pair
            for (pm, pres, _), phow in zip(mentions[i:i + 2], hows):
                out.append(Speaker(pres, pm.start(), pm.end(), phow, cs, sub=sub))
            i += 2
            continue
        sp = _named_speaker(tagger, sent, m, res, how)
        if sp is not None:
            out.append(sp)
        i += 1
    return out


def _resolved_mentions(tagger, sent: str, on, history) -> list[tuple]:
    """(match, Resolution, how) of the actors named in a sentence; "Putin's spokesman" is the
    spokesperson of the possessor's government (the possessor is then no mention)."""
    mentions = []
    prev = None
    for m in tagger.rules.mention.finditer(sent):
        res, how = resolve_mention(tagger, m, on, history)
        if prev is not None and m.group("t_spokesperson") and not (m.group("qual") or m.group("qual2")) \
                and _POSSESSIVE.fullmatch(sent, prev[0].end(), m.start()):
            if prev[1] is not None and prev[1].affiliation:
                p = tagger.registry.holder(prev[1].affiliation, "spokesperson", on) if on else None
                res = tagger.registry.resolve(p.name, on) if p else tagger.registry.resolve(prev[1].affiliation, on)
                how = "title"
                if mentions and mentions[-1][0] is prev[0]:
                    mentions.pop()
        prev = (m, res)
        if res is not None:
            mentions.append((m, res, how))
    return mentions


def _state_speakers(tagger, sent: str, mentions, i: int, quoted: bool, out: list) -> int:
    """States (and chains "Canada and Finland", "Sweden, Finland, and Canada") as subjects from
    mention `i`: appends their speakers to `out`, returns the index of the next mention."""
    R = tagger.rules
    m, res, _ = mentions[i]
    chain = [(m, res)]
    j = i
    while j + 1 < len(mentions) and mentions[j + 1][2] == "state" and \
            _is_list_glue(sent[mentions[j][0].end():mentions[j + 1][0].start()]):
        j += 1
        chain.append((mentions[j][0], mentions[j][1]))
    if len(chain) > 1 and all(sent[a[0].end():b[0].start()].strip() == "," for a, b in zip(chain, chain[1:])):
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
    return j + 1


def _named_speaker(tagger, sent: str, m, res, how) -> Speaker | None:
    """A named person, title or organisation as a speaker, by the words around the mention."""
    R = tagger.rules
    after, before = sent[m.end():], sent[:m.start()]
    if R.proposal_before.match(after):
        return Speaker(res, m.start(), m.end(), "reported", m.start(), nested=True)
    if R.according.search(before):
        return Speaker(res, m.start(), m.end(), how, _quote_start(sent, m.start()))
    if R.speech_after.match(after):
        cs, sub = _clause_of(before, m.start())
        return Speaker(res, m.start(), m.end(), how, cs, sub=sub)
    if R.speech_before.search(before):
        return Speaker(res, m.start(), m.end(), how, _quote_start(sent, m.start()))
    if how in ("person", "title") and R.subj_verbs.match(after) and _clause_start_ok(before) \
            and not _in_sentence_quote(sent, m.start()) and not _PASSIVE.match(after) \
            and not _WISHED.search(before, max(0, len(before) - 40)):
        # A named person as the subject of a clause ("Biden has authorized Kyiv to ...").
        cs, sub = _clause_of(before, m.start())
        return Speaker(res, m.start(), m.end(), "subject", cs, sub=sub)
    if R.proposal_after.search(before):
        return Speaker(res, m.start(), m.end(), "reported", m.start(), nested=True)
    return None


def _joint_subject(tagger, sent: str, mentions, i: int, before: str):
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
            _WISHED.search(before, max(0, len(before) - 40)) or tagger.rules.according.search(before):
        return None
    tail = sent[m2.end():]
    if _PASSIVE.match(tail):
        return None
    if tagger.rules.speech_after.match(tail):
        hows = (how, how2)
    elif tagger.rules.subj_verbs.match(tail):
        hows = ("subject", "subject")
    else:
        return None
    cs, sub = _clause_of(before, m.start())
    return cs, sub, hows


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

