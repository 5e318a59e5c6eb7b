"""EDGAR full-submission `.txt` files: an SGML header, then `<DOCUMENT>` blocks.

Since 2003 a Form 3/4/5 submission carries the filer's ownership XML inside `<XML>...</XML>`:
that is read exactly (`edgar_xml`). Older submissions carry the form as plain text (or HTML); that
goes through the text (or HTML) rendering path like any other rendering. Line numbers in the
output refer to lines of the submission file.
"""
from __future__ import annotations

import regex as re

from ..errors import CorruptInput, NotAForm
from ..page import Document

_DOCUMENT = re.compile(rb"<DOCUMENT>(.*?)(?:</DOCUMENT>|\Z)", re.S | re.I)
_TYPE = re.compile(rb"<TYPE>[ \t]*([^\r\n<]*)", re.I)
_TEXT = re.compile(rb"<TEXT>(.*?)(?:</TEXT>|\Z)", re.S | re.I)
_XML = re.compile(rb"<XML>\s*(.*?)</XML>", re.S | re.I)
_SUBMISSION_TYPE = re.compile(rb"CONFORMED SUBMISSION TYPE:[ \t]*([^\r\n]*)", re.I)
_SGML_TAG = re.compile(r"</?[A-Z][A-Z0-9-]*>")      # <PAGE>, <TABLE>, <S>, <C>, <CAPTION>, <FN> ...
_OWNERSHIP_TYPES = {b"3", b"3/A", b"4", b"4/A", b"5", b"5/A"}


def read_submission(path: str, sha256: str, data: bytes) -> Document:
    """-> an `xml` Document (the exact record) when the submission holds ownership XML, else a
    `text` or `html` Document of the form's own document. NotAForm for another form type."""
    docs = [(m.start(1), m.group(1)) for m in _DOCUMENT.finditer(data)]
    if not docs:
        raise CorruptInput("EDGAR submission without any <DOCUMENT> block (truncated file?)")
    for start, doc in docs:
        x = _XML.search(doc)
        if x and b"<ownershipdocument" in x.group(1)[:4096].lower():
            from .edgar_xml import read_ownership_xml
            at = start + x.start(1)
            record = read_ownership_xml(x.group(1), first_line=data.count(b"\n", 0, at) + 1)
            return Document(path, sha256, "xml", [], exact_record=record, style="xml")
    start, doc = _form_document(data, docs)
    t = _TEXT.search(doc)
    body_at = start + (t.start(1) if t else 0)
    body = t.group(1) if t else doc
    if re.search(rb"<html|<body|<td[\s>]", body[:20_000], re.I):     # not <TABLE>: old SGML text uses it
        from .html import read_html_pages
        kind, pages, style = "html", read_html_pages(body), "html"
    else:
        from . import decode_text
        from .text import read_text_pages, rendering_style
        text = _SGML_TAG.sub("", decode_text(body))
        kind, pages, style = "text", read_text_pages(text), rendering_style(text)
    offset = data.count(b"\n", 0, body_at)      # line numbers of the submission file
    for p in pages:
        for w in p.words:
            if w.line is not None:
                w.line += offset
    return Document(path, sha256, kind, pages, style=style)


def _form_document(data: bytes, docs: list[tuple[int, bytes]]) -> tuple[int, bytes]:
    """The document holding the form itself: the first whose <TYPE> is 3/4/5, else the first."""
    for start, doc in docs:
        m = _TYPE.search(doc)
        if m and m.group(1).strip().upper() in _OWNERSHIP_TYPES:
            return start, doc
    sub = _SUBMISSION_TYPE.search(data[:20_000])
    if sub and sub.group(1).strip().upper() not in _OWNERSHIP_TYPES:
        kind = sub.group(1).strip().decode("ascii", "replace")
        raise NotAForm(f"EDGAR submission of type {kind}, not a Form 3, 4 or 5")
    return docs[0]
