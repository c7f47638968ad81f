"""Commands for the learned tagger: `corpus build`, `train`, `evaluate`."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from positions import paths
from positions.cli.options import backend_option, encoding_of, encoding_option, url_option

CORPUS_DIR = paths.DATA_DIR / "corpus"
# ../shared/corpus/dev beside the checkout (main) or beside the worktrees' folder.
DEV_DIR = next((p / "shared" / "corpus" / "dev" for p in (paths.ROOT.parent, paths.ROOT.parent.parent)
                if (p / "shared" / "corpus" / "dev").is_dir()), paths.ROOT.parent / "shared" / "corpus" / "dev")


@click.group()
def corpus():
    """Build the coded corpus in data/corpus/ from folders of coded documents.

    \b
    Example:
        python -m positions corpus build ../scratch/corpus/c1 --partial ../scratch/corpus/recode
    """


@corpus.command("build")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--partial", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="A source still being coded: its documents with no statement are skipped (repeatable).")
@click.option("--exclude", "exclude", multiple=True, type=click.Path(file_okay=False),
              help="Folder of evaluation documents whose URLs must stay out of the corpus (repeatable).")
@click.option("--out", default=str(CORPUS_DIR), show_default=True, type=click.Path(file_okay=False))
@click.option("--verbose", "-v", is_flag=True, help="Print each document skipped and why.")
@encoding_option("the coded documents (.json and .txt) of SOURCES and --partial", defaults=False)
def build_corpus(sources, partial, exclude, out, verbose, encoding):
    """Copy the finished coded documents into OUT/docs and write OUT/manifest.csv.

    Re-runnable: the split of each document is a hash of its URL, so documents
    keep their split as more arrive.

    \b
    Example:
        python -m positions corpus build ../scratch/corpus/c1 ../scratch/corpus/c2 --partial ../scratch/corpus/recode
    """
    from positions.tagger import corpus as corpus_mod

    excl = [e for e in exclude if Path(e).is_dir()] or ([DEV_DIR] if DEV_DIR.is_dir() else [])
    docs, skipped = corpus_mod.build(sources, Path(out), partial, excl, encoding=encoding)
    readme = Path(out) / "README.md"
    if readme.exists():
        corpus_mod.update_readme(readme, docs)
    if verbose:
        for line in skipped:
            click.echo(f"skipped {line}", err=True)
    by_split = Counter(d.split for d in docs)
    stmts = Counter(d.split for d in docs for _ in d.statements)
    click.echo(f"{len(docs)} documents ({len(skipped)} skipped) in {out}: " + ", ".join(
        f"{s} {by_split[s]} docs / {stmts[s]} statements" for s in corpus_mod.SPLITS))



@click.command()
@click.option("--corpus", "corpus_dir", default=str(CORPUS_DIR), show_default=True, type=click.Path(file_okay=False))
@click.option("--out", default=None, help="Model file (.npz; the card is written beside it as .json). "
              "Default: the bundled positions/tagger/models/tagger.npz.")
@click.option("--seed", default=13, show_default=True, help="Seed of the solvers (same seed, same weights).")
@encoding_option("the corpus documents")
def train(corpus_dir, out, seed, encoding):
    """Train the learned layer from the coded corpus (train + validation splits) and write the model.

    The threshold and the confidence calibration are chosen on validation with a
    model fitted on train; the shipped weights are then refitted on both.

    \b
    Example:
        python -m positions train
    """
    import datetime
    import hashlib

    from positions.tagger import corpus as corpus_mod, learned, training
    from positions.tagger.core import get_tagger

    tagger = get_tagger(mode="rules")
    encoding = encoding_of("corpus_dir", encoding)
    train_docs = corpus_mod.load(Path(corpus_dir), ("train",), encoding)
    val_docs = corpus_mod.load(Path(corpus_dir), ("validation",), encoding)
    if not train_docs or not val_docs:
        raise click.ClickException(f"{corpus_dir}: no train or validation documents; run `python -m positions corpus build`")
    model = training.release(tagger, train_docs, val_docs, seed)
    manifest = Path(corpus_dir) / "manifest.csv"
    model.card = {"description": "positions learned layer: issue (one binary model per issue) and stance (4-way) "
                                 "logistic regressions over hashed features of sentence x actor candidates; the "
                                 "issue and stance models also read a wordllama embedding of the candidate's clause, and each issue "
                                 "model's probability is blended with a one-hidden-layer perceptron's over the clause "
                                 "and sentence embeddings, then (as log-odds) with a small convolutional network's over the "
                                 "sentence's wordllama token embeddings, the candidate's tokens marked",
                  "trained_at": datetime.date.today().isoformat(),
                  "corpus": _relative(manifest), "held_out_scores": "benchmarks/tagger.txt (python -m positions evaluate)",
                  "corpus_manifest_sha256":
                      hashlib.sha256(manifest.read_bytes()).hexdigest() if manifest.exists() else None,
                  **model.card}
    path = Path(out) if out else learned.DEFAULT_MODEL
    model.save(path)
    val = model.card["validation_scores_of_train_only_model"]
    click.echo(f"wrote {path} ({path.stat().st_size // 1024} KiB) and {path.with_suffix('.json').name}: "
               f"thresholds {model.thresholds()}; validation " +
               ", ".join(f"{k} F1 {v['f1']} (P {v['precision']})" for k, v in val.items()))


def _relative(path: Path) -> str:
    """A path relative to the project root where it is inside it (the card names no machine's folders)."""
    try:
        return str(Path(path).resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)


@click.command()
@click.option("--corpus", "corpus_dir", default=str(CORPUS_DIR), show_default=True, type=click.Path(file_okay=False))
@click.option("--model", "model_path", default=None,
              help="Model file (default: the bundled one); with --backend openai-compatible, the endpoint's model name.")
@click.option("--dev", "dev_dir", default=str(DEV_DIR), show_default=True, help="Dev corpus, scored when present.")
@click.option("--out", default=None, help="Also write the report to this file (e.g. benchmarks/tagger.txt).")
@click.option("--mb", default=4.0, show_default=True, help="Size of the synthetic text for throughput (MB).")
@encoding_option("the documents of --corpus and --dev")
@backend_option("rules + the model file, all sections of the report")
@url_option()
def evaluate(corpus_dir, model_path, dev_dir, out, mb, encoding, backend, url):
    """Score the tagger on the test split, by cross-validation on train, and on dev.

    Prints P/R/F1 and date accuracy per layer (rules / model / both), a
    reliability table for confidence, a learning curve and throughput. With
    --backend openai-compatible, scores the endpoint's records on the test split
    and on dev instead (nothing is trained), with what it returned that was dropped.

    \b
    Example:
        python -m positions evaluate --out benchmarks/tagger.txt
        python -m positions evaluate --backend openai-compatible --url http://127.0.0.1:11434/v1 --model qwen2.5
    """
    import datetime
    import os
    import platform

    from positions.tagger import bench, corpus as corpus_mod, evaluation, learned, training
    from positions.tagger.core import get_tagger

    if backend != "offline":
        from positions.cli import require_endpoint

        require_endpoint(url, model_path)
    docs = {s: corpus_mod.load(Path(corpus_dir), (s,), encoding_of("corpus_dir", encoding)) for s in corpus_mod.SPLITS}
    dev_docs = evaluation.dev_documents(Path(dev_dir), encoding_of("dev_dir", encoding))
    if backend != "offline":
        lines = evaluation.endpoint_report(get_tagger(mode="rules"), docs["test"], dev_docs, url, model_path,
                                           lambda done, n: click.echo(f"{done}/{n} documents", err=True))
        _write_report([f"# python -m positions evaluate --backend {backend} ({datetime.date.today().isoformat()})", *lines], out)
        return
    model = learned.Model.load(Path(model_path) if model_path else learned.DEFAULT_MODEL)
    # Measured before the fits, whose prepared documents stay in memory until the report is written.
    click.echo("measuring throughput ...", err=True)
    # Best of 5: on this shared machine a neighbour's load slowed whole runs by up to a fifth (the bare
    # split, pure Python, slowed as much), and more runs make it likelier that one ran unhindered.
    speed = bench.throughput(mb, repeats=5)
    tagger = get_tagger(mode="rules")
    click.echo("fitting the model-only ablation (no rule features) ...", err=True)
    model_only = training.release(tagger, docs["train"], docs["validation"], model.card["settings"]["seed"],
                                  use_rules=False, embedder=model.embedder)
    lines = [f"# python -m positions evaluate ({datetime.date.today().isoformat()}, {os.cpu_count()} cores, "
             f"Python {platform.python_version()})"]
    lines += evaluation.report(tagger, model, docs, dev_docs, model_only, speed)
    _write_report(lines, out)


def _write_report(lines: list[str], out: str | None) -> None:
    """Print the report, and write it to `out` (atomically) when given."""
    from positions.tagger import corpus as corpus_mod

    text = "\n".join(lines) + "\n"
    click.echo(text, nl=False)
    if out:
        corpus_mod.atomic_write(Path(out), text)


def tag_with_llm(names, published, encoding, url, model) -> list[dict]:
    """Records of an OpenAI-compatible endpoint for each input; what it dropped goes to stderr."""
    from positions.tagger import llm
    from positions.tagger.core import get_tagger
    from positions.tagger.io import read_document

    tagger = get_tagger(mode="rules")
    out = []
    for name in names:
        text = read_document(name, encoding)
        recs, report = llm.tag(tagger, text, published, url, model, "" if name == "-" else Path(name).resolve().as_uri(),
                               "stdin" if name == "-" else Path(name).name)
        out += [r.to_record() for r in recs]
        reasons = Counter(report.dropped)
        click.echo(f"{name}: kept {report.kept} records from {url}; dropped {len(report.dropped)}"
                   + (f" ({', '.join(f'{k}: {v}' for k, v in reasons.most_common())})" if reasons else ""), err=True)
    return out
