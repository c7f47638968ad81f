"""Getting an article for review: upload type/size/encoding limits, and URLs fetched from a local
HTTP server (timeout, HTTP errors, wrong content type, unreachable host, internal addresses)."""
from __future__ import annotations

import socket
import time

import pytest

from positions.data import intake
from positions.errors import InputError
from tests.conftest import QuietHandler, local_http

HTML = ("<html><head><title>Invented</title></head><body><nav>Menu Home About</nav><article><h1>Invented "
        "report</h1><p>Foreign Minister Erika Vandenberg said on Monday that her government would not send "
        "instructors to Ukraine this year, whatever its partners decide.</p><p>She repeated the point twice "
        "to reporters gathered outside the ministry in the rain, and took no further questions.</p>"
        "</article></body></html>")


@pytest.mark.parametrize("name, raw, message", [
    ("a.pdf", b"%PDF-1.7", ".pdf is not accepted"),
    ("a", b"text", "no extension is not accepted"),
    ("a.txt", b"x" * (intake.MAX_BYTES + 1), "over the 2 MiB limit"),
    ("a.txt", b"abc\x00def", "looks binary"),
    ("a.txt", "caf\u00e9".encode("latin-1"), "not valid UTF-8 (byte 3)"),
    ("a.md", b"   \n", "the file is empty"),
    ("a.html", b"<html><body></body></html>", "no article text found"),
])
def test_intake_upload_is_refused_with_a_reason(name, raw, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        intake.read_upload(name, raw)


def test_intake_upload_reads_text_and_html_bodies():
    assert intake.read_upload("note.TXT", "\ufeffKyiv, 2 May. A plain note.".encode()) == "Kyiv, 2 May. A plain note."
    body = intake.read_upload("page.html", HTML.encode())
    assert "would not send instructors to Ukraine" in body and "Menu Home About" not in body


class Handler(QuietHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        routes = {"/article": (200, "text/html; charset=utf-8", HTML.encode()),
                  "/plain": (200, "text/plain", b"A plain invented line."),
                  "/image": (200, "image/png", b"\x89PNG"),
                  "/gone": (404, "text/html", b"no")}
        if self.path == "/slow":
            time.sleep(2)
            routes["/slow"] = (200, "text/plain", b"late")
        self.reply(*routes[self.path])


@pytest.fixture
def local_site(monkeypatch):
    monkeypatch.setenv("POSITIONS_ALLOW_PRIVATE_URLS", "1")
    with local_http(Handler) as url:
        yield url


def test_intake_url_gives_the_article_text(local_site):
    assert "would not send instructors" in intake.fetch_url(f"{local_site}/article")
    assert intake.fetch_url(f"{local_site}/plain") == "A plain invented line."


@pytest.mark.parametrize("path, message", [("/gone", "answered HTTP 404"), ("/image", "gives image/png")])
def test_intake_url_errors_are_plain(local_site, path, message):
    with pytest.raises(InputError, match=message):
        intake.fetch_url(local_site + path)


def test_intake_url_times_out_with_a_clear_message(local_site):
    with pytest.raises(InputError, match="did not answer within 0.2 s"):
        intake.fetch_url(f"{local_site}/slow", timeout=0.2)


def test_intake_unreachable_server_says_offline(monkeypatch):
    monkeypatch.setenv("POSITIONS_ALLOW_PRIVATE_URLS", "1")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    with pytest.raises(InputError, match="may be offline"):
        intake.fetch_url(f"http://127.0.0.1:{port}/x", timeout=2)


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/x", "http://169.254.169.254/latest/meta-data", "http://10.0.0.8/"])
def test_intake_internal_addresses_are_refused(url, monkeypatch):
    monkeypatch.delenv("POSITIONS_ALLOW_PRIVATE_URLS", raising=False)
    with pytest.raises(InputError, match="internal address"):
        intake.fetch_url(url)


@pytest.mark.parametrize("url", ["ftp://example.org/a", "file:///etc/passwd", "example.org"])
def test_intake_only_http_urls(url):
    with pytest.raises(InputError, match="give an http"):
        intake.fetch_url(url)
