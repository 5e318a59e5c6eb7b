"""OCR repair candidates: every reading offered is a valid value of its type, and a value damaged
by the confusions OCR makes is offered back. Pure functions, no OCR: fast."""
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from extractor.repair import ALPHABETS, CONFUSIONS, KINDS, MAX_SWAPS, candidates
from extractor.values import TRANSACTION_CODES, parse

# what OCR may read each printed character as
_READS: dict[str, list[tuple[str, float]]] = {}
for printed, read, cost in CONFUSIONS:
    _READS.setdefault(printed, []).append((read, cost))


@st.composite
def rendered(draw):
    """(kind, text as printed, the value it stands for)."""
    kind = draw(st.sampled_from(["number", "money", "date", "code", "ad_code", "ownership_form", "mark"]))
    if kind in ("number", "money"):
        whole = draw(st.integers(0, 99_999_999))
        decimals = draw(st.sampled_from(["", "", ".5", ".25", ".0001", ".8452"]))
        text = f"{whole:,}{decimals}"
        if kind == "money":
            text = "$" + text
        return kind, text, Decimal(f"{whole}{decimals}")
    if kind == "date":
        d = draw(st.dates(min_value=date(1995, 1, 1), max_value=date(2035, 12, 31)))
        return kind, d.strftime("%m/%d/%Y"), d.isoformat()
    if kind == "code":
        c = draw(st.sampled_from(sorted(TRANSACTION_CODES)))
        return kind, c, c
    if kind == "ad_code":
        c = draw(st.sampled_from("AD"))
        return kind, c, c
    if kind == "ownership_form":
        c = draw(st.sampled_from("DI"))
        return kind, f"({c})", c
    n = draw(st.integers(1, 40))
    return kind, f"({n})", f"({n})"


@st.composite
def damaged(draw):
    """A printed value with one or two OCR confusions applied: (kind, OCR text, value, cost). At
    most MAX_SWAPS of them turn a valid character into another valid one (a digit into a digit):
    the documented bound of the search."""
    kind, text, value = draw(rendered())
    spots = [i for i, ch in enumerate(text) if ch in _READS]
    cost, swaps = 0.0, 0
    for i in sorted(draw(st.lists(st.sampled_from(spots), min_size=1, max_size=2, unique=True)) if spots else [],
                    reverse=True):
        read, c = draw(st.sampled_from(_READS[text[i]]))
        swaps += all(ch in ALPHABETS[kind] and ch.isalnum() for ch in read)
        text = text[:i] + read + text[i + 1:]
        cost += c
    assume(swaps <= MAX_SWAPS)
    return kind, text, value, cost


@settings(max_examples=300, deadline=None)
@given(damaged())
def test_a_value_damaged_by_ocr_confusions_is_offered_back(case):
    """The repair must be able to undo the confusions it knows, at no more than their cost; a
    search that gives up early or mis-orders costs would miss the printed value."""
    kind, text, value, cost = case
    got = candidates(text, kind, max_cost=max(2.0, cost + 0.01), limit=200)
    match = [r for r in got if str(r.value) == str(value)]
    assert match, f"{text!r} ({kind}) should offer {value!r}; got {[r.text for r in got]}"
    assert match[0].cost <= cost + 1e-6


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(KINDS), st.text(alphabet="0123456789OolIiSsB8$.,/()|-ADVSPMXCabc ", max_size=12))
def test_every_candidate_parses_as_its_kind_cheapest_first(kind, text):
    """Whatever OCR gave, what comes back is a valid value of the kind (the validator can rely on
    it), ordered by cost, within the cost limit, one per distinct reading."""
    got = candidates(text, kind, max_cost=2.0)
    costs = [r.cost for r in got]
    assert costs == sorted(costs) and all(0.0 <= c <= 2.0 + 1e-9 for c in costs)
    assert len({(str(r.value), r.marks) for r in got}) == len(got)
    for r in got:
        if kind == "mark":
            assert r.value == r.text
        else:
            head = r.text[: len(r.text) - sum(len(m) + 2 for m in r.marks)]
            assert parse(kind, head).value == r.value


@pytest.mark.parametrize("text,kind,want_value,want_marks", [
    ("5", "code", "S", ()),                     # a code cell holds letters: "5" is an S
    ("S", "number", Decimal(5), ()),            # ... and a share count digits
    ("(0)", "ownership_form", "D", ()),         # "(D)" read as "(0)"
    ("(1)", "ownership_form", "I", ()),         # "(I)" read as "(1)"
    ("S(l)", "code", "S", ("1",)),              # the mark "(1)" read as "(l)"
    ("$9O.8452", "money", Decimal("90.8452"), ()),
    ("S90.8452", "money", Decimal("90.8452"), ()),   # "$" read as "S"
    ("$90,8452", "money", Decimal("90.8452"), ()),   # decimal point read as a comma
    ("06i01/2012", "date", "2012-06-01", ()),   # "/" read as "i"
    ("l,234", "number", Decimal(1234), ()),
    ("}$90.8452", "money", Decimal("90.8452"), ()),  # a speck glued to the front
    ("|v", "flag", True, ()),
])
def test_known_ocr_misreads_are_repaired_first(text, kind, want_value, want_marks):
    """Misreads seen in the corpus scans: the right reading must be the cheapest repair."""
    best = candidates(text, kind)[0]
    assert (best.value, best.marks) == (want_value, want_marks)
    assert best.cost > 0 and best.edits


def test_text_that_already_parses_comes_first_at_no_cost():
    """A clean reading is not 'repaired': it comes first at cost 0, alternatives after it."""
    got = candidates("1,234", "number")
    assert got[0].text == "1,234" and got[0].cost == 0.0 and got[0].edits == ()
    assert all(r.cost > 0 for r in got[1:])


def test_free_text_is_never_repaired():
    """Names and titles have no type to check a repair against: no candidates."""
    assert candidates("Hoffrnan Reid", "text") == []
