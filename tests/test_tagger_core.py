"""positions.tagger.core on whole documents: the seed article end to end, the dev corpus figures."""
from datetime import date

import pytest

from positions.tagger import tag_text
from tests.conftest import DEV_CORPUS, SEED_TXT

PUB = date(2024, 5, 30)


@pytest.mark.skipif(not SEED_TXT.exists(), reason="dev corpus not present")
def test_core_seed_article_end_to_end():
    text = SEED_TXT.read_text(encoding="utf-8")
    recs = tag_text(text, published=PUB)
    got = {(r.affiliation, r.issue.value, r.stance.value) for r in recs}
    assert ("CZ", "cross_border_strikes", "support") in got
    assert ("RU", "cross_border_strikes", "oppose") in got
    for r in recs:
        assert text[r.evidence_start:r.evidence_end] == r.evidence


@pytest.mark.skipif(not DEV_CORPUS.exists(), reason="dev corpus not present")
def test_core_dev_corpus_regression():
    from positions.tagger.bench import score_dev
    fig, _ = score_dev(DEV_CORPUS)
    # Floors a few points under the shipped figures (benchmarks/tagger.txt). F1 0.897 since round 5, under the
    # issue's target of 0.90: the stance model's clause embeddings gained on 1713 untuned documents (train out
    # of fold + validation, pooled F1 0.647 -> 0.659) and cost two triples here, the documents the rules were
    # grown from (rules alone 0.956). Date accuracy 0.889 (0.933 in round 3, before the model's stances could
    # replace the rules').
    assert fig["f1"] >= 0.87 and fig["evidence_valid"] == 1.0 and fig["date_accuracy"] >= 0.85
