"""The codebook: issues, stances, colours and the tagger's cue lexicons, from YAML."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from positions.errors import CodebookError
from positions.model import STANCE_ORDER as MODEL_STANCE_ORDER, Issue, Stance

DEFAULT_PATH = Path(__file__).with_name("codebook.yaml")
HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class IssueDef:
    id: str
    label: str
    question: str
    description: str


@dataclass(frozen=True)
class StanceDef:
    id: str
    label: str
    description: str
    colour: str


@dataclass(frozen=True)
class OfficialRule:
    """The official-position rule of codebook.yaml `official_position` (used by analysis.engine)."""

    caption: str
    undated_hold_days: int
    evidence_tier: dict[str, int]              # attribution -> tier (lower wins)
    never_sets: dict[str, tuple[str, ...]]     # column -> values that never set a position
    kind_rank: dict[str, int]                  # role kind -> speaker rank (lower wins)
    title_rules: tuple[tuple[int, str, str], ...]  # (rank, title regex, unless regex), first match wins
    default_rank: int

    def rank_of_kind(self, kind: str) -> int:
        return self.kind_rank.get(kind, self.default_rank)


@dataclass(frozen=True)
class Codebook:
    version: str
    issues: dict[str, IssueDef]
    stances: dict[str, StanceDef]
    no_position_label: str
    no_position_colour: str
    lexicons: dict = field(default_factory=dict)
    path: str = ""
    rule: OfficialRule | None = None
    conventions: tuple[tuple[str, str], ...] = ()   # (id, text): how the codebook is applied where it is silent

    @property
    def colours(self) -> dict[str, str]:
        """Stance id -> hex colour (the one palette used by every chart)."""
        return {s.id: s.colour for s in self.stances.values()}

    def issue_label(self, issue: str) -> str:
        return self.issues[issue].label


def _require(mapping, key, where, path):
    if not isinstance(mapping, dict) or key not in mapping:
        raise CodebookError(f"{path}: {where} is missing '{key}'")
    return mapping[key]


@lru_cache(maxsize=8)
def load(path: str | Path = DEFAULT_PATH) -> Codebook:
    """Read and check the codebook; raise CodebookError naming the file and the key."""
    path = Path(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except FileNotFoundError:
        raise CodebookError(f"{path}: codebook file not found") from None
    except yaml.YAMLError as e:
        raise CodebookError(f"{path}: not valid YAML ({str(e).splitlines()[0]})") from None
    issues_raw = _require(raw, "issues", "the top level", path)
    stances_raw = _require(raw, "stances", "the top level", path)
    want_issues, want_stances = {i.value for i in Issue}, {s.value for s in Stance}
    if set(issues_raw) != want_issues:
        raise CodebookError(f"{path}: issues are {sorted(issues_raw)}; expected {sorted(want_issues)}")
    if set(stances_raw) != want_stances:
        raise CodebookError(f"{path}: stances are {sorted(stances_raw)}; expected {sorted(want_stances)}")
    issues = {
        k: IssueDef(k, _require(v, "label", f"issue '{k}'", path), _require(v, "question", f"issue '{k}'", path),
                    v.get("description", ""))
        for k, v in issues_raw.items()
    }
    stances = {}
    for k, v in stances_raw.items():
        colour = _require(v, "colour", f"stance '{k}'", path)
        if not HEX_COLOUR.match(str(colour)):
            raise CodebookError(f"{path}: stance '{k}' colour {colour!r} is not #RRGGBB")
        stances[k] = StanceDef(k, _require(v, "label", f"stance '{k}'", path), v.get("description", ""), colour)
    if len({s.colour.lower() for s in stances.values()}) != len(stances):
        raise CodebookError(f"{path}: two stances share a colour; each stance needs its own")
    nopos = raw.get("no_position") or {}
    lexicons = raw.get("lexicons") or {}
    _check_lexicons(lexicons, path)
    rule = _official_rule(_require(raw, "official_position", "the top level", path), path)
    return Codebook(str(raw.get("version", "")), issues, stances, nopos.get("label", "No public position found"),
                    nopos.get("colour", "#DDDDDD"), lexicons, str(path), rule, _conventions(raw.get("conventions"), path))


def _conventions(raw, path) -> tuple[tuple[str, str], ...]:
    """Check the `conventions` section: a list of entries, each with a unique `id` and a `text`."""
    out, seen = [], set()
    if raw is not None and not isinstance(raw, list):
        raise CodebookError(f"{path}: conventions must be a list of entries with id and text")
    for i, entry in enumerate(raw or ()):
        cid = str(_require(entry, "id", f"conventions[{i}]", path))
        text = str(_require(entry, "text", f"conventions[{i}]", path)).strip()
        if cid in seen or not text:
            raise CodebookError(f"{path}: conventions[{i}] ({cid!r}) repeats an id or has no text; give each a unique id and a text")
        seen.add(cid)
        out.append((cid, text))
    return tuple(out)


def _official_rule(raw, path) -> OfficialRule:
    """Check the `official_position` section: tiers for every attribution, valid title regexes,
    a tie-break that is the one stance order read backwards."""
    from positions.model import Attribution

    where = "official_position"
    tiers = _require(raw, "evidence_tier", where, path)
    never = {k: tuple(v) for k, v in (_require(raw, "never_sets", where, path) or {}).items()}
    if set(tiers) | set(never.get("attribution", ())) != {a.value for a in Attribution}:
        raise CodebookError(f"{path}: {where}.evidence_tier and never_sets.attribution must cover "
                            f"{', '.join(a.value for a in Attribution)}")
    tie = list(_require(raw, "tie_break", where, path))
    if tie != list(reversed(MODEL_STANCE_ORDER)):
        raise CodebookError(f"{path}: {where}.tie_break is {tie}; it must be the stance order read backwards "
                            f"({', '.join(reversed(MODEL_STANCE_ORDER))})")
    kind_rank, title_rules = {}, []
    for i, entry in enumerate(_require(raw, "speaker_rank", where, path)):
        rank = int(_require(entry, "rank", f"{where}.speaker_rank[{i}]", path))
        for kind in entry.get("kinds") or ():
            kind_rank[kind] = rank
        for key in ("titles", "unless"):
            try:
                re.compile(entry.get(key) or "")
            except re.error as e:
                raise CodebookError(f"{path}: {where}.speaker_rank[{i}].{key} is not a valid regex ({e})") from None
        if entry.get("titles"):
            title_rules.append((rank, entry["titles"], entry.get("unless") or ""))
    return OfficialRule(str(_require(raw, "caption", where, path)).strip(),
                        int(_require(raw, "undated_hold_days", where, path)),
                        {k: int(v) for k, v in tiers.items()}, never, kind_rank, tuple(title_rules),
                        int(_require(raw, "default_rank", where, path)))


def _check_lexicons(node, path, trail="lexicons"):
    """Every string leaf under `lexicons` must be a valid regex; fail at load, not at tag time.
    (A cue entry's `id` and `example` are plain text, not patterns.)"""
    if isinstance(node, dict):
        for k, v in node.items():
            if k not in ("id", "example"):
                _check_lexicons(v, path, f"{trail}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _check_lexicons(v, path, f"{trail}[{i}]")
    elif isinstance(node, str):
        try:
            re.compile(node)
        except re.error as e:
            raise CodebookError(f"{path}: {trail} pattern {node!r} is not a valid regex ({e})") from None


# The one stance order lives in positions.model; re-exported here for the charts.
STANCE_ORDER = list(MODEL_STANCE_ORDER)
