"""The bundled dataset meets the promises of data/SOURCES.md (issue 6)."""
from datetime import date

import yaml

from positions.reference import registry
from positions.data import store
from positions.analysis import engine
from tests.conftest import ROOT, invoke


def test_bundled_data_validates_with_verbatim_evidence():
    out = invoke("validate")
    assert out.exit_code == 0, out.stderr
    assert out.stdout.startswith("OK: ")


def test_bundled_data_breadth():
    rows = store.load_statements()
    accepted = [s for s in rows if s.status.value == "accepted"]
    assert len(accepted) >= 200
    reg = registry.load()
    states = {s.affiliation for s in accepted} & set(reg.states)
    assert len(states) >= 30, sorted(states)
    assert {"NATO", "EU"} <= {s.affiliation for s in accepted}
    assert {s.issue.value for s in accepted} == {"cross_border_strikes", "trainer_deployment"}
    assert all(s.source_url.startswith("http") and s.published for s in accepted)
    assert min(s.published for s in accepted) < date(2024, 3, 1)


def test_bundled_events_are_sourced_documents():
    events = yaml.safe_load((ROOT / "data" / "events.yaml").read_text(encoding="utf-8"))["events"]
    urls = {r["url"] for r in __import__("csv").DictReader(open(ROOT / "data" / "documents.csv", encoding="utf-8"))}
    assert len(events) >= 10
    for e in events:
        assert e["source_url"] in urls and set(e["issues"]) <= {"cross_border_strikes", "trainer_deployment"}
        date.fromisoformat(str(e["date"]))


def test_bundled_official_positions_mid_june_2024():
    df = store.load_frame()
    pos = engine.positions_as_of(df, "cross_border_strikes", date(2024, 6, 15)).set_index("affiliation")
    # Putin's warnings of May 2024 are the Russian position; Britain had backed strikes since Cameron in May.
    assert pos.at["RU", "stance"] == "oppose"
    assert pos.at["GB", "stance"] == "support"
