"""Exports for briefings: chart images, data with citations and a PowerPoint pack.

Pure functions, no Streamlit: the page (positions.present.widgets) and the command line
(`python -m positions export`) call the same code, so a shared link gives the same files.

- Chart images (PNG at 2x, SVG, PDF) are rendered by plotly + kaleido through one
  persistent kaleido server (`ensure_kaleido`), from a COPY of the page's figure with the
  as-of date or range and a source line added underneath. Template and colours are the
  figure's own, so the export looks like the page (the page draws with theme=None).
- Data (CSV, XLSX with statements + sources sheets, JSON) holds the statements behind
  the view with a ready-to-paste citation. Spreadsheet cells that start with = + - @ tab
  or CR are neutralised (prefixed with ') so they never run as formulas.
- The briefing pack is a 16:9 PPTX; `pack_pdf` converts it with LibreOffice if present.
"""

from __future__ import annotations

from typing import Callable

from positions.errors import InputError
from positions.present.export.context import (Export, build_export, period_label, source_line, statements_for_view,
                                              stem_of)
from positions.present.export.formats import DATA_FORMATS, FORMATS, FORMULA_PREFIXES, HEIGHT, IMAGE_FORMATS, MIME, WIDTH
from positions.present.export.images import (chart_bytes, chart_image, ensure_kaleido, export_figure, image_size, render,
                                             render_many, still, still_spec)
from positions.present.export.pack import briefing_pack, key_quotes, methodology, pack_pdf, soffice_path
from positions.present.export.tables import (citation, citation_tables, data_bytes, data_csv, data_json, data_xlsx, neutralise,
                                             neutralise_frame)

__all__ = [
    "DATA_FORMATS", "Export", "FORMATS", "FORMULA_PREFIXES", "HEIGHT", "IMAGE_FORMATS", "MIME", "WIDTH", "briefing_pack", "build_export", "chart_bytes",
    "chart_image", "citation", "citation_tables", "data_bytes", "data_csv", "data_json", "data_xlsx", "ensure_kaleido", "export_bytes",
    "export_figure", "image_size", "key_quotes", "methodology", "neutralise", "neutralise_frame", "pack_pdf", "period_label",
    "render", "render_many", "soffice_path", "source_line", "statements_for_view", "stem_of", "still", "still_spec",
]

# --------------------------------------------------------------------------- one entry point

def export_bytes(ex: Export, fmt: str, chart: str | None = None,
                 progress: Callable[[float, str], None] | None = None) -> bytes:
    """The bytes of one export format for a prepared view (what both page and CLI produce)."""
    if fmt in IMAGE_FORMATS:
        return chart_bytes(ex, chart, fmt)
    if fmt in DATA_FORMATS:
        return data_bytes(ex, fmt)
    if fmt == "pptx":
        return briefing_pack(ex, progress)
    if fmt == "pack-pdf":
        if not soffice_path():  # fail before the slow rendering
            raise InputError("--format pack-pdf needs LibreOffice (apt-get install -y libreoffice-impress)")
        return pack_pdf(briefing_pack(ex, progress))
    raise InputError(f"format {fmt!r} is unknown; use one of {', '.join(FORMATS)}")
