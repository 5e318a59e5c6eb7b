"""A reviewer's typed correction -> the value the record holds, checked like the record.

The type of a field comes from the contract's own model (`model.Record`), so a correction is held
to exactly the rules an extracted value is: a date must be a real date, a code one of the codes, a
share count a number. The text is read with the analyzer's own value parsers (`values.py`), so a
reviewer may type what the form shows ("3,218", "$151.95", "11/01/2023").
"""
from __future__ import annotations

import datetime as dt
import types
from dataclasses import dataclass
import typing
from decimal import Decimal

import regex as re
from pydantic import BaseModel, TypeAdapter, ValidationError

from ..model import Record
from ..values import collapse, parse_date, parse_number

_STEP = re.compile(r"(?P<name>[a-z0-9_]+)(?:\[(?P<index>\d+)\])?")
_MARK = re.compile(r"^F?\(?(\d{1,3})\)?$", re.IGNORECASE)
_TRUE = {"true", "yes", "y", "x", "1", "checked"}
_FALSE = {"false", "no", "n", "0", "unchecked"}


class CorrectionError(ValueError):
    """A correction that does not fit the field's type; the message says what would."""


@dataclass(frozen=True)
class RowMarks:
    """The type of a table row's marks as a whole (`non_derivative_transactions[0].footnote_ids`):
    typed as "shares: 1; price_per_share: 2, 3" (blank: no marks), the cells being `fields`."""
    fields: tuple[str, ...]


def _strip_optional(ann):
    if typing.get_origin(ann) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return ann


def field_annotation(path: str):
    """The type of the leaf at a contract path (`non_derivative_transactions[0].shares`,
    `issuer.name`, `derivative_holdings[1].footnote_ids.exercise_date`), without its `| None`.
    Raises CorrectionError for a path that is not a leaf of the record."""
    return _leaf(path)[0]


def _leaf(path: str) -> tuple[object, bool]:
    """(type, may it be null) of the leaf at `path`."""
    model: type[BaseModel] | None = Record
    ann = None
    nullable = False
    parts = path.split(".")
    for i, part in enumerate(parts):
        m = _STEP.fullmatch(part)
        if m is None or model is None or m["name"] not in model.model_fields:
            raise CorrectionError(f"{path!r} is not a field of the record")
        ann = model.model_fields[m["name"]].annotation
        if m["name"] == "footnote_ids" and i == len(parts) - 1 and m["index"] is None:
            return RowMarks(tuple(f for f in model.model_fields if f != "footnote_ids")), False
        if m["name"] == "footnote_ids":
            # one leaf per cell: footnote_ids.<field of the same row> is a list of marks
            if i != len(parts) - 2 or parts[-1] not in model.model_fields or m["index"] is not None:
                raise CorrectionError(f"{path!r} is not a field of the record")
            return list[str], True
        if typing.get_origin(ann) is list:
            if m["index"] is None:
                raise CorrectionError(f"{path!r} names a whole list, not one field")
            ann = typing.get_args(ann)[0]
        elif m["index"] is not None:
            raise CorrectionError(f"{path!r} is not a field of the record")
        stripped = _strip_optional(ann)
        nullable, ann = stripped is not ann, stripped
        model = ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None
    if model is not None:
        raise CorrectionError(f"{path!r} names a group of fields, not one field")
    return ann, nullable


def _read(ann, text: str):
    """Typed text -> a candidate value of the annotation's type (None for a blank)."""
    s = collapse(text)
    if ann is dt.date:
        p = parse_date(s)
        if s and p.value is None:
            raise CorrectionError(f"not a date: {s!r} (type MM/DD/YYYY or YYYY-MM-DD)")
        if s and p.fit < 0.5:
            raise CorrectionError(f"{s!r}: {p.note}")
        return p.value
    if ann is Decimal:
        p = parse_number(s)
        if s and p.value is None:
            raise CorrectionError(f"not a number: {s!r}")
        return p.value
    if ann is bool:
        if not s:
            return None
        if s.lower() in _TRUE:
            return True
        if s.lower() in _FALSE:
            return False
        raise CorrectionError(f"not yes or no: {s!r} (type yes/no, or leave blank for none)")
    if typing.get_origin(ann) is typing.Literal:
        return s.upper() or None
    if ann == list[str]:
        return _marks(s)
    if isinstance(ann, RowMarks):
        return _row_marks(ann, s)
    return s or None


def _marks(s: str) -> list[str]:
    marks = []
    for tok in re.split(r"[,;\s]+", s):
        if not tok:
            continue
        m = _MARK.match(tok)
        if m is None:
            raise CorrectionError(f"not a footnote mark: {tok!r} (type the numbers, e.g. 1, 2)")
        marks.append(m.group(1))
    return marks


def _row_marks(ann: RowMarks, s: str) -> dict[str, list[str]]:
    """"shares: 1; price_per_share: 2, 3" -> {"shares": ["1"], "price_per_share": ["2", "3"]}."""
    out: dict[str, list[str]] = {}
    for part in filter(None, (p.strip() for p in s.split(";"))):
        name, colon, marks = part.partition(":")
        name = name.strip()
        if not colon or name not in ann.fields:
            raise CorrectionError(f"not a cell and its marks: {part!r} (type e.g. shares: 1; price_per_share: 2, 3; "
                                  f"cells: {', '.join(ann.fields)})")
        got = out.get(name, []) + _marks(marks)
        if got:
            out[name] = list(dict.fromkeys(got))
    return out


def parse_correction(path: str, text: str | None):
    """The value a correction typed as `text` gives the field at `path`, as the contract's JSON
    holds it (dates ISO strings, numbers Decimal, marks a list). Raises CorrectionError."""
    ann, nullable = _leaf(path)
    value = _read(ann, text or "")
    if isinstance(ann, RowMarks):
        return value
    if value is None and not nullable:
        raise CorrectionError(f"{path} cannot be blank")
    if value is None or value == []:
        return value
    try:
        checked = TypeAdapter(ann).validate_python(value)
    except ValidationError as e:
        allowed = typing.get_args(ann) if typing.get_origin(ann) is typing.Literal else ()
        if allowed:
            raise CorrectionError(f"{value!r} is not one of {', '.join(allowed)}") from None
        raise CorrectionError(e.errors()[0]["msg"]) from None
    return checked.isoformat() if isinstance(checked, dt.date) else checked


def field_type_name(path: str) -> str:
    """A short name of the field's type for the page ("date", "number", "code: A D", ...)."""
    try:
        ann = field_annotation(path)
    except CorrectionError:
        return "text"
    if typing.get_origin(ann) is typing.Literal:
        return "code: " + " ".join(typing.get_args(ann))
    if isinstance(ann, RowMarks):
        return "the row's footnote marks"
    return {dt.date: "date", Decimal: "number", bool: "yes/no", str: "text"}.get(ann, "footnote marks")
