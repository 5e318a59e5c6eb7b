"""Page images -> page model, through Tesseract (tesserocr: the library in-process).

One Tesseract pass per page on the prepared (grey, deskewed) image at the scan's own resolution;
words come back with boxes in PDF points (pixels / dpi * 72, top-left origin) and Tesseract's word
confidence scaled to [0, 1], so the one layout analyzer reads a scan like a born-digital page.

Footnote marks get a second look (marks.py); what Tesseract reads a table rule as is dropped
(tesswords.py); lines it ran together are read again by cell (merged_lines.py).

Why tesserocr and not the `tesseract` binary (pytesseract): the binary costs a process start, a
model load and a PNG round trip per page (~0.4 s of CPU per page, measured in bench/bench_ocr.py);
the in-process API loads the model once per process. The wheel's libtesseract is built without
OpenMP, so it is single-threaded anyway; `OMP_THREAD_LIMIT=1` is still set for any Tesseract that
is (the Debian binary's default threading makes a page 3x slower on 2 cores).
"""
from __future__ import annotations

import glob
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from PIL import Image

from ..errors import CorruptInput
from ..geometry import BBox
from ..page import Page, Word
from .imageprep import dark, prepare
from .marks import second_look_at_marks
from .merged_lines import reread_merged_lines
from .rules import clear_rules
from .tesswords import drop_rules, font_boxes, read_words, split_at_rules

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

LANG = "eng"
PSM = 3                  # automatic page segmentation: measured best overall (bench/ocr_words.py)
# Tesseract's English model prints typographic quotes for the straight ones filings are typed with
# (EDGAR's ownership text is plain ASCII: no corpus truth holds a curly quote); a scan cannot tell
# them apart, so an OCR'd word carries the straight ones
STRAIGHT_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_api_lock = threading.Lock()
_api = None


@dataclass(frozen=True, slots=True)
class OcrSettings:
    """How a page is read (the defaults are the measured best; bench/ocr_words.py compares)."""
    psm: int = PSM
    min_dpi: float = 0.0            # upscale pages scanned below this before OCR (measured on 4 cases: at
                                    # 150 -> 300 dpi 84 % of numbers right instead of 69 %, but 2.4x the time)
    threshold: int = 0              # Tesseract's thresholding_method: 0 Otsu (best measured), 1 adaptive Otsu, 2 Sauvola
    marks: bool = True              # split raised footnote marks off their words and read them again
    rules: bool = True              # take the table rules out of the page before it is read (rules.py)


def tessdata_dir(lang: str = LANG) -> str:
    """Where `lang`.traineddata is: $TESSDATA_PREFIX, else the Debian package's folder."""
    env = os.environ.get("TESSDATA_PREFIX")
    candidates = ([env] if env else []) + sorted(glob.glob("/usr/share/tesseract-ocr/*/tessdata"), reverse=True) \
        + ["/usr/share/tessdata", "/usr/local/share/tessdata"]
    for d in candidates:
        if d and os.path.exists(os.path.join(d, f"{lang}.traineddata")):
            return d
    package = "tesseract-ocr-eng" if lang == LANG else f"tesseract-ocr-{lang}"
    raise CorruptInput(f"OCR needs Tesseract's {lang!r} model (Debian: apt-get install {package})")


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


@contextmanager
def tesseract(psm: int = PSM, whitelist: str = ""):
    """The process's Tesseract engine, held for the caller alone (one engine, one reader at a time)
    and set to `psm` and `whitelist`; on leaving it is set back to reading whole pages (PSM, every
    character), as ocr_page and the other stages that read crops again expect it."""
    with _api_lock:
        api = _engine()
        api.SetPageSegMode(psm)
        api.SetVariable("tessedit_char_whitelist", whitelist)
        try:
            yield api
        finally:
            api.SetVariable("tessedit_char_whitelist", "")
            api.SetPageSegMode(PSM)


@dataclass(slots=True)
class PreparedPage:
    """A page image made ready for Tesseract (prepare_page): what read_page needs."""
    image: Image.Image          # grey, turned straight, rules taken out (upscaled when settings.min_dpi asks)
    ruled: Image.Image          # the same before the rules were taken out (drop_rules looks for their glyphs)
    cells: Image.Image          # what table cells are read again from (cell_reread.py): the scan's own resolution
    rules: list[tuple[int, int, int, int]]   # the vertical rules taken out, in pixels of `cells`
    angle: float                # the skew removed, degrees
    dpi: float                  # the resolution of `image`
    scan_dpi: float             # the scan's own
    size: tuple[float, float]   # the page in points
    original: Image.Image       # the page image as given (orientation.py turns it round if it must)


def prepare_page(img: Image.Image, dpi: float, size: tuple[float, float] | None = None,
                 settings: OcrSettings = OcrSettings()) -> PreparedPage:
    """A page image turned straight and its rules taken out (imageprep.py, rules.py): all the
    work on a page before Tesseract reads it, which needs no engine (scan.py runs it for the next
    page while Tesseract reads this one). `size`: the page in points, by default the image's own
    size at `dpi`."""
    prepared, angle = prepare(img, dpi)
    ruled = prepared
    rules: list[tuple[int, int, int, int]] = []
    if settings.rules:
        prepared, rules = clear_rules(prepared, dpi)
    cells = prepared
    size = size if size is not None else (img.width * 72.0 / dpi, img.height * 72.0 / dpi)
    scan_dpi = dpi
    if settings.min_dpi and dpi < settings.min_dpi:
        f = settings.min_dpi / dpi
        prepared = prepared.resize((round(prepared.width * f), round(prepared.height * f)), Image.Resampling.BICUBIC)
        ruled = ruled.resize(prepared.size, Image.Resampling.BICUBIC) if settings.rules else prepared
        dpi = dpi * f
    return PreparedPage(prepared, ruled, cells, rules, angle, dpi, scan_dpi, size, img)


def read_page(p: PreparedPage, number: int, settings: OcrSettings = OcrSettings()) -> Page:
    """A prepared page read by Tesseract into a `Page` of `Word`s in PDF points."""
    scale = 72.0 / p.dpi
    with tesseract(settings.psm) as api:
        api.SetVariable("thresholding_method", str(settings.threshold))
        api.SetImage(p.image)
        api.SetSourceResolution(round(p.dpi))
        api.Recognize()
        raw = read_words(api)
        # Tesseract's own binary page (which it has taken the table rules out of), before the
        # merged lines' crops replace it
        ink = np.asarray(api.GetThresholdedImage()) == 0 if settings.marks else None
        raw = reread_merged_lines(api, p.image, raw, p.rules, p.dpi)
        raw = split_at_rules(drop_rules(dark(p.ruled), raw), p.rules)
        if settings.marks:
            raw = second_look_at_marks(api, p.image, ink, raw, p.dpi)
        api.Clear()
    raw = [w for w in raw if w.text]
    words = [Word(w.text.translate(STRAIGHT_QUOTES), BBox(b[0] * scale, b[1] * scale, b[2] * scale, b[3] * scale), number, conf=w.conf, sup=w.sup)
             for w, b in zip(raw, font_boxes(raw))]
    to_pt = 72.0 / p.scan_dpi
    return Page(number, p.size[0], p.size[1], words, image_dpi=p.scan_dpi, skew=p.angle, image=p.cells,
                rules=[BBox(x0 * to_pt, y0 * to_pt, x1 * to_pt, y1 * to_pt) for x0, y0, x1, y1 in p.rules])


def ocr_page(img: Image.Image, dpi: float, number: int, size: tuple[float, float] | None = None,
             settings: OcrSettings = OcrSettings()) -> Page:
    """OCR one page image into a `Page` of `Word`s in PDF points (`size`: the page in points, by
    default the image's own size at `dpi`)."""
    return read_page(prepare_page(img, dpi, size, settings), number, settings)
