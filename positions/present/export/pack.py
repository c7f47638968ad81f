"""The 16:9 PowerPoint briefing pack, and its PDF through LibreOffice."""
from __future__ import annotations

import io
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path
from typing import Callable

import pandas as pd

from positions.present import figures as figures_mod
from positions.errors import InputError
from positions.present.export.formats import PACK_HEIGHT, PACK_WIDTH
from positions.present.export.images import still
from positions.present.export.tables import _iso, citation, shown_date, speaker_label
from positions.present.export.context import Export, filters_text
from positions.present.export.images import render_many
from positions.present.export import quotes as quotes_mod

# --------------------------------------------------------------------------- briefing pack

def methodology(ex: Export) -> str:
    cb = ex.codebook
    stances = "; ".join(f"{s.label}: {s.description}" for s in cb.stances.values())
    return "\n".join([
        "Methodology",
        f"Question: {cb.issues[ex.state.issue].question}",
        f"Statements are coded to the positions codebook v{cb.version}. Stances: {stances}.",
        f"{figures_mod.OFFICIAL_RULE} Organisations (NATO, EU) are listed but not counted as states. States "
        "without any statement show as 'no public position found', distinct from 'undecided'. A position "
        "resting only on state-aligned media or mirror sites is marked 'single source: ...' (position_flag).",
        f"Filters: {filters_text(ex.state, cb)}.",
        f"View link query: {'?' + ex.query if ex.query else '(default view)'}",
        ex.source + ".",
    ])


def key_quotes(rows: pd.DataFrame, limit: int = 6, issue: str | None = None) -> pd.DataFrame:
    """The statements behind the states' current positions, highest-ranked speakers first (quotes.key_quotes)."""
    if rows.empty:
        return rows
    return quotes_mod.key_quotes(rows, issue or str(rows["issue"].iloc[0]), limit)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _clip(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


class _Deck:
    """A 16:9 presentation whose slides share a title bar and a footer with the period and source."""

    def __init__(self, ex: Export):
        from pptx import Presentation
        from pptx.dml.color import RGBColor
        from pptx.util import Inches

        self.ex = ex
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Inches(13.333), Inches(7.5)
        self.layout = self.prs.slide_layouts[5]   # Title Only; the title placeholder is moved to fit 16:9
        self.grey = RGBColor(0x55, 0x55, 0x55)

    def new_slide(self, title: str, size: int = 30):
        from pptx.util import Inches, Pt

        slide = self.prs.slides.add_slide(self.layout)
        t = slide.shapes.title
        t.left, t.top, t.width, t.height = Inches(0.5), Inches(0.3), Inches(12.333), Inches(0.9)
        t.text = title
        para = t.text_frame.paragraphs[0]
        para.font.size, para.font.bold = Pt(size), True
        para.alignment = 1  # left
        footer = slide.shapes.add_textbox(Inches(0.5), Inches(7.0), Inches(12.333), Inches(0.35))
        footer.text_frame.text = f"{self.ex.period}  ·  {self.ex.source}"
        footer.text_frame.paragraphs[0].font.size = Pt(11)
        footer.text_frame.paragraphs[0].font.color.rgb = self.grey
        return slide

    @staticmethod
    def text_box(slide, left, top, width, height, lines, size=18, color=None):
        from pptx.util import Pt

        box = slide.shapes.add_textbox(left, top, width, height)
        tf = box.text_frame
        tf.word_wrap = True
        for i, line in enumerate(lines):
            para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            para.text = line
            para.font.size = Pt(size)
            if color is not None:
                para.font.color.rgb = color
            para.space_after = Pt(6)
        return box


def _render_missing(ex: Export, images: dict[str, bytes], report) -> None:
    """PNG of every figure not in `images` yet (without the title: the slide carries it)."""
    missing = [f for f in ex.figures if f.key not in images]
    if not missing:
        return
    report(0.0, f"Rendering {len(missing)} chart{'s' if len(missing) != 1 else ''}")
    by_size: dict[int, list] = {}
    for f in missing:
        fig, h = still(ex, f, PACK_WIDTH, PACK_HEIGHT, title=False)
        by_size.setdefault(h, []).append((f.key, fig))
    for h, group in by_size.items():   # concurrent renders, one batch per size
        pngs = render_many([fig for _, fig in group], "png", PACK_WIDTH, h)
        images.update(zip((key for key, _ in group), pngs))


def _title_slide(deck: _Deck, notes: str) -> None:
    from pptx.util import Inches

    ex, cb = deck.ex, deck.ex.codebook
    slide = deck.new_slide(f"Positions briefing: {cb.issue_label(ex.state.issue)}", size=36)
    slide.shapes.title.top = Inches(1.6)
    deck.text_box(slide, Inches(0.5), Inches(2.7), Inches(12.333), Inches(3.8), [
        cb.issues[ex.state.issue].question,
        ex.period,
        "Filters: " + filters_text(ex.state, cb),
        f"Generated {ex.today:%-d %B %Y}  ·  {_plural(len(ex.rows), 'statement')}  ·  {_plural(len(ex.figures), 'chart')}",
    ], size=18)
    slide.notes_slide.notes_text_frame.text = notes


def _chart_slide(deck: _Deck, named, png: bytes, notes: str) -> None:
    from pptx.util import Emu, Inches

    slide = deck.new_slide(named.title, size=26)
    # The picture keeps its aspect ratio inside a 12.3 x 5.3 in box.
    box_w, box_h = Inches(12.333), Inches(5.3)
    px_w, px_h = struct.unpack(">II", png[16:24])
    ratio = px_w / px_h
    w, h = (box_w, Emu(int(box_w / ratio))) if box_w / ratio <= box_h else (Emu(int(box_h * ratio)), box_h)
    pic = slide.shapes.add_picture(io.BytesIO(png), Inches(0.5) + (box_w - w) // 2, Inches(1.25), w, h)
    # Alt text: the chart's title and what it shows (screen readers read this, not the file name).
    pic._element.nvPicPr.cNvPr.set("descr", quotes_mod.alt_text(named.title, named.summary, named.caption))
    pic._element.nvPicPr.cNvPr.set("title", named.title)
    deck.text_box(slide, Inches(0.5), Inches(6.55), Inches(12.333), Inches(0.45), [named.caption], size=12, color=deck.grey)
    slide.notes_slide.notes_text_frame.text = f"{named.caption}\n\n{notes}"


def _quotes_slide(deck: _Deck, notes: str) -> None:
    from pptx.util import Inches, Pt

    ex = deck.ex
    slide = deck.new_slide("Key quotes", size=30)
    quotes = key_quotes(ex.rows, issue=ex.state.issue)
    if quotes.empty:
        deck.text_box(slide, Inches(0.5), Inches(1.4), Inches(12.333), Inches(1), ["No statements in this view."])
    else:
        n = len(quotes)
        table = slide.shapes.add_table(n + 1, 4, Inches(0.5), Inches(1.3), Inches(12.333), Inches(0.4) * (n + 1)).table
        for col, (head, width) in enumerate((("Speaker", 2.3), ("Date", 1.2), ("Quote", 5.8), ("Source", 3.033))):
            table.columns[col].width = Inches(width)
            table.cell(0, col).text = head
        quote_len = 260 if n <= 4 else 180
        for row, (_, r) in enumerate(quotes.iterrows(), start=1):
            for_name = ex.registry.name_of(r["affiliation"])
            who = speaker_label(r["actor"], for_name)
            values = [who + (f", {r['role']}" if r["role"] else ""),
                      shown_date(r) or f"{_iso(r['published'])} (reported)",
                      quotes_mod.whole_sentences(r["evidence"], quote_len),  # verbatim, whole sentences
                      _clip(r["source_title"], 90) + (f"\n{r['source_url']}" if r["source_url"] else "")]
            for col, value in enumerate(values):
                table.cell(row, col).text = value
        for row in range(n + 1):
            for col in range(4):
                for para in table.cell(row, col).text_frame.paragraphs:
                    para.font.size = Pt(12 if row else 13)
    all_quotes = "\n".join(
        f"- {citation(r['actor'], ex.registry.name_of(r['affiliation']), shown_date(r), _iso(r['published']), r['evidence'], r['source_title'], r['source_url'])}"
        for _, r in quotes.iterrows())
    slide.notes_slide.notes_text_frame.text = f"Quotes in full:\n{all_quotes or '(none)'}\n\n{notes}"


def briefing_pack(ex: Export, progress: Callable[[float, str], None] | None = None,
                  images: dict[str, bytes] | None = None) -> bytes:
    """A 16:9 PPTX: title slide (filters, date), one slide per chart, key quotes; methodology in the notes.

    `progress(fraction, message)` is called as the pack is built; `images` may hold
    already rendered PNGs by figure key.
    """
    report = progress or (lambda fraction, message: None)
    images = dict(images or {})
    deck = _Deck(ex)
    notes = methodology(ex)
    total = len(ex.figures) + 2
    _render_missing(ex, images, report)
    report(1 / (total + 1), "Title slide")
    _title_slide(deck, notes)
    for i, named in enumerate(ex.figures, start=1):
        report((i + 1) / (total + 1), f"Chart {i} of {len(ex.figures)}: {named.title}")
        _chart_slide(deck, named, images[named.key], notes)
    report(total / (total + 1), "Key quotes")
    _quotes_slide(deck, notes)
    buf = io.BytesIO()
    deck.prs.save(buf)
    report(1.0, "Done")
    return buf.getvalue()


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pack_pdf(pptx: bytes, timeout: float = 120) -> bytes:
    """Convert a PPTX to PDF with LibreOffice (InputError if soffice is not installed or fails)."""
    exe = soffice_path()
    if not exe:
        raise InputError("PDF of the briefing pack needs LibreOffice (soffice), which is not installed")
    with tempfile.TemporaryDirectory(prefix="positions-pack-") as tmp:
        src = Path(tmp) / "briefing.pptx"
        src.write_bytes(pptx)
        profile = (Path(tmp) / "profile").as_uri()   # own profile: no clash with a running LibreOffice
        proc = subprocess.run([exe, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                               "--outdir", tmp, str(src)], capture_output=True, text=True, timeout=timeout)
        out = Path(tmp) / "briefing.pdf"
        if proc.returncode != 0 or not out.exists():
            raise InputError(f"LibreOffice could not convert the pack: {(proc.stderr or proc.stdout).strip()[:200]}")
        return out.read_bytes()


