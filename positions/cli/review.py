"""`ingest` (tag a folder of documents into suggestions) and `review` (accept/edit/reject)."""
from __future__ import annotations

from pathlib import Path

import click

from positions.cli.options import encoding_of, encoding_option
from positions.data import store
from positions.errors import PositionsError
from positions.model import parse_date
from positions.data.review import EDITABLE, decide, load_or_empty, read_documents

DATA_DIR = store.DEFAULT_PATH.parent


ENCODING = encoding_option()


@click.command()
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--documents", default=str(DATA_DIR / "documents.csv"), show_default=True,
              help="CSV doc_id,url,title,published,publisher; a file's doc_id is its name without suffix.")
@click.option("--out", "out", default=str(DATA_DIR / "suggestions.csv"), show_default=True)
@click.option("--data", "data", default=str(store.DEFAULT_PATH), show_default=True)
@click.option("--force", is_flag=True, help="Let --out be a symbolic link (replaced, never followed).")
@ENCODING
def ingest(folder, documents, out, data, force, encoding):
    """Tag every document in FOLDER and add new statements to the suggestions file.

    HTML pages are reduced to their article text; large text files are read in chunks.
    Documents already ingested (same content) or already coded in the data are skipped,
    as are statements already in the data or already suggested (same id).

    \b
    Example:
        python -m positions ingest data/documents --documents data/documents.csv
    """
    from positions.data import files, journal
    from positions.data import ingest as ingest_mod
    from positions.tagger.core import get_tagger
    from positions.tagger.io import HTML_SUFFIXES, TEXT_SUFFIXES

    folder, out = Path(folder), Path(out)
    if not folder.is_dir():
        raise PositionsError(f"{files.shown(folder)}: not a folder of documents")
    files.check_output(out, force, protected=[Path(data), Path(documents)])
    enc = {name: encoding_of(name, encoding) for name in ("documents", "data", "out")}  # FOLDER's: `encoding`
    docs = read_documents(Path(documents), enc["documents"])
    coded = {s.source_url for s in load_or_empty(Path(data), enc["data"]) if s.source_url}
    index = ingest_mod.read_index(ingest_mod.index_path(out))
    tagger, found, skipped, todo = get_tagger(), [], 0, []
    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in TEXT_SUFFIXES | HTML_SUFFIXES)
    for path in paths:
        meta = docs.get(path.stem, {})
        digest = ingest_mod.content_hash(path)
        if digest in index or (meta.get("url") and meta["url"] in coded):
            skipped += 1
            continue
        published = parse_date(meta.get("published") or None, f"{documents}: {path.stem}.published", bounded=True)
        if published is None:
            click.echo(f"warning: {path.name}: no publication date in {documents}; relative dates stay unresolved", err=True)
        doc = ingest_mod.Document(path, digest, meta.get("url", ""), meta.get("title") or path.name, published)
        found.extend(ingest_mod.statements_of(doc, encoding, tagger))
        todo.append(doc)
    with journal.transaction(Path(data).absolute().parent) as batch:  # re-read: another ingest may have run
        known = {s.id for s in load_or_empty(Path(data), enc["data"])}
        suggestions = load_or_empty(out, enc["out"])
        known |= {s.id for s in suggestions}
        index = ingest_mod.read_index(ingest_mod.index_path(out))
        new = [s for s in {s.id: s for s in found}.values() if s.id not in known]
        index.update({d.sha256: {"sha256": d.sha256, "name": d.path.name, "url": d.url} for d in todo})
        store.put_statements(batch, suggestions + new, out)
        batch.put(ingest_mod.index_path(out), ingest_mod.index_bytes(index))
        batch.commit()
    skip = f"; {skipped} already ingested or coded" if skipped else ""
    click.echo(f"{len(new)} new suggestions from {len(todo)} documents in {out}{skip}")


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
@ENCODING
def review(suggestions, data, log, accept_ids, reject_ids, edits, reviewer, encoding):
    """Accept, edit or reject suggested statements (interactive unless --accept/--reject).

    Accepted statements join the data with status accepted and origin reviewed; each
    decision changes the data, the suggestions and the review log together (or not at all).
    Accepting an accepted statement again with --set edits it; any other second decision
    on a suggestion is reported as a conflict (exit status 1) and changes nothing.

    \b
    Examples:
        python -m positions review
        python -m positions review --accept 3f2a9c --set stance=conditional
        python -m positions review --reject 77b01d
    """
    from positions.data.review import Conflict, check_log
    from positions.reference import registry

    paths = Path(suggestions), Path(data), Path(log)
    encodings = {"encoding": encoding_of("suggestions", encoding), "data_encoding": encoding_of("data", encoding)}
    changes = parse_edits(edits, accept_ids, reject_ids)
    check_log(paths[2])
    reg = registry.load()
    if not (accept_ids or reject_ids):
        return interactive(paths, reviewer, reg, encodings)
    conflicts = 0
    for sid, action in [(i, "accept") for i in accept_ids] + [(i, "reject") for i in reject_ids]:
        try:
            s = decide(*paths, sid, action, changes if action == "accept" else None, reviewer, reg=reg, **encodings)
        except Conflict as e:
            click.echo(f"conflict: {e}", err=True)
            conflicts += 1
            continue
        click.echo(f"{s.status.value} {s.id}")
    if conflicts:
        raise SystemExit(1)


def parse_edits(edits, accept_ids, reject_ids) -> dict:
    """--set field=value pairs; refuses contradictory flags before anything is read or written."""
    both = set(accept_ids) & set(reject_ids)
    if both:
        raise PositionsError(f"--accept and --reject both name {', '.join(sorted(both))}; choose one")
    if len(set(accept_ids)) != len(accept_ids) or len(set(reject_ids)) != len(reject_ids):
        raise PositionsError("the same id is given twice; give each id once")
    if edits and not accept_ids:
        raise PositionsError("--set edits a statement being accepted; add --accept ID")
    if edits and len(accept_ids) > 1:
        raise PositionsError("--set applies to one statement; give a single --accept ID with it")
    changes = {}
    for item in edits:
        field, sep, value = item.partition("=")
        if not sep or field not in EDITABLE:
            raise PositionsError(f"--set {item!r}: use field=value with a field among {', '.join(EDITABLE)}")
        if field in changes:
            raise PositionsError(f"--set {field} is given twice; give it once")
        changes[field] = value
    return changes


def interactive(paths, reviewer, reg, encodings: dict | None = None) -> None:
    """The prompt loop over pending suggestions (`encodings`: of the suggestions and the data, for decide)."""
    encodings = encodings or {}
    pending = [s for s in load_or_empty(paths[0], encodings.get("encoding", "utf-8")) if s.status.value == "suggested"]
    if not pending:
        click.echo("No suggestions waiting for review.")
        return
    for i, s in enumerate(pending, 1):
        click.echo(f"\n{i}/{len(pending)} " + _show(s))
        if not prompt_one(paths, s, reviewer, reg, encodings):
            return


def prompt_one(paths, s, reviewer, reg, encodings: dict | None = None) -> bool:
    """Decide one suggestion at the prompt; False when the reviewer quits."""
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
                done = decide(*paths, s.id, "accept" if choice == "a" else "reject",
                              (edits_now or None) if choice == "a" else None, reviewer, reg=reg, **(encodings or {}))
            except PositionsError as e:
                click.echo(f"  {e}")
                edits_now = {}
                continue
            click.echo(f"  {done.status.value}")
            return True
        elif choice == "s":
            return True
        elif choice == "q":
            return False
