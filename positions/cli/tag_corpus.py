"""`python -m positions tag-corpus`: tag a news archive on a Dask cluster (local by default)."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from positions.cli.options import encoding_of, encoding_option
from positions.errors import InputError


@click.command("tag-corpus")
@click.argument("source")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Output Parquet file (statements).")
@click.option("--scheduler", default=None, help="Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 "
                                                "(default: a local cluster on this machine).")
@click.option("--workers", type=int, default=None, help="Worker processes of the local cluster (default: one per core).")
@click.option("--queue", "queue_path", default=None, type=click.Path(dir_okay=False),
              help="Also add the statements to this review queue (suggestions CSV), e.g. data/suggestions.csv.")
@click.option("--data", default=None, help="Statements already in the data (skipped by --queue); default data/statements.csv.")
@encoding_option("the documents, --queue and --data")
def tag_corpus(source, out, scheduler, workers, queue_path, data, encoding):
    """Tag every document of a folder or glob on Dask; resumable, idempotent.

    Documents are keyed by content hash: a second run skips those already
    done, and a killed run resumes where it stopped. A document that fails
    is recorded in OUT.documents.parquet (status failed, error) and the run
    goes on. OUT.parquet holds the suggested statements.

    \b
    Example:
        python -m positions tag-corpus archive/ --out archive.parquet --workers 2
        python -m positions tag-corpus 'news/**/*.txt' --out news.parquet --scheduler tcp://10.0.0.5:8786
    """
    from positions.tagger import archive as corpus

    if workers is not None and workers < 1:
        raise InputError(f"--workers {workers}: give at least 1")
    data_encoding = encoding_of("data", encoding)  # the default, data/statements.csv, is UTF-8
    if queue_path:  # read the queue's inputs first: a bad file stops the run before the tagging, not after
        from positions.data import store
        from positions.data.review import load_or_empty
        load_or_empty(Path(queue_path), encoding)
        load_or_empty(Path(data or store.DEFAULT_PATH), data_encoding)
    files = corpus.documents(source)
    todo = corpus.pending(files, out)
    click.echo(f"{len(files)} documents, {len(files) - len(todo)} already done (by content), {len(todo)} to tag",
               err=True)
    started = time.perf_counter()
    if todo:
        with _client(scheduler, workers) as client, click.progressbar(
                length=len(todo), label="tagging", file=sys.stderr) as bar:
            corpus.run(todo, out, client, progress=bar.update, encoding=encoding)
    seconds = time.perf_counter() - started
    statements, docs = corpus.assemble(out)
    failed = docs[docs["status"] == "failed"]
    rate = f", {len(todo) / seconds:.1f} documents/s" if todo and seconds > 0 else ""
    click.echo(f"{len(statements)} statements from {len(docs)} documents in {out}; "
               f"{len(failed)} failed (see {out.rsplit('.', 1)[0]}.documents.parquet){rate}", err=True)
    if queue_path:
        from positions.data import store
        added = corpus.queue(out, queue_path, data or store.DEFAULT_PATH, encoding, data_encoding)
        click.echo(f"{added} new suggestions in {queue_path}", err=True)


def _client(scheduler: str | None, workers: int | None):
    """A Dask client: to the given scheduler, or to a local cluster of worker processes."""
    from dask.distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout="20s")
        except OSError as e:
            raise InputError(f"--scheduler {scheduler}: cannot connect ({e}); start one with `dask scheduler`") from None
    import os
    cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=40)
    return _Owned(Client(cluster), cluster)


class _Owned:
    """A client with the local cluster it started: both are closed on exit."""

    def __init__(self, client, cluster):
        self.client, self.cluster = client, cluster

    def __enter__(self):
        return self.client

    def __exit__(self, *exc):
        self.client.close()
        self.cluster.close()
