"""Real browser: the page's download buttons give the right files (Playwright + Debian chromium).

Uses the session's dashboard server and browser from tests/e2e/conftest.py.
"""
import shutil
import struct
import zipfile

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT


@pytest.fixture(name="page", scope="module")
def _page(app_url, chromium):
    context = chromium.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{app_url}/?view=supporters&as_of=2024-05-31")
    expect(page.locator('[data-testid="stPlotlyChart"] .gtitle', has_text="States by stance")).to_be_visible(timeout=30_000)
    yield page
    context.close()


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
    width, height = struct.unpack(">II", data[16:24])
    assert width == 2400 and height % 2 == 0 and 800 < height < 1600   # 2x; the height follows the frame's bands


def test_export_browser_csv_button_downloads_statements(page, tmp_path):
    data = download(page, "CSV", tmp_path).read_text(encoding="utf-8")
    assert data.startswith("statement_id,date,")
    assert "Jan Lipavsky" in data and "citation" in data.splitlines()[0]


def test_export_browser_briefing_pack(page, tmp_path):
    page.get_by_role("button", name="Build briefing pack").click()
    pack = page.get_by_role("button", name="Briefing pack (PPTX)")
    expect(pack).to_be_visible(timeout=60_000)
    path = download(page, "Briefing pack (PPTX)", tmp_path)
    assert zipfile.is_zipfile(path)
    assert "ppt/slides/slide3.xml" in zipfile.ZipFile(path).namelist()
    if shutil.which("soffice"):
        assert download(page, "Briefing pack (PDF)", tmp_path).read_bytes()[:5] == b"%PDF-"
    if (ROOT / "tests" / "artifacts").is_dir():   # for a human look; the folder is git-ignored
        page.screenshot(path=str(ROOT / "tests" / "artifacts" / "export-page.png"), full_page=True)
