"""The review flow end to end in Debian's chromium: log in, paste an (invented) article, see the
suggestions with highlighted evidence, accept one, and find it on the dashboard at once."""
from __future__ import annotations

import shutil

import pytest

from positions.data import db, users
from tests.db_fixtures import PASSWORD
from tests.pg_server import create_database

from .conftest import ARTIFACTS, serve_dashboard

ARTICLE = ("Vienna, 9 April 2024. German Chancellor Olaf Scholz said on Tuesday that Germany would not send "
           "any soldiers to Ukraine under any circumstances.")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def team_app(request, seeded_sqlite, tmp_path_factory):
    """`streamlit run dashboard.py` (with pages/review.py) on the seeded data, in a SQLite file or
    on the test session's PostgreSQL server (as compose.yaml runs it)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("browser") / "team.sqlite"
        shutil.copy(seeded_sqlite, path)
        url = db.sqlite_url(path)
    else:
        url = create_database(*request.getfixturevalue("pg_server"))
    engine = db.open_store(url)  # PostgreSQL: migrated and seeded from the bundled CSVs here
    users.add(engine, "ana", "editor", PASSWORD)
    engine.dispose()
    # An empty POSITIONS_DATA reads as unset (store.default_source): the page reads the database.
    with serve_dashboard({"POSITIONS_DATA": "", "POSITIONS_DB_URL": url}, "streamlit-review.log") as base:
        yield base, url


def idle(page):
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()
    page.wait_for_function("() => document.querySelectorAll('[data-stale=\"true\"]').length === 0")


def test_review_browser_paste_accept_and_see_it_on_the_dashboard(team_app, new_page):
    from playwright.sync_api import expect

    base, url = team_app
    page, watch = new_page()
    page.goto(f"{base}/review")
    idle(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_label("User name").fill("ana")
    sidebar.get_by_label("Password", exact=True).fill(PASSWORD)
    sidebar.get_by_role("button", name="Log in").click()
    expect(sidebar.get_by_text("Logged in as")).to_be_visible()
    idle(page)
    page.get_by_label("Article text").fill(ARTICLE)
    page.get_by_role("textbox", name="Published (YYYY-MM-DD)").fill("2024-04-09")
    page.get_by_role("textbox", name="Title", exact=True).fill("An invented dispatch")
    page.get_by_label("Article text").click()
    idle(page)
    page.get_by_role("button", name="Find statements").click()
    expect(page.get_by_text("new suggestion(s) to review")).to_be_visible()
    idle(page)
    mark = page.locator("span", has_text="would not send any soldiers to Ukraine").last
    expect(mark).to_be_visible()
    background = mark.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), background
    page.screenshot(path=str(ARTIFACTS / "review-suggestions.png"), full_page=True)
    page.get_by_role("button", name="Accept").first.click()
    expect(page.get_by_text("Accepted: Olaf Scholz")).to_be_visible()

    engine = db.engine_for(url)
    stored = [s for s in db.read_statements(engine) if s.evidence in ARTICLE]  # the bundled data has its own
    engine.dispose()
    assert [(s.origin.value, s.status.value) for s in stored] == [("reviewed", "accepted")]

    page.goto(f"{base}/?view=evidence&issue=trainer_deployment&as_of=2024-04-30&q=Germany+would+not+send+any+soldiers+to+Ukraine+under+any+circumstances")
    idle(page)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    expect(chart).to_contain_text("Evidence: 1 statement")  # the search finds the accepted one only
    expect(chart).to_contain_text("circumstances.")
    expect(chart).to_contain_text("Olaf Scholz")
    page.screenshot(path=str(ARTIFACTS / "review-on-dashboard.png"), full_page=True)
    assert watch.offsite == [], watch.offsite
