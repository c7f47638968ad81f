"""Coverage table, the `coverage` and `validate` reports, and the source flag in exports (issue 12)."""
import csv
import io
from datetime import date

import pandas as pd
import pytest
from click.testing import CliRunner

from positions.analysis import coverage, engine
from positions.cli import cli
from positions.data import store
from positions.present import export, view
from tests.conftest import frame

STATE_MEDIA = pd.DataFrame([{"domain": "statenews.example", "name": "State News", "country": "RU",
                             "type": "state_aligned", "type_source": "invented for the test"}])
NOTES = pd.DataFrame([{"affiliation": "MT", "issue": "cross_border_strikes", "searched_on": pd.Timestamp(2026, 1, 5),
                       "queries": "malta strikes", "note": "nothing in the press office archive"}])


@pytest.fixture(name="small")
def _small(reg):
    return engine.prepare(frame(
        {"actor": "Spain", "actor_id": "ES", "affiliation": "ES", "role": "", "stance": "oppose",
         "statement_date": "2024-08-01", "date_precision": "month", "published": "2024-09-02",
         "source_url": "https://statenews.example/a", "evidence": "Spain rules it out, an invented report says."},
        {"actor": "Olaf Scholz", "affiliation": "DE", "role": "Chancellor", "stance": "conditional",
         "statement_date": "2024-05-31", "published": "2024-05-31", "source_url": "https://paper.example/b",
         "evidence": "Only near Kharkiv, he said in an invented line."},
    ), reg, STATE_MEDIA)


def test_coverage_rows_for_positions_notes_and_gaps(small):
    table = coverage.state_coverage(small, "cross_border_strikes", date(2026, 2, 1), ["DE", "ES", "MT", "PT"], NOTES)
    table = table.set_index("affiliation")
    assert table.loc["ES", ["stance", "date_precision", "source_flag"]].tolist() == \
        ["oppose", "month", "single source: state media"]
    assert (table.loc["ES", "date_start"], table.loc["ES", "date_end"]) == (pd.Timestamp(2024, 8, 1), pd.Timestamp(2024, 8, 31))
    assert table.loc["MT", ["stance", "coverage_note"]].tolist() == [engine.NO_POSITION, "nothing in the press office archive"]
    assert table.loc["PT", "stance"] == engine.NO_POSITION and pd.isna(table.loc["PT", "coverage_note"])


def test_coverage_note_dated_after_the_day_does_not_count(small):
    table = coverage.state_coverage(small, "cross_border_strikes", date(2025, 1, 1), ["MT"], NOTES)
    assert pd.isna(table.iloc[0]["coverage_note"])


def test_coverage_markdown_cells_and_summary(small, reg):
    table = coverage.coverage_table(small, reg, date(2026, 2, 1), NOTES)
    text = coverage.coverage_markdown(table, reg, date(2026, 2, 1), "The rule.")
    assert "| Spain (ES) | oppose since 2024-08-31 · 2024-08-01 to 2024-08-31 (month) · state_aligned · " \
           "⚠ single source: state media |" in text
    assert "| Malta (MT) | none found (searched 2026-01-05: nothing in the press office archive) |" in text
    assert "1 of 2 positions (50%) rest only on state-aligned media: ES cross_border_strikes" in text
    # Every NATO/EU member is a row, plus UA, RU and BY.
    for code in ("IS", "AL", "UA", "RU", "BY", "IE"):
        assert f"({code}) |" in text


def test_cli_coverage_writes_the_table_atomically(tmp_path):
    out = tmp_path / "COVERAGE.md"
    result = CliRunner().invoke(cli, ["coverage", "--out", str(out), "--as-of", "2025-06-30"])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Coverage as of 2025-06-30") and "| France (FR) |" in text
    assert "official position" in text and "rest only on state-aligned media" in text


def test_cli_coverage_bad_date_is_one_line_exit_2():
    result = CliRunner().invoke(cli, ["coverage", "--as-of", "June"])
    assert result.exit_code == 2 and "--as-of 'June' is not a date" in result.output


def test_cli_validate_reports_coverage_and_state_media_share():
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("OK: ") and lines[1].startswith("Coverage as of ")
    assert any("rest only on state-aligned media" in line for line in lines)
    assert any(line.startswith("  FR France: S=") for line in lines)


def test_export_csv_carries_precision_attribution_source_type_and_flag(reg, cb):
    rows = [make(i) for i in range(2)]
    df = engine.prepare(store.to_frame(rows), reg, STATE_MEDIA)
    ex = export.build_export(df, view.parse_query_string("view=evidence&as_of=2024-12-31"), cb, reg)
    table = list(csv.DictReader(io.StringIO(export.data_csv(ex).decode("utf-8"))))
    assert {r["position_flag"] for r in table} == {"single source: state media"}
    assert {(r["date_precision"], r["date_start"], r["date_end"], r["attribution"], r["source_type"]) for r in table} == \
        {("month", "2024-08-01", "2024-08-31", "summary", "state_aligned")}


def make(i):
    from tests.conftest import make_statement
    return make_statement(actor="Spain", actor_id="ES", affiliation="ES", role="", stance="oppose",
                          statement_date="2024-08-01", date_precision="month", attribution="summary",
                          published="2024-09-02", source_url=f"https://statenews.example/{i}",
                          evidence=f"Invented sentence {i} about Spain.")
