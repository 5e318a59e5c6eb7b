"""Value parsers (extractor/values.py): typed values from cell text, with how well the text fits.

Guards against the wrong answers that look plausible: 1,415,167 read as 1415.167, a misgrouped
'1,2345' read as 12345, 07/02/2010 read as 7 Feb, junk read as a number with a high fit, a footnote
mark read as part of the value.
"""
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from extractor import values

amounts = st.decimals(min_value=0, max_value=10**12, places=4, allow_nan=False, allow_infinity=False)


@given(amounts)
def test_number_with_thousands_separators_round_trips(d):
    text = format(d, ",f")                      # how the form prints it: 1,415,167.25
    p = values.parse_number(text)
    assert p.value == d and p.fit == 1.0, (text, p)


@given(amounts)
def test_money_with_dollar_sign_round_trips(d):
    p = values.parse_money("$" + format(d, ",f"))
    assert p.value == d and p.fit == 1.0


@given(st.integers(1000, 10**12))
def test_number_without_separators_parses_with_lower_fit(n):
    p = values.parse_number(str(n))
    assert p.value == Decimal(n) and 0 < p.fit < 1.0     # read, but flagged as not the printed format


@pytest.mark.parametrize("text", ["1,2345", "12,34", "1.234,56", "1,234,56", "12a", "--5", "1 000 000 x", "N/A"])
def test_malformed_numbers_are_rejected(text):
    p = values.parse_number(text)
    assert p.value is None and p.fit == 0.0, p


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=12))
def test_text_with_a_letter_is_never_a_number(text):
    assume(any(c.isalpha() for c in text))
    p = values.parse_number(text)
    assert p.value is None and p.fit == 0.0


@given(st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)))
def test_printed_dates_round_trip(d):
    p = values.parse_date(d.strftime("%m/%d/%Y"))    # month first: 07/02/2010 is 2 July
    assert p.value == d.isoformat() and p.fit == 1.0


@given(st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)))
def test_unpadded_dates_parse_with_lower_fit(d):
    assume(d.month < 10 or d.day < 10)
    p = values.parse_date(f"{d.month}/{d.day}/{d.year}")
    assert p.value == d.isoformat() and 0 < p.fit < 1.0


@pytest.mark.parametrize("text", ["02/30/2020", "13/01/2020", "00/10/2020", "2020/01/02", "1/2/20", "Date", "07-02-2010x"])
def test_impossible_or_malformed_dates_are_rejected(text):
    p = values.parse_date(text)
    assert p.value is None and p.fit == 0.0, p


@given(st.text(max_size=15))
def test_junk_is_never_a_date_with_fit(text):
    p = values.parse_date(text)
    assert (p.value is None) == (p.fit == 0.0 or not text.strip())
    if p.value is not None:
        dt.date.fromisoformat(p.value)      # whatever it returns is a real date


@pytest.mark.parametrize("code", list("PSVADFIMCEHOXGLWZJKU"))
def test_every_transaction_code_is_accepted(code):
    assert values.parse_code(code) == values.Parsed(code, 1.0)


@pytest.mark.parametrize("text", ["B", "Y", "PS", "1", "Code"])
def test_other_codes_are_rejected(text):
    assert values.parse_code(text).fit == 0.0


@pytest.mark.parametrize("parser,good,bad", [
    (values.parse_ad_code, "AD", ["B", "AD", "I"]),
    (values.parse_ownership_form, "DI", ["A", "DI", "X"]),
])
def test_one_letter_codes(parser, good, bad):
    for c in good:
        assert parser(c).value == c and parser(f"({c})").value == c   # "(D)" as some renderings print it
    for b in bad:
        assert parser(b).value is None and parser(b).fit == 0.0


def test_v_flag():
    assert values.parse_flag("V").value is True
    assert values.parse_flag("").value is False          # an empty V cell: not voluntarily reported
    assert values.parse_flag("X").fit == 0.0


@pytest.mark.parametrize("text,value,marks", [
    ("757,756 (1)", "757,756", ["1"]),
    ("$156.11 (1)(2)", "$156.11", ["1", "2"]),
    ("By Trust (2) (3)", "By Trust", ["2", "3"]),
    ("(4)", "", ["4"]),
    ("Rule 10b5-1(c)", "Rule 10b5-1(c)", []),           # a letter in brackets is text, not a mark
    ("Section 16(a) filer", "Section 16(a) filer", []),
])
def test_split_marks_takes_trailing_marks_off_the_value(text, value, marks):
    assert values.split_marks(text) == (value, marks)
