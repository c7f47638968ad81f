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
    # Floors a few points under the shipped figures (benchmarks/tagger.txt): F1 0.921 in round 7 (0.904 in rounds
    # 5-6, 0.910 in round 4; the issue's target is 0.90); date accuracy 0.889 (0.933 in round 3, before the model's stances
    # could replace the rules').
    assert fig["f1"] >= 0.88 and fig["evidence_valid"] == 1.0 and fig["date_accuracy"] >= 0.85
