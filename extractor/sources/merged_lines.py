"""Scans: text lines Tesseract ran together, read again one cell at a time.

With the table rules taken out of the page (rules.py), Tesseract's page layout sometimes takes two
neighbouring columns, or two close lines of one narrow cell, for one text line: the lines of a
table header whose cells wrap at different heights, "Requiring Statement" over "(Month/Day/Year)"
in Form 3's narrow box 2. What it reads there is junk ("pug asicale A nawelay" for "1. Title of
Security (Instr. 3)"), in word boxes as tall as two lines, at confidence near 0; in running text
two lines of a footnote come out so. Where such junk is most of its text line, its cell, between
the rules either side of it (in running text the stretch of line beside it), is cut out of the
page and read again as one block of text, where the lines are found again; its words replace the
first reading when Tesseract is sure of them and they keep most of its characters.
"""
from __future__ import annotations

import statistics
from collections import Counter

from PIL import Image

from .tesswords import RawWord, Sym, read_words

TALL = 1.6          # a word this many times the page's median word height spans two lines ...
JUNK_CONF = 0.4     # ... and read with less confidence than this is junk of a merged line
MIN_CHARS = 3       # (a word of one or two characters is too short to tell: a tall "X" is a check mark)
JUNK_SHARE = 0.5    # ... on a text line with at least this share of its characters in such words
PAD_LINES = 0.5     # the crop reaches this share of a word's height above and below the junk ...
IN_HEIGHT = 0.6     # ... and a word with this share of its height beside the junk is read again
MAX_CELL_IN = 3.0   # a cell is at most this wide (inches): a wider span between rules is not one cell
GAIN = 0.1          # the re-read replaces the first reading when its confidence is this much higher ...
WHOLE = 0.7         # ... and it has at least this share of the first reading's characters (not a line of the two)
SURE = 0.6          # ... and at least this (two lines of footnote marks in a cell read no better alone:
                    # cell_marks.py reads them line by line)
PSM_BLOCK = 6       # Tesseract: the image is one block of text
MARGIN_PX = 10      # white margin round the crop (Tesseract reads glyphs that touch the edge badly)


def _median_height(words: list[RawWord]) -> float:
    hs = [w.box[3] - w.box[1] for w in words if len(w.text) >= MIN_CHARS]
    return float(statistics.median(hs)) if hs else 0.0


def junk_of_merged_lines(words: list[RawWord]) -> list[RawWord]:
    """The words that look read from two lines run together, on Tesseract's text lines that are
    mostly such junk. Where most of a line was read well (only its words' boxes are as tall as two
    lines), the well-read words stay where Tesseract put them, and a cell read again alone would
    come out at its true height beside them: off their line, which the header finder needs whole."""
    med = _median_height(words)
    if med <= 0:
        return []
    junk = [w for w in words if w.box[3] - w.box[1] > TALL * med and w.conf < JUNK_CONF and len(w.text) >= MIN_CHARS]
    chars, junk_chars = Counter(), Counter()
    for w in words:
        chars[w.line] += len(w.text)
    for w in junk:
        junk_chars[w.line] += len(w.text)
    return [w for w in junk if junk_chars[w.line] >= JUNK_SHARE * chars[w.line]]


def _extent(box, boxes: list, rules: list, max_width: float) -> tuple[float, float]:
    """x-extent to read a doubtful word again in (`box`: its x-extent by the height to read):
    its cell, between the nearest rules either side that run past it; where a side has no rule
    (running text, a box's open side), as far as the words beside it reach (a crop that cuts a
    word reads "hold" for "holder")."""
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    lefts = [r[2] for r in rules if r[2] <= cx and r[1] <= cy <= r[3]]
    rights = [r[0] for r in rules if r[0] >= cx and r[1] <= cy <= r[3]]
    left, right = (max(lefts) if lefts else None), (min(rights) if rights else None)
    if left is not None and right is not None and right - left > max_width:
        left = right = None
    beside = [o for o in boxes if inside(o, (left if left is not None else -1, y0,
                                             right if right is not None else 1 << 30, y1))]
    return (left if left is not None else min(b[0] for b in beside + [box]),
            right if right is not None else max(b[2] for b in beside + [box]))


def overlaps(a, b) -> bool:
    """Two boxes (x0, top, x1, bottom) overlap."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def cell_regions(bands: list, boxes: list, rules: list, max_width: float) -> list[tuple]:
    """Boxes to read again, one unit throughout (pixels here, page points in label_reread.py):
    each band (a doubtful word's x-extent by the height to read) across its cell (_extent, among
    the words' `boxes` and the vertical `rules`, all (x0, top, x1, bottom)); the bands of one
    cell that overlap are read together."""
    out: list[list] = []
    for band in bands:
        left, right = _extent(band, boxes, rules, max_width)
        r = [left, band[1], right, band[3]]
        for o in out:
            if overlaps(o, r) and o[0] == r[0] and o[2] == r[2]:
                o[:] = [o[0], min(o[1], r[1]), o[2], max(o[3], r[3])]
                break
        else:
            out.append(r)
    return [tuple(r) for r in out]


def _regions(junk: list[RawWord], words: list[RawWord], rules, dpi: float) -> list[tuple[int, int, int, int]]:
    """Pixel boxes to read again: a junk word's cell by its height (the two lines it ran
    together); the junk words of one cell or one line are read together."""
    return cell_regions([w.box for w in junk], [w.box for w in words], rules, MAX_CELL_IN * dpi)


def inside(box, region) -> bool:
    """The word is in the region: its centre between the region's sides, and most of its height
    between its top and bottom (the lines above and below reach into a crop's margin)."""
    cx = (box[0] + box[2]) / 2
    within = min(box[3], region[3]) - max(box[1], region[1])
    return region[0] <= cx <= region[2] and within >= IN_HEIGHT * (box[3] - box[1])


def _shifted(w: RawWord, dx: int, dy: int, lines: int) -> RawWord:
    """The crop's word in page pixels, its text line numbered after the page's `lines`."""
    b = w.box
    return RawWord(w.text, (b[0] + dx, b[1] + dy, b[2] + dx, b[3] + dy), w.conf, w.baseline + dy,
                   [Sym(s.text, (s.box[0] + dx, s.box[1] + dy, s.box[2] + dx, s.box[3] + dy)) for s in w.syms],
                   w.sup, line=lines + w.line)


def char_count(words) -> int:
    """The characters of the words (anything with `text`: OCR words, the page's words)."""
    return sum(len(w.text) for w in words)


def char_conf(words) -> float:
    """Tesseract's confidence in the words, per character."""
    n = char_count(words)
    return sum(w.conf * len(w.text) for w in words) / n if n else 0.0


def surer(new, old) -> bool:
    """A second reading replaces the first: Tesseract is surer of it, and it keeps most of the
    characters (not one line of the two it ran together)."""
    return char_conf(new) >= max(SURE, char_conf(old) + GAIN) and char_count(new) >= WHOLE * char_count(old)


def reread_merged_lines(api, img: Image.Image, words: list[RawWord], rules: list[tuple[int, int, int, int]],
                        dpi: float) -> list[RawWord]:
    """The words, with the junk of merged lines replaced by a reading of its cell alone (see the
    module docstring). `img`: the page as Tesseract read it; `rules`: its vertical rules (pixels)."""
    junk = junk_of_merged_lines(words)
    if not junk:
        return words
    pad = round(PAD_LINES * _median_height(words))
    api.SetPageSegMode(PSM_BLOCK)
    for region in _regions(junk, words, rules, dpi):
        old = [w for w in words if inside(w.box, region)]
        top, bottom = min(w.box[1] for w in old), max(w.box[3] for w in old)     # the junk is among them
        x0, y0, x1, y1 = max(0, region[0]), max(0, top - pad), min(img.width, region[2]), min(img.height, bottom + pad)
        if x1 - x0 < 4 or y1 - y0 < 4:
            continue
        canvas = Image.new("L", (x1 - x0 + 2 * MARGIN_PX, y1 - y0 + 2 * MARGIN_PX), 255)
        canvas.paste(img.crop((x0, y0, x1, y1)), (MARGIN_PX, MARGIN_PX))
        api.SetImage(canvas)
        api.SetSourceResolution(round(dpi))
        api.Recognize()
        lines = 1 + max((w.line for w in words), default=0)
        # the words of the lines read again: not of a line above or below that reaches into the
        # crop's margin, nor cut by its edge
        new = [w for w in (_shifted(w, x0 - MARGIN_PX, y0 - MARGIN_PX, lines) for w in read_words(api))
               if top <= (w.box[1] + w.box[3]) / 2 <= bottom and y0 + 1 < w.box[1] and w.box[3] < y1 - 1]
        if new and surer(new, old):
            gone = {id(w) for w in old}
            at = next(k for k, w in enumerate(words) if id(w) in gone)
            words = [w for w in words[:at] if id(w) not in gone] + new + [w for w in words[at:] if id(w) not in gone]
    return words
