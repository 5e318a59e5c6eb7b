"""Text renderings (extractor/sources/text.py): markup undone, cells kept apart, marks recognised.

Guards against markup leaking into values ('\\$17', '<u>TSLA</u>'), a checked box read as unchecked
(or a ticker '[X]' read as a checkbox), a footnote mark glued into a number ('757,756(1)') or a
'(b)' in 'Instruction 1(b)' taken for a mark, and cells of a row run together.
"""
import pytest

from extractor.sources.text import CHECKED, UNCHECKED, clean_line, read_text_pages


@pytest.mark.parametrize("line,tokens", [
    ("\\$17", ["$17"]),                                              # escaped dollar
    ("Price \\$1,026.10", ["Price", "$1,026.10"]),
    ("<u>TESLA MOTORS INC [TSLA]</u>", ["TESLA", "MOTORS", "INC", "[TSLA]"]),
    ("<u>Pres,Prod Architect & Director</u>", ["Pres,Prod", "Architect", "&", "Director"]),
    ("President&nbsp;and CEO", ["President", "and", "CEO"]),             # a non-breaking space is a space
    ("**Bold** text", ["Bold", "text"]),
    ("## Table I", ["Table", "I"]),
])
def test_markup_is_removed(line, tokens):
    assert clean_line(line).split() == tokens


@pytest.mark.parametrize("line,tokens", [
    ('<input checked="" type="checkbox"/> Director', [CHECKED, "Director"]),
    ('<input type="checkbox"/> Director', [UNCHECKED, "Director"]),
    ("[x] Director [ ] 10% Owner", [CHECKED, "Director", UNCHECKED, "10%", "Owner"]),
    ("[X] Officer (give title below)", [CHECKED, "Officer", "(give", "title", "below)"]),
    ("☒ Director ☐ Officer", [CHECKED, "Director", UNCHECKED, "Officer"]),
    ("✓ Director", [CHECKED, "Director"]),
    ("UNITED STATES STEEL CORP [X]", ["UNITED", "STATES", "STEEL", "CORP", "[X]"]),   # a ticker, not a box
])
def test_checkboxes_in_every_written_form(line, tokens):
    assert clean_line(line).split() == tokens


@pytest.mark.parametrize("line,tokens", [
    ("757,756⁽¹⁾", ["757,756", "⁽1⁾"]),
    ("757,756 ⁽¹⁾⁽²⁾", ["757,756", "⁽1⁾", "⁽2⁾"]),
    ("757,756¹", ["757,756", "⁽1⁾"]),
    ("D(1)", ["D", "⁽1⁾"]),
    ("Stock Option (right to buy)(1)", ["Stock", "Option", "(right", "to", "buy)", "⁽1⁾"]),
    ("Rule 16a-1(a)(4)", ["Rule", "16a-1(a)(4)"]),                     # a citation, not a mark
    ("\\$156.11(12)", ["$156.11", "⁽12⁾"]),
    ("1,057<sup>2</sup>", ["1,057", "⁽2⁾"]),
    ("<sup>(3)</sup>", ["⁽3⁾"]),
    ("See Instruction 1(b).", ["See", "Instruction", "1(b)."]),         # a letter: not a mark
    ("Rule 10b5-1(c)", ["Rule", "10b5-1(c)"]),
    ("(Instr. 3)", ["(Instr.", "3)"]),
])
def test_footnote_marks_in_every_written_form(line, tokens):
    assert clean_line(line).split() == tokens


def test_mark_becomes_a_superscript_word_of_its_own():
    words = read_text_pages("Common Stock\t757,756⁽¹⁾\tC(2)")[0].words
    assert [(w.text, w.sup) for w in words] == [("Common", None), ("Stock", None), ("757,756", None),
                                                ("(1)", True), ("C", None), ("(2)", True)]


def test_tab_cells_start_at_cell_boundaries():
    """Each tab cell starts a new cell (cell_break), on a grid wide enough for the longest cell:
    a long cell never reaches into the next column."""
    rows = "Common Stock\t07/02/2010\tC\nSeries A Preferred Stock Convertible\t\tX"
    words = read_text_pages(rows)[0].words
    breaks = [w.text for w in words if w.cell_break]
    assert breaks == ["Common", "07/02/2010", "C", "Series", "X"]
    date = next(w for w in words if w.text == "07/02/2010")
    longest_end = max(w.bbox.x1 for w in words if w.line == 2 and w.text != "X")
    assert date.bbox.x0 > longest_end
    code_col = {round(w.bbox.x0) for w in words if w.text in ("C", "X")}
    assert len(code_col) == 1                      # third cell of both rows: the same column


def test_runs_of_spaces_keep_their_width():
    """`pdftotext -layout` dumps separate cells by runs of spaces: the gap must stay wider than a word gap."""
    words = read_text_pages("Common Stock        07/02/2010    C")[0].words
    x = {w.text: w.bbox for w in words}
    word_gap = x["Stock"].x0 - x["Common"].x1
    assert x["07/02/2010"].x0 - x["Stock"].x1 > 5 * word_gap
    assert x["C"].x0 - x["07/02/2010"].x1 > 3 * word_gap


def test_pipe_tables_become_cells():
    assert clean_line("| Common Stock | 07/02/2010 |") == "Common Stock\t07/02/2010"
    assert clean_line("|---|:---:|") == ""


def test_form_feed_starts_a_page():
    pages = read_text_pages("page one\n\fpage two\n\f")
    assert [[w.text for w in p.words] for p in pages] == [["page", "one"], ["page", "two"]]
