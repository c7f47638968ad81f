"""Source-reliability flags and signals in hovers and captions: the official rule's caption,
'⚠ single source: state media' marks, and relayed claims shown as signals (never counted)."""
from __future__ import annotations

from datetime import date

import pandas as pd

from positions.analysis import engine
from positions.present import charts
from positions.reference import codebook as codebook_mod
from positions.reference.registry import Registry

# How a state's stance is derived, in one paragraph every caption and export can show.
OFFICIAL_RULE = codebook_mod.load().rule.caption
FLAG_NOTE = "⚠ marks a position resting only on state-aligned media or mirror sites"


def flag_text(position: dict) -> str:
    """' ⚠ single source: state media' for a flagged position row (engine.Official.as_of), else ''."""
    flag = position.get("source_flag") or ""
    return f" ⚠ {flag}" if isinstance(flag, str) and flag else ""


def signal_text(signal: dict | None, after=None) -> str:
    """'<br>signal: support (relayed/other: Officials, 11 Sep 2024)' for a state's latest signal, if newer."""
    if not signal or (after is not None and signal["signal_date"] <= after):
        return ""
    return (f"<br>signal, not counted: {signal['signal_stance']} ({charts.esc(str(signal['signal_actor']))}, "
            f"{pd.Timestamp(signal['signal_date']):%d %b %Y})")


def flagged_names(off: engine.Official, reg: Registry, on: date) -> dict[str, str]:
    """State names for chart hovers, '⚠ single source: ...' appended where the position on `on` is flagged."""
    names = {code: reg.name_of(code) for code in reg.affiliations}
    for code, flag in off.flags_on(on).items():
        names[code] = f"{names.get(code, code)} ⚠ {flag}"
    return names
