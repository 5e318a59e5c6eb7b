"""One flat row per Table I/II row, with the filing's, issuer's and first owner's columns beside it.

This is the shape spreadsheets, pandas and DuckDB want: the store keeps these rows (table
`table_rows`) and `extract export --format csv|parquet` writes them. Column types are declared once
here and drive the SQLite table, the CSV text and the Parquet schema.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Iterator

import simplejson

# (column, type): text | decimal (exact, kept as text in SQLite) | date (ISO text) | bool | int | float
FILING_COLUMNS = [
    ("sha256", "text"), ("path", "text"), ("status", "text"), ("form", "text"),
    ("period_of_report", "date"), ("date_of_original_submission", "date"),
    ("issuer_name", "text"), ("issuer_trading_symbol", "text"),
    ("owner_name", "text"), ("owner_street1", "text"), ("owner_street2", "text"), ("owner_city", "text"),
    ("owner_state", "text"), ("owner_zip_code", "text"), ("owner_is_director", "bool"),
    ("owner_is_officer", "bool"), ("owner_is_ten_percent_owner", "bool"), ("owner_is_other", "bool"),
    ("owner_officer_title", "text"), ("owner_other_text", "text"),
    ("owner_count", "int"), ("other_owner_names", "text"),
]
ROW_COLUMNS = [
    ("table_number", "text"), ("section", "text"), ("row_index", "int"),
    ("security_title", "text"), ("conversion_or_exercise_price", "decimal"), ("transaction_date", "date"),
    ("deemed_execution_date", "date"), ("transaction_code", "text"), ("voluntarily_reported", "bool"),
    ("shares", "decimal"), ("acquired_disposed_code", "text"), ("price_per_share", "decimal"),
    ("exercise_date", "date"), ("expiration_date", "date"), ("underlying_security_title", "text"),
    ("underlying_security_shares", "decimal"), ("shares_owned_following_transaction", "decimal"),
    ("direct_or_indirect_ownership", "text"), ("nature_of_ownership", "text"),
    ("footnote_ids", "text"),          # JSON: {"shares": ["1"]}
    ("min_confidence", "float"),       # the least confident field of the row: where to look first
]
COLUMNS = FILING_COLUMNS + ROW_COLUMNS
COLUMN_NAMES = [c for c, _ in COLUMNS]

# Table I holds non-derivative rows, Table II derivative rows (a Form 3 puts its rows in *_holdings)
SECTIONS = [("non_derivative_transactions", "I"), ("non_derivative_holdings", "I"),
            ("derivative_transactions", "II"), ("derivative_holdings", "II")]
_OWNER_FIELDS = ["name", "street1", "street2", "city", "state", "zip_code", "is_director", "is_officer",
                 "is_ten_percent_owner", "is_other", "officer_title", "other_text"]


def flatten(extraction: dict) -> Iterator[dict]:
    """Table rows of one extraction (none for a failed input), keyed by `COLUMN_NAMES`."""
    rec = extraction.get("record")
    if not rec:
        return
    owners = rec.get("reporting_owners") or []
    first = owners[0] if owners else {}
    filing = {
        "sha256": extraction["source"]["sha256"], "path": extraction["source"]["path"],
        "status": extraction["status"], "form": rec.get("document_type"),
        "period_of_report": rec.get("period_of_report"),
        "date_of_original_submission": rec.get("date_of_original_submission"),
        "issuer_name": (rec.get("issuer") or {}).get("name"),
        "issuer_trading_symbol": (rec.get("issuer") or {}).get("trading_symbol"),
        **{f"owner_{k}": first.get(k) for k in _OWNER_FIELDS},
        "owner_count": len(owners),
        "other_owner_names": "; ".join(o.get("name") or "?" for o in owners[1:]) or None,
    }
    confidence = {f["path"]: f["confidence"] for f in extraction.get("fields", [])}
    for section, table in SECTIONS:
        for i, row in enumerate(rec.get(section) or []):
            prefix = f"{section}[{i}]."
            confs = [c for p, c in confidence.items() if p.startswith(prefix)]
            out = dict(filing, table_number=table, section=section, row_index=i,
                       min_confidence=float(min(confs)) if confs else None)
            for col, _ in ROW_COLUMNS[3:-2]:
                out[col] = row.get(col)
            out["footnote_ids"] = simplejson.dumps(row.get("footnote_ids") or {}, sort_keys=True)
            yield out


def to_sql(col_type: str, value):
    """A row value as SQLite stores it (decimals as exact text, booleans as 0/1)."""
    if value is None:
        return None
    if col_type == "decimal":
        return str(value)
    if col_type == "bool":
        return int(bool(value))
    if col_type == "float":
        return float(value)
    return value


def from_sql(col_type: str, value):
    """The inverse of `to_sql` for readers (Decimal for decimals, bool for booleans)."""
    if value is None:
        return None
    if col_type == "decimal":
        return Decimal(value)
    if col_type == "bool":
        return bool(value)
    return value
