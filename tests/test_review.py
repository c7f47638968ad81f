"""ingest -> suggestions -> review (accept with edit / reject), with a review log."""
import json

import pytest

from positions.data import store
from positions.errors import StoreError
from positions.data.review import decide
from tests.conftest import invoke, make_statement


@pytest.fixture(name="paths")
def _paths(tmp_path):
    sugg, data, log = tmp_path / "suggestions.csv", tmp_path / "statements.csv", tmp_path / "log.jsonl"
    store.save_statements([make_statement(status="suggested", origin="tagged", confidence=0.7),
                           make_statement(evidence="Another.", status="suggested", origin="tagged")], sugg)
    store.save_statements([make_statement(actor="Canada", affiliation="CA", evidence="Existing.")], data)
    return sugg, data, log


def test_review_accept_with_edit_appends_to_data_and_logs(paths):
    sugg, data, log = paths
    first = store.load_statements(sugg)[0]
    decide(sugg, data, log, first.id[:8], "accept", {"stance": "conditional"}, reviewer="ana")
    rows = store.load_statements(data)
    assert len(rows) == 2 and rows[-1].stance.value == "conditional"
    assert rows[-1].status.value == "accepted" and rows[-1].origin.value == "tagged" and rows[-1].confidence == 0.7
    entry = json.loads(log.read_text().splitlines()[0])
    assert entry["action"] == "accept" and entry["reviewer"] == "ana" and entry["changes"] == {"stance": ["oppose", "conditional"]}
    assert store.load_statements(sugg)[0].status.value == "accepted"


def test_review_reject_keeps_data_and_marks_suggestion(paths):
    sugg, data, log = paths
    second = store.load_statements(sugg)[1]
    decide(sugg, data, log, second.id, "reject")
    assert len(store.load_statements(data)) == 1
    assert store.load_statements(sugg)[1].status.value == "rejected"


def test_review_unknown_id_and_bad_edit_change_nothing(paths):
    sugg, data, log = paths
    before = sugg.read_bytes(), data.read_bytes()
    with pytest.raises(StoreError):
        decide(sugg, data, log, "ffffffff", "accept")
    with pytest.raises(Exception):
        decide(sugg, data, log, store.load_statements(sugg)[0].id, "accept", {"stance": "maybe"})
    assert (sugg.read_bytes(), data.read_bytes()) == before and not log.exists()


def test_ingest_cli_tags_folder_into_suggestions(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a1.txt").write_text("British Foreign Secretary David Cameron said on Thursday that Ukraine has the right "
                                 "to use British weapons to strike targets inside Russia.\n", encoding="utf-8")
    (tmp_path / "documents.csv").write_text("doc_id,url,title,published,publisher\n"
                                            "a1,https://example.org/a1,Cameron in Kyiv,2024-05-03,Example\n")
    args = ["ingest", str(docs), "--documents", str(tmp_path / "documents.csv"),
            "--out", str(tmp_path / "s.csv"), "--data", str(tmp_path / "d.csv")]
    out = invoke(*args)
    assert out.exit_code == 0, out.output
    rows = store.load_statements(tmp_path / "s.csv")
    assert rows and all(r.status.value == "suggested" and r.origin.value == "tagged" for r in rows)
    assert rows[0].source_url == "https://example.org/a1" and rows[0].affiliation == "GB"
    again = invoke(*args)
    assert again.stdout.startswith("0 new suggestions")


def test_review_interactive_edit_then_accept_and_skip(paths):
    """The prompt loop: edit a field, accept; skip the next; everything lands in the files and the log."""
    from click.testing import CliRunner

    from positions.cli import cli
    sugg, data, log = paths
    answers = "e\nstance\nundecided\na\ns\n"
    result = CliRunner().invoke(cli, ["review", "--suggestions", str(sugg), "--data", str(data), "--log", str(log),
                                      "--reviewer", "ana"], input=answers)
    assert result.exit_code == 0, result.output
    assert "will set stance = 'undecided'" in result.output and "accepted" in result.output
    rows = store.load_statements(data)
    assert [r.stance.value for r in rows][-1] == "undecided" and len(rows) == 2
    assert [s.status.value for s in store.load_statements(sugg)] == ["accepted", "suggested"]
    assert json.loads(log.read_text().splitlines()[0])["changes"] == {"stance": ["oppose", "undecided"]}
