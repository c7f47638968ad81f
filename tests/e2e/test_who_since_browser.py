"""The who-since view in Chromium at 1440x900 and on a 390x844 phone: no two text boxes of the
chart overlap, and a click on a row opens that state's timeline. Runs on the bundled dataset
(27 to 43 states per issue, so the grid is as tall as it gets)."""
from __future__ import annotations

import re

import pytest

from positions.data import store
from tests.svg_boxes import BOXES_JS, overlaps

from .conftest import ARTIFACTS, serve_dashboard
from .test_browser import assert_clean, wait_ready

pytestmark = pytest.mark.browser
PHONE_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.0 Mobile/15E148 Safari/604.1")
GRID = '[data-testid="stPlotlyChart"]:has(.gtitle:text("Who backs"))'


@pytest.fixture(name="bundled_url", scope="module")
def _bundled_url():
    """`streamlit run dashboard.py` on the bundled statements, on a free loopback port."""
    with serve_dashboard({"POSITIONS_DATA": str(store.DEFAULT_PATH)}, "streamlit-bundled.log") as url:
        yield url


def open_page(chromium, url, width, height, phone=False):
    ctx = chromium.new_context(viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone,
                               user_agent=PHONE_UA if phone else None, device_scale_factor=2 if phone else 1)
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    from .conftest import Watch
    watch = Watch(page)
    page.goto(url)
    wait_ready(page)
    page.locator(GRID).wait_for()
    page.wait_for_timeout(300)
    return ctx, page, watch


def grid_boxes(page):
    return page.locator(GRID).evaluate(BOXES_JS)


@pytest.mark.parametrize("width,height,phone,issue", [
    (1440, 900, False, "cross_border_strikes"),
    (1440, 900, False, "trainer_deployment"),     # 43 states: the tallest grid
    (390, 844, True, "cross_border_strikes"),
    (390, 844, True, "trainer_deployment"),
])
def test_who_since_browser_no_text_overlaps(bundled_url, chromium, width, height, phone, issue):
    query = "" if issue == "cross_border_strikes" else f"/?issue={issue}"
    ctx, page, watch = open_page(chromium, bundled_url + query, width, height, phone)
    try:
        page.locator(GRID).screenshot(path=str(ARTIFACTS / f"who-{width}-{issue}.png"))
        page.screenshot(path=str(ARTIFACTS / f"who-page-{width}-{issue}.png"))
        boxes = grid_boxes(page)
        names = [b["text"] for b in boxes]
        assert any(t.startswith("Estonia") for t in names) and any("since" in t for t in names)
        assert overlaps(boxes) == []
        chart = page.locator(GRID).bounding_box()
        assert chart["x"] >= 0 and chart["x"] + chart["width"] <= width + 1, "the grid fits the screen"
        if phone:
            assert "compact=true" in page.url
        assert_clean(watch)
    finally:
        ctx.close()


def test_who_since_browser_row_click_opens_the_states_timeline(bundled_url, chromium):
    ctx, page, watch = open_page(chromium, bundled_url, 1440, 900)
    try:
        trace, point = page.locator(GRID).evaluate("""(el) => {
            const d = el.querySelector('.js-plotly-plot');
            for (let t = 0; t < d.data.length; t++) {
                const i = d.data[t].customdata.findIndex(c => c[0] === 'DE');
                if (i >= 0 && d.data[t].name !== 'No public position found') return [t, i];
            }
        }""")
        page.locator(GRID).locator(".barlayer .trace").nth(trace).locator(".point").nth(point).click(force=True)
        page.wait_for_url(re.compile(r"view=actor.*actor=DE|actor=DE.*view=actor"))
        wait_ready(page)
        page.locator('[data-testid="stPlotlyChart"] .gtitle', has_text="Germany: statements").wait_for()
        assert_clean(watch)
    finally:
        ctx.close()
