"""The learned layer stage by stage: candidates, features, classifier output, training, the model file,
the rule/model merge; the context window of the rules. All sentences are invented for these tests."""
import json
from datetime import date

import numpy as np
import pytest

from positions.errors import InputError
from positions.tagger import candidates, features, hybrid, learned, training
from positions.tagger.corpus import Document, split_of

PUB = date(2024, 5, 30)


def _doc(doc_id, text, statements):
    return Document(doc_id, f"https://example.org/{doc_id}", "Example", PUB, text, statements, split_of(doc_id))


def _rec(aff, issue, stance, evidence, actor="x"):
    return {"actor": actor, "affiliation": aff, "actor_type": "government", "issue": issue, "stance": stance,
            "also_ok": [], "statement_date": None, "evidence": evidence}


# A tiny invented corpus: one wording for "will not send soldiers", said by different states.
_REFUSALS = [("Portugal", "PT"), ("Spain", "ES"), ("Greece", "GR"), ("Austria", "AT"), ("Ireland", "IE"), ("Malta", "MT")]
_FILLER = "Markets in the capital were calm on the day."


def tiny_corpus():
    docs = []
    for i, (name, code) in enumerate(_REFUSALS):
        s = f"{name} quietly shelved any thought of soldiers heading to the front line there."
        docs.append(_doc(f"tiny-{i}", f"{_FILLER} {s} {_FILLER}", [_rec(code, "trainer_deployment", "oppose", s)]))
    docs.append(_doc("tiny-neg", f"{_FILLER} Soldiers of Belgium marched in a parade about weapons history.", []))
    return docs


@pytest.mark.parametrize("case_id, text, aff, kind", [
    ("title", "Finland's defence minister said Finnish instructors could go to Ukraine.", "FI", "title"),
    ("state", "Poland has ruled out sending troops to Ukraine.", "PL", "state"),
    ("person", "Olaf Scholz said German soldiers will not be sent to Ukraine.", "DE", "person"),
])
def test_candidates_name_the_actor(rules_tagger, case_id, text, aff, kind):
    sents = candidates.generate(rules_tagger, text, PUB)
    found = {c.affiliation: c.kind for s in sents for c in s.candidates}
    assert found.get(aff) == kind, case_id


def test_candidates_skip_sentences_off_the_issues(rules_tagger):
    on = "Poland has ruled out sending troops to Ukraine."
    off = "Poland opened a new bridge over the river."
    assert candidates.generate(rules_tagger, on, PUB)
    assert candidates.generate(rules_tagger, off, PUB) == []


def test_candidates_carry_the_speaker_of_he_said(rules_tagger):
    text = "Olaf Scholz spoke in Berlin on Friday. He said no soldiers of his would be sent to Ukraine."
    sents = candidates.generate(rules_tagger, text, PUB)
    carried = [c for s in sents for c in s.candidates if c.kind == "carried"]
    assert [c.affiliation for c in carried] == ["DE"]


def test_features_mask_the_candidate_and_others(rules_tagger):
    text = "Poland said Hungary should never send troops to Ukraine."
    (sent,) = candidates.generate(rules_tagger, text, PUB)
    pl = next(c for c in sent.candidates if c.affiliation == "PL")
    toks = features.tokens(sent, pl, {})
    assert "u:ACTOR" in toks and "u:OTHER" in toks
    assert "aff:PL" in toks and "k:state" in toks
    assert "u:poland" not in toks


def test_classifier_output_shapes():
    X = learned.vectorize([["u:a", "u:b"], ["u:c"], []], 64)
    binary = learned.Linear((0, 1), np.ones((1, 64), np.float32), np.zeros(1, np.float32))
    four = learned.Linear(learned.STANCES, np.ones((4, 64), np.float32), np.arange(4, dtype=np.float32))
    assert binary.proba(X).shape == (3, 2)
    p = four.proba(X)
    assert p.shape == (3, 4)
    assert np.allclose(p.sum(axis=1), 1.0)
    assert (p[:, 3] > p[:, 0]).all()


@pytest.mark.slow
def test_training_changes_predictions_and_reloads(rules_tagger, tmp_path):
    docs = tiny_corpus()
    ex = training.examples_of(rules_tagger, docs)
    assert sum(1 for e in ex if e.labels["trainer_deployment"] == "oppose") == len(_REFUSALS)
    untrained = training.fit([e for e in ex if not any(e.labels.values())], n_features=1 << 12)
    model = training.fit(ex, n_features=1 << 12)
    model.threshold = 0.3
    unseen = "Norway quietly shelved any thought of soldiers heading to the front line there."
    doc = _doc("unseen", unseen, [])
    untrained.threshold = 0.3
    assert not training.predict_doc(rules_tagger, untrained, doc, "model")
    got = {(r["affiliation"], r["issue"], r["stance"]) for r in training.predict_doc(rules_tagger, model, doc, "model")}
    assert got == {("NO", "trainer_deployment", "oppose")}
    path = tmp_path / "m.npz"
    model.save(path)
    again = learned.Model.load(path)
    pairs, toks = learned.featurize(rules_tagger, unseen, PUB, [])
    a = [round(s.score, 5) for s in learned.score(model, pairs, toks)]
    assert a == [round(s.score, 5) for s in learned.score(again, pairs, toks)] and a
    assert again.perceptrons == {} and again.blend == 0.0       # no embedder: linear models only
    card = json.loads(path.with_suffix(".json").read_text())
    path.with_suffix(".json").write_text(json.dumps(dict(card, format="positions-linear-3")))
    with pytest.raises(InputError, match="positions-linear-3.*retrain"):
        learned.Model.load(path)


@pytest.mark.slow
def test_training_is_reproducible(rules_tagger, tmp_path):
    ex = training.examples_of(rules_tagger, tiny_corpus())
    training.fit(ex, n_features=1 << 12).save(tmp_path / "a.npz")
    training.fit(ex, n_features=1 << 12).save(tmp_path / "b.npz")
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    assert (tmp_path / "a.npz").stat().st_size > 0


@pytest.mark.slow   # trains a model first
def test_model_file_is_not_a_pickle(rules_tagger, tmp_path):
    path = tmp_path / "m.npz"
    training.fit(training.examples_of(rules_tagger, tiny_corpus()), n_features=1 << 12).save(path)
    assert learned.Model.load(path).n_features == 1 << 12
    arrays = dict(np.load(path))
    arrays["stance_vals"] = np.array([object()], dtype=object)     # an object array needs pickle to load
    np.savez(path, **arrays)
    with pytest.raises(ValueError):
        learned.Model.load(path)


def test_merge_keeps_rules_and_adds_model_records_for_new_pairs(rules_tagger):
    text = "Olaf Scholz said German soldiers will not be sent to Ukraine."
    rules = rules_tagger.tag(text, PUB)
    assert {(r.affiliation, r.issue.value) for r in rules} == {("DE", "trainer_deployment")}
    other = hybrid.model_records([], text, PUB, 0.5, rules)
    assert other == []
    sents = candidates.generate(rules_tagger, text, PUB)
    unsure = [learned.Scored(c, s, "trainer_deployment", "support", 0.9, hybrid.STANCE_FLOOR - 0.1)
              for s in sents for c in s.candidates]
    assert hybrid.model_records(unsure, text, PUB, 0.4, rules) == []   # a coin-flip stance is no record
    merged = hybrid.merge_rules_first(hybrid.model_records(unsure, text, PUB, 0.4, rules), rules)
    assert {(r.affiliation, r.stance.value) for r in merged} == {("DE", "oppose")}
    # A sure record of a pair the rules have none for (UA) is added.
    ua = [learned.Scored(c, s, "trainer_deployment", "support", 0.9, max(hybrid.STANCE_FLOOR, hybrid.OVERRIDE) + 0.1)
          for s in sents for c in s.candidates if c.affiliation == "UA"]
    merged = hybrid.merge_rules_first(hybrid.model_records(ua, text, PUB, 0.4, rules), rules)
    assert {(r.affiliation, r.stance.value) for r in merged} == {("DE", "oppose"), ("UA", "support")}
    assert all(r.evidence in text for r in merged)
    # A confident contradicting stance (p_stance >= OVERRIDE) replaces the rule record of the pair.
    sure = [learned.Scored(c, s, "trainer_deployment", "support", 0.9, max(hybrid.STANCE_FLOOR, hybrid.OVERRIDE) + 0.2)
            for s in sents for c in s.candidates]
    merged = hybrid.merge_rules_first(hybrid.model_records(sure, text, PUB, 0.4, rules), rules)
    assert {(r.affiliation, r.stance.value) for r in merged} == {("DE", "support"), ("UA", "support")}
    assert all("layer:model" in r.cues for r in merged)


def test_undated_model_record_borrows_the_nearest_date_of_its_named_speaker(rules_tagger):
    """A model record whose sentence has no date takes the date of the nearest dated sentence where the
    same named speaker is read (cue date:speaker); a speaker named nowhere dated keeps no date."""
    text = ("Olaf Scholz spoke about soldiers for Ukraine on Monday. The weather was mild. "
            "Olaf Scholz added that soldiers could help train brigades in Ukraine. "
            "Spain said soldiers might follow later.")
    sents = candidates.generate(rules_tagger, text, PUB)
    scored = [learned.Scored(c, s, "trainer_deployment", "support", 0.3 if s.day else 0.9, 0.9)
              for s in sents for c in s.candidates if c.affiliation in ("DE", "ES")]
    recs = {r.affiliation: r for r in hybrid.model_records(scored, text, PUB, 0.5, [])}
    assert recs["DE"].evidence.startswith("Olaf Scholz added")     # the undated sentence scores best
    assert recs["DE"].statement_date == date(2024, 5, 27) and "date:speaker" in recs["DE"].cues
    assert recs["ES"].statement_date is None and "date:speaker" not in recs["ES"].cues


def test_issue_model_vetoes_a_rule_record_only_when_sure_there_is_no_position(rules_tagger):
    text = "The weather was mild that week. Olaf Scholz said German soldiers will not be sent to Ukraine."
    rules = rules_tagger.tag(text, PUB)
    (rec,) = rules
    start = text.index("Olaf")
    assert rec.evidence_start == start and rec.affiliation == "DE"
    for p, kept in ((hybrid.VETO - 0.01, False), (hybrid.VETO, True)):
        assert (hybrid.vetoed(rules, {(start, "DE", "trainer_deployment"): p}) == rules) is kept
    # Only that issue's probability counts; a record whose speaker is no candidate there stays.
    assert hybrid.vetoed(rules, {(start, "DE", "cross_border_strikes"): 0.0}) == rules
    assert hybrid.vetoed(rules, {(start, "UA", "trainer_deployment"): 0.0}) == rules
    # Records of a chunk carry its offset in the whole text; the probabilities are per chunk.
    shifted = rules_tagger.tag(text, PUB, offset=1000)
    assert hybrid.vetoed(shifted, {(start, "DE", "trainer_deployment"): 0.0}, offset=1000) == []
    # score_document gives every candidate's p_issue under those keys, below the floor too.
    pairs, toks = learned.featurize(rules_tagger, text, PUB, rules)
    for bias, kept in ((-3.0, False), (0.0, True)):     # sigmoid: 0.047 and 0.5
        model = learned.Model({i: learned.Linear((0, 1), np.zeros((1, 16), np.float32), np.array([bias], np.float32))
                               for i in features.ISSUES},
                              learned.Linear(learned.STANCES, np.zeros((4, 16), np.float32), np.zeros(4, np.float32)),
                              16)
        scores = learned.score_document(model, pairs, toks, 0.9)
        assert scores.scored == [] and scores.p_issue[start, "DE", "trainer_deployment"] == pytest.approx(
            1 / (1 + np.exp(-bias)))
        assert (hybrid.vetoed(rules, scores.p_issue) == rules) is kept


def test_model_keeps_a_second_stance_of_a_pair_only_when_sure(rules_tagger):
    text = ("Norway will send instructors to Ukraine, its defence minister said. "
            "Norway had long refused to send them, he added.")
    sents = [s for s in candidates.generate(rules_tagger, text, PUB) if s.candidates]
    first, second = sents[0], sents[1]
    no = [c for c in first.candidates if c.affiliation == "NO"][0]
    no2 = [c for c in second.candidates if c.affiliation == "NO"][0]
    for p_second, kept in ((hybrid.EXTRA - 0.05, False), (hybrid.EXTRA + 0.05, True)):
        scored = [learned.Scored(no, first, "trainer_deployment", "support", 1.0, 0.95),
                  learned.Scored(no2, second, "trainer_deployment", "oppose", 1.0, p_second)]
        got = {r.stance for r in hybrid.model_records(scored, text, PUB, 0.5, [])}
        assert got == ({"support", "oppose"} if kept else {"support"})
    # Support next to support with a limit is one position, the limit (as in the rules).
    scored = [learned.Scored(no, first, "trainer_deployment", "support", 1.0, 0.95),
              learned.Scored(no2, second, "trainer_deployment", "conditional", 1.0, 0.9)]
    assert {r.stance for r in hybrid.model_records(scored, text, PUB, 0.5, [])} == {"conditional"}


def test_model_reads_the_stance_most_readings_of_a_pair_give(rules_tagger):
    """Two readings as opposed outweigh one a little surer as supportive; one does not."""
    text = ("Norway will send instructors to Ukraine. Norway had long refused to send instructors. "
            "Norway still doubts that instructors are safe there.")
    sents = [s for s in candidates.generate(rules_tagger, text, PUB) if s.candidates]
    no = [(s, c) for s in sents for c in s.candidates if c.affiliation == "NO"]
    assert len(no) == 3
    support = learned.Scored(no[0][1], no[0][0], "trainer_deployment", "support", 1.0, hybrid.EXTRA - 0.05)
    against = [learned.Scored(c, s, "trainer_deployment", "oppose", 1.0, hybrid.EXTRA - 0.1) for s, c in no[1:]]
    for readings, stance in (([support] + against, "oppose"), ([support] + against[:1], "support")):
        (rec,) = hybrid.model_records(readings, text, PUB, 0.5, [])
        assert rec.stance.value == stance
        assert rec.evidence == [s for s in readings if s.stance == stance][0].sent.text
    # Readings below the threshold do not vote.
    low = [learned.Scored(c, s, "trainer_deployment", "oppose", 0.45, 0.99) for s, c in no[1:]]
    assert [r.stance.value for r in hybrid.model_records([support] + low, text, PUB, 0.5, [])] == ["support"]


def test_model_leaves_a_speaker_carried_from_an_earlier_sentence_to_the_rules(rules_tagger):
    text = 'Olaf Scholz spoke to reporters on Monday. "We will not send soldiers to Ukraine," he added.'
    (sent,) = [s for s in candidates.generate(rules_tagger, text, PUB) if s.candidates]
    (carried,) = [c for c in sent.candidates if c.kind == "carried"]
    assert carried.affiliation == "DE"
    sure = [learned.Scored(carried, sent, "trainer_deployment", "oppose", 0.99, 0.99)]
    assert hybrid.model_records(sure, text, PUB, 0.5, []) == []
    (state,) = [c for c in sent.candidates if c.kind == "state"]     # a candidate named in the sentence
    (rec,) = hybrid.model_records([learned.Scored(state, sent, "trainer_deployment", "support", 0.6, 0.99)],
                                  text, PUB, 0.5, [])
    assert rec.affiliation == "UA" and rec.evidence == sent.text
    # The rules still read the carried speaker, and "both" keeps their record.
    rules = rules_tagger.tag(text, PUB)
    assert {(r.affiliation, r.issue.value, r.stance.value) for r in rules} == {("DE", "trainer_deployment", "oppose")}
    assert [r.affiliation for r in hybrid.merge_rules_first(hybrid.model_records(sure, text, PUB, 0.5, rules), rules)] == ["DE"]


@pytest.mark.parametrize("case_id, gap, present", [
    ("near-context", 1, True),
    ("context-does-not-extend-itself", 4, False),
])
def test_tagger_context_window_counts_only_on_issue_sentences(rules_tagger, case_id, gap, present):
    first = "Jan Lipavsky said Ukraine can use Czech weapons to strike targets in Russia."
    context_only = "Diplomats compared the red lines of each capital."
    last = "Jonas Gahr Store said Norway opposes such restrictions."
    text = " ".join([first] + [context_only] * gap + [last])
    got = {(r.affiliation, r.issue.value, r.stance.value) for r in rules_tagger.tag(text, PUB)}
    assert ("CZ", "cross_border_strikes", "support") in got
    assert (("NO", "cross_border_strikes", "oppose") in got) is present, case_id


def test_tagger_cue_ids_are_stable_and_unique(cb):
    """The stance cues' ids (readable, from codebook.yaml) match the snapshot: a cue renamed or dropped shows here."""
    import json
    from pathlib import Path

    from positions.tagger.rules import cue_ids

    snapshot = json.loads((Path(__file__).parent / "data" / "tagger_cue_ids.json").read_text())
    ids = cue_ids(cb)
    assert ids == snapshot
    flat = [i for v in ids.values() for i in v]
    assert len(flat) == len(set(flat)) > 50


def test_tagger_cue_id_in_record_names_the_cue(rules_tagger):
    (rec,) = rules_tagger.tag("Olaf Scholz said German soldiers will not be sent to Ukraine.", PUB)
    stance_cue = next(c for c in rec.cues if c.startswith("stance:"))
    group, cid = stance_cue.split(":")[1].rstrip("]").split("[")
    assert cid in [e["id"] for e in rules_tagger.codebook.lexicons["stances"][group]]
