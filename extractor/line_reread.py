"""Scans: doubtful lines of running text read a second time, alone, from the page image.

Tesseract's page reading (sources/ocr.py) lays out the whole page first; in the long small-print
lines of the footnotes it sometimes takes a stretch of a line for noise and gives garbage for it
("These shares were sold" -> "See ee eee ene ee") or drops a word ("plan entered into" -> "plan d
into"). Read again on its own (one text line, PSM 7), the same line mostly comes back whole. So a
footnote line with a word Tesseract was unsure of is cut out of the page image across the
footnotes' width and read again; the new reading replaces the line when
Tesseract is at least as sure of it, word for word, as of the first (on the 300 dpi corpus scans a
gain threshold of 0.05 took none of the better readings: "FF 1V Managy" -> "FF 1V Management,"
comes back 0.01 surer).

Tesseract also drops words with no doubt at all ("upon written request, full information
regarding" -> "upon written req full i garding", every word at 0.96): what gives them away is the
gap they leave, wider than any space between words of running text. Such a line is read again at
any resolution, and the new reading is taken when it fills the gap with more text and is about as
sure (GAP_SLACK) as the first.

Only OCR'd pages (a `page.Page` with its image) are read again; the words of born-digital and text
inputs are what their files say.
"""
from __future__ import annotations

from .flow import Flow, Tok, norm
from .geometry import BBox
from .page import Word

DOUBT = 0.8              # a line with a word read with less confidence than this is read again
GAIN = 0.0               # the second reading is taken when its mean word confidence is this much higher (or more)
MIN_LENGTH_SHARE = 0.8   # ... and it keeps at least this share of the first reading's characters
PSM_LINE = 7
GAP_EM = 1.2            # a gap this many ems wide between two words of a running-text line is where
                         # Tesseract dropped words ("request, full information regarding" -> "req full garding")
GAP_SLACK = 0.05         # ... and a reading that fills the gap is taken when it is no more than this much less sure
MIN_DPI = 200            # below this a line read alone is no better than the page's reading (150 dpi
                         # corpus scans: 147 wrong footnotes before, 161 after; 168 read enlarged to 300)


def reread_lines(flow: Flow, lines: list[list[Tok]]) -> list[list[Tok]]:
    """`lines` (reading lines of one text section, top down) with their doubtful lines replaced by
    a surer second reading (see the module docstring)."""
    pages = {p.number: p for p in flow.doc.pages if p.image is not None}
    doubtful = [k for k, ln in enumerate(lines) if ln and ln[0].page in pages
                and ((min(t.word.conf for t in ln) < DOUBT and (pages[ln[0].page].image_dpi or 0) >= MIN_DPI)
                     or _gap(ln) > GAP_EM * flow.em)]
    if not doubtful:
        return lines
    from .sources.ocr import _api_lock, _engine
    left = min(t.x0 for ln in lines for t in ln)
    right = max(t.x1 for ln in lines for t in ln)
    out = list(lines)
    with _api_lock:
        api = _engine()
        try:
            api.SetPageSegMode(PSM_LINE)
            api.SetVariable("tessedit_char_whitelist", "")
            for k in doubtful:
                got = _reread(api, flow, pages[lines[k][0].page], lines[k], left, right)
                if got is not None:
                    out[k] = got
        finally:
            api.SetPageSegMode(3)
    return out


def _gap(line: list[Tok]) -> float:
    """The widest space between two words of the line."""
    return max((b.x0 - a.x1 for a, b in zip(line, line[1:])), default=0.0)


def _reread(api, flow: Flow, page, line: list[Tok], left: float, right: float) -> list[Tok] | None:
    from .sources.ocr import STRAIGHT_QUOTES
    from .sources.imageprep import dark
    from .sources.tesswords import drop_rules, read_words
    off = flow.page_top[page.number]
    s = page.image_dpi / 72.0
    top = min(t.top for t in line) - off
    bottom = max(t.bottom for t in line) - off
    em = flow.em
    X0, X1 = max(0, int((left - 0.3 * em) * s)), min(page.image.width, int((right + 0.3 * em) * s))
    Y0, Y1 = max(0, int(top * s)), min(page.image.height, int(bottom * s) + 1)
    if X1 - X0 < 8 or Y1 - Y0 < 4:
        return None
    crop = page.image.crop((X0, Y0, X1, Y1))
    api.SetImage(crop)
    api.SetSourceResolution(round(page.image_dpi))
    api.Recognize()
    raw = [w for w in drop_rules(dark(crop), read_words(api)) if w.text.strip()]   # dust, stray quotes
    if not raw:
        return None
    before = sum(t.word.conf for t in line) / len(line)
    after = sum(w.conf for w in raw) / len(raw)
    old_chars = sum(len(t.text) for t in line)
    new_chars = sum(len(w.text) for w in raw)
    new_gap = max(((b.box[0] - a.box[2]) / s for a, b in zip(raw, raw[1:])), default=0.0)
    old_gap = _gap(line)
    surer = page.image_dpi >= MIN_DPI and after >= before + GAIN and new_chars >= MIN_LENGTH_SHARE * old_chars
    fills = (old_gap > GAP_EM * em >= new_gap and new_chars > old_chars and after >= before - GAP_SLACK)
    if not (surer or fills):
        return None
    first = line[0]
    toks = []
    for w in raw:
        x0, y0, x1, y1 = w.box
        # the line's own height: the crop is the line's box, the words' ink is smaller than a
        # text layer's box
        box = BBox((X0 + x0) / s, top, (X0 + x1) / s, bottom)
        text = w.text.translate(STRAIGHT_QUOTES)
        word = Word(text, box, page.number, conf=w.conf)
        toks.append(Tok(first.i, word, norm(text), box.x0, box.top + off, box.x1, box.bottom + off, first.line))
    return toks
