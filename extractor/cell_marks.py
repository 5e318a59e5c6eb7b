"""Scans: footnote marks in table cells that the page's OCR lost, found in the ink and read alone.

A mark is a superscript "(1)" about two thirds of a capital high, printed just after its value.
Tesseract's page reading often drops it ("$183.5573(6)" -> "$183.5573"), reads it as a quote or
a letter ("LP(1)" -> "LP‘ a") or glues it to the value. sources/marks.py looks again at what
Tesseract did read; this looks at the cell's ink, which does not depend on it:

- the cell (its column band across the row's value words) is cut out of the page image, the
  horizontal rules taken out;
- a value line's baseline is where most of its full-height glyphs end;
- a mark is a cluster of small glyphs standing beside the line's glyphs (not over one: the dot of
  an "i" is raised too) whose bottom is clearly above that baseline, and tall enough to be a
  parenthesis (an apostrophe or a quote mark is not);
- a cluster no mark word of the cell already covers is read again as one line of "()0123456789",
  enlarged (marks._reread); it becomes a mark word (`sup=True`) only when it reads as a
  well-formed mark, and the value words it covers (the mark as Tesseract misread it) are dropped.

Only OCR'd pages (a `page.Page` with its image) are looked at: born-digital and text inputs have
their marks in the text. Whether a mark's number resolves to a footnote is checked later, with
the rest of the record (validate.py).
"""
from __future__ import annotations

import numpy as np
import regex as re

from .flow import Tok, norm
from .geometry import BBox
from .grid import Band, Row
from .page import Page, Word
from .sources.imageprep import crop_ink
from .sources.marks import MIN_MARK_CONF, _as_mark, _reread
from .sources.tesswords import ASCENT, DESCENT
from .values import MARK, MARK_WORD, looks_like

RULE_JUNK = re.compile(r"^[|}{\[\]'\"`‘’“”]+$")     # a cell's rule or a speck read as a word
CAP_PER_EM = 1 / (ASCENT + DESCENT)   # cap height per word-box height (word boxes are font boxes)
RULE_SHARE = 0.6         # a pixel row (column) this much ink across (down) the cell is a rule
RAISE = 0.25             # a mark's bottom stands at least this share of a capital above the baseline
MARK_MIN = 0.35          # a mark (its parentheses) is at least this share of a capital high ...
MARK_MAX = 1.1           # ... and each of its glyphs at most this share (a parenthesis of the small font)
SPECK = 0.15             # a blob shorter than this share of a capital is dust
GAP = 0.6                # glyphs of one mark stand at most this share of a capital apart
FOUND_CONF = 0.8         # a mark found in the ink is less sure than one the page's OCR read
STROKE_WIDTH = 0.45      # a "1" read from its shape: a stroke at most this share of its height wide
READ_HEIGHTS = (120,)    # pixels a mark crop is enlarged to, tried in turn (a second try at 60 px gained
                         # 0.0005 field accuracy on the 300 dpi scans for a third more reading time)
MARK_ALONE_TYPES = {"number", "money", "date"}   # cells a mark may stand in alone (a code or text is short itself)
SIDE_SHARE = 0.4         # a mark alone is read with this share of its word's height added either side
MARK_ALONE_CHARS = 5     # what OCR makes of a lone "(1)" or "(12)" is at most this long
DOUBTFUL_DIGITS = re.compile(r"^\d{1,2}$")   # ... or is one of these read with less confidence than
DOUBTFUL_CONF = 0.6                          # this (read again; kept unless it reads as a mark)
STROKE_CONF = 0.5        # ... is taken with this confidence
MARKS_ONLY_LINES = 2     # a cell of marks alone holds at most this many lines of them
GLYPH_SLACK = 2          # ... whose reading may have this many characters fewer than its line has glyphs


def find_marks(api, flow, page: Page, band: Band, row: Row) -> int:
    """Add the marks the cell's ink shows and its words lack (see the module docstring). `api`
    is set to one line of mark characters by the caller. Returns how many marks were added."""
    from .assemble import split_cell
    toks = row.cells.get(band.leaf.key, [])
    value, _ids, marks = split_cell(toks, False, flow.em)
    if not value:
        return 0                                # a mark follows a value
    if _mark_alone(value, band.leaf.type, bool(marks)):
        mark = _read_alone(api, page, value[0])
        if mark is None:
            return 0
        row.cells[band.leaf.key] = marks + [mark]
        return 1
    added = []
    words = [t for t in value if not RULE_JUNK.match(t.text)]       # what a cell border is read as aside
    last = [t for t in words if words and t.line == words[-1].line]
    if band.leaf.type == "text" and len(last) == 1 and len(last) < len(words) and _misread_mark(last[0].text):
        # a mark wrapped onto a line of its own under the text ("See Footnote(2)" / "(3)"), not
        # raised above anything there, read "@)" or "8)"
        mark = _read_alone(api, page, last[0])
        if mark is not None:
            value = [t for t in value if t is not last[0]]
            added.append(mark)
    added += _raised_marks(api, flow, page, band, value, marks)
    cleaned = _without_misreadings(value, marks + added)
    if not added and cleaned == value:
        return 0
    row.cells[band.leaf.key] = cleaned + marks + added
    return len(added)


def marks_only(api, flow, page: Page, band: Band, row: Row) -> int:
    """A typed cell whose ink is nothing but marks, read line by line as marks: a price or a date
    told in footnotes prints "(1)(2)(3)" / "(4)(5)(6)" in its cell, over one or two lines, which
    the page's reading makes a word of junk ('"Df') or loses, and which find_marks does not look
    at (a mark follows a value). Taken only when every line reads as whole marks, holding every
    mark the cell already has; the junk words go. `api` is set to one line of mark characters.
    Returns how many marks were added."""
    from .assemble import split_cell
    kind = band.leaf.type
    toks = row.cells.get(band.leaf.key, [])
    value, _ids, marks = split_cell(toks, False, flow.em)
    text = " ".join(t.text for t in value)
    if kind not in MARK_ALONE_TYPES or (value and looks_like(kind, text)) \
            or sum(ch.isdigit() for ch in MARK.sub("", text)) > 3:
        return 0                                # a value stands there, read right or wrong
    off = flow.page_top[page.number]
    s = page.image_dpi / 72.0
    top, bottom = row.top - off, row.bottom - off
    # the cell between the rules round its column's middle (the junk words may reach over the
    # rule into the cell before: '"Df' is its "D" and the marks read as one word)
    left, right = page.cell_edges((band.x0 + band.x1) / 2, top, bottom)
    X0, X1 = max(0, int(max(left, band.x0) * s)), min(page.image.width, int(min(right, band.x1) * s) + 1)
    Y0, Y1 = max(0, int(top * s)), min(page.image.height, int(bottom * s) + 1)
    if X1 - X0 < 3 or Y1 - Y0 < 3:
        return 0
    comps = _ink_components(page, (X0, Y0, X1, Y1))
    if comps is None:
        return 0
    cl, ct, cr, cb = comps
    cap = flow.em * CAP_PER_EM * s
    keep = (cb - ct) >= SPECK * cap
    if not keep.any() or (cb - ct)[keep].max() > MARK_MAX * cap:
        return 0                                # a glyph of full size: a value stands there
    lines = glyph_lines(np.flatnonzero(keep), ct, cb)
    # a mark is two glyphs or more (a blurred "(1" is one), a parenthesis of them at least MARK_MIN
    # of a capital high
    lines = [ln for ln in lines if len(ln) >= 2 and max(cb[ln] - ct[ln]) >= MARK_MIN * cap]
    if not lines or len(lines) > MARKS_ONLY_LINES:
        return 0
    taken = [_box_px(t.word.bbox, s, X0, Y0) for t in marks]
    # a mark word read on the line: its box's middle within the line's glyphs (a word's font box
    # is an em tall, and may reach over both lines)
    covered = lambda ln, b: min(ct[ln]) <= (b[1] + b[3]) / 2 <= max(cb[ln]) and b[0] < max(cr[ln]) and min(cl[ln]) < b[2]
    if all(any(covered(ln, b) for b in taken) for ln in lines):
        return 0                                # every line's marks already read
    pad = max(2, round(page.image_dpi / 100))
    read: list[tuple[str, float, BBox]] = []
    for ln in lines:
        box = (X0 + min(cl[ln]) - pad, Y0 + min(ct[ln]) - pad, X0 + max(cr[ln]) + 2 * pad, Y0 + max(cb[ln]) + pad)
        got = _reread(api, page.image, box, page.image_dpi, READ_HEIGHTS[0])
        # the line's glyphs: a blurred parenthesis may break into pieces, of which the middle is tall
        # (and a digit may break in two: a lost mark is three glyphs unread)
        glyphs = sum(1 for k in ln if cb[k] - ct[k] >= 0.5 * max(cb[ln] - ct[ln]))
        if not got or not MARK_WORD.match(got[0]) or "(0)" in got[0] or len(got[0]) + GLYPH_SLACK < glyphs:
            return 0                            # every line whole marks, no mark unread, or nothing is taken
        read.append((got[0], max(got[1], MIN_MARK_CONF) * FOUND_CONF, BBox(box[0] / s, box[1] / s, box[2] / s, box[3] / s)))
    ids = [m for text, _c, _b in read for m in re.findall(r"\d+", text)]
    have = {m for t in marks for m in re.findall(r"\d+", t.text)}
    if not have <= set(ids) or len(set(ids)) <= len(have) or [int(m) for m in ids] != sorted({int(m) for m in ids}):
        return 0                                # a run of marks counts up (a misread digit breaks it)
    line = (value or marks or [None])[0]
    i, ln_no = (line.i, line.line) if line is not None else (-1, -1)
    new = [Tok(i, Word(text, bb, page.number, conf=conf, sup=True), norm(text), bb.x0, bb.top + off, bb.x1,
               bb.bottom + off, ln_no) for text, conf, bb in read]
    row.cells[band.leaf.key] = new
    return len(set(ids)) - len(have)


def glyph_lines(ks, top, bottom) -> list[list[int]]:
    """The glyphs `ks` (indexes into the pixel arrays `top` and `bottom`) in text lines, top down:
    a glyph joins the line above unless its top is lower than 0.3 of its own height above that
    line's lowest bottom."""
    lines: list[list[int]] = []
    for k in sorted(ks, key=lambda k: top[k]):
        if lines and top[k] < max(bottom[j] for j in lines[-1]) - 0.3 * (bottom[k] - top[k]):
            lines[-1].append(k)
        else:
            lines.append([k])
    return lines


def _misread_mark(text: str) -> bool:
    """What OCR may make of a mark alone: short, at most one letter ("@)", "8)", "o", "(3"), or
    closing a parenthesis it did not open ("Men)", "xx)": "(2)(3)(4)" wrapped under the text)."""
    return len(text) <= MARK_ALONE_CHARS and (sum(ch.isalpha() for ch in text) <= 1
                                               or text.endswith(")") and "(" not in text)


def _read_alone(api, page: Page, t: Tok) -> Tok | None:
    """A typed cell's one short word that is not of its type, read again as the mark it is ("(1)"
    standing for a date exercisable told in a footnote, misread "0)" or "®"); None when it does
    not read as one."""
    s = page.image_dpi / 72.0
    b = t.word.bbox
    pad = max(2, round(page.image_dpi / 100))
    side = pad + round(SIDE_SHARE * (b.bottom - b.top) * s)   # OCR's box of a misread mark may miss a parenthesis
    box = (max(0, int(b.x0 * s) - side), max(0, int(b.top * s) - pad), int(b.x1 * s) + side, int(b.bottom * s) + pad)
    comps = _ink_components(page, box)
    if comps is None:
        return None
    left, top, right, bottom = comps
    # the glyphs of the word's own line (a font box reaches up into the line above)
    h = box[3] - box[1]
    speck = SPECK * (b.bottom - b.top) * CAP_PER_EM * s
    glyphs = sorted((k for k in range(len(left)) if bottom[k] - top[k] >= speck and (top[k] + bottom[k]) / 2 > 0.3 * h),
                    key=lambda k: left[k])
    if not glyphs:
        return None
    ink = (box[0] + min(left[glyphs]) - pad, box[1] + min(top[glyphs]) - pad,
           box[0] + max(right[glyphs]) + 2 * pad, box[1] + max(bottom[glyphs]) + pad)
    text, conf = _read_mark(api, page, ink)
    if text is None and (text := _ones(glyphs, left, right, top, bottom)) is None:
        return None
    word = Word(text, b, page.number, conf=conf, sup=True)
    return Tok(t.i, word, norm(text), t.x0, t.top, t.x1, t.bottom, t.line)


def _raised_marks(api, flow, page: Page, band: Band, value: list[Tok], marks: list[Tok]) -> list[Tok]:
    """Mark words for the raised glyph clusters beside the value's lines that no mark word of the
    cell covers and that read as marks."""
    off = flow.page_top[page.number]
    s = page.image_dpi / 72.0
    reach = 0.5 * flow.em * CAP_PER_EM * s      # the crop reaches half a capital above the words
    left, right = page.cell_edges(sum(t.x0 + t.x1 for t in value) / (2 * len(value)),
                                  min(t.top for t in value) - off, max(t.bottom for t in value) - off)
    X0 = max(0, int(max(left, min([max(0.0, band.x0)] + [t.x0 for t in value])) * s))
    X1 = min(page.image.width, int(min(right, max([min(page.width, band.x1)] + [t.x1 for t in value])) * s) + 1)
    Y0 = max(0, int((min(t.top for t in value) - off) * s - reach))
    Y1 = min(page.image.height, int((max(t.bottom for t in value) - off) * s) + 1)
    if X1 - X0 < 3 or Y1 - Y0 < 3:
        return []
    comps = _ink_components(page, (X0, Y0, X1, Y1))
    if comps is None:
        return []
    left, top, right, bottom = comps
    height = bottom - top
    taken = [_box_px(t.word.bbox, s, X0, Y0) for t in marks]
    pad = max(2, round(page.image_dpi / 100))
    added: list[Tok] = []
    for ln in sorted({t.line for t in value}):
        words = [t for t in value if t.line == ln]
        # the line's baseline and cap height from its word boxes (font boxes: DESCENT below the
        # baseline, ASCENT + DESCENT capitals tall; tesswords.font_boxes), not from the ink, where
        # a mark's parentheses are as tall as the value's small letters; the lowest box and the
        # taller half, as a misread mark read as a word of its own ("a") sits raised and small
        heights = sorted(t.bottom - t.top for t in words)
        cap = float(np.median(heights[len(heights) // 2:])) * CAP_PER_EM * s
        base = (max(t.bottom for t in words) - off) * s - Y0 - DESCENT * cap
        glyphs = (bottom > base - RAISE * cap) & (top < base) & (height >= SPECK * cap) & (bottom < base + cap)
        spans = list(zip(left[glyphs], right[glyphs]))
        # a mark follows its value: ink left of the line's first glyph is the cell before's mark,
        # which a column band placed too far left reaches into
        start = min(left[glyphs], default=0)
        cand = [k for k in range(len(left))
                if SPECK * cap <= height[k] <= MARK_MAX * cap and bottom[k] <= base - RAISE * cap
                and top[k] >= base - 1.8 * cap and left[k] > start
                and not any(left[k] < x1 and x0 < right[k] for x0, x1 in spans)]
        for cl in _clusters(sorted(cand, key=lambda k: left[k]), left, right, top, bottom, cap):
            box = (min(left[cl]), min(top[cl]), max(right[cl]), max(bottom[cl]))
            if box[3] - box[1] < MARK_MIN * cap or any(_overlaps(box, b) for b in taken):
                continue
            text, conf = _read_mark(api, page, (X0 + box[0] - pad, Y0 + box[1] - pad, X0 + box[2] + 2 * pad,
                                                Y0 + box[3] + pad))
            if not text and (text := _ones(cl, left, right, top, bottom)) is None:
                continue
            bb = BBox((X0 + box[0]) / s, (Y0 + box[1]) / s, (X0 + box[2]) / s, (Y0 + box[3]) / s)
            word = Word(text, bb, page.number, conf=conf, sup=True)
            added.append(Tok(words[-1].i, word, norm(text), bb.x0, bb.top + off, bb.x1, bb.bottom + off, ln))
            taken.append(box)
    return added


def _ink_components(page: Page, box: tuple[int, int, int, int]):
    """(left, top, right, bottom) pixel arrays, relative to `box`, of the glyphs in `box` of the
    page image: its ink (imageprep.crop_ink) less the rules crossing it; None when it holds none."""
    import cv2
    ink = crop_ink(page.image, box)
    if ink.size == 0:
        return None
    ink[ink.mean(axis=1) > RULE_SHARE] = False
    ink[:, ink.mean(axis=0) > RULE_SHARE] = False
    n, _labels, st, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    if n <= 1:
        return None
    left, top = st[1:, cv2.CC_STAT_LEFT], st[1:, cv2.CC_STAT_TOP]
    return left, top, left + st[1:, cv2.CC_STAT_WIDTH], top + st[1:, cv2.CC_STAT_HEIGHT]


def _mark_alone(value: list[Tok], kind: str, marked: bool = False) -> bool:
    """A typed cell's one short word that is not of its type, or, in a cell without marks, a digit
    or two Tesseract was unsure of: a lone "(1)" blurred at 150 dpi reads "0" at 0.3, a price of 0
    to the checks (a "0" with a mark beside it is a value)."""
    if len(value) != 1 or kind not in MARK_ALONE_TYPES or len(value[0].text) > MARK_ALONE_CHARS:
        return False
    w = value[0].word
    return not looks_like(kind, w.text) or (not marked and DOUBTFUL_DIGITS.match(w.text) is not None
                                            and w.conf < DOUBTFUL_CONF)


def _read_mark(api, page: Page, box) -> tuple[str | None, float]:
    """The mark in `box` (page pixels) as Tesseract reads it, enlarged to each of READ_HEIGHTS in
    turn (the LSTM reads a small blurred glyph right at one size and not at another), with its
    confidence; (None, STROKE_CONF) when no reading is a well-formed mark."""
    for h in READ_HEIGHTS:
        got = _reread(api, page.image, box, page.image_dpi, h)
        if not got:
            continue
        # Tesseract often gives a whitelisted reading of a tiny crop confidence 0 however right it
        # is: a reading that is a mark as it stands is taken anyway, one that needs mending not
        if MARK_WORD.match(got[0]) and "(0)" not in got[0]:
            return got[0], max(got[1], MIN_MARK_CONF) * FOUND_CONF
        if got[1] >= MIN_MARK_CONF and (text := _as_mark(got[0])):
            return text, got[1] * FOUND_CONF
    return None, STROKE_CONF


def _ones(cl: list[int], left, right, top, bottom) -> str | None:
    """"(1)", "(11)" from the shapes when Tesseract cannot read them: a mark's "1" printed small
    and blurred is a bare stroke between its parentheses, which the LSTM reads as nothing, "l" or
    "|" (and the mark whitelist then drops). The cluster must be a parenthesis, one or two strokes
    (each at most STROKE_WIDTH of its height wide, at least 0.6 of the parentheses' height), and a
    parenthesis."""
    if not 3 <= len(cl) <= 4:
        return None
    parens_h = min(bottom[cl[0]] - top[cl[0]], bottom[cl[-1]] - top[cl[-1]])
    for k in cl[1:-1]:
        h, w = bottom[k] - top[k], right[k] - left[k]
        if w > STROKE_WIDTH * h or h < 0.6 * parens_h:
            return None
    return "(" + "1" * (len(cl) - 2) + ")"


def _clusters(ks: list[int], left, right, top, bottom, cap: float) -> list[list[int]]:
    """Raised glyphs side by side (each within GAP capitals of the last, overlapping it in height)."""
    out: list[list[int]] = []
    for k in ks:
        if out:
            j = out[-1][-1]
            if left[k] - max(right[i] for i in out[-1]) <= GAP * cap and top[k] < bottom[j] and bottom[k] > top[j]:
                out[-1].append(k)
                continue
        out.append([k])
    return out


def _box_px(b: BBox, s: float, X0: int, Y0: int) -> tuple[float, float, float, float]:
    return b.x0 * s - X0, b.top * s - Y0, b.x1 * s - X0, b.bottom * s - Y0


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


_TAIL = "‘’'\"`([{)]}|®©°*^~"       # what a mark's parenthesis or a speck is read as at a word's end
_OPENER = {")": "(", "]": "[", "}": "{"}


def _strip_tail(text: str, before: str = "") -> str:
    """`text` less the mark remains at its end; a closing bracket whose opener is in the word or
    the words `before` it stays ("buy)" of "(right to buy)")."""
    while text and text[-1] in _TAIL:
        if text[-1] in _OPENER and _OPENER[text[-1]] in before + text:
            break
        text = text[:-1]
    return text


def _without_misreadings(value: list[Tok], marks: list[Tok]) -> list[Tok]:
    """The value words less what OCR made of the cell's marks: a word lying mostly within a mark
    goes ("LP‘ a" -> the "a"), a word reaching into one or right before one loses the quotes and
    brackets at its end ("LP‘" -> "LP", "Footnote' (2)" -> "Footnote")."""
    out = []
    for t in value:
        cut = False
        for m in marks:
            if t.bottom <= m.top or m.bottom <= t.top:
                continue
            if 0 <= m.x0 - t.x1 < 0.5 * (t.bottom - t.top):
                cut = True              # the mark right after the word: a quote there is its "("
                continue
            if t.x1 <= m.x0 or m.x1 <= t.x0:
                continue
            inside = (min(t.x1, m.x1) - max(t.x0, m.x0)) / max(1e-6, t.x1 - t.x0)
            if inside >= 0.6:
                break
            cut = True
        else:
            if cut:
                text = _strip_tail(t.text, " ".join(u.text for u in out))
                if not text:
                    continue
                if text != t.text:
                    w = t.word
                    t = Tok(t.i, Word(text, w.bbox, w.page, conf=w.conf, sup=w.sup), norm(text),
                            t.x0, t.top, t.x1, t.bottom, t.line)
            out.append(t)
    return out
