"""Input kinds -> the one page model. `load_document` sniffs the bytes, not the file name."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..errors import CorruptInput, UnreadableInput
from ..page import Document

MAX_TEXT_BYTES = 20_000_000


def sniff(data: bytes) -> str:
    """The input kind from the first bytes: pdf, image, submission, xml, html or text."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        return "image"
    low = head[:1024].lower()
    # a dissemination file may open with a PEM banner before <SEC-DOCUMENT>
    if low.startswith((b"<sec-document>", b"<sec-header>", b"<document>", b"<ims-header>")) or \
            re.search(rb"^<(sec-document|sec-header|ims-header)>", data[:4096].lower(), re.M):
        return "submission"
    if re.search(rb"<html[\s>]|^<!doctype html|^<(head|body)[\s>]", low):
        return "html"
    if low.startswith(b"<?xml") or b"<ownershipdocument" in low:
        return "xml"            # any XML: the reader says clearly when it is not an ownershipDocument
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


def load_document(path: str, data: bytes | None = None) -> Document:
    """Read one input into pages of positioned words (or, for EDGAR XML, an exact record)."""
    if data is None:
        data = read_input(path)
    if not data.strip():
        raise CorruptInput("the file is empty")
    sha = hashlib.sha256(data).hexdigest()
    kind = sniff(data)
    if kind == "pdf":
        from .pdf import read_pdf_pages
        pages, image_only = read_pdf_pages(data)
        if image_only and len(image_only) == len(pages):
            raise CorruptInput("the PDF has no text layer (a scan); OCR support is not installed in this build")
        return Document(path, sha, "pdf", pages, style="pdf")
    if kind == "image":
        raise CorruptInput("page images need OCR, which this build does not include yet")
    if kind == "xml":
        from .edgar_xml import read_ownership_xml
        return Document(path, sha, "xml", [], exact_record=read_ownership_xml(data), style="xml")
    if kind == "submission":
        from .submission import read_submission
        return read_submission(path, sha, data)
    if kind == "html":
        from .html import read_html_pages
        return Document(path, sha, "html", read_html_pages(data), style="html")
    from .text import read_text_pages, rendering_style
    text = decode_text(data)
    return Document(path, sha, "text", read_text_pages(text), style=rendering_style(text))
