"""Regression guard: the shipped tagger on the committed test split of data/corpus (scorer logic of
../shared/eval/score.py), a few points below the figure in benchmarks/tagger.txt."""
from pathlib import Path

import pytest

from positions.tagger import corpus, scoring
from positions.tagger.core import get_tagger

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
# Round 8 corpus (578 test documents): rules alone 0.449 (P 0.767); the model's own floors
# are in test_tagger_model_heldout.py.
F1_FLOOR = {"both": 0.52, "rules": 0.42}
PRECISION_FLOOR = 0.75


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["both", "rules"])
def test_tagger_test_split_scores_stay_above_floor(mode):
    docs = corpus.load(CORPUS, ("test",))
    assert len(docs) >= 50
    tagger = get_tagger(mode=mode)
    tally = scoring.Tally()
    for d in docs:
        scoring.add(tally, d.text, d.statements, [r.to_record() for r in tagger.tag(d.text, d.published)])
    assert tally.f1 >= F1_FLOOR[mode], tally.line()
    assert tally.precision >= PRECISION_FLOOR, tally.line()
    assert tally.evidence_ok == tally.evidence_n


def test_tagger_scoring_matches_also_ok_and_one_to_one():
    statements = [{"affiliation": "PL", "issue": "trainer_deployment", "stance": "conditional", "also_ok": ["support"],
                   "statement_date": "2024-05-01"},
                  {"affiliation": "DE", "issue": "trainer_deployment", "stance": "oppose"}]
    recs = [{"affiliation": "PL", "issue": "trainer_deployment", "stance": "support", "statement_date": "2024-05-01",
             "evidence": "x", "confidence": 0.9},
            {"affiliation": "DE", "issue": "cross_border_strikes", "stance": "oppose", "statement_date": None,
             "evidence": "y", "confidence": 0.5}]
    tally = scoring.Tally()
    scoring.add(tally, "x y", statements, recs)
    assert (tally.tp, tally.fp, tally.fn) == (1, 1, 1)
    assert (tally.dates_ok, tally.dates_n) == (1, 1)
    assert sorted(tally.pairs) == [(0.5, False), (0.9, True)]
