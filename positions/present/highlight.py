"""Evidence shown in its text as safe Streamlit Markdown: every character of the document is
escaped (no HTML, links, formulas or directives can come from it) and the evidence is wrapped
in :orange-background[...] so the page needs no unsafe_allow_html."""
from __future__ import annotations

import re

# CommonMark lets any ASCII punctuation be backslash-escaped; escaping all of it also defuses
# Streamlit's own syntax (:colour[...] directives, :emoji: codes, $math$).
_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")


def escape(text: str) -> str:
    """Text -> Markdown that renders as exactly this text (one paragraph per blank line)."""
    lines = (_PUNCT.sub(r"\\\1", line) for line in text.split("\n"))
    return "  \n".join(lines)


def excerpt_bounds(text: str, start: int, end: int, context: int) -> tuple[int, int]:
    """Start and end of a window of about `context` characters around [start, end), on word breaks."""
    lo, hi = max(0, start - context), min(len(text), end + context)
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space != -1 else lo
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space != -1 else hi
    return lo, hi


def locate(text: str, evidence: str, start: int | None, end: int | None) -> tuple[int, int] | None:
    """Where the evidence is in the text: the tagger's offsets if they match, else its first occurrence."""
    if start is not None and end is not None and text[start:end] == evidence:
        return start, end
    found = text.find(evidence)
    return (found, found + len(evidence)) if found != -1 else None


def highlighted(text: str, evidence: str, start: int | None = None, end: int | None = None,
                context: int = 300) -> str:
    """Markdown of the evidence highlighted within some context; the escaped evidence alone
    (quoted) when it is not in the text."""
    where = locate(text, evidence, start, end)
    if where is None:
        return "> " + escape(evidence)
    s, e = where
    lo, hi = excerpt_bounds(text, s, e, context)
    before, quote, after = text[lo:s], text[s:e], text[e:hi]
    marked = " ".join(f":orange-background[{escape(part)}]" for part in quote.split("\n") if part.strip())
    return ("…" if lo > 0 else "") + escape(before) + marked + escape(after) + ("…" if hi < len(text) else "")
