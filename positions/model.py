"""Typed, validated records: the `Statement` of CODEBOOK.md plus provenance fields."""
from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field, fields
from datetime import date
from enum import Enum

from positions.errors import InvalidField


class Issue(str, Enum):
    CROSS_BORDER_STRIKES = "cross_border_strikes"
    TRAINER_DEPLOYMENT = "trainer_deployment"


class Stance(str, Enum):
    SUPPORT = "support"
    OPPOSE = "oppose"
    CONDITIONAL = "conditional"
    UNDECIDED = "undecided"


# The one stance order, most to least supportive. Every chart, table and rule uses it; a higher
# index is the more cautious stance (the official-position tie-break prefers it).
STANCE_ORDER = (Stance.SUPPORT.value, Stance.CONDITIONAL.value, Stance.UNDECIDED.value, Stance.OPPOSE.value)


class DatePrecision(str, Enum):
    """How much of `statement_date` the text gives: the date stands for its whole period."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class Attribution(str, Enum):
    """How the document reports the position (positions/reference/codebook.yaml, official_position)."""

    DIRECT = "direct"      # the actor's own words or act, reported as such
    SUMMARY = "summary"    # a paraphrase, recap or background line about the actor's position
    RELAYED = "relayed"    # someone else's claim about it: another government, anonymous officials, media reports
    PAST = "past"          # a position the text says the actor held before ("until now", "had restricted")


class ActorType(str, Enum):
    GOVERNMENT = "government"
    ORGANIZATION = "organization"
    OTHER = "other"


class Origin(str, Enum):
    TAGGED = "tagged"
    REVIEWED = "reviewed"
    MANUAL = "manual"


class Status(str, Enum):
    SUGGESTED = "suggested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


AFFILIATION_RE = re.compile(r"^(?:[A-Z]{2}|NATO|EU)$")


def parse_date(value, field_name: str) -> date | None:
    """YYYY-MM-DD string/date/None -> date or None; anything else raises InvalidField."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidField(field_name, value, "a date YYYY-MM-DD")


def _enum(cls, value, field_name):
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in cls)
        raise InvalidField(field_name, value, f"one of {allowed}") from None


def statement_id(source: str, actor: str, issue: str, evidence: str) -> str:
    """Stable id: hash of source + actor + issue + evidence."""
    key = "\x1f".join([source or "", actor, issue, evidence])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Statement:
    """One actor's position on one issue as reported in one source (CODEBOOK.md)."""

    actor: str
    affiliation: str
    actor_type: ActorType
    issue: Issue
    stance: Stance
    statement_date: date | None
    evidence: str
    source_url: str = ""
    source_title: str = ""
    published: date | None = None
    actor_id: str = ""
    role: str = ""
    confidence: float = 1.0
    origin: Origin = Origin.MANUAL
    status: Status = Status.ACCEPTED
    note: str = ""
    # Empty iff statement_date is empty; a date without a precision is a day.
    date_precision: DatePrecision | None = None
    attribution: Attribution = Attribution.DIRECT
    id: str = ""
    # Tagger explanation; not stored in the CSV.
    cues: tuple[str, ...] = field(default=(), compare=False)
    evidence_start: int | None = field(default=None, compare=False)
    evidence_end: int | None = field(default=None, compare=False)

    def __post_init__(self):
        set_ = object.__setattr__
        for name in ("actor", "evidence"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise InvalidField(name, value, "a non-empty string")
        if not isinstance(self.affiliation, str) or not AFFILIATION_RE.match(self.affiliation):
            raise InvalidField("affiliation", self.affiliation, "an ISO 3166-1 alpha-2 code, NATO or EU")
        set_(self, "actor_type", _enum(ActorType, self.actor_type, "actor_type"))
        set_(self, "issue", _enum(Issue, self.issue, "issue"))
        set_(self, "stance", _enum(Stance, self.stance, "stance"))
        set_(self, "origin", _enum(Origin, self.origin, "origin"))
        set_(self, "status", _enum(Status, self.status, "status"))
        set_(self, "statement_date", parse_date(self.statement_date, "statement_date"))
        set_(self, "published", parse_date(self.published, "published"))
        self._check_precision()
        set_(self, "attribution", _enum(Attribution, self.attribution or Attribution.DIRECT.value, "attribution"))
        try:
            conf = float(self.confidence)
        except (TypeError, ValueError):
            raise InvalidField("confidence", self.confidence, "a number between 0 and 1") from None
        if not 0.0 <= conf <= 1.0 or math.isnan(conf):
            raise InvalidField("confidence", self.confidence, "a number between 0 and 1")
        set_(self, "confidence", conf)
        for name in ("source_url", "source_title", "actor_id", "role", "note"):
            value = getattr(self, name)
            set_(self, name, "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value))
        if self.source_url and not re.match(r"^(https?://|file:|doc:)", self.source_url):
            raise InvalidField("source_url", self.source_url, "an http(s):// URL or a doc: reference")
        if not self.id:
            set_(self, "id", statement_id(self.source_url or self.source_title, self.actor, self.issue.value, self.evidence))
        set_(self, "cues", tuple(self.cues))

    def _check_precision(self) -> None:
        value = self.date_precision
        if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
            value = DatePrecision.DAY if self.statement_date else None
        elif self.statement_date is None:
            raise InvalidField("date_precision", value, "empty when statement_date is empty")
        else:
            value = _enum(DatePrecision, value, "date_precision")
        object.__setattr__(self, "date_precision", value)

    def to_record(self) -> dict:
        """Plain dict with JSON-friendly values (enums as strings, dates as ISO or None)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Enum):
                value = value.value
            elif isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out


# Column order of data/statements.csv (the tagger's JSON adds cues and offsets).
CSV_COLUMNS = [
    "id", "actor", "actor_id", "affiliation", "actor_type", "role", "issue", "stance",
    "statement_date", "evidence", "source_url", "source_title", "published",
    "confidence", "origin", "status", "note", "date_precision", "attribution",
]
