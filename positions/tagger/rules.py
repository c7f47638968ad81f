"""Compile the codebook's `lexicons` and the actor registry into the tagger's regexes (once)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from positions.errors import CodebookError
from positions.tagger.dates import DateRules
from positions.tagger.prefilter import Cues

I = re.I

# Stance groups: (codebook key, stance it signals, whether a negator just before cancels/flips it).
# Grammar, not vocabulary: the order is the precedence (a strong or negated cue is read before a
# plain one), which is why it is code and the cues themselves are data (codebook.yaml).
STANCE_GROUPS = [
    ("undecided_strong", "undecided", False),
    ("support_negated", "support", False),
    ("support_strong", "support", False),
    ("oppose_strong", "oppose", False),
    ("conditional", "conditional", False),
    ("oppose", "oppose", True),
    ("undecided", "undecided", True),
    ("support", "support", True),
]


# An issue's patterns: a sentence is on it with a topic and a scope word, or (after one that is) with a
# scope or context word; an exclude word vetoes both.
ISSUE_PARTS = ("topic", "scope", "exclude", "context")


def _top_alternatives(p: str) -> list[str]:
    """The top-level alternatives of a regex (split on `|` outside groups and classes)."""
    out, depth, cls, cur, i = [], 0, False, [], 0
    while i < len(p):
        c = p[i]
        if c == "\\":
            cur.append(p[i:i + 2])
            i += 2
            continue
        if cls:
            cls = c != "]"
        elif c == "[":
            cls = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append("".join(cur))
            cur = []
            i += 1
            continue
        cur.append(c)
        i += 1
    out.append("".join(cur))
    return out


_WORD_START = re.compile(r"(?:\(\?<!.*?\))*\\b(?:\(+(?:\?:)?)?(?:[A-Za-z]|\\w)")   # lookbehinds may lead


def _fast(p: str) -> str:
    """Speed-up of a pattern whose every alternative starts a word (`\\b` then a letter): a leading
    `\\b(?=\\w)` rejects the positions inside words at once. Same matches; other patterns unchanged."""
    alts = _top_alternatives(p)
    if all(_WORD_START.match(a) for a in alts):
        return _guarded(p)
    return p


def _guarded(joined: str) -> str:
    """An alternation of word-start patterns behind `\\b(?=\\w)`, which rejects the positions inside words at once."""
    return rf"\b(?=\w)(?:{joined})"


def _any(patterns, flags=I) -> re.Pattern:
    joined = "|".join(f"(?:{p})" for p in patterns)
    if all(_WORD_START.match(a) for p in patterns for a in _top_alternatives(p)):
        joined = _guarded(joined)
    return re.compile(joined, flags)


@dataclass
class Rules:
    abbreviations: str
    issues: tuple           # issue ids, in the codebook's order
    issue_cues: Cues        # payload (issue, part): part one of ISSUE_PARTS
    context_window: int
    stances: Cues           # payload (group, stance, negatable, cue id), in precedence order
    negator: re.Pattern
    concessive: re.Pattern
    question: re.Pattern     # an indirect question just before a cue ("whether we are in favour of")
    unnamed: re.Pattern
    unnamed_gate: re.Pattern  # the group words alone: a cheap first test for `unnamed`
    speech: str             # speech verb alternation (uncompiled, used inside bigger patterns)
    pronoun: re.Pattern
    dates: DateRules
    mention: re.Pattern     # people / titles / states / anonymous, one pass
    kinds: dict             # title group name -> role kind
    org_titles: dict        # group name -> org id
    place_alias: dict       # surface -> affiliation code
    subj_verbs: re.Pattern
    speech_after: re.Pattern
    speech_before: re.Pattern
    according: re.Pattern
    pronoun_speech: re.Pattern
    proposal_before: re.Pattern
    proposal_after: re.Pattern
    confidence: dict
    object_states: set
    prefilter: re.Pattern   # anchors, matched on the lower-cased text
    person_scan: re.Pattern  # named people only (cheap history for sentences off the issues)
    speech_any: re.Pattern   # any speech verb
    anchor_issues: dict      # anchor text -> issues it is an anchor of


def entries(codebook, *keys) -> list[dict]:
    """The cue entries ({id, pattern, example}) of a lexicon list, e.g. entries(cb, "stances", "oppose")."""
    node = codebook.lexicons
    for k in keys:
        node = node[k]
    return node


def patterns(cue_entries) -> list[str]:
    """The regexes of a list of cue entries."""
    return [e["pattern"] for e in cue_entries]


def cue_ids(codebook) -> dict[str, list[str]]:
    """Stance group -> ids of its cues, in order (for the snapshot in tests/data/tagger_cue_ids.json)."""
    return {g: [e["id"] for e in entries(codebook, "stances", g)] for g, _, _ in STANCE_GROUPS}


def _check_entries(codebook, trail: str, cue_entries, seen: dict) -> None:
    """Each cue entry has a readable id unique in the lexicons, a pattern and an example sentence."""
    for i, e in enumerate(cue_entries):
        where = f"{codebook.path}: lexicons.{trail}[{i}]"
        if not isinstance(e, dict) or set(e) != {"id", "pattern", "example"}:
            raise CodebookError(f"{where} must be a mapping with id, pattern and example")
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", str(e["id"])):
            raise CodebookError(f"{where}.id {e['id']!r} must be lower-case words joined by hyphens")
        if e["id"] in seen:
            raise CodebookError(f"{where}.id {e['id']!r} is already the id of lexicons.{seen[e['id']]}")
        seen[e["id"]] = trail


def _cue_lists(lex) -> list[tuple[str, list]]:
    """(trail, entries) of every lexicon list whose items are cue entries."""
    lists = [(f"issues.{issue}.{k}", spec.get(k) or []) for issue, spec in lex["issues"].items()
             for k in ("topic", "scope", "exclude", "context")]
    lists += [(f"stances.{g}", lex["stances"][g]) for g, _, _ in STANCE_GROUPS]
    return lists + [(k, lex.get(k) or []) for k in ("concessives", "questions", "negators", "unnamed_groups")]


def _alts(words) -> str:
    """One regex for a set of literal words, as a trie ("B(?:i(?:den|ll))"): far fewer branches
    tried per position than a flat alternation, same matches (longest alternative first)."""
    trie: dict = {}
    for w in set(words):
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node) -> str:
        alts = [re.escape(ch) + emit(node[ch]) for ch in sorted(k for k in node if k)]
        if not alts:
            return ""
        body = "(?:" + "|".join(alts) + ")" if len(alts) > 1 else alts[0]
        if "" in node:
            return "(?:" + body + ")?"
        return body

    return emit(trie) or "(?!)"


def _anchor_issues(issues: dict) -> dict:
    out: dict = {}
    for issue, spec in issues.items():
        for a in spec["anchors"]:
            out.setdefault(a, set()).add(issue)
    return out


def _compile_issues(codebook) -> Cues:
    """Every issue pattern as ((issue, part), pattern), part one of topic / scope / exclude / context
    (anchors checked)."""
    items = []
    for issue, spec in codebook.lexicons["issues"].items():
        if any(a != a.lower() for a in spec.get("anchors") or ()) or not spec.get("anchors"):
            raise CodebookError(f"{codebook.path}: lexicons.issues.{issue}.anchors must be lower-case literals")
        if spec.get("prefilter", "scope") not in ("scope", "topic"):
            raise CodebookError(f"{codebook.path}: lexicons.issues.{issue}.prefilter must be scope or topic")
        items += [((issue, part), p) for part in ISSUE_PARTS for p in patterns(spec.get(part) or [])]
    return Cues(items, I, _fast)


def _compile_stances(lex) -> Cues:
    """Every stance cue as ((group, stance, negatable, cue id), pattern), in precedence order: the
    groups in STANCE_GROUPS' order, each group's cues in the codebook's."""
    return Cues([((group, stance, negatable, e["id"]), e["pattern"])
                 for group, stance, negatable in STANCE_GROUPS for e in lex["stances"][group]], I, _fast)


def _surfaces(lex, registry) -> tuple[set, dict]:
    """Names of people, and place names (states, organisations, extra places) -> affiliation code."""
    person_surface = set()
    for p in registry.people.values():
        for a in (p.name, *p.aliases):
            person_surface.add(a)
    place_surface = {}
    for code, s in registry.states.items():
        for a in (s.name, *s.aliases):
            bare = re.sub(r"^(the|The)\s+", "", a)
            place_surface[bare] = code
    places = lex["speaker_places"]
    ambiguous = {a.lower() for a in places["ambiguous_org_aliases"]}
    for code, o in registry.organisations.items():
        for a in (o.id, *o.aliases):
            bare = re.sub(r"^(the|The)\s+", "", a)
            if bare.lower() not in ambiguous:
                place_surface[bare] = code
    for name, code in places["extra"].items():
        place_surface.setdefault(name, code)
    return person_surface, place_surface


def _mention(lex, person_surface: set, place_surface: dict) -> tuple[re.Pattern, dict, dict]:
    """One pattern for people / titles / organisation titles / anonymous sources / places, with the
    title group names -> role kinds and organisation title group names -> organisation ids."""
    titles = lex["titles"]
    kinds = {}
    title_alts = []
    for kind, pats in titles.items():
        name = f"t_{kind}"
        kinds[name] = kind
        title_alts.append(f"(?P<{name}>{'|'.join(pats)})")
    org_titles = {}
    org_alts = []
    for org, pats in lex["org_titles"].items():
        name = f"o_{org}"
        org_titles[name] = org
        org_alts.append(f"(?P<{name}>{'|'.join(pats)})")
    place_rx = _alts(place_surface)
    person_rx = _alts(person_surface)
    anon = "|".join(lex["anonymous"])
    # Adjective/place qualifier of a title or of anonymous officials: "Germany's", "Dutch", "U.S.".
    qual = rf"(?:(?P<qual>{place_rx})(?:'s|’s)?\s+)"
    title = rf"(?i:(?:new|former|top|then|acting|deputy)\s+)?(?i:{'|'.join(title_alts)})"
    # Every alternative starts a word: `\b(?=\w)` first rejects the positions inside words in one step
    # (the alternation alone would try all five alternatives at each character).
    mention = re.compile(
        rf"\b(?=\w)(?:"
        rf"(?P<org>(?i:{'|'.join(org_alts)}))(?:\s+(?P<org_person>{person_rx}))?\b"
        rf"|(?:\b(?:the\s+|The\s+)?{qual}?{title}(?:\s+of\s+(?:the\s+)?(?P<qual2>{place_rx}))?(?:,?\s+(?:(?i:Lord|Sir|Gen\.|General|Mr\.?|Ms\.?)\s+)?(?P<t_person>{person_rx})|\s+(?P<t_unknown>[A-Z][a-z]+(?:\s+[A-Z][a-z]+){{0,2}}))?\b)"
        rf"|(?:\b(?:(?i:Lord|Sir|Gen\.|General|Mr\.?|Ms\.?|Mrs\.?|President|Chancellor)\s+)?(?P<person>{person_rx})\b)"
        rf"|(?:\b(?:[Aa]n?\s+)?(?:(?i:unnamed|anonymous|senior)\s+)?(?:(?P<aqual>{place_rx})\s+)?(?i:(?P<anon>{anon}))(?:\s+in\s+(?P<aqual2>{place_rx}))?\b)"
        rf"|(?:\b(?:the\s+|The\s+)?(?P<place>{place_rx})(?!\w)(?!['’]s\b)))",   # (?!\w): also "U.K." before a space
    )
    return mention, kinds, org_titles


# Between a subject and its verb. "General X of the Royal Dutch Air Force stated": a capitalised
# "of ..." qualifier may follow the name; a short parenthesis after the name ("X (Social Democrats)
# said") is skipped; so are a comma-delimited aside and up to three adverbs or auxiliaries.
_GAP = (r"(?:\s*\([^()\n]{1,40}\))?(?:\s+of\s+(?:the\s+)?(?:[A-Z][\w'’.-]*\s+){0,4}[A-Z][\w'’.-]*)?"
       r"(?:\s*,[^,“”\"]{1,90},|\s*,)?\s*(?:(?:has|have|had|also|additionally|repeatedly|previously|recently|"
       r"earlier|later|then|now|sharply|strongly|firmly|publicly|pointedly|flatly|once again|again|appeared to|"
       r"seemed to|(?:\w+\s+){1,3}?by(?=\s+\w+ing\b)|long|lengthy|who|which|once|twice|all|both|jointly|on \w+day|\w+ly)\s+){0,3}")


def compile_rules(codebook, registry) -> Rules:
    """The codebook's lexicons and the registry's names as the tagger's compiled patterns."""
    lex = codebook.lexicons
    seen: dict = {}
    for trail, cue_entries in _cue_lists(lex):
        _check_entries(codebook, trail, cue_entries, seen)
    person_surface, place_surface = _surfaces(lex, registry)
    mention, kinds, org_titles = _mention(lex, person_surface, place_surface)
    person_rx = _alts(person_surface)
    speech = "|".join(lex["speech_verbs"])
    subj = "|".join(lex["state_subject_verbs"])
    gap = _GAP
    return Rules(
        abbreviations="|".join(lex["sentence"]["abbreviations"]),
        issues=tuple(lex["issues"]),
        issue_cues=_compile_issues(codebook),
        context_window=int(lex.get("context_window", 2)),
        stances=_compile_stances(lex),
        negator=re.compile(rf"(?:{'|'.join(patterns(lex['negators']))})\W+(?:\w+\W+){{0,2}}$", I),
        question=re.compile(rf"(?:{'|'.join(patterns(lex.get('questions') or []) or ['(?!)'])})\W+(?:[\w’']+\W+){{0,4}}$", I),
        concessive=re.compile(rf"(?:{'|'.join(patterns(lex['concessives']))})\W+(?:[\w’']+\W+){{0,4}}$", I),
        unnamed=re.compile(rf"(?:\b(?:said|says|say|that)\s+|^|,\s+)(?:the\s+)?(?:{'|'.join(patterns(lex['unnamed_groups']))})", I),
        unnamed_gate=_any(patterns(lex["unnamed_groups"])),
        speech=speech,
        pronoun=re.compile(rf"\b(?:{'|'.join(lex['pronouns'])})\b", I),
        dates=DateRules(lex["dates"]),
        mention=mention,
        kinds=kinds,
        org_titles=org_titles,
        place_alias=place_surface,
        subj_verbs=re.compile(rf"^(?:\s*,?\s*(?:and|or)?\s*)?{gap}(?:not\s+)?(?:only\s+)?\b(?:{subj}|{speech})\b", I),
        speech_after=re.compile(rf"^{gap}\b(?:{speech}|back|backs)\b", I),
        # "..., said Ukrainian Ambassador to the United States Jane Doe": capitalised title words may
        # stand between the verb and the name.
        speech_before=re.compile(rf"(?:^|[,”\"’:]\s*)(?!told|tells|urged|instructed|asked)(?:{speech})\s+(?:(?:on|in|at)\s+\w+\s+)?"
                                 rf"(?-i:(?:(?:[A-Z][\w.'’-]*|of|to|for|the|and|on)\s+){{0,8}})$", I),
        according=re.compile(r"\b(?:according to|citing|cited)\s+$", I),
        pronoun_speech=re.compile(rf"\b(?:{'|'.join(lex['pronouns'])})\s+{gap}(?:{speech})\b", I),
        proposal_before=re.compile(r"^(?:['’]s?)\s+(?:calls?|proposals?|plans?|push|appeals?|ideas?|suggestions?)\s+(?:to|for|of|on)\b", I),
        proposal_after=re.compile(r"\b(?:calls?|proposals?|plans?|push|appeals?|idea)\s+(?:from|by|of)\s+$", I),
        confidence=lex["confidence"],
        prefilter=re.compile(_alts(a for spec in lex["issues"].values() for a in spec["anchors"])),
        person_scan=re.compile(rf"\b(?P<person>{person_rx})\b"),
        speech_any=re.compile(rf"\b(?:{speech})\b", I),
        anchor_issues=_anchor_issues(lex["issues"]),
        object_states=set(lex.get("object_states") or ()),
    )
