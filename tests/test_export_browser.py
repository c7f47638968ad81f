"""Real browser: the page's download buttons give the right files (Playwright + Debian chromium)."""
import os
import shutil
import socket
import struct
import subprocess
import sys
import time
import urllib.request
import zipfile

import pytest

from tests.conftest import ROOT, SEED_CSV

CHROMIUM = "/usr/bin/chromium"
CHROME_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed")
sync_api = pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(name="app_url", scope="module")
def _app_url(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.address", "127.0.0.1",
             "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, env={**os.environ, "POSITIONS_DATA": str(SEED_CSV)})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    pytest.fail(f"streamlit did not start: {log.read_text(errors='replace')[-2000:]}")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(name="page", scope="module")
def _page(app_url, tmp_path_factory):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
        context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(f"{app_url}/?as_of=2024-05-31")
        sync_api.expect(page.locator('[data-testid="stPlotlyChart"] .gtitle',
                                     has_text="States by stance")).to_be_visible(timeout=30_000)
        yield page
        browser.close()


def download(page, name, tmp_path, timeout=30_000):
    with page.expect_download(timeout=timeout) as info:
        page.get_by_role("button", name=name, exact=True).first.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target


def test_export_browser_png_button_downloads_2x_png(page, tmp_path):
    path = download(page, "PNG", tmp_path)
    data = path.read_bytes()
    assert path.name == "positions-cross_border_strikes-2024-05-31-supporters.png"
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (2400, 1280)


def test_export_browser_csv_button_downloads_statements(page, tmp_path):
    data = download(page, "CSV", tmp_path).read_text(encoding="utf-8")
    assert data.startswith("statement_id,date,")
    assert "Jan Lipavsky" in data and "citation" in data.splitlines()[0]


def test_export_browser_briefing_pack(page, tmp_path):
    page.get_by_role("button", name="Build briefing pack").click()
    pack = page.get_by_role("button", name="Briefing pack (PPTX)")
    sync_api.expect(pack).to_be_visible(timeout=60_000)
    path = download(page, "Briefing pack (PPTX)", tmp_path)
    assert zipfile.is_zipfile(path)
    assert "ppt/slides/slide3.xml" in zipfile.ZipFile(path).namelist()
    if shutil.which("soffice"):
        assert download(page, "Briefing pack (PDF)", tmp_path).read_bytes()[:5] == b"%PDF-"
    if (ROOT / "tests" / "artifacts").is_dir():   # for a human look; the folder is git-ignored
        page.screenshot(path=str(ROOT / "tests" / "artifacts" / "export-page.png"), full_page=True)
