"""`positions bench dashboard` runs end to end (figures are not asserted here: the committed ones are in
benchmarks/, measured at 100k-1M rows; 1,000 rows keep this test to its seven cold page starts)."""
import json

import pytest

from tests.conftest import invoke


@pytest.mark.slow
def test_bench_dashboard_writes_every_figure(tmp_path):
    out = tmp_path / "bench.json"
    result = invoke("bench", "dashboard", "--rows", "1000", "--repeats", "1", "--json", str(out))
    assert result.exit_code == 0, result.output
    res = json.loads(out.read_text(encoding="utf-8"))
    for key in ("rows", "cold_start_s", "rerun_s", "peak_rss_mb", "export_s", "baseline_read_s",
                "baseline_trivial_page_s", "ratios", "machine"):
        assert key in res, key
    assert res["rows"] == 1000 and res["cold_start_s"] > 0 and res["peak_rss_mb"] > 0
    assert "cold_start / trivial page" in result.output


def test_bench_rejects_zero_rows():
    result = invoke("bench", "dashboard", "--rows", "0")
    assert result.exit_code == 2
    assert "--rows" in result.output
