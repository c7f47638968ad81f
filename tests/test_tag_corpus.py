"""`positions tag-corpus` on a local Dask cluster: complete, idempotent, resumable, failures recorded."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from positions.tagger import archive as corpus
from positions.tagger.io import tag_source
from tests.conftest import ROOT, invoke

# Invented sentences; every other document speaks about an issue.
ON_ISSUE = ["Officials in Finland said on Tuesday that Ukraine has the right to strike military targets inside "
            "Russia with Western weapons.",
            "“We will never send troops to Ukraine,” the prime minister of Hungary told reporters in a short address."]
FILLER = "The weather stayed mild for the season, and the markets in the capital opened late after the holiday."

pytestmark = pytest.mark.slow  # each run starts a local Dask cluster (worker processes)


def write_corpus(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        text = f"Report {i}. {FILLER} " + (ON_ISSUE[i % 2] if i % 2 == 0 or i % 3 == 0 else FILLER)
        path = folder / f"doc{i:04d}.txt"
        path.write_text(text + "\n", encoding="utf-8")
        paths.append(path)
    (folder / "broken.txt").write_bytes(b"\x00\x00 not text")
    return paths


def test_tag_corpus_output_is_complete_and_a_second_run_skips_everything(tmp_path):
    docs = write_corpus(tmp_path / "corpus", 24)
    out = tmp_path / "out.parquet"
    first = invoke("tag-corpus", str(tmp_path / "corpus"), "--out", str(out), "--workers", "2")
    assert first.exit_code == 0, first.output
    statements = pd.read_parquet(out)
    documents = pd.read_parquet(tmp_path / "out.documents.parquet")
    assert len(documents) == 25
    assert documents.set_index("doc_path").loc[str(tmp_path / "corpus" / "broken.txt"), "status"] == "failed"
    expected = {r["id"] for p in docs for r in tag_source(str(p))}
    assert expected and set(statements["id"]) == expected
    parts = sorted(corpus.parts_dir(out).iterdir())
    second = invoke("tag-corpus", str(tmp_path / "corpus"), "--out", str(out), "--workers", "2")
    assert second.exit_code == 0, second.output
    assert "25 already done (by content), 0 to tag" in second.output
    assert sorted(corpus.parts_dir(out).iterdir()) == parts
    pd.testing.assert_frame_equal(pd.read_parquet(out), statements)


def test_tag_corpus_killed_run_resumes(tmp_path):
    """Kill the run (and its workers) after some batches; the next run tags only the rest."""
    write_corpus(tmp_path / "corpus", 400)
    out = tmp_path / "out.parquet"
    cmd = [sys.executable, "-m", "positions", "tag-corpus", str(tmp_path / "corpus"), "--out", str(out), "--workers", "1"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.time() + 120
        while time.time() < deadline and len(list(corpus.parts_dir(out).glob("part-*.parquet"))) < 2:
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    done = len(corpus.done_hashes(out))
    assert 0 < done < 401 and not out.exists()
    resumed = invoke("tag-corpus", str(tmp_path / "corpus"), "--out", str(out), "--workers", "2")
    assert resumed.exit_code == 0, resumed.output
    assert f"{done} already done (by content), {401 - done} to tag" in resumed.output
    assert len(pd.read_parquet(tmp_path / "out.documents.parquet")) == 401


def test_tag_corpus_output_loads_into_the_review_queue(tmp_path):
    write_corpus(tmp_path / "corpus", 6)
    out, queue = tmp_path / "out.parquet", tmp_path / "suggestions.csv"
    result = invoke("tag-corpus", str(tmp_path / "corpus"), "--out", str(out), "--workers", "1",
                    "--queue", str(queue), "--data", str(tmp_path / "none.csv"))
    assert result.exit_code == 0, result.output
    first_id = pd.read_parquet(out)["id"].iloc[0]
    accepted = invoke("review", "--suggestions", str(queue), "--data", str(tmp_path / "data.csv"),
                      "--log", str(tmp_path / "log.jsonl"), "--accept", first_id)
    assert accepted.exit_code == 0, accepted.output
    assert first_id in (tmp_path / "data.csv").read_text(encoding="utf-8")


def test_tag_corpus_no_documents_is_one_line(tmp_path):
    result = invoke("tag-corpus", str(tmp_path / "nothing-*.txt"), "--out", str(tmp_path / "o.parquet"))
    assert result.exit_code == 2
    assert "no .txt, .md or .html documents" in result.output
