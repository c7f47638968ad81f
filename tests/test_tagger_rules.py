"""positions.tagger.rules: the compiled lexicons (anchors, the whole-text pre-filter, guarded
patterns, the cue sets)."""
import re

import pytest

from positions.tagger.core import get_tagger
from positions.tagger.rules import STANCE_GROUPS, _cue_lists, _fast, _top_alternatives


# Sentences on each issue (written for this test): each must hold an anchor of that issue, or the
# whole-text pre-filter would skip it.
ANCHOR_CASES = [
    ("cross_border_strikes", "Ukraine may strike military targets inside Russia with Western missiles."),
    ("cross_border_strikes", "The allies kept their restrictions on using long-range weapons."),
    ("cross_border_strikes", "The missiles should be used solely inside Ukrainian territory."),
    ("trainer_deployment", "France could send military trainers to Ukraine."),
    ("trainer_deployment", "Britain will not put boots on the ground in Ukraine."),
    ("trainer_deployment", "A reassurance force could be deployed after a ceasefire."),
    ("trainer_deployment", "Estonia is ready to send soldiers to western Ukraine."),
]


@pytest.mark.parametrize("issue, sentence", ANCHOR_CASES)
def test_rules_anchors_cover_issue_sentences(issue, sentence):
    t = get_tagger(mode="rules")
    assert issue in {i for i, _ in t.issues_of(sentence, set())}
    hits = {a for m in t.rules.prefilter.finditer(sentence.lower()) for a in [m.group()]}
    assert any(issue in t.rules.anchor_issues[a] for a in hits)


def test_rules_guard_rejects_positions_inside_words_and_keeps_other_patterns():
    assert _top_alternatives(r"\bfoo (a|b)\b|\bbar[|]x") == [r"\bfoo (a|b)\b", r"\bbar[|]x"]
    # Word-start patterns get the guard; others (a match may start inside a word) stay as written.
    assert _fast(r"\b(only|solely)\b").startswith(r"\b(?=\w)")
    assert _fast(r"(\bnot|n't) going") == r"(\bnot|n't) going"


def test_rules_cue_sets_find_what_their_patterns_find_on_every_lexicon_example():
    """The stance and issue cue sets (RE2 filter, then `re`) name exactly the cues whose pattern,
    case-blind, matches each lexicon example."""
    examples = [e["example"] for _, cue_entries in _cue_lists(_RULES.codebook.lexicons) for e in cue_entries]
    for cues in (_RULES.rules.stances, _RULES.rules.issue_cues):
        for text in examples:
            expected = {cues.payload[k] for k, rx in enumerate(cues.compiled) if rx.search(text)}
            assert cues.found(text) == expected, text


# Every lexicon entry (issue patterns, stance cues, negators, ...) has a readable id and an invented
# example sentence; the example is the entry's test.
_RULES = get_tagger(mode="rules")
ENTRIES = [(trail, e) for trail, cue_entries in _cue_lists(_RULES.codebook.lexicons) for e in cue_entries]
STANCE_OF = {group: stance for group, stance, _ in STANCE_GROUPS}


@pytest.mark.parametrize("trail, entry", ENTRIES, ids=[f"{t}:{e['id']}" for t, e in ENTRIES])
def test_rules_lexicon_example_matches_its_entry(trail, entry):
    """The example sentence matches its own pattern; a stance cue's example is read as that cue
    (its group's stance, and no earlier cue wins)."""
    assert re.search(entry["pattern"], entry["example"], re.I), entry["example"]
    if trail.startswith("stances."):
        group = trail.split(".")[1]
        assert _RULES.stance_of(entry["example"]) == (STANCE_OF[group], f"stance:{group}[{entry['id']}]")


def test_rules_lexicon_entry_without_an_id_or_example_is_refused(tmp_path):
    """A cue entry needs id, pattern and example, and ids are unique: refused when the codebook compiles."""
    import copy

    from positions.errors import CodebookError
    from positions.tagger.rules import compile_rules

    cb = copy.deepcopy(_RULES.codebook)
    cb.lexicons["stances"]["oppose"].append({"pattern": r"\bnever again\b", "example": "Never again, he said."})
    with pytest.raises(CodebookError, match=r"lexicons\.stances\.oppose\[\d+\] must be a mapping with id"):
        compile_rules(cb, _RULES.registry)
    cb.lexicons["stances"]["oppose"][-1]["id"] = "ruled-out"
    with pytest.raises(CodebookError, match="'ruled-out' is already the id of lexicons.stances.oppose_strong"):
        compile_rules(cb, _RULES.registry)


def test_rules_kremlin_speaks_for_russia_and_the_alliance_for_nobody():
    """The speaker_places entries of the lexicons: "the Kremlin" is a place speaking for RU; "the
    alliance" alone names no organisation (it is as often any alliance)."""
    assert _RULES.rules.place_alias.get("Kremlin") == "RU"
    assert "alliance" not in {k.lower() for k in _RULES.rules.place_alias}
