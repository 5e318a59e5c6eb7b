"""Value parsers: cell text -> typed value, with how well the text fits the expected format.

Each parser returns a `Parsed` with the value (None for a blank), `fit` in [0, 1] (1 = the text
is exactly in the rendered format, e.g. "1,415,167"; lower = it parsed only after tolerating
something) and a note saying what was tolerated.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import regex as re

TRANSACTION_CODES = frozenset("PSVADFIMCEHOXGLWZJKU")

MARK = re.compile(r"\((\d{1,3})\)")                 # one footnote mark, its number grouped: "(12)"
MARK_WORD = re.compile(r"^(?:\(\d{1,3}\))+$")        # a word that is footnote marks only: "(1)", "(2)(3)"
_TRAILING_MARKS = re.compile(r"(?:\s*\(\d{1,3}\))+\s*$")
_LEADING_MARKS = re.compile(r"^\s*(?:\(\d{1,3}\)\s*)+")


@dataclass(frozen=True)
class Parsed:
    value: object
    fit: float
    note: str = ""


BLANK = Parsed(None, 1.0)


def split_marks(text: str) -> tuple[str, list[str]]:
    """'3,218 (1)(2)' -> ('3,218', ['1', '2']). Marks are the rendered superscript "(n)"."""
    text = " ".join(text.split())
    marks: list[str] = []
    m = _TRAILING_MARKS.search(text)
    if m:
        marks = MARK.findall(m.group())
        text = text[: m.start()].rstrip()
    m = _LEADING_MARKS.match(text)           # a mark-only cell followed by wrapped text, rare
    if m and text[m.end():].strip() == "":
        marks = MARK.findall(m.group()) + marks
        text = ""
    return text, marks


def collapse(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------------------- dates
_DATE = re.compile(r"^(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_date(text: str) -> Parsed:
    s = collapse(text)
    if not s:
        return BLANK
    m = _DATE.match(s)
    if m:
        mo, d, y = (int(g) for g in m.groups())
        exact = len(m.group(1)) == 2 and len(m.group(2)) == 2 and " " not in s
    else:
        m = _ISO.match(s)
        if not m:
            return Parsed(None, 0.0, f"not a date: {s!r}")
        y, mo, d = (int(g) for g in m.groups())
        exact = False
    try:
        value = dt.date(y, mo, d)
    except ValueError:
        return Parsed(None, 0.0, f"impossible date: {s!r}")
    if not 1990 <= y <= 2100:
        return Parsed(value.isoformat(), 0.3, "year out of the usual range")
    return Parsed(value.isoformat(), 1.0 if exact else 0.8, "" if exact else "unusual date format")


# ---------------------------------------------------------------------------- numbers
_NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})*(\.\d+)?$|^-?\d+(\.\d+)?$|^-?\.\d+$")


def parse_number(text: str) -> Parsed:
    s = collapse(text).replace(" ", "")
    if not s:
        return BLANK
    if s.startswith("$"):                    # an amount shown as money (convertible notes)
        p = parse_number(s[1:])
        return Parsed(p.value, p.fit * 0.95, p.note or "shown with a $ sign") if p.value is not None else p
    if not _NUMBER.match(s):
        return Parsed(None, 0.0, f"not a number: {text!r}")
    try:
        d = Decimal(s.replace(",", ""))
    except InvalidOperation:
        return Parsed(None, 0.0, f"not a number: {text!r}")
    digits = s.lstrip("-").split(".")[0]
    grouped = "," in s or len(digits) <= 3
    return Parsed(d, 1.0 if grouped else 0.85, "" if grouped else "no thousands separators")


def parse_money(text: str) -> Parsed:
    s = collapse(text)
    if not s:
        return BLANK
    had_dollar = s.startswith("$")
    p = parse_number(s.lstrip("$").strip())
    if p.value is None:
        return p
    return Parsed(p.value, p.fit if had_dollar else p.fit * 0.9, p.note or ("" if had_dollar else "no $ sign"))


# ---------------------------------------------------------------------------- codes
def parse_code(text: str) -> Parsed:
    s = collapse(text).upper()
    if not s:
        return BLANK
    base = s.split("/")[0].strip()           # the 2003 stylesheet appended "/K" for equity swaps
    if len(base) == 1 and base in TRANSACTION_CODES:
        return Parsed(base, 1.0 if base == s else 0.9)
    return Parsed(None, 0.0, f"not a transaction code: {text!r}")


def _one_of(text: str, allowed: str, what: str) -> Parsed:
    s = collapse(text).upper().strip("()")
    if not s:
        return BLANK
    if s in allowed and len(s) == 1:
        return Parsed(s, 1.0)
    return Parsed(None, 0.0, f"not {what}: {text!r}")


def parse_ad_code(text: str) -> Parsed:
    return _one_of(text, "AD", "A or D")


def parse_ownership_form(text: str) -> Parsed:
    return _one_of(text, "DI", "D or I")


def parse_flag(text: str) -> Parsed:
    s = collapse(text).upper()
    if not s:
        return Parsed(False, 1.0)
    if s == "V":
        return Parsed(True, 1.0)
    return Parsed(None, 0.0, f"not a V mark: {text!r}")


def parse_text(text: str) -> Parsed:
    s = collapse(text)
    return Parsed(s or None, 1.0)


PARSERS = {
    "text": parse_text, "date": parse_date, "number": parse_number, "money": parse_money,
    "code": parse_code, "flag": parse_flag, "ad_code": parse_ad_code, "ownership_form": parse_ownership_form,
}


def parse(kind: str, text: str) -> Parsed:
    return PARSERS[kind](text)


def looks_like(kind: str, text: str) -> bool:
    """Cheap type test used to place a stray word (e.g. a value that spilled past its column)."""
    p = PARSERS[kind](text)
    return p.value is not None and p.fit >= 0.8
