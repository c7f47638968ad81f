"""Getting an article's text for review: an uploaded file (type and size limits) or a URL
(fetched with a timeout; offline says so). HTML is reduced to its article body, as `tag` does."""
from __future__ import annotations

import ipaddress
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from pathlib import PurePath

from positions.data import files
from positions.errors import InputError, StoreError
from positions.tagger.io import HTML_SUFFIXES, html_body

UPLOAD_SUFFIXES = (".txt", ".md", ".html", ".htm")
MAX_BYTES = 2 * 1024 * 1024  # 2 MiB: a long article is ~100 KB
URL_TIMEOUT = 10.0
USER_AGENT = "positions-review/1 (policy-position tracker)"


def decode(name: str, raw: bytes, html: bool) -> str:
    """Bytes of a text or HTML document -> its text; InputError if binary, too big, or neither UTF-8 nor
    UTF-16/32 with a byte-order mark."""
    if len(raw) > MAX_BYTES:
        raise InputError(f"{name}: {len(raw) / 1048576:.1f} MiB is over the {MAX_BYTES // 1048576} MiB limit; "
                         "paste the article's text instead")
    try:  # the one reader of text: a UTF-8/16/32 byte-order mark is detected, NULs mean binary
        text = files.decode(raw, name, "UTF-8")
    except StoreError as e:  # the page has no --encoding to advise
        raise InputError(files.drop_encoding_advice(str(e))) from None
    if html:
        text = html_body(text)
        if not text.strip():
            raise InputError(f"{name}: no article text found in this HTML page; paste the text instead")
    if not text.strip():
        raise InputError(f"{name}: the file is empty")
    return text


def read_upload(name: str, raw: bytes) -> str:
    """An uploaded file's text (.txt, .md, .html or .htm, at most MAX_BYTES)."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise InputError(f"{name}: {suffix or 'no extension'} is not accepted; upload {', '.join(UPLOAD_SUFFIXES)}")
    return decode(name, raw, suffix in HTML_SUFFIXES)


def check_public(url: str) -> None:
    """Refuse addresses inside the server's own network (loopback, private, link-local), so an
    editor cannot make a hosted instance read internal services; POSITIONS_ALLOW_PRIVATE_URLS=1
    lifts this (tests, intranets)."""
    if os.environ.get("POSITIONS_ALLOW_PRIVATE_URLS") == "1":
        return
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError) as e:
        raise InputError(f"{url}: could not look up {host!r} ({e}). This server may be offline; "
                         "paste the article's text or upload the file") from None
    for info in infos:
        addr = ipaddress.ip_address(info[4][0].split("%")[0])
        if addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_reserved:
            raise InputError(f"{url}: {host} is an internal address; give a public article URL")


def fetch_url(url: str, timeout: float = URL_TIMEOUT) -> str:
    """The article text at an http(s) URL; InputError with a plain reason when it cannot be had
    (offline, timeout, HTTP error, not text)."""
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")):
        raise InputError(f"{url!r}: give an http:// or https:// address")
    check_public(url)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            kind = resp.headers.get_content_type()
            raw = resp.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as e:
        raise InputError(f"{url}: the site answered HTTP {e.code} ({e.reason}); paste the text instead") from None
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError) as e:
        reason = getattr(e, "reason", e)
        raise InputError(f"{url}: could not fetch it ({reason}). This server may be offline or the site "
                         f"did not answer within {timeout:g} s; paste the article's text or upload the file") from None
    if kind not in ("text/html", "application/xhtml+xml", "text/plain", "text/markdown"):
        raise InputError(f"{url}: the address gives {kind}, not an article; paste the text instead")
    return decode(url, raw, kind != "text/plain" and kind != "text/markdown")
