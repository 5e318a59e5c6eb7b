"""Page images -> page model, through Tesseract (tesserocr: the library in-process).

One Tesseract pass per page on the prepared (grey, deskewed) image at the scan's own resolution;
words come back with boxes in PDF points (pixels / dpi * 72, top-left origin) and Tesseract's word
confidence scaled to [0, 1], so the one layout analyzer reads a scan like a born-digital page.

Footnote marks are the exception that gets a second look. They are printed as superscripts
"(1)" about 4 pt tall, glued to the value before them; Tesseract reads the pair as one word
("S(1)" -> "sf)", "C(1)" -> "co)") and is almost never right about the mark (measured: 0-6 % of
marks at 150-300 dpi). So a word whose last characters sit clearly above its baseline is split
there: the value keeps its own characters and the raised tail (the mark) is read again from the
page image, enlarged, as a single line restricted to "()0123456789", and flagged `sup=True` as the
PDF source does. Only these small crops are read twice (bench/bench_ocr.py measures the cost).

Why tesserocr and not the `tesseract` binary (pytesseract): the binary costs a process start, a
model load and a PNG round trip per page (~0.4 s of CPU per page, measured in bench/bench_ocr.py);
the in-process API loads the model once per process. The wheel's libtesseract is built without
OpenMP, so it is single-threaded anyway; `OMP_THREAD_LIMIT=1` is still set for any Tesseract that
is (the Debian binary's default threading makes a page 3x slower on 2 cores).
"""
from __future__ import annotations

import glob
import os
import re
import threading
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from ..errors import CorruptInput
from ..geometry import BBox
from ..page import Page, Word
from .imageprep import dark, erase, prepare, rule_mask

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

LANG = "eng"
PSM = 3                  # automatic page segmentation: measured best overall (bench/ocr_words.py)
RAISED = 0.2             # a symbol whose bottom is this share of the word height above the baseline
MARK_HEIGHT_PX = 120     # a mark crop is enlarged to about this height before it is read again
MARK_CHARS = "()0123456789"
MARK_MIN_PT = 2.5        # a raised blob shorter than this is a speck or a quote mark
SHORT_VALUE = 2          # a value this short that was glued to its mark is read again alone
LONE_MARK_CONF = 0.6     # ... and for a word that is not raised, which may be a real "a" or "4"
MIN_MARK_CONF = 0.3      # a re-read mark Tesseract is less sure of than this is not taken
GHOST_OVERLAP = 0.6      # share of a word inside a larger one that makes it a double reading
RULE_GLYPHS = frozenset("|[]{}!lI1/\\")   # what a vertical table rule is read as
_MARK = re.compile(r"^(?:\(\d{1,3}\))+$")
_LETTER_IN_PARENS = re.compile(r"^\([A-Za-z]{1,2}\)[.,:;]?$")
_api_lock = threading.Lock()
_api = None


@dataclass(frozen=True, slots=True)
class OcrSettings:
    """How a page is read (the defaults are the measured best; bench/ocr_words.py compares)."""
    psm: int = PSM
    min_dpi: float = 0.0            # upscale pages scanned below this before OCR
    median: int = 0                 # median-filter size before OCR (0: none)
    threshold: int = 0              # Tesseract's thresholding_method: 0 Otsu, 1 adaptive Otsu, 2 Sauvola
    marks: bool = True              # split raised footnote marks off their words and read them again
    rules: int = 0                  # table rules: 0 left, 1 painted out of the grey page, 2 out of the binary page
    variables: tuple[tuple[str, str], ...] = ()


def tessdata_dir() -> str:
    """Where eng.traineddata is: $TESSDATA_PREFIX, else the Debian package's folder."""
    env = os.environ.get("TESSDATA_PREFIX")
    candidates = ([env] if env else []) + sorted(glob.glob("/usr/share/tesseract-ocr/*/tessdata"), reverse=True) \
        + ["/usr/share/tessdata", "/usr/local/share/tessdata"]
    for d in candidates:
        if d and os.path.exists(os.path.join(d, f"{LANG}.traineddata")):
            return d
    raise CorruptInput("OCR needs Tesseract's English model (Debian: apt-get install tesseract-ocr-eng)")


def _engine():
    """One Tesseract instance per process: loading the model costs ~50 ms."""
    global _api
    if _api is None:
        try:
            import tesserocr
        except ImportError:
            raise CorruptInput("OCR needs tesserocr (pip install tesserocr)") from None
        _api = tesserocr.PyTessBaseAPI(path=tessdata_dir(), lang=LANG, psm=PSM)
    return _api


@dataclass(slots=True)
class _Sym:
    text: str
    box: tuple[int, int, int, int]        # pixels: x0, y0, x1, y1


@dataclass(slots=True)
class _RawWord:
    text: str
    box: tuple[int, int, int, int]
    conf: float
    baseline: float                       # pixel y of the word's baseline
    syms: list[_Sym] = field(default_factory=list)
    sup: bool | None = None


def _read_words(api) -> list[_RawWord]:
    """Every word with its symbols, in one walk over Tesseract's result at symbol level."""
    import tesserocr
    W, S = tesserocr.RIL.WORD, tesserocr.RIL.SYMBOL
    words: list[_RawWord] = []
    it = api.GetIterator()
    if it is None:
        return words
    cur: _RawWord | None = None
    while True:
        if it.IsAtBeginningOf(W):
            box = it.BoundingBox(W)
            text = it.GetUTF8Text(W)
            if box is not None and text and text.strip():
                base = it.Baseline(W)
                baseline = max(base[0][1], base[1][1]) if base else box[3]
                cur = _RawWord(text.strip(), box, max(0.0, min(1.0, it.Confidence(W) / 100.0)), baseline)
                words.append(cur)
            else:
                cur = None
        if cur is not None:
            sbox = it.BoundingBox(S)
            stext = it.GetUTF8Text(S)
            if sbox is not None and stext:
                cur.syms.append(_Sym(stext, sbox))
        if not it.Next(S):
            break
    return words


def _on_rule(ink: np.ndarray, box: tuple[int, int, int, int], reach: int) -> bool:
    """Some pixel column within `reach` of the box is ink for three word heights through it: a
    table rule, which no glyph is (glyphs end with their line)."""
    x0, y0, x1, y1 = box
    h = max(2, y1 - y0)
    for top, bottom in ((y0 - h, y1 + h), (y0, y1 + 2 * h), (y0 - 2 * h, y1)):   # also where a rule starts or ends
        if top < 0 or bottom > ink.shape[0]:
            continue
        cols = ink[top:bottom, max(0, x0 - reach):x1 + reach + 1]
        if cols.size and cols.all(axis=0).any():
            return True
    return False


def _drop_rules(ink: np.ndarray, words: list[_RawWord]) -> list[_RawWord]:
    """Remove what Tesseract made of a table rule: a lone "|" (its box can sit a few pixels beside
    the rule, so half a height around it is looked at) and a rule glyph glued to the first or last
    character of a value ("|$91.4487"; only the glyph's own columns: a cell border a few points
    after a "1" is not that "1"). `ink`: the page with its rules, not Tesseract's binary page, from
    which it has removed them."""
    out = []
    for w in words:
        syms = w.syms
        if len(syms) == 1 and syms[0].text in RULE_GLYPHS:
            if not _on_rule(ink, syms[0].box, max(2, (w.box[3] - w.box[1]) // 2)):
                out.append(w)
            continue
        while syms and syms[0].text in RULE_GLYPHS and _on_rule(ink, syms[0].box, 1):
            syms = syms[1:]
        while syms and syms[-1].text in RULE_GLYPHS and _on_rule(ink, syms[-1].box, 1):
            syms = syms[:-1]
        if len(syms) == len(w.syms):
            out.append(w)
        elif syms:
            box = _union(s.box for s in syms)
            out.append(_RawWord("".join(s.text for s in syms), (box[0], w.box[1], box[2], w.box[3]), w.conf,
                                w.baseline, syms))
    return out


def _drop_ghosts(words: list[_RawWord]) -> list[_RawWord]:
    """Drop a word that lies mostly inside another one: Tesseract sometimes reads a stretch twice
    from two line segmentations ("scwo" and a ghost "Wi" on top of it). Printed words do not
    overlap, so the smaller of two that do is the ghost."""
    if len(words) < 2:
        return words
    b = np.array([w.box for w in words], dtype=np.float64)
    w_ = np.minimum(b[:, None, 2], b[None, :, 2]) - np.maximum(b[:, None, 0], b[None, :, 0])
    h_ = np.minimum(b[:, None, 3], b[None, :, 3]) - np.maximum(b[:, None, 1], b[None, :, 1])
    inter = np.clip(w_, 0, None) * np.clip(h_, 0, None)
    area = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    np.fill_diagonal(inter, 0.0)
    # word i is a ghost if most of it lies inside a larger word j
    inside = (inter > GHOST_OVERLAP * area[:, None]) & (area[None, :] > area[:, None])
    ghost = inside.any(axis=1)
    return [w for w, g in zip(words, ghost) if not g]


def _raised_tail(ink: np.ndarray, w: _RawWord, dpi: float) -> int | None:
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
    baseline = min(w.baseline - y0, float(np.percentile(lowest[has], 75)))
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


def _looks_like_mark(w: _RawWord, small: float) -> bool:
    """A short word OCR may have made of a stand-alone mark: "(2)(3)" read as "@@)", "2G)" or
    "(29)", a lone "(4)" read as "4", "®" or "a" (`small`: the height below which a one- or
    two-character word is small print)."""
    t = w.text
    if _MARK.match(t) or len(t) > 9 or sum(ch.isalpha() for ch in t) > 2 or _LETTER_IN_PARENS.match(t):
        return False                        # "(A)", "(D)", "(I)" are labels of the form, not marks
    if w.box[3] - w.box[1] >= small:
        return False
    if t.endswith((")", "]", "}")) or t.startswith(("(", "{", "[")):
        return True
    return len(t) <= 2 and (not t.isalpha() or w.conf < 0.9)


def _reread(api, img: Image.Image, box: tuple[int, int, int, int], dpi: float) -> tuple[str, float] | None:
    """Read a small region (`box`: pixels, margins included) again as one line (the caller sets the character set): enlarged to
    MARK_HEIGHT_PX and contrast-stretched, inside a white margin (Tesseract reads glyphs that touch
    the image edge badly). Measured on the corpus marks: 91 % right at 150 dpi and 85 % at 300 dpi
    this way, against 23 % and 54 % for the crop as it is enlarged to 36 px."""
    x0, y0, x1, y1 = box
    crop = img.crop((max(0, x0), max(0, y0), min(img.width, x1), min(img.height, y1)))
    f = max(1.0, MARK_HEIGHT_PX / max(1, crop.height))
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


def _split(w: _RawWord, tail_x: int, ink: np.ndarray) -> tuple[_RawWord, _RawWord] | None:
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
    value = _RawWord("".join(s.text for s in head), (x0, y0, mbox[0], y1), w.conf, w.baseline, head)
    tail = [s for s in w.syms if s.box[0] >= tail_x]
    mark = _RawWord("".join(s.text for s in tail), mbox, w.conf, w.baseline, tail, sup=True)
    return value, mark


def _raised_alone(w: _RawWord, k: int, boxes: np.ndarray, baselines: np.ndarray) -> bool:
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


def _second_look_at_marks(api, img: Image.Image, ink: np.ndarray, words: list[_RawWord],
                          dpi: float) -> list[_RawWord]:
    """Split raised marks off their words and read marks again (see the module docstring)."""
    boxes = np.array([w.box for w in words], dtype=np.float64).reshape(-1, 4)
    # small print: below most words' height (the median is an x-height: "on", "a", "was")
    small = 0.8 * float(np.percentile(boxes[:, 3] - boxes[:, 1], 75)) if len(words) else 0.0
    baselines = np.array([w.baseline for w in words], dtype=np.float64)
    # per word: the word as read, and (value, mark) when it ends in a raised tail
    plan: list[tuple[_RawWord, tuple[_RawWord, _RawWord] | None]] = []
    todo: list[tuple[_RawWord, bool]] = []         # (word, raised: a mark even if a parenthesis is lost)
    for k, w in enumerate(words):
        tail_x = _raised_tail(ink, w, dpi)
        split = _split(w, tail_x, ink) if tail_x is not None else None
        plan.append((w, split))
        if split is not None:
            todo.append((split[1], True))
        elif _raised_alone(w, k, boxes, baselines):
            todo.append((w, True))
        elif _looks_like_mark(w, small):
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
    out: list[_RawWord] = []
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


def _union(boxes) -> tuple[int, int, int, int]:
    bs = list(boxes)
    return (min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs))


def ocr_page(img: Image.Image, dpi: float, number: int, size: tuple[float, float] | None = None,
             settings: OcrSettings = OcrSettings()) -> Page:
    """OCR one page image into a `Page` of `Word`s in PDF points (`size`: the page in points, by
    default the image's own size at `dpi`)."""
    from PIL import ImageFilter
    scan_dpi = dpi
    prepared, _angle = prepare(img, dpi)
    width, height = size if size is not None else (img.width * 72.0 / dpi, img.height * 72.0 / dpi)
    if settings.median:
        prepared = prepared.filter(ImageFilter.MedianFilter(settings.median))
    if settings.min_dpi and dpi < settings.min_dpi:
        f = settings.min_dpi / dpi
        prepared = prepared.resize((round(prepared.width * f), round(prepared.height * f)), Image.Resampling.BICUBIC)
        dpi = dpi * f
    scale = 72.0 / dpi
    with _api_lock:
        api = _engine()
        api.SetPageSegMode(settings.psm)
        api.SetVariable("thresholding_method", str(settings.threshold))
        for k, v in settings.variables:
            api.SetVariable(k, v)
        api.SetImage(prepared)
        api.SetSourceResolution(round(dpi))
        if settings.rules:
            ink = np.asarray(api.GetThresholdedImage()) == 0
            mask = rule_mask(ink, dpi)
            if settings.rules == 1:
                prepared = erase(prepared, mask)
            else:
                ink[mask] = False
                prepared = Image.fromarray(np.where(ink, 0, 255).astype(np.uint8))
            api.SetImage(prepared)
            api.SetSourceResolution(round(dpi))
        api.Recognize()
        raw = _read_words(api)
        # Tesseract's own binary page, which it has already taken the table rules out of
        ink = np.asarray(api.GetThresholdedImage()) == 0
        raw = _drop_ghosts(_drop_rules(dark(prepared), raw))
        if settings.marks:
            raw = _second_look_at_marks(api, prepared, ink, raw, dpi)
        api.Clear()
    words = [Word(w.text, BBox(w.box[0] * scale, w.box[1] * scale, w.box[2] * scale, w.box[3] * scale), number,
                  conf=w.conf, sup=w.sup) for w in raw if w.text]
    return Page(number, width, height, words, image_dpi=scan_dpi)
