"""Per-field confidence: the evidence of each leaf combined into a probability that it is right.

Evidence (each in [0, 1], 1 = no doubt): label match, value-format fit, position fit, structure
(how a compound or a wrapped cell was split), OCR word confidence, and the validation issues that
implicate the field. They are combined in one place, here: a logistic model over these features
and the kind of field, fitted on the corpus by `make calibrate` (extractor/calibrate_fit.py) and
shipped as `calibration.json`, one model per family of inputs (born-digital and text renderings;
scans). So 0.95 means right about 19 times in 20 on data like the corpus; the scorer's
calibration figures (ECE, capture@k) check it.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from .candidate import Cand
from .model import Issue

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")
EVIDENCE = ("label", "fit", "position", "structure", "ocr")

# Field kinds with their own base rate of error (one-hot features of the model).
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
GROUP_NAMES = sorted(GROUPS)
STYLES = ("pdf", "markdown", "layout", "html")
FEATURES = (["d_" + e for e in EVIDENCE] + ["errors", "warnings", "blank", "lines", "words"] +
            ["g_" + g for g in GROUP_NAMES] + ["signature", "owner_block"] + ["s_" + s for s in STYLES])


def group_of(path: str) -> str:
    leaf = path.rsplit(".", 1)[-1]
    if ".footnote_ids." in path:
        return "marks"
    for g, names in GROUPS.items():
        if leaf in names:
            return g
    return "prose"


def evidence_of(c: Cand, issues: list[Issue]) -> dict[str, float]:
    """What the confidence of one leaf is computed from (also shown to reviewers, and all the
    calibration needs: the model is fitted from `extract`'s own output)."""
    ev = {"label": c.label, "fit": c.fit, "position": c.position, "structure": c.structure, "ocr": c.ocr}
    ev["errors"] = float(sum(1 for i in issues if i.severity == "error"))
    ev["warnings"] = float(sum(1 for i in issues if i.severity == "warning"))
    ev["lines"] = float(len({t.line for t in c.toks}))
    ev["words"] = float(len(c.toks))
    return {k: round(v, 4) for k, v in ev.items()}


def features(path: str, value, ev: dict[str, float], style: str) -> list[float]:
    g = group_of(path)
    x = [1.0 - max(0.0, min(1.0, ev[e])) for e in EVIDENCE]
    x += [min(ev["errors"], 2.0), min(ev["warnings"], 2.0), 1.0 if value in (None, [], "") else 0.0,
          min(max(ev["lines"] - 1, 0), 4) / 4.0, min(ev["words"], 20) / 20.0]
    x += [1.0 if g == name else 0.0 for name in GROUP_NAMES]
    x += [1.0 if path.startswith("signatures") else 0.0, 1.0 if path.startswith("reporting_owners") else 0.0]
    x += [1.0 if style == s else 0.0 for s in STYLES]
    return x


@lru_cache(maxsize=1)
def _models() -> dict:
    try:
        return json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))["models"]
    except (OSError, ValueError, KeyError):
        return {}


def family(style: str) -> str:
    return "scan" if style in ("scan", "image") else "digital"


def confidence(path: str, c: Cand, ev: dict[str, float], style: str, exact: bool = False) -> float:
    """Probability that the leaf is right."""
    if exact:
        return 1.0
    model = _models().get(family(style)) or _models().get("digital")
    x = features(path, c.value, ev, style)
    if model is not None and len(model["coef"]) != len(x):
        model = None                # calibration from another feature set: refit with `make calibrate`
    if model is None:               # no calibration shipped: the evidence product, kept below 1
        p = math.prod(1.0 - v for v in x[:5]) * (0.5 ** x[5]) * (0.85 ** x[6])
        return round(0.5 + 0.49 * p, 4)
    z = model["intercept"] + sum(w * v for w, v in zip(model["coef"], x))
    p = 1.0 / (1.0 + math.exp(-z))
    return round(min(model.get("max", 0.9995), max(model.get("min", 0.01), p)), 4)
