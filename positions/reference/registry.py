"""Actor registry: states, organisations and people with aliases and roles over time.

Loaded from every `*.yaml` under `data/actors/` (keys `states`, `organisations`, `people`).
`Registry.resolve("Cameron", on=date(2024, 5, 1))` gives the person, affiliation and role.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from positions.errors import RegistryError
from positions.reference import codebook
from positions.model import ActorType, parse_date
from positions.errors import InvalidField
from positions.paths import DATA_DIR

DEFAULT_DIR = DATA_DIR / "actors"

GOVERNMENT_KINDS = {
    "head_of_state", "head_of_government", "deputy_head_of_government", "foreign_minister",
    "defence_minister", "minister", "spokesperson", "military", "official",
}
OTHER_KINDS = {"opposition", "parliamentarian", "president_elect", "other"}
ROLE_KINDS = GOVERNMENT_KINDS | OTHER_KINDS | {"org_leader"}


def normalise(name: str) -> str:
    """Case-, accent- and article-insensitive key for alias look-ups."""
    # Drop accents only (combining marks); other scripts (Cyrillic, ...) must stay distinct.
    text = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    text = re.sub(r"[’'`]", "'", text).lower().strip()
    text = re.sub(r"^the\s+", "", text)
    return re.sub(r"\s+", " ", text)


@dataclass(frozen=True)
class Role:
    affiliation: str
    kind: str
    title: str
    start: date | None
    end: date | None

    def active(self, on: date) -> bool:
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    aliases: tuple[str, ...]
    roles: tuple[Role, ...]

    def role_on(self, on: date | None) -> Role | None:
        """The role held on `on` (the latest-starting if several); else the nearest earlier one."""
        if not self.roles:
            return None
        if on is None:
            return max(self.roles, key=lambda r: r.start or date.min)
        active = [r for r in self.roles if r.active(on)]
        if active:
            # Prefer a governing role over e.g. a parliamentary seat held at the same time.
            rule = codebook.load().rule  # the one speaker precedence table; non-governing roles last
            rank = lambda r: rule.rank_of_kind(r.kind) if r.kind in GOVERNMENT_KINDS | {"org_leader"} else 9  # noqa: E731
            return min(active, key=lambda r: (rank(r), -(r.start or date.min).toordinal()))
        earlier = [r for r in self.roles if r.start is None or r.start <= on]
        if earlier:
            return max(earlier, key=lambda r: r.end or date.max)
        return min(self.roles, key=lambda r: r.start or date.min)


@dataclass(frozen=True)
class State:
    id: str
    iso3: str
    name: str
    aliases: tuple[str, ...]
    memberships: dict  # group -> (start, end)
    regions: tuple[str, ...] = ()

    def groups_on(self, on: date) -> set[str]:
        """Groups (NATO, EU, G7, Nordic, Baltic) the state belongs to on a date."""
        out = set(self.regions)
        for group, (start, end) in self.memberships.items():
            if (start is None or start <= on) and (end is None or on <= end):
                out.add(group)
        return out


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Resolution:
    """Who a name stands for on a date."""

    actor_id: str
    name: str
    affiliation: str
    actor_type: ActorType
    role_kind: str  # a ROLE_KINDS value, or "state" / "organisation"
    role_title: str


def actor_type_for(kind: str, affiliation: str) -> ActorType:
    if kind in OTHER_KINDS:
        return ActorType.OTHER
    if affiliation in ("NATO", "EU"):
        return ActorType.ORGANIZATION
    return ActorType.GOVERNMENT


class Registry:
    """Look-ups over states, organisations and people."""

    def __init__(self, states, organisations, people, source=""):
        self.states: dict[str, State] = {s.id: s for s in states}
        self.organisations: dict[str, Organisation] = {o.id: o for o in organisations}
        self.people: dict[str, Person] = {p.id: p for p in people}
        self.by_iso3 = {s.iso3: s for s in states}
        self.source = source
        self._people_alias: dict[str, list[Person]] = {}
        self._place_alias: dict[str, str] = {}
        for p in people:
            for alias in {p.name, *p.aliases}:
                self._people_alias.setdefault(normalise(alias), []).append(p)
        for o in organisations:
            for alias in {o.id, o.name, *o.aliases}:
                self._place_alias[normalise(alias)] = o.id
        for s in states:
            for alias in {s.id, s.name, *s.aliases}:
                self._place_alias.setdefault(normalise(alias), s.id)

    @property
    def affiliations(self) -> set[str]:
        return set(self.states) | set(self.organisations)

    def person_aliases(self) -> dict[str, list[Person]]:
        return self._people_alias

    def place_aliases(self) -> dict[str, str]:
        return self._place_alias

    def resolve(self, name: str, on: date | None = None) -> Resolution | None:
        """Resolve a person, state or organisation name (alias) as of a date; None if unknown."""
        key = normalise(name)
        people = self._people_alias.get(key, [])
        if people:
            # Several people share the alias: take the one holding a role on that date.
            ranked = sorted(people, key=lambda p: (0 if on and any(r.active(on) for r in p.roles) else 1))
            person = ranked[0]
            role = person.role_on(on)
            if role is None:
                return None
            return Resolution(person.id, person.name, role.affiliation, actor_type_for(role.kind, role.affiliation),
                              role.kind, role.title)
        code = self._place_alias.get(key)
        if code in self.organisations:
            o = self.organisations[code]
            return Resolution(o.id, o.name, o.id, ActorType.ORGANIZATION, "organisation", "")
        if code in self.states:
            s = self.states[code]
            return Resolution(s.id, s.name, s.id, ActorType.GOVERNMENT, "state", "")
        return None

    def holder(self, affiliation: str, kind: str, on: date) -> Person | None:
        """The person holding a role kind for an affiliation on a date (e.g. DE head_of_government)."""
        for p in self.people.values():
            for r in p.roles:
                if r.affiliation == affiliation and r.kind == kind and r.active(on):
                    return p
        return None

    def groups(self, code: str, on: date) -> set[str]:
        state = self.states.get(code)
        return state.groups_on(on) if state else set()

    def name_of(self, code: str) -> str:
        if code in self.states:
            return self.states[code].name
        if code in self.organisations:
            return self.organisations[code].name
        return code


def _date(value, where, path):
    try:
        return parse_date(value, where)
    except InvalidField as e:
        raise RegistryError(f"{path}: {e}") from None


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when PyYAML has it: 0.1 s less per start
    """SafeLoader that keeps dates as strings, so a bad date is reported with its field."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _load_file(path: Path):
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}
    except yaml.YAMLError as e:
        raise RegistryError(f"{path}: not valid YAML ({str(e).splitlines()[0]})") from None
    if not isinstance(raw, dict):
        raise RegistryError(f"{path}: expected a mapping with states/organisations/people")
    return raw


@lru_cache(maxsize=4)
def load(directory: str | Path = DEFAULT_DIR) -> Registry:
    """Load every YAML file in the registry folder and check ids, kinds, dates and affiliations."""
    directory = Path(directory)
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise RegistryError(f"{directory}: no registry YAML files found")
    states, orgs, people, seen = [], [], [], {}
    for path in files:
        raw = _load_file(path)
        for s in raw.get("states") or []:
            sid = s.get("id", "")
            if not re.fullmatch(r"[A-Z]{2}", str(sid)):
                raise RegistryError(f"{path}: state id {sid!r} is not an ISO alpha-2 code")
            members = {g: (_date(m.get("start"), f"states.{sid}.{g}.start", path),
                           _date(m.get("end"), f"states.{sid}.{g}.end", path))
                       for g, m in (s.get("memberships") or {}).items()}
            states.append(State(sid, s.get("iso3", ""), s.get("name", sid), tuple(s.get("aliases") or ()),
                                members, tuple(s.get("regions") or ())))
        for o in raw.get("organisations") or []:
            orgs.append(Organisation(o["id"], o.get("name", o["id"]), tuple(o.get("aliases") or ())))
        for p in raw.get("people") or []:
            pid = p.get("id")
            if not pid or not p.get("name"):
                raise RegistryError(f"{path}: a person entry lacks id or name: {p!r:.80}")
            if pid in seen:
                raise RegistryError(f"{path}: person id {pid!r} already defined in {seen[pid]}")
            seen[pid] = path.name
            roles = []
            for r in p.get("roles") or []:
                kind = r.get("kind")
                if kind not in ROLE_KINDS:
                    raise RegistryError(f"{path}: {pid} role kind {kind!r} unknown; use one of {sorted(ROLE_KINDS)}")
                start = _date(r.get("start"), f"{pid}.start", path)
                end = _date(r.get("end"), f"{pid}.end", path)
                if start and end and end < start:
                    raise RegistryError(f"{path}: {pid} role {r.get('title')!r} ends {end} before it starts {start}")
                roles.append(Role(str(r.get("affiliation")), kind, r.get("title", ""), start, end))
            people.append(Person(pid, p["name"], tuple(str(a) for a in p.get("aliases") or ()), tuple(roles)))
    known = {s.id for s in states} | {o.id for o in orgs}
    for p in people:
        for r in p.roles:
            if r.affiliation not in known:
                raise RegistryError(f"{directory}: {p.id} has a role for unknown affiliation {r.affiliation!r}")
    return Registry(states, orgs, people, str(directory))
