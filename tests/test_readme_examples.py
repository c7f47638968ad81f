"""Issue 15: every command-line example in the README runs as printed on a fresh clone."""
from __future__ import annotations

import os
import shlex
import subprocess

import pytest

from tests.conftest import ROOT


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text[text.index("## Command line"):].split("\n\n")[1]
    return [line.strip() for line in block.splitlines() if line.strip().startswith(".venv/bin/python")]


def test_readme_lists_the_examples():
    cmds = readme_commands()
    assert any(" tag examples/" in c for c in cmds) and any("--version" in c for c in cmds)
    for c in cmds:
        for arg in shlex.split(c)[3:]:
            if arg.startswith(("examples/", "data/")):
                assert (ROOT / arg).exists(), f"{c}: {arg} is not in the repository"


@pytest.mark.slow
def test_readme_examples_run_on_a_fresh_clone(tmp_path):
    """git clone of the committed tree (+ the shared .venv): each example exits 0; git status stays clean."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    (clone / ".venv").symlink_to(os.path.realpath(ROOT / ".venv") if (ROOT / ".venv").exists()
                                 else "/work/main/.venv")
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSITIONS_")}
    for cmd in readme_commands():
        r = subprocess.run(shlex.split(cmd), cwd=clone, env=env, capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, timeout=600)
        assert r.returncode == 0, f"{cmd}\n{r.stderr[-1500:]}"
    status = subprocess.run(["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True).stdout
    leftovers = [line for line in status.splitlines() if not line.endswith((".venv", ".png", ".pptx"))
                 and not _only_the_day_changed(clone, line)]
    assert not leftovers, f"generated files not ignored: {leftovers}"


def _only_the_day_changed(clone, status_line: str) -> bool:
    """The `coverage` example rewrites the tracked data/COVERAGE.md as of today: on a later day than
    the committed file's, only its date line may differ."""
    if status_line.strip() != "M data/COVERAGE.md":
        return False
    diff = subprocess.run(["git", "diff", "-U0", "--", "data/COVERAGE.md"], cwd=clone, capture_output=True,
                          text=True).stdout
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    return bool(changed) and all(line[1:].startswith("# Coverage as of ") for line in changed)
