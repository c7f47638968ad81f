"""Deduplication: the same statement from several outlets becomes one with several sources."""
import pytest

from positions.data.dedup import dedupe, similar_quotes
from tests.conftest import frame

QUOTE = "Ukraine has the right to use British weapons to strike targets inside Russia"


@pytest.mark.parametrize("a,b,same", [
    (f"Cameron said “{QUOTE}”, in Kyiv.", f"“{QUOTE}”, Lord Cameron told Reuters.", True),
    ("Scholz said Germany will not send Taurus missiles.", "Scholz said Germany will not send Taurus missiles to Kyiv.", True),
    ("Scholz said Germany will not send Taurus missiles.", "Putin warned of serious consequences for Europe.", False),
])
def test_dedup_similar_quotes(a, b, same):
    assert similar_quotes(a, b) is same


def test_dedup_merges_two_outlets_keeps_both_sources():
    df = frame(
        {"actor": "David Cameron", "affiliation": "GB", "stance": "support", "statement_date": "2024-05-03",
         "evidence": f"Cameron said “{QUOTE}”.", "source_url": "https://a.example/1", "published": "2024-05-03"},
        {"actor": "David Cameron", "affiliation": "GB", "stance": "support", "statement_date": "2024-05-04",
         "evidence": f"“{QUOTE},” he told Reuters.", "source_url": "https://b.example/2", "published": "2024-05-05"},
    )
    out = dedupe(df)
    assert len(out) == 1
    assert [s["url"] for s in out.iloc[0]["sources"]] == ["https://a.example/1", "https://b.example/2"]
    assert out.iloc[0]["n_sources"] == 2 and len(out.iloc[0]["duplicate_ids"]) == 1


@pytest.mark.parametrize("change", [
    {"statement_date": "2024-05-20"},            # weeks apart: a new statement
    {"stance": "conditional"},                    # another stance
    {"actor": "Keir Starmer"},                    # another speaker
    {"evidence": "Cameron warned about Chinese drones in a separate interview."},  # unrelated words
])
def test_dedup_keeps_distinct_statements_apart(change):
    base = {"actor": "David Cameron", "affiliation": "GB", "stance": "support", "statement_date": "2024-05-03",
            "evidence": f"Cameron said “{QUOTE}”.", "source_url": "https://a.example/1"}
    other = {**base, "source_url": "https://b.example/2", **change}
    assert len(dedupe(frame(base, other))) == 2
