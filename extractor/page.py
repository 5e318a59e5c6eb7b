"""The page model every source produces: words with boxes, grouped into pages.

Text renderings get a pseudo-geometry (one character column = `TEXT_CHAR_W` points, one source
line = `TEXT_LINE_H` points) so that the one layout analyzer reads them like a printed page.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .geometry import BBox

if TYPE_CHECKING:
    from PIL import Image

OCR_KINDS = ("scan", "image")     # the kinds of input whose words come from OCR
TEXT_CHAR_W = 5.0
TEXT_LINE_H = 10.0


@dataclass(slots=True)
class Word:
    text: str
    bbox: BBox
    page: int                      # 1-based
    line: int | None = None        # 1-based source line (text inputs only)
    conf: float = 1.0              # recognition confidence (OCR); 1.0 for a text layer
    cell_break: bool = False       # a hard cell boundary precedes this word (tab, "|" cell of a text rendering)
    sup: bool | None = None        # printed as a superscript (a footnote mark); None: cannot tell

    def __repr__(self) -> str:  # compact, for debugging
        b = self.bbox
        return f"Word({self.text!r} p{self.page} {b.x0:.1f},{b.top:.1f},{b.x1:.1f},{b.bottom:.1f})"


@dataclass(slots=True)
class Page:
    number: int                    # 1-based
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    image_dpi: float | None = None # set for OCR'd pages (pixels = points / 72 * dpi)
    skew: float = 0.0              # OCR'd pages: degrees the image was turned by to straighten it; word
                                   # boxes are in the straightened page (turn the scan by -skew about its
                                   # centre to draw them on it)
    image: Image.Image | None = None   # OCR'd pages: the straightened grey page that was read (at image_dpi),
                                   # kept until doubtful table cells are read again (cell_reread.py), then dropped
    rules: list[BBox] = field(default_factory=list)   # OCR'd pages: the vertical table rules taken out of the
                                   # image before OCR (sources/rules.py), in points: the cell borders
    turn: int = 0                  # OCR'd pages: degrees the scan was turned counter-clockwise to set it upright
                                   # (sources/orientation.py); width, height and word boxes are the upright page's

    def as_filed(self, box: BBox) -> BBox:
        """A box on the upright page as it lies on the page as filed (the output's boxes are
        on the input's own pages: a reviewer's crop comes from them)."""
        w, h = self.width, self.height
        if self.turn == 180:
            return BBox(w - box.x1, h - box.bottom, w - box.x0, h - box.top)
        if self.turn == 90:         # filed (x, y) was turned to (y, w_filed - x); w_filed = h
            return BBox(h - box.bottom, box.x0, h - box.top, box.x1)
        if self.turn == 270:        # filed (x, y) was turned to (h_filed - y, x); h_filed = w
            return BBox(box.top, w - box.x1, box.bottom, w - box.x0)
        return box

    def cell_edges(self, x: float, top: float, bottom: float) -> tuple[float, float]:
        """The x of the nearest vertical rules left and right of `x` that pass between `top` and
        `bottom` (a table cell's borders), in points; -inf / inf where there is none."""
        left, right = -math.inf, math.inf
        for r in self.rules:
            if r.top < bottom and r.bottom > top:
                if r.x1 <= x:
                    left = max(left, r.x1)
                elif r.x0 >= x:
                    right = min(right, r.x0)
        return left, right

    @property
    def em(self) -> float:
        """Typical text height on the page: the unit for layout tolerances."""
        hs = [w.bbox.height for w in self.words if w.bbox.height > 0]
        return statistics.median(hs) if hs else TEXT_LINE_H


@dataclass(slots=True)
class Document:
    path: str
    sha256: str
    kind: str                      # pdf | scan | image | text | html | xml
    pages: list[Page] = field(default_factory=list)
    exact_record: dict | None = None   # EDGAR XML: the record read exactly, no layout needed
    style: str = ""                    # how the input was made: pdf | markdown | layout | html | scan | image

    @property
    def is_text(self) -> bool:
        return self.kind in ("text", "html")

    @property
    def is_ocr(self) -> bool:
        """Read from page images by OCR (a scanned PDF or an image file)."""
        return self.kind in OCR_KINDS

    @property
    def image_pages(self) -> dict[int, Page]:
        """The pages read by OCR whose image is kept to read parts of it again, by page number."""
        return {p.number: p for p in self.pages if p.image is not None and p.image_dpi}
