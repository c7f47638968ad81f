"""Tagger: cue families, attribution patterns, dates, bad input, seed end-to-end, dev regression.

Sentences here are written for the tests (not copied from any corpus).
"""
import json
import subprocess
import sys
from datetime import date

import pytest

from positions.tagger import tag_text
from positions.tagger.core import get_tagger
from positions.tagger.text import sentences

from .conftest import DEV_CORPUS, ROOT, SEED_TXT
from tests.conftest import tagged_triples

PUB = date(2024, 5, 30)  # a Thursday


def triples(text, published=PUB):
    return tagged_triples(text, published)


@pytest.mark.parametrize("text, expected", [
    # issue cues + stance families
    ("Antony Blinken said Ukraine has the right to strike military targets inside Russia.",
     ("US", "cross_border_strikes", "support")),
    ("Olaf Scholz said Ukraine may use German weapons to strike military targets in Russia only near the border.",
     ("DE", "cross_border_strikes", "conditional")),
    ("Emmanuel Macron said nothing should be ruled out when it comes to sending trainers to Ukraine.",
     ("FR", "trainer_deployment", "undecided")),
    ("Giorgia Meloni said Italy will never send troops to Ukraine.",
     ("IT", "trainer_deployment", "oppose")),
    ("Dmitry Peskov warned that strikes with Western missiles inside Russia would be met with retaliation.",
     ("RU", "cross_border_strikes", "oppose")),
    ("Jens Stoltenberg urged allies to lift the restrictions on using Western weapons against targets in Russia.",
     ("NATO", "cross_border_strikes", "support")),
    ("Kajsa Ollongren said the Netherlands would not stop Ukraine from using its F-16s to strike targets in Russia.",
     ("NL", "cross_border_strikes", "support")),
    ("John Kirby said there is no change to our policy on long-range strikes inside Russia for now.",
     ("US", "cross_border_strikes", "undecided")),
    ("Rishi Sunak said British missiles should only be used inside Ukrainian territory.",
     ("GB", "cross_border_strikes", "oppose")),
])
def test_tagger_cue_families(text, expected):
    assert expected in triples(text)


@pytest.mark.parametrize("text, expected", [
    # X said / said X / according to X / X told reporters / X warned
    ("Jan Lipavsky said Ukraine has the right to hit military targets in Russia with Czech weapons.", "CZ"),
    ("“Ukraine has the right to strike targets in Russia with our weapons,” said Jan Lipavsky.", "CZ"),
    ("Ukraine has the right to strike targets in Russia with our weapons, according to Jan Lipavsky.", "CZ"),
    ("Jan Lipavsky told reporters that Ukraine has the right to strike targets in Russia with our weapons.", "CZ"),
    # machine-paraphrased synonyms
    ("Jan Lipavsky mentioned that Ukraine has the right to strike targets in Russia with our weapons.", "CZ"),
    ("Jan Lipavsky instructed reporters that Ukraine has the right to strike targets in Russia with our weapons.", "CZ"),
    # titles resolved through the registry on the date
    ("Germany's chancellor said Ukraine has the right to strike targets in Russia with German weapons.", "DE"),
    ("The Czech Foreign Minister said Ukraine has the right to strike targets in Russia with our weapons.", "CZ"),
    ("The Dutch Defence Minister said Ukraine has the right to strike targets in Russia with Dutch jets.", "NL"),
])
def test_tagger_attribution_patterns(text, expected):
    assert (expected, "cross_border_strikes", "support") in triples(text)


def test_tagger_quote_closed_by_pronoun_carries_last_speaker():
    text = ("Olaf Scholz spoke in Berlin on Monday.\n“Ukraine has the right to strike targets in Russia with our "
            "weapons,” he said.")
    assert ("DE", "cross_border_strikes", "support") in triples(text)


def test_tagger_countries_as_actors_yield_two_records():
    text = "Canada and Finland signalled support for letting Ukraine strike military targets in Russia with their weapons."
    got = triples(text)
    assert {("CA", "cross_border_strikes", "support"), ("FI", "cross_border_strikes", "support")} <= got


def test_tagger_anonymous_officials_are_other():
    recs = tag_text("French officials said they are considering sending military trainers to Ukraine.", published=PUB)
    assert [(r.affiliation, r.actor_type.value, r.stance.value) for r in recs] == [("FR", "other", "undecided")]


@pytest.mark.parametrize("text", [
    "Ukraine must be allowed to strike military targets in Russia with Western weapons.",   # journalist's own words
    "Ukrainian drones struck an oil refinery in Russia on Saturday, a source said.",          # out of scope
    "Jan Lipavsky said strikes on Crimea with Western missiles are legitimate.",              # occupied land
])
def test_tagger_no_record(text):
    assert triples(text) == set()


@pytest.mark.parametrize("phrase, expected", [
    ("on Tuesday", date(2024, 5, 28)),
    ("on Thursday", date(2024, 5, 30)),     # publication day itself
    ("yesterday", date(2024, 5, 29)),
    ("last week", date(2024, 5, 20)),
    ("this month", date(2024, 5, 1)),
    ("in February", date(2024, 2, 1)),
    ("in November", date(2023, 11, 1)),     # latest November on or before publication
    ("on 28 May", date(2024, 5, 28)),
    ("on Sept. 13, 2023", date(2023, 9, 13)),
    ("", None),
])
def test_tagger_date_resolution(phrase, expected):
    rules = get_tagger().rules.dates
    assert rules.resolve(f"Jan Lipavsky said {phrase} that it was fine.", PUB)[0] == expected


def test_tagger_sentence_split_keeps_abbreviations():
    text = "Gen. Charles Brown spoke in the U.S. Capitol. He left."
    assert [text[a:b] for a, b in sentences(text, get_tagger().rules.abbreviations)] == \
        ["Gen. Charles Brown spoke in the U.S. Capitol.", "He left."]


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "positions", *args], capture_output=True, text=True, cwd=ROOT,
                          input=stdin)


def test_tagger_cli_many_files_jsonl_and_html(tmp_path):
    (tmp_path / "a.txt").write_text("Jan Lipavsky said Ukraine has the right to strike targets in Russia with our weapons.\n")
    (tmp_path / "b.html").write_text("<html><body><article><p>Giorgia Meloni said Italy will never send troops to "
                                     "Ukraine, officials confirmed after the meeting in Rome today.</p></article></body></html>")
    out = run("tag", str(tmp_path), "--published", "2024-05-30", "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    recs = [json.loads(line) for line in out.stdout.splitlines()]
    assert {(r["affiliation"], r["stance"]) for r in recs} >= {("CZ", "support")}
    for r in recs:
        assert r["cues"] and r["evidence_end"] > r["evidence_start"]


def test_tagger_cli_empty_and_bad_published(tmp_path):
    empty = tmp_path / "e.txt"
    empty.write_text("")
    out = run("tag", str(empty))
    assert out.returncode == 0 and json.loads(out.stdout) == []
    out = run("tag", str(empty), "--published", "yesterday")
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1


def test_tagger_chunked_reader_offsets(tmp_path):
    from positions.tagger.io import iter_chunks
    text = "".join(f"Line {i} of the file.\n" for i in range(5000))
    p = tmp_path / "big.txt"
    p.write_text(text)
    pieces = list(iter_chunks(p, chunk_bytes=4096))
    assert len(pieces) > 10
    assert all(text[o:o + len(t)] == t for o, t in pieces)


@pytest.mark.skipif(not SEED_TXT.exists(), reason="dev corpus not present")
def test_tagger_seed_article_end_to_end():
    text = SEED_TXT.read_text(encoding="utf-8")
    recs = tag_text(text, published=PUB)
    got = {(r.affiliation, r.issue.value, r.stance.value) for r in recs}
    assert ("CZ", "cross_border_strikes", "support") in got
    assert ("RU", "cross_border_strikes", "oppose") in got
    for r in recs:
        assert text[r.evidence_start:r.evidence_end] == r.evidence


@pytest.mark.skipif(not DEV_CORPUS.exists(), reason="dev corpus not present")
def test_tagger_dev_corpus_regression():
    from positions.tagger.bench import score_dev
    fig, _ = score_dev(DEV_CORPUS)
    assert fig["f1"] >= 0.90 and fig["evidence_valid"] == 1.0 and fig["date_accuracy"] >= 0.90
