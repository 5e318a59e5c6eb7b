"""Development only: keep OCR'd pages on disk so analyzer changes re-run in seconds."""
import hashlib
import io
import pickle
from pathlib import Path
from types import SimpleNamespace

from PIL import Image


def _code_version() -> bytes:
    """The OCR code itself: a change to how pages are prepared or read makes the cache stale."""
    import extractor.sources as sources
    folder = Path(sources.__file__).parent
    h = hashlib.sha256()
    for name in ("ocr.py", "imageprep.py", "rules.py", "marks.py", "tesswords.py", "merged_lines.py"):
        f = folder / name
        if f.exists():
            h.update(f.read_bytes())
    return h.digest()


def cache_ocr(folder: str) -> None:
    """Make scan.py's page reading go through an on-disk cache in `folder`, keyed by the page
    image, the OCR code and the page's number: the preparation is put off until a page is not
    found there."""
    import extractor.sources.scan as scan
    real_prepare, real_read = scan.prepare_page, scan.read_page
    version = _code_version()

    def prepare(img, dpi, size=None, *a, **kw):
        # what scan.py reads of a prepared page to turn it upright (orientation.py), and the rest
        return SimpleNamespace(original=img, scan_dpi=dpi, size=size, args=(a, kw))

    def read(pending, number, *a, **kw):
        img, dpi, size, (pa, pkw) = pending.original, pending.scan_dpi, pending.size, pending.args
        key = hashlib.sha256(img.tobytes() + version + f"{dpi}|{number}|{size}".encode()).hexdigest()
        f = Path(folder) / f"{key}.pkl"
        if f.exists():
            page, png = pickle.loads(f.read_bytes())
            page.image = Image.open(io.BytesIO(png)) if png else None
            return page
        page = real_read(real_prepare(img, dpi, size, *pa, **pkw), number, *a, **kw)
        f.parent.mkdir(parents=True, exist_ok=True)
        png = b""
        if page.image is not None:          # kept as PNG: a 300 dpi page is 8 MB of raw pixels
            buf = io.BytesIO()
            page.image.save(buf, format="PNG")
            png = buf.getvalue()
        image, page.image = page.image, None
        f.write_bytes(pickle.dumps((page, png)))
        page.image = image
        return page
    scan.prepare_page, scan.read_page = prepare, read
