"""What the review page shows of a filing: the page around a field, or its source lines.

Files are found only through the store: the server looks an input up by its id and reads the path
the bulk run recorded (never a path a client sent), and refuses a file whose bytes no longer hash
to the stored sha256 (its boxes would point at the wrong places). Pages are rendered once with
pypdfium2 and kept in a small cache; crops and highlights are drawn per request.
"""
from __future__ import annotations

import hashlib
import io
import tarfile
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import regex as re

from ..geometry import BBox
from ..sources import decode_text

SCALE = 2.0                     # render at 144 dpi: small print stays legible in a crop
CROP_MARGIN_X = 170.0           # points of context either side of the field (neighbouring columns)
CROP_MARGIN_Y = 45.0            # and above/below (the row and the column header above it)
SOURCE_CONTEXT = 6              # source lines shown either side of a text input's line
CACHED_PAGES = 12              # ~6 MB each at SCALE: a recent filing or two stay rendered
HIGHLIGHT_FILL = (255, 214, 0, 70)
HIGHLIGHT_EDGE = (220, 30, 30, 255)


class SourceUnavailable(Exception):
    """The stored input's file cannot be shown: gone or not such a page (HTTP status 404), or
    changed since it was extracted (409)."""

    def __init__(self, message: str, status: int = 404):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class StoredInput:
    """What the server knows of one input, from the store only."""
    id: int
    path: str
    sha256: str
    kind: str


def _locate(path: str, roots: list[Path]) -> Path:
    p = Path(path)
    if p.is_absolute():
        return p
    for root in roots:
        if (root / p).exists():
            return root / p
    return p


def read_stored(inp: StoredInput, roots: list[Path]) -> bytes:
    """The bytes of a stored input: a file, or a member of a zip or tar archive (`archive.zip!member`).
    Relative paths are tried against each root (the working folder, the store's folder)."""
    archive, sep, member = inp.path.partition("!")
    try:
        if not sep:
            data = _locate(inp.path, roots).read_bytes()
        elif zipfile.is_zipfile(_locate(archive, roots)):
            with zipfile.ZipFile(_locate(archive, roots)) as z:
                data = z.read(member)
        else:
            with tarfile.open(_locate(archive, roots)) as t:
                f = t.extractfile(member)
                if f is None:
                    raise KeyError(member)
                data = f.read()
    except (OSError, KeyError, zipfile.BadZipFile, tarfile.TarError) as e:
        raise SourceUnavailable(f"cannot read {inp.path}: {e}") from None
    if inp.sha256 and hashlib.sha256(data).hexdigest() != inp.sha256:
        raise SourceUnavailable(f"{inp.path} has changed since it was extracted", status=409)
    return data


class PageRenderer:
    """Renders the pages of stored inputs to images, caching the most recent ones."""

    def __init__(self, roots: list[Path]):
        self.roots = roots
        self._pages: OrderedDict[tuple[int, int], object] = OrderedDict()

    def page_image(self, inp: StoredInput, page: int):
        """The page as a PIL image at SCALE pixels per point (1-based page number)."""
        key = (inp.id, page)
        if key in self._pages:
            self._pages.move_to_end(key)
            return self._pages[key]
        im = self._render(inp, page)
        self._pages[key] = im
        if len(self._pages) > CACHED_PAGES:
            self._pages.popitem(last=False)
        return im

    def _render(self, inp: StoredInput, page: int):
        data = read_stored(inp, self.roots)
        if inp.kind in ("pdf", "scan"):
            import pypdfium2 as pdfium
            pdf = pdfium.PdfDocument(data)
            try:
                if not 1 <= page <= len(pdf):
                    raise SourceUnavailable(f"{inp.path} has no page {page}")
                return pdf[page - 1].render(scale=SCALE).to_pil().convert("RGB")
            finally:
                pdf.close()
        if inp.kind == "image":
            # the OCR source's own reading of the file (frames and resolution), so that boxes in
            # points land where its words were
            from ..sources.raster import image_file_pages
            frames = image_file_pages(data)
            if not 1 <= page <= len(frames):
                raise SourceUnavailable(f"{inp.path} has no page {page}")
            frame = frames[page - 1]
            w, h = frame.size
            return frame.image.convert("RGB").resize((max(1, round(w * SCALE)), max(1, round(h * SCALE))))
        raise SourceUnavailable(f"{inp.kind} inputs have no page images; see their source lines")

    def png(self, inp: StoredInput, page: int, bbox: BBox | None = None, crop: bool = False) -> bytes:
        """The page as PNG, the field's box highlighted, cropped around it when `crop`."""
        from PIL import Image, ImageDraw
        im = self.page_image(inp, page)
        if bbox is not None:
            overlay = Image.new("RGBA", im.size, (0, 0, 0, 0))
            box = [v * SCALE for v in (bbox.x0 - 2, bbox.top - 2, bbox.x1 + 2, bbox.bottom + 2)]
            ImageDraw.Draw(overlay).rectangle(box, fill=HIGHLIGHT_FILL, outline=HIGHLIGHT_EDGE, width=3)
            im = Image.alpha_composite(im.convert("RGBA"), overlay).convert("RGB")
            if crop:
                area = (max(0, (bbox.x0 - CROP_MARGIN_X) * SCALE), max(0, (bbox.top - CROP_MARGIN_Y) * SCALE),
                        min(im.width, (bbox.x1 + CROP_MARGIN_X) * SCALE),
                        min(im.height, (bbox.bottom + CROP_MARGIN_Y) * SCALE))
                im = im.crop(tuple(round(v) for v in area))
        out = io.BytesIO()
        im.save(out, format="PNG", optimize=False)
        return out.getvalue()


def source_lines(data: bytes, line: int, context: int = SOURCE_CONTEXT) -> list[dict]:
    """The source lines around `line` (1-based, numbered as sources/text.py numbers them: a form
    feed starts a new line too), as [{"n": 12, "text": "...", "hit": bool}]."""
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n")
    lines = re.split(r"[\n\f]", text)
    lo, hi = max(1, line - context), min(len(lines), line + context)
    return [{"n": n, "text": lines[n - 1], "hit": n == line} for n in range(lo, hi + 1)]
