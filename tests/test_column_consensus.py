"""Scanned table text cells put right by the copies of their text other rows read alike
(extractor/column_consensus.py), and only where the words changed are doubtful."""
from collections import Counter

import pytest

from extractor.candidate import Cand
from extractor.column_consensus import column_consensus
from extractor.ocr_repair import WORDY_RULES, text_repairs


def _draft(*natures: str, titles: tuple[str, ...] = ()) -> dict:
    rows = [{"nature_of_ownership": Cand(n, kind="text")} for n in natures]
    rows += [{"security_title": Cand(t, kind="text")} for t in titles]
    return {"non_derivative_transactions": rows}


def _fixed(draft: dict) -> dict[str, str]:
    return {path: text for path, _c, _read, text in column_consensus(draft)}


def test_a_garbled_copy_takes_the_text_its_column_reads_alike():
    d = _draft("By The Founders Fund IV, LP", "By The Founders Fund IV, LP", "By The Founders Fund IV, LP'",
               "By The Founders Fund IV ae Principals Fund, LP", "By The Founders Fund IV Principals Fund, LP",
               "By The Founders Fund IV Principals Fund, LP", "See foomote")
    assert _fixed(d) == {"non_derivative_transactions[2].nature_of_ownership": "By The Founders Fund IV, LP",
                         "non_derivative_transactions[3].nature_of_ownership":
                             "By The Founders Fund IV Principals Fund, LP"}


def test_a_word_garbled_beyond_the_character_ratio():
    d = _draft(titles=("Common Stock", "Common Stock", "Common srac", "Common Stock"))
    assert _fixed(d) == {"non_derivative_transactions[2].security_title": "Common Stock"}


@pytest.mark.parametrize("other", [
    "Class B Common Stock",        # a class letter for another: never
    "Series D Warrant",
    "Common Stock Units",          # a word the others lack: another security, not a misreading
    "By IRG, LLC",                 # clean words, however close
])
def test_a_clean_different_text_stays(other):
    majority = {"Class B Common Stock": "Class A Common Stock", "Series D Warrant": "Series E Warrant",
                "Common Stock Units": "Common Stock", "By IRG, LLC": "By CH Capital Lending, LLC"}[other]
    d = _draft(titles=(majority, majority, majority, other)) if "By" not in other else _draft(majority, majority, other)
    assert _fixed(d) == {}


def test_a_dash_read_for_words_is_no_class_letter():
    """"By The — Principals Fund, LP" (datamule-0142 at 300 dpi, Table II): the dash OCR made of
    "Founders Fund IV" is short, as a class letter is, and "IV" among the words it stands for is
    short too; it stayed, as if "A" were read for "B". A dash holds no letter or digit."""
    right = "By The Founders Fund IV Principals Fund, LP"
    d = _draft(right, right, "By The — Principals Fund, LP")
    assert _fixed(d) == {"non_derivative_transactions[2].nature_of_ownership": right}
    # a short word of letters for one is still a class or series, as before
    assert _fixed(_draft(right, right, "By The B Principals Fund, LP")) == {}


def test_one_other_copy_is_no_majority():
    assert _fixed(_draft("By Trust", "By Trust'")) == {}


@pytest.mark.parametrize("read, fixed", [
    ("By The Founders Fund IV, Lp", "By The Founders Fund IV, LP"),    # small capitals read lower case
    ("Co-Investor Cos", "Co-Investor Cos"),                            # words
    ("held by Mr. Su", "held by Mr. Su"),                              # two letters ending in u or o: names
])
def test_an_abbreviation_in_small_capitals(read, fixed):
    assert text_repairs(read, WORDY_RULES)[0] == fixed


def test_an_english_word_read_with_low_confidence_is_doubtful_too():
    """"By The Rounders Fund IV, LP": "Rounders" is a word, but Tesseract read it at 0.41; read
    cleanly (0.95) it would stand as another text."""
    from extractor.flow import Tok, norm
    from extractor.geometry import BBox
    from extractor.page import Word

    def cell(text: str, conf: float) -> Cand:
        toks = [Tok(k, Word(w, BBox(0, 0, 1, 1), 1, conf=conf if w == "Rounders" else 0.96), norm(w), 0, 0, 1, 1)
                for k, w in enumerate(text.split())]
        return Cand(text, toks, text, kind="text")

    right = "By The Founders Fund IV, LP"
    for conf, fixed in ((0.41, {"non_derivative_transactions[2].nature_of_ownership": right}), (0.95, {})):
        rows = [{"nature_of_ownership": Cand(right, kind="text")} for _ in range(2)]
        rows.append({"nature_of_ownership": cell("By The Rounders Fund IV, LP", conf)})
        assert _fixed({"non_derivative_transactions": rows}) == fixed


def test_marks_a_cell_lost_are_those_its_column_gives_the_same_text():
    from extractor.column_consensus import column_marks

    def row(text: str, marks: list[str]) -> dict:
        r = {"nature_of_ownership": Cand(text, kind="text")}
        if marks:
            r["footnote_ids"] = {"nature_of_ownership": Cand(marks, kind="marks")}
        return r

    fund = "By The Founders Fund IV, LP"
    rows = [row(fund, ["1"]), row(fund, ["1"]), row(fund, []), row(fund, ["1"]), row("By Trust", [])]
    got = column_marks({"non_derivative_transactions": rows})
    assert [(p, m) for p, _c, m, _s in got] == [("non_derivative_transactions[2].nature_of_ownership", ("1",))]
    # a cell with other marks keeps them (added to, never taken from); two of four is no majority
    rows = [row(fund, ["1"]), row(fund, ["1"]), row(fund, ["7"]), row(fund, [])]
    assert column_marks({"non_derivative_transactions": rows}) == []


def test_a_sale_code_without_the_mark_its_column_gives_every_other_s_gets_it():
    """The 10b5-1 footnote on every sale's 'S(1)': the scan loses the mark of a few rows, which
    came out with no footnote at 0.88. In the corpus's truth 403 repeated codes carry their
    majority's marks and none lacks them; another code, or a code with its own mark, is left."""
    from extractor.column_consensus import column_marks
    from extractor.values import parse

    def row(code: str, marks: list[str], price: str = "$10.00") -> dict:
        r = {"transaction_code": Cand(code, kind="code"), "price_per_share": Cand(parse("money", price).value)}
        r["footnote_ids"] = {"transaction_code": Cand(marks, kind="marks")}
        return r

    rows = [row("S", ["1"]), row("S", ["1"]), row("S", []), row("M", []), row("S", ["1"], "$11.00")]
    got = column_marks({"non_derivative_transactions": rows})
    assert [(p, m) for p, _c, m, _s in got] == [("non_derivative_transactions[2].transaction_code", ("1",))]


def test_part_of_a_run_of_marks_gets_the_whole_run_two_cells_read():
    """'See Footnotes(1)(2)(3)(4)' on every row; the scan reads the whole run on two rows and
    '(1)' or '(2)(3)(4)' on the others, with no majority for any one reading. A cell that read
    part of the run gets the rest; an empty cell does not (it needs a majority: the corpus has
    cells of a repeated value rightly without the marks others carry)."""
    from extractor.column_consensus import column_marks

    def row(marks: list[str]) -> dict:
        return {"nature_of_ownership": Cand("See Footnotes", kind="text"),
                "footnote_ids": {"nature_of_ownership": Cand(marks, kind="marks")}}

    run = ["1", "2", "3", "4"]
    rows = [row(run), row(["1"]), row(["2", "3", "4"]), row(run), row([]), row(["1"])]
    got = {p: m for p, _c, m, _s in column_marks({"non_derivative_transactions": rows})}
    assert got == {"non_derivative_transactions[1].nature_of_ownership": ("2", "3", "4"),
                   "non_derivative_transactions[2].nature_of_ownership": ("1",),
                   "non_derivative_transactions[5].nature_of_ownership": ("2", "3", "4")}
    # read whole once only: no evidence the run is whole
    rows = [row(run), row(["1"]), row(["1"]), row(["2"])]
    assert column_marks({"non_derivative_transactions": rows}) == []


def test_an_empty_cell_without_the_mark_its_columns_empty_cells_carry_gets_it():
    """A warrant's date exercisable is '(1)' alone on every row (told in footnote 1); the 150 dpi
    scan loses it on some. In the corpus's truth the empty cells of a column agree on their
    marks 557 times, and none lacks them."""
    from extractor.column_consensus import column_marks

    def row(marks: list[str]) -> dict:
        return {"exercise_date": Cand(None, kind="date"), "footnote_ids": {"exercise_date": Cand(marks, kind="marks")}}

    rows = [row(["1"]), row(["1"]), row([]), row(["1"])]
    got = column_marks({"derivative_transactions": rows})
    assert [(p, m) for p, _c, m, _s in got] == [("derivative_transactions[2].exercise_date", ("1",))]


def test_a_cell_takes_the_final_text_of_a_reading_that_is_itself_replaced():
    """'See Foomotest" —' is closest to 'See Foomotest', which two cells read, and those two take
    'See Footnotes' from the rest of the column: so does it, not the garbled reading."""
    from extractor.column_consensus import column_consensus

    def row(text: str) -> dict:
        return {"nature_of_ownership": Cand(text, kind="text")}

    texts = ["See Footnotes"] * 5 + ["See Foomotest", "See Foomotest", 'See Foomotest" —']
    rows = [row(t) for t in texts]
    got = {p: new for p, _c, _old, new in column_consensus({"non_derivative_transactions": rows})}
    assert got["non_derivative_transactions[7].nature_of_ownership"] == "See Footnotes"
    assert got["non_derivative_transactions[5].nature_of_ownership"] == "See Footnotes"


def _note(text: str, low: tuple[str, ...] = ()) -> dict:
    """A footnote as a scan reads it: each word at 0.96, those in `low` at 0.3."""
    from extractor.flow import Tok, norm
    from extractor.geometry import BBox
    from extractor.page import Word
    toks = [Tok(k, Word(w, BBox(0, 0, 1, 1), 1, conf=0.3 if w in low else 0.96), norm(w), 0, 0, 1, 1)
            for k, w in enumerate(text.split())]
    return {"text": Cand(text, toks, text, kind="text")}


_WEIGHTED = ("The price reported in Column 4 is a weighted average price. These shares were sold in multiple "
             "transactions at prices ranging from ${} to ${}, inclusive. The reporting person undertakes to "
             "provide to the issuer, any security holder of the issuer, or the staff of the Securities and "
             "Exchange Commission, upon request, full information regarding the number of shares sold at each "
             "separate price within the range set forth in this footnote.")


def _notes_fixed(notes: list[dict]) -> dict[str, str]:
    from extractor.column_consensus import note_consensus
    return {path: text for path, _c, _read, text in note_consensus({"footnotes": notes})}


def test_a_garbled_note_takes_the_words_its_sibling_notes_read_alike():
    """datamule-0290 at 300 dpi: 'Exchange C i upon req full' and 'the tage ak Gan Goes Soon.' in
    two of a filing's seventeen weighted-average notes; its own prices stay its own."""
    notes = [_note(_WEIGHTED.format(f"98{k}.10", f"98{k}.90")) for k in range(3)]
    garbled = (_WEIGHTED.format("991.680", "992.450").replace("Commission, upon request,", "C i upon req")
               .replace("range set forth in this footnote.", "tage ak Gan Goes Soon."))
    notes.append(_note(garbled, low=("Gan", "Goes", "Soon.")))
    assert _notes_fixed(notes) == {"footnotes[3].text": _WEIGHTED.format("991.680", "992.450")}


def test_one_sibling_note_is_no_majority():
    notes = [_note(_WEIGHTED.format("1.10", "1.90")), _note(_WEIGHTED.format("2.10", "2.90").replace("request,", "req"))]
    assert _notes_fixed(notes) == {}


@pytest.mark.parametrize("mine, theirs", [
    ("Non-Exempt", "GST Exempt"),      # clean words: another trust, not a misreading
    ("Masala.", "Manager HoldCo."),    # a name, capitalised, read cleanly
    ("Persons'", "Person's"),          # an apostrophe is prose
])
def test_a_clean_word_sibling_notes_read_otherwise_stays(mine, theirs):
    base = "The shares are held by the 2020 Fintail Irrevocable {} Trust f/b/o Child 1 for which the reporting person is trustee."
    notes = [_note(base.format(theirs)) for _ in range(3)] + [_note(base.format(mine))]
    assert _notes_fixed(notes) == {}


def test_no_footnote_as_filed_is_changed_by_its_siblings():
    """Every truth record's footnotes, read cleanly (0.96 a word), are left as filed: in 1,448
    notes siblings differ in names ("FFIIM" / "FFIIIM"), trusts, and where a note ends."""
    import json
    from pathlib import Path
    root = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
    total, changed = 0, []
    for f in sorted(root.glob("**/truth.json")):
        t = json.loads(f.read_text())
        notes = [_note(n["text"]) for n in t.get("record", t).get("footnotes") or [] if n.get("text")]
        total += len(notes)
        changed += [(f.parent.name, p) for p in _notes_fixed(notes)]
    assert total > 1000 and changed == []


def test_part_of_a_run_gets_the_run_read_whole_most_often_even_beside_a_misread_one():
    """rsecbuy-0170 at 150 dpi: "See Footnote (2)(3)" on 21 rows, read "(2)" on 5, "(3)" on 3,
    "(2)(3)" on 3 and "(1)(2)" on 2. The union of all (1, 2, 3) was read whole by none, so no cell
    was completed; the run read whole most often is (2)(3)."""
    from extractor.column_consensus import _whole_run
    counts = Counter({("2",): 5, ("3",): 3, ("2", "3"): 3, ("1", "2"): 2, (): 5})
    assert _whole_run(("2",), counts) == ("2", "3") and _whole_run(("3",), counts) == ("2", "3")
    assert _whole_run(("2", "3"), counts) is None                      # nothing larger read twice
    tie = Counter({("2",): 5, ("2", "3"): 2, ("1", "2"): 2})
    assert _whole_run(("2",), tie) is None                             # two runs read as often: no guess


def test_no_filed_mark_is_added_by_the_column_rules_but_the_eight_known():
    """Every truth record's table cells with their filed marks: the column rules add marks to 8
    cells (repeated holdings and prices a filing footnotes once), and no more."""
    import json
    from pathlib import Path
    from extractor.column_consensus import column_marks
    from extractor.validate import ROW_SECTIONS
    root = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
    added = 0
    for f in sorted(root.glob("**/truth.json")):
        t = json.loads(f.read_text())
        rec = t.get("record", t)
        draft = {sec: [{**{k: Cand(v, kind="text") for k, v in r.items() if k != "footnote_ids"},
                        "footnote_ids": {k: Cand(v) for k, v in (r.get("footnote_ids") or {}).items()}}
                       for r in rec.get(sec) or []] for sec in ROW_SECTIONS}
        added += len(column_marks(draft))
    assert added <= 8


def test_a_title_read_in_another_order_takes_the_order_its_column_reads():
    """edgartools-0006 at 150 dpi: a wrapped "Class A Common Stock" came out "Class Common Stock A"
    and "A Common Stock Class" beside rows that read it in order."""
    d = _draft(titles=("Class A Common Stock", "Class A Common Stock", "Class A Common Stock", "Class Common Stock A"))
    assert _fixed(d) == {"non_derivative_transactions[3].security_title": "Class A Common Stock"}


def test_no_two_titles_as_filed_are_the_same_words_in_another_order():
    """The word-order rule changes no filed text: no column of the corpus's truth holds two texts
    of the same words in different orders."""
    import json
    from pathlib import Path
    from extractor.column_consensus import GROUPS, _same_words
    from extractor.validate import ROW_SECTIONS
    root = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
    texts, pairs = 0, []
    for f in sorted(root.glob("**/truth.json")):
        rec = json.loads(f.read_text())
        rec = rec.get("record", rec)
        for group in GROUPS:
            column = {r[k] for sec in ROW_SECTIONS for r in rec.get(sec) or [] for k in group if r.get(k)}
            texts += len(column)
            pairs += [(f.parent.name, a, b) for a in column for b in column if a < b and _same_words(a, b)]
    assert texts > 800 and pairs == []


@pytest.mark.parametrize("read, fixed", [
    ("See Footnote coy i}", "See Footnote"),       # rsecbuy-0170 at 150 dpi: its "(2)(3)" misread
    ("See Footnote!® oe", "See Footnote"),
    ("See Footnote II", None),                      # a name's ending is no mark's remains
    ("See Footnote A", None),
    ("See Footnote, Inc.", None),
    ("See Footnotes", None),                        # the last word read on
])
def test_a_text_its_column_reads_with_its_marks_remains_after_it_takes_that_text(read, fixed):
    d = _draft("See Footnote", "See Footnote", "See Footnote", read)
    assert _fixed(d).get("non_derivative_transactions[3].nature_of_ownership") == fixed


def test_no_filed_text_is_another_of_its_column_with_junk_after_it():
    import json
    from pathlib import Path
    from extractor.column_consensus import GROUPS, _junk_after
    from extractor.validate import ROW_SECTIONS
    root = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
    pairs = []
    for f in sorted(root.glob("**/truth.json")):
        rec = json.loads(f.read_text())
        rec = rec.get("record", rec)
        for group in GROUPS:
            column = {r[k] for sec in ROW_SECTIONS for r in rec.get(sec) or [] for k in group if r.get(k)}
            pairs += [(f.parent.name, a, b) for a in column for b in column if _junk_after(a, b)]
    assert pairs == []


def test_marks_a_minority_of_the_values_cells_read_are_added_less_surely():
    """rsecbuy-0210 at 150 dpi: 'See Footnotes (1)(2)(3)(4)' read (1)(2)(4), (1)(4) twice, (2)(4)
    and (1); the (1) was completed to (1)(4), two of five readings, and came out at 0.95."""
    from extractor.column_consensus import column_marks

    def row(marks: list[str]) -> dict:
        return {"nature_of_ownership": Cand("See Footnotes", kind="text"),
                "footnote_ids": {"nature_of_ownership": Cand(marks, kind="marks")}}

    rows = [row(["1", "2", "4"]), row(["1"]), row(["1", "4"]), row(["1", "4"]), row(["2", "4"])]
    [(path, _c, marks, share)] = column_marks({"non_derivative_transactions": rows})
    assert path.endswith("[1].nature_of_ownership") and marks == ("4",) and share == 0.4


@pytest.mark.parametrize("column, read, fixed", [
    ("See Footnote", "See", "See Footnote"),        # rsecbuy-0170 at 150 dpi, twice: the rest lost
    ("By The Founders Fund IV, LP", "By The", "By The Founders Fund IV, LP"),
    ("Class A Common Stock", "Class A", None),      # a whole text may be the start of another
])
def test_a_text_cut_short_at_a_word_no_text_ends_with_takes_its_columns_text(column, read, fixed):
    d = _draft(column, column, column, read)
    assert _fixed(d).get("non_derivative_transactions[3].nature_of_ownership") == fixed


def test_no_filed_title_or_nature_ends_with_a_word_no_text_ends_with():
    import json
    from pathlib import Path
    from extractor.column_consensus import _DANGLING, GROUPS
    from extractor.validate import ROW_SECTIONS
    root = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
    ends = [r[k] for f in sorted(root.glob("**/truth.json")) for rec in [json.loads(f.read_text())]
            for sec in ROW_SECTIONS for r in rec.get("record", rec).get(sec) or [] for g in GROUPS for k in g if r.get(k)]
    assert len(ends) > 2000 and not [e for e in ends if e.split()[-1].lower() in _DANGLING]


@pytest.mark.parametrize("read, fixed", [
    ("lass A Common Stock", "Class A Common Stock"),    # its first letters lost against the cell's left rule
    ("ass A Common Stock", "Class A Common Stock"),
    ("s A Common Stock", None),                         # more than two letters: another text, perhaps
    ("lass B Common Stock", None),                      # and the rest must be the same to the character
])
def test_a_title_whose_first_letters_ocr_lost_takes_them_back(read, fixed):
    """"lass A Common Stock" at 200 dpi: "Cl" set tight against the cell's rule read as nothing.
    "lass" and "ass" are English words, so the doubtful-word vote left them."""
    d = _draft(titles=("Class A Common Stock", "Class A Common Stock", "Class A Common Stock", read))
    got = _fixed(d).get("non_derivative_transactions[3].security_title")
    assert got == fixed


@pytest.mark.parametrize("read, fixed", [
    ("See Soeeueae eran", "See Footnotes"),     # every word after "See" garbled past any ratio
    ("See @) Fooumee", "See Footnotes"),
    ("See i footnotes", "See Footnotes"),       # a scrap of a mark before the reference's word
    ("See Footnote 2.", None),                  # a number is no scrap: another note is meant
    ("See Trust", None),                        # a clean English word stays
    ("By Soeeueae eran", None),                 # only a reference: "By" names an owner of its own
])
def test_a_reference_garbled_after_its_see_takes_the_one_its_column_reads(read, fixed):
    """At 150 dpi "See Footnotes" read "See Soeeueae eran": too far from the text its column
    reads alike for the character ratio or the shared words, so it stayed junk."""
    d = _draft("See Footnotes", "See Footnotes", "See Footnotes", read)
    assert _fixed(d).get("non_derivative_transactions[3].nature_of_ownership") == fixed


def test_no_filed_title_or_nature_is_a_garbled_reference_of_another_in_its_column():
    import json
    from pathlib import Path
    from extractor.column_consensus import GROUPS, _reference_garbled
    from extractor.validate import ROW_SECTIONS
    root = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
    pairs, references = [], 0
    for f in sorted(root.glob("**/truth.json")):
        rec = json.loads(f.read_text())
        rec = rec.get("record", rec)
        for group in GROUPS:
            column = {r[k] for sec in ROW_SECTIONS for r in rec.get(sec) or [] for k in group if r.get(k)}
            references += sum(t.startswith("See ") for t in column)
            pairs += [(f.parent.name, a, b) for a in column for b in column if a != b and _reference_garbled(a, b, None)]
    assert references > 50 and pairs == []
