"""Chart images: one persistent kaleido server, and page figures with a period and source line."""
from __future__ import annotations

import asyncio
import atexit
import sys
import threading

import plotly.graph_objects as go

from positions.errors import InputError
from positions.present.figures import NamedFigure
from positions.present.charts import TOPOJSON_DIR
from positions.present.export.formats import HEIGHT, IMAGE_FORMATS, SCALE, WIDTH
from positions.present.export.frame import SUBTITLE_PX, TITLE_PX, frame
from positions.present.export.context import Export
from positions.present.export.still import lighten

# --------------------------------------------------------------------------- kaleido

RELOAD_EVERY = 20   # renders a kaleido tab serves before it is reloaded (a fresh page, memory freed)


def _fast_kaleido_class():
    import kaleido

    class FastKaleido(kaleido.Kaleido):
        """Kaleido that reuses a tab for the next render instead of reloading it after every one.

        Stock kaleido reloads the page (plotly.js, 4.6 MB of script) after every render before it
        hands the tab back: ~0.2 s of CPU per image, which on 2 cores slows the next render too.
        Each render builds and purges its own plot, so a tab can serve RELOAD_EVERY renders; it is
        reloaded (in the background) after that many, and after a render that failed or timed out
        (its page may hold a half-drawn plot). Overrides a private hook; if kaleido drops it,
        this is a no-op.
        """

        async def _return_kaleido_tab(self, tab):
            served = self.__dict__.setdefault("_positions_served", {})
            served[tab] = served.get(tab, 0) + 1
            # Called from kaleido's `finally`: an exception in flight means the render failed.
            if sys.exc_info()[0] is None and served[tab] < RELOAD_EVERY:
                await self.tabs_ready.put(tab)
                return
            served[tab] = 0
            self.reloads = getattr(self, "reloads", 0) + 1
            pending = self.__dict__.setdefault("_positions_pending", set())
            task = asyncio.create_task(super()._return_kaleido_tab(tab))
            pending.add(task)
            task.add_done_callback(pending.discard)

        async def settle(self):
            await asyncio.gather(*self.__dict__.get("_positions_pending", ()), return_exceptions=True)

    return FastKaleido


def _topojson_uri() -> str | None:
    """The shipped map outlines, so maps render offline (passed per call: no global plotly default)."""
    return TOPOJSON_DIR.as_uri() + "/" if TOPOJSON_DIR.is_dir() else None


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
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}
        return self._call(self._kaleido.calc_fig(fig_dict, opts=opts, topojson=_topojson_uri()))

    def calc_many(self, jobs: list[tuple[dict, str, int, int, float]]) -> list[bytes]:
        """Render several figures concurrently (one per tab)."""
        async def run_all():
            return await asyncio.gather(*(self._kaleido.calc_fig(
                d, opts={"format": f, "width": w, "height": h, "scale": sc},
                topojson=_topojson_uri())
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


def _job(fig: go.Figure | dict, fmt: str, width: int, height: int, scale: float):
    if fmt not in IMAGE_FORMATS:
        raise InputError(f"image format {fmt!r} is unknown; use one of {', '.join(IMAGE_FORMATS)}")
    return fig.to_dict() if isinstance(fig, go.Figure) else fig, fmt, width, height, scale if fmt == "png" else 1


def render(fig: go.Figure | dict, fmt: str, width: int = WIDTH, height: int = HEIGHT, scale: float = SCALE) -> bytes:
    """Figure (or its plotly JSON as a dict) -> image bytes through the shared kaleido server
    (PNG at `scale`x, SVG, PDF)."""
    job = _job(fig, fmt, width, height, scale)
    return ensure_kaleido().calc(*job)


def render_many(figs: list[go.Figure | dict], fmt: str, width: int = WIDTH, height: int = HEIGHT,
                scale: float = SCALE) -> list[bytes]:
    jobs = [_job(f, fmt, width, height, scale) for f in figs]
    return ensure_kaleido().calc_many(jobs) if jobs else []


# --------------------------------------------------------------------------- chart images

def export_figure(named: NamedFigure, period: str, source: str, width: int = WIDTH,
                  height: int = HEIGHT, title: bool = True) -> tuple[go.Figure, int]:
    """A copy of the page figure laid out for a still image (positions.present.export.frame) with
    the period and source line underneath; returns the figure and the image height.
    `title=False` drops the title (a slide carries it). Images draw it lightened (`still_spec`)."""
    fig = go.Figure(named.figure)
    # A still image cannot play: drop animation frames, sliders and buttons (the shown state stays).
    fig.frames, fig.layout.sliders, fig.layout.updatemenus = (), (), ()
    own = fig.layout.height
    m = fig.layout.margin
    plot_h = int((own or height) - (m.t if m.t is not None else 90) - (m.b if m.b is not None else 50))
    fig, full = frame(fig, named.title, f"{period} · {source}", width, max(plot_h, 160))
    if not title:
        shift = TITLE_PX + (SUBTITLE_PX if fig.layout.title.subtitle.text else 0)
        fig.layout.title.text, fig.layout.title.subtitle.text = "", ""
        fig.layout.margin.t -= shift
        full -= shift
    return fig, full


def still_spec(named: NamedFigure, period: str, source: str, width: int = WIDTH, height: int = HEIGHT,
               title: bool = True) -> tuple[dict, int]:
    """What an image of the chart renders: `export_figure` as plotly JSON, lightened for plotly.js
    (positions.present.export.still), and the image height."""
    fig, full = export_figure(named, period, source, width, height, title)
    return lighten(fig.to_dict()), full


def still(ex: Export, named: NamedFigure, width: int = WIDTH, height: int = HEIGHT,
          title: bool = True) -> tuple[dict, int]:
    """`still_spec` of one chart of the view `ex`: built on the first export and kept on `ex`
    (one per view), so PNG, SVG and PDF of a chart and repeated downloads share it."""
    key = (named.key, width, height, title)
    if key not in ex.stills:
        ex.stills[key] = still_spec(named, ex.period, ex.source, width, height, title)   # never mutated after
    return ex.stills[key]


def image_size(named: NamedFigure, width: int = WIDTH, height: int = HEIGHT) -> tuple[int, int]:
    """Layout size of a chart's export (the height follows from the frame's bands)."""
    return width, export_figure(named, "", "", width, height)[1]


def chart_image(named: NamedFigure, fmt: str, period: str, source: str,
                width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """PNG (2x scale), SVG or PDF bytes of one chart, with its period and source line."""
    spec, full = still_spec(named, period, source, width, height)
    return render(spec, fmt, width, full)


def chart_bytes(ex: Export, key: str | None, fmt: str) -> bytes:
    """One chart of a prepared view by key (None = the first chart)."""
    if not ex.figures:
        raise InputError("the view has no charts to export (no dated statements for this issue and date); "
                         "try a later --view as_of or the other issue")
    named = ex.figures[0] if key is None else next((f for f in ex.figures if f.key == key), None)
    if named is None:
        raise InputError(f"--chart {key!r} is not in this view; use one of {', '.join(f.key for f in ex.figures)}")
    fig, full = still(ex, named)
    return render(fig, fmt, WIDTH, full)


