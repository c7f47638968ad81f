"""Streamlit download widgets for positions.present.export (the page calls these; no logic of their own).

- `chart_downloads(named, ...)`: PNG / SVG / PDF buttons under a chart.
- `downloads_section(...)`: the view's data (CSV, XLSX, JSON) and the briefing pack.

Images and data are built only when a button is clicked (deferred `data=` callables), and so is
the view's export context (`Downloads.make`: its statements with their quotes and sources), through
the one kaleido server per process, warmed up in the background on first load.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from collections.abc import Callable

import streamlit as st

from positions.present import export
from positions.errors import InputError
from positions.present.figures import NamedFigure


@dataclass(frozen=True)
class Downloads:
    """What the buttons of one view show before a click, and how to build its export on a click."""

    make: Callable[[], export.Export]   # the view's Export (statements, labels, figures): run on a click
    stem: str                           # file-name stem (export.stem_of)
    period: str                         # 'As of 31 May 2024' (export.period_label)
    statements: int                     # how many statements the data files hold
    query: str                          # the view's query string

_PACK = "_positions_briefing_pack"   # session_state: (view query, pptx bytes, pdf bytes | None)


@st.cache_resource(show_spinner=False)
def kaleido_server() -> threading.Thread:
    """Start the process's kaleido server once, in the background, so the first click is warm."""
    thread = threading.Thread(target=export.ensure_kaleido, name="kaleido-start", daemon=True)
    thread.start()
    return thread


def _image(named: NamedFigure, fmt: str, make: Callable[[], export.Export]) -> bytes:
    return export.chart_bytes(make(), named.key, fmt)


def chart_downloads(named: NamedFigure, dl: Downloads) -> None:
    """PNG (2x), SVG and PDF buttons for one chart of the view `dl`, with the period and source line added."""
    kaleido_server()
    row = st.container(horizontal=True, gap="small")
    for fmt in export.IMAGE_FORMATS:
        row.download_button(
            fmt.upper(), data=lambda fmt=fmt: _image(named, fmt, dl.make),
            file_name=f"{dl.stem}-{named.key}.{fmt}", mime=export.MIME[fmt], on_click="ignore",
            key=f"download_{named.key}_{fmt}", help=f"Download this chart as {fmt.upper()}"
            + (" (2x resolution)" if fmt == "png" else "") + ", with its date and source line")


def downloads_section(dl: Downloads) -> None:
    """Data behind the view `dl` (CSV, XLSX, JSON with citations) and the briefing pack button."""
    st.subheader("Downloads")
    st.caption(f"The {dl.statements} statements behind this view with citations ({dl.period[:1].lower() + dl.period[1:]}), "
               "and a PowerPoint briefing pack of its charts and key quotes.")
    row = st.container(horizontal=True, gap="small")
    for fmt in export.DATA_FORMATS:
        row.download_button(fmt.upper(), data=lambda fmt=fmt: export.data_bytes(dl.make(), fmt),
                            file_name=f"{dl.stem}-statements.{fmt}", mime=export.MIME[fmt], on_click="ignore",
                            key=f"download_data_{fmt}", help=f"The statements behind this view as {fmt.upper()}")
    query = dl.query
    if row.button("Build briefing pack", key="build_pack", icon=":material/slideshow:",
                      help="A 16:9 PowerPoint: title slide, one slide per chart, key quotes, methodology in the notes"):
        st.session_state.pop(_PACK, None)
        with st.status("Building the briefing pack…", expanded=True) as status:
            bar = st.progress(0.0, text="Starting")
            pptx = export.briefing_pack(dl.make(), progress=lambda fraction, message: bar.progress(min(fraction, 1.0), text=message))
            pdf = None
            if export.soffice_path():
                bar.progress(1.0, text="Converting to PDF with LibreOffice")
                try:
                    pdf = export.pack_pdf(pptx)
                except InputError as e:
                    st.warning(str(e))
            st.session_state[_PACK] = (query, pptx, pdf)
            status.update(label="Briefing pack ready", state="complete", expanded=False)
    built = st.session_state.get(_PACK)
    if built and built[0] == query:
        _, pptx, pdf = built
        with row:
            st.download_button("Briefing pack (PPTX)", data=pptx, file_name=f"{dl.stem}-briefing.pptx",
                               mime=export.MIME["pptx"], on_click="ignore", key="download_pack_pptx",
                               icon=":material/download:")
            if pdf:
                st.download_button("Briefing pack (PDF)", data=pdf, file_name=f"{dl.stem}-briefing.pdf",
                                   mime=export.MIME["pdf"], on_click="ignore", key="download_pack_pdf",
                                   icon=":material/download:")
