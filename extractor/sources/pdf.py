"""PDF text layer -> page model, through pypdfium2's character boxes.

pdfplumber is the reference word extractor, but on these pages it costs ~200 ms a page while
pypdfium2 gives the same characters with boxes in ~10 ms. `chars_to_words` groups characters into
words with pdfplumber's own rule (x/y tolerance 3 pt, whitespace splits), so both give the same
words; `bench/` and `tests/test_pdf_source.py` measure that agreement on the corpus. A page whose
characters pdfium cannot map to Unicode is read with pdfplumber instead.
"""
from __future__ import annotations

from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..errors import CorruptInput, EncryptedInput
from ..geometry import BBox
from ..page import Page, Word

X_TOLERANCE = 3.0
X_TOLERANCE_RATIO = 0.2        # of the character's height (about 0.23 of its font size)
Y_TOLERANCE = 3.0
MIN_CHARS_FOR_TEXT_LAYER = 20   # fewer real characters than this: the page is an image (scan)


@dataclass(slots=True)
class Char:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e).lower()
        if "password" in msg:
            raise EncryptedInput("the PDF is password-protected; decrypt it first (e.g. qpdf --decrypt)") from None
        raise CorruptInput(f"not a readable PDF ({e}); is the file complete?") from None


def page_chars(page: pdfium.PdfPage) -> list[Char]:
    """Every real (not pdfium-generated) character with its loose box, top-left origin."""
    tp = page.get_textpage()
    try:
        n = tp.count_chars()
        if n <= 0:
            return []
        text = tp.get_text_range(0, n)
        height = page.get_height()
        out: list[Char] = []
        if len(text) != n:          # surrogate pairs: fall back to one call per char
            text = None
        raw_tp = tp.raw
        for i in range(n):
            ch = text[i] if text is not None else chr(pdfium_c.FPDFText_GetUnicode(raw_tp, i))
            if pdfium_c.FPDFText_IsGenerated(raw_tp, i):
                if ch == " ":      # pdfium saw a word gap the PDF has no space for: a word break
                    out.append(Char(" ", 0.0, 0.0, 0.0, 0.0))
                continue
            if ch in "\x02\ufffe":  # pdfium's mark for a hyphen that ends a line
                ch = "-"
            if ch in "\r\n\x00\uffff":
                continue
            left, bottom, right, top = tp.get_charbox(i, loose=True)
            out.append(Char(ch, left, height - top, right, height - bottom))
        return out
    finally:
        tp.close()


def chars_to_words(chars: list[Char], page_number: int) -> list[Word]:
    """pdfplumber's word rule with `use_text_flow=True`: characters in content-stream order, a new
    word at whitespace, on a backwards step, on a gap wider than the x tolerance (see
    `_x_tolerance`) or a jump in `top` beyond Y_TOLERANCE. (Clustering by `top` first, pdfplumber's default, interleaves the letters
    of a wrapped cell with a superscript beside it: "C o m m o n (2 )".)"""
    words: list[Word] = []
    cur: list[Char] = []
    sup = False
    for c in chars:
        if c.text.isspace():
            _flush(cur, words, page_number, sup)
            cur, sup = [], False
            continue
        if cur:
            p = cur[-1]
            if c.x0 < p.x0 or c.x0 > p.x1 + _x_tolerance(p) or abs(c.top - p.top) > Y_TOLERANCE \
                    or _dropped_space(p, c):
                _flush(cur, words, page_number, sup)
                cur, sup = [], False
            elif c.text in "(*" and _raised(p, c):
                # a footnote mark printed as a superscript right after its value ("757,756⁽¹⁾"),
                # or the asterisk of "Person*": its own word, so the line keeps its height
                _flush(cur, words, page_number, sup)
                cur, sup = [], True
        cur.append(c)
    _flush(cur, words, page_number, sup)
    return words


def _x_tolerance(c: Char) -> float:
    """Widest gap inside a word: pdfplumber's 3 pt, or less for small text. Some PDFs place every
    glyph on its own and drop the space characters; at 10 pt a missing space still leaves a
    2.8 pt gap, which the fixed 3 pt would glue into "CommonStock"."""
    return min(X_TOLERANCE, X_TOLERANCE_RATIO * (c.bottom - c.top))


def _dropped_space(p: Char, c: Char) -> bool:
    """Two capitals kept half a space apart: the space glyph between them was dropped ("SERIES A"
    + "AUCTION" printed as "AAuction" with a 1.2 pt gap). Capitals are otherwise set with zero or
    negative kerning, so a positive gap this wide is the space."""
    return p.text.isupper() and c.text.isupper() and c.x0 - p.x1 > 0.09 * (p.bottom - p.top)


def _raised(base: Char, c: Char) -> bool:
    h = base.bottom - base.top
    return h > 0 and (base.bottom - c.bottom > 0.12 * h or (c.bottom - c.top) < 0.88 * h)


def _flush(cur: list[Char], words: list[Word], page_number: int, sup: bool = False) -> None:
    if cur:
        words.append(Word("".join(c.text for c in cur),
                          BBox(min(c.x0 for c in cur), min(c.top for c in cur),
                               max(c.x1 for c in cur), max(c.bottom for c in cur)), page_number,
                          sup=True if sup else None))


def has_text_layer(chars: list[Char]) -> bool:
    return sum(1 for c in chars if not c.text.isspace()) >= MIN_CHARS_FOR_TEXT_LAYER


def _unmapped(chars: list[Char]) -> bool:
    """pdfium could not map a noticeable share of glyphs to Unicode (odd fonts)."""
    bad = sum(1 for c in chars if c.text == "\ufffd" or (ord(c.text) < 32 and not c.text.isspace()))
    return bad > max(3, len(chars) // 50)


def plumber_words(data: bytes, index: int) -> tuple[list[Word], float, float]:
    """pdfplumber's words for one page (the slow reference path)."""
    import io

    import pdfplumber
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        p = pdf.pages[index]
        ws = p.extract_words(x_tolerance=X_TOLERANCE, y_tolerance=Y_TOLERANCE, use_text_flow=True)
        return ([Word(w["text"], BBox(w["x0"], w["top"], w["x1"], w["bottom"]), index + 1) for w in ws],
                float(p.width), float(p.height))


def read_pdf_pages(data: bytes) -> tuple[list[Page], list[int]]:
    """-> (pages with their text-layer words, indexes of pages that have no usable text layer)."""
    doc = open_pdf(data)
    try:
        pages, image_only = [], []
        for i in range(len(doc)):
            page = doc[i]
            try:
                w, h = page.get_size()
                chars = page_chars(page)
            finally:
                page.close()
            if not has_text_layer(chars):
                image_only.append(i)
                pages.append(Page(i + 1, w, h, []))
                continue
            if _unmapped(chars):
                words, w, h = plumber_words(data, i)
            else:
                words = chars_to_words(chars, i + 1)
            pages.append(Page(i + 1, w, h, words))
        return pages, image_only
    finally:
        doc.close()
