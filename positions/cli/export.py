"""`python -m positions export`: the page's downloads for a shared link, without a browser."""
from __future__ import annotations

from pathlib import Path

import click

from positions.cli.options import encoding_of, encoding_option
from positions.data import files, store
from positions.errors import InputError, InvalidField
from positions.paths import DATA_DIR


@click.command("export")
@click.option("--view", "view_text", default="", show_default=False,
              help="The dashboard link or its query string, e.g. 'issue=trainer_deployment&as_of=2024-06-15'.")
@click.option("--format", "fmt", default=None, metavar="FORMAT",
              help="png|svg|pdf (a chart), pptx (briefing pack), pack-pdf (the pack as PDF, needs LibreOffice), "
                   "csv|xlsx|json (statements with citations). "
                   "Default: from the --out extension.")
@click.option("--out", "out", required=True, help="File to write (atomically).")
@click.option("--data", "data", default=str(store.DEFAULT_PATH), show_default=True, help="Statements CSV.")
@click.option("--chart", "chart", default=None, help="For png/svg/pdf: the chart key (default: the view's first chart).")
@click.option("--force", is_flag=True, help="Allow --out to be a data file, a symbolic link (the link is replaced, "
              "never followed), a device or a FIFO (written in place).")
@encoding_option("--data")
def export(view_text, fmt, out, data, chart, force, encoding):
    """Export a dashboard view as a chart image, a briefing pack or its data.

    The output is what the page's download buttons give for the same link.

    \b
    Examples:
        python -m positions export --view "as_of=2024-05-31" --format png --out supporters.png
        python -m positions export --view "http://localhost:8501/?issue=trainer_deployment" --out pack.pptx
        python -m positions export --view "?as_of=2024-06-15" --format xlsx --out statements.xlsx
    """
    from positions.reference import codebook as codebook_mod
    from positions.present import export as export_mod
    from positions.reference import registry as registry_mod
    from positions.present import view as view_mod

    fmt = (fmt or Path(out).suffix.lstrip(".")).lower()
    if fmt not in export_mod.FORMATS:
        raise InputError(f"--format {fmt!r} is unknown; use one of {', '.join(export_mod.FORMATS)}"
                         if fmt else f"--format is missing and --out {out!r} has no known extension; "
                                     f"use one of {', '.join(export_mod.FORMATS)}")
    try:
        state = view_mod.parse_query_string(view_text)
    except InvalidField as e:
        raise InputError(f"--view: {e}") from None
    target = files.check_output(out, force, protected=[DATA_DIR, Path(data)])
    df = store.load_frame(data, encoding=encoding_of("data", encoding))
    ex = export_mod.build_export(df, state, codebook_mod.load(), registry_mod.load(),
                                 base_url=view_text if "://" in view_text else None)
    payload = export_mod.export_bytes(ex, fmt, chart=chart)
    files.write_output(target, payload)
    click.echo(f"wrote {out} ({fmt}, {len(payload):,} bytes; {ex.period}, {len(ex.rows)} statements)", err=True)
