"""Page images with their resolution: from image-only PDF pages (scans) and from image files.

A scan PDF page is normally one image drawn over the whole page. Its pixels are taken as they are
(no resampling: the scanner's own resolution, ~15 ms a page against ~100-230 ms for rendering);
any other page (several images, an image placed off-square, vector art) is rendered by pypdfium2
at the resolution of its largest image. Image files (PNG, JPEG, single- and multi-page TIFF) give
their frames; their resolution comes from the file when it is plausible, else from the paper size.
A frame of 16-bit grey levels (scanners write them) is scaled to 8 bits, not cut at level 255.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageSequence, UnidentifiedImageError

from ..errors import CorruptInput

MIN_DPI, MAX_DPI = 100.0, 600.0     # outside this a file's stated resolution is not a scan's
DEFAULT_DPI = 300.0                 # a PDF page with no image to take the resolution from
LETTER_IN = (8.5, 11.0)
A4_IN = (8.27, 11.69)
COVER = 0.98                        # share of the page an image must cover to be "the scan"
MAX_PIXELS = 60_000_000             # a page image larger than this is not a page scan


@dataclass(slots=True)
class PageImage:
    image: Image.Image
    dpi: float
    size: tuple[float, float]       # the page in PDF points


def _paper_dpi(width_px: int, height_px: int) -> float:
    """Resolution of a page image without a usable stated one: Letter or A4, by aspect ratio."""
    w_px, h_px = sorted((width_px, height_px))
    ratio = h_px / max(1, w_px)
    paper = A4_IN if abs(ratio - A4_IN[1] / A4_IN[0]) < abs(ratio - LETTER_IN[1] / LETTER_IN[0]) else LETTER_IN
    return w_px / paper[0]


def eight_bit(frame: Image.Image) -> Image.Image:
    """The frame with 8-bit levels. PIL converts 16-bit grey ("I;16") and 32-bit ("I", "F")
    frames to 8 bits by cutting every level above 255 to white: on a 16-bit scan, all ink that is
    not quite black (grey level 5000 of 65535) vanished, and the page read blank. Such a frame is
    scaled instead (a 32-bit one by its own range: 0-255 or 0-65535)."""
    if frame.mode not in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        return frame.copy()
    import numpy as np
    a = np.asarray(frame, dtype=np.float64)
    top = 65535.0 if frame.mode.startswith("I;16") or (a.size and a.max() > 255) else 255.0
    return Image.fromarray(np.clip(np.rint(a * (255.0 / top)), 0, 255).astype(np.uint8), mode="L")


def _file_dpi(img: Image.Image) -> float | None:
    dpi = img.info.get("dpi")
    if not dpi:
        return None
    try:
        x = float(dpi[0])
    except (TypeError, ValueError, IndexError):
        return None
    return x if MIN_DPI <= x <= MAX_DPI else None


def image_file_pages(data: bytes) -> list[PageImage]:
    """Every frame of a PNG, JPEG or (multi-page) TIFF, with its resolution and page size."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        img = Image.open(io.BytesIO(data))
        frames = []
        for frame in ImageSequence.Iterator(img):
            dpi = _file_dpi(frame) or _paper_dpi(*frame.size)
            frame.load()
            page = eight_bit(frame)
            frames.append(PageImage(page, dpi, (page.width * 72.0 / dpi, page.height * 72.0 / dpi)))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as e:
        raise CorruptInput(f"not a readable page image ({e}); is the file complete?") from None
    if not frames:
        raise CorruptInput("the image file has no pages")
    return frames


def pdf_page_image(pdf, index: int) -> PageImage:
    """The image of an image-only PDF page at the scan's own resolution (`pdf`: an open
    pypdfium2 document)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c
    page = pdf[index]
    try:
        width, height = page.get_size()
        images = [o for o in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2)]
        best, best_area = None, 0.0
        for o in images:
            left, bottom, right, top = o.get_bounds()
            area = max(0.0, right - left) * max(0.0, top - bottom)
            if area > best_area:
                best, best_area = o, area
        if best is None:
            dpi = DEFAULT_DPI
        else:
            px_w, px_h = best.get_px_size()
            left, bottom, right, top = best.get_bounds()
            dpi = max(MIN_DPI, min(MAX_DPI, px_w / max(1e-6, (right - left)) * 72.0))
            whole = (len(images) == 1 and page.get_rotation() == 0 and best_area >= COVER * width * height
                     and _upright(best))
            if whole:
                try:
                    img = best.get_bitmap(render=False).to_pil()
                    dpi = px_w / width * 72.0
                    return PageImage(img, dpi, (width, height))
                except (pdfium.PdfiumError, ValueError, OSError):
                    pass        # an image format pdfium will only draw: render the page instead
        bitmap = page.render(scale=dpi / 72.0, grayscale=True)
        return PageImage(bitmap.to_pil(), dpi, (width, height))
    finally:
        page.close()


def _upright(obj) -> bool:
    """The image is drawn unrotated and unflipped (its pixels map straight onto the page)."""
    m = obj.get_matrix()
    return abs(m.b) < 1e-6 and abs(m.c) < 1e-6 and m.a > 0 and m.d > 0
