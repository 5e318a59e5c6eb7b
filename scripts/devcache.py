"""Development only: keep OCR'd pages on disk so analyzer changes re-run in seconds."""
import hashlib
import pickle
from pathlib import Path


def cache_ocr(folder: str) -> None:
    import extractor.sources.scan as scan
    real = scan.ocr_page

    def cached(img, dpi, number, size=None, *a, **kw):
        key = hashlib.sha256(img.tobytes() + f"{dpi}|{number}|{size}".encode()).hexdigest()
        f = Path(folder) / f"{key}.pkl"
        if f.exists():
            return pickle.loads(f.read_bytes())
        page = real(img, dpi, number, size, *a, **kw)
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(pickle.dumps(page))
        return page
    scan.ocr_page = cached
