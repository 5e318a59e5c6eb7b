"""Scans and page images -> page model: each page image (raster.py) OCR'd once (ocr.py).

A page is made ready for Tesseract (rasterized, turned straight, its rules taken out) in a helper
thread while Tesseract reads the page before it: both the preparation (OpenCV, numpy, pdfium) and
Tesseract's recognition (tesserocr) run outside Python's lock, so a document's pages after the
first cost only their reading (the preparation is ~0.1 s of a 300 dpi page's ~1.4 s; datamule-0023's
scan-300, 2 pages, 3.1 -> 2.9 s). One page is prepared ahead at most, so memory stays at two page
images. The CPU time is unchanged: a bulk run, which keeps every core busy with its own documents,
gains nothing and loses nothing.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from ..page import Page
from .ocr import PreparedPage, prepare_page, read_page, tesseract
from .orientation import may_be_turned, upright_turn, uprightness
from .raster import PageImage, image_file_pages, pdf_page_image


def _prepared(load: Callable[[], PageImage]) -> PreparedPage:
    im = load()
    return prepare_page(im.image, im.dpi, im.size)


def read_pages(loads: list[Callable[[], PageImage]], numbers: list[int]) -> list[Page]:
    """The pages `loads` give (in order; each is called once, in the helper thread, one after
    another), OCR'd and numbered `numbers`."""
    out: list[Page] = []
    if not loads:
        return out
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="prepare-page") as helper:
        ahead = helper.submit(_prepared, loads[0])
        with tesseract():           # the engine's model is loaded (~40 ms) while the first page is prepared
            pass
        for k, number in enumerate(numbers):
            page = ahead.result()
            if k + 1 < len(loads):
                ahead = helper.submit(_prepared, loads[k + 1])
            out.append(_read_upright(page, number))
    return out


def _read_upright(prepared: PreparedPage, number: int) -> Page:
    """The page read; one that reads as if scanned the wrong way round is turned upright and read
    again (orientation.py), and the reading that looks more upright is kept."""
    page = read_page(prepared, number)
    if not may_be_turned(page) or not (turn := upright_turn(prepared.original, prepared.scan_dpi)):
        return page
    w, h = prepared.size
    again = read_page(prepare_page(prepared.original.rotate(turn, expand=True), prepared.scan_dpi,
                                   (h, w) if turn in (90, 270) else (w, h)), number)
    if uprightness(again) <= uprightness(page):
        return page
    again.turn = turn
    return again


def ocr_pdf_pages(data: bytes, indexes: list[int]) -> list[Page]:
    """The given (0-based) pages of a PDF, rasterized at the scan's own resolution and OCR'd."""
    from .pdf import open_pdf
    doc = open_pdf(data)
    try:
        return read_pages([lambda i=i: pdf_page_image(doc, i) for i in indexes], [i + 1 for i in indexes])
    finally:
        doc.close()


def ocr_image_pages(data: bytes) -> list[Page]:
    """Every frame of a PNG, JPEG or (multi-page) TIFF, OCR'd."""
    frames = image_file_pages(data)
    return read_pages([lambda im=im: im for im in frames], list(range(1, len(frames) + 1)))
