"""Issue 12 on the bundled data: no state's official position rests on state-aligned media alone,
and every covered state × issue cell has a position or a dated search note."""
from __future__ import annotations

import pandas as pd
import pytest

from positions.analysis import coverage, engine
from positions.data import outlets, store
from positions.paths import DATA_DIR

NOTES = pd.read_csv(DATA_DIR / "coverage_notes.csv", parse_dates=["searched_on"])
ON = NOTES["searched_on"].max().date()   # the day of the last search: every note counts by then
# The cells that rested on state-aligned media alone before the third pass of data/SOURCES.md.
RESOURCED = [("BY", "cross_border_strikes"), ("BR", "trainer_deployment"), ("LV", "trainer_deployment")]


@pytest.fixture(name="bundled", scope="module")
def _bundled(reg):
    return engine.prepare(store.load_frame(), reg)


@pytest.fixture(name="table", scope="module")
def _table(bundled, reg):
    return coverage.coverage_table(bundled, reg, ON, NOTES)


def test_coverage_no_position_rests_on_state_media_alone(table):
    has = table["stance"] != engine.NO_POSITION
    assert has.sum() >= 77
    flagged = table[has & (table["source_flag"] == engine.SINGLE_SOURCE["state_aligned"])]
    assert flagged.empty, flagged[["affiliation", "issue"]].to_dict("records")


def test_coverage_every_cell_has_a_position_or_a_dated_note(table):
    gaps = table[(table["stance"] == engine.NO_POSITION) & table["coverage_note"].isna()]
    assert gaps.empty, gaps[["affiliation", "issue"]].to_dict("records")
    assert table.loc[table["stance"] == engine.NO_POSITION, "searched_on"].notna().all()


@pytest.mark.parametrize("state, issue", RESOURCED)
def test_coverage_resourced_cells_rest_on_an_independent_outlet(bundled, state, issue):
    pos = engine.official(bundled, issue).as_of(ON).set_index("affiliation")
    basis = bundled[bundled["id"].isin(pos.at[state, "basis_ids"])]
    types = outlets.domains_of(basis["source_url"]).map(outlets.type_by_domain(outlets.load_outlets(),
                                                                              outlets.domains_of(basis["source_url"]).unique()))
    assert (types != "state_aligned").any(), basis[["id", "source_url"]].to_dict("records")
    assert not pos.at[state, "source_flag"]


def test_coverage_cell_of_an_undated_winner_shows_its_publication_day(table):
    undated = table[(table["stance"] != engine.NO_POSITION) & table["statement_date"].isna()]
    assert not undated.empty
    for r in undated.itertuples():
        assert f"undated, reported {pd.Timestamp(r.published):%Y-%m-%d}" in coverage.cell(r)
