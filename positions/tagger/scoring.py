"""The scorer logic of ../shared/eval/score.py, in process: unique (affiliation, issue, stance) triples
per document, a prediction matching a gold triple of the same affiliation and issue whose stance or
also_ok holds the predicted stance (maximum bipartite matching), micro P/R/F1 and date accuracy."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    dates_n: int = 0
    dates_ok: int = 0
    evidence_n: int = 0
    evidence_ok: int = 0
    pairs: list = field(default_factory=list)     # (confidence, correct) per predicted triple

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self) -> str:
        dates = f"{self.dates_ok / self.dates_n:.3f}" if self.dates_n else "-"
        ev = f"{self.evidence_ok / self.evidence_n:.3f}" if self.evidence_n else "-"
        return (f"tp={self.tp} fp={self.fp} fn={self.fn} precision={self.precision:.3f} recall={self.recall:.3f} "
                f"f1={self.f1:.3f} date_accuracy={dates} evidence_valid={ev}")


def gold_units(statements) -> dict:
    units: dict = {}
    for s in statements:
        u = units.setdefault((s["affiliation"], s["issue"], s["stance"]), {"ok": set(), "dates": set()})
        u["ok"] |= {s["stance"], *s.get("also_ok", [])}
        if s.get("statement_date"):
            u["dates"].add(s["statement_date"])
    return units


def match(pred, gold) -> dict:
    """Maximum bipartite matching of predicted to gold triples: {pred: gold}."""
    edges = {p: [g for g, u in gold.items() if g[:2] == p[:2] and p[2] in u["ok"]] for p in pred}
    owner: dict = {}

    def augment(p, seen):
        for g in edges[p]:
            if g not in seen:
                seen.add(g)
                if g not in owner or augment(owner[g], seen):
                    owner[g] = p
                    return True
        return False

    for p in sorted(pred):
        augment(p, set())
    return {p: g for g, p in owner.items()}


def add(tally: Tally, text: str, statements, records: list[dict]) -> None:
    """Score one document's records (JSON-ready dicts) against its gold statements."""
    tally.evidence_n += len(records)
    tally.evidence_ok += sum(bool(r["evidence"]) and r["evidence"] in text for r in records)
    conf: dict = {}
    for r in records:
        k = (r["affiliation"], r["issue"], r["stance"])
        conf[k] = max(conf.get(k, 0.0), r.get("confidence") or 0.0)
    gold = gold_units(statements)
    m = match(set(conf), gold)
    tally.tp += len(m)
    tally.fp += len(conf) - len(m)
    tally.fn += len(gold) - len(m)
    tally.pairs += [(c, k in m) for k, c in conf.items()]
    for p, g in m.items():
        if gold[g]["dates"]:
            tally.dates_n += 1
            tally.dates_ok += any(r["statement_date"] in gold[g]["dates"] for r in records
                                  if (r["affiliation"], r["issue"], r["stance"]) == p)


def reliability(pairs, edges=(0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)) -> list[str]:
    """Precision of predicted triples per confidence band."""
    lines = ["confidence     n  correct  precision"]
    for lo, hi in zip(edges, edges[1:]):
        hits = [ok for c, ok in pairs if lo <= c < hi]
        if hits:
            lines.append(f"{lo:.1f}-{min(hi, 1.0):.1f}  {len(hits):5d}  {sum(hits):7d}  {sum(hits) / len(hits):9.2f}")
    return lines
