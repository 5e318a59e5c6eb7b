"""Which words are the junk of text lines Tesseract ran together, and what is read again for them
(sources/merged_lines.py). Tesseract itself is exercised on the corpus scans in test_ocr.py."""
from extractor.sources.merged_lines import _regions, junk_of_merged_lines
from extractor.sources.tesswords import RawWord

DPI = 200


def word(text, x0, top, x1, bottom, conf=0.95, line=0):
    return RawWord(text, (x0, top, x1, bottom), conf, bottom - 4, line=line)


def header_line():
    """A Table I header line as Tesseract read it with the rules taken out: the first cell's two
    lines run together into two-line-tall junk, the third cell read right."""
    return [
        word("pug", 100, 800, 160, 847, conf=0.08, line=3),
        word("nawelay", 170, 800, 330, 847, conf=0.0, line=3),
        word("Due", 500, 801, 600, 830, conf=0.56, line=3),
        word("Transaction", 800, 801, 890, 826, line=4),
        word("Code", 800, 830, 840, 855, line=4),
    ] + [word(f"word{k}", 100 + 60 * k, 1000, 150 + 60 * k, 1025, line=5) for k in range(8)]


RULES = [(90, 700, 96, 1200), (480, 700, 486, 1200), (780, 700, 786, 1200), (1000, 700, 1006, 1200)]


def test_junk_is_tall_and_unsure():
    """Words twice a line's height read at confidence near 0; not a word read well, a short one or
    a check mark's tall "X" (one character tells nothing), nor a word of normal height."""
    words = header_line() + [word("X", 900, 790, 930, 850, conf=0.1), word("10%", 940, 800, 990, 850, conf=0.9)]
    assert [w.text for w in junk_of_merged_lines(words)] == ["pug", "nawelay"]


def test_a_line_mostly_read_well_is_left_as_read():
    """The header line of a 150 dpi scan read well but for one cell ("2A. Deemed" as junk): that
    cell read again alone comes out a few points below the rest of the line, whose boxes Tesseract
    made as tall as two lines, and the header's first line no longer held three column numbers:
    Table I was lost (183 fields of datamule-0073)."""
    words = header_line()[1:] + [word(f"Ownership{k}", 1000 + 120 * k, 800, 1100 + 120 * k, 847, line=3) for k in range(3)]
    assert junk_of_merged_lines(words) == []


def test_junk_is_read_again_within_its_cell():
    """Between the rules either side (not across the page, where the neighbouring cells' lines
    would run together again); the cell's two junk words are read together, once."""
    words = header_line()
    regions = _regions(junk_of_merged_lines(words), words, RULES, DPI)
    assert len(regions) == 1
    x0, top, x1, bottom = regions[0]
    assert (x0, x1) == (96, 480)
    assert (top, bottom) == (800, 847)


def test_junk_without_rules_is_read_again_along_its_text_line():
    """Running text (footnotes) has no rules: its whole line is read again, not the junk word's
    own box, which cuts the words of the two lines it ran together in half."""
    words = header_line()
    regions = _regions(junk_of_merged_lines(words), words, [], DPI)
    assert [(r[0], r[2]) for r in regions] == [(100, 890)]


def test_a_span_between_rules_too_wide_for_a_cell_is_not_taken_for_one():
    words = header_line()
    far = [(90, 700, 96, 1200), (2000, 700, 2006, 1200)]       # 9.5 inches apart at 200 dpi
    regions = _regions(junk_of_merged_lines(words), words, far, DPI)
    assert [(r[0], r[2]) for r in regions] == [(100, 890)]
