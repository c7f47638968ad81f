"""`python -m positions export`: same bytes as the page's exports; one-line errors, exit 2."""
import io
import re
import struct
import subprocess
import sys

import pandas as pd
import pytest
from click.testing import CliRunner
from pptx import Presentation

from positions import cli
from positions.reference import codebook
from positions.present import export
from positions.reference import registry
from positions.data import store
from positions.present import view
from tests.conftest import ROOT, SEED_CSV

LINK = "http://127.0.0.1:8501/?as_of=2024-05-31"


def invoke(*args):
    return CliRunner().invoke(cli.cli, ["export", *args])


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf", "pptx", "csv", "xlsx", "json"])
def test_export_cli_writes_each_format(kaleido_server, tmp_path, fmt):
    out = tmp_path / f"view.{fmt}"
    result = invoke("--view", LINK, "--format", fmt, "--out", str(out))
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    magic = {"png": b"\x89PNG", "svg": b"<svg", "pdf": b"%PDF", "pptx": b"PK", "xlsx": b"PK",
             "csv": b"statement_id,", "json": b"{"}[fmt]
    assert data.startswith(magic)
    assert not list(tmp_path.glob(".*.tmp")), "atomic write left a temp file"


def test_export_cli_matches_page_exports(kaleido_server, tmp_path):
    """Same link, same bytes as the functions the page's buttons call."""
    ex = export.build_export(store.load_frame(), view.parse_query_string(LINK), codebook.load(), registry.load())
    for fmt in ("csv", "json", "xlsx", "svg"):
        out = tmp_path / f"v.{fmt}"
        assert invoke("--view", LINK, "--out", str(out)).exit_code == 0
        if fmt == "xlsx":   # zip timestamps differ; compare the cells
            assert pd.read_excel(out, sheet_name=None)["statements"].equals(
                pd.read_excel(io.BytesIO(export.export_bytes(ex, fmt)), sheet_name=None)["statements"])
        elif fmt == "svg":  # plotly's clip-path ids are random; compare the drawn text
            texts = lambda b: re.findall(r"<text[^>]*>([^<]*)</text>", b.decode("utf-8"))
            assert texts(out.read_bytes()) == texts(export.export_bytes(ex, fmt))
        else:
            assert out.read_bytes() == export.export_bytes(ex, fmt)


def test_export_cli_format_from_extension_and_query_string_forms(kaleido_server, tmp_path):
    sizes = set()
    for i, form in enumerate(["as_of=2024-05-31", "?as_of=2024-05-31", LINK]):
        out = tmp_path / f"chart{i}.png"
        assert invoke("--view", form, "--out", str(out)).exit_code == 0
        sizes.add(struct.unpack(">II", out.read_bytes()[16:24]))
    assert len(sizes) == 1 and next(iter(sizes))[0] == 2 * export.WIDTH


def test_export_cli_pack_and_data_follow_the_view(kaleido_server, tmp_path):
    out = tmp_path / "pack.pptx"
    assert invoke("--view", "issue=trainer_deployment&as_of=2024-06-30", "--out", str(out)).exit_code == 0
    prs = Presentation(str(out))
    assert prs.slides[0].shapes.title.text == "Positions briefing: Trainer / troop deployment"
    xlsx = tmp_path / "s.xlsx"
    assert invoke("--view", "stances=support&as_of=2024-05-31", "--out", str(xlsx)).exit_code == 0
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert set(sheets["statements"]["stance"]) == {"support"}


@pytest.mark.parametrize("args,needle", [
    (["--view", "as_of=yesterday", "--out", "{d}/a.png"], "--view: invalid as_of 'yesterday'"),
    (["--view", "colour=red", "--out", "{d}/a.png"], "--view: invalid colour 'red'"),
    (["--view", f"{LINK}&issue=drones", "--out", "{d}/a.png"], "--view: invalid issue 'drones'"),
    (["--view", "min_conf=2", "--out", "{d}/a.csv"], "--view: invalid min_conf '2'"),
    (["--view", "", "--format", "gif", "--out", "{d}/a.gif"], "--format 'gif' is unknown"),
    (["--view", "", "--out", "{d}/a.docx"], "--format 'docx' is unknown"),
    (["--view", "", "--format", "png", "--out", "{d}"], "is a directory"),
    (["--view", "", "--out", "/proc/nope/a.csv"], "cannot be written"),
    (["--view", "as_of=2024-01-02", "--out", "{d}/a.png"], "the view has no charts"),
    (["--view", "", "--out", "{d}/a.png", "--data", "{d}/missing.csv"], "missing.csv: file not found"),
])
def test_export_cli_bad_input_one_line_exit_2(tmp_path, args, needle):
    result = invoke(*[a.replace("{d}", str(tmp_path)) for a in args])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and needle in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert not list(tmp_path.glob("a.*"))


def test_export_cli_bad_view_names_parameter():
    out = invoke("--view", "?as_of=2024-13-01", "--out", "x.png")
    assert out.exit_code == 2
    assert out.stderr.strip().splitlines() == ["error: --view: invalid as_of '2024-13-01': expected a date YYYY-MM-DD"]


def test_export_cli_help_has_examples():
    result = CliRunner().invoke(cli.cli, ["export", "--help"])
    assert result.exit_code == 0 and "python -m positions export --view" in result.output


@pytest.mark.slow
def test_export_cli_pack_pdf(tmp_path):
    """The briefing pack as PDF when LibreOffice is installed; otherwise a one-line error, exit 2."""
    import shutil
    out = tmp_path / "pack.pdf"
    res = subprocess.run([sys.executable, "-m", "positions", "export", "--view", "as_of=2024-05-31",
                          "--format", "pack-pdf", "--out", str(out), "--data", str(SEED_CSV)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    if shutil.which("soffice") or shutil.which("libreoffice"):
        assert res.returncode == 0, res.stderr
        assert out.read_bytes()[:5] == b"%PDF-"
    else:
        assert res.returncode == 2 and "needs LibreOffice" in res.stderr and not out.exists()
