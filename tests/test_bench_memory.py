"""The page benchmark's peak memory is the measured process's own, not its parent's."""
import subprocess
import sys

import numpy as np
import pytest

from positions.cli import bench_child


@pytest.mark.slow   # starts a child process
def test_bench_child_peak_memory_is_not_the_parents():
    """A child started by a parent holding 400 MB reports its own peak (ru_maxrss would say 400+ MB:
    it survives exec, and `bench dashboard` spawns its page processes after reading the whole copy)."""
    held = np.ones(50_000_000)   # 400 MB touched in this (parent) process
    code = "from positions.cli.bench_child import peak_rss_mb; print(peak_rss_mb())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert float(out.stdout) < 250 < held.nbytes / 2**20
    assert bench_child.peak_rss_mb() > 400   # this process's own peak is counted
