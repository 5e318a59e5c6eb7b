"""Footnote marks on OCR'd pages: a second look at what Tesseract makes of them.

Marks are printed as superscripts "(1)" about 4 pt tall, mostly glued to the value before them.
Tesseract reads the pair as one word ("S(1)" -> "sf)", "C(1)" -> "co)", "757,756(1)" ->
"757,756)") and is almost never right about the mark (bench/ocr_words.py: 0.5-3 % of marks right
at 150-300 dpi). So:
- a word whose last characters sit clearly above its baseline (found in the ink, not in
  Tesseract's symbol boxes) is cut there; the value keeps its characters, and its box ends where
  the mark begins, as the PDF's character boxes do;
- a small word printed raised just after another, and a short word that looks like a damaged
  mark ("@@)", "2G)", a lone "4" or "a" in small print), are candidates too;
- each candidate is read again from the page image, enlarged and contrast-stretched, as one line
  of "()0123456789"; a raised one becomes a mark word with `sup=True` (as the PDF source flags
  them), any other only when it reads as a well-formed mark;
- a one- or two-letter value that was glued to its mark ("S(5)" read as "3") is read again alone.
Only these small crops are read twice (~3 ms each; bench/bench_ocr.py measures the whole page).
"""
from __future__ import annotations

import re

import numpy as np
from PIL import Image

from .tesswords import RawWord

RAISED = 0.2             # a symbol whose bottom is this share of the word height above the baseline
MARK_HEIGHT_PX = 80      # a mark crop is enlarged to about this height before it is read again (120 px:
                         # the same field accuracy on 10 corpus scans at 150/200 dpi, 0.812/0.888
                         # against 0.810/0.891, and ~5 % more time per page)
MARK_CHARS = "()0123456789"
MARK_MIN_PT = 2.5        # a raised blob shorter than this is a speck or a quote mark
SHORT_VALUE = 2          # a value this short that was glued to its mark is read again alone
LONE_MARK_CONF = 0.6     # a re-read mark that was not raised needs this confidence (it may be a real "a")
MIN_MARK_CONF = 0.2      # a re-read raised mark Tesseract is less sure of than this is not taken
LOOKALIKE_MAX_DPI = 250  # words shaped like a misread mark are read again on pages scanned coarser than
                         # this: at 300 dpi the 491 of 15 corpus filings gave no field right (35 changed,
                         # field accuracy 0.9874 either way) for ~37 ms a page
_MARK = re.compile(r"^(?:\(\d{1,3}\))+$")
_LETTER_IN_PARENS = re.compile(r"^\([A-Za-z]{1,2}\)[.,:;]?$")
_PROSE_WORDS = frozenset("to of is in or at on by as an be it if no so do up we he me my us am".split())
_NOTE_NUMBER = re.compile(r"^\d\.$")


def _raised_tail(ink: np.ndarray, w: RawWord, dpi: float) -> int | None:
    """Pixel x where a raised tail (a glued superscript mark) starts at the end of the word, or
    None. Read from the ink, not from Tesseract's symbol boxes (which often swallow the mark into
    the last digit): walking left from the word's right edge, columns that are empty or whose ink
    stays clearly above the value's baseline belong to the tail; the first column with ink down
    at the baseline ends it. The tail must hold a mark-sized blob and leave a value before it."""
    x0, y0, x1, y1 = w.box
    height = y1 - y0
    if height < 4 or x1 - x0 < 4:
        return None
    sub = ink[y0:y1 + 1, x0:x1 + 1]
    has = sub.any(axis=0)
    if not has.any():
        return None
    rows = np.arange(sub.shape[0])[:, None]
    lowest = np.where(sub, rows, -1).max(axis=0)              # lowest ink row per column, -1 if none
    highest = np.where(sub, rows, sub.shape[0]).min(axis=0)
    # the value's baseline: where its first characters end (Tesseract's own is pulled up by the
    # mark when the mark's parentheses reach low)
    inked = np.flatnonzero(has)
    baseline = max(w.baseline - y0, float(np.median(lowest[inked[: max(1, len(inked) // 3)]])))
    limit = baseline - RAISED * height
    k = sub.shape[1]
    while k > 0 and (not has[k - 1] or lowest[k - 1] <= limit):
        k -= 1
    # the mark starts after a blank column: the raised end of a "7" or an "F" runs on from its
    # stem, a mark is printed apart from its value
    gaps = np.nonzero(~has[k:])[0]
    if k <= 0 or gaps.size == 0:
        return None
    k += int(gaps[0])
    if not has[k:].any():
        return None
    tail_h = lowest[k:][has[k:]].max() - highest[k:][has[k:]].min() + 1
    if tail_h < MARK_MIN_PT / 72.0 * dpi or tail_h < 0.3 * height:
        return None                     # a speck, a quote mark or the bar of a "T": not a mark
    return x0 + k


def _looks_like_mark(w: RawWord, small: float) -> bool:
    """A short word OCR may have made of a stand-alone mark: "(2)(3)" read as "@@)", "2G)" or
    "(29)", a lone "(4)" read as "4", "®" or "a" (`small`: the height below which a one- or
    two-character word is small print). Not a word of the footnotes' running text ("to", "of"),
    a capital letter or a note's number ("3."): of the 2,277 candidates on 30 corpus scans at 150
    and 200 dpi, 56 came back a mark when read again, none of these shapes; each read costs ~2 ms."""
    t = w.text
    if _MARK.match(t) or len(t) > 9 or sum(ch.isalpha() for ch in t) > 2 or _LETTER_IN_PARENS.match(t):
        return False                        # "(A)", "(D)", "(I)" are labels of the form, not marks
    if t in _PROSE_WORDS or _NOTE_NUMBER.match(t) or (len(t) == 1 and t.isupper() and t not in "OQ"):
        return False
    if w.box[3] - w.box[1] >= small:
        return False
    if t.endswith((")", "]", "}")) or t.startswith(("(", "{", "[")):
        return True
    return len(t) <= 2 and (not t.isalpha() or w.conf < 0.9)


def _reread(api, img: Image.Image, box: tuple[int, int, int, int], dpi: float,
            height: int = MARK_HEIGHT_PX) -> tuple[str, float] | None:
    """Read a small region (`box`: pixels, margins included) again as one line (the caller sets the character set): enlarged to
    MARK_HEIGHT_PX and contrast-stretched, inside a white margin (Tesseract reads glyphs that touch
    the image edge badly). Measured on the corpus marks (at 120 px): 91 % right at 150 dpi and 85 % at 300 dpi
    this way, against 23 % and 54 % for the crop as it is enlarged to 36 px."""
    x0, y0, x1, y1 = box
    crop = img.crop((max(0, x0), max(0, y0), min(img.width, x1), min(img.height, y1)))
    f = max(1.0, height / max(1, crop.height))
    if f > 1.0:
        crop = crop.resize((max(1, round(crop.width * f)), max(1, round(crop.height * f))), Image.Resampling.LANCZOS)
    a = np.asarray(crop, dtype=np.float32)
    lo, hi = np.percentile(a, 3), np.percentile(a, 97)
    crop = Image.fromarray(np.clip((a - lo) * (255.0 / max(1.0, hi - lo)), 0, 255).astype(np.uint8))
    canvas = Image.new("L", (crop.width + 20, crop.height + 20), 255)
    canvas.paste(crop, (10, 10))
    api.SetImage(canvas)
    api.SetSourceResolution(round(dpi * f))
    text = (api.GetUTF8Text() or "").strip().replace(" ", "")
    conf = api.MeanTextConf() / 100.0
    return (text, max(0.0, min(1.0, conf))) if text else None


def _split(w: RawWord, tail_x: int, ink: np.ndarray) -> tuple[RawWord, RawWord] | None:
    """The word cut at pixel x `tail_x` into (value, raised mark)."""
    head = [s for s in w.syms if s.box[0] < tail_x]
    if not head:
        return None
    x0, y0, x1, y1 = w.box
    sub = ink[y0:y1 + 1, tail_x:x1 + 1]
    ys = np.nonzero(sub.any(axis=1))[0]
    xs = np.nonzero(sub.any(axis=0))[0]
    mbox = (tail_x + int(xs[0]), y0 + int(ys[0]), tail_x + int(xs[-1]) + 1, y0 + int(ys[-1]) + 1)
    # the value's box ends where its mark begins, as the PDF's character boxes of "757,756(1)" do
    # (the analyzer keeps a mark with the value it touches)
    value = RawWord("".join(s.text for s in head), (x0, y0, mbox[0], y1), w.conf, w.baseline, head, line=w.line)
    tail = [s for s in w.syms if s.box[0] >= tail_x]
    mark = RawWord("".join(s.text for s in tail), mbox, w.conf, w.baseline, tail, sup=True, line=w.line)
    return value, mark


def _raised_alone(w: RawWord, k: int, boxes: np.ndarray, baselines: np.ndarray) -> bool:
    """A small word printed raised just after the word to its left: a stand-alone superscript mark
    ("Common Stock (1)" with the mark read as "a" or "«")."""
    x0, y0, x1, y1 = w.box
    h = y1 - y0
    if len(w.text) > 4 or h <= 0:
        return False
    # words ending at most two of this word's heights to the left, overlapping it vertically
    near = (boxes[:, 2] <= x0 + 1) & (boxes[:, 2] >= x0 - 2 * h) & (boxes[:, 1] < y1) & (boxes[:, 3] > y0)
    near[k] = False
    if not near.any():
        return False
    j = int(np.flatnonzero(near)[np.argmax(boxes[near, 2])])
    left_h = boxes[j, 3] - boxes[j, 1]
    return h < 0.8 * left_h and y1 <= baselines[j] - RAISED * left_h and y0 >= boxes[j, 1] - 0.5 * left_h


def second_look_at_marks(api, img: Image.Image, ink: np.ndarray, words: list[RawWord],
                          dpi: float) -> list[RawWord]:
    """The words with raised marks split off and marks read again (see the module docstring).
    `api`: the Tesseract instance (its page segmentation mode and whitelist are changed), `img`:
    the prepared grey page, `ink`: Tesseract's binary page (True = ink), in the same pixels."""
    boxes = np.array([w.box for w in words], dtype=np.float64).reshape(-1, 4)
    # small print: below most words' height (the median is an x-height: "on", "a", "was")
    small = 0.8 * float(np.percentile(boxes[:, 3] - boxes[:, 1], 75)) if len(words) else 0.0
    baselines = np.array([w.baseline for w in words], dtype=np.float64)
    # per word: the word as read, and (value, mark) when it ends in a raised tail
    plan: list[tuple[RawWord, tuple[RawWord, RawWord] | None]] = []
    todo: list[tuple[RawWord, bool]] = []         # (word, raised: a mark even if a parenthesis is lost)
    for k, w in enumerate(words):
        tail_x = _raised_tail(ink, w, dpi)
        split = _split(w, tail_x, ink) if tail_x is not None else None
        plan.append((w, split))
        if split is not None:
            todo.append((split[1], True))
        elif _raised_alone(w, k, boxes, baselines):
            todo.append((w, True))
        elif dpi < LOOKALIKE_MAX_DPI and _looks_like_mark(w, small):
            todo.append((w, False))
    if not todo:
        return words
    api.SetPageSegMode(7)
    api.SetVariable("tessedit_char_whitelist", MARK_CHARS)
    pad = max(2, round(dpi / 100))
    try:
        for w, raised in todo:
            x0, y0, x1, y1 = w.box
            if w.sup:   # one pixel to the left of a split mark: the blank column that parts it from its value
                got = _reread(api, img, (x0 - 1, y0 - pad, x1 + 2 * pad, y1 + pad), dpi)
            else:       # Tesseract's box of a lone mark may hold one of its three glyphs only
                h = y1 - y0
                got = _reread(api, img, (x0 - h, y0 - pad - h // 3, x1 + h, y1 + pad + h // 3), dpi)
            if raised:
                text = _as_mark(got[0]) if got and got[1] >= MIN_MARK_CONF else None
                if text:
                    w.text, w.conf, w.sup = text, got[1] * (1.0 if text == got[0] else 0.8), True
                elif w.sup:
                    w.sup = None            # not a mark after all ("Person*"): keep the word whole
            elif got and _MARK.match(got[0]) and got[1] >= LONE_MARK_CONF and "(0)" not in got[0]:
                w.text, w.conf = got
    finally:
        api.SetVariable("tessedit_char_whitelist", "")
    # a short value read together with its mark ("S(5)" -> "3"): read it again on its own
    for _w, split in plan:
        if split is not None and split[1].sup and len(split[0].text) <= SHORT_VALUE:
            x0, y0, x1, y1 = split[0].box
            got = _reread(api, img, (x0 - pad, y0 - pad, x1 - 2, y1 + pad), dpi)
            if got and got[1] > split[0].conf and len(got[0]) <= SHORT_VALUE + 1:
                split[0].text, split[0].conf = got
    out: list[RawWord] = []
    for w, split in plan:
        if split is not None and split[1].sup:
            out.extend(split)
        else:
            out.append(w)
    return out


def _as_mark(text: str) -> str | None:
    """A re-read raised mark in its printed form: the well-formed marks ending the text ("(1)",
    "3(2)" -> "(2)": a sliver of the value read with it), else "5)" or "(5" -> "(5)", "(2)3)" ->
    "(2)(3)"; None when the text is not made of numbered marks (or numbers a mark 0)."""
    m = re.search(r"(?:\(\d{1,3}\))+$", text)
    if m:
        ids = re.findall(r"\d{1,3}", m.group())
    elif re.fullmatch(r"\(?\d{1,3}(?:\)?\(\d{1,3})*\)?", text) and any(ch in "()" for ch in text):
        ids = re.findall(r"\d{1,3}", text)
    else:
        return None
    if any(int(i) == 0 for i in ids):
        return None
    return "".join(f"({d})" for d in ids)
