"""The learned layer: hashed features and embeddings -> classifiers for issue and stance of each candidate.

Two binary models say whether a candidate takes a position on each issue: a linear model over the
hashed features and the clause embedding, blended with a one-hidden-layer perceptron over the clause
and sentence embeddings. One four-way linear model says which stance. The file format is plain
arrays (`.npz`: the non-zero weights of each linear model, the perceptrons' weights whole) plus a
JSON model card: no pickled objects, so loading a model file runs no code.
"""
from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from positions.errors import InputError
from positions.tagger import candidates as cand_mod
from positions.tagger import embedding
from positions.tagger import features as feat
from positions.tagger import sequence as seq_mod

FORMAT = "positions-linear-6"     # (the name is historical: since 4 the issue models are not only linear)
                                  # 2: the stance model may read dense clause embeddings (card: "embedding");
                                  # 3: the issue models read them too; 4: each issue model's probability is
                                  # blended with a perceptron's over the clause and sentence embeddings;
                                  # 5: and then with the sequence model's (card: "sequence");
                                  # 6: that last blend is of log-odds, not of probabilities
STANCES = ("support", "oppose", "conditional", "undecided")
MODEL_DIR = Path(__file__).resolve().parent / "models"
DEFAULT_MODEL = MODEL_DIR / "tagger.npz"


@dataclass
class Rows:
    """Hashed feature rows in CSR layout (numpy only: tagging never imports scipy or scikit-learn)."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    n_features: int

    def to_scipy(self):
        """The same rows as a scipy CSR matrix (for training)."""
        from scipy.sparse import csr_matrix

        return csr_matrix((self.data, self.indices, self.indptr), shape=(len(self.indptr) - 1, self.n_features))


def vectorize(token_lists, n_features: int) -> Rows:
    """Token counts hashed into `n_features` columns (crc32, stable across runs and machines), each
    row scaled to unit length. Each distinct token is hashed once per call; counting, sorting and
    scaling run in numpy over all rows at once."""
    n_rows = len(token_lists)
    lengths = np.array([len(t) for t in token_lists], np.int64)
    flat = [t for toks in token_lists for t in toks]
    column = {t: zlib.crc32(t.encode("utf-8")) % n_features for t in set(flat)}
    cols = np.array(list(map(column.__getitem__, flat)), np.int64)
    keys, counts = np.unique(np.repeat(np.arange(n_rows, dtype=np.int64), lengths) * n_features + cols,
                             return_counts=True)
    rows, indices = np.divmod(keys, n_features)
    vals = counts.astype(np.float64)
    norm = np.sqrt(np.bincount(rows, weights=vals * vals, minlength=n_rows))
    norm[norm == 0] = 1.0
    indptr = np.zeros(n_rows + 1, np.int64)
    np.cumsum(np.bincount(rows, minlength=n_rows), out=indptr[1:])
    return Rows(indptr, indices.astype(np.int64), (vals / norm[rows]).astype(np.float32), n_features)


@dataclass
class Linear:
    """Weights of one linear model: `coef` (k × columns, k = 1 for binary) and `intercept`. The
    columns are the hashed features, then any dense ones."""

    classes: tuple
    coef: np.ndarray
    intercept: np.ndarray

    def proba(self, X: Rows, dense: np.ndarray | None = None) -> np.ndarray:
        """Class probabilities per row (sigmoid for binary, softmax otherwise); `dense`: the rows'
        dense features, read by the columns after the hashed ones."""
        n = len(X.indptr) - 1
        contrib = self.coef[:, X.indices] * X.data             # k × nnz
        z = np.zeros((self.coef.shape[0], n), np.float64)
        nonempty = np.nonzero(np.diff(X.indptr))[0]
        if len(nonempty):
            z[:, nonempty] = np.add.reduceat(contrib, X.indptr[nonempty], axis=1)
        if dense is not None:
            z += self.coef[:, X.n_features:X.n_features + dense.shape[1]] @ dense.T
        z = z.T + self.intercept
        if len(self.classes) == 2:
            p = _sigmoid(z[:, 0])
            return np.column_stack([1 - p, p])
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-z)): the probability of log-odds `z`."""
    return 1.0 / (1.0 + np.exp(-z))


def _log_odds(p: np.ndarray) -> np.ndarray:
    """log(p / (1 - p)), `_sigmoid`'s inverse, with p kept 1e-6 from 0 and 1 (a network's sigmoid can
    round to either)."""
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


@dataclass
class Perceptron:
    """A binary classifier with one hidden layer (ReLU, then a sigmoid): `w1` (inputs x hidden), `b1`,
    `w2` (hidden), `b2`."""

    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: float

    def proba(self, dense: np.ndarray) -> np.ndarray:
        """Probability of the positive class per row."""
        hidden = np.maximum(dense @ self.w1 + self.b1, 0.0)
        z = (hidden @ self.w2 + self.b2).astype(np.float64)     # float64: exp(-z) of a very negative z stays finite
        return _sigmoid(z)


@dataclass
class Model:
    """Issue models (one per issue), a stance model, the hashing width, the decision threshold and
    the embedder whose clause rows the classifiers read (None: hashed features only). `perceptrons`:
    per issue, a perceptron over the clause and sentence embeddings whose probability is blended into
    the issue model's with weight `blend`; `sequence`: the network over the candidate's tokens whose
    probability is blended into that with weight `sequence_blend` (see `with_sequence`)."""

    issue: dict
    stance: Linear
    n_features: int
    threshold: float = 0.5      # the lowest of the issues' thresholds (the floor of `score`)
    card: dict = field(default_factory=dict)
    issue_thresholds: dict = field(default_factory=dict)    # issue -> threshold; `threshold` where absent
    embedder: embedding.Embedder | None = None
    perceptrons: dict = field(default_factory=dict)
    blend: float = 0.0
    sequence: seq_mod.Network | None = None
    sequence_blend: float = 0.0
    sequence_floor: float = 0.0

    def issue_proba(self, issue: str, X: Rows, clauses: np.ndarray | None, context: np.ndarray | None) -> np.ndarray:
        """p_issue of each row: the linear model's (reading `clauses` times the embedder's issue weight),
        blended with the issue's perceptron's over `context` where there is one."""
        p = self.issue[issue].proba(X, None if clauses is None else self.embedder.issue_rows(clauses))[:, 1]
        perceptron = self.perceptrons.get(issue)
        if perceptron is None or context is None:
            return p
        return (1 - self.blend) * p + self.blend * perceptron.proba(context)

    def with_sequence(self, p_issue: dict, pairs) -> dict:
        """`p_issue` (issue -> probability per pair) blended with the sequence model's, on the pairs
        where some issue's probability reaches `sequence_floor` (a cascade: the network, the costliest
        step, reads only candidates the cheaper models leave open; the others keep theirs). The blend
        is of log-odds: a model that is sure weighs more than one near 0.5."""
        if self.sequence is None or not len(pairs):
            return p_issue
        rows = np.nonzero(np.max([p_issue[i] for i in self.issue], axis=0) >= self.sequence_floor)[0]
        if not len(rows):
            return p_issue
        ordered = self.sequence.proba(seq_mod.inputs(self.embedder.tokenizer, [pairs[k] for k in rows]))
        out = {}
        for issue, p in p_issue.items():
            p = p.copy()
            p[rows] = _sigmoid((1 - self.sequence_blend) * _log_odds(p[rows])
                               + self.sequence_blend * _log_odds(ordered[:, feat.ISSUES.index(issue)]))
            out[issue] = p
        return out

    def thresholds(self) -> dict:
        """The decision threshold of each issue."""
        return {i: float(self.issue_thresholds.get(i, self.threshold)) for i in self.issue}

    def set_thresholds(self, th: float | dict) -> None:
        """One threshold for every issue, or one per issue."""
        self.issue_thresholds = dict(th) if isinstance(th, dict) else {}
        self.threshold = min(th.values()) if isinstance(th, dict) else th

    def confidence(self, score: float, layer: str = "model") -> float:
        """Calibrated confidence of a layer's raw score (isotonic maps fitted on documents the fitted
        models never saw, in the card: `calibration` for the model, `calibration_rules` for the rules)."""
        cal = self.card.get("calibration" if layer == "model" else f"calibration_{layer}")
        return float(np.interp(score, cal["x"], cal["y"])) if cal else min(0.99, score)

    def save(self, path: Path) -> None:
        """Write `path` (.npz: the linear models' non-zero weights, the perceptrons whole) and the card
        beside it (.json)."""
        arrays = {}
        for name, lin in [*((f"issue_{k}", v) for k, v in self.issue.items()), ("stance", self.stance)]:
            rows, cols = np.nonzero(lin.coef)
            arrays[f"{name}_rows"] = rows.astype(np.int8)
            arrays[f"{name}_cols"] = cols.astype(np.int32)
            arrays[f"{name}_vals"] = lin.coef[rows, cols].astype(np.float32)
            arrays[f"{name}_intercept"] = lin.intercept.astype(np.float32)
        for issue, mlp in self.perceptrons.items():
            for part in ("w1", "b1", "w2", "b2"):
                arrays[f"perceptron_{issue}_{part}"] = np.asarray(getattr(mlp, part), np.float32)
        if self.sequence is not None:
            arrays.update({f"sequence_{k}": v for k, v in self.sequence.weights.items()})
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:     # np.savez adds no timestamps: same weights, same bytes
            np.savez_compressed(fh, **arrays)
        card = dict(self.card, format=FORMAT, n_features=self.n_features, threshold=self.threshold,
                    issue_thresholds=self.thresholds(),
                    issues=list(self.issue), stances=list(STANCES), blend=self.blend,
                    embedding=self.embedder.settings() if self.embedder else None,
                    sequence=None if self.sequence is None else {"scale": self.sequence.scale,
                                                                 "blend": self.sequence_blend,
                                                                 "floor": self.sequence_floor},
                    weights_sha256=hashlib.sha256(path.read_bytes()).hexdigest())
        path.with_suffix(".json").write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = DEFAULT_MODEL) -> "Model":
        """Read a model file and its card; InputError (one line) when missing or not this format."""
        path = Path(path)
        try:
            card = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            arrays = np.load(path, allow_pickle=False)
        except FileNotFoundError:
            raise InputError(f"{path}: no model file; run `python -m positions train`") from None
        if card.get("format") != FORMAT:
            raise InputError(f"{path.with_suffix('.json')}: format {card.get('format')!r}, expected {FORMAT!r}; retrain")
        n = int(card["n_features"])
        embedder = embedding.load(**card["embedding"]) if card.get("embedding") else None

        def linear(name, classes, width=n):
            k = 1 if len(classes) == 2 else len(classes)
            coef = np.zeros((k, width), dtype=np.float32)
            coef[arrays[f"{name}_rows"], arrays[f"{name}_cols"]] = arrays[f"{name}_vals"]
            return Linear(tuple(classes), coef, arrays[f"{name}_intercept"].astype(np.float32))

        issue = {i: linear(f"issue_{i}", (0, 1), n + (embedder.dim if embedder else 0)) for i in card["issues"]}
        stance = linear("stance", card["stances"], n + (embedder.width if embedder else 0))
        perceptrons = {i: Perceptron(*(arrays[f"perceptron_{i}_{part}"] for part in ("w1", "b1", "w2")),
                                     float(arrays[f"perceptron_{i}_b2"]))
                       for i in card["issues"] if f"perceptron_{i}_w1" in arrays}
        network = None
        if card.get("sequence") and embedder:
            network = seq_mod.Network.of({k: arrays[f"sequence_{k}"] for k in seq_mod.WEIGHTS},
                                         card["sequence"]["scale"], embedder.token_table)
        return cls(issue, stance, n, float(card["threshold"]), card,
                   {k: float(v) for k, v in (card.get("issue_thresholds") or {}).items()}, embedder,
                   perceptrons, float(card["blend"]), network,
                   float(card["sequence"]["blend"]) if network is not None else 0.0,
                   float(card["sequence"]["floor"]) if network is not None else 0.0)


@dataclass
class Scored:
    """A candidate's best reading for one issue."""

    cand: cand_mod.Candidate
    sent: cand_mod.Sentence
    issue: str
    stance: str
    p_issue: float
    p_stance: float

    @property
    def score(self) -> float:
        return self.p_issue * self.p_stance


def featurize(tagger, text: str, published: date | None, rule_records, spans=None) -> tuple[list, list]:
    """(candidates as (sentence, candidate) pairs, their feature tokens) of one document."""
    sents = cand_mod.generate(tagger, text, published, spans)
    view = feat.rule_view(tagger, sents, rule_records)
    pairs = [(s, c) for s in sents for c in s.candidates]
    return pairs, [feat.tokens(s, c, view) for s, c in pairs]


@dataclass
class Scores:
    """A document's candidates as the classifiers read them: `scored`, every candidate × issue whose
    p_issue reaches the floor, with its best stance; `p_issue`, (sentence start, affiliation, issue) ->
    p_issue of every candidate (one candidate per affiliation and sentence)."""

    scored: list
    p_issue: dict


def score(model: Model, pairs, toks, floor: float | None = None) -> list[Scored]:
    """Every candidate × issue whose issue probability reaches `floor` (default: the model's
    threshold; score = p_issue × p_stance never reaches it below), with its best stance."""
    return score_document(model, pairs, toks, floor).scored


def score_document(model: Model, pairs, toks, floor: float | None = None) -> Scores:
    """`score`'s candidates, and the issue probability of every candidate."""
    floor = model.threshold if floor is None else floor
    if not pairs:
        return Scores([], {})
    X = vectorize(toks, model.n_features)
    dense, context = None, None
    if model.embedder and model.perceptrons:
        dense, sentences = model.embedder.pair_rows(pairs)
        context = model.embedder.context(dense, sentences)
    elif model.embedder:
        dense = model.embedder.clause_rows(pairs)
    p_issue = model.with_sequence({issue: model.issue_proba(issue, X, dense, context) for issue in model.issue}, pairs)
    keep = {issue: np.nonzero(p >= floor)[0] for issue, p in p_issue.items()}
    out = []
    for issue, rows in keep.items():
        if not len(rows):
            continue
        Xs = vectorize([feat.with_issue(toks[i], issue) for i in rows], model.n_features)
        ps = model.stance.proba(Xs, None if dense is None else embedding.with_issue(dense[rows], [issue] * len(rows)))
        for row, i in enumerate(rows):
            j = int(np.argmax(ps[row]))
            s, c = pairs[i]
            out.append(Scored(c, s, issue, model.stance.classes[j], float(p_issue[issue][i]), float(ps[row, j])))
    by_unit = {(s.start, c.affiliation, issue): v for issue, p in p_issue.items()
               for (s, c), v in zip(pairs, p.tolist())}      # tolist: one conversion, not one per item
    return Scores(out, by_unit)
