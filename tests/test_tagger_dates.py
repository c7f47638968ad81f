"""positions.tagger.dates: relative and absolute dates resolved against the publication day."""
from datetime import date

import pytest

from positions.tagger.core import get_tagger

PUB = date(2024, 5, 30)  # a Thursday


@pytest.mark.parametrize("phrase, expected", [
    ("on Tuesday", date(2024, 5, 28)),
    ("on Thursday", date(2024, 5, 30)),     # publication day itself
    ("yesterday", date(2024, 5, 29)),
    ("last week", date(2024, 5, 20)),
    ("this month", date(2024, 5, 1)),
    ("in February", date(2024, 2, 1)),
    ("in November", date(2023, 11, 1)),     # latest November on or before publication
    ("on 28 May", date(2024, 5, 28)),
    ("on Sept. 13, 2023", date(2023, 9, 13)),
    ("", None),
])
def test_dates_resolution(phrase, expected):
    rules = get_tagger(mode="rules").rules.dates
    assert rules.resolve(f"Jan Lipavsky said {phrase} that it was fine.", PUB)[0] == expected


def test_dates_gate_keeps_every_date_kind():
    rules = get_tagger(mode="rules").rules.dates
    for phrase in ("on Tuesday", "yesterday", "last week", "this month", "in February", "on 28 May", "29.08.2024",
                   "tonight", "the same day"):
        assert rules.gate.search(phrase), phrase
    assert rules.resolve("Nothing here is a date.", PUB) == (None, "")
