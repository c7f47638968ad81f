"""Rules and the learned layer together: which records each layer keeps, and how they merge.

Layers (`mode`): "rules" (the rule pipeline alone), "model" (the classifiers alone, which see the
rule records as features), "both" (every rule record, plus the classifiers' records for the
(affiliation, issue) pairs the rules have none for: the rules stay where they are precise). Every
record says which layer found it in its cues (`layer:rules` / `layer:model`).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from positions.model import Statement
from positions.tagger import dates, learned

MODES = ("rules", "model", "both")


def model_records(scored: list[learned.Scored], text: str, published, threshold: float, rule_records,
                  source_url: str = "", source_title: str = "", offset: int = 0, confidence=None) -> list[Statement]:
    """One record per (affiliation, issue): its best stance if its score reaches the threshold."""
    best: dict[tuple, learned.Scored] = {}
    for s in scored:
        if s.sent.unnamed_at >= 0 and (not s.cand.spans or s.cand.spans[0][0] < s.sent.unnamed_at):
            continue   # the speaker reports an unnamed group's position (codebook: not annotated)
        if s.cand.subordinate or s.cand.reported:
            # "..., after X hinted at it": X owns only that clause (the rules read it); "hoped X would",
            # "X is under pressure to": a wish or a report about X, not X's position.
            continue
        key = (s.cand.affiliation, s.issue)
        if s.score >= threshold and (key not in best or s.score > best[key].score):
            best[key] = s
    dated = {(r.affiliation, _v(r.issue), _v(r.stance)): dates.with_precision(r.statement_date, _v(r.date_precision))
             for r in rule_records if r.statement_date}
    out = []
    for (aff, issue), s in best.items():
        res = s.cand.res
        day = _not_after(dated.get((aff, issue, s.stance)) or s.sent.day, published)
        out.append(Statement(
            actor=res.name, affiliation=aff, actor_type=res.actor_type, role=res.role_title, issue=issue,
            stance=s.stance, statement_date=dates.plain(day), date_precision=dates.precision_of(day),
            evidence=text[s.sent.start:s.sent.end],
            source_url=source_url, source_title=source_title, published=published, actor_id=res.actor_id,
            confidence=round(confidence(s.score) if confidence else min(0.99, s.score), 2), origin="tagged", status="suggested",
            cues=("layer:model", f"speaker:{s.cand.kind}", f"p_issue={s.p_issue:.2f}", f"p_stance={s.p_stance:.2f}"),
            evidence_start=s.sent.start + offset, evidence_end=s.sent.end + offset))
    return out


def merge_rules_first(model_recs, rule_records, model=None):
    """The rule records, plus the model's records for (affiliation, issue) pairs the rules have none for.
    With `model`, the rule records' confidence goes through the model card's map for the rule layer."""
    taken = {(r.affiliation, _v(r.issue)) for r in rule_records}
    out = [replace(r, cues=("layer:rules", *r.cues),
                   confidence=round(model.confidence(r.confidence, "rules"), 2) if model else r.confidence)
           for r in rule_records]
    return out + [r for r in model_recs if (r.affiliation, _v(r.issue)) not in taken]


def tag_with_model(tagger, text, published, rule_recs, source_url="", source_title="", offset=0,
                   spans=None) -> list[Statement]:
    """The records of `tagger.mode` ("model" or "both") for one document, given its rule records
    (and its sentence offsets when already split)."""
    model = tagger.model
    pairs, toks = learned.featurize(tagger, text, published, rule_recs if model.card.get("rule_features", True) else [],
                                    spans)
    scored = learned.score(model, pairs, toks)
    mr = model_records(scored, text, published, model.threshold, rule_recs, source_url, source_title, offset,
                       confidence=model.confidence)
    return mr if tagger.mode == "model" else merge_rules_first(mr, rule_recs, model)


def _v(x):
    return getattr(x, "value", x)


def _not_after(day: date | None, published: date | None) -> date | None:
    return None if day and published and day > published else day
