"""Data exports (CSV, XLSX, JSON) with citations; spreadsheet formulas neutralised."""
from __future__ import annotations

import io
import json

import pandas as pd

from positions.analysis import fast
from positions.reference.registry import Registry
from positions.present.view import to_query
from positions.present.export.formats import FORMULA_PREFIXES
from positions.present.export.context import METHOD_SHORT, Export, filters_text
from positions.present.periods import RANGED, date_label, precision_of


def _iso(value) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def shown_date(row) -> str:
    """The statement date as exports show it: the ISO day, or its period for a ranged date
    ('November 2024', '2024'), never the period's first day; '' if undated."""
    precision = precision_of(row)
    return date_label(row["statement_date"], precision) if precision in RANGED else _iso(row["statement_date"])


def _source_key(row) -> str:
    return row["source_url"] or row["source_title"]


def speaker_label(speaker: str, for_name: str) -> str:
    return speaker if speaker == for_name else f"{speaker} ({for_name})"


def citation(speaker: str, for_name: str, day: str, published: str, quote: str, title: str, url: str) -> str:
    """'Speaker (State), 2024-05-30: "quote" (Source title, 2024-05-30, URL)'."""
    when = day or (f"undated (reported {published})" if published else "undated")
    where = ", ".join(p for p in (title, published, url) if p)
    return f'{speaker_label(speaker, for_name)}, {when}: "{quote}"' + (f" ({where})" if where else "")


def _also_reported_by(sources) -> str:
    """The other outlets of a merged statement: a list, or an array from the analytical copy ('' if none)."""
    if sources is None or not hasattr(sources, "__len__"):   # missing (NaN)
        return ""
    return " ".join(src["url"] or src["title"] for src in list(sources)[1:])


def citation_tables(rows: pd.DataFrame, reg: Registry,
                    position_flags: dict[str, str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(statements, sources) tables for data exports; every statement carries its citation, a
    source_ref into the sources table, its date as shown (`date_display`: 'November 2024' for a
    month-precision date), its date precision and range, attribution, outlet type, and
    `position_flag`: its state's official position on the view's day rests only on state media/mirrors."""
    position_flags = position_flags or {}
    rows = fast.with_text(rows)   # the page's rows leave the long text in the copy until now
    refs: dict[str, str] = {}                  # source key -> "S1", "S2", ... in order of first appearance
    positions_of: dict[str, list[int]] = {}    # source key -> positions of its statements in `rows`
    statements = []
    for i, (_, r) in enumerate(rows.iterrows()):
        key = _source_key(r)
        refs.setdefault(key, f"S{len(refs) + 1}")
        positions_of.setdefault(key, []).append(i)
        for_name = reg.name_of(r["affiliation"])
        day, published = _iso(r["statement_date"]), _iso(r["published"])
        shown = shown_date(r)  # 'November 2024', not the 1st
        statements.append({
            "statement_id": r["id"], "date": day, "date_display": shown, "counts_from": _iso(r["effective_date"]),
            "speaker": r["actor"], "actor_id": r["actor_id"], "for": r["affiliation"], "for_name": for_name,
            "role": r["role"], "actor_type": r["actor_type"], "issue": r["issue"], "stance": r["stance"],
            "quote": r["evidence"], "source_ref": refs[key], "source_title": r["source_title"],
            "source_url": r["source_url"], "published": published, "confidence": float(r["confidence"]),
            "origin": r["origin"], "status": r["status"],
            "date_precision": precision_of(r), "date_start": _iso(r.get("date_start")),
            "date_end": _iso(r.get("date_end")), "attribution": r.get("attribution") or "direct",
            "source_type": r.get("source_type") or "", "position_flag": position_flags.get(str(r["affiliation"]), ""),
            "citation": citation(r["actor"], for_name, shown, published, r["evidence"], r["source_title"], r["source_url"]),
            # The same statement reported by other outlets (merged by positions.data.dedup).
            "also_reported_by": _also_reported_by(r.get("sources")),
        })
    st_cols = ["statement_id", "date", "date_display", "counts_from", "speaker", "actor_id", "for", "for_name", "role", "actor_type",
               "issue", "stance", "quote", "source_ref", "source_title", "source_url", "published", "confidence",
               "origin", "status", "date_precision", "date_start", "date_end", "attribution", "source_type",
               "position_flag", "citation", "also_reported_by"]
    statements_df = pd.DataFrame(statements, columns=st_cols)
    sources = []
    for key in refs:
        part = rows.iloc[positions_of[key]]
        first = part.iloc[0]
        sources.append({"source_ref": refs[key], "source_title": first["source_title"], "source_url": first["source_url"],
                        "published": _iso(first["published"]), "statements": len(part),
                        "statement_ids": " ".join(part["id"])})
    sources_df = pd.DataFrame(sources, columns=["source_ref", "source_title", "source_url", "published", "statements",
                                                "statement_ids"])
    return statements_df, sources_df



# --------------------------------------------------------------------------- formula injection

def neutralise(value):
    """A spreadsheet-safe cell: text starting with = + - @ tab or CR gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out.columns = [neutralise(c) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out



# --------------------------------------------------------------------------- data

def data_csv(ex: Export) -> bytes:
    statements, _ = citation_tables(ex.rows, ex.registry, ex.position_flags())
    # CRLF (RFC 4180): the csv writer then quotes every field holding a CR or LF.
    return neutralise_frame(statements).to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def _about(ex: Export) -> list[tuple[str, str]]:
    return [("title", f"Positions: {ex.codebook.issue_label(ex.state.issue)}"), ("period", ex.period),
            ("filters", filters_text(ex.state, ex.codebook)), ("view", "?" + ex.query if ex.query else "(default view)"),
            ("source", ex.source), ("codebook version", ex.codebook.version),
            ("method", METHOD_SHORT)]


def data_xlsx(ex: Export) -> bytes:
    """Workbook with sheets statements, sources and about (all text cells neutralised)."""
    statements, sources = citation_tables(ex.rows, ex.registry, ex.position_flags())
    about = pd.DataFrame(_about(ex), columns=["field", "value"])
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        for name, frame, widths in (("statements", statements, {"quote": 80, "citation": 80, "source_title": 40}),
                                    ("sources", sources, {"source_title": 60, "source_url": 40, "statement_ids": 40}),
                                    ("about", about, {"field": 18, "value": 100})):
            neutralise_frame(frame).to_excel(xl, sheet_name=name, index=False)
            ws = xl.sheets[name]
            ws.freeze_panes = "A2"
            for i, col in enumerate(frame.columns, start=1):
                ws.column_dimensions[ws.cell(1, i).column_letter].width = widths.get(col, 14)
    return buf.getvalue()


def data_json(ex: Export) -> bytes:
    """The statements with citations plus their sources, and the view that selected them (raw text)."""
    statements, sources = citation_tables(ex.rows, ex.registry, ex.position_flags())
    doc = {"generated": ex.today.isoformat(), "source": ex.source, "period": ex.period,
           "view": to_query(ex.state), "issue": ex.state.issue,
           "statements": statements.to_dict(orient="records"), "sources": sources.to_dict(orient="records")}
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def data_bytes(ex: Export, fmt: str) -> bytes:
    return {"csv": data_csv, "xlsx": data_xlsx, "json": data_json}[fmt](ex)


