"""Issue 15: script-laden quotes, actor names and URL parameters stay inert in Debian's chromium:
no dialog, no script run, the payload shown as text."""
from __future__ import annotations

import urllib.parse
import urllib.request

import pytest

from positions.data import store
from tests.conftest import SEED_CSV

from .conftest import serve_dashboard

PAYLOADS = ['<img src=x onerror="window.__xss=1;alert(1)">', "<script>window.__xss=2;alert(2)</script>",
            '"><svg onload="window.__xss=3">', "javascript:window.__xss=4", "=HYPERLINK(\"http://x.test\",\"x\")"]


@pytest.fixture(name="xss_url", scope="module")
def _xss_url(tmp_path_factory):
    """A dashboard serving the seed statements with payloads in quotes, titles and an actor name."""
    rows = store.load_statements(SEED_CSV)
    from dataclasses import replace
    bad = [replace(r, evidence=f"{r.evidence} {PAYLOADS[i % len(PAYLOADS)]}", source_title=PAYLOADS[(i + 1) % 5],
                   id="") for i, r in enumerate(rows)]
    bad.append(replace(rows[0], actor=PAYLOADS[1], actor_type="other", actor_id="", id="", evidence="Invented: " + PAYLOADS[0]))
    path = tmp_path_factory.mktemp("xss") / "statements.csv"
    store.save_statements(bad, path)
    with serve_dashboard({"POSITIONS_DATA": str(path)}, "streamlit-xss.log", start_timeout=40) as url:
        yield url

QUERIES = [{"view": "evidence", "q": "Macron"}, {"view": "evidence", "q": PAYLOADS[1]},
           {"view": "evidence", "q": PAYLOADS[0], "sort": "speaker"}, {"view": "actor", "actor": PAYLOADS[0]},
           {"issue": PAYLOADS[1]}, {"view": PAYLOADS[2]}, {"view": "matrix", "actor": PAYLOADS[3]},
           {"view": "changes"}, {"view": "supporters", "stances": PAYLOADS[0]}]


@pytest.mark.parametrize("query", QUERIES, ids=[str(i) for i in range(len(QUERIES))])
def test_xss_payloads_stay_inert(xss_url, new_page, query):
    page, _ = new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{xss_url}/?{urllib.parse.urlencode(query)}")
    # "notRunning" is also the state before the first run starts: wait for the page's own content first.
    page.locator('[data-testid="stMain"] [data-testid="stElementContainer"]').first.wait_for(timeout=60_000)
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    assert dialogs == []
    assert page.evaluate("() => window.__xss === undefined")
    assert page.evaluate("() => document.querySelectorAll('img[src=\"x\"], svg[onload]').length") == 0
    assert page.evaluate("() => [...document.scripts].every(s => !s.textContent.includes('__xss'))")
    if query.get("q") == "Macron":  # the payload-laden quotes were drawn (as text) in the evidence table
        quote = next(r.evidence for r in store.load_statements(SEED_CSV) if r.actor == "Emmanuel Macron")
        words = " ".join(quote.split()[:3])
        page.wait_for_function("w => document.documentElement.outerHTML.includes(w)", arg=words, timeout=30_000)
        assert words in page.content()
        assert page.locator('[data-testid="stPlotlyChart"]').count() >= 1
    assert "Traceback" not in page.inner_text("body")
