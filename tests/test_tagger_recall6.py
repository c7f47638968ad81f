"""Tagger: recall patterns of pass 6 (studied on the dataset corpus' half B misses).

Each sentence is written for its pattern (not copied from any corpus or the dataset).
"""
from datetime import date

import pytest

from positions.tagger import tag_text

PUB = date(2025, 2, 14)


def triples(text, published=PUB):
    return {(s.affiliation, s.issue.value, s.stance.value) for s in tag_text(text, published=published)}


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
