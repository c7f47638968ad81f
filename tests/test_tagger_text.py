"""positions.tagger.text: sentence splitting."""
from positions.tagger.core import get_tagger
from positions.tagger.text import sentences


def test_text_sentence_split_keeps_abbreviations():
    text = "Gen. Charles Brown spoke in the U.S. Capitol. He left."
    assert [text[a:b] for a, b in sentences(text, get_tagger(mode="rules").rules.abbreviations)] == \
        ["Gen. Charles Brown spoke in the U.S. Capitol.", "He left."]
