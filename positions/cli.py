"""Command line: `python -m positions COMMAND`. User mistakes print one line and exit 2."""
from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date
from pathlib import Path

import click

from . import codebook as codebook_mod
from . import registry as registry_mod
from . import cli_export, store, timeline
from .errors import InvalidField, PositionsError
from .model import CSV_COLUMNS, Issue, parse_date

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
def tag(files, published, fmt, encoding):
    """Tag documents: print the statements found, with verbatim evidence.

    FILES are text files, or - for standard input.

    \b
    Example:
        python -m positions tag article.txt --published 2024-05-30 --format json
    """
    from .tagger import tag_text

    day = parse_day(published, "--published")
    records = []
    for name in files:
        if name == "-":
            text, title = sys.stdin.read(), "stdin"
        else:
            text, title = store.read_text_file(Path(name), encoding), Path(name).name
        for s in tag_text(text, published=day, source_title=title):
            records.append(s.to_record())
    click.echo(render(records, fmt, CSV_COLUMNS if fmt == "csv" else
                      ["actor", "affiliation", "issue", "stance", "statement_date", "confidence", "evidence"]), nl=False)


@cli.command()
@click.argument("csv_path", required=False, type=click.Path(dir_okay=False), default=str(store.DEFAULT_PATH))
def validate(csv_path):
    """Check a statements CSV: fields, dates, known actors/affiliations, no duplicates.

    \b
    Example:
        python -m positions validate data/statements.csv
    """
    statements = store.load_statements(csv_path)
    reg = registry_mod.load()
    seen = {}
    for line, s in enumerate(statements, start=2):
        if s.affiliation not in reg.affiliations:
            fail(f"{csv_path}:{line}: column affiliation: {s.affiliation!r} is not in the actor registry")
        if s.actor_id and s.actor_id not in reg.people and s.actor_id not in reg.affiliations:
            fail(f"{csv_path}:{line}: column actor_id: {s.actor_id!r} is not in the actor registry")
        if s.id in seen:
            fail(f"{csv_path}:{line}: duplicate of line {seen[s.id]} (same source, actor, issue and evidence)")
        seen[s.id] = line
    click.echo(f"OK: {len(statements)} statements in {csv_path}")


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
    check_issue(issue)
    day = parse_day(as_of, "--as-of") or date.today()
    df = store.load_frame(data)
    reg = registry_mod.load()
    cb = codebook_mod.load()
    for iss in [issue] if issue else [i.value for i in Issue]:
        pos = timeline.state_positions_as_of(df, iss, day)
        click.echo(f"{cb.issue_label(iss)} as of {day.isoformat()}: {len(pos)} states with a public position")
        records = [{"state": f"{reg.name_of(r.affiliation)} ({r.affiliation})", "stance": r.stance,
                    "date": r.effective_date.date().isoformat(), "speaker": r.actor, "evidence": r.evidence}
                   for r in pos.sort_values(["stance", "affiliation"]).itertuples()]
        click.echo(table(records, ["state", "stance", "date", "speaker", "evidence"]) if records else "(none)\n")


cli.add_command(cli_export.export)


def main():
    cli(prog_name="python -m positions")
