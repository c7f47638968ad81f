"""The optional OpenAI-compatible backend against a small fake server on 127.0.0.1 (invented text)."""
import json
from datetime import date

import pytest
from click.testing import CliRunner

from positions.cli import cli
from positions.tagger import llm
from positions.tagger.core import get_tagger
from tests.conftest import QuietHandler, local_http

TEXT = ("Officials met in the capital on Monday to discuss the war.\n"
        "Poland has ruled out sending troops to Ukraine, its prime minister said on Monday.\n"
        "The weather was mild.")
GOOD = "Poland has ruled out sending troops to Ukraine, its prime minister said on Monday."


class _Fake(QuietHandler):
    """Answers every chat completion with one valid record and three that must be dropped."""

    seen: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append((self.path, body))
        records = [
            {"actor": "Poland", "affiliation": "PL", "actor_type": "government", "issue": "trainer_deployment",
             "stance": "oppose", "statement_date": "2024-05-27", "evidence": GOOD},
            {"actor": "Poland", "affiliation": "PL", "actor_type": "government", "issue": "trainer_deployment",
             "stance": "support", "statement_date": None, "evidence": "Poland will send troops."},   # not in the text
            {"actor": "Poland", "affiliation": "PL", "actor_type": "government", "issue": "troops",
             "stance": "oppose", "statement_date": None, "evidence": GOOD},                         # unknown issue
            {"actor": "Poland", "affiliation": "Poland", "actor_type": "government", "issue": "trainer_deployment",
             "stance": "maybe", "statement_date": None, "evidence": GOOD},                          # bad labels
        ]
        answer = {"choices": [{"message": {"role": "assistant", "content": "```json\n" + json.dumps(records) + "\n```"}}]}
        self.reply(200, "application/json", json.dumps(answer).encode())


@pytest.fixture(name="fake_url")
def _fake_url():
    """Base URL of a fake OpenAI-compatible server on a free local port."""
    _Fake.seen = []
    with local_http(_Fake) as url:
        yield f"{url}/v1"


def test_llm_keeps_only_verbatim_valid_records(fake_url):
    recs, report = llm.tag(get_tagger(mode="rules"), TEXT, date(2024, 5, 30), fake_url, "fake-model")
    assert [(r.affiliation, r.issue.value, r.stance.value, r.evidence) for r in recs] == \
        [("PL", "trainer_deployment", "oppose", GOOD)]
    assert sorted(report.dropped) == ["evidence not an exact substring of the input", "issue 'troops'",
                                      "stance 'maybe'"]
    path, body = _Fake.seen[0]
    assert path == "/v1/chat/completions" and body["model"] == "fake-model"
    assert GOOD in body["messages"][1]["content"]
    assert "trainer_deployment" in body["messages"][0]["content"]


def test_llm_backend_from_the_command_line(fake_url, tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text(TEXT, encoding="utf-8")
    res = CliRunner().invoke(cli, ["tag", str(doc), "--published", "2024-05-30", "--backend", "openai-compatible",
                                   "--url", fake_url, "--model", "m"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert [(r["affiliation"], r["stance"]) for r in out] == [("PL", "oppose")]
    assert "dropped 3" in res.stderr


def test_llm_backend_needs_url_and_model(tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text(TEXT, encoding="utf-8")
    res = CliRunner().invoke(cli, ["tag", str(doc), "--backend", "openai-compatible"])
    assert res.exit_code == 2 and "--url and --model" in res.output
    ok = CliRunner().invoke(cli, ["tag", str(doc), "--published", "2024-05-30"])
    assert ok.exit_code == 0 and json.loads(ok.stdout)


def test_llm_unreachable_endpoint_is_one_line(tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text(TEXT, encoding="utf-8")
    res = CliRunner().invoke(cli, ["tag", str(doc), "--backend", "openai-compatible", "--url", "http://127.0.0.1:9/v1",
                                   "--model", "m"])
    assert res.exit_code == 2 and "no usable chat completion" in res.output


def test_llm_prompt_carries_the_codebook_conventions(fake_url):
    tagger = get_tagger(mode="rules")
    llm.tag(tagger, TEXT, date(2024, 5, 30), fake_url, "fake-model")
    system = _Fake.seen[0][1]["messages"][0]["content"]
    assert tagger.codebook.conventions
    for _, text in tagger.codebook.conventions:
        assert text in system


def _test_split_url(stem: str) -> str:
    """A URL whose hash puts its document in the test split."""
    from positions.tagger.corpus import split_of

    return next(u for k in range(1000) if split_of(u := f"https://example.org/{stem}-{k}") == "test")


def _coded(folder, doc_id: str, text: str, statements: list) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    (folder / f"{doc_id}.json").write_text(json.dumps({
        "doc_id": doc_id, "url": _test_split_url(doc_id), "outlet": "example.org", "published": "2024-05-30",
        "statements": statements}), encoding="utf-8")


def test_evaluate_scores_an_endpoint_on_the_test_split(fake_url, tmp_path):
    docs = tmp_path / "corpus" / "docs"
    _coded(docs, "pl", TEXT, [{"actor": "Poland", "affiliation": "PL", "actor_type": "government",
                               "issue": "trainer_deployment", "stance": "oppose", "also_ok": [],
                               "statement_date": "2024-05-27", "evidence": GOOD}])
    other = "Officials met on Monday.\nSpain has ruled out sending troops to Ukraine, its prime minister said."
    _coded(docs, "es", other, [{"actor": "Spain", "affiliation": "ES", "actor_type": "government",
                                "issue": "trainer_deployment", "stance": "oppose", "also_ok": [],
                                "statement_date": None, "evidence": other.splitlines()[1]}])
    out = tmp_path / "report.txt"
    res = CliRunner().invoke(cli, ["evaluate", "--corpus", str(tmp_path / "corpus"), "--dev", str(tmp_path / "none"),
                                   "--backend", "openai-compatible", "--url", fake_url, "--model", "m",
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    report = out.read_text(encoding="utf-8")
    assert report == res.stdout
    assert "## Test split (2 documents)" in report and "dev" not in report.split("## Test split")[1]
    # The Polish record is right (and rightly dated); the endpoint's records for the Spanish text quote
    # the Polish sentence, so they are all dropped and Spain is missed.
    assert "tp=1 fp=0 fn=1 precision=1.000 recall=0.500 f1=0.667 date_accuracy=1.000" in report
    assert "dropped 7; evidence not an exact substring of the input: 3;" in report
    assert "2/2 documents" in res.stderr
    assert all(body["model"] == "m" for _, body in _Fake.seen)


def test_evaluate_with_an_endpoint_needs_url_and_model(tmp_path):
    res = CliRunner().invoke(cli, ["evaluate", "--corpus", str(tmp_path), "--backend", "openai-compatible",
                                   "--model", "m"])
    assert res.exit_code == 2 and "--url and --model" in res.output
