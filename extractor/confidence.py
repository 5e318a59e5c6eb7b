"""Per-field confidence: the evidence of each leaf combined into a probability that it is right.

Evidence (each in [0, 1], 1 = no doubt): label match, value-format fit, position fit, structure
(how a compound or a wrapped cell was split), OCR word confidence, and the validation issues that
implicate the field. They are combined in one place, here, by a product model:

    P(right) = base(kind of field, input style) x  prod_e evidence_e ** w_e  x  c_err ** errors  x  c_warn ** warnings

The base rate of each kind of field (dates, amounts, titles, addresses, ...) in each input style
(born-digital PDF, Markdown-like, `pdftotext -layout`, HTML; scans have their own model) and the
exponents are fitted on the corpus by `make calibrate` (scripts/calibrate.py) and shipped as
`calibration.json`. Each evidence only ever lowers the probability, so a field the analyzer had
doubts about is always among the first a reviewer sees, and 0.95 means right about 19 times in 20
on inputs like the corpus (the scorer's ECE and capture@k figures check it).
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from .candidate import Cand
from .model import Issue
from .page import OCR_KINDS

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")
REPAIR_NOTE = "OCR repair: "      # the note ocr_repair leaves on a value it re-read
EVIDENCE = ("label", "fit", "position", "structure", "ocr", "wrap")
PRIOR = {"w": {e: 1.0 for e in EVIDENCE}, "c_err": 0.5, "c_warn": 0.85, "base": {}, "default_base": 0.995}

# Kinds of field with their own base rate of error.
GROUPS = {
    "date": {"period_of_report", "date_of_original_submission", "transaction_date", "deemed_execution_date",
             "exercise_date", "expiration_date", "date"},
    "number": {"shares", "price_per_share", "shares_owned_following_transaction", "conversion_or_exercise_price",
               "underlying_security_shares"},
    "code": {"transaction_code", "acquired_disposed_code", "direct_or_indirect_ownership", "document_type", "id"},
    "flag": {"not_subject_to_section_16", "aff10b5_one", "form3_holdings_reported", "form4_transactions_reported",
             "is_director", "is_officer", "is_ten_percent_owner", "is_other", "voluntarily_reported"},
    "name": {"name", "trading_symbol"},
    "address": {"street1", "street2", "city", "state", "zip_code"},
    "title": {"security_title", "underlying_security_title", "nature_of_ownership", "officer_title", "other_text"},
    "prose": {"text", "remarks"},
    "marks": {"footnote_ids"},
}
LOW_DPI = 175               # scans below this resolution have base rates of their own
ROW_MARKS = "row_marks"     # a table row's marks as a whole (output.row_marks): did a cell's mark go unseen?


def group_of(path: str) -> str:
    leaf = path.rsplit(".", 1)[-1]
    if path.endswith(".footnote_ids"):
        return ROW_MARKS
    if ".footnote_ids." in path:
        return "marks"
    if path.startswith("signatures"):
        return "signature"
    for g, names in GROUPS.items():
        if leaf in names:
            return g
    return "prose"


def base_key(path: str, style: str, ev: dict[str, float] | None = None) -> str:
    """The base rate a leaf starts from: its kind of field in its kind of input; scans read below
    LOW_DPI have their own (at 150 dpi about three times as many fields are wrong as at 200-300).
    A page image is read as a scan is, and shares its rates."""
    low = ev is not None and 0 < ev.get("dpi", 0) < LOW_DPI
    return f"{group_of(path)}|{'scan' if style in OCR_KINDS else style}{'@low-dpi' if low else ''}"


def evidence_of(c: Cand, issues: list[Issue], dpi: float | None = None) -> dict[str, float]:
    """What the confidence of one leaf is computed from (also shown to reviewers, and all the
    calibration needs: the model is fitted from `extract`'s own output)."""
    # a value ocr_repair re-read: the repair's own doubt is in `fit`, and it replaces the OCR word
    # confidence, which measured the characters the repair resolved
    ocr = 1.0 if any(n.startswith(REPAIR_NOTE) for n in c.notes) else c.ocr
    ev = {"label": c.label, "fit": c.fit, "position": c.position, "structure": c.structure, "ocr": ocr}
    ev["errors"] = float(sum(1 for i in issues if i.severity == "error"))
    ev["warnings"] = float(sum(1 for i in issues if i.severity == "warning"))
    ev["lines"] = float(len({t.line for t in c.toks}))
    ev["words"] = float(len(c.toks))
    if dpi:
        ev["dpi"] = float(dpi)     # OCR'd input: the resolution it was read at (see base_key)
    return {k: round(v, 4) for k, v in ev.items()}


def evidence_values(ev: dict[str, float]) -> dict[str, float]:
    """The evidence as factors in (0, 1]; a value wrapped over several lines is a little less sure."""
    out = {e: max(1e-4, min(1.0, float(ev.get(e, 1.0)))) for e in EVIDENCE if e != "wrap"}
    out["wrap"] = 0.99 ** max(0.0, float(ev.get("lines", 1.0)) - 1.0)
    return out


@lru_cache(maxsize=1)
def _models() -> dict:
    try:
        return json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))["models"]
    except (OSError, ValueError, KeyError):
        return {}


def family(style: str) -> str:
    return "scan" if style in OCR_KINDS else "digital"


def probability(model: dict, path: str, ev: dict[str, float], style: str) -> float:
    base = model["base"].get(base_key(path, style, ev), model["default_base"])
    p = base
    for e, v in evidence_values(ev).items():
        p *= v ** model["w"].get(e, 1.0)
    p *= model["c_err"] ** float(ev.get("errors", 0.0)) * model["c_warn"] ** float(ev.get("warnings", 0.0))
    return p


def confidence(path: str, c: Cand, ev: dict[str, float], style: str, exact: bool = False) -> float:
    """Probability that the leaf is right."""
    if exact:
        return 1.0
    model = _models().get(family(style)) or PRIOR
    p = probability(model, path, ev, style)
    return round(min(0.9995, max(0.001, p)), 4)
