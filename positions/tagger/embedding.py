"""Dense features for the classifiers: wordllama embeddings of each candidate's clause and sentence.

wordllama ships its weights and tokenizer inside its own wheel; they are read from the installed
package with downloads disabled, so training and tagging stay offline. What every classifier reads
is the candidate's clause: from its first mention to WINDOW characters after its last ("Norway, its
minister said, will not let ..."), the words that carry the candidate's own stance. The issue
perceptrons also read the whole sentence (`context`).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from positions.errors import InputError
from positions.tagger.features import ISSUES

CONFIG = "l2_supercat"      # wordllama's default model: token embeddings distilled from large LLMs
DIM = 256
WINDOW = 120
# Chosen on train out of fold + validation (round 5, 1527 documents; no test document), pooled F1
# with the shipped thresholds' rule: no embedding 0.653; clause windows of 70 / 120 / 200 characters
# 0.672 / 0.669 / 0.668; scales 0.3 / 0.5 / 1.0 against the unit-length hashed rows 0.665 / 0.669 /
# 0.653. Cutting the clause at the next named speaker kept 0.671 and took ../shared/corpus/dev from
# 0.861 to 0.891 (a Kremlin spokesman's words had been read as the stance of the leader he named).
# On the 1713 documents of round 5's final corpus: 0.647 without, 0.659 with the rows plain, 0.673
# with them also crossed with the issue (`with_issue`).
SCALE = 0.5
# The issue models read the same rows times ISSUE_WEIGHT (round 6, train out of fold + validation on the
# 1713 documents of round 5, thresholds re-chosen; no test document): pooled F1 without 0.673; weights
# 0.25 / 0.5 / 0.7 / 1.0 / 2.0 -> 0.676 / 0.682 / 0.685 / 0.677 / 0.673 (CV 0.666 -> 0.679 and
# validation 0.708 -> 0.716 at 0.7). The whole sentence's embedding, read by the linear models, had
# lowered it (round 5); the issue perceptrons do gain from it (training.BLEND).
ISSUE_WEIGHT = 0.7
SPEAKER_KINDS = frozenset({"person", "title", "anonymous"})     # candidates.KIND_RANK's speakers


@dataclass(frozen=True)
class Embedder:
    """A loaded wordllama model and how its rows are cut and scaled."""

    window: int = WINDOW
    scale: float = SCALE
    dim: int = DIM
    model: object = field(default=None, repr=False, compare=False)
    config: str = CONFIG
    issue_weight: float = ISSUE_WEIGHT

    @property
    def width(self) -> int:
        """Columns the stance model gives the embedding: the rows plain, then one block per issue."""
        return self.dim * (1 + len(ISSUES))

    def settings(self) -> dict:
        """What a model card records to load the same embedder again."""
        return {"package": "wordllama", "config": self.config, "dim": self.dim, "window": self.window, "scale": self.scale,
                "issue_weight": self.issue_weight}

    @property
    def tokenizer(self):
        """wordllama's tokenizer (a `tokenizers.Tokenizer`)."""
        return self.model.tokenizer

    @property
    def token_table(self) -> np.ndarray:
        """wordllama's token embeddings (vocabulary × dim)."""
        return self.model.embedding

    def rows(self, texts: list[str]) -> np.ndarray:
        """One unit-length row per text, times `scale` (float32, len(texts) x dim)."""
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        e = np.asarray(self.model.embed(list(texts)), dtype=np.float64)
        norm = np.linalg.norm(e, axis=1, keepdims=True)
        norm[norm == 0] = 1.0
        return (e / norm * self.scale).astype(np.float32)

    def clause_rows(self, pairs) -> np.ndarray:
        """`rows` of the clauses of (sentence, candidate) pairs (one embedding call)."""
        return self.rows(self._clauses(pairs))

    def pair_rows(self, pairs) -> tuple[np.ndarray, np.ndarray]:
        """`rows` of the pairs' clauses, and of their whole sentences (each distinct sentence embedded
        once; one embedding call for both)."""
        sentences = list(dict.fromkeys(s.text for s, _ in pairs))
        rows = self.rows(self._clauses(pairs) + sentences)
        at = {t: len(pairs) + k for k, t in enumerate(sentences)}
        return rows[:len(pairs)], rows[[at[s.text] for s, _ in pairs]]

    def _clauses(self, pairs) -> list[str]:
        return [clause(s, c, self.window) for s, c in pairs]

    def issue_rows(self, clauses: np.ndarray) -> np.ndarray:
        """What the linear issue models read of the clause rows: times `issue_weight`."""
        return clauses * self.issue_weight

    def context(self, clauses: np.ndarray, sentences: np.ndarray) -> np.ndarray:
        """The issue perceptrons' input: clause and sentence rows side by side, without `scale`
        (unit length, or zero for a text with no known token)."""
        return np.hstack([clauses, sentences]) / self.scale


def with_issue(rows: np.ndarray, issues: list[str]) -> np.ndarray:
    """Each row plain and again in the block of its issue (`issues`: one per row; the other issues'
    blocks zero), as `features.with_issue` crosses the hashed tokens: wording that signals a stance
    on one issue ("allow", "limits") need not signal it on the other."""
    on = np.array([[i == issue for i in ISSUES] for issue in issues], np.float32).reshape(len(issues), len(ISSUES))
    return np.hstack([rows] + [rows * on[:, k:k + 1] for k in range(len(ISSUES))])


def clause(sent, cand, window: int = WINDOW) -> str:
    """The candidate's clause: its sentence from its first mention to `window` characters after its
    last, cut where another speaker of the sentence is named ("..., said the Kremlin spokesman":
    the words after that are the other speaker's). A state's name does not cut: it is as often the
    object ("troops to Ukraine", "strikes on Russia") as a speaker."""
    if not cand.spans:
        return sent.text[:window]
    start, end = cand.spans[0][0], cand.spans[-1][1]
    others = [a for o in sent.candidates if o is not cand and o.kind in SPEAKER_KINDS for a, _ in o.spans if a >= end]
    return sent.text[start:min([end + window, *others])]


def load(window: int = WINDOW, scale: float = SCALE, dim: int = DIM, config: str = CONFIG,
         issue_weight: float = ISSUE_WEIGHT, **_card) -> Embedder:
    """The embedder of a model card's `embedding` settings (default: the shipped ones), from the files
    inside the installed wordllama package (never downloads); InputError (one line) when wordllama is
    missing."""
    # One thread per tagger: documents are what runs in parallel (`tag-corpus` workers); the
    # tokenizer's own thread pool would compete with them for the same cores (and it warns on fork).
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        import wordllama
        from wordllama import WordLlama
    except ImportError:
        raise InputError("wordllama is not installed (the classifiers need it); run "
                         "`pip install -r requirements.txt`") from None
    package = Path(wordllama.__file__).parent
    # The package folder is also given as the cache: wordllama looks for its tokenizer under
    # <cache>/tokenizers/, which is where its wheel puts it.
    model = WordLlama.load(config=config, dim=dim, cache_dir=package, disable_download=True)
    return Embedder(window, scale, dim, model, config, issue_weight)
