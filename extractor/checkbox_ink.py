"""Scans: a checkbox read from the page image when OCR read nothing in it.

EDGAR's rendering prints the "no longer subject to Section 16" and the Rule 10b5-1 boxes as a
framed square, with an "X" inside when checked. Tesseract reads the framed "X" as no word at all
(it takes the frame and its content for a picture), so `layout.mark_before` finds nothing beside
the label and would call every box unchecked. On an OCR'd page the square is looked for in the
ink left of the label instead: a connected outline about a line high and as wide as high; it is
checked when its inside holds ink (`boxed_mark`).

The relationship options ("X  10% Owner") have no frame: the "X" stands alone before its label,
and Tesseract's page segmentation often drops a lone glyph as noise. An option whose slot (the
space just left of its label, on its line) holds a glyph of a capital's size is checked; a blank
slot is not (`mark_in_slot`).
"""
from __future__ import annotations

import numpy as np

from .layout import Layout
from .match import Hit
from .sources.imageprep import crop_ink
from .sources.tesswords import ASCENT, DESCENT

SEARCH_LEFT_EM = 3.0     # the box stands within this many ems left of its label ...
SEARCH_DOWN_EM = 4.5     # ... and beside the label's first lines (it is centred on the whole label)
BOX_MIN_EM, BOX_MAX_EM = 0.7, 2.5   # a box's side
SQUARE = (0.5, 1.6)      # its width / height (the frame is a little taller than wide)
INSIDE = 0.3             # the inside: the box less this share of its side all round (0.2 took in
                         # the blurred frame at 200 dpi: 7 unchecked boxes read checked on the corpus scans)
BLOT_INSIDE = 0.2        # a component whose own ink fills more than half of its inside this far in is a blot
TICKED_SHARE = 0.12      # a checked box has at least this share of its inside inked (corpus scans:
                         # unchecked 0-0.09, checked 0.17-0.58)
SLOT_EM = 2.5            # an option's mark stands within this many ems left of its label
CAP_PER_EM = 1 / (ASCENT + DESCENT)   # a capital's height per word-box height (word boxes are font boxes)
MARK_GLYPH = (0.6, 1.8)  # an "X" is this many capitals high (a speck is less, a rule more)


def _page_of(lay: Layout, label: Hit):
    page = next((p for p in lay.flow.doc.pages if p.number == label.first.page), None)
    return page if page is not None and page.image is not None and page.image_dpi else None


def mark_in_slot(lay: Layout, label: Hit) -> bool | None:
    """True when a glyph stands in the slot just left of `label` on an OCR'd page, False when the
    slot is blank; None when the page has no image (see the module docstring)."""
    import cv2
    page = _page_of(lay, label)
    if page is None:
        return None
    em = lay.flow.em
    s = page.image_dpi / 72.0
    off = lay.flow.page_top[page.number]
    first = label.first
    X0, X1 = max(0, int((label.x0 - SLOT_EM * em) * s)), int((label.x0 - 0.15 * em) * s)
    Y0, Y1 = max(0, int((first.top - off) * s)), min(page.image.height, int((first.bottom - off) * s) + 1)
    if X1 - X0 < 4 or Y1 - Y0 < 4:
        return None
    ink = crop_ink(page.image, (X0, Y0, X1, Y1)).astype(np.uint8)
    _n, _labels, st, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    cap = (first.bottom - first.top) * CAP_PER_EM * s
    base = (first.bottom - off) * s - Y0 - DESCENT * cap       # the label's baseline in the crop
    h = st[1:, cv2.CC_STAT_HEIGHT]
    mid = st[1:, cv2.CC_STAT_TOP] + h / 2
    # a glyph of a capital's size centred on the label's line (not the tail of one above or below)
    return bool(((h >= MARK_GLYPH[0] * cap) & (h <= MARK_GLYPH[1] * cap)
                 & (mid > base - 1.2 * cap) & (mid < base + 0.4 * cap)).any())


def boxed_mark(lay: Layout, label: Hit) -> bool | None:
    """True / False for a framed box found left of `label` on an OCR'd page, checked or not;
    None when the page has no image or no such box is there."""
    import cv2
    flow, em = lay.flow, lay.flow.em
    page = _page_of(lay, label)
    if page is None:
        return None
    s = page.image_dpi / 72.0
    off = flow.page_top[page.number]
    # left of the label's first word: a garbled box ("ix|" for a framed X) the label's match took
    # in would put the label's edge on the box
    left = label.first.x0
    X0, X1 = max(0, int((left - SEARCH_LEFT_EM * em) * s)), int((left - 0.1 * em) * s)
    Y0 = max(0, int((label.top - off - 1.0 * em) * s))
    Y1 = min(page.image.height, int((label.top - off + SEARCH_DOWN_EM * em) * s))
    if X1 - X0 < 4 or Y1 - Y0 < 4:
        return None
    ink = crop_ink(page.image, (X0, Y0, X1, Y1)).astype(np.uint8)
    n, labels, st, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    lo, hi = BOX_MIN_EM * em * s, BOX_MAX_EM * em * s
    for k in range(1, n):
        x, y, w, h = st[k, :4]
        if not (lo <= h <= hi and SQUARE[0] <= w / h <= SQUARE[1]):
            continue
        frame = labels[y:y + h, x:x + w] == k
        bx, by = int(w * BLOT_INSIDE), int(h * BLOT_INSIDE)
        if frame[by:h - by, bx:w - bx].mean() > 0.5:
            continue                        # a filled blot, not a frame
        dx, dy = int(w * INSIDE), int(h * INSIDE)
        # the inside, whatever it is joined to (a blurred "X" touches its frame)
        return bool(ink[y + dy:y + h - dy, x + dx:x + w - dx].mean() >= TICKED_SHARE)
    return None
