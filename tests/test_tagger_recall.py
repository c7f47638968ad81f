"""Tagger: attribution and cue patterns added for recall on real copy (issue 3, part 3).

Each sentence is written for its pattern (not copied from any corpus or the dataset).
"""
from datetime import date

import pytest

from positions.tagger import tag_text
from tests.conftest import tagged_triples

PUB = date(2024, 5, 30)


def records(text, published=PUB):
    return tag_text(text, published=published)


def triples(text, published=PUB):
    return tagged_triples(text, published)


@pytest.mark.parametrize("text, expected", [
    # government / ministry as a body, with a place qualifier
    ("The Dutch government said it has no restrictions on the use of its F-16s against targets in Russia.",
     ("NL", "cross_border_strikes", "support")),
    ("France's defence ministry said it was studying the possibility of sending instructors to Ukraine.",
     ("FR", "trainer_deployment", "undecided")),
    # a spokesperson not in the registry still speaks for the government
    ("A Belgian spokesman said Belgium will never send soldiers to Ukraine.", ("BE", "trainer_deployment", "oppose")),
    # "<person>'s spokesman": the possessor's government speaks
    ("Sending Western troops to Ukraine would be unacceptable, Vladimir Putin's spokesman said on Tuesday.",
     ("RU", "trainer_deployment", "oppose")),
    # states as subjects with are / were / remain
    ("Norway and Denmark are not going to send their soldiers to Ukraine.", ("DK", "trainer_deployment", "oppose")),
    ("Norway and Denmark are not going to send their soldiers to Ukraine.", ("NO", "trainer_deployment", "oppose")),
    # a state list after "including"
    ("Several backers including Spain and Portugal have been reluctant to let Kyiv strike targets inside Russia.",
     ("PT", "cross_border_strikes", "oppose")),
    # longer-distance negation of "relevant"; "no question of sending"; "does not see a role"
    ("Ulf Kristersson said sending Swedish troops to Ukraine is not at all relevant now.", ("SE", "trainer_deployment", "oppose")),
    ("Kyriakos Mitsotakis said there is no question of sending Greek troops to Ukraine.", ("GR", "trainer_deployment", "oppose")),
    ("Anthony Albanese said he does not see a role for Australia in sending troops to Ukraine.",
     ("AU", "trainer_deployment", "oppose")),
    # a negative view
    ("Dmitry Peskov said Moscow views the sending of European peacekeepers to Ukraine negatively.",
     ("RU", "trainer_deployment", "oppose")),
    # a contingent as the deployment
    ("Mette Frederiksen said Denmark is considering joining a military contingent in Ukraine.",
     ("DK", "trainer_deployment", "undecided")),
    # not considering the idea of sending; not planning a deployment; will not dispatch
    ("Petr Fiala said Czechia is not considering the idea of sending its military to Ukraine.",
     ("CZ", "trainer_deployment", "oppose")),
    ("Norway said it did not plan a large-scale deployment of its troops in Ukraine.", ("NO", "trainer_deployment", "oppose")),
    ("Macedonia will not dispatch soldiers to Ukraine, the government said.", ("MK", "trainer_deployment", "oppose")),
    # a passive review
    ("The Belgian government said the sending of instructors to Ukraine was being studied.",
     ("BE", "trainer_deployment", "undecided")),
    # welcoming it; greenlit; Ukraine may launch
    ("Rustem Umerov said he welcomed the plan to send Western instructors to Ukraine.", ("UA", "trainer_deployment", "support")),
    ("Joe Biden greenlit strikes on targets inside Russia with American missiles.", ("US", "cross_border_strikes", "support")),
    ("Jean-Noel Barrot said Ukraine may launch French missiles into Russia in self-defence.",
     ("FR", "cross_border_strikes", "support")),
    # "head of the government" after a quote; "government spokeswoman" not in the registry
    ("Dimitar Glavchev met reporters.\n\"Bulgarian troops will never be sent to Ukraine,\" said the head of the government.",
     ("BG", "trainer_deployment", "oppose")),
    ("Spanish government spokeswoman Ana Ruiz said Spain would never send troops to Ukraine.",
     ("ES", "trainer_deployment", "oppose")),
    # a title as the subject of a clause
    ("Ukraine's government is urging its partners to allow strikes on military targets inside Russia.",
     ("UA", "cross_border_strikes", "support")),
    # "<name> of the <Capitalised Body> stated"
    ("General Onno Eichelsheim of the Royal Netherlands Air Force stated that Ukraine could use Dutch F-16s for strikes on Russian territory.",
     ("NL", "cross_border_strikes", "support")),
])
def test_recall_patterns(text, expected):
    assert expected in triples(text)


def test_mission_as_context_for_a_state_list():
    text = ("Keir Starmer said Britain was ready to send peacekeepers to Ukraine after a ceasefire. "
            "Hungary, Slovakia, and Croatia have ruled out taking part in the mission.")
    got = triples(text)
    assert {("HU", "trainer_deployment", "oppose"), ("SK", "trainer_deployment", "oppose"),
            ("HR", "trainer_deployment", "oppose")} <= got


def test_subordinate_clause_speaker_owns_only_that_clause():
    # The main clause's position is not the position of the person named after "after".
    text = ("Several governments said on Tuesday they did not plan to deploy troops to Ukraine "
            "after Emmanuel Macron hinted at the possibility.")
    assert not any(a == "FR" for a, _, _ in triples(text))


def test_off_issue_speaker_is_the_one_next_to_the_speech_verb():
    # "he" in the last sentence is Tajani (who said), not Macron (named inside Tajani's clause).
    text = ("Antonio Tajani said that what Emmanuel Macron was proposing would not be needed.\n"
            "He also ruled out sending Italian troops to Ukraine.")
    got = triples(text)
    assert ("IT", "trainer_deployment", "oppose") in got
    assert ("FR", "trainer_deployment", "oppose") not in got


def test_old_dates_are_not_borrowed_by_other_sentences():
    # A caption's date years before publication does not date the speaker's undated statement.
    text = ("Vladimir Putin attends a meeting in Moscow, Russia May 27, 2022.\n"
            "Vladimir Putin warned that letting Ukraine strike inside Russia with Western missiles means war.")
    recs = [r for r in records(text, date(2024, 9, 12)) if r.affiliation == "RU"]
    assert recs and all(r.statement_date is None for r in recs)


def test_context_idea_and_negated_agreement():
    # "X's proposal" names the issue of the sentence before; "does not agree with" is oppose.
    text = ("Emmanuel Macron said sending Western troops to Ukraine should not be ruled out.\n"
            "Spanish government spokeswoman Ana Ruiz said that Madrid does not agree with Macron's proposal.")
    assert ("ES", "trainer_deployment", "oppose") in triples(text)


def test_subordinate_speaker_inherits_the_sentence_issue_with_a_specific_cue():
    text = ("Sending Western troops to Ukraine would make a conflict inevitable, Dmitry Peskov said on Tuesday "
            "after Emmanuel Macron told reporters that nothing should be ruled out.")
    got = triples(text)
    assert ("RU", "trainer_deployment", "oppose") in got
    assert ("FR", "trainer_deployment", "undecided") in got


def test_state_inside_a_quote_continued_from_the_previous_sentence_is_not_a_speaker():
    # The rule layer's speaker grammar: NATO is not the speaker of Glavchev's quote. (The learned layer
    # may still code NATO oppose as a position Glavchev relays, which the codebook annotates.)
    from positions.tagger.core import get_tagger

    text = ("\u201cBulgarian soldiers will not be sent to Ukraine. After all, NATO is also not going to send troops there,\u201d "
            "said Dimitar Glavchev.")
    got = {(r.affiliation, r.issue.value, r.stance.value) for r in get_tagger(mode="rules").tag(text, PUB)}
    assert ("BG", "trainer_deployment", "oppose") in got
    assert ("NATO", "trainer_deployment", "oppose") not in got


def test_cue_inside_an_indirect_question_is_not_a_position():
    text = ("\u201cAs to whether we are in favour of sending troops to Ukraine, we do not agree,\u201d "
            "said Spanish government spokeswoman Ana Ruiz.")
    got = triples(text)
    assert ("ES", "trainer_deployment", "support") not in got
    assert ("ES", "trainer_deployment", "oppose") in got


def test_guarded_alternations_match_as_the_patterns_do():
    import re

    from positions.tagger.rules import AnyOf, _fast, _top_alternatives

    assert _top_alternatives(r"\bfoo (a|b)\b|\bbar[|]x") == [r"\bfoo (a|b)\b", r"\bbar[|]x"]
    # Word-start patterns get the guard; others (a match may start inside a word) stay as written.
    assert _fast(r"\b(only|solely)\b").startswith(r"\b(?=\w)")
    assert _fast(r"(\bnot|n't) going") == r"(\bnot|n't) going"
    pats = [r"\b(rule[sd]?|ruling) out\b", r"(\bnot|n't) (\w+ )?going to send\b", r"(?<!not )\bin favou?r of\b"]
    gate = AnyOf(pats)
    for text in ["They ruled out sending troops.", "We don't plan going to send troops", "We aren't going to send",
                 "She is in favour of it.", "She is not in favour of it.", "Nothing here."]:
        assert gate.search(text) == any(re.search(p, text, re.I) for p in pats), text
