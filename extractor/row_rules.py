"""The horizontal rules between table rows on a scanned page.

EDGAR's rendering draws a border round every table cell, so on a scan a ruled line runs between
any two rows. The row segmentation (grid.segment_rows) anchors rows on their D/I values; OCR
drops a lone "I" often enough that rows without one merge with their neighbours, and a wrapped
cell's lines near a boundary can go either way. The rules say where rows end.

The page image kept for the cell re-read (the straightened grey page OCR read) is searched in the
table body only: a horizontal run of ink at least ROW_RULE_IN long and at most ROW_RULE_MAX_PT thick is
a rule segment. A cell narrower than that leaves no segment, so segments at one height covering
RULE_SPAN of the body's width make a row rule. That image has had its vertical rules and its
underlines taken out (sources/rules.py), not its horizontal table rules.
"""
from __future__ import annotations

import numpy as np

from .page import Page
from .sources.imageprep import crop_ink

ROW_RULE_IN = 0.3       # a rule segment is a horizontal run of ink at least this long (inches)
ROW_RULE_MAX_PT = 4.0   # ... and at most this thick: a table's outer border doubles up with the frame below it
SEARCH_DPI = 150        # the image is searched at this resolution at most
RULE_SPAN = 0.4         # segments at one height covering this share of the body's width are a row rule
SAME_Y_PT = 2.0         # segments whose heights differ by less than this (points) are one rule


def row_rules(page: Page, x0: float, top: float, x1: float, bottom: float) -> list[float]:
    """The heights (page points, sorted) of the rules running across the region x0..x1,
    top..bottom of an OCR'd page; none for a page without its image."""
    if page.image is None or not page.image_dpi:
        return []
    import cv2
    scale = page.image_dpi / 72.0
    w, h = page.image.size
    box = (max(0, int(x0 * scale)), max(0, int(top * scale)), min(w, int(x1 * scale) + 1), min(h, int(bottom * scale) + 1))
    if box[2] - box[0] < 2 or box[3] - box[1] < 2:
        return []
    # searched at no more than SEARCH_DPI: a rule is still a few pixels thick there, and the
    # morphology costs a quarter of what it does at 300 dpi
    grey = page.image.crop(box)
    dpi = page.image_dpi
    if dpi > SEARCH_DPI:
        dpi = SEARCH_DPI
        grey = grey.resize((max(1, round(grey.width * dpi / page.image_dpi)), max(1, round(grey.height * dpi / page.image_dpi))))
    ink = crop_ink(grey, (0, 0, grey.width, grey.height)).astype(np.uint8) * 255
    thick = max(2, round(ROW_RULE_MAX_PT / 72.0 * dpi))
    along = cv2.getStructuringElement(cv2.MORPH_RECT, (round(ROW_RULE_IN * dpi), 1))
    long = cv2.morphologyEx(ink, cv2.MORPH_OPEN, along)
    fat = cv2.morphologyEx(long, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, thick + 1)))
    n, _labels, stats, _ = cv2.connectedComponentsWithStats((cv2.subtract(long, fat) > 0).astype(np.uint8),
                                                            connectivity=8)
    to_pt = 72.0 / dpi
    segments = sorted((box[1] / scale + (y + hh / 2) * to_pt, box[0] / scale + x * to_pt, box[0] / scale + (x + ww) * to_pt)
                      for x, y, ww, hh in stats[1:n, :4])
    out: list[float] = []
    group: list[tuple[float, float, float]] = []
    for seg in segments + [(float("inf"), 0.0, 0.0)]:
        if group and seg[0] - group[0][0] > SAME_Y_PT:
            if _covered(group) >= RULE_SPAN * (x1 - x0):
                out.append(sum(y for y, _, _ in group) / len(group))
            group = []
        group.append(seg)
    return out


def _covered(segments: list[tuple[float, float, float]]) -> float:
    """The width the segments cover together (overlaps counted once)."""
    total, reach = 0.0, -float("inf")
    for _, a, b in sorted(segments, key=lambda s: s[1]):
        if b > reach:
            total += b - max(a, reach)
            reach = b
    return total
