"""`positions evaluate`: test split, cross-validation on train, dev, learning curve, ablation,
reliability of confidence and throughput. Only reads test and dev; tunes nothing."""
from __future__ import annotations

import zlib
from pathlib import Path

from positions.tagger import scoring, training


def score_docs(tagger, model, docs, mode: str, use_rules: bool = True) -> scoring.Tally:
    """Scorer logic over documents for one layer set-up; confidences calibrated as `tag` prints them."""
    tally = scoring.Tally()
    for d in docs:
        recs = training.predict_doc(tagger, model, d, mode, use_rules)
        if mode != "rules" and model.card.get("calibration"):
            for r in recs:
                if "layer:model" in r["cues"]:
                    r["confidence"] = round(model.confidence(r["confidence"]), 2)
        scoring.add(tally, d.text, d.statements, recs)
    return tally


def fold_of(doc_id: str, k: int = 5) -> int:
    return zlib.crc32(doc_id.encode()) % k


def cross_validation(tagger, train_docs, threshold: float, k: int = 5) -> list[tuple[int, scoring.Tally]]:
    """k folds of train by document; each fold scored by a model fitted on the others ("both")."""
    cache = {d.doc_id: training.doc_examples(tagger, d, 0) for d in train_docs}
    out = []
    for f in range(k):
        fit_on = [e for d in train_docs if fold_of(d.doc_id, k) != f for e in cache[d.doc_id]]
        model = training.fit(fit_on)
        model.threshold = threshold
        out.append((f, score_docs(tagger, model, [d for d in train_docs if fold_of(d.doc_id, k) == f], "both")))
    return out


def learning_curve(tagger, train_docs, val_docs, threshold: float, shares=(0.25, 0.5, 0.75, 1.0)):
    """F1 on validation against the number of training documents (a fixed order: by doc_id hash)."""
    order = sorted(train_docs, key=lambda d: zlib.crc32(d.doc_id.encode()))
    cache = {d.doc_id: training.doc_examples(tagger, d, 0) for d in order}
    out = []
    for share in shares:
        part = order[:max(1, round(share * len(order)))]
        model = training.fit([e for d in part for e in cache[d.doc_id]])
        model.threshold = threshold
        out.append((len(part), score_docs(tagger, model, val_docs, "model"), score_docs(tagger, model, val_docs, "both")))
    return out


def report(tagger, model, docs: dict, dev_docs, model_only, throughput: dict) -> list[str]:
    """The lines of benchmarks/tagger.txt (docs: split -> documents)."""
    lines = [f"# model {model.card.get('weights_sha256', '')[:12]} trained on {model.card['trained_on']}",
             f"# threshold {model.threshold} (chosen on validation), seed {model.card['settings']['seed']}", ""]
    lines.append(f"## Test split ({len(docs['test'])} documents, {sum(len(d.statements) for d in docs['test'])} statements)"
                 " - ablation by layer")
    both = None
    for mode in ("rules", "model", "both"):
        t = score_docs(tagger, model, docs["test"], mode)
        both = t if mode == "both" else both
        lines.append(f"{mode + (' (rule features)' if mode == 'model' else ''):24s} {t.line()}")
    t = score_docs(tagger, model_only, docs["test"], "model", use_rules=False)
    lines.append(f"{'model (no rule feature)':24s} {t.line()}")
    lines += ["", "## Reliability of `confidence` on the test split (layers: both)"] + scoring.reliability(both.pairs)
    lines += ["", "## 5-fold cross-validation on train (by document; layers: both)"]
    total = scoring.Tally()
    for f, t in cross_validation(tagger, docs["train"], model.threshold):
        lines.append(f"fold {f}: {t.line()}")
        for k in ("tp", "fp", "fn"):
            setattr(total, k, getattr(total, k) + getattr(t, k))
    lines.append(f"pooled: {total.line()}")
    if dev_docs:
        lines += ["", f"## ../shared/corpus/dev ({len(dev_docs)} documents)"]
        for mode in ("rules", "both"):
            lines.append(f"{mode:24s} {score_docs(tagger, model, dev_docs, mode).line()}")
    lines += ["", "## Learning curve (fitted on the first N train documents; scored on validation)",
              "N_docs  model_F1  both_F1  both_P"]
    for n, tm, tb in learning_curve(tagger, docs["train"], docs["validation"], model.threshold):
        lines.append(f"{n:6d}  {tm.f1:8.3f}  {tb.f1:7.3f}  {tb.precision:6.3f}")
    lines += ["", "## Throughput (one core, synthetic news text of bench.py; best of 3 interleaved runs)",
              f"bytes={throughput['bytes']} sentences={throughput['sentences']} records={throughput['records']}",
              f"bare sentence split: {throughput['split_s']:.3f} s ({throughput['bytes'] / 1e6 / throughput['split_s']:.1f} MB/s)",
              f"tagger (both layers): {throughput['tag_s']:.3f} s ({throughput['mb_per_s']:.2f} MB/s)   (target: >= 1 MB/s per core)"]
    return lines


def dev_documents(folder: Path):
    from positions.tagger import corpus

    return corpus.load(folder) if folder.is_dir() else []
