"""The lighter still-image figure (positions.present.export.still) and its per-view cache: the image
carries the same segments, stances, dates, row labels, legend and source line as the view's official
positions and the page's chart; it is built once per view; a failed render does not break the next."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from positions.analysis import engine
from positions.data import store
from positions.present import export, figures, view, who_chart
from positions.present.export import images
from positions.reference.codebook import STANCE_ORDER

ISSUES = ("cross_border_strikes", "trainer_deployment")


@pytest.fixture(name="bundled", scope="module")
def _bundled():
    return store.load_frame(store.DEFAULT_PATH)


def _who_export(bundled, cb, reg, issue: str) -> export.Export:
    return export.build_export(bundled, view.ViewState(view="who", issue=issue), cb, reg, today=date(2026, 12, 6))


def official_segments(bundled, reg, state: view.ViewState, label_of) -> set[tuple]:
    """(state name, start, end, stance label) of every official-position segment, from the engine's
    change events (not the chart): each stance runs from its change to the next, clipped to the chart."""
    on = figures.as_of_date(bundled, state)
    start = pd.Timestamp(min(state.start or figures.data_range(bundled)[0], on))
    events = engine.official(figures.filtered(bundled, state, reg), state.issue).events
    events = events[events["since"] <= pd.Timestamp(on)].sort_values("since", kind="stable")
    out = set()
    for code, part in events.groupby(events["affiliation"].astype(str)):
        if code not in reg.states:
            continue
        days = [pd.Timestamp(d) for d in part["since"]] + [pd.Timestamp(on) + pd.Timedelta(days=1)]
        for i, stance in enumerate(part["stance"].astype(str)):
            lo = max(days[i], start)
            if days[i + 1] > lo:
                out.add((reg.name_of(code), lo, days[i + 1], label_of(stance)))
    return out


def drawn_segments(fig: dict, labels: set[str]) -> set[tuple]:
    """(row, start, end, legend entry) of every bar in the still figure's stance traces."""
    out = set()
    for trace in fig["data"]:
        if trace["type"] == "bar" and trace.get("name") in labels:
            for y, base, ms in zip(trace["y"], trace["base"], trace["x"]):
                lo = pd.Timestamp(base)
                out.add((y, lo, lo + pd.Timedelta(milliseconds=float(ms)), trace["name"]))
    return out


@pytest.mark.parametrize("issue", ISSUES)
def test_export_still_who_grid_draws_the_official_positions(bundled, cb, reg, issue):
    """Every bar of the lightened figure is a segment of a state's official position, and every segment is drawn."""
    ex = _who_export(bundled, cb, reg, issue)
    fig, _ = export.still(ex, ex.figures[0])
    labels = {cb.stances[s].label for s in STANCE_ORDER}
    expected = official_segments(bundled, reg, ex.state, lambda s: cb.stances[s].label)
    assert expected, "the bundled data give this issue official positions"
    assert drawn_segments(fig, labels) == expected


@pytest.mark.parametrize("issue", ISSUES)
def test_export_still_keeps_rows_labels_legend_and_source(bundled, cb, reg, issue):
    """The same rows, "since" labels (now one text trace), legend entries, title and source line as the page's chart."""
    ex = _who_export(bundled, cb, reg, issue)
    page = ex.figures[0].figure
    fig, _ = export.still(ex, ex.figures[0])
    since = {a.y: a.text for a in page.layout.annotations if a.name == "since"}
    text = [t for t in fig["data"] if t["type"] == "scatter" and "text" in t["mode"]]
    assert len(text) == 1 and dict(zip(text[0]["y"], text[0]["text"])) == since
    assert not [a for a in fig["layout"]["annotations"] if a.get("name") == "since"]
    assert [t["name"] for t in fig["data"] if t.get("showlegend") is not False] == [t.name for t in page.data]
    assert list(fig["layout"]["yaxis"]["categoryarray"]) == list(page.layout.yaxis.categoryarray)
    assert fig["layout"]["xaxis"]["range"] == list(page.layout.xaxis.range)
    assert fig["layout"]["title"]["text"] == page.layout.title.text
    source = next(a["text"] for a in fig["layout"]["annotations"] if a.get("name") == "source")
    assert ex.period in source and "Source: positions" in source.replace("<br>", " ")


def test_export_still_drops_hover_data_only(bundled, cb, reg):
    """No hover payload in the image's figure; the page's figure still has it (the copy is separate)."""
    ex = _who_export(bundled, cb, reg, ISSUES[0])
    fig, _ = export.still(ex, ex.figures[0])
    assert all("customdata" not in t and "hovertemplate" not in t for t in fig["data"])
    assert all(t.customdata is not None for t in ex.figures[0].figure.data)


def test_export_still_ranged_dates_keep_their_hatched_bands(bundled, cb, reg):
    """The hatched period of a statement dated to a month is in the image as on the page."""
    ex = _who_export(bundled, cb, reg, ISSUES[0])
    fig, _ = export.still(ex, ex.figures[0])
    page = [t for t in ex.figures[0].figure.data if t.name == who_chart.RANGE_NAME]
    still = [t for t in fig["data"] if t.get("name") == who_chart.RANGE_NAME]
    assert len(page) == len(still) == 1
    assert list(still[0]["y"]) == list(page[0].y) and list(still[0]["base"]) == list(page[0].base)
    assert still[0]["marker"]["pattern"]["shape"] == "/"


def test_export_still_is_built_once_per_view(bundled, cb, reg, monkeypatch):
    """PNG, SVG and PDF of a chart (and repeated clicks) share one framed figure."""
    ex = _who_export(bundled, cb, reg, ISSUES[0])
    built = []
    real = images.export_figure
    monkeypatch.setattr(images, "export_figure", lambda *a, **k: built.append(a[0].key) or real(*a, **k))
    rendered = []
    monkeypatch.setattr(images, "render", lambda fig, fmt, width, height: rendered.append((id(fig), fmt, height)))
    for fmt in ("png", "svg", "pdf", "png"):
        export.chart_bytes(ex, None, fmt)
    assert built == ["who"]
    assert len({r[0] for r in rendered}) == 1 and [r[1] for r in rendered] == ["png", "svg", "pdf", "png"]
    other = _who_export(bundled, cb, reg, ISSUES[1])
    export.chart_bytes(other, None, "png")
    assert built == ["who", "who"], "another view builds its own"


def test_export_still_other_views_keep_their_annotations(bundled, cb, reg):
    """Only labels right of a plot become text: event labels and footnotes stay annotations."""
    ex = export.build_export(bundled, view.parse_query_string("view=supporters"), cb, reg)
    fig, _ = export.still(ex, ex.figures[0])
    names = [a.get("name") or "" for a in fig["layout"]["annotations"]]
    assert any(n.startswith("event") for n in names) and "source" in names
    assert not any(t.get("name") == "row labels" for t in fig["data"])


def test_export_still_tab_survives_a_failed_render(kaleido_server, bundled, cb, reg, monkeypatch):
    """Tabs are handed back without a reload between good renders; a render that fails in plotly.js
    has its tab reloaded, and the renders after it still work."""
    from kaleido.errors import KaleidoError

    monkeypatch.setattr(images, "RELOAD_EVERY", 1000)   # no periodic reload inside this test
    ex = _who_export(bundled, cb, reg, ISSUES[0])
    k = kaleido_server._kaleido
    before = getattr(k, "reloads", 0)
    for _ in range(3):
        assert export.chart_bytes(ex, None, "png")[:8] == b"\x89PNG\r\n\x1a\n"
    assert getattr(k, "reloads", 0) == before, "good renders reuse their tab"
    with pytest.raises(KaleidoError):
        export.render({"data": [None], "layout": {}}, "png", 200, 100)
    assert k.reloads == before + 1, "the failed render's tab is reloaded"
    for _ in range(3):
        assert export.chart_bytes(ex, None, "png")[:8] == b"\x89PNG\r\n\x1a\n"


def test_export_still_tabs_reload_after_reload_every_renders(kaleido_server, monkeypatch):
    """A tab is reloaded after RELOAD_EVERY renders (memory of the page freed)."""
    monkeypatch.setattr(images, "RELOAD_EVERY", 2)
    k = kaleido_server._kaleido
    k.__dict__.get("_positions_served", {}).clear()
    before = getattr(k, "reloads", 0)
    for _ in range(4):   # two tabs: each serves two renders (or one tab four)
        export.render({"data": [], "layout": {}}, "svg", 100, 100)
    assert k.reloads >= before + 1
