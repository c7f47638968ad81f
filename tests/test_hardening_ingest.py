"""Issue 15: ingest reads HTML as article text, recognises documents by content, skips coded ones."""
from __future__ import annotations

import shutil

from positions.data import store
from tests.conftest import invoke, make_statement

ARTICLE = ("<html><head><title>Talks</title><script>var tracking = 'x';</script><style>p{color:red}</style></head>"
           "<body><nav>Home | World | Sport</nav><article><h1>Allies weigh options</h1>"
           "<p>British Foreign Secretary David Cameron said on Thursday that Ukraine has the right to use British "
           "weapons to strike targets inside Russia.</p><p>Invented filler so the page has an article body of "
           "some length, as a real news page would have around its main story.</p></article>"
           "<footer>Cookie settings</footer></body></html>")


def ingest(tmp_path, folder, *extra):
    return invoke("ingest", str(folder), "--documents", str(tmp_path / "documents.csv"), "--out",
                  str(tmp_path / "s.csv"), "--data", str(tmp_path / "d.csv"), *extra)


def setup(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a1.html").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "documents.csv").write_text("doc_id,url,title,published,publisher\n"
                                            "a1,https://example.test/a1,Talks,2024-05-03,Example\n"
                                            "a2,https://example.test/a2,Copy,2024-05-03,Example\n", encoding="utf-8")
    return docs


def test_ingest_html_evidence_is_article_text_not_markup(tmp_path):
    out = ingest(tmp_path, setup(tmp_path))
    assert out.exit_code == 0, out.output
    rows = store.load_statements(tmp_path / "s.csv")
    assert rows and all("<" not in r.evidence and "tracking" not in r.evidence for r in rows)
    assert any("Cameron" in r.evidence for r in rows)


def test_ingest_recognises_documents_already_ingested_by_content(tmp_path):
    docs = setup(tmp_path)
    first = ingest(tmp_path, docs)
    n = len(store.load_statements(tmp_path / "s.csv"))
    shutil.copy(docs / "a1.html", docs / "a2.html")  # the same page under a new name and URL
    again = ingest(tmp_path, docs)
    assert first.exit_code == again.exit_code == 0
    assert again.stdout.startswith("0 new suggestions from 0 documents") and "2 already ingested" in again.stdout
    assert len(store.load_statements(tmp_path / "s.csv")) == n


def test_ingest_skips_documents_already_coded_in_the_data(tmp_path):
    docs = setup(tmp_path)
    store.save_statements([make_statement(source_url="https://example.test/a1")], tmp_path / "d.csv")
    out = ingest(tmp_path, docs)
    assert out.exit_code == 0 and "1 already ingested or coded" in out.stdout
    assert store.load_statements(tmp_path / "s.csv") == []
