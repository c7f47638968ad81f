"""`positions evaluate`: test split, cross-validation on train, dev, learning curve, ablation,
reliability of confidence and throughput; or, for an OpenAI-compatible endpoint, its records on the test
split and dev. Only reads test and dev; tunes nothing."""
from __future__ import annotations

import zlib
from collections import Counter
from pathlib import Path

from positions.tagger import scoring, training


def score_prepared(model, prepared, mode: str) -> scoring.Tally:
    """Scorer logic over prepared documents for one layer set-up; confidence calibrated as `tag` prints it."""
    tally = scoring.Tally()
    for p in prepared:
        scoring.add(tally, p.doc.text, p.doc.statements, training.decode(model, p, mode, calibrate=True))
    return tally


def cross_validation(prepared, threshold: float | dict, k: int = 5, embedder=None) -> list[tuple[int, scoring.Tally]]:
    """k folds of train by document; each fold scored by a model fitted on the others ("both")."""
    out = []
    for f in range(k):
        fit_on = [e for p in prepared if training.fold_of(p.doc.doc_id, k) != f for e in p.examples()]
        model = training.fit(fit_on, embedder=embedder)
        model.set_thresholds(threshold)
        out.append((f, score_prepared(model, [p for p in prepared if training.fold_of(p.doc.doc_id, k) == f], "both")))
    return out


def learning_curve(train_prep, val_prep, threshold: float | dict, shares=(0.25, 0.5, 0.75, 1.0), embedder=None):
    """F1 on validation against the number of training documents (a fixed order: by doc_id hash)."""
    order = sorted(train_prep, key=lambda p: zlib.crc32(p.doc.doc_id.encode()))
    out = []
    for share in shares:
        part = order[:max(1, round(share * len(order)))]
        model = training.fit([e for p in part for e in p.examples()], embedder=embedder)
        model.set_thresholds(threshold)
        out.append((len(part), score_prepared(model, val_prep, "model"), score_prepared(model, val_prep, "both")))
    return out


def _pooled(tallies) -> scoring.Tally:
    total = scoring.Tally()
    for t in tallies:
        for k in ("tp", "fp", "fn", "dates_n", "dates_ok", "evidence_n", "evidence_ok"):
            setattr(total, k, getattr(total, k) + getattr(t, k))
    return total


def report(tagger, model, docs: dict, dev_docs, model_only, throughput: dict) -> list[str]:
    """The lines of benchmarks/tagger.txt (docs: split -> documents)."""
    prep = {s: [training.prepare(tagger, d) for d in ds] for s, ds in docs.items()}
    test_plain = [training.prepare(tagger, d, use_rules=False) for d in docs["test"]]
    lines = [f"# model {model.card.get('weights_sha256', '')[:12]} trained on {model.card['trained_on']}",
             f"# thresholds {model.thresholds()} (chosen on validation + out-of-fold train, no test document), seed {model.card['settings']['seed']}", ""]
    lines.append(f"## Test split ({len(docs['test'])} documents, {sum(len(d.statements) for d in docs['test'])} statements)"
                 " - ablation by layer")
    both = None
    for mode in ("rules", "model", "both"):
        t = score_prepared(model, prep["test"], mode)
        both = t if mode == "both" else both
        lines.append(f"{mode + (' (rule features)' if mode == 'model' else ''):24s} {t.line()}")
    lines.append(f"{'model (no rule feature)':24s} {score_prepared(model_only, test_plain, 'model').line()}")
    lines += ["", "## Reliability of `confidence` on the test split (layers: both)"] + scoring.reliability(both.pairs)
    lines += ["", "## 5-fold cross-validation on train (by document; layers: both; threshold as shipped)"]
    folds = cross_validation(prep["train"], model.thresholds(), embedder=model.embedder)
    lines += [f"fold {f}: {t.line()}" for f, t in folds]
    lines.append(f"pooled: {_pooled(t for _, t in folds).line()}")
    if dev_docs:
        dev_prep = [training.prepare(tagger, d) for d in dev_docs]
        lines += ["", f"## ../shared/corpus/dev ({len(dev_docs)} documents; never trained on; the rules were first written on it)"]
        for mode in ("rules", "both"):
            lines.append(f"{mode:24s} {score_prepared(model, dev_prep, mode).line()}")
    lines += ["", "## Learning curve (fitted on the first N train documents; scored on validation)",
              "N_docs  model_F1  both_F1  both_P"]
    for n, tm, tb in learning_curve(prep["train"], prep["validation"], model.thresholds(), embedder=model.embedder):
        lines.append(f"{n:6d}  {tm.f1:8.3f}  {tb.f1:7.3f}  {tb.precision:6.3f}")
    lines += ["", "## Throughput (CPU time of one process on one thread = one core, synthetic news text of bench.py; "
              f"best of {throughput['repeats']} interleaved runs)",
              f"bytes={throughput['bytes']} sentences={throughput['sentences']} records={throughput['records']}",
              f"bare sentence split: {throughput['split_s']:.3f} s ({throughput['bytes'] / 1e6 / throughput['split_s']:.1f} MB/s)",
              f"tagger (both layers): {throughput['tag_s']:.3f} s ({throughput['mb_per_s']:.2f} MB/s)   (target: >= 1 MB/s per core)"]
    return lines


def dev_documents(folder: Path, encoding: str = "utf-8"):
    from positions.tagger import corpus

    return corpus.load(folder, encoding=encoding) if folder.is_dir() else []


def endpoint_report(tagger, test_docs, dev_docs, url: str, model_name: str, progress=None) -> list[str]:
    """The lines of a report on an OpenAI-compatible endpoint (as `llm.tag` asks it): its records scored on the
    test split and on dev, and per section what it returned that was dropped, by reason. `progress`:
    called with (documents done, documents in all) after each document."""
    from positions.tagger import llm

    total, done = len(test_docs) + len(dev_docs), 0
    lines = [f"# endpoint {url}, model {model_name}; scored as returned (nothing trained or tuned)"]
    for title, docs in ((f"Test split ({len(test_docs)} documents)", test_docs),
                        (f"../shared/corpus/dev ({len(dev_docs)} documents)", dev_docs)):
        if not docs:
            continue
        tally, dropped = scoring.Tally(), Counter()
        for d in docs:
            records, report = llm.tag(tagger, d.text, d.published, url, model_name, d.url)
            scoring.add(tally, d.text, d.statements, [r.to_record() for r in records])
            dropped.update(report.dropped)
            done += 1
            if progress:
                progress(done, total)
        lines += ["", f"## {title}", f"{'endpoint':24s} {tally.line()}",
                  f"dropped {sum(dropped.values())}" + "".join(f"; {why}: {n}" for why, n in dropped.most_common())]
    return lines
