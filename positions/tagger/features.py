"""Features of a candidate (sentence × actor) as string tokens, hashed by the model.

The candidate's mentions become ACTOR and other actors' become OTHER, so what is learned is the
wording around a speaker, not the speaker: words and word pairs of the sentence, the words just
left and right of the candidate, how it was found, and what the rule layer says about the
sentence (issue cues, stance cue group, a rule record for the same affiliation).
"""
from __future__ import annotations

import re

from positions.tagger.candidates import Candidate, Sentence

ISSUES = ("cross_border_strikes", "trainer_deployment")
ISSUE_TAG = {"cross_border_strikes": "S", "trainer_deployment": "T"}
_WORD = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*|ACTOR|OTHER|[“”\"?]")
WINDOW = 6
STEM = 5
CLAUSE = 12     # words right of the candidate read as its clause (trigrams, negation, modality)
# Grammar markers read as features, not rules: the classifiers learn what they mean near a candidate.
# Word sets (a set lookup per word; stems for the inflected verbs).
NEGATION = frozenset("not no never neither nor against without rule rules ruled ruling cannot deny denied denies "
                     "won't can't don't doesn't didn't isn't wouldn't won’t can’t don’t doesn’t didn’t isn’t "
                     "wouldn’t".split())
NEGATION_STEMS = frozenset(("rejec", "refus", "oppos"))
# Round 14 (train out of fold + validation, network seed 13, linear models refitted, thresholds re-chosen; no
# test document; CV 0.7376, validation 0.7588 without): verbs that set the speaker against what follows
# ("slammed", "lambasted", "criticised", "condemned", "excluded", "dismissed", "balked at", 35 forms) read as
# NEGATION: CV 0.7381, validation 0.7552; as a marker of their own: 0.7369 / 0.7566. Not kept.
MODAL = frozenset("if unless only provided would could might may once until after when backstop mandate".split())
MODAL_STEMS = frozenset(("condi", "guara"))
REPORTING = frozenset("said says say told tells stated states added adds noted warned stressed announced according "
                      "insisted claimed declared wrote argued emphasised emphasized confirmed".split())


def masked(sent: Sentence, cand: Candidate) -> str:
    """The sentence with the candidate's mentions as ACTOR and other candidates' as OTHER."""
    marks = [(a, b, "ACTOR") for a, b in cand.spans]
    for o in sent.candidates:
        if o is not cand:
            marks += [(a, b, "OTHER") for a, b in o.spans]
    out, pos = [], 0
    for a, b, tag in sorted(marks):
        if a < pos:
            continue
        out.append(sent.text[pos:a].lower())
        out.append(f" {tag} ")
        pos = b
    out.append(sent.text[pos:].lower())
    return "".join(out)


def tokens(sent: Sentence, cand: Candidate, rule_view: dict) -> list[str]:
    """Feature tokens of one candidate. `rule_view` is what the rule layer found (see rule_view)."""
    words = _WORD.findall(masked(sent, cand))
    out = [f"u:{w}" for w in words]
    out += [f"s:{w[:STEM]}" for w in words if len(w) > STEM]     # "rejects"/"rejected" share "s:rejec"
    out += [f"b:{a}_{b}" for a, b in zip(words, words[1:])]
    if "ACTOR" in words:
        i = words.index("ACTOR")
        out += [f"L:{w[:STEM]}" for w in words[max(0, i - WINDOW):i]]
        out += [f"R:{w[:STEM]}" for w in words[i + 1:i + 1 + WINDOW]]
        out.append(f"pos:{min(i // 5, 6)}")
        out += _clause_tokens(words, i)
    out += _markers(words, "S")
    out += [f"k:{k}" for k in sorted(cand.kinds)]
    if cand.subordinate:
        out.append("k:subordinate")
    if cand.reported:
        out.append("k:reported")
    out.append(f"aff:{cand.affiliation}")
    out.append(f"n:{min(len(sent.candidates), 3)}")
    if sent.context:
        out.append("ctx")
    s = rule_view.get("sent", {}).get(sent.idx, ())
    out += list(s)
    out += rule_view.get("issues", [])
    for issue in ISSUES:
        rec = rule_view.get("rec", {}).get((sent.idx, cand.affiliation, issue))
        if rec:
            out.append(f"rr:{ISSUE_TAG[issue]}:{rec}")
        doc = rule_view.get("doc", {}).get((cand.affiliation, issue))
        if doc:
            out.append(f"rd:{ISSUE_TAG[issue]}:{doc}")
    return out


def _clause_tokens(words: list[str], i: int) -> list[str]:
    """The candidate's own clause (the words right of ACTOR): trigrams, word pairs, negation and
    modality markers, and how far the nearest reporting verb is."""
    right = words[i + 1:i + 1 + CLAUSE]
    out = [f"t:{a}_{b}_{c}" for a, b, c in zip(right, right[1:], right[2:])]
    out += [f"RB:{a}_{b}" for a, b in zip(right, right[1:])]
    out += _markers(right, "R")
    verbs = [j for j, w in enumerate(words) if w in REPORTING]
    if verbs:
        d = min(verbs, key=lambda j: abs(j - i)) - i
        out.append(f"rv:{max(-3, min(3, d // 3))}")
    else:
        out.append("rv:none")
    return out


def _markers(words: list[str], where: str) -> list[str]:
    """neg:/mod: tokens when `words` hold a negation / a modal or conditional marker."""
    out = []
    if any(w in NEGATION or w[:5] in NEGATION_STEMS for w in words):
        out.append(f"neg:{where}")
    if any(w in MODAL or w[:5] in MODAL_STEMS for w in words):
        out.append(f"mod:{where}")
    return out


def with_issue(toks: list[str], issue: str) -> list[str]:
    """Tokens for the stance model: the issue, and the rule tokens and words crossed with it."""
    tag = ISSUE_TAG[issue]
    return toks + [f"i:{tag}"] + [f"{tag}|{t}" for t in toks if t[0] in "rkL" or t.startswith("u:")]


# Tried in round 9 and not kept (train out of fold + validation; baseline CV 0.723, validation 0.736): the
# previous sentence's rule cues as tokens (CV 0.721, validation 0.741), its embedding as a third block of
# the issue perceptrons' input (0.718 / 0.735).
def _doc_issues(sentence_tokens) -> list[str]:
    """How much of the document is on each issue (its sentences with an issue cue, capped at 4), and
    which issue leads: a candidate in an article about the issue more often takes a position on it."""
    n = {tag: sum(f"ri:{tag}:cue" in toks for toks in sentence_tokens) for tag in ISSUE_TAG.values()}
    lead = "S" if n["S"] > n["T"] else "T" if n["T"] > n["S"] else "="
    return [f"d{tag}:{min(k, 4)}" for tag, k in n.items()] + [f"dl:{lead}"]


def rule_view(tagger, sents: list[Sentence], records) -> dict:
    """What the rule layer says: per sentence its issue/stance cues, per document how many sentences
    are on each issue, per (sentence, affiliation, issue) and per (affiliation, issue) the stance of a
    rule record."""
    view: dict = {"sent": {}, "rec": {}, "doc": {}}
    by_start = {s.start: s.idx for s in sents}
    for s in sents:
        if not s.candidates:
            continue
        toks = []
        for issue, label in tagger.issues_of(s.text, set(ISSUES) if s.context else set()):
            toks.append(f"ri:{ISSUE_TAG[issue]}:{'ctx' if label.endswith(':context') else 'cue'}")
        stance, cue = tagger.stance_of(s.text)
        if stance:
            toks.append(f"rs:{stance}")
            toks.append(f"rg:{cue.split('[')[0]}{':neg' if cue.endswith(':negated') else ''}")
        view["sent"][s.idx] = toks
    view["issues"] = _doc_issues(view["sent"].values())
    for r in records:
        idx = by_start.get(r.evidence_start)
        issue = r.issue.value if hasattr(r.issue, "value") else r.issue
        stance = r.stance.value if hasattr(r.stance, "value") else r.stance
        if idx is not None:
            view["rec"][(idx, r.affiliation, issue)] = stance
        view["doc"][(r.affiliation, issue)] = stance
    return view
