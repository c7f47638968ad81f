"""positions.tagger.prefilter: the RE2 pass may name more patterns than match, never fewer.

The sentences here are written for these tests; the corpus test reads the committed corpus's
documents as they are, without copying any sentence.
"""
import re
import sys
from pathlib import Path

import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from positions.errors import InputError
from positions.tagger.core import get_tagger
from positions.tagger.prefilter import MAX_CHARS, Cues, Prefilter, superset
from positions.tagger.rules import _cue_lists
from positions.tagger.text import sentences

ROOT = Path(__file__).resolve().parents[1]
_TAGGER = get_tagger(mode="rules")
LEXICON = [e["pattern"] for _, cue_entries in _cue_lists(_TAGGER.codebook.lexicons) for e in cue_entries]
_FILTER = Prefilter(LEXICON, re.I)
_COMPILED = [re.compile(p, re.I) for p in LEXICON]


def _missed(prefilter: Prefilter, compiled, text: str) -> list[str]:
    """Patterns that match `text` but that the filter did not name."""
    may = prefilter.candidates(text)
    return [rx.pattern for k, rx in enumerate(compiled) if k not in may and rx.search(text)]


def test_prefilter_superset_drops_conditions_so_it_matches_more_never_less():
    pattern = r"(?<!not )\bin favou?r of\b(?! it)"
    rx2 = re2.compile(superset(pattern, re.I))
    for text in ["She is in favour of sending them.", "She is IN FAVOR OF it", "She is not in favour of it."]:
        assert rx2.search(text), text          # the Python pattern matches only the first
    assert re.search(pattern, "She is in favour of sending them.", re.I)
    assert not re.search(pattern, "She is not in favour of it.", re.I)
    assert not rx2.search("He is in favour.")


def test_prefilter_names_python_unicode_matches_re2_reads_as_ascii():
    """`\\w`, `\\s`, `\\d` and case folding as Python reads them on str."""
    pats = [r"\bcaf\w\b", r"\bnot\sgoing\b", r"\d+ troops", r"[^\W\d]ber\b", r"\bkiev\b", r"\bmissiles\b",
            r"\binside\b", r"[^\s]+\ssaid"]
    compiled = [re.compile(p, re.I) for p in pats]
    pf = Prefilter(pats, re.I)
    texts = ["The café was closed.", "We are not\u00a0going there.", "\u0663 troops arrived.", "An éber word.",
             "Officials in \u212aiev said so.", "The mi\u017f\u017files flew.", "İnside the country.",
             "Zürich\u2002said nothing."]
    for text in texts:
        assert any(rx.search(text) for rx in compiled), text      # each text is a case to check
        assert not _missed(pf, compiled, text), text


def test_prefilter_filters_ordinary_text_and_leaves_unfilterable_text_to_re():
    pats = [r"\bruled? out\b", r"(\w+) and \1", r"\btroops\b"]
    pf = Prefilter(pats, re.I)
    assert pf.unfiltered == {1}         # a back-reference has no RE2 form: always searched
    assert pf.candidates("Nothing on the issue here.") == {1}
    assert pf.candidates("They ruled out sending troops.") == {0, 1, 2}
    assert pf.candidates("troops " + "x" * MAX_CHARS) == {0, 1, 2}
    assert pf.candidates("A lone surrogate \ud800 here.") == {0, 1, 2}


def test_missing_re2_is_a_one_line_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "re2", None)
    with pytest.raises(InputError, match="google-re2 is not installed.*requirements.txt"):
        Prefilter([r"\btroops\b"], re.I)


def test_prefilter_pickles_as_its_patterns_and_answers_the_same_after():
    import pickle

    pf = pickle.loads(pickle.dumps(_FILTER))
    for text in ("They ruled out sending troops.", "Nothing here.", "Strikes deep inside Russia were allowed."):
        assert pf.candidates(text) == _FILTER.candidates(text)


def test_prefilter_cues_keep_the_patterns_order_and_their_payloads():
    cues = Cues([(("a", 1), r"\bsend\w*"), (("b", 2), r"\btroops\b"), (("a", 3), r"\bnever\b")], re.I)
    assert cues.candidates("They will never send troops.") == [0, 1, 2]
    assert cues.candidates("Nothing here.") == []
    assert cues.found("NEVER again.") == {("a", 3)}


def test_prefilter_misses_no_lexicon_cue_in_the_committed_corpus():
    """On the sentences of every twentieth committed corpus document, each lexicon pattern that
    matches is named, and the filter leaves few patterns to search (what makes it worth having)."""
    docs = sorted((ROOT / "data" / "corpus" / "docs").glob("*.txt"))[::20]
    assert len(docs) > 100
    named, n = 0, 0
    for path in docs:
        text = path.read_text(encoding="utf-8")
        for a, b in sentences(text, _TAGGER.rules.abbreviations):
            sent = text[a:b]
            assert not _missed(_FILTER, _COMPILED, sent), sent
            named += len(_FILTER.candidates(sent))
            n += 1
    assert named / n < 0.05 * len(LEXICON)


_WORDS = sorted({w for p in (e["example"] for _, es in _cue_lists(_TAGGER.codebook.lexicons) for e in es)
                 for w in re.findall(r"[\w’']+", p)})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_WORDS), st.sampled_from([" ", ", ", ". ", "“", "”", "\u00a0", "é", "İ"])),
                max_size=30))
def test_prefilter_misses_no_lexicon_cue_in_lexicon_words_in_any_order(parts):
    text = " ".join(parts)
    assert not _missed(_FILTER, _COMPILED, text), text


def test_prefilter_misses_nothing_in_a_text_just_under_the_length_limit():
    """RE2 answers "no match" when its DFA runs out of memory: the longest text it is given, made of
    lexicon words in random order, still names every pattern that matches."""
    import random

    rnd = random.Random(3)
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < MAX_CHARS - 500:
        parts.append(rnd.choice(_WORDS) if rnd.random() < 0.95 else rnd.choice([".", ",", "“", "”"]))
    text = " ".join(parts)
    assert MAX_CHARS - 600 < len(text) <= MAX_CHARS
    assert not _missed(_FILTER, _COMPILED, text)
