"""The dashboard in a real browser: clean console, nothing leaves localhost, the URL is the view."""
from __future__ import annotations

import re

import pytest

from positions.present.view import VIEWS

from .conftest import ARTIFACTS

AS_OF = "2024-06-15"
CHART = '[data-testid="stPlotlyChart"] .js-plotly-plot'
TRACES_JS = """() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot'))
  .map(d => JSON.stringify([d.layout.title && d.layout.title.text,
                            d.data.map(t => [t.name, t.type, Array.from(t.x || t.locations || []),
                                             Array.from(t.y || t.z || [])])]))"""


def wait_ready(page, charts: int = 1):
    """Wait until the rerun finished and `charts` plotly charts are drawn."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()
    page.wait_for_function(
        "n => document.querySelectorAll('[data-stale=\"true\"]').length === 0 && "
        "document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .js-plotly-plot .main-svg').length >= n",
        arg=charts)


def assert_clean(watch):
    assert watch.errors == [], f"console errors: {watch.errors}"
    assert watch.offsite == [], f"requests leaving localhost: {watch.offsite}"
    assert watch.failed == [], f"failed requests: {watch.failed}"


def test_browser_loads_clean_and_filter_change_goes_into_a_link_that_reopens_it(app_url, new_page):
    page, watch = new_page()
    page.goto(f"{app_url}/?view=supporters&as_of=2024-05-31")
    wait_ready(page)
    assert "5" in page.locator('[data-testid="stMetricValue"]').first.inner_text()
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="Trainer / troop deployment").click()
    page.wait_for_url(re.compile(r"issue=trainer_deployment"))
    wait_ready(page)
    url = page.url
    assert "as_of=2024-05-31" in url
    first = page.evaluate(TRACES_JS)
    assert "trainer" in first[0].lower()
    assert_clean(watch)

    again, watch2 = new_page()
    again.goto(url)
    wait_ready(again)
    assert again.evaluate(TRACES_JS) == first
    assert_clean(watch2)


def test_browser_map_draws_countries_from_local_topojson(app_url, new_page):
    page, watch = new_page()
    topo = []
    page.on("response", lambda r: topo.append((r.url, r.status)) if "topojson" in r.url else None)
    page.goto(f"{app_url}/?view=map&as_of={AS_OF}")
    wait_ready(page)
    page.wait_for_function("() => document.querySelectorAll('path.choroplethlocation').length > 30")
    assert topo and all(url.startswith(app_url) and status == 200 for url, status in topo), topo
    assert page.locator(".updatemenu-button").count() == 0, "one date only: the sidebar's As of"
    assert_clean(watch)


@pytest.mark.parametrize("name", VIEWS)
def test_browser_screenshot_of_each_view(app_url, new_page, name):
    page, watch = new_page(height=2000)  # the app scrolls inside its own container: a tall viewport
    extra = {"actor": "&actor=FR", "changes": "&compare_from=2024-05-01", "matrix": "&actor=FR"}.get(name, "")
    page.goto(f"{app_url}/?view={name}&as_of={AS_OF}{extra}")
    wait_ready(page, charts=2 if name == "matrix" else 1)
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / f"view-{name}.png"))
    assert_clean(watch)


def test_browser_click_on_a_matrix_cell_drills_down_to_that_state(app_url, new_page):
    page, watch = new_page()
    page.goto(f"{app_url}/?view=matrix&as_of=2024-05-31")
    wait_ready(page)
    first_row = page.evaluate("""() => {
        const d = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
        const cells = d.data.find(t => t.name === 'cells');
        return cells.customdata.find(c => c[1] !== 'No public position found')[0];
    }""")
    index = page.evaluate("""(code) => {
        const d = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
        return d.data.find(t => t.name === 'cells').customdata.findIndex(c => c[0] === code);
    }""", first_row)
    page.locator('[data-testid="stPlotlyChart"] .scatterlayer .trace .point').nth(index).click(force=True)
    page.wait_for_url(re.compile(rf"actor={first_row}\b"))
    wait_ready(page, charts=2)  # the matrix and the state's timeline below it
    assert_clean(watch)
