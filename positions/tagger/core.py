"""Tagger: text -> Statements following CODEBOOK.md, by rules and (when a model file is present)
a learned layer on top of them.

Rule pipeline, one document at a time (stages in their own modules):
1. split into sentences (`text`; offsets kept: evidence is always a slice of the input);
2. issue cues per sentence (`Tagger.issues_of`: topic + scope, or scope-only wording right after
   an on-issue sentence);
3. speakers (`speakers`): named people, titles, states as subjects, anonymous officials; "he said"
   and unattributed quotes carry the last named speaker; each speaker owns a segment;
4. stance per segment (`Tagger.stance_of`, `segments`) from the cue groups, with negation;
   the cue patterns of steps 2 and 4 are searched only where one RE2 pass says they may match
   (`prefilter`);
5. date from the segment or sentence, resolved against publication (`dates`, `document`);
6. one record per (speaker, issue, stance), the best-scoring sentence as evidence (`segments`).
The learned layer (`candidates`, `features`, `learned`, `hybrid`) adds the records the rules miss.
All vocabulary lives in positions/reference/codebook.yaml (`lexicons`).
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

from positions.model import Statement
from positions.reference import codebook as codebook_mod
from positions.reference import registry as registry_mod
from positions.tagger import document, segments, speakers
from positions.tagger.rules import compile_rules
from positions.tagger.text import sentences


class Tagger:
    """Compiled rules and an optional learned model; `tag(text, published)` returns Statements.

    Holds no per-call state: one instance can tag several documents at once.
    """

    def __init__(self, codebook=None, registry=None, model=None, mode: str = "both"):
        self.codebook = codebook or codebook_mod.load()
        self.registry = registry or registry_mod.load()
        self.rules = compile_rules(self.codebook, self.registry)
        self.model = model
        self.mode = mode if model is not None else "rules"

    def issues_of(self, sent: str, recent: set, anchored: set | None = None) -> list[tuple[str, str]]:
        """Issues of a sentence as (issue, cue label); `anchored` (when given) are the issues whose
        anchors it holds. A label ending in ":context" means: only from the previous sentences."""
        out = []
        sent = sent.replace("’", "'")   # one apostrophe for the lexicons ("don’t" = "don't"); same length
        wanted = [i for i in self.rules.issues if anchored is None or i in anchored or i in recent]
        found = self.rules.issue_cues.found(sent) if wanted else set()
        for issue in wanted:
            scope = (issue, "scope") in found
            if scope and (issue, "topic") in found:
                label = f"issue:{issue}"
            elif issue in recent and (scope or (issue, "context") in found):
                label = f"issue:{issue}:context"
            else:
                continue
            if (issue, "exclude") not in found:
                out.append((issue, label))
        return out

    def stance_of(self, clause: str) -> tuple[str | None, str]:
        """(stance, cue) of a clause from the stance cue groups, in the codebook's order; negation
        just before a negatable support cue makes it oppose."""
        rules = self.rules
        clause = clause.replace("’", "'")   # curly apostrophes as straight ones ("don’t think they should")
        cues = rules.stances
        for k in cues.candidates(clause):
            group, stance, negatable, cue = cues.payload[k]
            for m in cues.compiled[k].finditer(clause):
                if rules.question.search(clause, max(0, m.start() - 50), m.start()):
                    continue
                if negatable and rules.concessive.search(clause, max(0, m.start() - 50), m.start()):
                    continue
                if negatable and rules.negator.search(clause, max(0, m.start() - 30), m.start()):
                    if stance == "support":
                        return "oppose", f"stance:{group}[{cue}]:negated"
                    continue
                return stance, f"stance:{group}[{cue}]"
        return None, ""

    def resolve_mention(self, m, on, history):
        """(Resolution, how) of one mention match, or (None, "")."""
        return speakers.resolve_mention(self, m, on, history)

    def speakers_of(self, sent: str, on, history, quoted: bool = False):
        """Speakers of a sentence; `quoted`: it starts inside a quotation opened earlier."""
        return speakers.speakers_of(self, sent, on, history, quoted)

    def candidates(self, text: str, published: date | None, spans=None):
        """Rule candidates (speaker, issue, stance, sentence) of a document; `spans`: its sentences
        when already split."""
        return document.candidates(self, text, published, spans)

    def records(self, cands, text, published, source_url="", source_title="", offset=0) -> list[Statement]:
        """One Statement per (speaker, issue, stance) from rule candidates."""
        return segments.records(self, cands, text, published, source_url, source_title, offset)

    def tag(self, text: str, published: date | None = None, source_url: str = "", source_title: str = "",
            offset: int = 0) -> list[Statement]:
        """Tag one document with the layers of `self.mode` (rules / model / both)."""
        spans = sentences(text, self.rules.abbreviations)      # split once for both layers
        rule_recs = self.records(self.candidates(text, published, spans), text, published, source_url, source_title,
                                 offset)
        if self.mode == "rules" or self.model is None:
            return rule_recs
        from positions.tagger import hybrid

        return hybrid.tag_with_model(self, text, published, rule_recs, source_url, source_title, offset, spans)


def tag_text(text: str, published: date | None = None, source_url: str = "", source_title: str = "",
             registry=None, codebook=None, tagger: Tagger | None = None, offset: int = 0) -> list[Statement]:
    """Tag one document: one record per (speaker, issue, stance), best sentence as evidence."""
    tagger = tagger or get_tagger(codebook, registry)
    return tagger.tag(text, published, source_url, source_title, offset)


def get_tagger(codebook=None, registry=None, mode: str = "both", model_path=None) -> Tagger:
    """A Tagger with the bundled model (when its file exists) for `mode`; "rules" needs no model.
    With no codebook, registry or model path given, the process's one default Tagger of that mode."""
    if codebook is None and registry is None and model_path is None:
        return _default_tagger(mode)
    return _new_tagger(codebook, registry, mode, model_path)


def _new_tagger(codebook, registry, mode, model_path) -> Tagger:
    from positions.tagger import learned

    path = Path(model_path) if model_path else learned.DEFAULT_MODEL
    model = learned.Model.load(path) if mode != "rules" and (model_path or path.exists()) else None
    return Tagger(codebook, registry, model, mode)


@lru_cache(maxsize=None)
def _default_tagger(mode: str) -> Tagger:
    # Compiling the rules takes a while; a Tagger is immutable after construction, so one is shared.
    return _new_tagger(None, None, mode, None)
