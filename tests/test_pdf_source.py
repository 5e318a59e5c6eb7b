"""The fast PDF text path (pypdfium2 characters -> words, extractor/sources/pdf.py) must give the
words pdfplumber's `extract_words(use_text_flow=True)` gives: that is the condition for using it
(it is ~10x faster, see `make bench`).

Compared per page as multisets of word texts, footnote marks split off on both sides
(bench/word_agreement.py: the fast path splits a superscript mark off its value on purpose).
Known differences, each only a different word boundary over the same characters:
- pdfplumber glues words of adjacent cells whose gap is under its 3 pt tolerance ('BENTONVILLEAR',
  'Attorney-In-Fact04/03/2012'); pdfium marks the cell gap with a generated space, so the fast path
  splits them: the fast path is right.
- pdfium drops a space glyph that overlaps the letter before it (tight text); the fast path puts the
  break back between capitals from the gap (`_dropped_space`: 'PENNSYLVANIA AVE' in
  samples/form4-multi-owner.pdf, 'A Auction' in the corpus), so this one no longer shows.
- Chromium draws 'T' and 'ransaction' as two runs with another cell's text between them in the
  content stream; the fast path, in stream order, splits the word (corpus rsecbuy-0403).
"""
from pathlib import Path

import pytest

from bench.word_agreement import page_agreement
from extractor.sources.pdf import plumber_words, read_pdf_pages

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_PDFS = sorted((ROOT / "samples").glob("*.pdf"))
CORPUS_FORM4 = ROOT / ".." / "shared" / "corpus" / "form4"
MIN_SHARE = 0.999

# sample -> (fast-path words, pdfplumber words) that are known to differ, see the docstring
KNOWN: dict[str, tuple[set[str], set[str]]] = {}


def agreements(pdf: Path):
    data = pdf.read_bytes()
    pages, _ = read_pdf_pages(data)
    return [page_agreement([w.text for w in p.words], [w.text for w in plumber_words(data, i)[0]])
            for i, p in enumerate(pages)]


@pytest.mark.parametrize("pdf", SAMPLE_PDFS, ids=lambda p: p.name)
def test_fast_path_gives_pdfplumbers_words(pdf):
    ours_known, ref_known = KNOWN.get(pdf.name, (set(), set()))
    common = size = 0
    for n, ag in enumerate(agreements(pdf), start=1):
        assert ag.same_chars, f"page {n}: characters lost or invented"
        unexplained = ([w for w in ag.ours_only if w not in ours_known], [w for w in ag.ref_only if w not in ref_known])
        assert unexplained == ([], []), f"page {n}: fast path only {unexplained[0][:10]}, pdfplumber only {unexplained[1][:10]}"
        explained = len(ag.ours_only) + len(ag.ref_only) - len(unexplained[0]) - len(unexplained[1])
        common += ag.common + explained         # allowing the named known differences
        size += ag.size
    assert common / size >= MIN_SHARE


def test_superscript_mark_is_split_off_its_value():
    """'757,756(1)' in the PDF: the value and its mark are separate words, the mark flagged `sup`."""
    pages, _ = read_pdf_pages((ROOT / "samples" / "form4-edgar-render.pdf").read_bytes())
    words = pages[0].words
    i = next(k for k, w in enumerate(words) if w.text == "757,756")
    assert (words[i + 1].text, words[i + 1].sup) == ("(1)", True)
    assert words[i].sup is not True


@pytest.mark.slow
def test_fast_path_agrees_on_the_corpus():
    """Every 6th case of the form4 corpus (~60 pages): the same characters on every page, and
    at least 99.9 % identical words counting every difference (all of `make bench` measured 99.97 %)."""
    pdfs = sorted(CORPUS_FORM4.glob("*/form.pdf"))[::6]
    assert pdfs, f"no corpus at {CORPUS_FORM4}"
    common = size = 0
    for pdf in pdfs:
        for n, ag in enumerate(agreements(pdf), start=1):
            assert ag.same_chars, f"{pdf.parent.name} page {n}: characters lost or invented"
            common += ag.common
            size += ag.size
    assert common / size >= MIN_SHARE, f"{common / size:.4%} of {size} words identical"
