"""Commands for the learned tagger: `corpus build`, `train`, `evaluate`."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from positions import paths

CORPUS_DIR = paths.DATA_DIR / "corpus"
# ../shared/corpus/dev beside the checkout (main) or beside the worktrees' folder.
DEV_DIR = next((p / "shared" / "corpus" / "dev" for p in (paths.ROOT.parent, paths.ROOT.parent.parent)
                if (p / "shared" / "corpus" / "dev").is_dir()), paths.ROOT.parent / "shared" / "corpus" / "dev")


@click.group()
def corpus():
    """Build the coded corpus in data/corpus/ from folders of coded documents."""


@corpus.command("build")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--partial", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="A source still being coded: its documents with no statement are skipped (repeatable).")
@click.option("--exclude", "exclude", multiple=True, type=click.Path(file_okay=False),
              help="Folder of evaluation documents whose URLs must stay out of the corpus (repeatable).")
@click.option("--out", default=str(CORPUS_DIR), show_default=True, type=click.Path(file_okay=False))
@click.option("--verbose", "-v", is_flag=True, help="Print each document skipped and why.")
def build_corpus(sources, partial, exclude, out, verbose):
    """Copy the finished coded documents into OUT/docs and write OUT/manifest.csv.

    Re-runnable: the split of each document is a hash of its URL, so documents
    keep their split as more arrive.

    \b
    Example:
        python -m positions corpus build ../scratch/corpus/c1 ../scratch/corpus/c2 --partial ../scratch/corpus/recode
    """
    from positions.tagger import corpus as corpus_mod

    excl = [e for e in exclude if Path(e).is_dir()] or ([DEV_DIR] if DEV_DIR.is_dir() else [])
    docs, skipped = corpus_mod.build(sources, Path(out), partial, excl)
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
def train():
    """Train the learned tagger from data/corpus (placeholder)."""


@click.command()
def evaluate():
    """Evaluate (placeholder)."""
