"""Draft (Cand leaves) -> contract record + one `fields` entry per leaf; JSON writing."""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Iterator

import simplejson

from .candidate import Cand
from .flow import Flow
from .model import Extraction, FieldEntry, Record

SCALARS = ["document_type", "period_of_report", "date_of_original_submission", "not_subject_to_section_16",
           "aff10b5_one", "form3_holdings_reported", "form4_transactions_reported"]
LISTS = ["reporting_owners", "non_derivative_transactions", "non_derivative_holdings", "derivative_transactions",
         "derivative_holdings", "footnotes"]


def leaves(draft: dict) -> Iterator[tuple[str, Cand]]:
    """Every leaf of the draft with its contract path, in record order."""
    for k in SCALARS:
        yield k, draft[k]
    for k in ("name", "trading_symbol"):
        yield f"issuer.{k}", draft["issuer"][k]
    for sec in LISTS:
        for i, row in enumerate(draft[sec]):
            for f, c in row.items():
                if f == "footnote_ids":
                    yield f"{sec}[{i}].footnote_ids", row_marks(row)
                    for g, fc in c.items():
                        yield f"{sec}[{i}].footnote_ids.{g}", fc
                elif not f.startswith("_"):
                    yield f"{sec}[{i}].{f}", c
    yield "remarks", draft["remarks"]
    for i, row in enumerate(draft["signatures"]):
        for f, c in row.items():
            yield f"signatures[{i}].{f}", c


def row_marks(row: dict) -> Cand:
    """The row's footnote marks as a whole (`...footnote_ids`, a contract extension): the claim
    that no cell of the row carries a mark the map lacks. A mark that was missed has no leaf of its
    own, so the doubt that one was is carried here. `_marks` (set by the assembler) holds no words,
    only the row's band as its place: the confidence is the base rate of such rows in the input's
    kind (and resolution, for scans)."""
    claim = row.get("_marks") or Cand(kind="row_marks")
    return dataclasses.replace(claim, value={g: fc.value for g, fc in row["footnote_ids"].items()})


def record_dict(draft: dict) -> dict:
    def val(x):
        if isinstance(x, Cand):
            return x.value
        if isinstance(x, dict):
            return {k: val(v) for k, v in x.items() if not k.startswith("_")}
        if isinstance(x, list):
            return [val(v) for v in x]
        return x
    rec = val(draft)
    return rec


def build_record(draft: dict) -> Record:
    return Record.model_validate(record_dict(draft))


def field_entries(draft: dict, flow: Flow | None, confidences: dict[str, float],
                  evidence: dict[str, dict[str, float]]) -> list[FieldEntry]:
    out = []
    for path, c in leaves(draft):
        where = c.where(flow) if flow is not None else {}
        out.append(FieldEntry(path=path, value=_jsonable(c.value), confidence=round(confidences[path], 4),
                              text=c.text, evidence=evidence.get(path, {}), **where))
    return out


def _jsonable(v):
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def _default(o):
    if isinstance(o, (dt.date, dt.datetime)):
        return o.isoformat()
    raise TypeError(f"not JSON serializable: {type(o).__name__}")


def to_json(ex: Extraction, pretty: bool = False) -> str:
    data = ex.model_dump(mode="python", exclude_none=False)
    for f in data.get("fields", []):
        for k in ("page", "bbox", "line"):
            if f.get(k) is None:
                f.pop(k, None)
        if not f.get("evidence"):
            f.pop("evidence", None)
    for i in data.get("issues", []):
        if i.get("path") is None:
            i.pop("path", None)
    return dumps(data, pretty=pretty)


def dumps(data: dict, pretty: bool = False) -> str:
    """Contract JSON text of an already-dumped extraction (Decimals exact); `to_json` uses it, and
    the bulk store re-serialises stored extractions with it so exports print exactly what `extract` does."""
    return simplejson.dumps(data, use_decimal=True, default=_default, ensure_ascii=False,
                            indent=2 if pretty else None, separators=None if pretty else (",", ":"))


def loads(text: str) -> dict:
    """Contract JSON text -> dict with exact `Decimal` numbers (the inverse of `dumps`)."""
    return simplejson.loads(text, use_decimal=True)

