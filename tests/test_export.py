"""positions.present.export: formats, contents and formula-injection neutralising of every export."""
import io
import json
import struct
import zipfile
from datetime import date

import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest
from pptx import Presentation
from pptx.util import Emu

from positions.present import export
from positions.present import figures
from positions.data import store
from positions.present import view
from positions.errors import InputError
from tests.conftest import SEED_CSV, frame

TODAY = date(2026, 1, 15)
SOURCE = ("Source: positions: governments' statements on Western weapons and troops for Ukraine (codebook v1.1), "
          "data to 30 May 2024, 10 statements, generated 2026-01-15 · http://127.0.0.1:8501/?view=supporters&as_of=2024-05-31")


@pytest.fixture(name="seed", scope="module")
def _seed():
    return store.load_frame(SEED_CSV)


@pytest.fixture(name="seed_export", scope="module")
def _seed_export(seed, cb, reg):
    """The dashboard's default link on the seed data: as of 31 May 2024 (one chart, 10 statements)."""
    return export.build_export(seed, view.parse_query_string("view=supporters&as_of=2024-05-31"), cb, reg, today=TODAY)


@pytest.fixture(name="five_charts", scope="module")
def _five_charts(seed, cb, reg):
    """Five charts (both issues, several dates) to fill a pack."""
    out = []
    for i, (issue, day) in enumerate([("cross_border_strikes", "2024-05-31"), ("trainer_deployment", "2024-06-30"),
                                      ("cross_border_strikes", "2024-06-30"), ("trainer_deployment", "2024-12-31"),
                                      ("cross_border_strikes", "2024-12-31")]):
        state = view.parse_query_string(f"issue={issue}&as_of={day}")
        named = figures.figures_for_view(seed, state, cb, reg)[0]
        out.append(figures.NamedFigure(f"{named.key}{i}", named.title, named.figure, named.caption))
    return out


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


class TestChartImages:
    def test_export_png_is_2x_scale(self, kaleido_server, seed_export):
        """PNG at twice the layout size."""
        png = export.export_bytes(seed_export, "png")
        _, height = export.export_figure(seed_export.figures[0], seed_export.period, seed_export.source)
        assert png_size(png) == (2 * export.WIDTH, 2 * height)

    def test_export_svg_has_title_period_and_source(self, kaleido_server, seed_export):
        svg = export.export_bytes(seed_export, "svg").decode("utf-8")
        assert svg.lstrip().startswith("<svg")
        assert "States by stance on cross-border strikes" in svg
        assert "As of 31 May 2024" in svg
        assert "data to 30 May 2024, 10 statements, generated 2026-01-15" in svg
        assert "view=supporters&amp;as_of=2024-05-31" in svg

    def test_export_pdf_header(self, kaleido_server, seed_export):
        assert export.export_bytes(seed_export, "pdf")[:5] == b"%PDF-"

    def test_export_figure_is_a_copy_with_the_page_template(self, seed_export):
        """The page's figure is untouched; the copy keeps template and trace colours."""
        named = seed_export.figures[0]
        before = named.figure.to_json()
        fig, _ = export.export_figure(named, "As of 31 May 2024", SOURCE)
        assert named.figure.to_json() == before
        assert fig.layout.template == named.figure.layout.template
        assert [t.line.color for t in fig.data] == [t.line.color for t in named.figure.data]
        source = next(a.text for a in fig.layout.annotations if a.name == "source")
        assert source.replace("<br>", " ").replace("&amp;", "&").startswith("As of 31 May 2024 · Source: positions")
        assert "view=supporters&amp;as_of=2024-05-31" in source

    def test_export_still_image_drops_animation_and_keeps_own_height(self, seed_export):
        """Tall figures (tables, matrices) keep their height; sliders and play buttons go."""
        named = seed_export.figures[0]
        fig = go.Figure(named.figure, frames=[go.Frame(name="a")])
        fig.update_layout(height=900, sliders=[{"steps": [{"label": "a"}]}], updatemenus=[{"type": "buttons"}])
        tall = figures.NamedFigure("tall", "Tall", fig, "")
        out, height = export.export_figure(tall, "As of 31 May 2024", SOURCE)
        assert not out.frames and not out.layout.sliders and not out.layout.updatemenus
        plot_h = 900 - fig.layout.margin.t - fig.layout.margin.b
        assert height == out.layout.margin.t + plot_h + out.layout.margin.b
        assert export.image_size(tall)[1] > export.image_size(named)[1]

    def test_export_empty_view_has_no_chart(self, seed, cb, reg):
        ex = export.build_export(seed, view.parse_query_string("as_of=2024-01-02"), cb, reg)
        with pytest.raises(InputError, match="no charts"):
            export.export_bytes(ex, "png")

    def test_export_unknown_chart_key(self, seed_export):
        with pytest.raises(InputError, match="--chart 'nope' is not in this view; use one of supporters"):
            export.export_bytes(seed_export, "png", chart="nope")

    def test_export_unknown_format(self, seed_export):
        with pytest.raises(InputError, match="format 'gif' is unknown"):
            export.export_bytes(seed_export, "gif")


class TestLabels:
    @pytest.mark.parametrize("qs,expected", [
        ("as_of=2024-05-31", "As of 31 May 2024"),
        ("start=2024-05-01&as_of=2024-06-15", "1 May 2024 to 15 Jun 2024"),
        ("end=2024-06-01", "As of 1 Jun 2024"),
    ])
    def test_export_period_label(self, seed, qs, expected):
        assert export.period_label(seed, view.parse_query_string(qs)) == expected

    def test_export_source_line(self):
        line = export.source_line(3, date(2024, 6, 1), date(2024, 5, 30), "http://x/?as_of=2024-05-30", "1.1")
        assert line == ("Source: positions: governments' statements on Western weapons and troops for Ukraine "
                        "(codebook v1.1), data to 30 May 2024, 3 statements, generated 2024-06-01 · http://x/?as_of=2024-05-30")

    def test_export_stem_names_issue_and_day(self, seed_export):
        assert seed_export.stem == "positions-cross_border_strikes-2024-05-31"


class TestStatementsForView:
    def test_export_rows_match_page_table(self, seed, seed_export):
        """Same rows as the page's table: accepted, this issue, up to the as-of date."""
        assert len(seed_export.rows) == 10
        assert (seed_export.rows["issue"] == "cross_border_strikes").all()
        assert seed_export.rows["effective_date"].max() <= pd.Timestamp("2024-05-31")

    @pytest.mark.parametrize("qs,check", [
        ("stances=support", lambda r: set(r["stance"]) == {"support"}),
        ("groups=NATO&as_of=2024-05-31", lambda r: not {"UA", "RU"} & set(r["affiliation"].astype(str))),
        ("view=actor&actor=US&as_of=2024-05-31", lambda r: set(r["affiliation"].astype(str)) == {"US"}),
        ("q=macron&as_of=2024-05-31", lambda r: set(r["actor"]) == {"Emmanuel Macron"}),
        ("start=2024-05-30&as_of=2024-05-31", lambda r: r["effective_date"].min() >= pd.Timestamp("2024-05-30")),
        ("min_conf=1.0", lambda r: (r["confidence"] >= 1.0).all()),
    ])
    def test_export_view_filters_narrow_the_rows(self, seed, reg, qs, check):
        rows = export.statements_for_view(seed, view.parse_query_string(qs), reg)
        assert not rows.empty and check(rows)


class TestData:
    def test_export_csv_has_citations(self, seed_export):
        df = pd.read_csv(io.BytesIO(export.export_bytes(seed_export, "csv")), keep_default_na=False)
        assert len(df) == 10
        assert {"speaker", "date", "quote", "source_title", "source_url", "citation"} <= set(df.columns)
        row = df[df["speaker"] == "Emmanuel Macron"].iloc[0]
        assert row["citation"].startswith('Emmanuel Macron (France), 2024-05-28: "President Emmanuel Macron')

    def test_export_xlsx_has_statements_and_sources_sheets(self, seed_export):
        sheets = pd.read_excel(io.BytesIO(export.export_bytes(seed_export, "xlsx")), sheet_name=None)
        assert {"statements", "sources"} <= set(sheets)
        assert len(sheets["statements"]) == 10
        assert len(sheets["sources"]) == 1 and sheets["sources"]["statements"].iloc[0] == 10
        assert set(sheets["statements"]["source_ref"]) == set(sheets["sources"]["source_ref"])

    def test_export_json_has_view_statements_sources(self, seed_export):
        doc = json.loads(export.export_bytes(seed_export, "json"))
        assert doc["view"] == {"view": "supporters", "as_of": "2024-05-31"}
        assert doc["source"] == SOURCE
        assert len(doc["statements"]) == 10 and doc["sources"][0]["source_ref"] == "S1"


EVIL = ["=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-3+4", "@SUM(A1)", "\tcmd", "\rcmd"]


class TestFormulaInjection:
    @pytest.mark.parametrize("value", EVIL)
    def test_export_neutralise_prefixes_dangerous_text(self, value):
        assert export.neutralise(value) == "'" + value

    @pytest.mark.parametrize("value", ["Scholz said no.", "", " =not first", "a=b", 1.5, -2, None])
    def test_export_neutralise_leaves_safe_values(self, value):
        assert export.neutralise(value) == value

    @pytest.fixture(name="evil_export")
    def _evil_export(self, cb, reg):
        df = frame(*({"evidence": e, "actor": f"Speaker {i}", "source_title": "=cmd|' /C calc'!A0"}
                     for i, e in enumerate(EVIL)))
        return export.build_export(df, view.parse_query_string("as_of=2024-05-31"), cb, reg, figures=[])

    def test_export_csv_cells_are_neutralised(self, evil_export):
        df = pd.read_csv(io.BytesIO(export.export_bytes(evil_export, "csv")), keep_default_na=False)
        assert sorted(df["quote"]) == sorted("'" + e for e in EVIL)
        assert (df["source_title"] == "'=cmd|' /C calc'!A0").all()
        assert all(not str(v).startswith(export.FORMULA_PREFIXES) for col in df for v in df[col])

    def test_export_xlsx_has_no_formulas(self, evil_export):
        wb = openpyxl.load_workbook(io.BytesIO(export.export_bytes(evil_export, "xlsx")))
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                    assert not (isinstance(cell.value, str) and cell.value.startswith(export.FORMULA_PREFIXES))

    def test_export_json_keeps_quotes_verbatim(self, evil_export):
        doc = json.loads(export.export_bytes(evil_export, "json"))
        assert sorted(s["quote"] for s in doc["statements"]) == sorted(EVIL)


@pytest.fixture(name="pack", scope="module")
def _pack(kaleido_server, seed, cb, reg, five_charts):
    """A pack of five charts for the seed data as of 31 May 2024, with its progress reports."""
    ex = export.build_export(seed, view.parse_query_string("view=supporters&as_of=2024-05-31"), cb, reg, today=TODAY,
                             figures=five_charts)
    steps = []
    data = export.briefing_pack(ex, progress=lambda f, m: steps.append((f, m)))
    return Presentation(io.BytesIO(data)), steps, data


class TestBriefingPack:
    def test_export_pack_is_16_9_with_expected_slides(self, pack):
        prs, _, data = pack
        assert zipfile.is_zipfile(io.BytesIO(data))
        assert prs.slide_width * 9 == pytest.approx(prs.slide_height * 16, rel=1e-3)
        titles = [s.shapes.title.text for s in prs.slides]
        assert titles[0] == "Positions briefing: Cross-border strikes"
        assert titles[-1] == "Key quotes"
        assert len(titles) == 1 + 5 + 1

    def test_export_pack_has_one_picture_per_chart(self, pack):
        prs, _, _ = pack
        chart_slides = list(prs.slides)[1:-1]
        for slide in chart_slides:
            pictures = [s for s in slide.shapes if s.shape_type == 13]
            assert len(pictures) == 1
            assert pictures[0].image.content_type == "image/png"
            assert Emu(pictures[0].width).inches > 10

    def test_export_pack_has_filters_source_quotes_and_notes(self, pack):
        prs, _, _ = pack
        slides = list(prs.slides)
        text = lambda s: "\n".join(sh.text_frame.text for sh in s.shapes if sh.has_text_frame)
        assert "Filters: Issue: Cross-border strikes" in text(slides[0])
        assert "As of 31 May 2024" in text(slides[0])
        for slide in slides:
            assert SOURCE in text(slide)
            assert "Methodology" in slide.notes_slide.notes_text_frame.text
        table = next(sh for sh in slides[-1].shapes if sh.has_table).table
        assert [c.text for c in table.rows[0].cells] == ["Speaker", "Date", "Quote", "Source"]
        speakers = [r.cells[0].text for r in list(table.rows)[1:]]
        assert any(s.startswith("Jan Lipavsky (Czechia), Foreign Minister") for s in speakers)

    def test_export_pack_reports_progress(self, pack):
        _, steps, _ = pack
        fractions = [f for f, _ in steps]
        assert fractions == sorted(fractions) and fractions[-1] == 1.0
        assert any("Chart 5 of 5" in m for _, m in steps)

    def test_export_pack_of_empty_view(self, seed, cb, reg):
        ex = export.build_export(seed, view.parse_query_string("as_of=2024-01-02"), cb, reg)
        prs = Presentation(io.BytesIO(export.briefing_pack(ex)))
        assert [s.shapes.title.text for s in prs.slides][-1] == "Key quotes"
        assert len(prs.slides) == 2

    @pytest.mark.skipif(not export.soffice_path(), reason="LibreOffice (soffice) not installed")
    def test_export_pack_pdf_with_libreoffice(self, pack):
        _, _, data = pack
        pdf = export.pack_pdf(data)
        assert pdf[:5] == b"%PDF-" and pdf.rstrip().endswith(b"%%EOF")


def test_export_merged_statement_lists_other_outlets(cb, reg):
    """A statement several outlets reported is one row whose citation names the others."""
    from positions.data.dedup import dedupe
    quote = "Ukraine has the right to use British weapons to strike targets inside Russia"
    df = dedupe(frame(
        {"actor": "David Cameron", "actor_id": "david-cameron", "affiliation": "GB", "stance": "support",
         "statement_date": "2024-05-03", "evidence": f"Cameron said “{quote}”.", "source_url": "https://a.example/1"},
        {"actor": "David Cameron", "actor_id": "david-cameron", "affiliation": "GB", "stance": "support",
         "statement_date": "2024-05-03", "evidence": f"“{quote},” he said.", "source_url": "https://b.example/2"},
    ))
    ex = export.build_export(df, view.parse_query_string("as_of=2024-05-31"), cb, reg, today=TODAY)
    statements, _ = export.citation_tables(ex.rows, reg)
    assert len(statements) == 1
    assert statements.iloc[0]["also_reported_by"] == "https://b.example/2"
