"""Per-field confidence: the evidence of each leaf combined into a probability that it is right.

Evidence (each in [0, 1], 1 = no doubt): label match, value-format fit, position fit, structure
(how a compound or a wrapped cell was split), OCR word confidence, and the validation issues that
implicate the field; on OCR'd input also the words of the value found in no dictionary and
nowhere else in the document ("Puually Dynasty Trust"), and for footnote marks the footnotes no
cell's mark points to (a mark was likely missed) and a one-digit mark wider than the document's
others (a two-digit mark read a digit short). They are combined in one place, here, by a
logistic model over the field's doubts (each >= 0, 0 = no doubt):

    logit P(right) = a(kind of field, input style) - sum_d b_d * doubt_d          (b_d >= 0)

The intercept of each kind of field (dates, amounts, titles, addresses, ...) in each input style
(born-digital PDF, Markdown-like, `pdftotext -layout`, HTML; scans have their own model, with
their own rates below LOW_DPI) and the weights are fitted on the corpus by `make calibrate`
(scripts/calibrate.py) and shipped as `calibration.json`. The weights are never negative, so a
doubt only ever lowers the probability: a field the analyzer had doubts about is always among the
first a reviewer sees, and 0.95 means right about 19 times in 20 on inputs like the corpus (the
scorer's ECE and capture@k figures check it).
"""
from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import regex as re

from .candidate import Cand
from .model import Issue
from .page import OCR_KINDS
from .spelling import english_words

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")
REPAIR_NOTE = "OCR repair: "      # the note ocr_repair leaves on a value it re-read
EVIDENCE = ("label", "fit", "position", "structure", "ocr")
FLOOR = 1e-3                      # an evidence of 0 counts as this (its doubt stays finite)
PRIOR = {"intercept": {}, "default_intercept": 5.0, "weights": {}}    # no calibration file: doubts ignored

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
MAX_CONFIDENCE = 0.9999     # shown with four decimals: nothing read from a page is certain
REVIEW_THRESHOLD = 0.9      # `extract --threshold`'s default: fields below it need review
KNEE = 0.8                  # cautious(): probabilities below this are shown as fitted
LOW_DPI = 175               # scans below this resolution have rates of their own
ROW_MARKS = "row_marks"     # a table row's marks as a whole (output.row_marks): did a cell's mark go unseen?
MARK_GROUPS = ("marks", ROW_MARKS)
_WORD = re.compile(r"\p{L}{2,}")
_ONE_DIGIT_MARK = re.compile(r"^\(\d\)$")
MIN_MARKS = 3               # one-digit marks a document needs for their usual width to be known ...
WIDE_FROM, WIDE_SPAN = 1.3, 0.15  # ... and a one-digit mark this many times as wide is doubted, fully
                                  # at WIDE_FROM + WIDE_SPAN: at 1.45 and over, 19 of 39 are a two-digit
                                  # mark read short ("(5)" for "(15)") on the corpus and simulated scans,
                                  # against 1 to 6 in 100 of one-digit marks of the usual width


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


def style_key(style: str, ev: dict[str, float] | None = None) -> str:
    """The kind of input a leaf's rates belong to; scans read below LOW_DPI have their own (at
    150 dpi about three times as many fields are wrong as at 200-300). A page image is read as a
    scan is, and shares its rates."""
    low = ev is not None and 0 < ev.get("dpi", 0) < LOW_DPI
    return f"{'scan' if style in OCR_KINDS else style}{'@low-dpi' if low else ''}"


def base_key(path: str, style: str, ev: dict[str, float] | None = None) -> str:
    """The intercept a leaf starts from: its kind of field in its kind of input."""
    return f"{group_of(path)}|{style_key(style, ev)}"


@dataclass
class DocumentWords:
    """What a field's evidence needs from the rest of its document: how often each word occurs in
    the record's values and how wide its one-digit marks are (OCR'd input only; empty otherwise),
    and how many footnotes no mark points to."""
    seen: Counter = field(default_factory=Counter)
    unnoted: int = 0
    mark_width: float = 0.0      # the median width of the document's one-digit marks (OCR'd input)

    @classmethod
    def of(cls, found: list[tuple[str, Cand]], ocr: bool) -> "DocumentWords":
        seen = Counter(m.group().lower() for _p, c in found if isinstance(c.value, str)
                       for m in _WORD.finditer(c.value)) if ocr else Counter()
        notes = {str(c.value).lstrip("F") for p, c in found if p.startswith("footnotes[") and p.endswith(".id")}
        marked = {str(i).lstrip("F") for p, c in found if ".footnote_ids." in p and isinstance(c.value, list)
                  for i in c.value}
        widths = sorted(t.x1 - t.x0 for p, c in found if ".footnote_ids." in p for t in c.toks
                        if _ONE_DIGIT_MARK.match(t.text)) if ocr else []
        mark_width = widths[len(widths) // 2] if len(widths) >= MIN_MARKS else 0.0
        return cls(seen, len(notes - marked), mark_width)

    def wide(self, c: Cand) -> float:
        """How much wider than the document's one-digit marks the widest one-digit mark of `c` is
        (0 when no wider): a mark Tesseract read a digit short stays as wide as printed."""
        if not self.mark_width:
            return 0.0
        return max((round((t.x1 - t.x0) / self.mark_width - 1.0, 4) for t in c.toks
                    if _ONE_DIGIT_MARK.match(t.text)), default=0.0)

    def novel(self, value) -> int:
        """Words of `value` in no dictionary that the document prints only here (OCR'd input)."""
        if not self.seen or not isinstance(value, str):
            return 0
        words = english_words()
        return sum(1 for m in _WORD.finditer(value)
                   if (w := m.group().lower()) not in words and self.seen[w] < 2)


def evidence_of(path: str, c: Cand, issues: list[Issue], dpi: float | None = None,
                doc: DocumentWords | None = None) -> dict[str, float]:
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
        ev["dpi"] = float(dpi)     # OCR'd input: the resolution it was read at (see style_key)
    if doc is not None:
        if novel := doc.novel(c.value):
            ev["novel"] = float(novel)
        if doc.unnoted and group_of(path) in MARK_GROUPS:
            ev["unnoted"] = float(doc.unnoted)
        if group_of(path) == "marks" and (wide := doc.wide(c)) > 0:
            ev["wide"] = wide
    return {k: round(v, 4) for k, v in ev.items()}


def doubts(path: str, ev: dict[str, float], style: str) -> dict[str, float]:
    """The model's inputs: each evidence as doubts >= 0 (0 = none), keyed by what they are weighed
    in: a scan's resolution band (OCR'd words doubt differently at 150 dpi), else any born-digital
    or text input alike (the corpus has too few wrong fields to weigh each style's own)."""
    sk = style_key(style, ev) if style in OCR_KINDS else "digital"
    out = {}
    for e in EVIDENCE:
        v = max(FLOOR, min(1.0, float(ev.get(e, 1.0))))
        out[f"{e}|{sk}"] = -math.log(v)          # strong doubt: a word Tesseract all but gave up on
        out[f"{e}~|{sk}"] = 1.0 - v              # mild doubt, in proportion
    out[f"errors|{sk}"] = float(ev.get("errors", 0.0))
    if not ev.get("words", 1.0):               # the checks find fault with a blank: mostly a value missed
        out[f"blank_errors|{sk}"] = float(ev.get("errors", 0.0))
    out[f"warnings|{sk}"] = float(ev.get("warnings", 0.0))
    out[f"lines|{sk}"] = max(0.0, float(ev.get("lines", 1.0)) - 1.0)     # wrapped over several lines
    out[f"words|{sk}"] = math.log1p(float(ev.get("words", 1.0)))         # more words, more to misread
    g = group_of(path)
    out[f"novel|{g}|{sk}"] = math.log1p(float(ev.get("novel", 0.0)))   # a ticker is no word; a title's words are
    if g in MARK_GROUPS:
        out[f"unnoted|{g}|{sk}"] = math.log1p(float(ev.get("unnoted", 0.0)))
        out[f"errors|{g}|{sk}"] = float(ev.get("errors", 0.0))     # a mark that resolves to no note
    if g == "marks" and ev.get("wide"):       # a one-digit mark as wide as two digits
        out[f"wide|{sk}"] = max(0.0, min(1.0, (1.0 + float(ev["wide"]) - WIDE_FROM) / WIDE_SPAN))
    return out


@lru_cache(maxsize=1)
def _models() -> dict:
    """The fitted models by family; one of another form (an older file) is not used."""
    try:
        models = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))["models"]
    except (OSError, ValueError, KeyError):
        return {}
    return {fam: m for fam, m in models.items() if isinstance(m, dict) and {"intercept", "weights"} <= m.keys()}


def family(style: str) -> str:
    return "scan" if style in OCR_KINDS else "digital"


def probability(model: dict, path: str, ev: dict[str, float], style: str) -> float:
    z = model["intercept"].get(base_key(path, style, ev), model["default_intercept"])
    w = model["weights"]
    z -= sum(w.get(k, 0.0) * x for k, x in doubts(path, ev, style).items() if x)
    p = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))
    return cautious(p, model.get("caution", {}).get(style_key(style, ev), REVIEW_THRESHOLD))


def cautious(p: float, sure: float) -> float:
    """The probability as shown: where fields at `sure` and above are the only ones few enough
    wrong to pass review unseen (scripts/calibrate.py caution()), [sure, 1] is shown as
    [REVIEW_THRESHOLD, 1] and [KNEE, sure) below the threshold; under KNEE, p as fitted."""
    if sure <= REVIEW_THRESHOLD or p < KNEE:
        return p
    if p >= sure:
        return REVIEW_THRESHOLD + (p - sure) * (1 - REVIEW_THRESHOLD) / (1 - sure)
    return KNEE + (p - KNEE) * (REVIEW_THRESHOLD - KNEE) / (sure - KNEE)


def confidence(path: str, c: Cand, ev: dict[str, float], style: str, exact: bool = False) -> float:
    """Probability that the leaf is right."""
    if exact:
        return 1.0
    model = _models().get(family(style)) or PRIOR
    p = probability(model, path, ev, style)
    return round(min(MAX_CONFIDENCE, max(0.001, p)), 4)
