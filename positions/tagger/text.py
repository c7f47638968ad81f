"""Sentence and paragraph splitting with character offsets (evidence is always a slice)."""
from __future__ import annotations

import re
from functools import lru_cache

# Candidate boundary: end punctuation, optional closing quote/bracket, whitespace. A newline
# always ends a sentence (paragraphs, headlines, list items).
_BOUNDARY = re.compile(r"[.!?]+[\"”’')\]]*(?=\s)|\n")
_OPENERS = "\"“‘'([«"


@lru_cache(maxsize=4)
def _abbrev_rx(pattern: str) -> re.Pattern:
    return re.compile(r"(?:\b(?:" + pattern + r")|\b[A-Z]|\b(?:[A-Za-z]\.){1,3}[A-Za-z])\.$")


def sentences(text: str, abbreviations: str = "Mr|Mrs|Ms|Dr|Gen|St|Jr|No") -> list[tuple[int, int]]:
    """(start, end) offsets of sentences, stripped of surrounding whitespace.

    A period after an abbreviation or an initial ("Gen.", "U.S.") does not end a sentence, nor does
    one followed by a lower-case word.
    """
    abbrev = _abbrev_rx(abbreviations)
    out = []
    start = 0
    n = len(text)
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        if m.group() != "\n":
            # Next non-space character must look like a sentence start.
            j = end
            while j < n and text[j] in " \t\r":
                j += 1
            if j < n and text[j] != "\n":
                c = text[j]
                if not (c.isupper() or c.isdigit() or c in _OPENERS):
                    continue
            if text[m.start()] == "." and m.end() - m.start() == 1 or text[m.start():m.start() + 1] == ".":
                if abbrev.search(text, max(start, m.start() - 12), m.start() + 1):
                    continue
        _push(text, start, end, out)
        start = end
    _push(text, start, n, out)
    return out


def _push(text, start, end, out):
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append((start, end))


def paragraph_ids(text: str, spans: list[tuple[int, int]]) -> list[int]:
    """Paragraph number of each sentence (a paragraph ends at a newline)."""
    ids, para, pos = [], 0, 0
    for start, _ in spans:
        para += text.count("\n", pos, start)
        pos = start
        ids.append(para)
    return ids
