"""The codebook: issues, stances, colours and the tagger's cue lexicons, from YAML."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from positions.errors import CodebookError
from positions.model import Issue, Stance

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
class Codebook:
    version: str
    issues: dict[str, IssueDef]
    stances: dict[str, StanceDef]
    no_position_label: str
    no_position_colour: str
    lexicons: dict = field(default_factory=dict)
    path: str = ""

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
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
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
    return Codebook(str(raw.get("version", "")), issues, stances, nopos.get("label", "No public position found"),
                    nopos.get("colour", "#DDDDDD"), lexicons, str(path))


def _check_lexicons(node, path, trail="lexicons"):
    """Every string leaf under `lexicons` must be a valid regex; fail at load, not at tag time."""
    if isinstance(node, dict):
        for k, v in node.items():
            _check_lexicons(v, path, f"{trail}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _check_lexicons(v, path, f"{trail}[{i}]")
    elif isinstance(node, str):
        try:
            re.compile(node)
        except re.error as e:
            raise CodebookError(f"{path}: {trail} pattern {node!r} is not a valid regex ({e})") from None


STANCE_ORDER = [s.value for s in (Stance.SUPPORT, Stance.CONDITIONAL, Stance.UNDECIDED, Stance.OPPOSE)]
