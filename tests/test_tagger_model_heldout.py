"""Regression guard for the shipped model: the tagger on the committed test split of
data/corpus (scorer logic of ../shared/eval/score.py), a few points below the figures in
benchmarks/tagger.txt; and confidence that means what it says on that split."""
from pathlib import Path

import pytest

from positions.tagger import corpus, scoring
from positions.tagger.core import get_tagger

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
# benchmarks/tagger.txt (commit of this file's last change): both F1 0.705 P 0.827 on 578 documents
F1_FLOOR = 0.67
PRECISION_FLOOR = 0.79


@pytest.fixture(name="test_split_tally", scope="module")
def _tally():
    docs = corpus.load(CORPUS, ("test",))
    assert len(docs) >= 540
    tagger = get_tagger(mode="both")
    tally = scoring.Tally()
    for d in docs:
        scoring.add(tally, d.text, d.statements, [r.to_record() for r in tagger.tag(d.text, d.published)])
    return tally


@pytest.mark.slow
def test_test_split_scores_stay_above_floor(test_split_tally):
    t = test_split_tally
    assert t.f1 >= F1_FLOOR, t.line()
    assert t.precision >= PRECISION_FLOOR, t.line()
    assert t.evidence_ok == t.evidence_n


@pytest.mark.slow
def test_confident_records_are_mostly_right(test_split_tally):
    """Records with confidence >= 0.8 are right at least ~3 times in 4 (the target is 0.8; a few
    points of slack for a split of ~100 documents)."""
    high = [ok for c, ok in test_split_tally.pairs if c >= 0.8]
    assert len(high) >= 20
    assert sum(high) / len(high) >= 0.75
