"""Property: any valid Form 4 record, written as the text rendering a PDF-to-Markdown converter
makes of EDGAR's page, is read back by `extract` as the same record.

Guards against the analyzer getting a value from the wrong cell or row, losing or inventing a row,
a footnote mark on the wrong field, a checkbox read wrong, or a value parsed into another one
(1,234.5 -> 12345), on shapes the handful of samples do not have. Records are drawn with realistic
shapes (dates, decimals with commas, the 20 transaction codes, A/D, D/I, titles with spaces, marks
on random cells); `tests/render_text.py` writes them the way the corpus `form.md` files are written
(tests/test_render_text.py checks that against the corpus). Comparison goes through
`render_text.page_view`: what the rendering can show.

Deterministic by default (`derandomize`, conftest.py) so CI does not turn red on a new random draw;
`HYPOTHESIS_PROFILE=explore pytest tests/test_property.py` searches further.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st

from extractor.api import extract
from extractor.model import Record
from tests.golden import differences
from tests.render_text import Style, page_view, render_form4

CODES = "PSVADFIMCEHOXGLWZJKU"
SURNAMES = ["SMITH", "Garcia", "NGUYEN", "O'Brien", "Van Der Berg", "Lee", "MULLER", "Kowalski", "Chen", "Adeyemi"]
GIVEN = ["JOHN", "Maria", "Wei", "Anne-Marie", "David", "Priya", "ROBERT", "Elena"]
FIRMS = ["Acme Capital Partners, L.P.", "Northwind Holdings LLC", "Blue Harbor Fund II, LP", "Redwood Ventures Inc.",
         "JPMORGAN CHASE & CO"]
ISSUERS = ["ACME CORP", "Northwind Traders, Inc.", "Contoso Pharmaceuticals Holdings Ltd", "Globex Energy Co",
           "Initech Software Group, Inc."]
STREETS = ["MAIN STREET", "PARK AVENUE", "SAND HILL ROAD", "E. HILLSDALE BLVD.", "WEST END AVE"]
CITIES = [("NEW YORK", "NY"), ("SAN FRANCISCO", "CA"), ("FOSTER CITY", "CA"), ("AUSTIN", "TX"), ("BOSTON", "MA"),
          ("SALT LAKE CITY", "UT"), ("CHICAGO", "IL")]
TITLES = ["Common Stock", "Class A Common Stock", "Class B Common Stock", "Ordinary Shares",
          "Series B Preferred Stock", "American Depositary Shares", "Common Stock, par value $0.0001",
          "Class A Common Stock, $0.00125 par value", "Variable Rate Demand Preferred Shares"]
DERIVATIVE_TITLES = ["Stock Option (right to buy)", "Restricted Stock Units", "Performance Stock Units",
                     "Warrants (Right to Buy)", "Series A-1 Convertible Preferred Stock",
                     "Non-Qualified Stock Option (right to buy)", "LLC Units of Example Equity Capital LLC"]
OFFICER_TITLES = ["Chief Executive Officer", "CFO", "EVP, General Counsel & Secretary", "President and COO",
                  "Chief Accounting Officer"]
NATURES = ["By Trust", "By Spouse", "See Footnote", "By LLC", "Held by the Smith Family Trust"]
SENTENCE_WORDS = ["the", "shares", "were", "sold", "in", "multiple", "transactions", "at", "prices", "ranging",
                  "from", "reporting", "person", "undertakes", "to", "provide", "full", "information", "trust",
                  "weighted", "average", "price", "vest", "annually", "over", "four", "years", "grant", "date",
                  "each", "unit", "represents", "a", "contingent", "right", "receive", "one", "share", "of",
                  "$25.50", "$1,026.10,", "inclusive,", "2023", "Rule 10b5-1", "50%", "Issuer's", "L.P.", "(i)"]

dates = st.dates(dt.date(2004, 1, 1), dt.date(2026, 12, 31))


@st.composite
def decimals(draw, lo: int, hi: int, max_places: int = 4) -> Decimal:
    """Amounts as filed: mostly whole, sometimes with up to `max_places` decimals (never trailing 0)."""
    whole = draw(st.integers(lo, hi))
    places = draw(st.sampled_from([0, 0, 0, 2, max_places]))
    if places == 0:
        return Decimal(whole)
    frac = draw(st.integers(1, 10 ** places - 1))
    return (Decimal(whole) + Decimal(frac).scaleb(-places)).normalize()


def sentence(min_words: int = 4, max_words: int = 30):
    return st.lists(st.sampled_from(SENTENCE_WORDS), min_size=min_words, max_size=max_words).map(
        lambda ws: (" ".join(ws)).capitalize() + ".")


@st.composite
def owners(draw) -> dict:
    person = draw(st.booleans())
    if person:
        name = f"{draw(st.sampled_from(SURNAMES))} {draw(st.sampled_from(GIVEN))}" + draw(st.sampled_from(["", " A", " J."]))
    else:
        name = draw(st.sampled_from(FIRMS))
    city, state = draw(st.sampled_from(CITIES))
    street1 = f"{draw(st.integers(1, 9999))} {draw(st.sampled_from(STREETS))}"
    street2 = draw(st.sampled_from([None, None, "SUITE 100", "FLOOR 12"]))
    flags = draw(st.lists(st.booleans(), min_size=4, max_size=4).filter(any))
    director, officer, ten, other = flags
    return {"name": name, "street1": street1, "street2": street2, "city": city, "state": state,
            "zip_code": f"{draw(st.integers(1000, 99999)):05d}",
            "is_director": director, "is_officer": officer, "is_ten_percent_owner": ten, "is_other": other,
            "officer_title": draw(st.sampled_from(OFFICER_TITLES)) if officer else None,
            "other_text": draw(st.sampled_from(["See Remarks", "Former 10% Owner", "Member of 13(d) group"]))
            if other else None}


def ownership(draw) -> tuple[str, str | None]:
    di = draw(st.sampled_from("DI"))
    return di, (draw(st.sampled_from(NATURES)) if di == "I" else None)


@st.composite
def nd_transaction(draw, period: dt.date) -> dict:
    di, nature = ownership(draw)
    return {"security_title": draw(st.sampled_from(TITLES)),
            "transaction_date": period + dt.timedelta(days=draw(st.integers(0, 3))),
            "deemed_execution_date": draw(st.one_of(st.none(), st.none(), st.just(period))),
            "transaction_code": draw(st.sampled_from(CODES)),
            "voluntarily_reported": draw(st.sampled_from([False, False, False, True])),
            "shares": draw(decimals(1, 2_000_000)),
            "acquired_disposed_code": draw(st.sampled_from("AD")),
            "price_per_share": draw(st.one_of(st.none(), st.just(Decimal(0)), decimals(0, 900))),
            "shares_owned_following_transaction": draw(decimals(0, 90_000_000)),
            "direct_or_indirect_ownership": di, "nature_of_ownership": nature}


@st.composite
def nd_holding(draw) -> dict:
    di, nature = ownership(draw)
    return {"security_title": draw(st.sampled_from(TITLES)),
            "shares_owned_following_transaction": draw(decimals(1, 90_000_000)),
            "direct_or_indirect_ownership": di, "nature_of_ownership": nature}


@st.composite
def d_transaction(draw, period: dt.date) -> dict:
    di, nature = ownership(draw)
    n = draw(decimals(1, 500_000, 0))
    exercise = draw(st.one_of(st.none(), dates))
    return {"security_title": draw(st.sampled_from(DERIVATIVE_TITLES)),
            "conversion_or_exercise_price": draw(st.one_of(st.none(), decimals(0, 500, 2))),
            "transaction_date": period, "deemed_execution_date": draw(st.one_of(st.none(), st.none(), st.just(period))),
            "transaction_code": draw(st.sampled_from(CODES)),
            "voluntarily_reported": draw(st.sampled_from([False, False, False, True])), "shares": n,
            "acquired_disposed_code": draw(st.sampled_from("AD")),
            "exercise_date": exercise,
            "expiration_date": draw(st.one_of(st.none(), dates)) if exercise else None,
            "underlying_security_title": draw(st.sampled_from(TITLES[:3])),
            "underlying_security_shares": n,
            "price_per_share": draw(st.one_of(st.none(), st.just(Decimal(0)), decimals(0, 300, 2))),
            "shares_owned_following_transaction": draw(decimals(0, 2_000_000, 0)),
            "direct_or_indirect_ownership": di, "nature_of_ownership": nature}


@st.composite
def d_holding(draw) -> dict:
    di, nature = ownership(draw)
    n = draw(decimals(1, 500_000, 0))
    return {"security_title": draw(st.sampled_from(DERIVATIVE_TITLES)),
            "conversion_or_exercise_price": draw(st.one_of(st.none(), decimals(0, 500, 2))),
            "exercise_date": draw(st.one_of(st.none(), dates)), "expiration_date": draw(st.one_of(st.none(), dates)),
            "underlying_security_title": draw(st.sampled_from(TITLES[:3])), "underlying_security_shares": n,
            "shares_owned_following_transaction": n, "direct_or_indirect_ownership": di,
            "nature_of_ownership": nature}


MARKABLE = {   # fields a mark is found on in real filings (counted in the corpus truth)
    "non_derivative_transactions": ["security_title", "transaction_date", "transaction_code", "shares",
                                    "acquired_disposed_code", "price_per_share", "shares_owned_following_transaction",
                                    "direct_or_indirect_ownership", "nature_of_ownership"],
    "non_derivative_holdings": ["security_title", "shares_owned_following_transaction",
                                "direct_or_indirect_ownership", "nature_of_ownership"],
    "derivative_transactions": ["security_title", "conversion_or_exercise_price", "transaction_date",
                                "transaction_code", "shares", "exercise_date", "expiration_date",
                                "underlying_security_title", "underlying_security_shares", "price_per_share",
                                "shares_owned_following_transaction", "direct_or_indirect_ownership",
                                "nature_of_ownership"],
    "derivative_holdings": ["security_title", "conversion_or_exercise_price", "exercise_date", "expiration_date",
                            "shares_owned_following_transaction", "nature_of_ownership"],
}


@st.composite
def records(draw) -> dict:
    period = draw(dates)
    amended = draw(st.sampled_from([False, False, False, True]))
    n_footnotes = draw(st.integers(0, 12))
    ids = [str(i) for i in range(1, n_footnotes + 1)]
    n_table1 = draw(st.integers(0, 6))
    n_tx = draw(st.integers(0, n_table1))
    n_table2 = draw(st.integers(0, 4))
    n_dtx = draw(st.integers(0, n_table2))
    rec = {
        "document_type": "4/A" if amended else "4",
        "period_of_report": period,
        "date_of_original_submission": period + dt.timedelta(days=draw(st.integers(2, 30))) if amended else None,
        "not_subject_to_section_16": draw(st.booleans()),
        "aff10b5_one": draw(st.sampled_from([None, False, True])),
        "issuer": {"name": draw(st.sampled_from(ISSUERS)),
                   "trading_symbol": draw(st.one_of(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=5),
                                                    st.sampled_from(["BRK.B", "BF.A"])))},
        "reporting_owners": draw(st.lists(owners(), min_size=1, max_size=3, unique_by=lambda o: o["name"])),
        "non_derivative_transactions": [draw(nd_transaction(period)) for _ in range(n_tx)],
        "non_derivative_holdings": [draw(nd_holding()) for _ in range(n_table1 - n_tx)],
        "derivative_transactions": [draw(d_transaction(period)) for _ in range(n_dtx)],
        "derivative_holdings": [draw(d_holding()) for _ in range(n_table2 - n_dtx)],
        "footnotes": [{"id": i, "text": draw(sentence())} for i in ids],
        "remarks": draw(st.one_of(st.none(), sentence(3, 20))),
        "signatures": [{"name": draw(st.sampled_from(["/s/ ", ""])) + f"{draw(st.sampled_from(GIVEN))} "
                               f"{draw(st.sampled_from(SURNAMES))}"
                               + draw(st.sampled_from(["", ", Attorney-in-Fact"])),
                        "date": period + dt.timedelta(days=draw(st.integers(0, 4)))}
                       for _ in range(draw(st.integers(1, 2)))],
    }
    if ids:        # marks on random cells, each pointing at a footnote that exists
        for sec, fields in MARKABLE.items():
            for row in rec[sec]:
                chosen = draw(st.lists(st.sampled_from(fields), max_size=3, unique=True))
                row["footnote_ids"] = {f: sorted(draw(st.lists(st.sampled_from(ids), min_size=1, max_size=2,
                                                               unique=True)), key=int) for f in chosen}
    return Record.model_validate(rec).model_dump(mode="python")


styles = st.builds(Style, st.booleans(), st.booleans(), st.booleans())

PROPERTY = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def read_back(rec: dict, style: Style) -> dict:
    text = render_form4(rec, style)
    note(text)
    ex = extract("generated.md", data=text.encode("utf-8"))
    assert ex.record is not None
    return ex.record.model_dump(mode="python")


def minimal_record(**owner: object) -> dict:
    """The smallest record: one owner, no table rows, no footnotes (for the explicit examples)."""
    base = {"name": "SMITH JOHN", "street1": "1 MAIN STREET", "street2": None, "city": "NEW YORK", "state": "NY",
            "zip_code": "10001", "is_director": True, "is_officer": False, "is_ten_percent_owner": False,
            "is_other": False, "officer_title": None, "other_text": None}
    return Record.model_validate({
        "document_type": "4", "period_of_report": dt.date(2024, 1, 2), "not_subject_to_section_16": False,
        "issuer": {"name": "ACME CORP", "trading_symbol": "ACME"}, "reporting_owners": [{**base, **owner}],
        "signatures": [{"name": "/s/ John Smith", "date": dt.date(2024, 1, 3)}]}).model_dump(mode="python")


@PROPERTY
@given(rec=records(), style=styles)
# Minimal failures the property found, fixed since; kept as regression cases that always run:
# 'NEW YORK NY 10001 (City) (State) (Zip)' was read as city 'NEW YORK NY 10001', state and zip null;
@example(rec=minimal_record(), style=Style())
# 'Other (specify below) <u>CFO</u> <u>See Remarks</u>' was read as officer_title null, other_text 'CFO See Remarks'.
@example(rec=minimal_record(is_officer=True, officer_title="CFO", is_other=True, other_text="See Remarks"),
         style=Style())
def test_text_rendering_reads_back_as_the_same_record(rec, style):
    got = read_back(rec, style)
    diffs = differences(page_view(rec), page_view(got), was="rendered", now="read")
    assert not diffs, "the record read back differs from the one rendered:\n  " + "\n  ".join(diffs[:25])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 255), min_size=1, max_size=400), st.sampled_from([3, 50, 75, 90, 97]))
def test_grey_percentile_is_numpys_to_the_bit(levels, q):
    """The page's paper level is taken from the grey levels' histogram, not a sort (imageprep):
    it must give np.percentile's value exactly, or a rule mask would move by a pixel."""
    import numpy as np
    from extractor.sources.imageprep import grey_percentile
    a = np.array(levels, dtype=np.uint8).reshape(1, -1)
    assert grey_percentile(a, q) == float(np.percentile(a, q))
