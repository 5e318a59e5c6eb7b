"""Validation of a corrected record: the one place the review page calls into `extractor.validate`.

The lead's validator checks the analyzer's draft (a record with `Cand` leaves), not a finished
`model.Record`. Until `extractor.validate` has a record-level entry point

    validate_record(record: Record, template: Template) -> list[Issue]

this adapter turns the corrected record into a draft whose every leaf is certain (a `Cand` with
full evidence) and runs `validate.validate` on it. The validator does not check roll-forward yet,
so the adapter adds that one check (form-layouts.md §5 check 11) itself; once `validate_record`
exists it is used instead and `roll_forward_issues` here should be deleted.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .. import validate as core_validate
from ..candidate import Cand
from ..model import Issue, Record
from ..output import LISTS, SCALARS
from ..templates import resolve_template

ROLL_FORWARD = "holding_roll_forward"
TRANSACTION_TABLES = ("non_derivative_transactions", "derivative_transactions")
# Rounding of fractional shares: balances that differ by less than this still roll forward.
ROLL_TOLERANCE = Decimal("1")


def revalidate(record: Record, template_id: str) -> list[Issue]:
    """The issues the record has as it now stands (after the reviewer's corrections)."""
    template = resolve_template(template_id)[0]
    record_level = getattr(core_validate, "validate_record", None)
    if record_level is not None:
        return list(record_level(record, template))
    issues, _penalties = core_validate.validate(draft_of(record), template)
    seen = {(i.code, i.path) for i in issues}
    return list(issues) + [i for i in roll_forward_issues(record) if (i.code, i.path) not in seen]


def draft_of(record: Record) -> dict:
    """A record as the validator's draft: the same shape, every leaf a certain `Cand`."""
    data = record.model_dump(mode="python")

    def leaf(v):
        return Cand(v.isoformat() if isinstance(v, dt.date) else v, kind="reviewed")

    def row(d: dict) -> dict:
        out = {k: leaf(v) for k, v in d.items() if k != "footnote_ids"}
        if "footnote_ids" in d:
            out["footnote_ids"] = {k: leaf(v) for k, v in d["footnote_ids"].items()}
        return out

    draft = {k: leaf(data[k]) for k in SCALARS}
    draft["issuer"] = row(data["issuer"])
    for sec in LISTS:
        draft[sec] = [row(r) for r in data[sec]]
    draft["remarks"] = leaf(data["remarks"])
    draft["signatures"] = [row(r) for r in data["signatures"]]
    draft["_joint"] = None          # box 6 is layout, not part of the record: its check is skipped
    return draft


def roll_forward_issues(record: Record) -> list[Issue]:
    """Check 11: for consecutive rows of the same title, ownership form and nature, the balance
    following a row is the previous balance plus (A) or minus (D) the row's amount. Filers who
    repeat one closing total on every row are not flagged (equal balances are skipped)."""
    out = []
    for sec in TRANSACTION_TABLES:
        rows = getattr(record, sec)
        for i in range(1, len(rows)):
            prev, cur = rows[i - 1], rows[i]
            same_holding = (prev.security_title, prev.direct_or_indirect_ownership, prev.nature_of_ownership) == \
                           (cur.security_title, cur.direct_or_indirect_ownership, cur.nature_of_ownership)
            have = None not in (prev.shares_owned_following_transaction, cur.shares,
                                cur.acquired_disposed_code, cur.shares_owned_following_transaction)
            if not (same_holding and have):
                continue
            before, after = prev.shares_owned_following_transaction, cur.shares_owned_following_transaction
            if before == after:
                continue
            sign = 1 if cur.acquired_disposed_code == "A" else -1
            if abs(before + sign * cur.shares - after) >= ROLL_TOLERANCE:
                op = "+" if sign > 0 else "-"
                out.append(Issue(code=ROLL_FORWARD, severity="warning",
                                 path=f"{sec}[{i}].shares_owned_following_transaction",
                                 message=f"{after:,} does not follow from {before:,} {op} {cur.shares:,}"))
    return out

