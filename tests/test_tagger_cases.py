"""The tagger on invented sentences, one case per entry of tests/data/tagger_cases.yaml (the id is the
test id): the records it must find, those it must not, and for every "absent" case a positive twin."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml

from tests.conftest import DEV_CORPUS, ROOT, matches, record_spec, tagged

CASES_FILE = ROOT / "tests" / "data" / "tagger_cases.yaml"
CASES = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
KEYS = {"id", "published", "mode", "text", "why", "expect", "expect_exactly", "expect_not", "expect_none", "pair",
        "known_error"}


def _param(case: dict):
    """A case; one with `known_error` (a mistake of the shipped tagger, reported and kept visible) is a
    strict xfail, so the day the tagger gets it right the suite says so."""
    marks = [pytest.mark.xfail(strict=True, reason=case["known_error"])] if "known_error" in case else []
    return pytest.param(case, id=case["id"], marks=marks)


def found(records, specs):
    """The specs no record matches (an empty list when every one is found)."""
    return [s for s in specs if not any(matches(r, s) for r in records)]


def check(text: str, published: str, case: dict):
    records = tagged(text, dt.date.fromisoformat(published), case.get("mode"))
    shown = [(r.affiliation, r.issue.value, r.stance.value, r.actor_type.value, r.statement_date) for r in records]
    assert not found(records, case.get("expect", [])), (found(records, case.get("expect", [])), shown)
    if "expect_exactly" in case:
        specs = case["expect_exactly"]
        assert len(records) == len(specs) and not found(records, specs), shown
    for spec in case.get("expect_not", []):
        assert not any(matches(r, spec) for r in records), (spec, shown)
    if case.get("expect_none"):
        assert records == [], shown


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_tagger_case(case):
    check(case["text"], case["published"], case)
    if "pair" in case:
        check(case["pair"]["text"], case["published"], {"mode": case.get("mode"), **case["pair"]})


def test_tagger_cases_file_is_well_formed():
    """Unique readable ids, known keys, valid record forms, and no case that only says what is absent."""
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for case in CASES:
        assert re.fullmatch(r"[a-z0-9-]+/[a-z0-9-]+", case["id"]), case["id"]
        assert set(case) <= KEYS and {"id", "published", "text"} <= set(case), case["id"]
        dt.date.fromisoformat(case["published"])
        for key in ("expect", "expect_exactly", "expect_not"):
            for spec in case.get(key, []):
                record_spec(spec)
        positive = case.get("expect") or case.get("expect_exactly") or case.get("pair", {}).get("expect")
        assert positive, f"{case['id']}: an absence needs a positive twin (pair) or an expected record"


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')).lower()


def test_tagger_cases_are_invented():
    """No case sentence is copied from the dev corpus or the project's coded corpus."""
    sources = [*DEV_CORPUS.glob("*.txt"), *(ROOT / "data" / "corpus").rglob("*.txt")]
    if not sources:
        pytest.skip("no corpus documents here")
    corpus = "\n".join(_normal(p.read_text(encoding="utf-8", errors="replace")) for p in sources)
    sentences = [s for c in CASES for t in (c["text"], c.get("pair", {}).get("text", ""))
                 for s in re.split(r"(?<=[.!?\u201d\"])\s+", _normal(t)) if len(s) > 40]
    copied = [s for s in sentences if s in corpus]
    assert not copied, copied
