"""The sequence model: its input (tokens marked around the candidate), its numpy forward pass against
the torch module it was trained as, training (reproducible, learns word order) and its place in the
model file. Every sentence here is invented for these tests."""
import sys
from datetime import date

import numpy as np
import pytest

from positions.errors import InputError
from positions.tagger import learned, sequence

torch = pytest.importorskip("torch")
PUB = date(2024, 5, 1)


def _pairs(rules_tagger, text):
    pairs, _ = learned.featurize(rules_tagger, text, PUB, [])
    return pairs


def _marked(embedder, x, row, column):
    """The tokens of a row whose mark `column` is set."""
    size = x.lengths[row]
    return [embedder.tokenizer.id_to_token(int(t)) for t, m in zip(x.ids[row, :size], x.marks[row, :size, column]) if m]


def test_inputs_mark_the_candidate_the_others_and_the_side(rules_tagger, embedder):
    pairs = _pairs(rules_tagger, "Iceland told Portugal on Friday that instructors would stay at home.")
    x = sequence.inputs(embedder.tokenizer, pairs)
    row = {c.affiliation: k for k, (_, c) in enumerate(pairs)}
    assert set(row) >= {"IS", "PT"}
    assert "".join(_marked(embedder, x, row["IS"], 0)).strip("▁") == "Iceland"
    assert "".join(_marked(embedder, x, row["PT"], 0)).strip("▁") == "Portugal"
    assert "▁Portugal" in _marked(embedder, x, row["IS"], 1)           # another candidate
    i, p = row["IS"], row["PT"]
    size = x.lengths[i]
    assert size == x.lengths[p] > 5 and not x.ids[i, size:].any() and not x.marks[i, size:].any()
    # Iceland opens the sentence: everything after it lies right of it, and the distance mark grows.
    after = int(np.nonzero(x.marks[i, :size, 0])[0][-1]) + 1
    assert not x.marks[i, :size, 2].any() and x.marks[i, after:size, 3].all() and not x.marks[i, :after, 3].any()
    assert np.all(np.diff(x.marks[i, :size, 4]) >= 0) and x.marks[i, size - 1, 4] == pytest.approx((size - after) / sequence.NEAR)
    # For Portugal, Iceland's tokens lie left of it.
    assert x.marks[p, 0, 2] == 1.0 and x.marks[p, 0, 4] < 0
    assert (x.marks[:, 0, 5] == 0).all()       # states are not speakers by name


def test_inputs_keep_the_tokens_around_a_candidate_late_in_a_long_sentence(rules_tagger, embedder):
    filler = " ".join(["the long debate went on and on"] * 20)
    pairs = _pairs(rules_tagger, f"In the parliament {filler}, and then Iceland said instructors would stay home "
                                 f"because {filler}.")
    x = sequence.inputs(embedder.tokenizer, pairs)
    row = next(k for k, (_, c) in enumerate(pairs) if c.affiliation == "IS")
    assert x.lengths[row] == sequence.TOKENS
    first = int(np.nonzero(x.marks[row, :, 0])[0][0])
    assert first == sequence.LEFT     # the cut keeps LEFT tokens before the candidate, the rest after it
    assert "instruct" in "".join(_marked(embedder, x, row, 3))     # what it said is kept


def _module_of(net, table):
    """The torch module with the network's weights (as training built it)."""
    module = sequence._module(torch, table / net.scale)
    names = {v: k for k, v in sequence._NAMES.items()}
    state = {names[k]: torch.from_numpy(v) for k, v in net.weights.items()}
    state["table.weight"] = module.table.weight
    module.load_state_dict(state)
    return module.eval()


def test_numpy_forward_pass_is_the_torch_module_s(rules_tagger, embedder):
    pairs = _pairs(rules_tagger, "Denmark's prime minister told Finland that soldiers could go to Ukraine, "
                                 "while Norway said it would never send instructors.")
    x = sequence.inputs(embedder.tokenizer, pairs)
    empty = sequence.Inputs(np.zeros((1, sequence.TOKENS), np.int32), np.zeros((1, sequence.TOKENS, sequence.MARKS),
                                                                               np.float32), np.zeros(1, np.int64))
    rng = np.random.default_rng(3)
    net = sequence.fit(embedder.token_table, x, rng.integers(0, 2, (len(pairs), 2)), np.ones((len(pairs), 2)), 7)
    module = _module_of(net, embedder.token_table)
    size = int(x.lengths.max())
    with torch.no_grad():
        want = torch.sigmoid(module(torch.from_numpy(x.ids[:, :size].astype(np.int64)),
                                    torch.from_numpy(x.marks[:, :size]), torch.from_numpy(x.lengths))).numpy()
    got = net.proba(x)
    assert got.shape == (len(pairs), 2) and np.allclose(got, want, atol=1e-5)
    assert np.allclose(net.proba(x, batch=1), got, atol=1e-6)      # batching by length changes nothing
    assert (net.proba(empty) == 0).all()                              # no token: no reading


def _order_set(rules_tagger, embedder):
    """Two states per sentence with the same words: the first one sends instructors, the second one is
    only told about it. Bags of words cannot tell the two apart; word order can."""
    states = ["Portugal", "Spain", "Greece", "Austria", "Ireland", "Malta", "Belgium", "Croatia", "Cyprus", "Slovenia"]
    pairs, y = [], []
    for a in states:
        for b in states:
            if a != b:
                for s, c in _pairs(rules_tagger, f"{a} will send instructors to Ukraine, it told {b}."):
                    if c.affiliation in {"PT", "ES", "GR", "AT", "IE", "MT", "BE", "HR", "CY", "SI"}:
                        pairs.append((s, c))
                        y.append([0.0, 1.0 if c.spans[0][0] == 0 else 0.0])
    return pairs, np.array(y, np.float32)


@pytest.mark.slow    # trains a small network for 60 epochs
def test_training_learns_who_comes_first(rules_tagger, embedder, monkeypatch):
    monkeypatch.setattr(sequence, "EPOCHS", 60)
    pairs, y = _order_set(rules_tagger, embedder)
    assert 80 <= len(pairs) and y[:, 1].sum() * 2 == len(pairs)
    net = sequence.fit(embedder.token_table, sequence.inputs(embedder.tokenizer, pairs), y, np.ones_like(y), 13)
    unseen = _pairs(rules_tagger, "Latvia will send instructors to Ukraine, it told Estonia.")
    p = {c.affiliation: pr[1] for (_, c), pr in zip(unseen, net.proba(sequence.inputs(embedder.tokenizer, unseen)))}
    assert p["LV"] > 0.7 and p["EE"] < 0.3


def test_training_is_reproducible_and_known_masks_rows(rules_tagger, embedder):
    pairs = _pairs(rules_tagger, "Croatia said soldiers could go to Ukraine, and Cyprus ruled out strikes on Russia.")
    x = sequence.inputs(embedder.tokenizer, pairs)
    y = np.tile([1.0, 0.0], (len(pairs), 1)).astype(np.float32)
    a = sequence.fit(embedder.token_table, x, y, np.ones_like(y), 5)
    b = sequence.fit(embedder.token_table, x, y, np.ones_like(y), 5)
    assert all(np.array_equal(a.weights[k], b.weights[k]) for k in sequence.WEIGHTS)
    c = sequence.fit(embedder.token_table, x, y, np.zeros_like(y), 5)   # nothing known: the loss is zero
    assert not np.array_equal(a.weights["head2_w"], c.weights["head2_w"])


def test_missing_torch_is_a_one_line_error(embedder, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    x = sequence.Inputs(np.zeros((1, sequence.TOKENS), np.int32), np.zeros((1, sequence.TOKENS, sequence.MARKS),
                                                                           np.float32), np.zeros(1, np.int64))
    with pytest.raises(InputError, match="torch is not installed.*requirements-train.txt"):
        sequence.fit(embedder.token_table, x, np.zeros((1, 2)), np.ones((1, 2)), 1)


def test_sequence_model_is_blended_in_where_the_other_models_leave_the_candidate_open(rules_tagger, embedder):
    pairs = _pairs(rules_tagger, "Croatia said soldiers could go to Ukraine, and Cyprus ruled out strikes on Russia.")
    x = sequence.inputs(embedder.tokenizer, pairs)
    y = np.tile([0.0, 1.0], (len(pairs), 1)).astype(np.float32)
    net = sequence.fit(embedder.token_table, x, y, np.ones_like(y), 3)
    model = learned.Model(dict.fromkeys(("cross_border_strikes", "trainer_deployment")), None, 8, embedder=embedder,
                          sequence=net, sequence_blend=0.4, sequence_floor=0.1)
    closed = np.full(len(pairs), 0.05)
    p_issue = {"cross_border_strikes": closed.copy(), "trainer_deployment": closed.copy()}
    p_issue["trainer_deployment"][0] = 0.5          # only the first candidate is left open
    got = model.with_sequence(p_issue, pairs)
    q = net.proba(x)

    def log_odds(p):
        return np.log(p / (1 - p))

    # Log-odds are blended: 0.6 of the other models', 0.4 of the network's.
    assert np.allclose(log_odds(got["trainer_deployment"][0]), 0.6 * log_odds(0.5) + 0.4 * log_odds(q[0, 1]))
    assert np.allclose(log_odds(got["cross_border_strikes"][0]), 0.6 * log_odds(0.05) + 0.4 * log_odds(q[0, 0]))
    assert min(0.05, q[0, 0]) <= got["cross_border_strikes"][0] <= max(0.05, q[0, 0])
    assert np.allclose(got["trainer_deployment"][1:], 0.05) and np.allclose(got["cross_border_strikes"][1:], 0.05)
    assert p_issue["trainer_deployment"][0] == 0.5      # the input is not changed
    no_network = learned.Model({}, None, 8)
    assert no_network.with_sequence(p_issue, pairs) is p_issue
