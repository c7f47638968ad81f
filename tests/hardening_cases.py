"""Generated bad inputs for the hardening battery (issue 15): CSV files, CLI arguments, uploads
and dashboard URL parameters. Every sentence here is invented."""
from __future__ import annotations

import random
from pathlib import Path

from positions.data import store
from positions.model import CSV_COLUMNS, Statement

XSS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)",
       "\"><svg onload=alert(1)>", "{{7*7}}", "'; DROP TABLE statements; --"]
FORMULAS = ["=1+1", "=HYPERLINK(\"http://x.test\",\"y\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]
BAD_DATES = ["2024-13-01", "2024-02-30", "0001-01-01", "9999-12-31", "1989-12-31", "2101-01-01", "yesterday",
             "24-05-01", "2024/05/01", "2024-05-01T10:00", " ", "1e9"]


def sample_statements(n: int = 12) -> list[Statement]:
    """Valid statements by registered speakers (invented quotes), for a scratch data folder."""
    speakers = [("Olaf Scholz", "DE", "2024-05-0{}"), ("Emmanuel Macron", "FR", "2024-06-0{}"),
                ("Donald Tusk", "PL", "2024-07-0{}")]
    out = []
    for i in range(n):
        actor, aff, day = speakers[i % 3]
        out.append(Statement(actor=actor, affiliation=aff, actor_type="government",
                             issue=("cross_border_strikes", "trainer_deployment")[i % 2],
                             stance=("support", "oppose", "conditional", "undecided")[i % 4],
                             statement_date=day.format(1 + i % 9), evidence=f"Invented remark number {i} on the matter.",
                             source_url=f"https://example.test/article-{i}", published=day.format(1 + i % 9)))
    return out


def write_folder(folder: Path, n: int = 12) -> dict[str, Path]:
    """A scratch data folder: statements (with manifest), suggestions, documents list, one document."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = sample_statements(n + 6)
    store.save_statements(rows[:n], folder / "statements.csv")
    sugg = [Statement(**{**r.to_record(), "status": "suggested", "origin": "tagged", "confidence": 0.7,
                         "cues": (), "evidence_start": None, "evidence_end": None}) for r in rows[n:]]
    store.save_statements(sugg, folder / "suggestions.csv")
    (folder / "documents.csv").write_text("doc_id,url,title,published,publisher\n", encoding="utf-8")
    docs = folder / "documents"
    docs.mkdir(exist_ok=True)
    return {"data": folder / "statements.csv", "suggestions": folder / "suggestions.csv",
            "documents": folder / "documents.csv", "log": folder / "review-log.jsonl"}


def csv_variants(good: bytes, seed: int = 15) -> list[tuple[str, bytes]]:
    """(name, bytes) of broken statements CSVs made from a good one."""
    rnd = random.Random(seed)
    text = good.decode("utf-8")
    header, *rows = text.splitlines(keepends=True)
    cols = header.rstrip("\n").split(",")
    out: list[tuple[str, bytes]] = [("empty", b""), ("blank-lines", b"\n\n\n"), ("header-only-no-newline", header.rstrip("\n").encode()),
                                    ("binary", bytes(rnd.randrange(256) for _ in range(4096)) + b"\x00"),
                                    ("nul-in-text", good[:300] + b"\x00" + good[300:]),
                                    ("latin1", (text.replace("Invented", "Invént")).encode("latin-1")),
                                    ("utf16-no-bom", text.encode("utf-16-le")),
                                    ("html-with-script", b"<html><head><script>alert(1)</script></head><body>x</body></html>\n"),
                                    ("json", b'{"id": 1}\n'), ("unclosed-quote", (header + rows[0].replace(",Invented", ',"Invented', 1)).encode())]
    for cut in sorted(rnd.sample(range(len(header) + 1, len(good) - 1), 40)):
        out.append((f"truncated-at-{cut}", good[:cut]))
    for c in ["actor", "affiliation", "actor_type", "issue", "stance", "statement_date", "evidence"]:
        i = cols.index(c)
        drop = lambda line: ",".join(v for j, v in enumerate(line.rstrip("\n").split(",")) if j != i) + "\n"
        out.append((f"missing-column-{c}", (",".join(x for x in cols if x != c) + "\n" + "".join(rows)).encode()))
        out.append((f"short-rows-{c}", (header + "".join(drop(r) for r in rows[:3])).encode()))
    out.append(("extra-column", (header.rstrip("\n") + ",secret\n" + "".join(r.rstrip("\n") + ",x\n" for r in rows)).encode()))
    out.append(("extra-values", (header + rows[0].rstrip("\n") + ",x,y\n").encode()))
    swapped = cols[:]
    swapped[1], swapped[3] = swapped[3], swapped[1]
    out.append(("reordered-header", (",".join(swapped) + "\n" + "".join(rows)).encode()))
    for c in ["issue", "stance", "actor"]:
        out.append((f"duplicated-column-{c}", (header.rstrip("\n") + f",{c}\n" + "".join(r.rstrip("\n") + ",x\n" for r in rows)).encode()))
    def replace_cell(column: str, value: str) -> bytes:
        import csv
        import io
        recs = list(csv.DictReader(io.StringIO(text)))
        recs[1][column] = value
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(recs)
        return buf.getvalue().encode()
    for d in BAD_DATES:
        out.append((f"bad-statement-date-{d}", replace_cell("statement_date", d)))
        out.append((f"bad-published-{d}", replace_cell("published", d)))
    for col, values in {"issue": ["strikes", "", "CROSS_BORDER_STRIKES"], "stance": ["maybe", "", "Support"],
                        "affiliation": ["XX", "de", "", "Germany"], "actor_type": ["king", ""],
                        "confidence": ["1.5", "-0.1", "nan", "high"], "origin": ["robot"], "status": ["pending"],
                        "actor_id": ["no-such-person"], "actor": ["", "Nobody Atall"], "evidence": ["", "   "],
                        "source_url": ["ftp://x.test/a", "javascript:alert(1)"]}.items():
        for v in values:
            out.append((f"bad-{col}-{v or 'empty'}", replace_cell(col, v)))
    for f in FORMULAS:
        out.append((f"formula-in-affiliation-{f[:6]}", replace_cell("affiliation", f)))
        out.append((f"formula-in-issue-{f[:6]}", replace_cell("issue", f)))
    for x in XSS:
        out.append((f"xss-in-stance-{x[:8]}", replace_cell("stance", x)))
    out.append(("huge-cell", replace_cell("evidence", "y" * (1 << 20 + 1))))
    out.append(("huge-cell-note", replace_cell("note", "z" * ((1 << 20) + 10))))
    dup = text + rows[0]
    out.append(("duplicate-id", dup.encode()))
    first = rows[0].split(",", 1)[1]
    out.append(("duplicate-content-new-id", (text + "ffffffffffffffff," + first).encode()))
    return out
