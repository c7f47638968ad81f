"""Tagger: the general cues and attribution patterns added for generalisation (issue 3, part 2).

Each sentence is written for its pattern (not copied from any corpus or the dataset).
"""
from datetime import date

import pytest

from tests.conftest import tagged_triples

PUB = date(2024, 5, 30)


def triples(text, published=PUB):
    return tagged_triples(text, published)


@pytest.mark.parametrize("text, expected", [
    # undecided: not “ruled out” with a quote mark, nothing excluded, studying the possibility, open-minded, premature
    ("Emmanuel Macron said sending trainers to Ukraine is not “ruled out” for now.", ("FR", "trainer_deployment", "undecided")),
    ("Emmanuel Macron said nothing can be excluded when it comes to sending troops to Ukraine.",
     ("FR", "trainer_deployment", "undecided")),
    ("Hanno Pevkur said Estonia is analysing the possibility of sending instructors to Ukraine.",
     ("EE", "trainer_deployment", "undecided")),
    ("Mette Frederiksen said Denmark remains open-minded about sending troops to Ukraine.",
     ("DK", "trainer_deployment", "undecided")),
    ("Olaf Scholz said talk of sending German soldiers to Ukraine is premature.", ("DE", "trainer_deployment", "undecided")),
    ("Olaf Scholz said there is no consensus on sending ground troops to Ukraine.", ("DE", "trainer_deployment", "undecided")),
    # support: no restrictions, lifting/ending a prohibition, readiness, Ukraine can use, in favour of
    ("Kajsa Ollongren said the Netherlands has no restrictions on using its jets to strike targets in Russia.",
     ("NL", "cross_border_strikes", "support")),
    ("Jens Stoltenberg urged the allies to end their prohibition on striking targets in Russia with Western arms.",
     ("NATO", "cross_border_strikes", "support")),
    ("Keir Starmer said Britain has the readiness to deploy troops to Ukraine.", ("GB", "trainer_deployment", "support")),
    ("Jan Lipavsky said Ukraine can use Czech weapons to strike targets in Russia.", ("CZ", "cross_border_strikes", "support")),
    ("Jan Lipavsky said he is in favour of letting Ukraine strike military targets in Russia.",
     ("CZ", "cross_border_strikes", "support")),
    # oppose: not planning to send, not a single soldier, won't be sent, against, not in favour, not considering,
    # disagreeing, legitimate target
    ("Donald Tusk said Poland does not plan to send its troops to Ukraine.", ("PL", "trainer_deployment", "oppose")),
    ("Rishi Sunak said Britain isn’t planning to put boots on the ground in Ukraine.", ("GB", "trainer_deployment", "oppose")),
    ("Robert Fico said that not a single Slovak soldier would be deployed as part of Western forces in Ukraine.", ("SK", "trainer_deployment", "oppose")),
    ("Giorgia Meloni said Italian troops will not be sent to Ukraine.", ("IT", "trainer_deployment", "oppose")),
    ("Spain said it was against any deployment of European troops to Ukraine.",
     ("ES", "trainer_deployment", "oppose")),
    ("Antonio Tajani said he is not in favour of sending Italian soldiers to Ukraine.", ("IT", "trainer_deployment", "oppose")),
    ("Shigeru Ishiba said Japan is not considering sending troops to Ukraine.", ("JP", "trainer_deployment", "oppose")),
    ("Donald Trump said he disagrees with strikes deep inside Russia with American missiles.",
     ("US", "cross_border_strikes", "oppose")),
    ("Sergei Lavrov said Western troops sent to Ukraine would become a legitimate target.", ("RU", "trainer_deployment", "oppose")),
    ("Robert Fico said Slovakia would not take such a step as sending soldiers to Ukraine.",
     ("SK", "trainer_deployment", "oppose")),
    # conditional: limited areas / certain weapons
    ("Joe Biden said Ukraine may use American weapons to strike some limited areas inside Russia.",
     ("US", "cross_border_strikes", "conditional")),
])
def test_tagger_general_cues(text, expected):
    assert expected in triples(text)


@pytest.mark.parametrize("text", [
    "Xavier Bettel said strikes inside Russia with Western arms will only grow the risk of a wider war.",   # not a limit
    "Olaf Scholz said troops already in Ukraine are there to guard the embassy, and only there.",        # no stance
])
def test_tagger_general_no_conditional(text):
    assert all(st != "conditional" for _, _, st in triples(text))


@pytest.mark.parametrize("text, expected", [
    # "..., stated <title words> <name>": capitalised title words between verb and name
    ("Ukraine has the right to strike targets in Russia with Western weapons, stated Czech Foreign Minister Jan Lipavsky.",
     ("CZ", "cross_border_strikes", "support")),
    # new reporting verbs
    ("Jan Lipavsky informed reporters that Ukraine has the right to strike targets in Russia with Czech weapons.",
     ("CZ", "cross_border_strikes", "support")),
    ("Jan Lipavsky claims that Ukraine has the right to strike targets in Russia with Czech weapons.",
     ("CZ", "cross_border_strikes", "support")),
    # a named person as the subject of a clause
    ("Joe Biden has authorized Ukraine to use American weapons for strikes inside Russia.",
     ("US", "cross_border_strikes", "support")),
])
def test_tagger_general_attribution(text, expected):
    assert expected in triples(text)


def test_tagger_passive_subject_takes_no_position():
    assert triples("Klaudia Tanner was asked whether Austria would send troops to Ukraine.") == set()


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
def test_tagger_anchors_cover_issue_sentences(issue, sentence):
    from positions.tagger.core import get_tagger
    t = get_tagger()
    assert issue in {i for i, _ in t.issues_of(sentence, set())}
    hits = {a for m in t.rules.prefilter.finditer(sentence.lower()) for a in [m.group()]}
    assert any(issue in t.rules.anchor_issues[a] for a in hits)


def test_tagger_date_gate_keeps_every_date_kind():
    from positions.tagger.core import get_tagger
    rules = get_tagger().rules.dates
    for phrase in ("on Tuesday", "yesterday", "last week", "this month", "in February", "on 28 May", "29.08.2024",
                   "tonight", "the same day"):
        assert rules.gate.search(phrase), phrase
    assert rules.resolve("Nothing here is a date.", PUB) == (None, "")
