"""Tagger: recall patterns of pass 6 (studied on the dataset corpus' half B misses).

Each sentence is written for its pattern (not copied from any corpus or the dataset).
"""
from datetime import date

import pytest

from tests.conftest import tagged_triples

PUB = date(2025, 2, 14)


def triples(text, published=PUB):
    return tagged_triples(text, published)


@pytest.mark.parametrize("text, expected", [
    # a refused presence (any nationality adjective before the troops): place / station / take part / be present, and "there won't be ... troops"
    ("Norway's defence minister said Oslo will not place Norwegian soldiers on the ground in Ukraine.",
     ("NO", "trainer_deployment", "oppose")),
    ("Finland's defence minister said Finnish troops would not be physically present in Ukraine.", ("FI", "trainer_deployment", "oppose")),
    ("Denmark's foreign minister said there won't be any Danish soldiers on the ground in Ukraine.",
     ("DK", "trainer_deployment", "oppose")),
])
def test_refused_presence_is_oppose(text, expected):
    assert expected in triples(text)


@pytest.mark.parametrize("text, expected", [
    # two people joined by "and" as one subject: a record for each
    ("Olaf Scholz and Emmanuel Macron have said that sending ground troops to Ukraine is ruled out for now.",
     {("DE", "trainer_deployment", "oppose"), ("FR", "trainer_deployment", "oppose")}),
    ("Polish President Andrzej Duda and Lithuanian President Gitanas Nausėda urged allies to lift the restrictions "
     "on striking military targets inside Russia.",
     {("PL", "cross_border_strikes", "support"), ("LT", "cross_border_strikes", "support")}),
])
def test_two_people_joined_by_and_both_speak(text, expected):
    assert expected <= triples(text, date(2024, 6, 1))


def test_a_pair_after_a_wish_verb_is_not_a_joint_subject():
    # The pair is what a third speaker hopes for, not their own position.
    text = "Volodymyr Zelensky said he hoped Olaf Scholz and Emmanuel Macron would allow strikes inside Russia."
    got = triples(text, date(2024, 6, 1))
    assert ("DE", "cross_border_strikes", "support") not in got


@pytest.mark.parametrize("text, expected", [
    # a short parenthesis after the name (party, state) does not hide the verb
    ("Olaf Scholz (SPD) has ruled out sending German soldiers to Ukraine.", ("DE", "trainer_deployment", "oppose")),
    # a dateline dash opens the clause of the subject
    ("OSLO (Wire) - Denmark has allowed Ukraine to use its F-16s against military targets inside Russia.",
     ("DK", "cross_border_strikes", "support")),
])
def test_parenthesis_after_a_name_and_a_dateline_dash(text, expected):
    assert expected in triples(text, date(2024, 6, 1))
