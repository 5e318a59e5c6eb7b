"""Page furniture: what a browser prints around the filing, not part of it.

Printing EDGAR's page from a browser usually adds a header (date and time, the page title) and a
footer (the address, "1/2") to every sheet. Inside a table that runs over a page break those words
would land in cells, so they are dropped before the layout is read: lines in a page's top or bottom
margin band that repeat from page to page (numbers aside), or that are plainly an address, a page
counter or a print time stamp.
"""
from __future__ import annotations

import regex as re

from .page import Page, Word

MARGIN_SHARE = 0.035               # of the page height: the browser prints its header and footer inside the page margin
_FURNITURE = re.compile(
    r"^(?:(?:https?|file)://\S+|www\.\S+|\d{1,3}\s*/\s*\d{1,3}|page\s+\d+(?:\s+of\s+\d+)?"
    r"|\d{1,2}/\d{1,2}/\d{2,4},?\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?)$", re.I)
_DIGITS = re.compile(r"\d+")


def _lines(words: list[Word], tol: float) -> list[list[Word]]:
    out: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.bbox.cy, w.bbox.x0)):
        if out and abs(out[-1][0].bbox.cy - w.bbox.cy) <= tol:
            out[-1].append(w)
        else:
            out.append([w])
    return out


def _segments(line: list[Word], gap: float) -> list[list[Word]]:
    """A header line holds several items apart (time stamp ... title); each is judged alone."""
    segs: list[list[Word]] = []
    for w in sorted(line, key=lambda w: w.bbox.x0):
        if segs and w.bbox.x0 - segs[-1][-1].bbox.x1 <= gap:
            segs[-1].append(w)
        else:
            segs.append([w])
    return segs


def drop_furniture(pages: list[Page], printed: bool = True) -> None:
    """Remove header and footer words from the pages, in place. On printed pages (PDF, scans) a
    line repeated in the margin band of several pages is furniture too; a text rendering has no
    margins (its first line may be a table's repeated caption), so there only the plain shapes
    count."""
    bands: list[tuple[Page, list[list[Word]]]] = []
    for p in pages:
        if not p.words:
            continue
        heights = sorted(w.bbox.height for w in p.words)
        em = heights[len(heights) // 2] or 1.0
        edge = [w for w in p.words if w.bbox.bottom <= p.height * MARGIN_SHARE or w.bbox.top >= p.height * (1 - MARGIN_SHARE)]
        segs = [seg for ln in _lines(edge, 0.4 * em) for seg in _segments(ln, 2.5 * em)]
        bands.append((p, segs))
    shape = lambda seg, p: (round(seg[0].bbox.cy / 2), _DIGITS.sub("#", " ".join(w.text for w in seg)).lower(),
                           seg[0].bbox.cy < p.height / 2)
    seen: dict[tuple, int] = {}
    for p, segs in bands:
        for key in {shape(s, p) for s in segs}:
            seen[key] = seen.get(key, 0) + 1
    for p, segs in bands:
        drop: set[int] = set()
        for s in segs:
            text = " ".join(w.text for w in s)
            if (printed and len(pages) > 1 and seen[shape(s, p)] > 1) or _FURNITURE.match(text):
                drop |= {id(w) for w in s}
        if drop:
            p.words = [w for w in p.words if id(w) not in drop]
