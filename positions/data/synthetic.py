"""Synthetic statements for benchmarks and scale tests (never the bundled data).

    python -m positions.data.synthetic 100000 benchmarks/out/synthetic-100k.csv
    python -m positions.data.synthetic 1000000 benchmarks/out/synthetic-1m.parquet --format parquet

Realistic in shape at 1k / 100k / 1M rows: the registry's office holders (hundreds of actors,
each speaking only while in office), states named as a whole, and opposition figures (actor_type
other) speak on both issues from 2022-02-24 to 2025-12-31. Each state has a policy line per issue
that moves a few times in those years, one step at a time (walk-backs included), however many
rows are asked for: its government speaks to the line; opposition figures and relayed claims
(which never set a position) often say something else. Some dates are weeks, months, quarters or years, some rows
are undated, summaries, relayed claims or past positions; about one statement in ten is reported
by two to four outlets (the same quote and date, different source), which `dedup` merges.
Deterministic for a seed. Quotes and URLs are obviously synthetic. Writes the CSV store, or the
same columns as Parquet; refuses to write into the bundled data folder.
"""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from positions.errors import InputError
from positions.model import CSV_COLUMNS, Issue
from positions.paths import DATA_DIR
from positions.reference import registry as registry_mod

VERSION = 2  # bump when the same seed makes different rows (benchmark files are named by it)
STANCES = ["oppose", "undecided", "conditional", "support"]  # a policy line moves one place at a time
# 3000 invented words: two different statements share few of them, as real quotes do.
VOCABULARY = np.array([a + b + c for a in ("al", "ber", "cor", "dun", "em", "fal", "gir", "hol", "ist", "jor", "kel",
                                           "lum", "mor", "nat", "ost", "pra", "quin", "ros", "sal", "tor")
                       for b in ("ba", "de", "fi", "go", "hu", "ka", "le", "mo", "nu", "pi", "ra", "se", "ti", "vo",
                                 "za")
                       for c in ("n", "s", "t", "r", "l", "m", "k", "x", "ch", "th")])
OUTLETS = ["wire.example.org", "daily.example.com", "gov.example.net", "mirror.example.info", "tv.example.org",
           "statemedia.example.ru"]
START, END = date(2022, 2, 24), date(2025, 12, 31)
DUPLICATE_SHARE = 0.1  # statements reported by more than one outlet
LINE_CHANGES, MAX_CHANGES = 3, 8  # a state's line on an issue moves about 3 times in the period
OFF_LINE = 0.4  # share of opposition statements and relayed claims that say something else
FORMATS = ("csv", "parquet")


def speakers(reg) -> pd.DataFrame:
    """Everyone who may speak: office holders with their terms, states as a whole, opposition figures."""
    rows = []
    for p in reg.people.values():
        for r in p.roles:
            if r.affiliation not in reg.states:
                continue
            gov = r.kind in registry_mod.GOVERNMENT_KINDS
            rows.append((r.affiliation, p.name, p.id, r.title, "government" if gov else "other",
                         r.start or START, r.end or END))
    for code in reg.states:
        rows.append((code, reg.name_of(code), code, "", "government", START, END))
    out = pd.DataFrame(rows, columns=["state", "actor", "actor_id", "role", "actor_type", "start", "end"])
    for col in ("start", "end"):
        out[col] = pd.to_datetime(out[col])
    return out


def _lines(rng, n_states: int, n_issues: int, span: int) -> tuple[np.ndarray, np.ndarray]:
    """Each (state, issue)'s policy line: change days (sorted, day numbers from START, padded with
    span + 1) and the stance index from each change on (column 0: the starting stance)."""
    k = 1 + rng.poisson(LINE_CHANGES - 1, size=(n_states, n_issues)).clip(max=MAX_CHANGES - 1)
    days = np.sort(rng.integers(1, span + 1, size=(n_states, n_issues, MAX_CHANGES)), axis=2)
    days[np.arange(MAX_CHANGES)[None, None, :] >= k[..., None]] = span + 1
    days = np.sort(days, axis=2)
    stance = np.empty((n_states, n_issues, MAX_CHANGES + 1), dtype=np.int64)
    stance[..., 0] = rng.integers(0, 4, size=(n_states, n_issues))
    for j in range(MAX_CHANGES):  # one step up or down; at an end, the only way it can go
        step = rng.choice([-1, 1], size=(n_states, n_issues))
        prev = stance[..., j]
        step = np.where(prev + step < 0, 1, np.where(prev + step > 3, -1, step))
        stance[..., j + 1] = prev + step
    return days, stance


def _on_line(days_of: np.ndarray, stance_of: np.ndarray, state_idx, issue_idx, day_num) -> np.ndarray:
    """The line's stance index on each row's day."""
    out = np.empty(len(day_num), dtype=np.int64)
    for s, i in set(zip(state_idx.tolist(), issue_idx.tolist())):
        rows = np.flatnonzero((state_idx == s) & (issue_idx == i))
        out[rows] = stance_of[s, i][np.searchsorted(days_of[s, i], day_num[rows], side="right")]
    return out


def _pick_speakers(rng, who: pd.DataFrame, state_idx, days, states) -> np.ndarray:
    """For each row, a speaker of its state in office that day (the state itself when none is)."""
    out = np.empty(len(days), dtype=np.int64)
    for s, code in enumerate(states):
        rows = np.flatnonzero(state_idx == s)
        if not len(rows):
            continue
        cand = who.index[who["state"] == code].to_numpy()
        start = who.loc[cand, "start"].to_numpy()
        end = who.loc[cand, "end"].to_numpy()
        day = days[rows]
        live = (start[None, :] <= day[:, None]) & (day[:, None] <= end[None, :])
        # Office holders speak far more often than the state named as a whole or the opposition.
        weight = np.where(who.loc[cand, "role"].to_numpy() == "", 0.3, 1.0)
        weight = np.where(who.loc[cand, "actor_type"].to_numpy() == "other", 0.15, weight)
        score = np.where(live, rng.random((len(rows), len(cand))) ** (1 / weight), -1.0)
        out[rows] = cand[score.argmax(axis=1)]
    return out


def generate(n: int, seed: int = 7, reg=None) -> pd.DataFrame:
    """`n` synthetic statement rows with the CSV columns, all cells as strings ('' = empty)."""
    reg = reg or registry_mod.load()
    rng = np.random.default_rng(seed)
    states = sorted(c for c in reg.states)
    who = speakers(reg)
    issues = [i.value for i in Issue]
    # Duplicates: each of `m` statements has 1..4 reports; together they make exactly n rows.
    extra = rng.choice([1, 2, 3], size=n, p=[0.6, 0.3, 0.1]) * (rng.random(n) < DUPLICATE_SHARE)
    reports = 1 + extra
    m = int(np.searchsorted(np.cumsum(reports), n)) + 1
    reports = reports[:m]
    reports[-1] -= int(reports.sum()) - n
    weights = rng.lognormal(0.0, 1.0, len(states))  # a few states speak far more, none most of the time
    state_idx = rng.choice(len(states), size=m, p=weights / weights.sum())
    span = (END - START).days
    days = pd.Timestamp(START).to_datetime64() + np.sort(rng.integers(0, span + 1, size=m)).astype("timedelta64[D]")
    issue_idx = rng.integers(0, len(issues), size=m)
    day_num = (days - pd.Timestamp(START).to_datetime64()).astype("timedelta64[D]").astype(np.int64)
    line = _on_line(*_lines(rng, len(states), len(issues), span), state_idx, issue_idx, day_num)
    speaker = who.loc[_pick_speakers(rng, who, state_idx, days, states)].reset_index(drop=True)
    attribution = rng.choice(["direct", "summary", "relayed", "past"], size=m, p=[0.8, 0.1, 0.06, 0.04])
    off = ((speaker["actor_type"].to_numpy() == "other") | (attribution == "relayed")) & (rng.random(m) < OFF_LINE)
    stance = np.array(STANCES)[np.where(off, rng.integers(0, 4, size=m), line)]
    words = VOCABULARY[rng.integers(0, len(VOCABULARY), size=(m, 12))]
    text = pd.Series([" ".join(w) for w in words.tolist()])
    base = pd.DataFrame({
        "k": np.arange(m).astype(str), "actor": speaker["actor"], "actor_id": speaker["actor_id"],
        "affiliation": np.array(states)[state_idx], "actor_type": speaker["actor_type"], "role": speaker["role"],
        "issue": np.array(issues)[issue_idx], "stance": stance, "day": days,
        "precision": rng.choice(["day", "week", "month", "quarter", "year"], size=m, p=[0.86, 0.04, 0.06, 0.02, 0.02]),
        "undated": rng.random(m) < 0.1,
        "attribution": attribution,
        "confidence": np.maximum(np.round(rng.beta(5, 1.5, size=m), 2), 0.3),
        "origin": rng.choice(["tagged", "reviewed", "manual"], size=m, p=[0.6, 0.3, 0.1]),
        "status": rng.choice(["accepted", "suggested", "rejected"], size=m, p=[0.85, 0.1, 0.05]),
    })
    base["evidence"] = "[synthetic #" + base["k"] + "] " + text + "."
    return _reports(base, reports, rng)


def _reports(base: pd.DataFrame, reports: np.ndarray, rng) -> pd.DataFrame:
    """One row per outlet report of each statement (same quote and date, own URL and publication day)."""
    rows = base.loc[base.index.repeat(reports)].reset_index(drop=True)
    nth = rows.groupby("k", sort=False).cumcount().to_numpy()
    outlet = (rng.integers(0, len(OUTLETS), size=len(rows)) + nth) % len(OUTLETS)
    url = "https://" + pd.Series(np.array(OUTLETS)[outlet]) + "/synthetic/" + rows["k"] + "-" + pd.Series(nth).astype(str)
    published = rows["day"] + pd.to_timedelta(1 + nth + rng.integers(0, 2, size=len(rows)), unit="D")
    dated = ~rows["undated"]
    from positions.model import statement_id  # the store's id rule: source + actor + issue + evidence

    out = pd.DataFrame({
        "actor": rows["actor"], "actor_id": rows["actor_id"], "affiliation": rows["affiliation"],
        "actor_type": rows["actor_type"], "role": rows["role"], "issue": rows["issue"], "stance": rows["stance"],
        "statement_date": rows["day"].dt.strftime("%Y-%m-%d").where(dated, ""), "evidence": rows["evidence"],
        "source_url": url, "source_title": "Synthetic wire story " + rows["k"],
        "published": published.dt.strftime("%Y-%m-%d"), "confidence": rows["confidence"].map("{:.2f}".format),
        "origin": rows["origin"], "status": rows["status"], "note": "synthetic benchmark data",
        "date_precision": rows["precision"].where(dated, ""), "attribution": rows["attribution"],
    })
    out["id"] = [statement_id(u, a, i, e) for u, a, i, e in
                 zip(out["source_url"].tolist(), out["actor"].tolist(), out["issue"].tolist(), out["evidence"].tolist())]
    return out[CSV_COLUMNS]


def write(frame: pd.DataFrame, path: Path, fmt: str = "csv") -> None:
    """Write `frame` as the CSV store or as Parquet (same columns, strings); never into data/."""
    path = Path(path)
    if path.resolve().is_relative_to(DATA_DIR.resolve()):
        raise InputError(f"{path}: synthetic data never goes into the bundled data folder ({DATA_DIR}); "
                         "write it elsewhere, e.g. benchmarks/out/")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    if fmt == "csv":
        frame.to_csv(tmp, index=False, lineterminator="\n")
    elif fmt == "parquet":
        frame.to_parquet(tmp, index=False)
    else:
        raise InputError(f"--format {fmt!r} is unknown; use one of {', '.join(FORMATS)}")
    tmp.replace(path)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Write synthetic statements for benchmarks.")
    ap.add_argument("n", type=int, help="number of statements, e.g. 100000")
    ap.add_argument("out", type=Path, help="output path, e.g. benchmarks/out/synthetic-100k.csv")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--format", default="csv", choices=FORMATS)
    args = ap.parse_args(argv)
    try:
        write(generate(args.n, args.seed), args.out, args.format)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"wrote {args.n} statements to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
