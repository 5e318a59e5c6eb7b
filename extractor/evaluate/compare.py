"""Leaf-by-leaf comparison of a predicted record with the truth, by the official scorer's rules.

The scorer (`../shared/tools/score.py`) is not shipped to users, so its comparison is implemented
here; `tests/test_evaluate.py` runs both on the same outputs and requires the same verdict on every
leaf. The rules:

* Both records are flattened into leaves (`issuer.name`, `reporting_owners[0].is_officer`,
  `non_derivative_transactions[0].footnote_ids.shares`, ...). Every contract field is a leaf,
  null included; rows are aligned by index, and a row on one side only is wrong in every leaf.
  A footnote-mark leaf exists only where either side has marks on that cell.
* Values are equal after normalisation (`normalize`): numbers by Decimal value (also from strings
  with ',' or '$'), dates as ISO (MM/DD/YYYY and timestamps accepted), booleans from
  true/false/1/0/yes/no/x, strings with whitespace collapsed, footnote ids as sets without the 'F',
  and null == missing == "" == [].
* Where the street is printed on one line, any street1/street2 split whose joined text matches
  is right (`_street_split_tolerated`).
* A leaf's confidence is that of its own `fields` path, else of its nearest listed ancestor
  (a row, a section, or "record").

Field kinds (number, date, boolean) come from the contract's models, not from a second list.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import typing
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .. import model

# the list sections of the record -> the prefix of their leaves' field group in the report
GROUP_PREFIX = {"reporting_owners": "owner.", "footnotes": "footnote.", "signatures": "signature."}
TRUE_WORDS = ("true", "1", "yes", "y", "x", "checked")
FALSE_WORDS = ("false", "0", "no", "n")


def _kind(annotation) -> str:
    args = typing.get_args(annotation) or (annotation,)
    return "num" if Decimal in args else "date" if dt.date in args else "bool" if bool in args else "str"


def _model_fields(cls) -> list[str]:
    return [f for f in cls.model_fields if f != "footnote_ids"]


def _contract():
    """(scalar fields, issuer fields, {list section: row fields}, table sections, {field: kind})
    from the pydantic models of the contract."""
    record = model.Record.model_fields
    lists, scalars = {}, []
    for name, info in record.items():
        args = typing.get_args(info.annotation)
        if typing.get_origin(info.annotation) is list:
            lists[name] = args[0]
        elif name != "issuer":
            scalars.append(name)
    kinds: dict[str, str] = {}
    for cls in [model.Record, model.Issuer, *lists.values()]:
        for f in _model_fields(cls):
            k = _kind(cls.model_fields[f].annotation)
            if kinds.setdefault(f, k) != k:       # normalisation goes by field name, as the scorer's
                raise AssertionError(f"contract field {f!r} has two kinds ({kinds[f]}, {k})")
    tables = {sec for sec, cls in lists.items() if "footnote_ids" in cls.model_fields}
    return (scalars, _model_fields(model.Issuer), {sec: _model_fields(cls) for sec, cls in lists.items()},
            tables, kinds)


SCALARS, ISSUER, LISTS, TABLES, KINDS = _contract()


# ----------------------------------------------------------------------------- normalisation
def _collapse(s: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s)).strip()


def as_decimal(v) -> Decimal | None:
    """A number, or a numeric string with ',', '$' or spaces -> Decimal; anything else -> None."""
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float, Decimal)):
        try:
            return Decimal(str(v))
        except InvalidOperation:
            return None
    if isinstance(v, str):
        try:
            d = Decimal(re.sub(r"[\s,$]", "", v))
        except InvalidOperation:
            return None
        return d if d.is_finite() else None
    return None


def _iso_date(v) -> str | None:
    if not isinstance(v, str):
        return None
    s = v.strip()
    if m := re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", s):
        y, mo, d = m.groups()
    elif m := re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", s):
        mo, d, y = m.groups()
    else:
        return None
    return f"{y}-{int(mo):02d}-{int(d):02d}"


def normalize(field: str, v):
    """The canonical form of a leaf value of `field` (None for null, blank and empty)."""
    if v is None or v == "" or v == [] or v == {}:
        return None
    if field == "footnote_ids":
        ids = {re.sub(r"^[Ff]|[()\s]", "", str(x)) for x in (v if isinstance(v, list) else [v])}
        return tuple(sorted(i for i in ids if i)) or None
    kind = KINDS.get(field)
    if kind == "bool":
        if isinstance(v, bool):
            return v
        word = str(v).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    if kind == "num" and (d := as_decimal(v)) is not None:
        return ("num", d.normalize() if d != 0 else Decimal(0))
    if kind == "date" and (iso := _iso_date(v)) is not None:
        return iso
    if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool):
        d = Decimal(str(v))
        return format(d.normalize(), "f") if d == d.to_integral() else str(d)
    if isinstance(v, str):
        return _collapse(v) or None
    return json.dumps(v, sort_keys=True, default=str)


def equal(field: str, a, b, casefold: bool = False) -> bool:
    x, y = normalize(field, a), normalize(field, b)
    if casefold and isinstance(x, str) and isinstance(y, str):
        return x.casefold() == y.casefold()
    return x == y


# ----------------------------------------------------------------------------- leaves
@dataclass(slots=True)
class Leaf:
    """One compared leaf. `group` buckets leaves by field for the report ('shares', 'owner.name',
    'footnote_ids'); `in_truth` is False for a leaf of a predicted row the truth does not have."""
    path: str
    group: str
    section: str
    truth: object
    pred: object
    ok: bool
    ok_ci: bool
    nonnull: bool
    in_truth: bool = True
    conf: float | None = None


def _leaf(path: str, group: str, section: str, field: str, tv, pv, wrong: bool, in_truth: bool = True) -> Leaf:
    return Leaf(path, group, section, tv, pv,
                ok=not wrong and equal(field, tv, pv), ok_ci=not wrong and equal(field, tv, pv, casefold=True),
                nonnull=normalize(field, tv) is not None or normalize(field, pv) is not None, in_truth=in_truth)


def _street_split_tolerated(t: dict, p: dict) -> dict:
    """Where the form shows the street on one line (text renderings often do), the split between
    street1 and street2 cannot be recovered: a predicted split whose joined text matches the
    truth's counts as the truth's split."""
    def joined(d: dict) -> str:
        return " ".join(x for x in (normalize("street1", d.get("street1")), normalize("street2", d.get("street2"))) if x)
    if p and joined(t) == joined(p) and (t.get("street1"), t.get("street2")) != (p.get("street1"), p.get("street2")):
        return {**p, "street1": t.get("street1"), "street2": t.get("street2")}
    return p


def compare_records(truth: dict, pred: dict | None) -> tuple[list[Leaf], int]:
    """Compare a truth record with a predicted one (None: the extraction failed, every leaf is
    wrong). Returns (leaves, number of predicted keys outside the contract)."""
    failed = pred is None
    p = pred if isinstance(pred, dict) else {}
    t = truth if isinstance(truth, dict) else {}
    unknown = sum(1 for k in p if k not in SCALARS and k not in LISTS and k != "issuer")
    out = [_leaf(k, k, "top", k, t.get(k), p.get(k), failed) for k in SCALARS]
    ti = t.get("issuer") or {}
    pi = p.get("issuer") if isinstance(p.get("issuer"), dict) else {}
    unknown += sum(1 for k in pi if k not in ISSUER)
    out += [_leaf(f"issuer.{k}", f"issuer.{k}", "issuer", k, ti.get(k), pi.get(k), failed) for k in ISSUER]
    for sec, fields in LISTS.items():
        tl = t.get(sec) if isinstance(t.get(sec), list) else []
        pl = p.get(sec) if isinstance(p.get(sec), list) else []
        prefix = GROUP_PREFIX.get(sec, "")
        allowed = set(fields) | ({"footnote_ids"} if sec in TABLES else set())
        for i in range(max(len(tl), len(pl))):
            tr = tl[i] if i < len(tl) else None
            pr = pl[i] if i < len(pl) else None
            one_sided = failed or tr is None or pr is None
            trd = tr if isinstance(tr, dict) else {}
            prd = pr if isinstance(pr, dict) else {}
            if sec == "reporting_owners":
                prd = _street_split_tolerated(trd, prd)
            unknown += sum(1 for k in prd if k not in allowed)
            for f in fields:
                out.append(_leaf(f"{sec}[{i}].{f}", prefix + f, sec, f, trd.get(f), prd.get(f), one_sided,
                                 tr is not None))
            if sec in TABLES:
                tf = trd.get("footnote_ids") if isinstance(trd.get("footnote_ids"), dict) else {}
                pf = prd.get("footnote_ids") if isinstance(prd.get("footnote_ids"), dict) else {}
                unknown += sum(1 for k in pf if k not in fields)
                for k in fields:
                    t_marks, p_marks = normalize("footnote_ids", tf.get(k)), normalize("footnote_ids", pf.get(k))
                    if t_marks or p_marks:
                        out.append(_leaf(f"{sec}[{i}].footnote_ids.{k}", "footnote_ids", sec, "footnote_ids",
                                         tf.get(k), pf.get(k), one_sided, t_marks is not None))
    return out, unknown


_LAST_STEP = re.compile(r"(\.[^.\[\]]+|\[\d+\])$")     # the last '.key' or '[i]' of a path


def attach_confidence(leaves: list[Leaf], fields) -> None:
    """Give each leaf the confidence of its own `fields` path, else of its nearest listed
    ancestor ('record' or '' is the whole record); confidences are clamped to [0, 1]."""
    conf: dict[str, float] = {}
    for f in fields if isinstance(fields, list) else []:
        if isinstance(f, dict) and isinstance(f.get("path"), str):
            c = as_decimal(f.get("confidence"))
            if c is not None:
                path = re.sub(r"^record\.?", "", re.sub(r"\s+", "", f["path"]))
                conf[path] = min(1.0, max(0.0, float(c)))
    if not conf:
        return
    for lf in leaves:
        path = lf.path
        while path and path not in conf:
            m = _LAST_STEP.search(path)
            path = path[:m.start()] if m else ""
        if path in conf:
            lf.conf = conf[path]
