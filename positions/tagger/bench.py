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
    from positions.tagger.core import get_tagger
    from positions.tagger.io import CHUNK_BYTES
    from positions.tagger.text import sentences

    tagger = get_tagger()
    text = synthetic_text(int(mb * 1e6))
    n = len(text.encode())
    pieces, pos = [], 0
    while pos < len(text):
        cut = text.rfind("\n\n", pos, pos + CHUNK_BYTES)
        cut = len(text) if cut <= pos or pos + CHUNK_BYTES >= len(text) else cut + 2
        pieces.append(text[pos:cut])
        pos = cut
    # Best of `repeats` interleaved runs for both: on a shared 2-core machine one run of either can be
    # slowed by other work, which swung the ratio by +-20% between single runs.
    t_split = t_tag = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        n_sent = sum(len(sentences(p, tagger.rules.abbreviations)) for p in pieces)
        t_split = min(t_split, time.perf_counter() - t0)
        t0 = time.perf_counter()
        n_rec = sum(len(tagger.tag(p, date(2024, 5, 30)))
                    for p in pieces)
        t_tag = min(t_tag, time.perf_counter() - t0)
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
    """Scorer logic of ../shared/eval/score.py, in process; plus (confidence, correct) per triple."""
    from positions.data.files import read_text
    from positions.tagger.core import get_tagger

    tagger = get_tagger()
    tp = fp = fn = dn = dok = evn = evok = 0
    pairs = []
    for meta in sorted(corpus.glob("*.json")):
        doc = json.loads(read_text(meta, encoding))
        if half and half_of(doc["doc_id"]) != half:
            continue
        text = read_text(meta.with_suffix(".txt"), encoding)
        pub = date.fromisoformat(doc["published"])
        preds = [s.to_record() for s in tagger.tag(text, pub)]
        evn += len(preds)
        evok += sum(p["evidence"] in text for p in preds)
        gold = {}
        for s in doc["statements"]:
            u = gold.setdefault((s["affiliation"], s["issue"], s["stance"]), {"ok": set(), "dates": set()})
            u["ok"] |= {s["stance"], *s.get("also_ok", [])}
            if s.get("statement_date"):
                u["dates"].add(s["statement_date"])
        conf = {}
        for p in preds:
            k = (p["affiliation"], p["issue"], p["stance"])
            conf[k] = max(conf.get(k, 0), p["confidence"])
        m = _match(set(conf), gold)
        tp += len(m)
        fp += len(conf) - len(m)
        fn += len(gold) - len(m)
        for k, c in conf.items():
            pairs.append((c, k in m))
        for p, g in m.items():
            if gold[g]["dates"]:
                dn += 1
                dok += any(q["statement_date"] in gold[g]["dates"] for q in preds
                           if (q["affiliation"], q["issue"], q["stance"]) == p)
    prec = tp / (tp + fp) if tp + fp else 0
    rec = tp / (tp + fn) if tp + fn else 0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0
    return ({"tp": tp, "fp": fp, "fn": fn, "precision": round(prec, 3), "recall": round(rec, 3), "f1": round(f1, 3),
             "date_accuracy": round(dok / dn, 3) if dn else None,
             "evidence_valid": round(evok / evn, 3) if evn else None}, pairs)


def _match(pred, gold):
    edges = {p: [g for g, u in gold.items() if g[:2] == p[:2] and p[2] in u["ok"]] for p in pred}
    owner = {}

    def augment(p, seen):
        for g in edges[p]:
            if g not in seen:
                seen.add(g)
                if g not in owner or augment(owner[g], seen):
                    owner[g] = p
                    return True
        return False

    for p in sorted(pred):
        augment(p, set())
    return {p: g for g, p in owner.items()}


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


def reliability(pairs, edges=(0.0, 0.6, 0.7, 0.8, 0.9, 1.01)) -> list[str]:
    lines = ["confidence   n  correct  precision"]
    for lo, hi in zip(edges, edges[1:]):
        hits = [ok for c, ok in pairs if lo <= c < hi]
        if hits:
            lines.append(f"{lo:.1f}-{min(hi, 1.0):.1f}  {len(hits):4d}  {sum(hits):7d}  {sum(hits) / len(hits):9.2f}")
    return lines


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
    cdir = Path(corpus)
    if cdir.is_dir():
        fig, pairs = score_dev(cdir, encoding=encoding)
        lines += ["", f"## Scores on {cdir} (scorer logic of eval/score.py)",
                  " ".join(f"{k}={v}" for k, v in fig.items()),
                  "", "## Reliability of `confidence` (per predicted triple: max confidence; correct = matches gold)"]
        lines += reliability(pairs)
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
