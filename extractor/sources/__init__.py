"""Input kinds -> the one page model. `load_document` sniffs the bytes, not the file name."""
from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import CorruptInput, UnreadableInput
from ..page import Document

MAX_TEXT_BYTES = 20_000_000


def sniff(data: bytes) -> str:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        return "image"
    low = head[:1024].lower()
    if low.startswith((b"<sec-document>", b"<sec-header>", b"<document>", b"<ims-header>")) or b"<sec-header>" in low:
        return "submission"
    if b"<ownershipdocument" in low or (low.startswith(b"<?xml") and b"<ownershipdocument" in data[:8192].lower()):
        return "xml"
    if low.startswith((b"<!doctype html", b"<html")) or b"<html" in low[:512]:
        return "html"
    return "text"


def decode_text(data: bytes) -> str:
    if len(data) > MAX_TEXT_BYTES:
        raise CorruptInput(f"text input of {len(data)} bytes is too large to be a rendering of one filing")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\t\n\r\f")
    if not text.strip() or printable < 0.95 * len(text):
        raise CorruptInput("not a PDF, image or text rendering (binary or empty content)")
    return text


def read_input(path: str) -> bytes:
    if path == "-":
        import sys
        return sys.stdin.buffer.read()
    p = Path(path)
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise UnreadableInput(f"no such file: {path}") from None
    except IsADirectoryError:
        raise UnreadableInput(f"{path} is a folder; give the files inside it (or use `extract bulk`)") from None
    except OSError as e:
        raise UnreadableInput(f"cannot read {path}: {e.strerror}") from None


OCR_MODES = ("auto", "always", "never")


def load_document(path: str, data: bytes | None = None, ocr: str = "auto") -> Document:
    """Read one input into pages of positioned words (or, for EDGAR XML, an exact record).
    `ocr`: `auto` reads PDF pages without a text layer and page images by OCR, `always` OCRs
    every PDF page too, `never` refuses inputs that need it."""
    if ocr not in OCR_MODES:
        raise ValueError(f"ocr must be one of {OCR_MODES}, not {ocr!r}")
    if data is None:
        data = read_input(path)
    if not data.strip():
        raise CorruptInput("the file is empty")
    sha = hashlib.sha256(data).hexdigest()
    kind = sniff(data)
    if kind == "pdf":
        from .pdf import read_pdf_pages
        pages, image_only = read_pdf_pages(data)
        todo = list(range(len(pages))) if ocr == "always" else image_only
        if not todo:
            return Document(path, sha, "pdf", pages)
        if ocr == "never":
            if len(image_only) < len(pages):        # read what has text; the scanned pages stay blank
                return Document(path, sha, "pdf", pages)
            raise CorruptInput("the PDF has no text layer (a scan) and OCR is off (--ocr never); "
                               "use --ocr auto to read it")
        from .scan import ocr_pdf_pages
        for i, page in zip(todo, ocr_pdf_pages(data, todo)):
            pages[i] = page
        # a scan: every page came from OCR (a PDF with a few scanned pages is still a "pdf")
        return Document(path, sha, "scan" if len(todo) == len(pages) else "pdf", pages)
    if kind == "image":
        if ocr == "never":
            raise CorruptInput("page images need OCR, which is off (--ocr never); use --ocr auto to read it")
        from .scan import ocr_image_pages
        return Document(path, sha, "image", ocr_image_pages(data))
    if kind in ("xml", "submission", "html"):
        raise CorruptInput(f"{kind} input is not supported yet")
    from .text import read_text_pages
    return Document(path, sha, "text", read_text_pages(decode_text(data)))
