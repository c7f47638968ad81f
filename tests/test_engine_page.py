"""The page shows what the engine says: source flags and signals in hovers, the rule in captions (issue 12)."""
from datetime import date

import pandas as pd

from positions.analysis import engine
from positions.present import figures, view
from tests.conftest import frame

STATE_MEDIA = pd.DataFrame([{"domain": "statenews.example", "name": "State News", "country": "RU",
                             "type": "state_aligned", "type_source": "invented for the test"}])


def rows(reg):
    return engine.prepare(frame(
        {"actor": "Spain", "actor_id": "ES", "affiliation": "ES", "role": "", "stance": "support",
         "statement_date": "2024-08-01", "source_url": "https://statenews.example/a", "evidence": "Invented line one."},
        {"actor": "Anonymous officials", "actor_type": "other", "affiliation": "PT", "role": "", "stance": "oppose",
         "statement_date": "2024-08-03", "source_url": "https://paper.example/b", "evidence": "Invented line two."},
    ), reg, STATE_MEDIA)


def test_page_matrix_hover_marks_state_media_and_signals(reg):
    cells = figures.matrix_cells(rows(reg), view.ViewState(groups=("NATO",)), reg, date(2024, 9, 1))
    cells = cells[cells["issue"] == "cross_border_strikes"].set_index("code")
    assert "⚠ single source: state media" in cells.loc["ES", "hover"]
    assert cells.loc["PT", "stance"] == ""  # a signal never sets a position...
    assert "signal, not counted: oppose (Anonymous officials, 03 Aug 2024)" in cells.loc["PT", "hover"]  # ...but shows


def test_page_supporters_hover_names_carry_the_flag(reg):
    off = engine.official(rows(reg), "cross_border_strikes")
    names = figures.flagged_names(off, reg, date(2024, 9, 1))
    assert names["ES"] == "Spain ⚠ single source: state media" and names["FR"] == "France"


def test_page_caption_rule_is_the_codebooks(cb):
    assert figures.OFFICIAL_RULE == cb.rule.caption
    assert "never the order of the records" in figures.OFFICIAL_RULE
