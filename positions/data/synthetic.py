"""Synthetic statements for benchmarks (never the default data).

    python -m positions.data.synthetic 100000 benchmarks/out/synthetic-100k.csv

Writes a CSV with the columns of data/statements.csv: registry states and their office
holders make statements on both issues from 2022-02-24 to 2025-12-31, each state's stance
drifting as a random walk (with walk-backs), mixed origins, statuses, confidences and undated
rows. Deterministic for a given seed. Quotes and URLs are obviously synthetic.
"""
from __future__ import annotations

import argparse
import csv
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from positions.reference import registry as registry_mod
from positions.model import CSV_COLUMNS, Issue, statement_id

STANCES = ["oppose", "undecided", "conditional", "support"]
VOCABULARY = [a + b for a in ("al", "ber", "cor", "dun", "em", "fal", "gir", "hol", "ist", "jor", "kel", "lum",
                              "mor", "nat", "ost", "pra", "quin", "ros", "sal", "tor")
              for b in ("ba", "de", "fi", "go", "hu", "ka", "le", "mo", "nu", "pi", "ra", "se", "ti", "vo", "za")]
START, END = date(2022, 2, 24), date(2025, 12, 31)


def generate(n: int, seed: int = 7, reg=None) -> list[dict]:
    """`n` synthetic statement records (dicts of CSV cells)."""
    reg = reg or registry_mod.load()
    rng = np.random.default_rng(seed)
    states = sorted(reg.states)
    speakers: dict[str, list[tuple[str, str, str]]] = {s: [] for s in states}
    for p in reg.people.values():
        for r in p.roles:
            if r.affiliation in speakers and r.kind in registry_mod.GOVERNMENT_KINDS:
                speakers[r.affiliation].append((p.name, p.id, r.title))
    span = (END - START).days
    issues = [i.value for i in Issue]
    # Each state leans somewhere per issue and drifts from statement to statement.
    lean = {(s, i): rng.integers(0, 4) for s in states for i in issues}
    weights = rng.pareto(1.2, len(states)) + 0.2
    weights = weights / weights.sum()
    state_idx = rng.choice(len(states), size=n, p=weights)
    days = np.sort(rng.integers(0, span + 1, size=n))
    issue_idx = rng.integers(0, len(issues), size=n)
    drift = rng.choice([-1, 0, 0, 0, 0, 1], size=n)
    conf = np.round(rng.beta(5, 1.5, size=n), 2)
    undated = rng.random(n) < 0.1
    origin = rng.choice(["tagged", "reviewed", "manual"], size=n, p=[0.6, 0.3, 0.1])
    status = rng.choice(["accepted", "suggested", "rejected"], size=n, p=[0.85, 0.1, 0.05])
    out = []
    for k in range(n):
        code = states[state_idx[k]]
        issue = issues[issue_idx[k]]
        cur = int(np.clip(lean[(code, issue)] + drift[k], 0, 3))
        lean[(code, issue)] = cur
        stance = STANCES[cur]
        day = START + timedelta(days=int(days[k]))
        options = speakers[code]
        if options and rng.random() < 0.8:
            actor, actor_id, role = options[int(rng.integers(0, len(options)))]
        else:
            actor, actor_id, role = reg.name_of(code), code, ""
        # Distinct wording per statement, so the outlets-merging step keeps every one of them.
        words = " ".join(VOCABULARY[int(i)] for i in rng.integers(0, len(VOCABULARY), size=14))
        evidence = f"[synthetic #{k}] {actor}: {words} ({stance})."
        url = f"https://example.org/synthetic/{k}"
        out.append({
            "id": statement_id(url, actor, issue, evidence), "actor": actor, "actor_id": actor_id,
            "affiliation": code, "actor_type": "government", "role": role, "issue": issue, "stance": stance,
            "statement_date": "" if undated[k] else day.isoformat(), "evidence": evidence, "source_url": url,
            "source_title": f"Synthetic wire story {k}", "published": (day + timedelta(days=1)).isoformat(),
            "confidence": f"{max(conf[k], 0.3):.2f}", "origin": origin[k], "status": status[k],
            "note": "synthetic benchmark data",
        })
    return out


def write(records: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Write synthetic statements for benchmarks.")
    ap.add_argument("n", type=int, help="number of statements, e.g. 100000")
    ap.add_argument("out", type=Path, help="CSV path, e.g. benchmarks/out/synthetic-100k.csv")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    write(generate(args.n, args.seed), args.out)
    print(f"wrote {args.n} statements to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
