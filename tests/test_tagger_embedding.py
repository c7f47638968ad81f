"""The classifiers' dense features: wordllama clause (and sentence) embeddings, read offline from the
installed package, the issue perceptrons that read them, and the model file that carries them.
Every sentence here is invented for these tests."""
import dataclasses
import sys
from datetime import date

import numpy as np
import pytest

from positions.errors import InputError
from positions.tagger import candidates, embedding, learned, sequence, training
from positions.tagger.corpus import Document, split_of

PUB = date(2024, 5, 1)


def test_rows_are_scaled_unit_vectors_and_the_same_for_the_same_text(embedder):
    rows = embedder.rows(["Oslo will keep its soldiers at home", "Oslo will keep its soldiers at home", "x"])
    assert rows.shape == (3, embedding.DIM) and rows.dtype == np.float32
    assert np.allclose(np.linalg.norm(rows, axis=1), embedder.scale, atol=1e-5)
    assert np.array_equal(rows[0], rows[1])
    assert embedder.rows([]).shape == (0, embedding.DIM)


def test_refusals_lie_closer_to_each_other_than_to_unrelated_text(embedder):
    refuse, reject, weather = embedder.rows(["refuses to deploy troops", "rejected sending soldiers",
                                             "the weather at the seaside was mild"])
    assert refuse @ reject > refuse @ weather + 0.1


def test_clause_runs_from_the_candidate_to_the_next_named_speaker(rules_tagger):
    text = "Portugal said the plan to send troops to Ukraine was reckless, Russia's foreign ministry added."
    sent = next(s for s in candidates.generate(rules_tagger, text, PUB) if s.candidates)
    by_aff = {c.affiliation: c for c in sent.candidates}
    # "Ukraine" (a state, here the destination) does not cut Portugal's clause; the ministry does.
    assert embedding.clause(sent, by_aff["PT"], 200) == "Portugal said the plan to send troops to Ukraine was reckless, "
    assert embedding.clause(sent, by_aff["PT"], 12) == "Portugal said the pl"
    assert embedding.clause(sent, by_aff["RU"], 200) == "Russia's foreign ministry added."


def test_dense_columns_come_after_the_hashed_ones():
    X = learned.vectorize([["u:a"]], 8)
    lin = learned.Linear(learned.STANCES, np.zeros((4, 8 + 2), np.float32), np.zeros(4, np.float32))
    lin.coef[1, 8] = 3.0
    assert np.allclose(lin.proba(X), 0.25)
    p = lin.proba(X, np.array([[1.0, 0.0]], np.float32))
    assert p[0].argmax() == 1 and p[0, 1] > 0.8
    assert np.allclose(lin.proba(X, np.array([[0.0, 1.0]], np.float32)), 0.25)


def test_rows_are_read_plain_and_in_the_block_of_their_issue():
    rows = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    wide = embedding.with_issue(rows, ["trainer_deployment", "cross_border_strikes"])
    assert wide.tolist() == [[1, 2, 0, 0, 1, 2], [3, 4, 3, 4, 0, 0]]    # plain, strikes block, trainers block
    assert embedding.with_issue(rows[:0], []).shape == (0, 6)


def test_missing_wordllama_is_a_one_line_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "wordllama", None)
    with pytest.raises(InputError, match="wordllama is not installed.*requirements.txt"):
        embedding.load()


_STANCES = [("Norway", "NO", "said it would gladly send instructors to Ukraine", "support"),
            ("Sweden", "SE", "said it would never send instructors to Ukraine", "oppose"),
            ("Finland", "FI", "said it would gladly send instructors to Ukraine", "support"),
            ("Denmark", "DK", "said it would never send instructors to Ukraine", "oppose"),
            ("Iceland", "IS", "said it would gladly send instructors to Ukraine", "support"),
            ("Estonia", "EE", "said it would never send instructors to Ukraine", "oppose")]


def _docs():
    out = []
    for i, (name, code, clause, stance) in enumerate(_STANCES):
        s = f"{name} {clause}."
        out.append(Document(f"emb-{i}", f"https://example.org/emb-{i}", "Example", PUB, s,
                            [{"actor": name, "affiliation": code, "actor_type": "government",
                              "issue": "trainer_deployment", "stance": stance, "also_ok": [],
                              "statement_date": None, "evidence": s}], split_of(f"emb-{i}")))
    return out


@pytest.mark.slow    # fits two small models
def test_model_with_clause_embeddings_saves_reloads_and_scores_the_same(rules_tagger, embedder, tmp_path):
    ex = training.examples_of(rules_tagger, _docs())
    model = training.fit(ex, n_features=1 << 10, embedder=embedder)
    assert model.stance.coef.shape == (4, (1 << 10) + embedder.width)
    assert np.abs(model.stance.coef[:, 1 << 10:]).sum() > 0      # the dense columns were learned
    # The issue models read the clause rows too (not crossed); only trainers has positives here.
    assert all(lin.coef.shape == (1, (1 << 10) + embedder.dim) for lin in model.issue.values())
    assert np.abs(model.issue["trainer_deployment"].coef[:, 1 << 10:]).sum() > 0
    path = tmp_path / "m.npz"
    model.save(path)
    again = learned.Model.load(path)
    assert again.card["embedding"] == embedder.settings() and again.embedder.window == embedder.window
    # The trainers model has a perceptron (blended in), the strikes model (no positive here) none.
    assert list(model.perceptrons) == list(again.perceptrons) == ["trainer_deployment"]
    assert again.blend == model.blend == training.BLEND
    assert np.array_equal(again.perceptrons["trainer_deployment"].w1, model.perceptrons["trainer_deployment"].w1)
    # Scoring blends the two: p_issue = (1 - blend) x linear + blend x perceptron over clause + sentence,
    # then that with the sequence model's (over the sentence's tokens, both issues at once), as log-odds.
    assert again.sequence_blend == model.sequence_blend == training.SEQUENCE_BLEND > 0
    assert all(np.array_equal(again.sequence.weights[k], model.sequence.weights[k]) for k in model.sequence.weights)
    text = "Latvia said it would never send instructors to Ukraine."
    pairs, toks = learned.featurize(rules_tagger, text, PUB, [])
    clauses, sentences = embedder.pair_rows(pairs)
    linear = model.issue["trainer_deployment"].proba(learned.vectorize(toks, 1 << 10), clauses * embedder.issue_weight)[:, 1]
    perceptron = model.perceptrons["trainer_deployment"].proba(embedder.context(clauses, sentences))
    got = learned.score_document(model, pairs, toks, 0.0).p_issue
    both = (1 - training.BLEND) * linear + training.BLEND * perceptron
    strikes = model.issue_proba("cross_border_strikes", learned.vectorize(toks, 1 << 10), clauses, None)
    ordered = model.sequence.proba(sequence.inputs(embedder.tokenizer, pairs))[:, 1]
    run = np.maximum(both, strikes) >= training.SEQUENCE_FLOOR
    assert run.any()
    blended = 1 / (1 + np.exp(-((1 - training.SEQUENCE_BLEND) * np.log(both / (1 - both))
                                + training.SEQUENCE_BLEND * np.log(ordered / (1 - ordered)))))   # of log-odds
    want = np.where(run, blended, both)
    assert np.allclose([got[s.start, c.affiliation, "trainer_deployment"] for s, c in pairs], want)
    assert not np.allclose(want, linear)
    assert np.allclose(again.sequence.proba(sequence.inputs(embedder.tokenizer, pairs))[:, 1], ordered)
    first = [(s.stance, round(s.p_issue, 5), round(s.p_stance, 5)) for s in learned.score(model, pairs, toks, 0.0)]
    assert first and first == [(s.stance, round(s.p_issue, 5), round(s.p_stance, 5))
                               for s in learned.score(again, pairs, toks, 0.0)]
    training.fit(ex, n_features=1 << 10, embedder=embedder).save(tmp_path / "b.npz")
    assert path.read_bytes() == (tmp_path / "b.npz").read_bytes()      # same corpus, same bytes


@pytest.mark.slow    # fits a small model
def test_issue_models_read_the_clause_rows_times_the_issue_weight(rules_tagger, embedder):
    ex = training.examples_of(rules_tagger, _docs())
    off = training.fit(ex, n_features=1 << 10, embedder=dataclasses.replace(embedder, issue_weight=0.0))
    assert all(not np.abs(lin.coef[:, 1 << 10:]).any() for lin in off.issue.values())
    assert np.abs(off.stance.coef[:, 1 << 10:]).sum() > 0      # the stance model still reads them
    assert off.embedder.settings()["issue_weight"] == 0.0


def test_pair_rows_embed_each_clause_and_its_own_sentence(rules_tagger, embedder):
    text = ("Portugal said the plan to send troops to Ukraine was reckless, Russia's foreign ministry added. "
            "Greece said it would never send soldiers to Ukraine.")
    pairs = [(s, c) for s in candidates.generate(rules_tagger, text, PUB) for c in s.candidates]
    assert len({s.start for s, _ in pairs}) == 2
    clauses, sentences = embedder.pair_rows(pairs)
    assert clauses.shape == sentences.shape == (len(pairs), embedding.DIM)
    assert np.allclose(clauses, embedder.clause_rows(pairs), atol=1e-5)
    assert np.allclose(sentences, embedder.rows([s.text for s, _ in pairs]), atol=1e-5)
    context = embedder.context(clauses, sentences)
    assert context.shape == (len(pairs), 2 * embedding.DIM)
    assert np.allclose(np.linalg.norm(context, axis=1), np.sqrt(2), atol=1e-5)   # two unit-length halves


def test_perceptron_learns_a_pattern_no_linear_model_separates():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(3)
    X = rng.normal(size=(600, 4))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)       # the sign of a product: no line separates it
    p = training.perceptron(X, y)
    assert ((p.proba(X) > 0.5) == y).mean() > 0.9
    assert LogisticRegression().fit(X, y).score(X, y) < 0.7
    assert p.proba(np.full((1, 4), -1e4)).dtype == np.float64      # a huge logit stays finite


def test_issue_probability_blends_the_linear_model_and_the_perceptron():
    X = learned.vectorize([["u:a"], ["u:b"]], 8)
    lin = learned.Linear((0, 1), np.zeros((1, 8), np.float32), np.array([0.0], np.float32))   # p = 0.5
    sure = learned.Perceptron(np.zeros((2, 1)), np.zeros(1), np.zeros(1), 4.0)                    # p = 0.982
    model = learned.Model({"trainer_deployment": lin}, None, 8, perceptrons={"trainer_deployment": sure}, blend=0.3)
    context = np.zeros((2, 2))
    assert np.allclose(model.issue_proba("trainer_deployment", X, None, context), 0.7 * 0.5 + 0.3 * sure.proba(context))
    assert np.allclose(model.issue_proba("trainer_deployment", X, None, None), 0.5)     # no context: linear only
