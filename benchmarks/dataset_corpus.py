#!/usr/bin/env python3
"""Turn the bundled dataset (data/) into a gold corpus that ../shared/eval/score.py reads.

For every document in data/documents.csv with a text in data/documents/<doc_id>.txt, writes
<doc_id>.txt (the text as is) and <doc_id>.json ({"doc_id", "url", "title", "published",
"language", "statements": [...]}) to OUT; statements are the rows of data/statements.csv whose
source_url is the document's url (also_ok is empty: the dataset codes one stance per row).

Documents that are not in English are skipped unless --all-languages (the dataset has a few;
the tagger's lexicons are English). The language test is a share of common English words.

Caveat: the dataset's coders did not annotate every position in a document, so some "false
positives" against it are correct under the codebook; read the FP list with that in mind.

Usage (from the project root):
    python benchmarks/dataset_corpus.py /tmp/dataset-corpus
    python ../shared/eval/score.py /tmp/dataset-corpus -v
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
_EN = {"the", "and", "of", "to", "in", "is", "that", "for", "on", "with", "said", "was", "it", "by", "as", "at",
       "be", "has", "have", "from", "not", "are", "this", "will", "would", "its", "an", "a"}
_WORD = re.compile(r"[^\W\d_]+")


def english_share(text: str) -> float:
    """Share of words (first 400) that are common English function words."""
    words = [w.lower() for w in _WORD.findall(text[:4000])][:400]
    return sum(w in _EN for w in words) / len(words) if words else 0.0


def build(out: Path, data: Path = DATA, all_languages: bool = False, min_english: float = 0.15) -> dict:
    docs = list(csv.DictReader((data / "documents.csv").open(encoding="utf-8")))
    by_url = defaultdict(list)
    for row in csv.DictReader((data / "statements.csv").open(encoding="utf-8")):
        by_url[row["source_url"]].append(row)
    out.mkdir(parents=True, exist_ok=True)
    written = skipped_lang = missing = statements = 0
    for d in docs:
        src = data / "documents" / f"{d['doc_id']}.txt"
        if not src.exists():
            missing += 1
            continue
        text = src.read_text(encoding="utf-8")
        share = english_share(text)
        lang = "en" if share >= min_english else "other"
        if lang != "en" and not all_languages:
            skipped_lang += 1
            continue
        gold = [{
            "actor": r["actor"], "affiliation": r["affiliation"], "actor_type": r["actor_type"],
            "issue": r["issue"], "stance": r["stance"], "also_ok": [],
            "statement_date": r["statement_date"] or None, "evidence": r["evidence"],
        } for r in by_url.get(d["url"], [])]
        statements += len(gold)
        shutil.copyfile(src, out / src.name)
        meta = {"doc_id": d["doc_id"], "url": d["url"], "title": d["title"], "published": d["published"],
                "language": lang, "statements": gold}
        (out / f"{d['doc_id']}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        written += 1
    return {"documents": written, "statements": statements, "skipped_not_english": skipped_lang,
            "missing_text": missing}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", nargs="?", help="output folder (default: a new temporary folder)")
    ap.add_argument("--all-languages", action="store_true", help="keep documents that are not in English")
    ap.add_argument("--data", default=str(DATA), help="the dataset folder (documents.csv, statements.csv, documents/)")
    a = ap.parse_args(argv)
    out = Path(a.out) if a.out else Path(tempfile.mkdtemp(prefix="dataset-corpus-"))
    fig = build(out, Path(a.data), a.all_languages)
    print(f"{out}: " + " ".join(f"{k}={v}" for k, v in fig.items()), file=sys.stderr)
    print(out)


if __name__ == "__main__":
    main()
