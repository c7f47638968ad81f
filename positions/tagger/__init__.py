"""Stance tagger: text -> Statements following CODEBOOK.md. See `tag_text`."""
from positions.tagger.core import tag_text

__all__ = ["tag_text"]
