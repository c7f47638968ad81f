"""One RE2 pass that names the cue patterns a text may match, so only those run in Python's `re`.

The cue lexicons are dozens of Python regexes tested one group at a time on every candidate sentence;
`re` tries each alternative at each word, which made the stance cues alone a seventh of the tagging
time. RE2 (google-re2) matches all of them at once with a DFA, in about a microsecond per sentence.
Its answer is only a filter: each pattern is translated to a RE2 pattern that matches *at least*
wherever the Python one does (lookarounds and word boundaries dropped, `\\w` and `\\s` widened to
their Unicode members), and the patterns it names are then searched with `re` as before. So the
matches are the same; only the patterns that cannot match are skipped.
"""
from __future__ import annotations

import re
from re import _constants as C
from re import _parser as sre_parse

from positions.errors import InputError

# Python's case-blind matching maps these onto ASCII letters ("İ" and "ı" onto "i"); RE2's Unicode
# case folding does not. A text holding one is not filtered.
_FOLDS_APART = re.compile("[İı]")
# Longer texts are not filtered: the DFA's memory grows with the text (a sentence is far shorter).
MAX_CHARS = 20_000
# What Python's `\w`, `\s` and `\d` match on str (Unicode), as RE2 class members: every non-ASCII
# character may be a word character; the spaces are `str.isspace`'s list.
_WORD = r"0-9A-Za-z_\x{80}-\x{10FFFF}"
_SPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
_DIGIT = r"0-9\p{Nd}"
# Inside a negated class the member must be a subset of Python's (the class a superset): ASCII only.
_IN_CLASS = {
    (C.CATEGORY_WORD, False): _WORD, (C.CATEGORY_SPACE, False): _SPACE, (C.CATEGORY_DIGIT, False): _DIGIT,
    (C.CATEGORY_NOT_WORD, False): r"\W", (C.CATEGORY_NOT_SPACE, False): r"\S", (C.CATEGORY_NOT_DIGIT, False): r"\D",
    (C.CATEGORY_WORD, True): r"\w", (C.CATEGORY_SPACE, True): r"\s", (C.CATEGORY_DIGIT, True): r"\d",
    (C.CATEGORY_NOT_WORD, True): r"\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f",
    (C.CATEGORY_NOT_SPACE, True): r"\x00-\x08\x0e-\x1b\x21-\x7f",
    (C.CATEGORY_NOT_DIGIT, True): r"\x00-\x2f\x3a-\x7f",
}
_FLAGS = ((re.I, "i"), (re.S, "s"))


class Untranslatable(ValueError):
    """A construct RE2 has no superset for (a back-reference)."""


def superset(pattern: str, flags: int = 0) -> str:
    """A RE2 pattern that matches somewhere in every text the Python `pattern` (with `flags`) matches
    somewhere in. Untranslatable when the pattern holds a back-reference."""
    tree = sre_parse.parse(pattern, flags)
    on = "".join(f for flag, f in _FLAGS if tree.state.flags & flag)
    return (f"(?{on})" if on else "") + _seq(tree)


def _char(c: int) -> str:
    return chr(c) if chr(c).isascii() and chr(c).isalnum() else f"\\x{{{c:x}}}"


def _seq(items) -> str:
    return "".join(_item(op, av) for op, av in items)


def _item(op, av) -> str:
    if op is C.LITERAL:
        return _char(av)
    if op is C.NOT_LITERAL:
        return f"[^{_char(av)}]"
    if op is C.ANY:
        return "."
    if op is C.IN:
        return _class(av)
    if op is C.CATEGORY:
        return f"[{_IN_CLASS[(av, False)]}]"
    if op is C.BRANCH:
        return "(?:" + "|".join(_seq(b) for b in av[1]) + ")"
    if op is C.SUBPATTERN:
        _group, add, drop, body = av
        on = "".join(f for flag, f in _FLAGS if add & flag)
        off = "".join(f for flag, f in _FLAGS if drop & flag)
        return f"(?{on}{'-' + off if off else ''}:{_seq(body)})"
    if op is C.ATOMIC_GROUP:
        return f"(?:{_seq(av)})"       # backtracking allowed again: more matches, never fewer
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        lo, hi, body = av
        if lo > 1000:
            raise Untranslatable(f"repeat of at least {lo}")
        top = "" if hi == C.MAXREPEAT or hi > 1000 else hi
        return f"(?:{_seq(body)}){{{lo},{top}}}"
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return ""       # a condition dropped: the pattern matches more, never less
    raise Untranslatable(f"{op} has no RE2 equivalent")


def _class(items) -> str:
    negated = bool(items) and items[0][0] is C.NEGATE
    parts = []
    for op, av in items[1:] if negated else items:
        if op is C.LITERAL:
            parts.append(_char(av))
        elif op is C.RANGE:
            parts.append(f"{_char(av[0])}-{_char(av[1])}")
        elif op is C.CATEGORY:
            parts.append(_IN_CLASS[(av, negated)])
        else:
            raise Untranslatable(f"{op} in a character class")
    return f"[{'^' if negated else ''}{''.join(parts)}]"


class Prefilter:
    """Which of some Python regexes may match a text: `candidates(text)` names a superset of the
    indexes (into `patterns`) of those whose `search` finds a match."""

    def __init__(self, patterns: list[str], flags: int = 0):
        self.patterns, self.flags = list(patterns), flags
        try:
            import re2
        except ImportError:
            raise InputError("google-re2 is not installed (the tagger's cue filter needs it); run "
                             "`pip install -r requirements.txt`") from None
        options = re2.Options()
        options.max_mem = 64 << 20
        self._set = re2.Set.SearchSet(options)
        self._index: list[int] = []         # RE2 set index -> pattern index
        unfiltered = []
        for k, p in enumerate(patterns):
            try:
                self._set.Add(superset(p, flags))
            except (Untranslatable, re2.error):
                unfiltered.append(k)        # always a candidate
                continue
            self._index.append(k)
        self._set.Compile()
        self.unfiltered = frozenset(unfiltered)
        self.every = frozenset(range(len(self.patterns)))

    def __reduce__(self):
        return Prefilter, (self.patterns, self.flags)    # a RE2 set does not pickle: built again

    def candidates(self, text: str) -> frozenset[int]:
        """Indexes of the patterns that may match `text` (all of them when it cannot be filtered)."""
        if len(text) > MAX_CHARS or _FOLDS_APART.search(text):
            return self.every
        try:
            hits = self._set.Match(text)
        except UnicodeEncodeError:      # a lone surrogate: no UTF-8 for RE2
            return self.every
        if not hits:
            return self.unfiltered
        return self.unfiltered.union(self._index[h] for h in hits)


class Cues:
    """Python regexes, each with a payload (what the caller needs of it: a name, a cue id), searched
    behind one Prefilter. `compiled[k]` may be a faster form of `patterns[k]` with the same matches."""

    def __init__(self, items: list[tuple[object, str]], flags: int = re.I, compile_as=lambda p: p):
        self.payload = [item for item, _ in items]
        self.compiled = [re.compile(compile_as(p), flags) for _, p in items]
        self.filter = Prefilter([p for _, p in items], flags)

    def candidates(self, text: str) -> list[int]:
        """Indexes of the patterns that may match `text`, in their order."""
        return sorted(self.filter.candidates(text))

    def found(self, text: str) -> set:
        """Payloads of the patterns that match `text`."""
        out = set()
        for k in self.candidates(text):
            if self.payload[k] not in out and self.compiled[k].search(text):
                out.add(self.payload[k])
        return out
