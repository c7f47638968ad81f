"""The who-since view in Chromium at 1440x900 and on a 390x844 phone: no two text boxes of the
chart overlap, and a click on a row opens that state's timeline. Runs on the bundled dataset
(27 to 43 states per issue, so the grid is as tall as it gets)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request

import pytest

from positions.data import store
from tests.conftest import ROOT
from tests.svg_boxes import BOXES_JS, overlaps

from .conftest import ARTIFACTS, free_port
from .test_browser import assert_clean, wait_ready

pytestmark = pytest.mark.browser
PHONE_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.0 Mobile/15E148 Safari/604.1")
GRID = '[data-testid="stPlotlyChart"]:has(.gtitle:text("Who backs"))'


@pytest.fixture(name="bundled_url", scope="module")
def _bundled_url():
    """`streamlit run dashboard.py` on the bundled statements, on a free loopback port."""
    port = free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = open(ARTIFACTS / "streamlit-bundled.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "POSITIONS_DATA": str(store.DEFAULT_PATH)})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start; see {log.name}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


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
