"""`python -m positions bench tagger`: throughput, memory and confidence reliability of the tagger."""
from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zlib
from datetime import date
from pathlib import Path

import click
from positions import paths

ROOT = paths.ROOT
DEV = ROOT.parent / "shared" / "corpus" / "dev"

# Sentences written for the benchmark (not from any corpus): about one in twenty is on an issue,
# as in a general news feed.
_ON_ISSUE = [
    "{p} said on {d} that Ukraine has the right to strike military targets inside Russia with Western weapons.",
    "“We will never send troops to Ukraine,” {p} told reporters.",
    "{s} and {s2} signalled support for lifting the restrictions on long-range missiles against Russian territory.",
    "{p} warned that allowing strikes deep into Russia would lead to serious consequences.",
    "Officials in {s} said the government was considering sending military trainers to Ukraine.",
]
_FILLER = [
    "The talks ended late in the evening without a joint statement.",
    "Energy prices rose again in {s} after a cold week.",
    "{p} met farmers in the north of the country on {d}.",
    "The parliament of {s} debated the budget for several hours.",
    "Analysts expect growth to slow in the second half of the year.",
    "A spokesman for the ministry declined to comment on the report.",
    "Rail services were disrupted by a strike of train drivers.",
    "The summit will take place in the spring, the organisers said.",
]
_PEOPLE = ["Antony Blinken", "Olaf Scholz", "Emmanuel Macron", "Kajsa Ollongren", "Dmitry Peskov", "Keir Starmer",
           "the German chancellor", "NATO chief Jens Stoltenberg"]
_STATES = ["Canada", "Finland", "Poland", "Sweden", "Estonia", "Latvia"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


ON_ISSUE_SHARE = 0.05


def synthetic_text(n_bytes: int, seed: int = 1) -> str:
    rnd = random.Random(seed)
    parts, size = [], 0
    while size < n_bytes:
        para = []
        for _ in range(rnd.randint(2, 5)):
            tpl = rnd.choice(_ON_ISSUE) if rnd.random() < ON_ISSUE_SHARE else rnd.choice(_FILLER)
            s2 = rnd.sample(_STATES, 2)
            para.append(tpl.format(p=rnd.choice(_PEOPLE), s=s2[0], s2=s2[1], d=rnd.choice(_DAYS)))
        text = " ".join(para) + "\n\n"
        parts.append(text)
        size += len(text.encode())
    return "".join(parts)


def throughput(mb: float, repeats: int = 3) -> dict:
    """Tagging speed in CPU seconds of one thread on synthetic news text, beside a bare sentence split."""
    from threadpoolctl import threadpool_limits

    from positions.tagger.core import get_tagger
    from positions.tagger.io import CHUNK_BYTES

    tagger = get_tagger()
    text = synthetic_text(int(mb * 1e6))
    n = len(text.encode())
    pieces, pos = [], 0
    while pos < len(text):
        cut = text.rfind("\n\n", pos, pos + CHUNK_BYTES)
        cut = len(text) if cut <= pos or pos + CHUNK_BYTES >= len(text) else cut + 2
        pieces.append(text[pos:cut])
        pos = cut
    # One core is one thread: numpy's BLAS would otherwise spin extra threads on the embedding's small
    # matrix products, and their CPU time counts here though they add no work.
    with threadpool_limits(limits=1):
        return _timed(tagger, pieces, n, repeats)


def _timed(tagger, pieces, n: int, repeats: int) -> dict:
    """CPU seconds of this process (per core), best of `repeats` interleaved runs for both: on a shared
    2-core machine wall-clock time measured the other helpers' load (0.27 MB/s wall at load ~10 was
    ~1.1 MB/s of CPU time for the same code)."""
    from positions.tagger.text import sentences

    t_split = t_tag = float("inf")
    for _ in range(repeats):
        t0 = time.process_time()
        n_sent = sum(len(sentences(p, tagger.rules.abbreviations)) for p in pieces)
        t_split = min(t_split, time.process_time() - t0)
        t0 = time.process_time()
        n_rec = sum(len(tagger.tag(p, date(2024, 5, 30)))
                    for p in pieces)
        t_tag = min(t_tag, time.process_time() - t0)
    return {"bytes": n, "sentences": n_sent, "records": n_rec, "split_s": t_split, "tag_s": t_tag,
            "mb_per_s": n / 1e6 / t_tag, "ratio_to_split": t_tag / t_split, "repeats": repeats}


def memory(mb: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.txt"
        with open(path, "w", encoding="utf-8") as fh:
            step = 5_000_000
            for i in range(int(mb * 1e6) // step + 1):
                fh.write(synthetic_text(step, seed=i))
        size = path.stat().st_size
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "positions", "tag", str(path), "--published", "2024-05-30",
                              "--format", "jsonl"], capture_output=True, cwd=ROOT)
        secs = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        if out.returncode:
            raise click.ClickException(out.stderr.decode()[-300:])
    base = subprocess.run([sys.executable, "-c", "import resource, positions.cli, positions.tagger.core as c; c.get_tagger();"
                           "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss*1024)"],
                          capture_output=True, text=True, cwd=ROOT)
    baseline = int(base.stdout.strip() or 0)
    return {"file_bytes": size, "peak_rss": peak, "baseline_rss": baseline, "seconds": secs,
            "records": out.stdout.count(b"\n"), "ratio": peak / size, "ratio_above_baseline": (peak - baseline) / size}


def half_of(doc_id: str) -> str:
    """A fixed split of a corpus in two halves (A/B) by a checksum of the document id: rules are
    studied on one half's errors and checked on the other."""
    return "A" if zlib.crc32(doc_id.encode()) % 2 == 0 else "B"


def score_dev(corpus: Path, half: str | None = None, encoding: str = "utf-8") -> tuple[dict, list]:
    """Scorer logic of ../shared/eval/score.py (`scoring`, the one implementation), in process; plus
    (confidence, correct) per predicted triple."""
    from positions.data.files import read_text
    from positions.tagger import scoring
    from positions.tagger.core import get_tagger

    tagger = get_tagger()
    tally = scoring.Tally()
    for meta in sorted(corpus.glob("*.json")):
        doc = json.loads(read_text(meta, encoding))
        if half and half_of(doc["doc_id"]) != half:
            continue
        text = read_text(meta.with_suffix(".txt"), encoding)
        preds = [s.to_record() for s in tagger.tag(text, date.fromisoformat(doc["published"]))]
        scoring.add(tally, text, doc["statements"], preds)
    return ({"tp": tally.tp, "fp": tally.fp, "fn": tally.fn, "precision": round(tally.precision, 3),
             "recall": round(tally.recall, 3), "f1": round(tally.f1, 3),
             "date_accuracy": round(tally.dates_ok / tally.dates_n, 3) if tally.dates_n else None,
             "evidence_valid": round(tally.evidence_ok / tally.evidence_n, 3) if tally.evidence_n else None}, tally.pairs)


def dataset_scores() -> list[str]:
    """Scores on the bundled dataset (English documents), all and per half."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("dataset_corpus", ROOT / "benchmarks" / "dataset_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    with tempfile.TemporaryDirectory() as tmp:
        info = mod.build(Path(tmp))
        out = [f"documents={info['documents']} statements={info['statements']} "
               f"(skipped, not English: {info['skipped_not_english']})"]
        for half in (None, "A", "B"):
            fig, _ = score_dev(Path(tmp), half)
            out.append(f"{'all' if half is None else 'half ' + half:6s} " + " ".join(f"{k}={v}" for k, v in fig.items()))
    return out


@click.command()
@click.argument("what", type=click.Choice(["tagger"]))
@click.option("--mb", default=8.0, show_default=True, help="Size of the synthetic text for throughput (MB).")
@click.option("--memory-mb", default=50.0, show_default=True, help="Size of the file for the memory test (MB); 0 skips it.")
@click.option("--corpus", default=str(DEV), show_default=True, help="Gold corpus for scores and reliability.")
@click.option("--repeats", default=3, show_default=True, help="Throughput: best of this many runs.")
@click.option("--dataset/--no-dataset", default=True, show_default=True,
              help="Also score the bundled dataset as a corpus (all, half A, half B).")
@click.option("--out", default=None, help="Also write the report to this file.")
def bench(what, mb, memory_mb, corpus, repeats, dataset, out, encoding="utf-8"):
    """Measure the tagger: throughput vs a bare sentence split, memory on a big file, dev scores.

    \b
    Example:
        python -m positions bench tagger --out benchmarks/tagger.txt
    """
    lines = [f"# python -m positions bench tagger (--mb {mb} --memory-mb {memory_mb})",
             f"# {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores, Python {sys.version.split()[0]}"]
    t = throughput(mb, repeats)
    lines += ["", f"## Throughput (one core, synthetic news text, 1 MiB chunks; best of {repeats} runs each)",
              f"bytes={t['bytes']} sentences={t['sentences']} records={t['records']}",
              f"bare sentence split: {t['split_s']:.3f} s ({t['bytes'] / 1e6 / t['split_s']:.1f} MB/s)",
              f"tagger:              {t['tag_s']:.3f} s ({t['mb_per_s']:.2f} MB/s)",
              f"tagger / split = {t['ratio_to_split']:.1f}x   (targets: >= 1 MB/s per core, <= 10x)"]
    if memory_mb > 0:
        m = memory(memory_mb)
        lines += ["", f"## Memory (`tag` on a {m['file_bytes'] / 1e6:.0f} MB file, --format jsonl, chunked)",
                  f"peak RSS {m['peak_rss'] / 1e6:.0f} MB = {m['ratio']:.2f}x the file "
                  f"(start-up baseline {m['baseline_rss'] / 1e6:.0f} MB; above baseline {m['ratio_above_baseline']:.2f}x); "
                  f"{m['seconds']:.1f} s, {m['records']} records   (target: <= ~10x)"]
    from positions.tagger import scoring

    cdir = Path(corpus)
    if cdir.is_dir():
        fig, pairs = score_dev(cdir, encoding=encoding)
        lines += ["", f"## Scores on {cdir} (scorer logic of eval/score.py)",
                  " ".join(f"{k}={v}" for k, v in fig.items()),
                  "", "## Reliability of `confidence` (per predicted triple: max confidence; correct = matches gold)"]
        lines += scoring.reliability(pairs)
    else:
        lines += ["", f"(no corpus at {cdir}: scores and reliability skipped)"]
    if dataset:
        lines += ["", "## Bundled dataset as a corpus (benchmarks/dataset_corpus.py; scorer logic of eval/score.py)",
                  "(its coders did not code every position, and often gave the publication date where the text",
                  "names none, which the codebook codes as null: read precision and date accuracy with that in mind)"]
        lines += dataset_scores()
    report = "\n".join(lines) + "\n"
    click.echo(report, nl=False)
    if out:
        Path(out).write_text(report, encoding="utf-8")
