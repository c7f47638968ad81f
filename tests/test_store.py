import os

import pytest

from positions.data import store
from positions.errors import StoreError
from tests.conftest import make_statement


def test_store_round_trip_keeps_every_field(tmp_path):
    rows = [make_statement(), make_statement(actor="Canada", affiliation="CA", statement_date=None, note="x, \"y\"")]
    path = tmp_path / "s.csv"
    store.save_statements(rows, path)
    assert store.load_statements(path) == rows


def test_store_bundled_data_loads():
    assert len(store.load_statements()) > 0


@pytest.mark.parametrize("edit,needle", [
    (lambda t: t.replace(",oppose,", ",against,", 1), ":2: column stance: invalid stance 'against'"),
    (lambda t: t.replace("2024-05-01", "2024-05-40", 1), ":2: column statement_date"),
    (lambda t: t.replace("actor_type,", "kind,", 1), "missing column(s) actor_type"),
])
def test_store_bad_row_names_file_line_column_value(tmp_path, edit, needle):
    path = tmp_path / "s.csv"
    store.save_statements([make_statement()], path)
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(StoreError) as err:
        store.load_statements(path)
    assert str(path) in str(err.value) and needle in str(err.value)


def test_store_save_is_atomic_on_failure(tmp_path, monkeypatch):
    path = tmp_path / "s.csv"
    store.save_statements([make_statement()], path)
    before = path.read_bytes()

    def boom(*a, **k):
        raise OSError("disk full")
    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises((OSError, StoreError)):
        store.save_statements([make_statement(), make_statement(evidence="More.")], path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name not in (".positions.lock", ".positions.version")) == ["s.csv", "s.csv.manifest.json"]
