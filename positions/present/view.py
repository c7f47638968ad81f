"""The dashboard's view state and its URL form (st.query_params / `export --view`).

One definition shared by the page and the command line, so a shared link reproduces
the same view anywhere. Bad parameters raise InvalidField naming the parameter.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Mapping
from urllib.parse import parse_qs, urlencode, urlsplit

from positions.errors import InvalidField
from positions.model import Issue, Stance, parse_date

VIEWS = ("who", "supporters", "matrix", "actor", "map", "changes", "evidence")
GROUPS = ("NATO", "EU", "G7", "Nordic", "Baltic", "other")
SCOPES = ("europe", "world")
SORTS = ("newest", "oldest", "confidence", "speaker")
# Outlet types of data/outlets.csv (positions.data.outlets.SOURCE_TYPES) plus unlisted outlets.
SOURCE_TYPES = ("government", "international_org", "wire", "national_press", "state_aligned", "aggregator", "blog",
                "unknown")


@dataclass(frozen=True)
class ViewState:
    """Everything that defines what the page shows."""

    view: str = "who"           # "who, since when": the first and default view
    issue: str = Issue.CROSS_BORDER_STRIKES.value
    start: date | None = None
    end: date | None = None
    as_of: date | None = None
    groups: tuple[str, ...] = ()
    stances: tuple[str, ...] = ()
    min_conf: float = 0.0
    reviewed: bool = False
    count_conditional: bool = False
    actor: str = ""
    compare_from: date | None = None
    compare_to: date | None = None
    q: str = ""
    scope: str = "europe"       # map area
    stacked: bool = False       # supporters chart: stacked areas instead of lines
    sort: str = "newest"        # evidence table order
    compact: bool = False       # phone layout of the who-since chart (labels above the rows)
    sources: tuple[str, ...] = ()  # outlet types to keep (empty: all)

    def with_(self, **changes) -> "ViewState":
        return replace(self, **changes)


DEFAULT = ViewState()
_LIST_FIELDS = {"groups", "stances", "sources"}
_DATE_FIELDS = {"start", "end", "as_of", "compare_from", "compare_to"}
_BOOL_FIELDS = {"reviewed", "count_conditional", "stacked", "compact"}
_CHOICE_FIELDS = {"view": VIEWS, "scope": SCOPES, "sort": SORTS}


def _one(value):
    if isinstance(value, (list, tuple)):
        return value[-1] if value else ""
    return value


def _parse_bool(name, value):
    v = str(value).strip().lower()
    if v in ("1", "true", "yes", "on"):
        return True
    if v in ("0", "false", "no", "off", ""):
        return False
    raise InvalidField(name, value, "true or false")


def from_query(params: Mapping[str, object]) -> ViewState:
    """Build a ViewState from query parameters; unknown or bad parameters raise InvalidField."""
    known = {f.name for f in fields(ViewState)}
    values = {}
    for name, raw in params.items():
        if name not in known:
            raise InvalidField(name, _one(raw), f"a known parameter ({', '.join(sorted(known))})")
        if name in _LIST_FIELDS:
            items = raw if isinstance(raw, (list, tuple)) else str(raw).split(",")
            parts = tuple(p.strip() for item in items for p in str(item).split(",") if p.strip())
            allowed = {"groups": GROUPS, "sources": SOURCE_TYPES}.get(name) or tuple(s.value for s in Stance)
            for p in parts:
                if p not in allowed:
                    raise InvalidField(name, p, f"one of {', '.join(allowed)}")
            values[name] = parts
            continue
        value = _one(raw)
        if name in _DATE_FIELDS:
            values[name] = parse_date(value, name, bounded=True)
        elif name in _BOOL_FIELDS:
            values[name] = _parse_bool(name, value)
        elif name == "min_conf":
            try:
                conf = float(value)
            except ValueError:
                raise InvalidField(name, value, "a number between 0 and 1") from None
            if not 0 <= conf <= 1:
                raise InvalidField(name, value, "a number between 0 and 1")
            values[name] = conf
        elif name in _CHOICE_FIELDS:
            if value not in _CHOICE_FIELDS[name]:
                raise InvalidField(name, value, f"one of {', '.join(_CHOICE_FIELDS[name])}")
            values[name] = value
        elif name == "issue":
            if value not in {i.value for i in Issue}:
                raise InvalidField(name, value, f"one of {', '.join(i.value for i in Issue)}")
            values[name] = value
        else:
            values[name] = str(value)
    state = ViewState(**values)
    if state.start and state.end and state.start > state.end:
        raise InvalidField("start", state.start.isoformat(), f"a date on or before end ({state.end})")
    if state.compare_from and state.compare_to and state.compare_from > state.compare_to:
        raise InvalidField("compare_from", state.compare_from.isoformat(),
                           f"a date on or before compare_to ({state.compare_to})")
    return state


def to_query(state: ViewState) -> dict[str, str]:
    """Only the parameters that differ from the defaults, as strings (stable order)."""
    out = {}
    for f in fields(ViewState):
        value = getattr(state, f.name)
        if value == getattr(DEFAULT, f.name):
            continue
        if f.name in _LIST_FIELDS:
            out[f.name] = ",".join(value)
        elif f.name in _DATE_FIELDS:
            out[f.name] = value.isoformat()
        elif f.name in _BOOL_FIELDS:
            out[f.name] = "true" if value else "false"
        elif f.name == "min_conf":
            out[f.name] = f"{value:g}"
        else:
            out[f.name] = str(value)
    return out


def parse_query_string(text: str) -> ViewState:
    """Accept a full URL, '?a=b&c=d' or 'a=b&c=d'."""
    text = text.strip()
    if "://" in text:
        text = urlsplit(text).query
    text = text.lstrip("?")
    return from_query(parse_qs(text, keep_blank_values=True))


def query_string(state: ViewState) -> str:
    return urlencode(to_query(state))
