"""Scans: a header line whose box labels Tesseract garbled, read again one box at a time.

The labels of boxes 1, 2 and 5 ("1. Name and Address of Reporting Person", "2. Issuer Name and
Ticker or Trading Symbol", "5. Relationship of Reporting Person(s) to Issuer") stand on one line
across the page, in boxes of their own. Tesseract's page layout sometimes takes them for one text
line and reads part of it as junk ("eee aes ues ... Prelate eee"): the label is not found, and
with it the issuer, or the relationship and its checks, are lost. When a box of the template that
gives fields was not found on an OCR'd page where others were, each doubtful word of the header
(the zone from the first label found down to the first table) is read again with what stands
beside it in its box, between the vertical rules either side, as one block of text (PSM 6); the
new words replace the old when Tesseract is surer of them and they keep most of the characters
(the rule sources/merged_lines.py uses for lines run together in the page reading), or when they
are as sure and more. The page's words change, so the caller lays the document out again.

Only when a box is missing: a header read whole is never read twice, and costs nothing.
"""
from __future__ import annotations

from .geometry import BBox
from .layout import Layout
from .line_reread import read_crop
from .page import Word
from .sources.merged_lines import SURE, cell_regions, char_conf, char_count, inside, overlaps, surer

DOUBT = 0.5             # a header word read with less confidence than this is read again with its box
MIN_CHARS = 2           # (a single character is a check mark, a bracket, dust)
PAD = 0.3               # the crop reaches this share of the word's height (at least a usual word's) above and below it
SLACK = 0.05            # a reading with more characters is taken when it is no more than this much less sure
MAX_BOX_IN = 4.0        # a box is at most this wide (inches): a wider span between rules is not one box
PSM_BLOCK = 6


def reread_garbled_labels(lay: Layout) -> bool:
    """Read again the doubtful words of the header of the OCR'd page where some box labels were
    found and others not (see the module docstring). True when a page's words changed."""
    pages = lay.flow.doc.image_pages
    found = [area.label for area in lay.boxes.values() if area.label.first.page in pages]
    # box 6 (joint filing) gives no field, only a check on the owners: not worth reading its line again
    if not found or all(b.id in lay.boxes or b.parser == "joint_filing" for b in lay.template.boxes):
        return False
    number = min(h.first.page for h in found)
    page = pages[number]
    off = lay.flow.page_top[number]
    top = min(h.top for h in found if h.first.page == number) - off - lay.flow.em
    captions = [c.top - off for c in lay.captions.values() if c.first.page == number]
    bottom = min(captions, default=page.height)
    regions = _regions(page, [w for w in page.words if top <= w.bbox.top < bottom and w.conf < DOUBT
                              and len(w.text) >= MIN_CHARS])
    if not regions:
        return False
    from .sources.ocr import STRAIGHT_QUOTES, tesseract
    s = page.image_dpi / 72.0
    changed = False
    with tesseract(PSM_BLOCK) as api:
        for x0, y0, x1, y1 in regions:
            old = [w for w in page.words if inside(_box(w), (x0, y0, x1, y1))]
            X0, Y0 = max(0, int(x0 * s)), max(0, int(y0 * s))
            X1, Y1 = min(page.image.width, int(x1 * s) + 1), min(page.image.height, int(y1 * s) + 1)
            # not the words the crop's top or bottom edge cut (of the lines above and below)
            new = [Word(w.text.translate(STRAIGHT_QUOTES), _points(w.box, X0, Y0, s), number, conf=w.conf)
                   for w in read_crop(api, page, X0, Y0, X1, Y1) if w.box[1] > 1 and w.box[3] < Y1 - Y0 - 1]
            if new and _better(new, old):
                # an old word the crop's edge cuts stays unless a new word stands on it: the new
                # reading leaves out what the edge cuts ("MENLO" under a tall garbled "(Street)")
                gone = {id(w) for w in old if (y0 <= w.bbox.top and w.bbox.bottom <= y1)
                        or any(overlaps(_box(w), _box(n)) for n in new)}
                at = next((k for k, w in enumerate(page.words) if id(w) in gone), len(page.words))
                page.words = [w for w in page.words[:at] if id(w) not in gone] + new \
                    + [w for w in page.words[at:] if id(w) not in gone]
                changed = True
    return changed


def _regions(page, doubtful: list[Word]) -> list[tuple[float, float, float, float]]:
    """Page-point boxes to read again: each doubtful word's band (its height, padded; at least a
    usual word's) across its box, between the nearest vertical rules either side that run past it
    (merged_lines.cell_regions; where a side has none, as far as the words of its band reach); the
    bands of one box that overlap are read together."""
    heights = sorted(w.bbox.bottom - w.bbox.top for w in page.words if len(w.text) >= 3)
    usual = heights[len(heights) // 2] if heights else 0.0
    bands = []
    for w in doubtful:
        b = w.bbox
        cy = (b.top + b.bottom) / 2
        half = (0.5 + PAD) * max(b.bottom - b.top, usual)       # "oe" for "3. Statement": the line's height
        bands.append((b.x0, cy - half, b.x1, cy + half))
    return cell_regions(bands, [_box(w) for w in page.words], [(r.x0, r.top, r.x1, r.bottom) for r in page.rules],
                        MAX_BOX_IN * 72)


def _box(w: Word) -> tuple[float, float, float, float]:
    return w.bbox.x0, w.bbox.top, w.bbox.x1, w.bbox.bottom


def _points(box, X0: int, Y0: int, s: float) -> BBox:
    x0, y0, x1, y1 = box
    return BBox((X0 + x0) / s, (Y0 + y0) / s, (X0 + x1) / s, (Y0 + y1) / s)


def _better(new: list[Word], old: list[Word]) -> bool:
    """The new reading is surer and keeps most of the characters (merged_lines.py's rule), or it is
    as sure and reads more: "oe Issuer's Fiscal Year" -> "3. Statement for Issuer's Fiscal Year",
    where only the garbled start was in doubt."""
    return surer(new, old) or (char_conf(new) >= max(SURE, char_conf(old) - SLACK)
                               and char_count(new) > char_count(old))
