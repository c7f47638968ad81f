"""Tagger: annotator conventions of the fifth pass (issue 3).

Each sentence is written for its pattern (not copied from any corpus or the dataset).
"""
from datetime import date

from positions.tagger import tag_text
from tests.conftest import tagged_triples

PUB = date(2025, 3, 12)


def triples(text, published=PUB):
    return tagged_triples(text, published)


def test_dotted_state_name_is_a_subject():
    # "the U.K." ends with a period: still a state subject ("\b" after the dot would never match).
    text = "In London, the U.K. may amend its position on Storm Shadow strikes inside Russia."
    assert ("GB", "cross_border_strikes", "undecided") in triples(text)


def test_own_cue_before_an_unnamed_group():
    # The speaker's cue comes before the unnamed group ("Western countries"): the speaker's position stands.
    text = ("Mark Rutte stressed that Ukraine has the right to strike military targets in Russia, and that "
            "Western countries have set rules for the weapons.")
    assert ("NATO", "cross_border_strikes", "support") in triples(text)


def test_unnamed_group_alone_is_still_skipped():
    text = "Mark Rutte said that some allies want to lift the restrictions on strikes inside Russia."
    assert not triples(text)


def test_support_with_a_limit_is_one_conditional_record():
    # The same speaker backs it in general and with an explicit limit: one record, conditional.
    text = ("Emmanuel Macron backs Ukraine's right to strike targets in Russia with French missiles. "
            "Macron said Ukraine may strike Russian military sites only near the border.")
    got = triples(text)
    assert ("FR", "cross_border_strikes", "conditional") in got
    assert ("FR", "cross_border_strikes", "support") not in got


def test_states_listed_as_agents_of_one_position():
    # "neither by X, nor by Y": one record per state named, besides the speaker's own.
    text = ("Friedrich Merz said there are no range restrictions on weapons sent to Ukraine for strikes on Russia "
            "- not by us, neither by the Dutch, nor by the Americans.")
    got = triples(text)
    assert {("NL", "cross_border_strikes", "support"), ("US", "cross_border_strikes", "support")} <= got


def test_a_single_by_state_is_no_list():
    text = "Friedrich Merz said the restrictions on strikes inside Russia were set by the Americans."
    assert ("US", "cross_border_strikes", "support") not in triples(text)


def test_decision_reported_as_taken_by_unnamed_officials():
    # Unnamed officials of a state (actor_type other, the state's affiliation); "such a decision had
    # already been made" after a sentence about lifting the limits = support.
    text = ("The Netherlands is reviewing the limits on F-16 strikes inside Russia. "
            "A newspaper wrote, citing unnamed Dutch officials, that such a decision had already been made.")
    got = [s for s in tag_text(text, published=PUB) if s.actor_type.value == "other"]
    assert any(s.affiliation == "NL" and s.stance.value == "support" for s in got)


def test_no_decision_made_is_not_support():
    text = "Dick Schoof said no decision has been made on lifting the limits on strikes inside Russia."
    got = triples(text)
    assert ("NL", "cross_border_strikes", "support") not in got
    assert ("NL", "cross_border_strikes", "undecided") in got


def test_not_relevant_after_the_question_is_oppose():
    # "not relevant" dismisses the deployment raised in the previous sentence (issue from context).
    text = ("Allies discussed sending ground troops to Ukraine. "
            "\"It is not relevant at the moment,\" Norway's Prime Minister Jonas Gahr Støre told NRK.")
    assert ("NO", "trainer_deployment", "oppose") in triples(text)
