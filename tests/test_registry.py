from datetime import date

import pytest

from positions.reference import registry
from positions.errors import RegistryError
from positions.model import ActorType

SMALL = """
states:
  - {id: GB, iso3: GBR, name: United Kingdom, aliases: [Britain, London], memberships: {NATO: {start: 1949-08-24}}}
  - {id: SE, iso3: SWE, name: Sweden, aliases: [Stockholm], memberships: {NATO: {start: 2024-03-07}, EU: {start: 1995-01-01}}}
  - {id: NL, iso3: NLD, name: Netherlands, aliases: [the Dutch]}
organisations:
  - {id: NATO, name: North Atlantic Treaty Organization, aliases: [the alliance]}
people:
  - id: david-cameron
    name: David Cameron
    aliases: [Cameron, Lord Cameron]
    roles:
      - {affiliation: GB, kind: head_of_government, title: Prime Minister, start: 2010-05-11, end: 2016-07-13}
      - {affiliation: GB, kind: foreign_minister, title: Foreign Secretary, start: 2023-11-13, end: 2024-07-05}
  - id: david-lammy
    name: David Lammy
    aliases: [Lammy]
    roles:
      - {affiliation: GB, kind: foreign_minister, title: Foreign Secretary, start: 2024-07-05}
  - id: mark-rutte
    name: Mark Rutte
    aliases: [Rutte]
    roles:
      - {affiliation: NL, kind: head_of_government, title: Prime Minister, start: 2010-10-14, end: 2024-07-02}
      - {affiliation: NATO, kind: org_leader, title: NATO Secretary General, start: 2024-10-01}
"""


@pytest.fixture(name="small")
def _small(tmp_path):
    (tmp_path / "a.yaml").write_text(SMALL, encoding="utf-8")
    return registry.load(tmp_path)


@pytest.mark.parametrize("name,on,person,affiliation,title", [
    ("Cameron", date(2024, 5, 1), "david-cameron", "GB", "Foreign Secretary"),
    ("Lord Cameron", date(2024, 5, 1), "david-cameron", "GB", "Foreign Secretary"),
    ("CAMERON", date(2015, 1, 1), "david-cameron", "GB", "Prime Minister"),
    ("Lammy", date(2024, 9, 13), "david-lammy", "GB", "Foreign Secretary"),
    ("Rutte", date(2024, 5, 1), "mark-rutte", "NL", "Prime Minister"),
    ("Rutte", date(2024, 11, 1), "mark-rutte", "NATO", "NATO Secretary General"),
])
def test_registry_resolves_alias_to_role_on_date(small, name, on, person, affiliation, title):
    r = small.resolve(name, on=on)
    assert (r.actor_id, r.affiliation, r.role_title) == (person, affiliation, title)


def test_registry_org_roles_are_organization_and_states_government(small):
    assert small.resolve("Rutte", on=date(2024, 11, 1)).actor_type is ActorType.ORGANIZATION
    assert small.resolve("London").affiliation == "GB"
    assert small.resolve("the alliance").actor_type is ActorType.ORGANIZATION
    assert small.resolve("Nobody Known") is None


def test_registry_holder_and_group_membership_by_date(small):
    assert small.holder("GB", "foreign_minister", date(2024, 6, 1)).id == "david-cameron"
    assert small.holder("GB", "foreign_minister", date(2024, 8, 1)).id == "david-lammy"
    assert "NATO" not in small.groups("SE", date(2024, 3, 6))
    assert "NATO" in small.groups("SE", date(2024, 3, 7))


@pytest.mark.parametrize("text,needle", [
    ("people:\n  - {id: x, name: X, roles: [{affiliation: GB, kind: king, title: K, start: 2020-01-01}]}", "kind 'king' unknown"),
    ("people:\n  - {id: x, name: X, roles: [{affiliation: ZZ, kind: official, title: K, start: 2020-01-01}]}", "unknown affiliation 'ZZ'"),
    ("people:\n  - {id: x, name: X, roles: [{affiliation: GB, kind: official, title: K, start: 2020-01-01, end: 2019-01-01}]}", "before it starts"),
    ("people:\n  - {id: x, name: X, roles: [{affiliation: GB, kind: official, title: K, start: 2020-13-01}]}", "x.start"),
    ("people:\n  - {id: david-lammy, name: Dup}", "already defined"),
])
def test_registry_rejects_bad_entries(tmp_path, text, needle):
    (tmp_path / "a.yaml").write_text(SMALL, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(RegistryError) as err:
        registry.load(tmp_path)
    assert needle in str(err.value)


def test_bundled_registry_knows_key_actors_on_their_dates():
    reg = registry.load()
    assert reg.resolve("Cameron", on=date(2024, 5, 1)).affiliation == "GB"
    assert reg.resolve("Cameron", on=date(2024, 5, 1)).role_kind == "foreign_minister"
    assert reg.resolve("Lammy", on=date(2024, 9, 1)).role_kind == "foreign_minister"
    assert reg.resolve("Stoltenberg", on=date(2024, 5, 1)).affiliation == "NATO"
    assert reg.resolve("Rutte", on=date(2025, 1, 1)).affiliation == "NATO"
    assert reg.resolve("Kremlin").affiliation == "RU"
    assert "NATO" in reg.groups("FI", date(2023, 4, 4)) and "NATO" not in reg.groups("FI", date(2023, 4, 3))
    for code in ["US", "GB", "FR", "DE", "IT", "CA", "JP", "DK", "FI", "IS", "NO", "SE", "EE", "LV", "LT",
                 "PL", "NL", "CZ", "UA", "RU"]:
        assert reg.holder(code, "foreign_minister", date(2024, 6, 1)) is not None, code


@pytest.mark.parametrize("a,b,same", [
    ("Erdoğan", "Erdogan", True), ("Milanović", "milanovic", True), ("the Kremlin", "Kremlin", True),
    ("Петтери Орпо", "Маргарита Роблес", False), ("Петтери Орпо", "", False),
])
def test_registry_normalise_drops_accents_not_scripts(a, b, same):
    assert (registry.normalise(a) == registry.normalise(b)) is same
