"""Scans and page images -> page model: each page image (raster.py) OCR'd once (ocr.py)."""
from __future__ import annotations

from ..page import Page
from .ocr import ocr_page
from .raster import image_file_pages, pdf_page_image


def ocr_pdf_pages(data: bytes, indexes: list[int]) -> list[Page]:
    """The given (0-based) pages of a PDF, rasterized at the scan's own resolution and OCR'd."""
    from .pdf import open_pdf
    doc = open_pdf(data)
    try:
        out = []
        for i in indexes:
            im = pdf_page_image(doc, i)
            out.append(ocr_page(im.image, im.dpi, i + 1, im.size))
        return out
    finally:
        doc.close()


def ocr_image_pages(data: bytes) -> list[Page]:
    """Every frame of a PNG, JPEG or (multi-page) TIFF, OCR'd."""
    return [ocr_page(im.image, im.dpi, n, im.size) for n, im in enumerate(image_file_pages(data), start=1)]
