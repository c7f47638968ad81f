"""positions.tagger.rules: the compiled lexicons (anchors, the whole-text pre-filter, guarded
alternations)."""
import re

import pytest

from positions.tagger.core import get_tagger
from positions.tagger.rules import AnyOf, _fast, _top_alternatives


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
    t = get_tagger()
    assert issue in {i for i, _ in t.issues_of(sentence, set())}
    hits = {a for m in t.rules.prefilter.finditer(sentence.lower()) for a in [m.group()]}
    assert any(issue in t.rules.anchor_issues[a] for a in hits)


def test_rules_guarded_alternations_match_as_the_patterns_do():
    assert _top_alternatives(r"\bfoo (a|b)\b|\bbar[|]x") == [r"\bfoo (a|b)\b", r"\bbar[|]x"]
    # Word-start patterns get the guard; others (a match may start inside a word) stay as written.
    assert _fast(r"\b(only|solely)\b").startswith(r"\b(?=\w)")
    assert _fast(r"(\bnot|n't) going") == r"(\bnot|n't) going"
    pats = [r"\b(rule[sd]?|ruling) out\b", r"(\bnot|n't) (\w+ )?going to send\b", r"(?<!not )\bin favou?r of\b"]
    gate = AnyOf(pats)
    for text in ["They ruled out sending troops.", "We don't plan going to send troops", "We aren't going to send",
                 "She is in favour of it.", "She is not in favour of it.", "Nothing here."]:
        assert gate.search(text) == any(re.search(p, text, re.I) for p in pats), text
