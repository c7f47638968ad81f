"""The tagger's stages after the round-3 rework: the walk's stages (document.py), the gated sentences
of the candidate generator, the clause features, hashing in numpy, date precision, training labels
that leave restatements out, threshold and calibration from unseen documents, one scorer loop.
Every sentence here is invented for these tests."""
import json
import subprocess
import sys
import zlib
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from positions.tagger import bench, candidates, dates, document, features, learned, scoring, training
from positions.tagger.core import get_tagger
from positions.tagger.corpus import Document, split_of
from positions.tagger.text import sentences

PUB = date(2024, 12, 5)
ROOT = Path(__file__).resolve().parent.parent


def _doc(doc_id, text, statements):
    return Document(doc_id, f"https://example.org/{doc_id}", "Example", PUB, text, statements, split_of(doc_id))


def _rec(aff, issue, stance, evidence):
    return {"actor": aff, "affiliation": aff, "actor_type": "government", "issue": issue, "stance": stance,
            "also_ok": [], "statement_date": None, "evidence": evidence}


# --- the walk (document.py) -------------------------------------------------------------------

def test_anchored_sentences_keep_only_the_window_around_an_anchor(rules_tagger):
    R = rules_tagger.rules
    filler = ["The ferry left the harbour at noon."] * 8
    on = "Norway will not send troops to Ukraine."
    text = " ".join(filler[:4] + [on] + filler[4:])
    spans = sentences(text, R.abbreviations)
    keep, anchored = document.anchored_sentences(R, text, spans)
    assert 4 in anchored and "trainer_deployment" in anchored[4]
    assert keep == set(range(4 - R.context_window, 4 + R.context_window + 1))


def test_walk_carries_the_speaker_of_he_said(rules_tagger):
    text = ("Olaf Scholz told reporters in Berlin about the budget on Monday. "
            "He said German soldiers will not be sent to Ukraine.")
    (rec,) = rules_tagger.tag(text, PUB)
    assert (rec.affiliation, rec.issue.value, rec.stance.value) == ("DE", "trainer_deployment", "oppose")
    assert "speaker:carried" in rec.cues
    # The date of the speaker's earlier sentence, a day.
    assert (rec.statement_date, rec.date_precision.value) == (date(2024, 12, 2), "day")


def test_borrowed_date_is_the_nearest_dated_sentence_of_the_speaker():
    from positions.tagger.segments import RuleCandidate

    c = RuleCandidate(("olaf-scholz", "trainer_deployment", "oppose"), None, "trainer_deployment", "oppose",
                      0, 1, None, [], 0.8, idx=5)
    far, near = date(2024, 11, 1), date(2024, 11, 20)
    document._borrow_dates([c], {"olaf-scholz": [(1, far), (6, near)]})
    assert c.day == near and "date:speaker" in c.cues


def test_walk_is_the_same_given_its_sentences_or_not(rules_tagger):
    text = "Markets were calm. Olaf Scholz said German soldiers will not be sent to Ukraine. Markets were calm."
    spans = sentences(text, rules_tagger.rules.abbreviations)
    a = rules_tagger.candidates(text, PUB)
    b = rules_tagger.candidates(text, PUB, spans)
    assert [(c.key, c.start, c.end) for c in a] == [(c.key, c.start, c.end) for c in b] and a


# --- candidate generator ----------------------------------------------------------------------

def test_gated_sentences_are_the_vocabulary_ones_and_the_next(monkeypatch):
    monkeypatch.setattr(candidates, "CONTEXT", 1)
    assert candidates._gated({2, 7}, 9) == [2, 3, 7, 8]
    assert candidates._gated({8}, 9) == [8]
    monkeypatch.setattr(candidates, "CONTEXT", 2)
    assert candidates._gated({2}, 9) == [2, 3, 4]


def test_vocabulary_scan_is_case_blind():
    text = "Nothing here. The ATACMS question came up again. Taurus Missiles were not mentioned."
    spans = sentences(text)
    assert candidates._vocabulary_sentences(text, spans) == {1, 2}
    weak = "A strike of rail workers. A strike near Kyiv was reported."
    assert candidates._vocabulary_sentences(weak, sentences(weak)) == {1}


def test_a_weak_word_counts_only_beside_the_war_s_names_in_its_own_sentence():
    text = ("Police forces closed the road. Moscow was quiet. The strike ended. Forces moved near Kharkiv, Ukraine "
            "said. Kyiv hosted the mission.")
    # Sentence 0's "forces" has no name of the war in it (the next sentence's "Moscow" does not count).
    assert candidates._vocabulary_sentences(text, sentences(text)) == {3, 4}
    assert candidates._vocabulary_sentences("Ukraine", sentences("Ukraine")) == set()


@pytest.mark.parametrize("case_id, text, aff, reported", [
    ("wished", "Lisbon officials hoped Norway would send troops to Ukraine.", "NO", True),
    ("passive", "Norway was asked whether it would send troops to Ukraine.", "NO", True),
    ("pressure", "Norway is under pressure to send troops to Ukraine.", "NO", True),
    ("own", "Norway said it would send troops to Ukraine.", "NO", False),
])
def test_candidate_that_is_only_wished_or_asked_is_marked_reported(rules_tagger, case_id, text, aff, reported):
    found = {c.affiliation: c for s in candidates.generate(rules_tagger, text, PUB) for c in s.candidates}
    assert found[aff].reported is reported, case_id


# --- features -----------------------------------------------------------------------------------

def test_clause_features_read_negation_modality_and_the_reporting_verb():
    words = "ACTOR said it would not send any troops unless asked".split()
    toks = features._clause_tokens(words, 0)
    assert {"neg:R", "mod:R", "rv:0", "t:would_not_send"} <= set(toks)
    plain = features._clause_tokens("ACTOR sent troops".split(), 0)
    assert "neg:R" not in plain and "mod:R" not in plain and "rv:none" in plain


def test_document_features_say_how_much_of_the_text_is_on_each_issue(rules_tagger):
    text = ("Norway will let Ukraine fire its long-range missiles at targets inside Russia, its minister said. "
            "Sweden said its weapons may be used against military sites on Russian territory. "
            "Denmark said it would not send troops to Ukraine.")
    sents = candidates.generate(rules_tagger, text, PUB)
    view = features.rule_view(rules_tagger, sents, [])
    strikes = sum("ri:S:cue" in t for t in view["sent"].values())
    troops = sum("ri:T:cue" in t for t in view["sent"].values())
    assert strikes > troops >= 1
    assert view["issues"] == [f"dS:{strikes}", f"dT:{troops}", "dl:S"]
    cand = next(c for s in sents for c in s.candidates if c.affiliation == "DK")
    sent = next(s for s in sents if cand in s.candidates)
    assert set(view["issues"]) <= set(features.tokens(sent, cand, view))
    assert features._doc_issues([["ri:T:cue"]] * 6) == ["dS:0", "dT:4", "dl:T"]


def test_markers_use_stems_for_inflected_verbs():
    assert features._markers(["refused"], "S") == ["neg:S"]
    assert features._markers(["conditions"], "S") == ["mod:S"]
    assert features._markers(["parade"], "S") == []


def test_vectorize_counts_and_scales_rows_like_the_plain_loop():
    rows = [["u:a", "u:b", "u:a"], [], ["u:c"]]
    X = learned.vectorize(rows, 1 << 10)
    assert list(X.indptr) == [0, 2, 2, 3]
    col = {t: zlib.crc32(t.encode()) % (1 << 10) for t in ("u:a", "u:b", "u:c")}
    first = dict(zip(X.indices[:2].tolist(), X.data[:2].tolist()))
    assert first[col["u:a"]] == pytest.approx(2 / 5 ** 0.5) and first[col["u:b"]] == pytest.approx(1 / 5 ** 0.5)
    assert X.indices[2] == col["u:c"] and X.data[2] == pytest.approx(1.0)
    assert list(X.indices[:2]) == sorted(X.indices[:2])


# --- dates ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("case_id, sentence, day, precision", [
    ("month", "In November the minister spoke about the plan.", date(2024, 11, 1), "month"),
    ("week", "Last week the minister spoke about the plan.", date(2024, 11, 25), "week"),
    ("day", "On 3 December the minister spoke about the plan.", date(2024, 12, 3), "day"),
    ("weekday", "On Tuesday the minister spoke about the plan.", date(2024, 12, 3), "day"),
])
def test_dates_carry_their_precision(rules_tagger, case_id, sentence, day, precision):
    got, _ = rules_tagger.rules.dates.resolve(sentence, PUB)
    assert got == day, case_id
    assert dates.precision_of(got) == precision, case_id
    assert type(dates.plain(got)) is date


@pytest.mark.slow   # a subprocess, as ../shared/eval/score.py calls the tagger
def test_tag_json_has_date_precision_the_scorer_can_read(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text("In November, Emmanuel Macron said France would not send soldiers to Ukraine.\n"
                    "On Tuesday, Olaf Scholz said German troops will never be deployed to Ukraine.\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "positions", "tag", str(path), "--published", "2024-12-05",
                          "--format", "json"], capture_output=True, text=True, cwd=ROOT, check=True)
    recs = json.loads(out.stdout)
    recs = recs if isinstance(recs, list) else recs["statements"]
    by = {r["affiliation"]: r for r in recs}
    assert (by["FR"]["statement_date"], by["FR"]["date_precision"]) == ("2024-11-01", "month")
    assert (by["DE"]["statement_date"], by["DE"]["date_precision"]) == ("2024-12-03", "day")
    for r in recs:     # the fields ../shared/eval/score.py reads
        assert {"affiliation", "issue", "stance", "statement_date", "evidence", "confidence"} <= set(r)


# --- training -----------------------------------------------------------------------------------

_STATES = [("Portugal", "PT"), ("Spain", "ES"), ("Greece", "GR"), ("Austria", "AT"), ("Ireland", "IE"),
           ("Malta", "MT"), ("Cyprus", "CY"), ("Croatia", "HR")]
_FILLER = "Markets in the capital were calm on the day."


def fixture_corpus():
    """Refusals worded one way; the same state restating it later is coded only once."""
    docs = []
    for i, (name, state) in enumerate(_STATES):
        s = f"{name} quietly shelved any thought of soldiers heading to the front line there."
        again = f"Officials in {name} repeated that soldiers would stay home."
        docs.append(_doc(f"fx-{i}", f"{_FILLER} {s} {_FILLER} {again}",
                         [_rec(state, "trainer_deployment", "oppose", s)]))
    docs.append(_doc("fx-neg", f"{_FILLER} Soldiers of Belgium marched in a parade about weapons history.", []))
    return docs


def test_restatement_of_a_coded_position_is_left_out_of_training(rules_tagger):
    prep = training.prepare(rules_tagger, fixture_corpus()[0])
    ex = prep.examples()
    labelled = [e for e in ex if e.labels["trainer_deployment"] == "oppose"]
    ignored = [e for e in ex if "trainer_deployment" in e.ignore]
    assert len(labelled) == 1 and ignored, [e.labels for e in ex]
    assert all(e.labels["trainer_deployment"] is None for e in ignored)


def test_fit_skips_ignored_rows():
    pos = training.Example(0, ["u:yes"], {"cross_border_strikes": None, "trainer_deployment": "oppose"})
    neg = training.Example(1, ["u:no"], {"cross_border_strikes": None, "trainer_deployment": None})
    same = training.Example(2, ["u:yes"], {"cross_border_strikes": None, "trainer_deployment": None},
                            frozenset({"trainer_deployment"}))
    m = training.fit([pos, neg, same] * 3, n_features=1 << 10)
    X = learned.vectorize([["u:yes"]], 1 << 10)
    # Had the restatement counted as a negative, "u:yes" would be split half and half.
    assert m.issue["trainer_deployment"].proba(X)[0, 1] > 0.8


def test_release_on_a_tiny_corpus_chooses_threshold_and_calibrates_both_layers(rules_tagger, monkeypatch):
    monkeypatch.setattr(training, "N_FEATURES", 1 << 12)
    docs = fixture_corpus()
    train, val = docs[:6] + docs[-1:], docs[6:-1]
    monkeypatch.setattr(training, "FOLDS", 2)
    model = training.release(rules_tagger, train, val)
    assert model.threshold in training.THRESHOLDS
    card = model.card
    assert {"calibration", "calibration_rules"} <= set(card)
    assert card["settings"]["min_precision"] == training.MIN_PRECISION
    assert "no test document" in card["settings"]["threshold_and_calibration_from"]
    unseen = _doc("fx-unseen", "Norway quietly shelved any thought of soldiers heading to the front line there.", [])
    got = {(r["affiliation"], r["stance"]) for r in training.predict_doc(rules_tagger, model, unseen, "model")}
    assert got == {("NO", "oppose")}


def test_confidence_maps_each_layer_by_its_own_curve():
    m = learned.Model({}, None, 8, card={"calibration": {"x": [0.0, 1.0], "y": [0.1, 0.9]},
                                         "calibration_rules": {"x": [0.0, 1.0], "y": [0.5, 0.6]}})
    assert m.confidence(0.5) == pytest.approx(0.5)
    assert m.confidence(0.5, "rules") == pytest.approx(0.55)


def test_choose_thresholds_prefers_precision_then_f1():
    class Fixed:
        """A stand-in model set whose records depend on the threshold only through decode."""

    calls = []

    def fake_decode(model, p, mode, th, scores=None):
        calls.append(th)
        # PL always right; FR right but gone above 0.45; DE wrong and gone above 0.3.
        recs = [{"affiliation": "PL", "issue": "trainer_deployment", "stance": "oppose", "evidence": "a",
                 "confidence": 0.9, "statement_date": None}]
        if th <= 0.45:
            recs.append({"affiliation": "FR", "issue": "trainer_deployment", "stance": "oppose", "evidence": "a",
                         "confidence": 0.6, "statement_date": None})
        if th <= 0.3:
            recs.append({"affiliation": "DE", "issue": "trainer_deployment", "stance": "oppose", "evidence": "a",
                         "confidence": 0.4, "statement_date": None})
        return recs

    doc = _doc("fx-th", "a", [_rec("PL", "trainer_deployment", "oppose", "a"), _rec("FR", "trainer_deployment", "oppose", "a")])
    prep = training.Prepared(doc, [], [], [])
    orig = training.decode
    training.decode = fake_decode
    try:
        th = training.choose_thresholds([(Fixed(), [prep])])
    finally:
        training.decode = orig
    # Below 0.35 precision is 2/3; 0.35-0.45 find both with none wrong; ties go to the higher threshold
    # (the issue without any record ties everywhere: the highest).
    assert th == {"trainer_deployment": 0.45, "cross_border_strikes": max(training.THRESHOLDS)}
    assert set(calls) == set(training.THRESHOLDS)


# --- one scorer loop ------------------------------------------------------------------------------

def test_bench_score_dev_is_the_scoring_module(tmp_path, rules_tagger):
    text = "Olaf Scholz said German soldiers will not be sent to Ukraine."
    meta = {"doc_id": "fx-dev", "published": "2024-12-05",
            "statements": [_rec("DE", "trainer_deployment", "oppose", text), _rec("FR", "trainer_deployment", "support", text)]}
    (tmp_path / "fx-dev.json").write_text(json.dumps(meta), encoding="utf-8")
    (tmp_path / "fx-dev.txt").write_text(text, encoding="utf-8")
    fig, pairs = bench.score_dev(tmp_path)
    tally = scoring.Tally()
    scoring.add(tally, text, meta["statements"], [r.to_record() for r in get_tagger().tag(text, PUB)])
    assert (fig["tp"], fig["fp"], fig["fn"]) == (tally.tp, tally.fp, tally.fn) == (1, 0, 1)
    assert pairs == tally.pairs
