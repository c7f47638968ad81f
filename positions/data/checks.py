"""Checks a statement must pass before it is stored or accepted: the actor registry, one row per
statement (by id and by content), and verbatim evidence against the stored document."""
from __future__ import annotations

from pathlib import Path

from positions.data import files
from positions.errors import StoreError
from positions.model import Statement, statement_id


def registry_problem(reg, s: Statement) -> str | None:
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


def content_key(s: Statement) -> str:
    """The statement's content hash: the id its source, actor, issue and evidence give."""
    return statement_id(s.source_url or s.source_title, s.actor, s.issue.value, s.evidence)


def first_problem(numbered: list[tuple[int, Statement]], reg, texts: dict[str, str],
                  actor_check=registry_problem) -> tuple[int, str] | None:
    """(line, problem) of the first statement that fails a check, or None."""
    by_id, by_content = {}, {}
    for line, s in numbered:
        problem = actor_check(reg, s)
        if problem:
            return line, problem
        if s.id in by_id:
            return line, f"duplicate of line {by_id[s.id]} (same id {s.id}); remove one of them"
        key = content_key(s)
        if key in by_content:
            return line, (f"the statement of line {by_content[key]} again under a new id ({s.id}); "
                          "remove the copy")
        by_id[s.id], by_content[key] = line, line
        text = texts.get(s.source_url)
        if text is not None and s.evidence not in text:
            return line, f"column evidence is not a verbatim substring of the stored document for {s.source_url}"
    return None


def document_texts(documents: Path, encoding: str = "utf-8") -> dict[str, str]:
    """source URL -> stored text, for documents listed in documents.csv with a text file beside it.
    A documents list that does not exist is an error (the verbatim check would be skipped)."""
    from positions.data.review import read_documents

    if not documents.is_file():
        raise StoreError(f"--documents {files.shown(documents)}: file not found; give the documents list "
                         "(doc_id,url,...) whose texts lie in a documents/ folder beside it")
    folder = documents.parent / "documents"
    out = {}
    for doc_id, row in read_documents(documents, encoding).items():
        path = folder / f"{doc_id}.txt"
        if row.get("url") and path.is_file():
            out[row["url"]] = files.read_text(path, encoding)
    return out
