"""Corrections typed like the record, and the re-validation of a corrected record (no server)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from extractor import extract
from extractor.review.corrections import CorrectionError, field_annotation, parse_correction
from extractor.review.revalidate import revalidate
from tests.review_support import DATA, SAMPLES

ROLL_FORWARD = "holding_roll_forward"


def roll_forward_issues(record):
    return [i for i in revalidate(record, "form4") if i.code == ROLL_FORWARD]


@pytest.mark.parametrize("path, typed, value", [
    ("period_of_report", "11/01/2023", "2023-11-01"),              # as the form prints it
    ("period_of_report", "2023-11-01", "2023-11-01"),
    ("period_of_report", "", None),                                # blank is a value too
    ("non_derivative_transactions[0].shares", "3,218", Decimal("3218")),
    ("non_derivative_transactions[0].price_per_share", "$151.95", Decimal("151.95")),
    ("non_derivative_transactions[0].transaction_code", "f", "F"),
    ("derivative_transactions[2].acquired_disposed_code", " d ", "D"),
    ("reporting_owners[1].is_officer", "x", True),
    ("reporting_owners[1].is_officer", "no", False),
    ("derivative_holdings[0].footnote_ids.exercise_date", "F1, (2) 3", ["1", "2", "3"]),
    # a row's marks as a whole: how a reviewer adds the mark the machine missed on a cell
    ("non_derivative_transactions[0].footnote_ids", "shares: 1; price_per_share: (2), 3",
     {"shares": ["1"], "price_per_share": ["2", "3"]}),
    ("non_derivative_transactions[0].footnote_ids", "", {}),
    ("issuer.name", "  QUALYS,   INC. ", "QUALYS, INC."),
    ("document_type", "4/a", "4/A"),
])
def test_correction_is_read_as_the_field_type(path, typed, value):
    """A reviewer types what the form shows; the store gets the contract's value. Guards against
    '3,218' stored as text or '11/01/2023' left in US order."""
    assert parse_correction(path, typed) == value


@pytest.mark.parametrize("path, typed, why", [
    ("period_of_report", "11/31/2023", "not a date"),             # no 31 November
    ("period_of_report", "01/02/1850", "year out of the usual range"),
    ("non_derivative_transactions[0].shares", "3 thousand", "not a number"),
    ("non_derivative_transactions[0].transaction_code", "Q", "is not one of"),
    ("non_derivative_transactions[0].direct_or_indirect_ownership", "X", "is not one of D, I"),
    ("reporting_owners[0].is_director", "maybe", "not yes or no"),
    ("footnotes[0].id", "", "cannot be blank"),                  # a footnote always has its number
    ("non_derivative_transactions[0].footnote_ids", "shares 1", "not a cell and its marks"),
    ("non_derivative_transactions[0].footnote_ids", "underlying_security_title: 1", "not a cell"),   # Table II's
    ("derivative_transactions[0].footnote_ids", "exercise_date: one", "not a footnote mark"),
])
def test_correction_that_does_not_fit_is_refused(path, typed, why):
    """Guards against a value the record's model would reject reaching the audit log."""
    with pytest.raises(CorrectionError, match=why):
        parse_correction(path, typed)


@pytest.mark.parametrize("path", ["issuer", "non_derivative_transactions", "non_derivative_transactions.shares",
                                  "issuer.ticker", "non_derivative_transactions[0].footnote_ids[0]",
                                  "non_derivative_transactions[0].footnote_ids.nonsense", "../../etc/passwd"])
def test_only_leaves_of_the_record_can_be_corrected(path):
    with pytest.raises(CorrectionError):
        field_annotation(path)


def test_roll_forward_flags_the_misread_amount_and_clears_when_fixed():
    """The second sale reads 1,800 but the balances go 63,255 -> 62,255. The check names the
    following-balance cell with the contract's message; fixing the amount to 1,000 clears it,
    through the same revalidate() the review server calls."""
    rec = extract(str(DATA / "form4-roll-forward.md")).record
    issues = [i for i in revalidate(rec, "form4") if i.code == ROLL_FORWARD]
    assert [(i.path, i.message) for i in issues] == [
        ("non_derivative_transactions[1].shares_owned_following_transaction",
         "62,255 does not follow from 63,255 - 1,800")]
    rec.non_derivative_transactions[1].shares = Decimal("1000")
    assert [i for i in revalidate(rec, "form4") if i.code == ROLL_FORWARD] == []


def test_roll_forward_leaves_other_holdings_and_repeated_totals_alone():
    """No false alarm when the next row is another holding (indirect), or when the filer repeats
    one closing total on every row (a real convention, Instruction 4(a)(i))."""
    rec = extract(str(DATA / "form4-roll-forward.md")).record
    assert roll_forward_issues(extract(str(SAMPLES / "form4-seed.md")).record) == []
    other = rec.model_copy(deep=True)
    other.non_derivative_transactions[1].direct_or_indirect_ownership = "I"
    other.non_derivative_transactions[1].nature_of_ownership = "By Trust"
    assert roll_forward_issues(other) == []
    repeated = rec.model_copy(deep=True)
    repeated.non_derivative_transactions[1].shares_owned_following_transaction = Decimal("63255")
    assert roll_forward_issues(repeated) == []
    acquired = rec.model_copy(deep=True)
    acquired.non_derivative_transactions[1].acquired_disposed_code = "A"
    acquired.non_derivative_transactions[1].shares = Decimal("1000")
    assert [i.message for i in roll_forward_issues(acquired)] == ["62,255 does not follow from 63,255 + 1,000"]


def test_a_missed_mark_is_added_through_the_rows_marks_and_its_cell_appears():
    """On a scan a cell's mark can go unseen: that cell has no field of its own to correct, so the
    reviewer corrects the row's marks as a whole. Guards against the record gaining the mark while
    `fields` still lists the old cells (or none for the new one), and against a row correction
    leaving an entry for a cell it cleared."""
    import json

    from extractor.bulk.corrections import apply_reviews
    from extractor.output import to_json
    ex = json.loads(to_json(extract(str(SAMPLES / "form4-edgar-render.pdf"))))
    row = "non_derivative_transactions[0]"
    entry = next(f for f in ex["fields"] if f["path"] == f"{row}.footnote_ids")
    assert entry["value"] == ex["record"]["non_derivative_transactions"][0]["footnote_ids"]
    before = dict(entry["value"])
    new = {**before, "transaction_date": ["9"]}
    reviews = [{"field_path": f"{row}.footnote_ids", "action": "correct", "new_value": new}]
    out = apply_reviews(ex, reviews)
    assert out["record"]["non_derivative_transactions"][0]["footnote_ids"] == new
    cells = {f["path"]: f for f in out["fields"] if f["path"].startswith(f"{row}.footnote_ids.")}
    assert set(cells) == {f"{row}.footnote_ids.{c}" for c in new}
    assert cells[f"{row}.footnote_ids.transaction_date"]["provenance"] == "review"
    # the later decision wins: a row correction that clears a cell, then that cell corrected
    assert before == {"shares": ["1"]}
    clear = {"field_path": f"{row}.footnote_ids", "action": "correct", "new_value": {}}
    cell = {"field_path": f"{row}.footnote_ids.shares", "action": "correct", "new_value": ["7"]}
    out = apply_reviews(ex, [clear, cell])
    assert out["record"]["non_derivative_transactions"][0]["footnote_ids"] == {"shares": ["7"]}
    assert [f["value"] for f in out["fields"] if f["path"] == f"{row}.footnote_ids.shares"] == [["7"]]
    out = apply_reviews(ex, [cell, clear])
    assert out["record"]["non_derivative_transactions"][0]["footnote_ids"] == {}
    assert not any(f["path"].startswith(f"{row}.footnote_ids.") for f in out["fields"])
