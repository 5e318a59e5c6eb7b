"""Scans: doubtful table cells read a second time, alone, from the page image.

Tesseract reads the whole page once (sources/ocr.py), and in table cells it often gets short
values wrong: a lone code "S" or "A" dropped, "$0" lost, "06/01/2012" read as "06/01/2072", a
value merged with the rule or the mark beside it. The layout analyzer still finds the column
bands and the rows, so after `layout.analyze` each typed cell (number, money, date, code, A/D,
D/I, V) whose first reading is doubtful is cut out of the page image and read again on its own:
one line, with only the characters its column can hold. A text cell Tesseract was unsure of
("See footnote" read "oe - footnote") is read again too, without a character list.

A cell is doubtful when its words do not parse as its column's type, when one of them was read with
low confidence, or when it has no words but ink of a character's height; a text cell also when its
ink has more lines than its words stand on (a line of a cell wrapped in a tall row lost: "Common
Stock" read "Common", every word sure). The crop is the ink of the cell: horizontal rules, the
cell's footnote-mark words and raised marks Tesseract did not split off are taken out first, so the
re-read sees the value alone (the marks keep their own words). The re-read replaces the cell's
value words only when it parses as the column's type and the first reading did not (or did, and the
re-read is sure: OVERRIDE_CONF).

This is the one stage after the layout that looks at pixels; it runs only for OCR'd pages (a
`page.Page` with its `image`), and changes only the analyzer's cells, so born-digital and text
inputs are untouched. api.py drops the page images once the record is assembled (a 300 dpi
Letter page is ~8 MB).
"""
from __future__ import annotations

import dataclasses

import regex as re

from .cell_marks import RULE_JUNK, STROKE_CONF, STROKE_WIDTH, find_marks, glyph_lines, marks_only   # a lone "I" is read from its stroke as a "1" is
from .flow import Tok, norm, wrapped_at
from .geometry import BBox
from .grid import Band, Row
from .layout import Layout
from .page import Page, Word
from .sources.imageprep import grey_percentile
from .sources.marks import MARK_CHARS
from .sources.ocr import STRAIGHT_QUOTES
from .sources.tesswords import ASCENT, DESCENT, QUOTES
from .values import MARK_WORD, TRANSACTION_CODES, looks_like, split_marks

_TAIL_JUNK = re.compile(r"^(?:[@®©°*^~<>=_—–!?-]+|[^\s()]{1,2}\)+)$")   # a mark's remains after the text
# the characters a cell of each column type can hold (its footnote marks are taken out first)
WHITELIST = {
    "number": "0123456789,.$",
    "money": "0123456789,.$",
    "date": "0123456789/",
    "code": "".join(sorted(TRANSACTION_CODES)),
    "ad_code": "AD",
    "ownership_form": "DI",
    "flag": "V",
}
DIGITLESS_CONF = 0.5     # a price read again over a first reading without a digit is taken only this sure
OVERRIDE_CONF = 0.85     # a re-read replaces a first reading that parses only when this sure (Tesseract's
                         # word confidence of a page-read value glued to its mark is often 0: no guide)
TEXT_DOUBT = 0.5         # a text cell whose words average less confidence than this is read again ...
TEXT_WORD_DOUBT = 0.7    # ... or with a word read with less than this ("235 footnote": "See" garbled alone)
TEXT_SURE = 0.85         # ... and the re-read taken when Tesseract is at least this sure of it
TEXT_GAIN = 0.1          # ... and this much surer than of the first reading (0.2 refused "By Reinvent
                         # i Sponsor LLC" at 0.83 -> "By Reinvent Sponsor LLC" at 0.95; scan-200 0.9091 -> 0.9102)
TEXT_DPI = 400          # a text cell is read again as if scanned at least this fine
LINE_SPACING = 1.0       # a text line of a table cell takes about a word box's height (flow.em)
NEXT_ROW_GAP = 0.3       # a sure text cell is looked at down to this many ems above the next row's top
SPECK_HEIGHT = 0.5       # a text cell's word less tall than this share of its words' median ...
SPECK_CHARS = 3          # ... and of at most this many characters is dust, not a word
LOW_CONF = 0.75          # a value word read with less confidence than this is read again
INK_SHARE = 0.75         # ink: darker than this share of the crop's paper level
RULE_ROW_SHARE = 0.6     # a pixel row with one run of ink this much across the cell is a horizontal rule
                         # (a run: a line of text fills a narrow cell's row with ink too, in glyphs)
CAP_PER_EM = 1 / (ASCENT + DESCENT)   # cap height per word-box height (word boxes are font boxes)
MIN_CAP_SHARE = 0.5      # a value glyph is at least this share of the page's cap height (codes print small)
MIN_CAP_SHARE_EMPTY = 0.75   # ... in a cell OCR found nothing in (a mark Tesseract dropped is ~0.6),
ONE_LETTER = {"ownership_form", "ad_code"}   # but for a lone "I" or "D", which no mark stands in for alone
LETTERS = ONE_LETTER | {"code", "flag"}      # cells of one letter, read without what stands raised beside it
RAISED_SHARE = 0.25      # a glyph whose bottom is this share of the cap height above the line's is a mark
LINE_PX = 36             # a cell image is read at least this tall (pixels, margin included)
PSM_LINE = 7             # Tesseract: the image is one text line
PSM_BLOCK = 6            # ... one block of text


def reread_cells(lay: Layout) -> int:
    """Read doubtful table cells of OCR'd pages again (see the module docstring), replacing
    their value words in `lay.grids` in place. Returns how many cells took the new reading."""
    pages = lay.flow.doc.image_pages
    if not pages:
        return 0
    from .sources.ocr import tesseract
    changed = 0
    on_page = lambda row: pages.get(row.anchor.page if row.anchor is not None else 1)
    cells = [(on_page(row), band, row) for g in lay.grids.values() for row in g.rows
             if on_page(row) is not None for band in g.bands]
    # where each row's lines may reach: the next row's top on its page (a wrapped cell's lower
    # line that the page's reading lost has no word to stretch the row to it)
    below = {id(r): n.top for g in lay.grids.values() for r, n in zip(g.rows, g.rows[1:]) if on_page(r) is on_page(n)}
    # first the marks the page's reading lost (their words are then kept out of the re-read)
    with tesseract(PSM_LINE, MARK_CHARS) as api:
        for page, band, row in cells:
            changed += find_marks(api, lay.flow, page, band, row)
            changed += marks_only(api, lay.flow, page, band, row)
        for page, band, row in cells:
            if band.leaf.type == "text":
                _drop_junk(row, band)
            if band.leaf.type in WHITELIST or band.leaf.type == "text":
                empty = all(_is_mark(t) for t in row.cells.get(band.leaf.key, []))
                read = _reread_cell(api, lay, page, band, row, below.get(id(row)))
                changed += read
                if read and empty and band.leaf.type in LETTERS:
                    # a letter the page's reading lost had its mark lost with it: look again
                    # now that there is a letter for it to stand beside
                    api.SetPageSegMode(PSM_LINE)
                    api.SetVariable("tessedit_char_whitelist", MARK_CHARS)
                    changed += find_marks(api, lay.flow, page, band, row)
    return changed


def reread_band(lay: Layout, band: Band, rows: list[Row]) -> int:
    """Read again, as a table cell is, the doubtful cells of `band` (a typed column) in rows
    found outside the tables: a signature's date ("95/93/2023" for 02/03/2023, "ee")."""
    pages = lay.flow.doc.image_pages
    cells = [(pages.get(row.anchor.page if row.anchor is not None else 1), row) for row in rows]
    cells = [(page, row) for page, row in cells if page is not None]
    if not cells:
        return 0
    from .sources.ocr import tesseract
    with tesseract() as api:           # each cell sets the mode and characters its column reads with
        return sum(_reread_cell(api, lay, page, band, row) for page, row in cells)


def _drop_junk(row: Row, band: Band) -> None:
    """A text cell's words less what OCR made of rules and marks: a word of bars, brackets or
    quotes alone anywhere ("See | Footnote"), a speck read as a letter (_speck), and after the
    last real word a word of dashes or symbols or a mark's closing half ("See Footnote @)",
    "LP a)"), when real words stay; and the "!" a raised mark glued to the last word is read as
    ("Trust!"). The cell's marks stay where they are."""
    toks = row.cells.get(band.leaf.key, [])
    keep = [t for t in toks if not _speck(t, toks) and (_is_mark(t) or not RULE_JUNK.match(t.text))]
    value = [t for t in keep if not _is_mark(t)]
    while len(value) > 1 and _TAIL_JUNK.match(value[-1].text):
        keep.remove(value.pop())
    if value and (text := _without_tail_marks(value[-1].text, " ".join(t.text for t in value))) != value[-1].text:
        last = value[-1]
        keep[keep.index(last)] = last.retext(text)
    if keep != toks and (any(sum(ch.isalpha() for ch in t.text) >= 2 for t in keep) or not value):
        row.cells[band.leaf.key] = keep         # (or nothing but rules: "| |" in a blank cell)


def _lone_sign(text: str) -> bool:
    """One letter or sign and nothing else: no title or nature of ownership is that short."""
    return len(text) <= 2 and sum(ch.isalnum() for ch in text) <= 1


def _is_mark(t: Tok) -> bool:
    return bool(t.word.sup) or bool(MARK_WORD.match(t.text))


def _speck(t: Tok, cell: list[Tok]) -> bool:
    """A word of a few characters printed less than half as tall as the cell's words: dust or a
    mark's remains read as a letter ("By Trust a": the "a" 3.2 pt tall beside words of 8.6)."""
    heights = sorted(u.bottom - u.top for u in cell if not _is_mark(u))
    return (not _is_mark(t) and len(t.text) <= SPECK_CHARS
            and t.bottom - t.top < SPECK_HEIGHT * heights[len(heights) // 2])


def _without_tail_marks(text: str, whole: str | None = None) -> str:
    """A text cell's text (or last word) less a "!" or "?" ending its last word: what a mark's
    parenthesis glued to the word is read as ("Trust!", "See Footnote?!"); and less a quote or a
    ")" ending it that nothing in the cell (`whole`, by default the text) opens ("Class B Common
    Stock'", "By Rivendell One LLC)": a mark's remains). None of the corpus's 4,953 table text
    cells ends in either. A last word of nothing else is left alone."""
    whole = text if whole is None else whole
    head, sep, last = text.rpartition(" ")
    stripped = last
    while True:
        before = stripped
        stripped = stripped.rstrip("!?")
        if stripped[-1:] in ("'", '"') and whole.count(stripped[-1]) == 1:
            stripped = stripped[:-1]
        if stripped.endswith(")") and whole.count(")") > whole.count("("):
            stripped = stripped[:-1]
        if stripped == before:
            break
    return head + sep + stripped if any(ch.isalpha() for ch in stripped) else text


def _mean_conf(value: list[Tok]) -> float:
    return sum(t.word.conf for t in value) / len(value)


def _doubtful(kind: str, value: list[Tok]) -> bool:
    if kind == "text":                          # an empty text cell is a blank, not a misreading
        return bool(value) and (_mean_conf(value) < TEXT_DOUBT or min(t.word.conf for t in value) < TEXT_WORD_DOUBT)
    if not value:
        return True                             # decided by the ink in the cell
    text = " ".join(t.text for t in value)
    return not looks_like(kind, text) or any(t.word.conf < LOW_CONF for t in value)


def _reread_cell(api, lay: Layout, page: Page, band: Band, row: Row, below: float | None = None) -> int:
    from .assemble import split_cell
    kind = band.leaf.type
    toks = row.cells.get(band.leaf.key, [])
    value, _ids, marks = split_cell(toks, False, lay.flow.em)
    doubtful = _doubtful(kind, value)
    bottom = row.bottom
    if not doubtful:
        if kind != "text":
            return 0
        # a sure text cell is looked at down to the next row (`below`), for a line its words lost
        if below is not None:
            bottom = max(bottom, below - NEXT_ROW_GAP * lay.flow.em)
        if not _room_below(value, row.top, bottom, lay.flow.em):
            return 0
    flow = lay.flow
    off = flow.page_top[page.number]
    x0 = min([max(0.0, band.x0)] + [t.x0 for t in value])
    x1 = max([min(page.width, band.x1)] + [t.x1 for t in value])
    # no further than the cell's borders: a band placed too far over reaches the next cell's mark
    # ("(3)" of the price before a holding read "32,479,732")
    mid = sum(t.x0 + t.x1 for t in value) / (2 * len(value)) if value else (x0 + x1) / 2
    left, right = page.cell_edges(mid, row.top - off, bottom - off)
    x0, x1 = max(x0, left), min(x1, right)
    at = (sum(t.cy for t in value) / len(value) - off) if value else None
    crop = _cell_ink(page, BBox(x0, row.top - off, x1, bottom - off), [t.word.bbox for t in marks], flow.em,
                     at, MIN_CAP_SHARE if value or kind in ONE_LETTER else MIN_CAP_SHARE_EMPTY, raised=kind not in LETTERS)
    if crop is None:
        text = " ".join(t.text for t in value)
        if value and (not looks_like(kind, text) if kind != "text" else _lone_sign(text)):
            # words that are no value over a cell without a glyph of a character's size: what
            # OCR made of an empty cell's frame and paper ("my" in a blank V cell, "a" or "—" in
            # a blank Nature of Ownership cell)
            row.cells[band.leaf.key] = marks
            return 1
        return 0
    img, box_pt, lines = crop
    lost = kind == "text" and lines > len({t.line for t in value})
    if not doubtful and not lost:
        return 0
    api.SetPageSegMode(PSM_LINE if lines == 1 else PSM_BLOCK)
    if kind == "text":
        return _reread_text(api, img, box_pt, page, band, row, value, marks, off, lost)
    for allowed, height in ((WHITELIST[kind], LINE_PX), (WHITELIST[kind], 2 * LINE_PX), ("", LINE_PX)):
        # Tesseract's LSTM is fickle on a lone small glyph: a clean "S" comes back empty at one size
        # and right at another, a lone "D" right only without the whitelist; each try is ~3 ms
        api.SetVariable("tessedit_char_whitelist", allowed)
        got = _read(api, img, page.image_dpi, height=height)
        if got and looks_like(kind, got[0]):
            break
    else:
        if not (kind == "ownership_form" and not value and _lone_stroke(img)):
            return 0
        got = ("I", STROKE_CONF)    # a lone upright stroke, which the LSTM reads as nothing at 150 dpi
    text, conf = got
    before = " ".join(t.text for t in value)
    if value and looks_like(kind, before) and (text == before or conf < OVERRIDE_CONF or _lost_leading_digits(text, before)):
        # a first reading that parses gives way only to a sure one, and not to one that has only
        # its last digits ("00" for "2,300", "69" for "569": the crop lost glyphs at its left rule;
        # a first reading with digits more at the end or inside is mostly a mark read glued)
        return 0
    if kind == "money" and value and not any(ch.isdigit() for ch in before) and conf < DIGITLESS_CONF:
        # a price cell first read without a digit ("-WAS", "Mea"): what stands there is mostly a
        # cluster of marks ("(1)(2)(3)" over two lines, the price told in footnotes), which an
        # unsure re-read turns into a number (an amount, always printed, is not so judged)
        return 0
    _replace(row, band, value, marks, text, conf, box_pt, page.number, off)
    return 1


def _reread_text(api, img, box_pt: BBox, page: Page, band: Band, row: Row, value: list[Tok], marks: list[Tok],
                 off: float, lost: bool = False) -> int:
    """A garbled text cell ("See footnote" read "oe - footnote"): the re-read, in the words
    Tesseract gives, replaces it only when Tesseract is clearly surer of it. A cell whose ink has
    more lines than its words (`lost`: "Common Stock" over two lines of a tall row read "Common")
    takes a sure re-read that keeps every word read and adds to them."""
    api.SetVariable("tessedit_char_whitelist", "")
    got = _read(api, img, page.image_dpi, spaces=True, height=round(img.height * max(1.0, TEXT_DPI / page.image_dpi)))
    if not got or got[1] < TEXT_SURE or (got[1] < _mean_conf(value) + TEXT_GAIN
                                         and not (lost and _adds_to(got[0], [t.text for t in value]))):
        return 0
    # a mark the page's reading left glued in the words comes back at the end of the re-read
    # ("See footnote (4)"): it stays a mark, not part of the text
    text, ids = split_marks(got[0])
    # less the bars a cell's rule is read as ("Kurtz 2009 | Spendthrift Trust |"), as _drop_junk
    words = [_unquoted(w) for w in text.translate(STRAIGHT_QUOTES).split() if not RULE_JUNK.match(w)]
    while len(words) > 1 and _TAIL_JUNK.match(words[-1]):
        words.pop()                     # a mark's remains ("By Rivendell One LLC! ?")
    text = _without_tail_marks(" ".join(words))
    if not text:
        return 0
    extra = [_mark_tok(f"({i})", got[1], box_pt, page.number, off, value) for i in ids
             if f"({i})" not in {t.text for t in marks}]
    _replace(row, band, value, marks + extra, text, got[1], box_pt, page.number, off)
    return 1


def _lost_leading_digits(text: str, before: str) -> bool:
    """`text`'s digits are the last of `before`'s, fewer."""
    a, b = "".join(filter(str.isdigit, text)), "".join(filter(str.isdigit, before))
    return len(a) < len(b) and b.endswith(a)


def _room_below(value: list[Tok], top: float, bottom: float, em: float) -> bool:
    """The row (`top` to `bottom`) is tall enough for a line more than the text cell's words stand
    on: a line of a wrapped cell may have been lost (only then is its ink counted, _cell_ink)."""
    return bool(value) and bottom - top > (len({t.line for t in value}) + 1) * LINE_SPACING * em


def _adds_to(text: str, words: list[str]) -> bool:
    """`text` has every one of `words` in order, and more."""
    new = text.split()
    k = 0
    for w in new:
        if k < len(words) and w == words[k]:
            k += 1
    return k == len(words) and len(new) > len(words)


def _unquoted(word: str) -> str:
    """A word less the quote Tesseract puts before a first letter at a rule or a round capital
    ("'Common Stock"), as tesswords.drop_rules does for the page's words."""
    bare = word.lstrip("".join(QUOTES))
    return bare if bare[:1].isalnum() else word


def _mark_tok(text: str, conf: float, box: BBox, page: int, off: float, value: list[Tok]) -> Tok:
    """A mark word found in a cell's re-read, placed at the cell's right end."""
    word = Word(text, box, page, conf=conf, sup=True)
    first = value[0]
    return Tok(first.i, word, norm(text), box.x1, box.top + off, box.x1, box.bottom + off, first.line)


def _replace(row: Row, band: Band, value: list[Tok], marks: list[Tok], text: str, conf: float, box: BBox,
             page: int, off: float) -> None:
    """The cell's value words -> one word of the re-read text; its marks stay marks (flagged as
    superscripts: the new word's box is the whole crop, so a mark inside it no longer stands apart
    from its value, which is how an unflagged "(n)" is told from text; assemble.split_cell)."""
    first = value[0] if value else None
    word = Word(text, box, page, conf=conf, sup=False)
    tok = Tok(first.i if first else -1, word, norm(text), box.x0, box.top + off, box.x1, box.bottom + off,
              first.line if first else -1)
    row.cells[band.leaf.key] = [tok] + [m if m.word.sup else dataclasses.replace(m, word=dataclasses.replace(m.word, sup=True))
                                        for m in marks]


def _cell_ink(page: Page, cell: BBox, mark_boxes: list[BBox], em: float, at: float | None, min_cap: float,
              raised: bool = True):
    """The cell's value as a clean grey image: (image, its box in page points, number of text
    lines), or None when the cell holds no glyph at least `min_cap` of a capital's height. The
    row's box may reach over a horizontal rule into the next row: only the part between rules
    around `at` (page y of the value words), or with the most ink, is read. `raised`: keep glyphs
    standing raised above their line's baseline; a one-letter value has none, and a mark Tesseract
    did not split off stands so ("S(2)", read "sf)")."""
    import cv2
    import numpy as np
    from PIL import Image
    s = page.image_dpi / 72.0
    X0, Y0 = max(0, int(cell.x0 * s)), max(0, int(cell.top * s))
    X1, Y1 = min(page.image.width, int(cell.x1 * s) + 1), min(page.image.height, int(cell.bottom * s) + 1)
    if X1 - X0 < 3 or Y1 - Y0 < 3:
        return None
    a = np.array(page.image.crop((X0, Y0, X1, Y1)))
    paper = np.uint8(grey_percentile(a, 90))
    ink = a < paper * INK_SHARE
    rule_rows = _longest_runs(ink) > RULE_ROW_SHARE * ink.shape[1]
    for b in mark_boxes:                     # the cell's footnote marks keep their own words
        ink[max(0, int(b.top * s) - Y0):max(0, int(b.bottom * s) + 1 - Y0),
            max(0, int(b.x0 * s) - X0):max(0, int(b.x1 * s) + 1 - X0)] = False
    ink[rule_rows] = False
    parts = _between_rules(rule_rows)
    if at is not None:
        y = at * s - Y0
        lo, hi = min(parts, key=lambda p: 0 if p[0] <= y < p[1] else min(abs(y - p[0]), abs(y - p[1])))
    else:
        lo, hi = max(parts, key=lambda p: int(ink[p[0]:p[1]].sum()))
    ink[:lo] = False
    ink[hi:] = False
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    cap = em * CAP_PER_EM * s
    comps = [k for k in range(1, n) if stats[k, cv2.CC_STAT_HEIGHT] >= min_cap * cap
             and stats[k, cv2.CC_STAT_HEIGHT] <= 2.5 * cap]
    if not comps:
        return None
    # text lines of the full-height glyphs, and what sits raised above its line (a glued mark)
    tops = stats[:, cv2.CC_STAT_TOP]
    lines = glyph_lines(comps, tops, tops + stats[:, cv2.CC_STAT_HEIGHT])
    keep = np.zeros(n, dtype=bool)
    full = np.zeros(n, dtype=bool)
    full[comps] = True
    for ln in lines:
        top = min(stats[j, cv2.CC_STAT_TOP] for j in ln)
        base = max(stats[j, cv2.CC_STAT_TOP] + stats[j, cv2.CC_STAT_HEIGHT] for j in ln)
        ln = [j for j in ln if raised or stats[j, cv2.CC_STAT_TOP] + stats[j, cv2.CC_STAT_HEIGHT] > base - RAISED_SHARE * cap]
        keep[ln] = True
        spans = [(stats[j, cv2.CC_STAT_LEFT], stats[j, cv2.CC_STAT_LEFT] + stats[j, cv2.CC_STAT_WIDTH]) for j in ln]
        # smaller pieces in the line's band stay: periods and commas (down at the baseline) and
        # parts of a glyph the scan broke off (above or below a full-height glyph); a raised piece
        # beside the glyphs is a footnote mark Tesseract did not split off, and goes
        for k in range(1, n):
            if full[k]:
                continue
            kx, kt = stats[k, cv2.CC_STAT_LEFT], stats[k, cv2.CC_STAT_TOP]
            kw, kh = stats[k, cv2.CC_STAT_WIDTH], stats[k, cv2.CC_STAT_HEIGHT]
            if kt < top - 0.2 * cap or kt + kh > base + 0.5 * cap:
                continue
            under = any(kx < x1 and x0 < kx + kw for x0, x1 in spans)
            if under or kt + kh > base - RAISED_SHARE * cap:
                keep[k] = True
    sel = cv2.dilate(keep[labels].astype(np.uint8), np.ones((3, 3), np.uint8)) > 0   # with the glyphs' grey edges
    ys, xs = np.nonzero(sel)
    pad = max(2, round(0.3 * cap))
    bx0, by0, bx1, by1 = xs.min(), ys.min(), xs.max() + 1, ys.max() + 1
    clean = np.where(sel, a, paper).astype(np.uint8)[max(0, by0 - pad):by1 + pad, max(0, bx0 - pad):bx1 + pad]
    box = BBox((X0 + bx0) / s, (Y0 + by0) / s, (X0 + bx1) / s, (Y0 + by1) / s)
    return Image.fromarray(clean), box, len(lines)


def _lone_stroke(img) -> bool:
    """The cell's ink is one upright stroke (at most STROKE_WIDTH of its height wide): a serif "I"."""
    import cv2
    import numpy as np
    a = np.asarray(img)
    ink = (a < grey_percentile(a, 90) * INK_SHARE).astype(np.uint8)
    n, _labels, st, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    big = [k for k in range(1, n) if st[k, cv2.CC_STAT_HEIGHT] >= 0.5 * max(st[1:, cv2.CC_STAT_HEIGHT])]
    return len(big) == 1 and st[big[0], cv2.CC_STAT_WIDTH] <= STROKE_WIDTH * st[big[0], cv2.CC_STAT_HEIGHT]


def _read(api, img, dpi: float, spaces: bool = False, height: int = 0) -> tuple[str, float] | None:
    """Tesseract's reading of a cell image (spaces dropped unless `spaces`: typed values have
    none; lines joined by a space, or none after a hyphen) and its mean confidence in [0, 1]. A crop lower than `height`
    (default LINE_PX) is enlarged to it, a larger one read as it is: enlarged to 120 px, as
    marks.py does for the tiny marks, "58,967" came back "98,967"."""
    from PIL import Image
    f = max(1.0, (height or LINE_PX) / max(1, img.height))
    if f > 1.0:
        img = img.resize((round(img.width * f), round(img.height * f)), Image.Resampling.LANCZOS)
    canvas = Image.new("L", (img.width + 20, img.height + 20), 255)
    canvas.paste(img, (10, 10))
    api.SetImage(canvas)
    api.SetSourceResolution(round(dpi * f))
    # a line ending in a hyphen was wrapped after it ("Non-" / "Qualified"), as join_words has it
    text = ""
    for line in (api.GetUTF8Text() or "").splitlines():
        line = " ".join(line.split())
        if line:
            text += ("" if not text or wrapped_at(text) else " ") + line
    if not spaces:
        text = text.replace(" ", "")
    return (text, max(0.0, min(1.0, api.MeanTextConf() / 100.0))) if text else None


def _longest_runs(ink):
    """Per pixel row, the length of its longest run of ink."""
    import numpy as np
    edge = np.zeros((ink.shape[0], 1), dtype=np.int8)
    d = np.diff(np.concatenate([edge, ink.astype(np.int8), edge], axis=1), axis=1)
    out = np.zeros(ink.shape[0], dtype=np.int64)
    for y in np.flatnonzero(ink.any(axis=1)):
        starts, ends = np.flatnonzero(d[y] == 1), np.flatnonzero(d[y] == -1)
        out[y] = int((ends - starts).max())
    return out


def _between_rules(rule_rows) -> list[tuple[int, int]]:
    """The (start, end) pixel rows of the stretches between horizontal rules."""
    parts, start = [], 0
    for y, r in enumerate(list(rule_rows) + [True]):
        if r:
            if y > start:
                parts.append((start, y))
            start = y + 1
    return parts or [(0, len(rule_rows))]
