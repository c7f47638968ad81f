"""The sequence model: a small convolutional network that reads a candidate's sentence token by token.

The linear models and the perceptrons read bags of words and averaged embeddings. This model reads
word order around the candidate: wordllama's token embeddings, each token marked as the candidate or
another candidate, left or right of the candidate and how far from it. Two convolutions (three tokens
wide, the second dilated) and three poolings (the maximum, the mean over the candidate's own tokens,
the mean over all) feed a small head with one output per issue; each issue model's probability is
blended with it (`learned.Model.with_sequence`).

It is trained with PyTorch (training only: `requirements-train.txt`); tagging runs the same arithmetic
in numpy (`Network.proba`), so tagging needs neither torch nor a GPU.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

import numpy as np

from positions.errors import InputError
from positions.tagger.embedding import SPEAKER_KINDS
from positions.tagger.features import ISSUES

TOKENS = 80         # tokens read per candidate: its sentence from LEFT tokens before its first mention
LEFT = 24
HIDDEN = 64
WIDTH = 3           # tokens each convolution reads; the second one reads every other token
MARKS = 6
NEAR = 20.0         # the distance mark saturates this many tokens from the candidate
EPOCHS = 6
BATCH = 128
LEARNING_RATE = 2e-3
WEIGHT_DECAY = 1e-2
DROPOUT = 0.25
# Chosen on train out of fold + validation (round 10, 3211 documents; no test document), pooled F1 with
# thresholds re-chosen. Without the network: CV 0.723, validation 0.736 (seed 13; 0.722 / 0.732 with seed
# 14, the perceptrons' early stopping being the random part). This network, its seed 13 / 14 (the other
# models' 13), blended in with weight (training.SEQUENCE_BLEND) 0.2: CV 0.723 / 0.726, validation 0.740 / 0.746; 0.3: 0.727 / 0.726,
# 0.743 / 0.744; 0.4: 0.728 / 0.729, 0.744 / 0.746. Run only where the other models give some issue at
# least (training.SEQUENCE_FLOOR) 0.1, at blend 0.4: 0.728 / 0.729, 0.745 / 0.746 (the same records right,
# a few less wrong); 0.2: 0.727 / 0.729, 0.746 / 0.747.
# Tried and not kept: 128 hidden units and five tokens wide (seed 13, blend 0.3: CV 0.730, validation
# 0.750) costs about five times the CPU time, and tagging would fall well below 1 MB/s; mean embeddings of fixed
# windows left and right of the candidate fed to a perceptron ranked validation candidates less well
# than this network (average precision, blended: +0.003 / +0.006 per issue against +0.010 / +0.013).
# Round 11 (same documents and method, one harness; four decimals, the differences being small; this
# network, seed 13 / 14, blended as probabilities at 0.4: CV 0.7285 / 0.7283, validation 0.7488 / 0.7441):
# blending log-odds instead, at 0.3: CV 0.7305 / 0.7298, validation 0.7534 / 0.7460 (kept; seed 13 at 0.2 /
# 0.25 / 0.4 / 0.5: CV 0.7276 / 0.7282 / 0.7290 / 0.7262). Tried and not kept (seed 13 unless said; with
# log-odds where the blend is 0.3): a stance head beside the issue head (a softmax per issue, trained
# together, blended into the stance model's probability): the issue head got worse (CV 0.7143 at stance
# blend 0, probabilities) and no stance blend won it back (best CV 0.7262, validation 0.7457); the
# networks of seeds 13 and 14 averaged (probabilities, 0.4): CV 0.7301, validation 0.7459, at twice the
# cost; the previous sentence's last 16 tokens read as well (marked; where the window starts at the
# sentence's start; probabilities, 0.4): CV 0.7285, validation 0.7471; dropout 0.4: CV 0.7238, validation
# 0.7451; 10 epochs (seed 13 / 14): CV 0.7319 / 0.7293, validation 0.7565 / 0.7510 (CV no better over
# the two seeds, two thirds more training time).
# Round 12 (same harness, seed 13, log-odds 0.3: CV 0.7305, validation 0.7534): a second network of this
# shape trained for the stance alone (a softmax per issue, on the candidates with a gold position),
# blended into the stance model's probability where this one reads the candidate: blend 0.2 / 0.3 ->
# CV 0.7290 / 0.7238, validation 0.7447 / 0.7483; at 0.3 with a stance floor of 0.55 / 0.6: CV 0.7309 /
# 0.7294, validation 0.7537 / 0.7501. No gain beyond noise, so not kept.
# Round 13 (same harness): wordllama's token table trained along with the network (its own learning rate
# equal to the network's, no weight decay; the table would then ship with the model): blend 0.3 / 0.4 ->
# CV 0.7306 / 0.7307, validation 0.7484 / 0.7527. No gain, so the table stays frozen.
# Round 14 (same harness, log-odds 0.3: CV 0.7305, validation 0.7534): attention pooling keyed by the mean of
# the candidate's own tokens (a fourth pooled vector): CV 0.7295, validation 0.7466; with a single-head
# self-attention layer after the convolutions as well: 0.7291 / 0.7499. Not kept.


@dataclass
class Inputs:
    """Token ids (n × TOKENS, 0 after `lengths`), their marks (n × TOKENS × MARKS) and lengths (n)."""

    ids: np.ndarray
    marks: np.ndarray
    lengths: np.ndarray


def inputs(tokenizer, pairs) -> Inputs:
    """The network's input for (sentence, candidate) pairs: each distinct sentence tokenized once
    (wordllama's tokenizer, no special tokens), read from LEFT tokens before the candidate's first
    mention, and marked. The per-pair loop only finds token ranges; the marks are computed for all
    rows at once."""
    n = len(pairs)
    ids = np.zeros((n, TOKENS), np.int32)
    marks = np.zeros((n, TOKENS, MARKS), np.float32)
    lengths = np.zeros(n, np.int64)
    texts = list(dict.fromkeys(s.text for s, _ in pairs))
    tokens = {}
    for text, enc in zip(texts, tokenizer.encode_batch(texts, add_special_tokens=False) if texts else []):
        size = sum(enc.attention_mask)      # wordllama's tokenizer pads a batch to its longest text
        tokens[text] = ([a for a, _ in enc.offsets[:size]], [b for _, b in enc.offsets[:size]],
                        np.asarray(enc.ids[:size], np.int32))
    starts = np.zeros(n, np.int64)
    own_ranges = []
    for row, (sent, cand) in enumerate(pairs):
        begins, ends, sentence_ids = tokens[sent.text]
        own = _token_ranges(begins, ends, cand.spans)
        own_ranges.append(own)
        start = max(0, (own[0][0] if own else 0) - LEFT)
        size = max(0, min(TOKENS, len(begins) - start))
        ids[row, :size] = sentence_ids[start:start + size]
        starts[row], lengths[row] = start, size
        for lo, hi in own:
            marks[row, max(lo - start, 0):max(hi - start, 0), 0] = 1.0
        for lo, hi in _token_ranges(begins, ends, [span for o in sent.candidates if o is not cand for span in o.spans]):
            marks[row, max(lo - start, 0):max(hi - start, 0), 1] = 1.0
    at = starts[:, None] + np.arange(TOKENS)[None, :]
    near = _signed_distance(at, own_ranges)
    valid = np.arange(TOKENS)[None, :] < lengths[:, None]
    marks[..., 2] = (near < 0) & valid
    marks[..., 3] = (near > 0) & valid
    marks[..., 4] = np.clip(near / NEAR, -1.0, 1.0) * valid
    marks[..., 5] = np.array([c.kind in SPEAKER_KINDS for _, c in pairs], bool)[:, None] & valid
    return Inputs(ids, marks, lengths)


def _token_ranges(starts: list, ends: list, spans) -> list:
    """[lo, hi) token ranges of the tokens that overlap each character span (sorted, empty ones left out)."""
    out = []
    for a, b in spans:
        lo, hi = bisect_right(ends, a), bisect_left(starts, b)
        if lo < hi:
            out.append((lo, hi))
    return sorted(out)


def _signed_distance(at: np.ndarray, ranges: list) -> np.ndarray:
    """Per row and token index in `at`, the distance in tokens to the nearest token of the row's
    `ranges` (negative: before it; ties go to the earlier range). A row without a range counts from
    its first token."""
    width = max((len(r) for r in ranges), default=0)
    lo = np.full((len(ranges), max(width, 1)), np.iinfo(np.int64).max // 4, np.int64)
    hi = lo.copy()
    for row, rs in enumerate(ranges):
        if rs:
            lo[row, :len(rs)], hi[row, :len(rs)] = zip(*rs)
        else:
            lo[row, 0], hi[row, 0] = at[row, 0], at[row, 0] + 1
    best = None
    for k in range(lo.shape[1]):
        a, b = lo[:, k:k + 1], hi[:, k:k + 1]
        d = np.where(at < a, at - a, np.where(at >= b, at - b + 1, 0))
        best = d if best is None else np.where(np.abs(d) < np.abs(best), d, best)
    return best


WEIGHTS = ("input_w", "input_b", "conv1_w", "conv1_b", "conv2_w", "conv2_b", "head1_w", "head1_b", "head2_w",
           "head2_b")


@dataclass
class Network:
    """The trained weights (as torch lays them out: `input_w` is hidden × (embedding + MARKS), a
    convolution's `_w` is out × in × WIDTH) and `scale`, the spread of the token table, which the
    network reads divided by it. `projected`: the token table through the input layer (computed once,
    from the table, when the network is made)."""

    weights: dict
    scale: float
    projected: np.ndarray

    @classmethod
    def of(cls, weights: dict, scale: float, table: np.ndarray) -> "Network":
        """The network of `weights` over wordllama's token `table`."""
        weights = {k: np.asarray(weights[k], np.float32) for k in WEIGHTS}
        dim = table.shape[1]
        projected = (table / np.float32(scale)) @ weights["input_w"][:, :dim].T + weights["input_b"]
        return cls(weights, float(scale), projected.astype(np.float32))

    def proba(self, x: Inputs, batch: int = 256) -> np.ndarray:
        """Probability per row (n × len(ISSUES)) that the candidate takes a position on each issue.
        Rows run in batches of similar length, so padding costs little."""
        w = self.weights
        out = np.zeros((len(x.lengths), len(ISSUES)), np.float64)
        order = np.argsort(x.lengths, kind="stable")
        order = order[x.lengths[order] > 0]
        marks_w = w["input_w"][:, -MARKS:]
        for b in range(0, len(order), batch):
            rows = order[b:b + batch]
            size = int(x.lengths[rows].max())
            valid = (np.arange(size)[None, :] < x.lengths[rows][:, None])[..., None].astype(np.float32)
            marked = (x.marks[rows, :size].reshape(-1, MARKS) @ marks_w.T).reshape(len(rows), size, -1)
            h = np.maximum(self.projected[x.ids[rows, :size]] + marked, 0) * valid
            h = (h + np.maximum(_conv(h, w["conv1_w"], w["conv1_b"], 1), 0)) * valid
            h = (h + np.maximum(_conv(h, w["conv2_w"], w["conv2_b"], 2), 0)) * valid
            own = x.marks[rows, :size, :1]
            pooled = np.concatenate([h.max(axis=1),
                                     (h * own).sum(axis=1) / np.maximum(own.sum(axis=1), 1.0),
                                     h.sum(axis=1) / valid.sum(axis=1)], axis=1)
            hidden = np.maximum(pooled @ w["head1_w"].T + w["head1_b"], 0)
            z = (hidden @ w["head2_w"].T + w["head2_b"]).astype(np.float64)
            out[rows] = 1.0 / (1.0 + np.exp(-z))
        return out


def _conv(h: np.ndarray, weight: np.ndarray, bias: np.ndarray, dilation: int) -> np.ndarray:
    """A 'same' 1-d convolution over the token axis (batch × tokens × channels), as torch's Conv1d
    with padding = dilation × (WIDTH - 1) / 2: the shifted copies side by side, then one matrix
    product (one large product is several times faster than one per shift)."""
    n, size, channels = h.shape
    width = weight.shape[2]
    pad = dilation * (width - 1) // 2
    padded = np.zeros((n, size + 2 * pad, channels), h.dtype)
    padded[:, pad:pad + size] = h
    shifted = np.concatenate([padded[:, k * dilation:k * dilation + size] for k in range(width)], axis=2)
    flat = weight.transpose(2, 1, 0).reshape(width * channels, -1)
    return (shifted.reshape(n * size, width * channels) @ flat + bias).reshape(n, size, -1)


def fit(table: np.ndarray, x: Inputs, y: np.ndarray, known: np.ndarray, seed: int) -> Network:
    """Train the network (PyTorch, on the CPU; deterministic for a seed) on inputs `x`, with `y`
    (n × issues, 1 where the candidate takes a position) counted where `known` is 1."""
    try:
        import torch
    except ImportError:
        raise InputError("torch is not installed (training the sequence model needs it); run "
                         "`pip install -r requirements-train.txt`") from None
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    scale = float(table.std())
    net = _module(torch, table / scale)
    params = [p for p in net.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    n = len(x.lengths)
    batches_per_epoch = -(-n // BATCH)
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=LEARNING_RATE, total_steps=max(1, EPOCHS * batches_per_epoch))
    ids, marks = torch.from_numpy(x.ids.astype(np.int64)), torch.from_numpy(x.marks)
    lengths = torch.from_numpy(x.lengths)
    target, weight = torch.from_numpy(y.astype(np.float32)), torch.from_numpy(known.astype(np.float32))
    loss_of = torch.nn.BCEWithLogitsLoss(reduction="none")
    net.train()
    for _ in range(EPOCHS if n else 0):
        for rows in _batches(x.lengths, rng):
            rows = torch.from_numpy(rows)
            size = max(1, int(lengths[rows].max()))
            logits = net(ids[rows, :size], marks[rows, :size], lengths[rows])
            loss = (loss_of(logits, target[rows]) * weight[rows]).sum() / weight[rows].sum().clamp(min=1.0)
            opt.zero_grad()
            loss.backward()
            opt.step()
            schedule.step()
    weights = {name: p.detach().numpy().copy() for name, p in net.named_parameters() if name != "table.weight"}
    return Network.of({_NAMES[k]: v for k, v in weights.items()}, scale, table)


_NAMES = {"inp.weight": "input_w", "inp.bias": "input_b", "c1.weight": "conv1_w", "c1.bias": "conv1_b",
          "c2.weight": "conv2_w", "c2.bias": "conv2_b", "head.0.weight": "head1_w", "head.0.bias": "head1_b",
          "head.3.weight": "head2_w", "head.3.bias": "head2_b"}


def _batches(lengths: np.ndarray, rng) -> list:
    """Shuffled batches of rows of similar length (sorted within runs of 32 batches)."""
    order = rng.permutation(len(lengths))
    runs = [order[a:a + BATCH * 32] for a in range(0, len(order), BATCH * 32)]
    runs = [run[np.argsort(lengths[run], kind="stable")] for run in runs]
    batches = [run[a:a + BATCH] for run in runs for a in range(0, len(run), BATCH)]
    return [batches[k] for k in rng.permutation(len(batches))]


def _module(torch, table: np.ndarray):
    """The torch module whose arithmetic `Network.proba` repeats."""
    nn = torch.nn

    class SequenceNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.table = nn.Embedding.from_pretrained(torch.from_numpy(table.astype(np.float32)), freeze=True)
            self.inp = nn.Linear(table.shape[1] + MARKS, HIDDEN)
            self.c1 = nn.Conv1d(HIDDEN, HIDDEN, WIDTH, padding=(WIDTH - 1) // 2)
            self.c2 = nn.Conv1d(HIDDEN, HIDDEN, WIDTH, padding=WIDTH - 1, dilation=2)
            self.drop = nn.Dropout(DROPOUT)
            self.head = nn.Sequential(nn.Linear(3 * HIDDEN, HIDDEN), nn.ReLU(), nn.Dropout(DROPOUT),
                                      nn.Linear(HIDDEN, len(ISSUES)))

        def forward(self, ids, marks, lengths):
            valid = (torch.arange(ids.shape[1])[None, :] < lengths[:, None]).float()[..., None]
            h = torch.relu(self.inp(self.drop(torch.cat([self.table(ids), marks], -1)))) * valid
            h = h.transpose(1, 2)
            v = valid.transpose(1, 2)
            h = (h + torch.relu(self.c1(h))) * v
            h = (h + torch.relu(self.c2(h))) * v
            h = h.transpose(1, 2)
            own = marks[..., :1]
            pooled = torch.cat([h.max(1).values, (h * own).sum(1) / own.sum(1).clamp(min=1.0),
                                h.sum(1) / valid.sum(1).clamp(min=1.0)], -1)
            return self.head(self.drop(pooled))

    return SequenceNet()
