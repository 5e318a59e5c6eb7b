"""Scans: doubtful stretches of running text read a second time, alone, from the page image.

Tesseract's page reading (sources/ocr.py) lays out the whole page first; in the long small-print
lines of the footnotes it sometimes takes a stretch of a line for noise and gives garbage for it
("These shares were sold" -> "See ee eee ene ee") or drops a word ("plan entered into" -> "plan d
into"). Read again on its own (one text line, PSM 7), the same stretch mostly comes back whole.
So around each word Tesseract was unsure of, CONTEXT words either side are cut out of the page
image and read again; the new reading replaces them when Tesseract is at least as sure of it,
word for word, as of the first (on the 300 dpi corpus scans a gain threshold of 0.05 took none
of the better readings: "FF 1V Managy" -> "FF 1V Management," comes back 0.01 surer). Stretches,
not whole lines: Tesseract's time grows with the width it reads, and whole footnote lines cost
~0.5 s a page on footnote-heavy filings (the stretches: a third of that, field accuracy alike).

Tesseract also drops words with no doubt at all ("upon written request, full information
regarding" -> "upon written req full i garding", every word at 0.96): what gives them away is the
gap they leave, wider than any space between words of running text. The stretch round such a
gap is read again at any resolution, and the new reading is taken when it fills the gap with
more text and is about as sure (GAP_SLACK) as the first.

Only OCR'd pages (a `page.Page` with its image) are read again; the words of born-digital and text
inputs are what their files say.
"""
from __future__ import annotations

from .flow import Flow, Tok, flow_lines, norm
from .geometry import BBox
from .page import Word

DOUBT = 0.8              # a word read with less confidence than this is read again, with its neighbours
GAIN = 0.0               # the second reading is taken when its mean word confidence is this much higher (or more)
MIN_LENGTH_SHARE = 0.8   # ... and it keeps at least this share of the first reading's characters
PSM_LINE = 7
CONTEXT = 5              # words either side of a doubtful word or a gap read again with it (a stretch,
                         # not the line: Tesseract's time grows with the width read)
MARGIN_EM = 0.3          # the crop reaches this far past the stretch's first and last word
GAP_EM = 1.2            # a gap this many ems wide between two words of a running-text line is where
                         # Tesseract dropped words ("request, full information regarding" -> "req full garding")
GAP_SLACK = 0.05         # ... and a reading that fills the gap is taken when it is no more than this much less sure
TALL = 1.3               # a Tesseract line of words boxed this many times as tall as the section's ...
GARBLED = 0.5            # ... half its words read with less confidence than this is a garbled band over two lines
MIN_DPI = 200            # below this a line read alone is no better than the page's reading (150 dpi
                         # corpus scans: 147 wrong footnotes before, 161 after; 168 read enlarged to 300)


def reread_lines(flow: Flow, lines: list[list[Tok]]) -> list[list[Tok]]:
    """`lines` (reading lines of one text section, top down) with their doubtful stretches
    replaced by a surer second reading (see the module docstring)."""
    pages = flow.doc.image_pages
    jobs = [(k, spans) for k, ln in enumerate(lines) if ln and ln[0].page in pages
            for spans in [_windows(ln, (pages[ln[0].page].image_dpi or 0) >= MIN_DPI, flow.em)] if spans]
    if not jobs:
        return lines
    from .sources.ocr import tesseract
    out = list(lines)
    with tesseract(PSM_LINE) as api:
        for k, spans in jobs:
            line = lines[k]
            new = list(line)
            for a, b in reversed(spans):            # right to left: the indexes stay valid
                got = _reread(api, flow, pages[line[0].page], line, a, b)
                if got is not None:
                    new[a:b + 1] = got
            out[k] = new
    return out


def reread_garbled_lines(flow: Flow, toks: list[Tok]) -> list[Tok]:
    """`toks` (the words of one text section) with each of Tesseract's lines that it read as one
    garbled band over two lines of print read again: its words boxed TALL times as high as the
    section's words, half of them read with less than GARBLED confidence. Cut from the band's top
    to the next line of print under it and read as one line, it comes back whole; the new words
    take the band's height, so the reading lines no longer merge it with the line below."""
    pages = flow.doc.image_pages
    if not toks or not pages:
        return toks
    usual = sorted(t.bottom - t.top for t in toks)[len(toks) // 2]
    bands = [ln for ln in flow_lines(toks) if ln[0].page in pages
             and sorted(t.bottom - t.top for t in ln)[len(ln) // 2] >= TALL * usual
             and 2 * sum(t.word.conf < GARBLED for t in ln) >= len(ln)]
    if not bands:
        return toks
    from .sources.ocr import tesseract
    replaced: dict[int, list[Tok]] = {}
    with tesseract(PSM_LINE) as api:
        for ln in bands:
            top = min(t.top for t in ln)
            under = [t.top for t in toks if t.line != ln[0].line and t.page == ln[0].page and t.top > top + 0.5 * usual]
            # down to the line under it, or a word's height when that line's box reaches up
            # (a descender cut off reads "p" as "o")
            bottom = max(min(under + [max(t.bottom for t in ln)]), top + usual)
            got = _read_band(api, flow, pages[ln[0].page], ln, top, bottom)
            if got is not None and sum(t.word.conf for t in got) / len(got) > sum(t.word.conf for t in ln) / len(ln):
                replaced[ln[0].line] = got
    out = [t for t in toks if t.line not in replaced]
    return out + [t for got in replaced.values() for t in got]


def _read_band(api, flow: Flow, page, line: list[Tok], top: float, bottom: float) -> list[Tok] | None:
    """The words of the band `top`..`bottom` (flow y) under `line`'s words, read as one line."""
    off = flow.page_top[page.number]
    s = page.image_dpi / 72.0
    margin = MARGIN_EM * flow.em
    X0, X1 = max(0, int((min(t.x0 for t in line) - margin) * s)), min(page.image.width, int((max(t.x1 for t in line) + margin) * s))
    Y0, Y1 = max(0, int((top - off) * s)), min(page.image.height, int((bottom - off) * s) + 1)
    raw = read_crop(api, page, X0, Y0, X1, Y1)
    if not raw:
        return None
    return crop_toks(raw, page, X0, Y0, off, line[0].i, line[0].line, band=(top - off, bottom - off))


def read_crop(api, page, X0: int, Y0: int, X1: int, Y1: int) -> list:
    """Tesseract's words (RawWord) of the crop X0..X1, Y0..Y1 of the page image, less dust and the
    rules read as glyphs; none for a crop too small to hold a word."""
    from .sources.imageprep import dark
    from .sources.tesswords import drop_rules, read_words
    if X1 - X0 < 8 or Y1 - Y0 < 4:
        return []
    crop = page.image.crop((X0, Y0, X1, Y1))
    api.SetImage(crop)
    api.SetSourceResolution(round(page.image_dpi))
    api.Recognize()
    return [w for w in drop_rules(dark(crop), read_words(api)) if w.text.strip()]   # dust, stray quotes


def crop_toks(raw: list, page, X0: int, Y0: int, off: float, first: int, line: int,
              band: tuple[float, float] | None = None, numbered: bool = False) -> list[Tok]:
    """Tokens of the words Tesseract read in a crop of the page image (its pixel origin X0, Y0),
    on flow line `line`. Each takes the index `first` (of the words it replaces), or `first`,
    `first` + 1, ... when `numbered` (words new to the flow); and is as tall as `band` (page points
    top, bottom: a line cut out, whose words' ink is smaller than a text layer's box) or as its ink."""
    from .sources.ocr import STRAIGHT_QUOTES
    s = page.image_dpi / 72.0
    out = []
    for k, w in enumerate(raw):
        x0, y0, x1, y1 = w.box
        top, bottom = band if band is not None else ((Y0 + y0) / s, (Y0 + y1) / s)
        box = BBox((X0 + x0) / s, top, (X0 + x1) / s, bottom)
        text = w.text.translate(STRAIGHT_QUOTES)
        word = Word(text, box, page.number, conf=w.conf)
        out.append(Tok(first + k if numbered else first, word, norm(text, True), box.x0, box.top + off, box.x1,
                       box.bottom + off, line))
    return out


def _windows(line: list[Tok], doubt: bool, em: float) -> list[tuple[int, int]]:
    """The stretches of the line to read again, as (first, last) word indexes: CONTEXT words
    either side of a doubtful word (`doubt`: at MIN_DPI and up) and of a gap, merged."""
    spans = [(i - CONTEXT, i + CONTEXT) for i, t in enumerate(line) if doubt and t.word.conf < DOUBT]
    spans += [(i + 1 - CONTEXT, i + CONTEXT) for i, (a, b) in enumerate(zip(line, line[1:]))
              if b.x0 - a.x1 > GAP_EM * em]
    merged: list[tuple[int, int]] = []
    for a, b in sorted((max(0, a), min(len(line) - 1, b)) for a, b in spans):
        if merged and a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _gap(line: list[Tok]) -> float:
    """The widest space between two words of the line."""
    return max((b.x0 - a.x1 for a, b in zip(line, line[1:])), default=0.0)


def _reread(api, flow: Flow, page, line: list[Tok], a: int, b: int) -> list[Tok] | None:
    """Words `a`..`b` of the line read again alone; None unless the new reading is surer, or fills
    a gap the first left (and is about as sure)."""
    seg = line[a:b + 1]
    off = flow.page_top[page.number]
    s = page.image_dpi / 72.0
    em = flow.em
    top = min(t.top for t in line) - off
    bottom = max(t.bottom for t in line) - off
    # the crop ends halfway to the neighbouring words (a sliver of one would be read as a glyph)
    lead = MARGIN_EM * em if a == 0 else min(MARGIN_EM * em, (seg[0].x0 - line[a - 1].x1) / 2)
    trail = MARGIN_EM * em if b == len(line) - 1 else min(MARGIN_EM * em, (line[b + 1].x0 - seg[-1].x1) / 2)
    X0, X1 = max(0, int((seg[0].x0 - lead) * s)), min(page.image.width, int((seg[-1].x1 + trail) * s))
    Y0, Y1 = max(0, int(top * s)), min(page.image.height, int(bottom * s) + 1)
    raw = read_crop(api, page, X0, Y0, X1, Y1)
    if not raw:
        return None
    before = sum(t.word.conf for t in seg) / len(seg)
    after = sum(w.conf for w in raw) / len(raw)
    old_chars = sum(len(t.text) for t in seg)
    new_chars = sum(len(w.text) for w in raw)
    new_gap = max(((v.box[0] - u.box[2]) / s for u, v in zip(raw, raw[1:])), default=0.0)
    old_gap = _gap(seg)
    surer = page.image_dpi >= MIN_DPI and after >= before + GAIN and new_chars >= MIN_LENGTH_SHARE * old_chars
    fills = (old_gap > GAP_EM * em >= new_gap and new_chars > old_chars and after >= before - GAP_SLACK)
    if not (surer or fills):
        return None
    return crop_toks(raw, page, X0, Y0, off, seg[0].i, seg[0].line, band=(top, bottom))
