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

import asyncio
import atexit
import io
import json
import shutil
import struct
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

import pandas as pd
import plotly.graph_objects as go

from positions.analysis import engine
from positions.present import figures as figures_mod
from positions.reference.codebook import Codebook
from positions.errors import InputError
from positions.present.figures import NamedFigure, data_range, figures_for_view
from positions.reference.registry import Registry
from positions.present.view import ViewState, query_string, to_query
from positions.paths import STATIC_DIR

TOPOJSON_DIR = STATIC_DIR / "topojson"

IMAGE_FORMATS = ("png", "svg", "pdf")
DATA_FORMATS = ("csv", "xlsx", "json")
FORMATS = IMAGE_FORMATS + ("pptx", "pack-pdf") + DATA_FORMATS  # pack-pdf: the pack via LibreOffice
MIME = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

# Layout size of exported charts (CSS pixels); PNG is rendered at SCALE x this.
WIDTH, HEIGHT, SCALE = 1200, 640, 2
PACK_WIDTH, PACK_HEIGHT = 1040, 500   # pack pictures: slide-shaped, so the text reads at slide size
FOOTER_MARGIN = 110   # bottom margin (px) that leaves room for the source line
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# --------------------------------------------------------------------------- kaleido

def _fast_kaleido_class():
    import kaleido

    class FastKaleido(kaleido.Kaleido):
        """Kaleido that reloads a used tab in the background instead of before returning the image.

        Stock kaleido reloads the page (plotly.js) after every render and only then hands back
        the bytes: ~0.2 s per image. Here the next render waits for the reload only if it comes
        sooner (~0.07 s warm). Overrides a private hook; if kaleido drops it, this is a no-op.
        """

        async def _return_kaleido_tab(self, tab):
            pending = self.__dict__.setdefault("_positions_pending", set())
            task = asyncio.create_task(super()._return_kaleido_tab(tab))
            pending.add(task)
            task.add_done_callback(pending.discard)

        async def settle(self):
            await asyncio.gather(*self.__dict__.get("_positions_pending", ()), return_exceptions=True)

    return FastKaleido


class KaleidoServer:
    """One headless Chromium with `tabs` plotly tabs, on its own event-loop thread.

    Thread-safe (each call is a coroutine submitted to the loop), so Streamlit sessions and
    deferred download callbacks can share it. Start once per process with `ensure_kaleido`.
    """

    def __init__(self, tabs: int = 2, timeout: float = 60):
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="kaleido-server", daemon=True)
        self._thread.start()
        self._kaleido = None
        try:
            self._kaleido = self._call(self._open(tabs, timeout))
        except BaseException:
            self._loop.call_soon_threadsafe(self._loop.stop)
            raise
        atexit.register(self.close)

    async def _open(self, tabs, timeout):
        k = _fast_kaleido_class()(n=tabs, timeout=timeout, mathjax=False)
        await k.open()
        return k

    def _call(self, coro, timeout: float | None = 120):
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    @property
    def running(self) -> bool:
        return self._kaleido is not None

    def calc(self, fig_dict: dict, fmt: str, width: int, height: int, scale: float) -> bytes:
        topojson = TOPOJSON_DIR.as_uri() + "/" if TOPOJSON_DIR.is_dir() else None   # maps render offline
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}
        return self._call(self._kaleido.calc_fig(fig_dict, opts=opts, topojson=topojson))

    def calc_many(self, jobs: list[tuple[dict, str, int, int, float]]) -> list[bytes]:
        """Render several figures concurrently (one per tab)."""
        async def run_all():
            return await asyncio.gather(*(self._kaleido.calc_fig(
                d, opts={"format": f, "width": w, "height": h, "scale": sc},
                topojson=TOPOJSON_DIR.as_uri() + "/" if TOPOJSON_DIR.is_dir() else None)
                for d, f, w, h, sc in jobs))
        return self._call(run_all())

    def close(self) -> None:
        if self._kaleido is None:
            return
        k, self._kaleido = self._kaleido, None
        try:
            self._call(k.settle(), timeout=10)
            self._call(k.close(), timeout=20)
        except Exception:  # noqa: BLE001 - shutting down anyway
            pass
        self._loop.call_soon_threadsafe(self._loop.stop)


_server: KaleidoServer | None = None
_server_lock = threading.Lock()


def ensure_kaleido() -> KaleidoServer:
    """The process's kaleido server, started on first use (about 1.5 s); reused afterwards."""
    global _server
    with _server_lock:
        if _server is None or not _server.running:
            from kaleido.errors import ChromeNotFoundError
            try:
                _server = KaleidoServer()
            except ChromeNotFoundError:
                raise InputError("chart images need Chromium; install it with: apt-get install -y chromium") from None
        return _server


def _job(fig: go.Figure, fmt: str, width: int, height: int, scale: float):
    if fmt not in IMAGE_FORMATS:
        raise InputError(f"image format {fmt!r} is unknown; use one of {', '.join(IMAGE_FORMATS)}")
    return fig.to_dict(), fmt, width, height, scale if fmt == "png" else 1


def render(fig: go.Figure, fmt: str, width: int = WIDTH, height: int = HEIGHT, scale: float = SCALE) -> bytes:
    """Figure -> image bytes through the shared kaleido server (PNG at `scale`x, SVG, PDF)."""
    job = _job(fig, fmt, width, height, scale)
    return ensure_kaleido().calc(*job)


def render_many(figs: list[go.Figure], fmt: str, width: int = WIDTH, height: int = HEIGHT,
                scale: float = SCALE) -> list[bytes]:
    jobs = [_job(f, fmt, width, height, scale) for f in figs]
    return ensure_kaleido().calc_many(jobs) if jobs else []


# --------------------------------------------------------------------------- the view's statements

def end_day(df: pd.DataFrame, state: ViewState) -> date:
    """The last day the view covers: as_of, else end, else the data's last day (today at the latest)."""
    return state.as_of or state.end or data_range(df)[1]


def period_label(df: pd.DataFrame, state: ViewState) -> str:
    """'As of 31 May 2024' or '1 Jan 2024 to 31 May 2024' (the view's date or range)."""
    last = end_day(df, state)
    if state.start:
        return f"{state.start:%-d %b %Y} to {last:%-d %b %Y}"
    return f"As of {last:%-d %b %Y}"


def statements_for_view(df: pd.DataFrame, state: ViewState, reg: Registry) -> pd.DataFrame:
    """The statements behind a view: the page's own table (figures.filtered + figures.evidence_rows,
    so page and exports cannot drift apart), narrowed to the actor on the actor view."""
    rows = figures_mod.evidence_rows(figures_mod.filtered(df, state, reg), state, end_day(df, state))
    if state.view == "actor" and state.actor:
        rows = rows[(rows["actor_id"].astype(str) == state.actor) | (rows["affiliation"].astype(str) == state.actor)]
    return rows.reset_index(drop=True)


def source_line(n_statements: int, today: date | None = None) -> str:
    today = today or date.today()
    return f"Source: positions dataset, {n_statements} statements, generated {today.isoformat()}"


def _iso(value) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _source_key(row) -> str:
    return row["source_url"] or row["source_title"]


def speaker_label(speaker: str, for_name: str) -> str:
    return speaker if speaker == for_name else f"{speaker} ({for_name})"


def citation(speaker: str, for_name: str, day: str, published: str, quote: str, title: str, url: str) -> str:
    """'Speaker (State), 2024-05-30: "quote" (Source title, 2024-05-30, URL)'."""
    when = day or (f"undated (reported {published})" if published else "undated")
    where = ", ".join(p for p in (title, published, url) if p)
    return f'{speaker_label(speaker, for_name)}, {when}: "{quote}"' + (f" ({where})" if where else "")


def citation_tables(rows: pd.DataFrame, reg: Registry,
                    position_flags: dict[str, str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(statements, sources) tables for data exports; every statement carries its citation, a
    source_ref into the sources table, its date precision and range, attribution, outlet type, and
    `position_flag`: its state's official position on the view's day rests only on state media/mirrors."""
    position_flags = position_flags or {}
    keys = list(dict.fromkeys(_source_key(r) for _, r in rows.iterrows()))
    refs = {k: f"S{i}" for i, k in enumerate(keys, start=1)}
    statements = []
    for _, r in rows.iterrows():
        for_name = reg.name_of(r["affiliation"])
        day, published = _iso(r["statement_date"]), _iso(r["published"])
        statements.append({
            "statement_id": r["id"], "date": day, "counts_from": _iso(r["effective_date"]),
            "speaker": r["actor"], "actor_id": r["actor_id"], "for": r["affiliation"], "for_name": for_name,
            "role": r["role"], "actor_type": r["actor_type"], "issue": r["issue"], "stance": r["stance"],
            "quote": r["evidence"], "source_ref": refs[_source_key(r)], "source_title": r["source_title"],
            "source_url": r["source_url"], "published": published, "confidence": float(r["confidence"]),
            "origin": r["origin"], "status": r["status"],
            "date_precision": r.get("date_precision") or "", "date_start": _iso(r.get("date_start")),
            "date_end": _iso(r.get("date_end")), "attribution": r.get("attribution") or "direct",
            "source_type": r.get("source_type") or "", "position_flag": position_flags.get(str(r["affiliation"]), ""),
            "citation": citation(r["actor"], for_name, day, published, r["evidence"], r["source_title"], r["source_url"]),
            # The same statement reported by other outlets (merged by positions.data.dedup).
            "also_reported_by": " ".join(src["url"] or src["title"] for src in (r.get("sources") or [])[1:]),
        })
    st_cols = ["statement_id", "date", "counts_from", "speaker", "actor_id", "for", "for_name", "role", "actor_type",
               "issue", "stance", "quote", "source_ref", "source_title", "source_url", "published", "confidence",
               "origin", "status", "date_precision", "date_start", "date_end", "attribution", "source_type",
               "position_flag", "citation", "also_reported_by"]
    statements_df = pd.DataFrame(statements, columns=st_cols)
    sources = []
    for key in keys:
        part = rows[rows.apply(_source_key, axis=1) == key]
        first = part.iloc[0]
        sources.append({"source_ref": refs[key], "source_title": first["source_title"], "source_url": first["source_url"],
                        "published": _iso(first["published"]), "statements": len(part),
                        "statement_ids": " ".join(part["id"])})
    sources_df = pd.DataFrame(sources, columns=["source_ref", "source_title", "source_url", "published", "statements",
                                                "statement_ids"])
    return statements_df, sources_df


# --------------------------------------------------------------------------- formula injection

def neutralise(value):
    """A spreadsheet-safe cell: text starting with = + - @ tab or CR gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out.columns = [neutralise(c) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out


# --------------------------------------------------------------------------- export context

@dataclass(frozen=True)
class Export:
    """Everything an export of one view needs, computed once."""

    state: ViewState
    figures: list[NamedFigure]
    rows: pd.DataFrame          # statements behind the view
    period: str
    source: str
    today: date
    codebook: Codebook
    registry: Registry

    stem: str                   # file-name stem, e.g. positions-cross_border_strikes-2024-05-31
    # () -> {state: "single source: state media" ...} on the view's day; run when a data file is built.
    position_flags: Callable[[], dict] = dict

    @property
    def query(self) -> str:
        return query_string(self.state)


def prepare(df: pd.DataFrame, state: ViewState, cb: Codebook, reg: Registry,
            today: date | None = None, figures: list[NamedFigure] | None = None) -> Export:
    """Resolve a view into its figures, its statements and its labels."""
    today = today or date.today()
    df = engine.prepare(df, reg)  # once: every step below reuses it
    rows = statements_for_view(df, state, reg)
    figs = figures_for_view(df, state, cb, reg) if figures is None else figures
    last = end_day(df, state)
    days = f"{state.start.isoformat()}_{last.isoformat()}" if state.start else last.isoformat()
    flags = lambda: engine.official(figures_mod.filtered(df, state, reg), state.issue).flags_on(last)  # noqa: E731
    return Export(state, figs, rows, period_label(df, state), source_line(len(rows), today), today, cb, reg,
                  f"positions-{state.issue}-{days}", flags)


# --------------------------------------------------------------------------- chart images

def export_figure(named: NamedFigure, period: str, source: str) -> go.Figure:
    """A copy of the page figure with a title and a footer line: period and source."""
    fig = go.Figure(named.figure)
    # A still image cannot play: drop animation frames, sliders and buttons (the shown state stays).
    fig.frames, fig.layout.sliders, fig.layout.updatemenus = (), (), ()
    if not (fig.layout.title and fig.layout.title.text):
        fig.update_layout(title={"text": named.title, "x": 0.01, "xanchor": "left"})
    margin_b = max(fig.layout.margin.b or 0, FOOTER_MARGIN)
    margin_l = fig.layout.margin.l if fig.layout.margin.l is not None else 80
    fig.update_layout(margin={"b": margin_b}, width=None, height=None)
    # Footer under the x axis, left-aligned with the title (which sits at 1% of the width).
    fig.add_annotation(text=f"{period}  ·  {source}", xref="paper", yref="paper", x=0, y=0,
                       xanchor="left", yanchor="top", xshift=-(margin_l - 0.01 * WIDTH), yshift=-(margin_b - 45),
                       showarrow=False, align="left",
                       font={"size": 12, "color": "#555555"})
    return fig


def image_size(named: NamedFigure, width: int = WIDTH, height: int = HEIGHT) -> tuple[int, int]:
    """Layout size of a chart's export: the figure's own height if it sets one (tall tables and
    matrices), plus room for the source line; else width x height."""
    own = named.figure.layout.height
    return width, (int(own) + FOOTER_MARGIN - (named.figure.layout.margin.b or 0) if own else height)


def chart_image(named: NamedFigure, fmt: str, period: str, source: str,
                width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """PNG (2x scale), SVG or PDF bytes of one chart, with its period and source line."""
    return render(export_figure(named, period, source), fmt, *image_size(named, width, height))


def chart_bytes(ex: Export, key: str | None, fmt: str) -> bytes:
    """One chart of a prepared view by key (None = the first chart)."""
    if not ex.figures:
        raise InputError("the view has no charts to export (no dated statements for this issue and date); "
                         "try a later --view as_of or the other issue")
    named = ex.figures[0] if key is None else next((f for f in ex.figures if f.key == key), None)
    if named is None:
        raise InputError(f"--chart {key!r} is not in this view; use one of {', '.join(f.key for f in ex.figures)}")
    return chart_image(named, fmt, ex.period, ex.source)


# --------------------------------------------------------------------------- data

def data_csv(ex: Export) -> bytes:
    statements, _ = citation_tables(ex.rows, ex.registry, ex.position_flags())
    # CRLF (RFC 4180): the csv writer then quotes every field holding a CR or LF.
    return neutralise_frame(statements).to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def _about(ex: Export) -> list[tuple[str, str]]:
    return [("title", f"Positions: {ex.codebook.issue_label(ex.state.issue)}"), ("period", ex.period),
            ("filters", filters_text(ex.state, ex.codebook)), ("view", "?" + ex.query if ex.query else "(default view)"),
            ("source", ex.source), ("codebook version", ex.codebook.version),
            ("method", METHOD_SHORT)]


def data_xlsx(ex: Export) -> bytes:
    """Workbook with sheets statements, sources and about (all text cells neutralised)."""
    statements, sources = citation_tables(ex.rows, ex.registry, ex.position_flags())
    about = pd.DataFrame(_about(ex), columns=["field", "value"])
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        for name, frame, widths in (("statements", statements, {"quote": 80, "citation": 80, "source_title": 40}),
                                    ("sources", sources, {"source_title": 60, "source_url": 40, "statement_ids": 40}),
                                    ("about", about, {"field": 18, "value": 100})):
            neutralise_frame(frame).to_excel(xl, sheet_name=name, index=False)
            ws = xl.sheets[name]
            ws.freeze_panes = "A2"
            for i, col in enumerate(frame.columns, start=1):
                ws.column_dimensions[ws.cell(1, i).column_letter].width = widths.get(col, 14)
    return buf.getvalue()


def data_json(ex: Export) -> bytes:
    """The statements with citations plus their sources, and the view that selected them (raw text)."""
    statements, sources = citation_tables(ex.rows, ex.registry, ex.position_flags())
    doc = {"generated": ex.today.isoformat(), "source": ex.source, "period": ex.period,
           "view": to_query(ex.state), "issue": ex.state.issue,
           "statements": statements.to_dict(orient="records"), "sources": sources.to_dict(orient="records")}
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def data_bytes(ex: Export, fmt: str) -> bytes:
    return {"csv": data_csv, "xlsx": data_xlsx, "json": data_json}[fmt](ex)


# --------------------------------------------------------------------------- briefing pack

METHOD_SHORT = ("Statements are coded to the positions codebook. " + figures_mod.OFFICIAL_RULE)


def filters_text(state: ViewState, cb: Codebook) -> str:
    parts = [f"Issue: {cb.issue_label(state.issue)}", f"View: {state.view}"]
    if state.start or state.end:
        parts.append(f"Range: {state.start or 'start'} to {state.end or 'latest'}")
    if state.as_of:
        parts.append(f"As of: {state.as_of}")
    parts.append(f"Groups: {', '.join(state.groups) if state.groups else 'all'}")
    parts.append(f"Stances: {', '.join(cb.stances[s].label for s in state.stances) if state.stances else 'all'}")
    if state.min_conf:
        parts.append(f"Minimum confidence: {state.min_conf:g}")
    if state.reviewed:
        parts.append("Reviewed statements only")
    if state.sources:
        parts.append(f"Source types: {', '.join(state.sources)}")
    if state.count_conditional:
        parts.append("Conditional counted as support")
    if state.actor:
        parts.append(f"Actor: {state.actor}")
    if state.q:
        parts.append(f"Search: {state.q}")
    return "; ".join(parts)


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


def key_quotes(rows: pd.DataFrame, limit: int = 6) -> pd.DataFrame:
    """The latest statement of each speaker, newest first (at most `limit`)."""
    if rows.empty:
        return rows
    rows = rows.sort_values(["effective_date", "confidence"], ascending=False, kind="stable")
    actor_id, actor = rows["actor_id"].astype(str), rows["actor"].astype(str)
    speaker = actor_id.where(actor_id != "", actor)
    latest = rows.assign(_speaker=speaker).drop_duplicates("_speaker", keep="first")
    return latest.head(limit).drop(columns="_speaker")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _clip(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def briefing_pack(ex: Export, progress: Callable[[float, str], None] | None = None,
                  images: dict[str, bytes] | None = None) -> bytes:
    """A 16:9 PPTX: title slide (filters, date), one slide per chart, key quotes; methodology in the notes.

    `progress(fraction, message)` is called as the pack is built; `images` may hold
    already rendered PNGs by figure key.
    """
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Emu, Inches, Pt

    report = progress or (lambda fraction, message: None)
    images = dict(images or {})
    cb = ex.codebook
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    layout = prs.slide_layouts[5]   # Title Only; the title placeholder is moved to fit 16:9
    grey = RGBColor(0x55, 0x55, 0x55)
    notes = methodology(ex)

    def new_slide(title: str, size: int = 30):
        slide = prs.slides.add_slide(layout)
        t = slide.shapes.title
        t.left, t.top, t.width, t.height = Inches(0.5), Inches(0.3), Inches(12.333), Inches(0.9)
        t.text = title
        para = t.text_frame.paragraphs[0]
        para.font.size, para.font.bold = Pt(size), True
        para.alignment = 1  # left
        footer = slide.shapes.add_textbox(Inches(0.5), Inches(7.0), Inches(12.333), Inches(0.35))
        footer.text_frame.text = f"{ex.period}  ·  {ex.source}"
        footer.text_frame.paragraphs[0].font.size = Pt(11)
        footer.text_frame.paragraphs[0].font.color.rgb = grey
        return slide

    def text_box(slide, left, top, width, height, lines, size=18, color=None):
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

    total = len(ex.figures) + 2
    missing = [f for f in ex.figures if f.key not in images]
    if missing:
        report(0.0, f"Rendering {len(missing)} chart{'s' if len(missing) != 1 else ''}")
        by_size: dict[tuple[int, int], list[NamedFigure]] = {}
        for f in missing:
            by_size.setdefault(image_size(f, PACK_WIDTH, PACK_HEIGHT), []).append(f)
        for (w, h), group in by_size.items():   # concurrent renders, one batch per size
            pngs = render_many([export_figure(f, ex.period, ex.source) for f in group], "png", w, h)
            images.update(zip((f.key for f in group), pngs))
    report(1 / (total + 1), "Title slide")
    slide = new_slide(f"Positions briefing: {cb.issue_label(ex.state.issue)}", size=36)
    slide.shapes.title.top = Inches(1.6)
    text_box(slide, Inches(0.5), Inches(2.7), Inches(12.333), Inches(3.8), [
        cb.issues[ex.state.issue].question,
        ex.period,
        "Filters: " + filters_text(ex.state, cb),
        f"Generated {ex.today:%-d %B %Y}  ·  {_plural(len(ex.rows), 'statement')}  ·  {_plural(len(ex.figures), 'chart')}",
    ], size=18)
    slide.notes_slide.notes_text_frame.text = notes

    for i, named in enumerate(ex.figures, start=1):
        report((i + 1) / (total + 1), f"Chart {i} of {len(ex.figures)}: {named.title}")
        png = images[named.key]
        slide = new_slide(named.title, size=26)
        # The picture keeps its aspect ratio inside a 12.3 x 5.3 in box.
        box_w, box_h = Inches(12.333), Inches(5.3)
        px_w, px_h = struct.unpack(">II", png[16:24])
        ratio = px_w / px_h
        w, h = (box_w, Emu(int(box_w / ratio))) if box_w / ratio <= box_h else (Emu(int(box_h * ratio)), box_h)
        slide.shapes.add_picture(io.BytesIO(png), Inches(0.5) + (box_w - w) // 2, Inches(1.25), w, h)
        text_box(slide, Inches(0.5), Inches(6.55), Inches(12.333), Inches(0.45), [named.caption], size=12, color=grey)
        slide.notes_slide.notes_text_frame.text = f"{named.caption}\n\n{notes}"

    report(total / (total + 1), "Key quotes")
    slide = new_slide("Key quotes", size=30)
    quotes = key_quotes(ex.rows)
    if quotes.empty:
        text_box(slide, Inches(0.5), Inches(1.4), Inches(12.333), Inches(1), ["No statements in this view."])
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
                      _iso(r["statement_date"]) or f"{_iso(r['published'])} (reported)",
                      _clip(r["evidence"], quote_len),  # verbatim: it often carries its own quotation marks
                      _clip(r["source_title"], 90) + (f"\n{r['source_url']}" if r["source_url"] else "")]
            for col, value in enumerate(values):
                table.cell(row, col).text = value
        for row in range(n + 1):
            for col in range(4):
                for para in table.cell(row, col).text_frame.paragraphs:
                    para.font.size = Pt(12 if row else 13)
    all_quotes = "\n".join(
        f"- {citation(r['actor'], ex.registry.name_of(r['affiliation']), _iso(r['statement_date']), _iso(r['published']), r['evidence'], r['source_title'], r['source_url'])}"
        for _, r in quotes.iterrows())
    slide.notes_slide.notes_text_frame.text = f"Quotes in full:\n{all_quotes or '(none)'}\n\n{notes}"

    buf = io.BytesIO()
    prs.save(buf)
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


__all__ = ["Export", "FORMATS", "prepare", "export_bytes", "ensure_kaleido", "neutralise"]
