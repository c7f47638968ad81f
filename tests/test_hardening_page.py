"""Issue 15 on the page: a damaged data file gives one line of error (no traceback, no server path);
bad URL parameters give an inline warning and the default view."""
from __future__ import annotations

import os

import pytest

from positions.data import manifest, store
from tests.conftest import SEED_CSV, app


def damaged(tmp_path, kind: str) -> str:
    good = SEED_CSV.read_bytes()
    path = tmp_path / "statements.csv"
    if kind == "fifo":
        os.mkfifo(path)
        return str(path)
    data = {"cut-mid-row": good[: len(good) // 2], "cut-at-row": good[: good.index(b"\n", len(good) // 2) + 1],
            "huge-cell": good.replace(b",accepted,", b",accepted," + b"q" * ((1 << 20) + 5), 1),
            "binary": b"\x00\x01\x02" * 1000, "empty": b"", "utf16-no-bom": good.decode().encode("utf-16-le"),
            "duplicated-column": good.replace(b"stance,", b"stance,stance,", 1)}[kind]
    path.write_bytes(data)
    if kind.startswith("cut"):
        manifest.path_for(path).write_bytes(manifest.build(good, len(store.load_statements(SEED_CSV))))
    return str(path)


KINDS = ["cut-mid-row", "cut-at-row", "huge-cell", "binary", "empty", "utf16-no-bom", "duplicated-column", "fifo"]


@pytest.mark.parametrize("kind", KINDS)
def test_page_damaged_data_shows_one_line_without_server_paths(tmp_path, monkeypatch, kind):
    monkeypatch.setenv("POSITIONS_DATA", damaged(tmp_path, kind))
    at = app().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1
    message = at.error[0].value
    assert "\n" not in message and str(tmp_path) not in message and "Traceback" not in message
    assert "--encoding" not in message and message.startswith("Cannot load the data: statements.csv")


@pytest.mark.parametrize("params", [{"as_of": "0001-01-01"}, {"issue": "<script>alert(1)</script>"},
                                    {"min_conf": "nan"}, {"view": "../../etc/passwd"}, {"start": "9999-12-31"}])
def test_page_bad_url_parameters_warn_inline(monkeypatch, params):
    monkeypatch.setenv("POSITIONS_DATA", str(SEED_CSV))
    at = app(**params).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.warning) >= 1 and all("\n" not in w.value for w in at.warning)
