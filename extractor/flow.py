"""Words -> lines in one document flow.

Pages are stacked top to bottom, so a position is (x, y) with y growing through the whole
document; a table that continues on the next page is simply further down the flow. Lines are
clusters of words whose vertical centres agree within a fraction of the page's text height.
"""
from __future__ import annotations

import statistics
import unicodedata
from dataclasses import dataclass, field, replace

from .furniture import drop_furniture
from .geometry import BBox
from .page import Document, Word

LINE_TOLERANCE = 0.35          # share of `em` two word centres may differ and still share a line
PAGE_GAP = 0.0                 # flow distance inserted between pages

_TRANSLATE = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                            "\u2014": "-", "\u2212": "-", "\u00a0": " ", "\u2010": "-", "\u2011": "-"})


# OCR reads a round bracket as a curly or square one ("{A)", "(D]"); no label has either, so on
# OCR'd pages a word is compared with them made round.
_OCR_BRACKETS = str.maketrans("{[]}", "(())")


def norm(s: str, ocr: bool = False) -> str:
    """Text as labels are compared: NFKC, lower case, plain quotes and dashes, single spaces."""
    s = unicodedata.normalize("NFKC", s).translate(_TRANSLATE).lower()
    if ocr:
        s = s.translate(_OCR_BRACKETS)
    return " ".join(s.split())


@dataclass(slots=True, eq=False)
class Tok:
    """A word placed in the flow."""
    i: int
    word: Word
    norm: str
    x0: float
    top: float
    x1: float
    bottom: float
    line: int = -1

    @property
    def text(self) -> str:
        return self.word.text

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def page(self) -> int:
        return self.word.page

    def retext(self, text: str) -> "Tok":
        """The same word, placed alike, with its text cleaned to `text`."""
        return replace(self, word=replace(self.word, text=text), norm=norm(text))

    def __repr__(self) -> str:
        return f"Tok({self.text!r} {self.x0:.0f},{self.top:.0f})"


@dataclass(slots=True, eq=False)
class Line:
    i: int
    page: int
    toks: list[Tok] = field(default_factory=list)

    @property
    def top(self) -> float:
        return min(t.top for t in self.toks)

    @property
    def bottom(self) -> float:
        return max(t.bottom for t in self.toks)

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def text(self) -> str:
        return " ".join(t.text for t in self.toks)


@dataclass
class Flow:
    doc: Document
    toks: list[Tok]
    lines: list[Line]
    em: float
    page_top: dict[int, float]      # flow y of each page's top edge
    page_height: dict[int, float]

    def page_bbox(self, toks: list[Tok]) -> tuple[int, BBox] | None:
        """Page and page-coordinate box of the tokens (those on their first page)."""
        if not toks:
            return None
        page = toks[0].page
        return page, BBox.enclosing(t.word.bbox for t in toks if t.page == page)

    def lines_between(self, top: float, bottom: float) -> list[Line]:
        return [ln for ln in self.lines if top <= ln.cy < bottom]


def flow_lines(toks: list[Tok]) -> list[list[Tok]]:
    """`toks` by the flow's lines, each left to right, lines top to bottom."""
    by: dict[int, list[Tok]] = {}
    for t in toks:
        by.setdefault(t.line, []).append(t)
    return [sorted(ln, key=lambda t: t.x0) for _, ln in sorted(by.items(), key=lambda kv: min(t.top for t in kv[1]))]


def wrapped_at(text: str) -> bool:
    """`text` ends in a hyphen after a letter or digit: a line wrapped there ("Attorney-In-" /
    "Fact"), so the next line follows without a space."""
    return len(text) > 1 and text.endswith("-") and text[-2].isalnum()


def _hyphen_wrap(prev: Tok, t: Tok) -> bool:
    return wrapped_at(prev.text) and prev.line != t.line


def join_words(toks: list[Tok]) -> str:
    """Words of a (possibly wrapped) cell as one string. A line that ends in a hyphen was wrapped
    after the hyphen ("Attorney-In-" / "Fact"), so the next line follows without a space."""
    out = ""
    for k, t in enumerate(toks):
        if k and not _hyphen_wrap(toks[k - 1], t):
            out += " "
        out += t.text
    return out


def wrap_certainty(toks: list[Tok]) -> float:
    """How sure the joined text of wrapped words is: a hyphen at a line end may have been followed
    by a space in the filing ("Non- Qualified"), and a cell cut by a page break may have been
    joined to the wrong row."""
    c = 1.0
    if any(_hyphen_wrap(a, b) for a, b in zip(toks, toks[1:])):
        c *= 0.9
    if len({t.page for t in toks}) > 1:
        c *= 0.85
    return c


def build_flow(doc: Document) -> Flow:
    drop_furniture(doc.pages, printed=not doc.is_text)
    toks: list[Tok] = []
    lines: list[Line] = []
    page_top: dict[int, float] = {}
    page_height: dict[int, float] = {}
    y0 = 0.0
    heights = [w.bbox.height for p in doc.pages for w in p.words if w.bbox.height > 0]
    em = statistics.median(heights) if heights else 10.0
    ocr = doc.is_ocr
    for page in doc.pages:
        page_top[page.number] = y0
        page_height[page.number] = page.height
        tol = LINE_TOLERANCE * em
        placed = sorted(page.words, key=lambda w: (w.bbox.cy, w.bbox.x0))
        current: Line | None = None
        line_cy = 0.0
        for w in placed:
            t = Tok(len(toks), w, norm(w.text, ocr), w.bbox.x0, y0 + w.bbox.top, w.bbox.x1, y0 + w.bbox.bottom)
            if current is None or t.cy - line_cy > tol:
                current = Line(len(lines), page.number)
                lines.append(current)
                line_cy = t.cy
            current.toks.append(t)
            toks.append(t)
        y0 += page.height + PAGE_GAP
    # order tokens by line, then x; index them in that reading order
    ordered: list[Tok] = []
    for ln in lines:
        ln.toks.sort(key=lambda t: t.x0)
        for t in ln.toks:
            t.line = ln.i
            t.i = len(ordered)
            ordered.append(t)
    return Flow(doc, ordered, lines, em, page_top, page_height)
