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
from positions.data import store
from positions import __version__
from positions.errors import InvalidField, PositionsError
from positions.model import CSV_COLUMNS, Issue, parse_date

EXIT_USER_ERROR = 2


def fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_USER_ERROR)


def parse_day(value: str | None, option: str) -> date | None:
    try:
        return parse_date(value, option)
    except InvalidField:
        fail(f"{option} {value!r} is not a date; use YYYY-MM-DD")


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
        try:
            return super().invoke(ctx)
        except PositionsError as e:
            fail(str(e))
        except BrokenPipeError:
            sys.exit(0)


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
@click.option("--encoding", default="utf-8", show_default=True, help="Text encoding of the input files.")
@click.option("--jobs", type=int, default=None, help="Worker processes for many files (default: one per core).")
@click.option("--backend", type=click.Choice(["offline", "openai-compatible"]), default="offline", show_default=True,
              help="offline: rules + the bundled model; openai-compatible: a chat endpoint (needs --url, --model).")
@click.option("--url", default=None, help="Base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:11434/v1.")
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

        if not url or not llm_model:
            fail("--backend openai-compatible needs --url and --model")
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
def validate(csv_path, documents):
    """Check a statements CSV: fields, dates, known actors/affiliations, verbatim evidence, no duplicates;
    then report per-state coverage and the share of positions resting only on state-aligned media.

    \b
    Example:
        python -m positions validate data/statements.csv
    """
    statements = store.load_statements(csv_path)
    reg = registry_mod.load()
    texts = document_texts(Path(documents))
    seen = {}
    for line, s in enumerate(statements, start=2):
        problem = registry_problem(reg, s)
        if problem:
            fail(f"{csv_path}:{line}: {problem}")
        if s.id in seen:
            fail(f"{csv_path}:{line}: duplicate of line {seen[s.id]} (same source, actor, issue and evidence)")
        seen[s.id] = line
        text = texts.get(s.source_url)
        if text is not None and s.evidence not in text:
            fail(f"{csv_path}:{line}: column evidence is not a verbatim substring of the stored document for {s.source_url}")
    from positions.data.dedup import dedupe
    merged = len(statements) - len(dedupe(store.to_frame(statements)))
    extra = f"; {merged} reports of the same statement by several outlets are merged when shown" if merged else ""
    click.echo(f"OK: {len(statements)} statements in {csv_path}{extra}")
    click.echo("\n".join(cli_coverage.report_lines(csv_path)))


def document_texts(documents: Path) -> dict[str, str]:
    """source URL -> stored text, for documents listed in documents.csv with a text file beside it."""
    from positions.data.review import read_documents

    folder = documents.parent / "documents"
    out = {}
    for doc_id, row in read_documents(documents).items():
        path = folder / f"{doc_id}.txt"
        if row.get("url") and path.exists():
            out[row["url"]] = store.read_text_file(path)
    return out


def registry_problem(reg, s) -> str | None:
    """Why a statement's affiliation/actor is not backed by the actor registry, or None."""
    if s.affiliation not in reg.affiliations:
        return f"column affiliation: {s.affiliation!r} is not in the actor registry (data/actors/)"
    if s.actor_id:
        if s.actor_id not in reg.people and s.actor_id not in reg.affiliations:
            return f"column actor_id: {s.actor_id!r} is not in the actor registry (data/actors/)"
        return None
    if s.actor_type.value == "other":
        return None  # anonymous officials, analysts: named by description, not registered
    who = reg.resolve(s.actor, on=s.statement_date or s.published)
    if who is None:
        return f"column actor: {s.actor!r} is not in the actor registry; add them to data/actors/ or set actor_type other"
    if who.affiliation != s.affiliation and who.role_kind not in ("state", "organisation"):
        return f"column affiliation: {s.actor!r} spoke for {who.affiliation} on that date, not {s.affiliation}"
    return None


@cli.command()
@click.option("--issue", default=None, help="cross_border_strikes or trainer_deployment (default: both).")
@click.option("--as-of", "as_of", default=None, help="Date YYYY-MM-DD (default: today).")
@click.option("--data", "data", default=str(store.DEFAULT_PATH), show_default=True, help="Statements CSV.")
def show(issue, as_of, data):
    """Print each state's stance as of a date, with the statement behind it.

    \b
    Example:
        python -m positions show --issue cross_border_strikes --as-of 2024-06-15
    """
    from positions.analysis import engine  # lazy: pandas is not needed by `tag`

    check_issue(issue)
    day = parse_day(as_of, "--as-of") or date.today()
    reg = registry_mod.load()
    df = engine.prepare(store.load_frame(data), reg)
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
from positions.tagger.bench import bench  # noqa: E402
from positions.cli.tagging import corpus, evaluate, train  # noqa: E402

cli.add_command(ingest)
cli.add_command(review)
cli.add_command(cli_export.export)
cli.add_command(bench)
cli.add_command(cli_coverage.coverage)
for _cmd in (corpus, train, evaluate):
    cli.add_command(_cmd)


def main():
    """Entry point of both `positions` (console script) and `python -m positions`."""
    invoked_as_script = Path(sys.argv[0]).name == "positions"
    cli(prog_name="positions" if invoked_as_script else "python -m positions")
