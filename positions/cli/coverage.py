"""`python -m positions coverage`: the state × issue coverage table (data/COVERAGE.md)."""
from __future__ import annotations

from datetime import date

import click

from positions.cli.options import encoding_of, encoding_option
from positions.data import store
from positions.errors import InputError, InvalidField
from positions.model import parse_date


def load_coverage(data: str, notes_path: str | None, on: date, encoding: str = "utf-8", notes_encoding: str = "utf-8"):
    """(coverage table, registry, codebook) for the statements in `data` as of `on`."""
    from positions.analysis import coverage, engine
    from positions.data import coverage_notes
    from positions.reference import codebook as codebook_mod
    from positions.reference import registry as registry_mod

    reg = registry_mod.load()
    df = engine.prepare(store.load_frame(data, encoding=encoding), reg)
    notes = coverage_notes.load_notes(notes_path or coverage_notes.DEFAULT_PATH, notes_encoding)
    return coverage.coverage_table(df, reg, on, notes), reg, codebook_mod.load()


def report_lines(data: str, on: date | None = None, encoding: str = "utf-8") -> list[str]:
    """The coverage part of `validate`: summary, then one line per state (S = strikes, T = trainers)."""
    from positions.analysis.coverage import summary_lines
    from positions.analysis.engine import NO_POSITION

    on = on or date.today()
    table, reg, _ = load_coverage(data, None, on, encoding)
    lines = [f"Coverage as of {on.isoformat()} (per state: S = cross-border strikes, T = trainer deployment):",
             *summary_lines(table)]
    short = {"cross_border_strikes": "S", "trainer_deployment": "T"}
    for code, part in table.groupby("affiliation", sort=True):
        bits = []
        for r in part.itertuples():
            value = r.stance if r.stance != NO_POSITION else ("note" if isinstance(r.coverage_note, str) and r.coverage_note else "-")
            bits.append(f"{short[r.issue]}={value}" + ("(state media only)" if r.source_flag == "single source: state media" else ""))
        lines.append(f"  {code} {reg.name_of(code)}: " + ", ".join(bits))
    return lines


@click.command("coverage")
@click.option("--out", "out", default=None, help="Markdown file to write (atomically); default: print it.")
@click.option("--as-of", "as_of", default=None, help="Date YYYY-MM-DD (default: today).")
@click.option("--data", "data", default=str(store.DEFAULT_PATH), show_default=True, help="Statements CSV.")
@click.option("--notes", "notes", default=None, help="Coverage notes CSV (default: data/coverage_notes.csv).")
@encoding_option("--data and --notes")
def coverage(out, as_of, data, notes, encoding):
    """Write the state × issue coverage table: each state's latest official position (date,
    precision, source type, source flag) or its dated 'no public position found' note.

    \b
    Example:
        python -m positions coverage --out data/COVERAGE.md
    """
    from positions.analysis.coverage import coverage_markdown

    try:
        on = parse_date(as_of, "--as-of") or date.today()
    except InvalidField:
        raise InputError(f"--as-of {as_of!r} is not a date; use YYYY-MM-DD") from None
    table, reg, cb = load_coverage(data, notes, on, encoding_of("data", encoding), encoding_of("notes", encoding))
    text = coverage_markdown(table, reg, on, cb.rule.caption)
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        store.atomic_write_bytes(out, text.encode("utf-8"))
    except OSError as e:
        raise InputError(f"--out {out!r} cannot be written: {e.strerror or e}") from None
    click.echo(f"wrote {out} ({len(table)} state × issue cells)", err=True)
