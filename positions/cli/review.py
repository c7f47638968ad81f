"""`ingest` (tag a folder of documents into suggestions) and `review` (accept/edit/reject)."""
from __future__ import annotations

from pathlib import Path

import click

from positions.data import store
from positions.errors import PositionsError
from positions.model import parse_date
from positions.data.review import EDITABLE, decide, load_or_empty, read_documents

DATA_DIR = store.DEFAULT_PATH.parent


@click.command()
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--documents", default=str(DATA_DIR / "documents.csv"), show_default=True,
              help="CSV doc_id,url,title,published,publisher; a file's doc_id is its name without suffix.")
@click.option("--out", "out", default=str(DATA_DIR / "suggestions.csv"), show_default=True)
@click.option("--data", "data", default=str(store.DEFAULT_PATH), show_default=True)
def ingest(folder, documents, out, data):
    """Tag every document in FOLDER and add new statements to the suggestions file.

    Statements already in the data or already suggested (same id) are skipped.

    \b
    Example:
        python -m positions ingest articles/ --documents data/documents.csv
    """
    from positions.tagger import tag_text
    from positions.tagger.io import HTML_SUFFIXES, TEXT_SUFFIXES, read_document

    folder = Path(folder)
    if not folder.is_dir():
        raise PositionsError(f"{folder}: not a folder of documents")
    docs = read_documents(Path(documents))
    known = {s.id for s in load_or_empty(Path(data))}
    suggestions = load_or_empty(Path(out))
    known |= {s.id for s in suggestions}
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in TEXT_SUFFIXES | HTML_SUFFIXES)
    added = 0
    for path in files:
        meta = docs.get(path.stem, {})
        published = parse_date(meta.get("published") or None, f"{documents}: {path.stem}.published")
        if published is None:
            click.echo(f"warning: {path.name}: no publication date in {documents}; relative dates stay unresolved", err=True)
        text = read_document(str(path))  # HTML reduced to its article body, as `tag` does
        for s in tag_text(text, published=published, source_url=meta.get("url", ""),
                          source_title=meta.get("title") or path.name):
            if s.id not in known:
                suggestions.append(s)
                known.add(s.id)
                added += 1
    store.save_statements(suggestions, out)
    click.echo(f"{added} new suggestions from {len(files)} documents in {out}")


def _show(s) -> str:
    return (f"[{s.id}] {s.actor} ({s.affiliation}, {s.actor_type.value}{', ' + s.role if s.role else ''})\n"
            f"  {s.issue.value}: {s.stance.value}   date: {s.statement_date or 'undated'}   "
            f"confidence: {s.confidence:.2f}\n  “{s.evidence}”\n  source: {s.source_url or s.source_title}")


@click.command()
@click.option("--suggestions", default=str(DATA_DIR / "suggestions.csv"), show_default=True)
@click.option("--data", "data", default=str(store.DEFAULT_PATH), show_default=True)
@click.option("--log", "log", default=str(DATA_DIR / "review-log.jsonl"), show_default=True)
@click.option("--accept", "accept_ids", multiple=True, help="Accept this suggestion id (repeatable).")
@click.option("--reject", "reject_ids", multiple=True, help="Reject this suggestion id (repeatable).")
@click.option("--set", "edits", multiple=True, help="Edit before accepting: field=value (with --accept).")
@click.option("--reviewer", default=None, help="Name recorded in the review log (default: login name).")
def review(suggestions, data, log, accept_ids, reject_ids, edits, reviewer):
    """Accept, edit or reject suggested statements (interactive unless --accept/--reject).

    Accepted statements join the data with status accepted and origin reviewed; every
    decision and edit is appended to the review log.

    \b
    Examples:
        python -m positions review
        python -m positions review --accept 3f2a9c --set stance=conditional
        python -m positions review --reject 77b01d
    """
    paths = Path(suggestions), Path(data), Path(log)
    changes = {}
    for item in edits:
        field, sep, value = item.partition("=")
        if not sep or field not in EDITABLE:
            raise PositionsError(f"--set {item!r}: use field=value with a field among {', '.join(EDITABLE)}")
        changes[field] = value
    if accept_ids or reject_ids:
        for sid in accept_ids:
            s = decide(*paths, sid, "accept", changes, reviewer)
            click.echo(f"accepted {s.id}")
        for sid in reject_ids:
            s = decide(*paths, sid, "reject", None, reviewer)
            click.echo(f"rejected {s.id}")
        return
    pending = [s for s in load_or_empty(paths[0]) if s.status.value == "suggested"]
    if not pending:
        click.echo("No suggestions waiting for review.")
        return
    for i, s in enumerate(pending, 1):
        click.echo(f"\n{i}/{len(pending)} " + _show(s))
        edits_now = {}
        while True:
            choice = click.prompt("[a]ccept, [r]eject, [e]dit, [s]kip, [q]uit", default="s").strip().lower()[:1]
            if choice == "e":
                field = click.prompt(f"field ({', '.join(EDITABLE)})")
                value = click.prompt("new value", default="")
                if field not in EDITABLE:
                    click.echo(f"  unknown field {field!r}")
                    continue
                edits_now[field] = value
                click.echo(f"  will set {field} = {value!r} on accept")
            elif choice in ("a", "r"):
                try:
                    done = decide(*paths, s.id, "accept" if choice == "a" else "reject", edits_now or None, reviewer)
                except PositionsError as e:
                    click.echo(f"  {e}")
                    edits_now = {}
                    continue
                click.echo(f"  {done.status.value}")
                break
            elif choice == "s":
                break
            elif choice == "q":
                return
