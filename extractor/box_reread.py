"""Scans: the names Tesseract's page reading dropped from boxes 1 and 2, read again alone.

EDGAR prints the reporting person's name and the issuer's name as links, underlined. The
underlines are taken out before OCR (sources/rules.py), but Tesseract's page layout still drops
such a name now and then, with its ticker: box 2 comes out empty, or box 1 starts at its
"(Last) (First) (Middle)" captions. Every filing has both names, so the empty place is read
again on its own (one block of text, PSM 6) from the page image: for box 2 the space from its
label down to the label under it, for box 1 from its label down to the captions, each as wide
as the box (up to the label to its right). Words read with less than MIN_CONF are left out:
in an empty place they are dust or what is left of an underline.

Only OCR'd pages (with their image) are read again; a born-digital page's text is what it is.
"""
from __future__ import annotations

from .flow import Tok
from .layout import Layout
from .line_reread import crop_toks, read_crop

PSM_BLOCK = 6
MIN_CONF = 0.5           # a word read in an empty place with less confidence is dust or an underline's remains


def reread_boxes(lay: Layout) -> int:
    """Read again the issuer box left empty and the owner's name left out (see the module
    docstring), adding the words found to `lay.boxes`. Returns how many places were read."""
    pages = lay.flow.doc.image_pages
    if not pages or not lay.boxes:
        return 0
    jobs = []
    for box in lay.template.boxes:
        area = lay.boxes.get(box.id)
        if area is None or area.label.first.page not in pages:
            continue
        if box.parser == "issuer" and not area.toks:
            jobs.append((box.id, _place(lay, box.id, None)))
        elif box.parser == "name_address":
            caps = lay.matcher.find(lay.template.name_address.name_captions,
                                    within=lambda t, ids={t.i for t in area.toks}: t.i in ids, min_score=0.8)
            if caps:
                first = min(h.top for h in caps)
                if not any(t.bottom <= first + 0.2 * lay.flow.em and t.i not in lay.used for t in area.toks):
                    jobs.append((box.id, _place(lay, box.id, first)))
    if not jobs:
        return 0
    from .sources.ocr import tesseract
    done = 0
    with tesseract(PSM_BLOCK) as api:
        next_i = len(lay.flow.toks)        # indexes past the flow's own: no label's, no other box's
        for bid, place in jobs:
            if place is None:
                continue
            area = lay.boxes[bid]
            got = _read_place(api, lay, pages[area.label.first.page], place, area.label.toks[-1], next_i)
            next_i += len(got)
            if got:
                area.toks = got + area.toks
                done += 1
    return done


def _place(lay: Layout, bid: str, bottom: float | None) -> tuple[float, float, float, float] | None:
    """The box's empty place in flow coordinates (x0, top, x1, bottom): under its label, as wide as
    the box, down to `bottom` or to the label under it."""
    em = lay.flow.em
    label = lay.boxes[bid].label
    others = [a.label for k, a in lay.boxes.items() if k != bid]
    right = min((h.x0 for h in others if h.x0 > label.x1 and abs(h.top - label.top) < 2 * em), default=None)
    below = min((h.top for h in others if h.top > label.bottom and abs(h.x0 - label.x0) < 2 * em), default=None)
    bottom = bottom if bottom is not None else below
    if right is None or bottom is None or bottom - label.bottom < 0.8 * em:
        return None
    return label.x0 - 0.3 * em, label.bottom, right - 0.3 * em, bottom


def _read_place(api, lay: Layout, page, place: tuple[float, float, float, float], after: Tok,
                first_i: int) -> list[Tok]:
    """The words read in `place`, as tokens on `after`'s line numbered from `first_i`."""
    off = lay.flow.page_top[page.number]
    s = page.image_dpi / 72.0
    x0, top, x1, bottom = place
    X0, Y0 = max(0, int(x0 * s)), max(0, int((top - off) * s))
    X1, Y1 = min(page.image.width, int(x1 * s)), min(page.image.height, int((bottom - off) * s))
    raw = [w for w in read_crop(api, page, X0, Y0, X1, Y1) if w.conf >= MIN_CONF]
    return crop_toks(raw, page, X0, Y0, off, first_i, after.line, numbered=True)
