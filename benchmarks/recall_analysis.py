"""Where the tagger loses recall: each missed gold triple by the stage that lost it, and each false positive
by its cause, on documents no model being scored saw (train out of fold + validation; never test).

    /work/main/.venv/bin/python benchmarks/recall_analysis.py [--out benchmarks/recall_analysis.txt]

Models as `positions train` fits them for its threshold choice: one per fold of train (scored on that fold)
and one on all train (scored on validation); the thresholds are chosen over those documents as `train` does.

Buckets of a missed gold triple (affiliation, issue, stance), first that applies:
  d merged       a record (affiliation, issue) exists but matched another gold stance of that pair
                 (one record per actor and issue)
  c stance       a record (affiliation, issue) exists with a stance the gold does not accept
  e affiliation  no record for the affiliation, but a false-positive record of another affiliation with the
                 same issue and stance has its evidence in the gold evidence sentence (other vs government,
                 org vs state, wrong state)
  a candidates   no sentence of the gold evidence has a candidate of that affiliation
                 (a0: evidence sentence not gated at all / a1: gated, actor not found)
  b issue        a candidate exists; (b0) dropped as subordinate / reported / unnamed group / carried from an
                 earlier sentence; (b1) best p_issue below threshold; (b2) p_issue above but p_issue x p_stance
                 below
Causes of a false positive triple (first that applies): stance (gold has the pair with another stance),
issue (gold has the affiliation on the other issue only), actor (a gold statement of another affiliation on this
issue has that sentence as evidence), no-position document, sentence not coded (the document codes nothing
for the affiliation and the sentence is no evidence of that issue); split by layer.
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from positions.tagger import corpus, embedding, hybrid, learned, scoring, training  # noqa: E402
from positions.tagger.core import get_tagger  # noqa: E402

BUCKETS = ("d merged", "c stance", "e affiliation", "a0 not gated", "a1 actor not found",
           "b0 dropped (not the sentence's speaker)", "b1 p_issue < threshold", "b2 p_issue x p_stance < threshold",
           "x evidence not in text")


def _evidence_sentences(prep, stmts) -> set[int]:
    """Indexes (in the candidate generator's sentences) of the sentences that overlap each statement's evidence."""
    out = set()
    spans = [(a, b) for a, b, s in training.gold_spans(prep.doc) if s in stmts]
    for s, _ in prep.pairs:
        if any(a < s.end and s.start < b for a, b in spans):
            out.add(s.idx)
    return out


def _gated_overlap(prep, sents, stmts) -> bool:
    spans = [(a, b) for a, b, s in training.gold_spans(prep.doc) if s in stmts]
    return any(a < s.end and s.start < b for s in sents for a, b in spans)


def analyse_doc(model, prep, th: dict, miss: Counter, fps: Counter, layer_of_miss: Counter) -> None:
    """Add one document's missed triples and false positives to the counters."""
    from positions.tagger import candidates as cand_mod

    doc = prep.doc
    recs = training.decode(model, prep, "both", th)
    preds = {}
    for r in recs:
        preds.setdefault((r["affiliation"], r["issue"], r["stance"]), r)
    gold = scoring.gold_units(doc.statements)
    matched = scoring.match(set(preds), gold)
    hit = set(matched.values())
    scored = learned.score(model, prep.pairs, prep.tokens, 0.0)
    all_sents = None
    fp_keys = [p for p in preds if p not in matched]
    for g in gold:
        if g in hit:
            continue
        aff, issue, stance = g
        stmts = [s for s in doc.statements if (s["affiliation"], s["issue"], s["stance"]) == g]
        same_pair = [p for p in preds if p[:2] == (aff, issue)]
        if same_pair:
            other = any(p in matched and matched[p] != g for p in same_pair)
            b = "d merged" if other else "c stance"
            miss[b] += 1
            layer_of_miss[(b, "rules" if "layer:rules" in preds[same_pair[0]]["cues"] else "model")] += 1
            continue
        if not any(s["evidence"] in doc.text for s in stmts):
            miss["x evidence not in text"] += 1
            continue
        ev_idx = _evidence_sentences(prep, stmts)
        if any(p[1:] == (issue, stance) and _overlaps(doc.text, preds[p]["evidence"], stmts) for p in fp_keys):
            miss["e affiliation"] += 1
            continue
        cands = [(s, c) for s, c in prep.pairs if s.idx in ev_idx and c.affiliation == aff]
        if not cands:
            if all_sents is None:
                all_sents = cand_mod.generate(_TAGGER[0], doc.text, doc.published)
            miss["a1 actor not found" if _gated_overlap(prep, all_sents, stmts) else "a0 not gated"] += 1
            continue
        mine = [x for x in scored if x.cand.affiliation == aff and x.issue == issue and x.sent.idx in ev_idx]
        kept = [x for x in mine if hybrid.owns_position(x)]
        if not kept:
            miss["b0 dropped (not the sentence's speaker)"] += 1
        elif max(x.p_issue for x in kept) < th[issue]:
            miss["b1 p_issue < threshold"] += 1
        else:
            miss["b2 p_issue x p_stance < threshold"] += 1
    for p in fp_keys:
        layer = "rules" if "layer:rules" in preds[p]["cues"] else "model"
        affs = {g[:2] for g in gold}
        ev = preds[p]["evidence"]
        if p[:2] in affs:
            cause = "stance"
        elif any(g[0] == p[0] for g in gold):
            cause = "issue"
        elif any(s["issue"] == p[1] and _overlaps(doc.text, ev, [s]) for s in doc.statements):
            cause = "actor"
        elif not doc.statements:
            cause = "no-position document"
        else:
            cause = "sentence not coded"
        fps[(cause, layer)] += 1


def _overlaps(text: str, evidence: str, stmts) -> bool:
    a = text.find(evidence)
    if a < 0:
        return False
    b = a + len(evidence)
    for s in stmts:
        x = text.find(s["evidence"])
        if x >= 0 and x < b and a < x + len(s["evidence"]):
            return True
    return False


_TAGGER: list = []


def run(tagger, train_docs, val_docs) -> list[str]:
    """The report's lines."""
    _TAGGER[:] = [tagger]
    train_prep = [training.prepare(tagger, d) for d in train_docs]
    val_prep = [training.prepare(tagger, d) for d in val_docs]
    sets = training.unseen_sets(train_prep, val_prep, embedder=embedding.load())
    th = training.choose_thresholds(sets)
    lines = [f"# recall decomposition: train out of fold ({len(train_docs)} documents, {training.FOLDS} folds) + "
             f"validation ({len(val_docs)}); thresholds {th} chosen as `positions train` does; no test document", ""]
    total = {"cv": scoring.Tally(), "validation": scoring.Tally()}
    miss, fps, lom = Counter(), Counter(), Counter()
    for k, (model, prepared) in enumerate(sets):
        for p in prepared:
            scoring.add(total["validation" if k == 0 else "cv"], p.doc.text, p.doc.statements,
                        training.decode(model, p, "both", th))
            analyse_doc(model, p, th, miss, fps, lom)
    for name, t in total.items():
        lines.append(f"{name:10s} {t.line()}")
    n = sum(miss.values())
    lines += ["", f"## Missed gold triples ({n})", "bucket                                        n   share"]
    for b in BUCKETS:
        if miss[b]:
            lines.append(f"{b:42s} {miss[b]:5d}  {miss[b] / n:5.1%}")
    lines += ["", "missed by a wrong record of (c/d), by layer: " +
              ", ".join(f"{b} {layer} {v}" for (b, layer), v in sorted(lom.items()))]
    nf = sum(fps.values())
    lines += ["", f"## False positive triples ({nf})", "cause                      layer     n"]
    for (cause, layer), v in sorted(fps.items(), key=lambda kv: -kv[1]):
        lines.append(f"{cause:26s} {layer:6s} {v:5d}")
    return lines


def main() -> int:
    out = Path(sys.argv[sys.argv.index("--out") + 1]) if "--out" in sys.argv else None
    tagger = get_tagger(mode="rules")
    folder = ROOT / "data" / "corpus"
    lines = run(tagger, corpus.load(folder, ("train",)), corpus.load(folder, ("validation",)))
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if out:
        corpus.atomic_write(out, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
