"""Command line: `python -m positions COMMAND`. User mistakes print one line and exit 2."""
from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date
from pathlib import Path

import click

from positions.reference import codebook as codebook_mod
from positions.reference import registry as registry_mod
from positions.cli import coverage as cli_coverage
from positions.cli import export as cli_export
from positions.cli.options import HAS_ENCODING, backend_option, encoding_of, encoding_option, url_option
from positions.data import store
from positions import __version__
from positions.errors import InvalidField, PositionsError
from positions.model import CSV_COLUMNS, Issue, parse_date

EXIT_USER_ERROR = 2


def fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_USER_ERROR)


def require_endpoint(url: str | None, model: str | None) -> None:
    """Refuse --backend openai-compatible without its endpoint's --url and --model (one line, exit 2)."""
    if not (url and model):
        fail("--backend openai-compatible needs --url and --model")


def parse_day(value: str | None, option: str) -> date | None:
    try:
        return parse_date(value, option, bounded=True)
    except InvalidField as e:
        fail(f"{option} {value!r} is not {e.expected}" if "between" in e.expected
             else f"{option} {value!r} is not a date; use YYYY-MM-DD")


def check_issue(value: str | None) -> None:
    if value is not None and value not in {i.value for i in Issue}:
        fail(f"--issue {value!r} is unknown; use one of {', '.join(i.value for i in Issue)}")


def render(records: list[dict], fmt: str, columns: list[str]) -> str:
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=1)
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        for r in records:
            w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in columns})
        return buf.getvalue()
    return table(records, columns)


def table(records: list[dict], columns: list[str], width: int = 60) -> str:
    """A plain fixed-width terminal table."""
    def cell(v):
        s = "" if v is None else str(v).replace("\n", " ")
        return s if len(s) <= width else s[: width - 1] + "…"
    rows = [[cell(r.get(c)) for c in columns] for r in records]
    widths = [max([len(c)] + [len(row[i]) for row in rows]) for i, c in enumerate(columns)]
    line = lambda vals: "  ".join(v.ljust(w) for v, w in zip(vals, widths)).rstrip()
    return "\n".join([line(columns), line(["-" * w for w in widths])] + [line(r) for r in rows]) + "\n"


class Group(click.Group):
    """Turn domain errors into one line and exit 2, never a traceback."""

    def invoke(self, ctx):
        from positions.data import files, journal

        try:
            journal.recover_if_needed(store.DEFAULT_PATH.parent)  # a writer killed last time
            return super().invoke(ctx)
        except PositionsError as e:  # advice to pass --encoding only where the command has it
            fail(str(e) if ctx.meta.get(HAS_ENCODING) else files.drop_encoding_advice(str(e)))
        except click.UsageError as e:  # one line, like every other mistake (click prints three)
            fail(f"{e.format_message()} (see {e.ctx.command_path if e.ctx else 'positions'} --help)")
        except BrokenPipeError:
            sys.exit(0)
        except OSError as e:  # e.g. stdout on a full disk: one line, not a traceback
            fail(f"{files.shown(e.filename) + ': ' if e.filename else ''}{files.os_problem(e)}")


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="positions")
def cli():
    """Tag, check and show stances on cross-border strikes and trainer deployments.

    \b
    Examples:
        python -m positions tag article.txt --published 2024-05-30 --format table
        python -m positions validate data/statements.csv
        python -m positions show --issue cross_border_strikes --as-of 2024-06-15
    """


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--published", help="Publication date YYYY-MM-DD; relative dates in the text resolve against it.")
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl", "csv", "table"]), default="json", show_default=True)
@encoding_option("FILES and standard input", defaults=False)
@click.option("--jobs", type=int, default=None, help="Worker processes for many files (default: one per core).")
@backend_option("rules + the bundled model")
@url_option()
@click.option("--model", "llm_model", default=None, help="Model name for --backend openai-compatible.")
def tag(files, published, fmt, encoding, jobs, backend, url, llm_model):
    """Tag documents: print the statements found, with verbatim evidence.

    FILES are text, Markdown or HTML files, folders of them, or - for standard
    input. Many files are tagged in parallel with a progress bar on stderr;
    use --format jsonl to stream one statement per line.

    \b
    Example:
        python -m positions tag article.txt --published 2024-05-30 --format json
        python -m positions tag articles/ --format jsonl > statements.jsonl
        python -m positions tag a.txt --backend openai-compatible --url http://127.0.0.1:11434/v1 --model qwen2.5
    """
    from positions.tagger.io import expand, tag_many

    day = parse_day(published, "--published")
    names = expand(files)
    columns = CSV_COLUMNS if fmt == "csv" else ["actor", "affiliation", "issue", "stance", "statement_date",
                                                "confidence", "evidence"]
    if backend != "offline":
        from positions.cli.tagging import tag_with_llm

        require_endpoint(url, llm_model)
        click.echo(render(tag_with_llm(names, day, encoding, url, llm_model), fmt, columns), nl=False)
        return
    results = tag_many(names, day, encoding, jobs)
    if len(names) == 1:
        _, records, error = next(results)
        if error:
            fail(error)
        click.echo(render(records, fmt, columns), nl=False)
        return
    errors, records = [], []
    with click.progressbar(length=len(names), label="tagging", file=sys.stderr) as bar:
        for i, (name, recs, error) in enumerate(results):
            bar.update(1)
            if error:
                errors.append(error)
            elif fmt == "jsonl":
                sys.stdout.write(render(recs, fmt, columns))
            else:
                records.extend(recs)
    if fmt != "jsonl":
        click.echo(render(records, fmt, columns), nl=False)
    for e in errors:
        click.echo(f"error: {e}", err=True)
    if errors:
        sys.exit(EXIT_USER_ERROR)


@cli.command()
@click.argument("csv_path", required=False, type=click.Path(dir_okay=False), default=str(store.DEFAULT_PATH))
@click.option("--documents", default=str(store.DEFAULT_PATH.parent / "documents.csv"), show_default=True,
              help="Documents list; where data/documents/<doc_id>.txt exists, evidence must be a verbatim substring.")
@encoding_option("the statements CSV, the documents list and the documents")
def validate(csv_path, documents, encoding):
    """Check a statements CSV: fields, dates, known actors/affiliations, verbatim evidence, no duplicates
    (by id or by content), not truncated; then report per-state coverage and the share of positions
    resting only on state-aligned media.

    \b
    Example:
        python -m positions validate data/statements.csv
    """
    from positions.data import checks

    encoding, doc_encoding = encoding_of("csv_path", encoding), encoding_of("documents", encoding)
    numbered = store.load_numbered(csv_path, encoding)
    statements = [s for _, s in numbered]
    texts = checks.document_texts(Path(documents), doc_encoding)
    added = _added_actors(csv_path)
    problem = (lambda reg, s: _actor_problem(reg, added, s)) if added else checks.registry_problem
    found = checks.first_problem(numbered, registry_mod.load(), texts, problem)
    if found:
        fail(f"{csv_path}:{found[0]}: {found[1]}")
    from positions.data.dedup import dedupe
    merged = len(statements) - len(dedupe(store.to_frame(statements)))
    extra = f"; {merged} reports of the same statement by several outlets are merged when shown" if merged else ""
    click.echo(f"OK: {len(statements)} statements in {csv_path}{extra}")
    click.echo("\n".join(cli_coverage.report_lines(csv_path, encoding=encoding)))


from positions.data.checks import document_texts, registry_problem  # noqa: E402,F401  (used by tests)


def _added_actors(source: str) -> dict:
    """Actors added in review, when validating a database (they join the registry there)."""
    if not store.is_db_url(source):
        return {}
    from positions.data import db, inbox
    engine = db.open_store(source)
    try:
        return inbox.added_actors(engine)
    finally:
        engine.dispose()


def _actor_problem(reg, added, s):
    from positions.data.inbox import actor_problem
    return actor_problem(reg, added, s)


@cli.command()
@click.option("--issue", default=None, help="cross_border_strikes or trainer_deployment (default: both).")
@click.option("--as-of", "as_of", default=None, help="Date YYYY-MM-DD (default: today).")
@click.option("--data", "data", default=str(store.DEFAULT_PATH), show_default=True, help="Statements CSV.")
@encoding_option("--data")
def show(issue, as_of, data, encoding):
    """Print each state's stance as of a date, with the statement behind it.

    \b
    Example:
        python -m positions show --issue cross_border_strikes --as-of 2024-06-15
    """
    from positions.analysis import engine  # lazy: pandas is not needed by `tag`

    check_issue(issue)
    day = parse_day(as_of, "--as-of") or date.today()
    reg = registry_mod.load()
    df = engine.prepare(store.load_frame(data, encoding=encoding_of("data", encoding)), reg)
    cb = codebook_mod.load()
    for iss in [issue] if issue else [i.value for i in Issue]:
        pos = engine.positions_as_of(df, iss, day)
        click.echo(f"{cb.issue_label(iss)} as of {day.isoformat()}: {len(pos)} states with a public position")
        records = [{"state": f"{reg.name_of(r.affiliation)} ({r.affiliation})", "stance": r.stance,
                    "since": r.since.date().isoformat(), "speaker": r.actor, "evidence": r.evidence,
                    "source": r.source_url or r.source_title, "flag": r.source_flag}
                   for r in pos.sort_values(["stance", "affiliation"]).itertuples()]
        click.echo(table(records, ["state", "stance", "since", "speaker", "evidence", "source", "flag"], width=48)
                   if records else "(none)\n")
        members = sorted(code for code in reg.states if reg.groups(code, day) & {"NATO", "EU"})
        missing = [reg.name_of(c) for c in members if c not in set(pos["affiliation"])]
        if missing:
            click.echo(f"No public position found (NATO/EU members): {', '.join(missing)}\n")
    click.echo(cb.rule.caption)


# Commands that live in their own modules (none imports pandas/plotly at load, so `tag` starts fast).
from positions.cli.review import ingest, review  # noqa: E402
from positions.cli.bench import bench  # noqa: E402
from positions.cli.tag_corpus import tag_corpus  # noqa: E402
from positions.cli.tagging import corpus, evaluate, train  # noqa: E402
from positions.cli.db import db_group  # noqa: E402
from positions.cli.users import users_group  # noqa: E402

cli.add_command(ingest)
cli.add_command(review)
cli.add_command(cli_export.export)
cli.add_command(bench)
cli.add_command(tag_corpus)
cli.add_command(cli_coverage.coverage)
for _cmd in (corpus, train, evaluate):
    cli.add_command(_cmd)
cli.add_command(db_group)
cli.add_command(users_group)


def main():
    """Entry point of both `positions` (console script) and `python -m positions`."""
    invoked_as_script = Path(sys.argv[0]).name == "positions"
    cli(prog_name="positions" if invoked_as_script else "python -m positions")
