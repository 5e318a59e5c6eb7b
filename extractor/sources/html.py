"""EDGAR's HTML rendering of a filing -> the text form of the Markdown-like renderings -> pages.

EDGAR renders ownership filings as HTML 4.01 tables nested in tables. This writes them the way a
PDF-to-Markdown converter writes the printed page (see `text.py`): one line per row of an outer
table, cells separated by tabs (a colspan or a cell covered by a rowspan from above leaves an empty
cell, so columns stay aligned), a nested table flattened into its cell's text in reading order
with its cells three spaces apart (as the renderings keep two underlined values apart), `<sup>`
marks kept as `<sup>n</sup>`, checked boxes as ☒ next to their label, entities decoded once,
links and underlines unwrapped. A cell that breaks its text with `<br>` (the 2003 look's name and
address lines) makes its row several lines, as the printed row reads; other cells sit on the
first. Text outside tables becomes one line per block. The text then goes through `text.read_text_pages`, so one analyzer
reads every rendering; each line's `line` is the HTML source line of its row or block.
"""
from __future__ import annotations

import regex as re

from ..errors import CorruptInput, NotAForm
from ..page import Page
from .text import CHECKED, UNCHECKED, read_text_pages

_SKIP = {"script", "style", "head", "title", "noscript", "template", "object", "iframe"}
# elements that end a line of text outside tables (inside a cell they are just a space)
_BLOCK = {"p", "div", "br", "hr", "center", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt",
          "dd", "blockquote", "pre", "form", "fieldset", "address", "section", "article", "header", "footer",
          "caption", "tr", "table", "tbody", "thead", "tfoot"}
_CELL = ("td", "th")
_MARK_X = re.compile(r"^[Xx✓✔]$")        # a check mark alone in a checkbox cell
_SPACE = re.compile(r"\s+")
_GAP = "\ue000"                           # placeholder for the gap between two nested cells
_BREAK = "\ue001"                         # placeholder for a line break inside an outer cell
_GAPS = re.compile(r" ?\ue000[\ue000 ]*")
CELL_GAP = "   "
_FORM_TITLE = re.compile(r"beneficial\s+ownership", re.I)    # in the title of Forms 3, 4 and 5
MAX_HTML_BYTES = 20_000_000


def read_html_pages(data: bytes) -> list[Page]:
    """HTML bytes -> pages of the text rendering (line numbers are HTML source lines)."""
    text, src_lines = html_to_text(data)
    if not _FORM_TITLE.search(text):
        raise NotAForm("this HTML page is not an SEC ownership filing (Forms 3, 4, 5): "
                       "no 'beneficial ownership' statement in its text")
    pages = read_text_pages(text)
    for p in pages:
        for w in p.words:
            w.line = src_lines[w.line - 1] if w.line and w.line <= len(src_lines) else w.line
    return pages


def html_to_text(data: bytes | str) -> tuple[str, list[int]]:
    """-> (text with one line per outer table row / text block, HTML source line of each line)."""
    import lxml.html
    from lxml import etree
    if len(data) > MAX_HTML_BYTES:
        raise CorruptInput(f"HTML of {len(data)} bytes is too large to be a rendering of one filing")
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        root = lxml.html.document_fromstring(data, parser=lxml.html.HTMLParser(
            remove_comments=True, remove_pis=True, no_network=True, default_doctype=False))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as e:
        raise CorruptInput(f"unreadable HTML: {e}") from None
    out = _Writer()
    body = root.find("body")
    out.block(body if body is not None else root)
    out.flush()
    return "\n".join(out.lines), out.src


class _Writer:
    def __init__(self):
        self.lines: list[str] = []
        self.src: list[int] = []
        self.buf: list[str] = []
        self.buf_line = 0

    def flush(self) -> None:
        s = _collapse("".join(self.buf))
        if s:
            self.lines.append(s)
            self.src.append(self.buf_line or (self.src[-1] if self.src else 1))
        self.buf, self.buf_line = [], 0

    def add(self, s: str | None, line: int | None) -> None:
        if s:
            if not self.buf_line and s.strip():
                self.buf_line = line or 0
            self.buf.append(s)

    def block(self, el) -> None:
        """Text outside tables: blocks end lines; an outer table writes its rows."""
        self.add(el.text, el.sourceline)
        for c in el:
            tag = c.tag if isinstance(c.tag, str) else ""
            if tag in _SKIP:
                pass
            elif tag == "table":
                self.flush()
                self.table(c)
            elif tag in _BLOCK:
                self.flush()
                self.block(c)
                self.flush()
            elif tag == "input":
                self.add(f" {_checkbox(c)} ", c.sourceline)
            elif tag and _has_block(c):
                self.block(c)
            elif tag:
                self.add(_inline(c), c.sourceline)
            self.add(c.tail, c.sourceline)

    def table(self, table) -> None:
        covered: set[tuple[int, int]] = set()
        rows = _rows(table)
        for r, tr in enumerate(rows):
            cells: dict[int, list[str]] = {}
            col = 0
            for td in (c for c in tr if c.tag in _CELL):
                while (r, col) in covered:
                    col += 1
                rs = min(_span(td, "rowspan"), len(rows) - r)
                cs = _span(td, "colspan")
                cells[col] = _cell_lines(td)
                covered.update((r + i, col + j) for i in range(rs) for j in range(cs))
                col += cs
            # columns a rowspan from above covers stay as empty cells; a colspan reaching the
            # row's end adds none (a title row spanning the table is one plain line)
            width = max([c + 1 for (rr, c) in covered if rr == r and c >= col] + [max(cells, default=-1) + 1])
            # a cell of several lines (wrapped with <br>) makes the row that many text lines, the
            # other cells on the first, as a printed row reads
            for k in range(max((len(v) for v in cells.values()), default=0)):
                texts = [cells[i][k] if i in cells and k < len(cells[i]) else "" for i in range(width)]
                self.lines.append("\t".join(_attach_marks(texts)))
                self.src.append(tr.sourceline or (self.src[-1] if self.src else 1))


def _rows(table) -> list:
    rows = []
    for c in table:
        if c.tag == "tr":
            rows.append(c)
        elif c.tag in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in c if r.tag == "tr")
    return rows


def _span(td, attr: str) -> int:
    try:
        return max(1, min(int(str(td.get(attr, "1")).strip() or 1), 100))
    except ValueError:
        return 1


def _cell_lines(td) -> list[str]:
    """One cell's lines (a <br> in the cell starts a line); nested tables flattened in
    reading order, their cells kept apart by a wider gap (as the text renderings keep two
    underlined values apart). A nested cell holding only "X" is a ticked checkbox (EDGAR draws
    the box as a one-cell table, or a cell before the label)."""
    lines = []
    for raw in _inline(td).split(_BREAK):
        s = _GAPS.sub(CELL_GAP, _collapse(raw)).strip(" " + _GAP)
        if s:
            lines.append(s.replace(CHECKED + CELL_GAP, CHECKED + " "))     # a mark stays with its label
    return lines


def _inline(el, nested: bool = False) -> str:
    """Text of an element in reading order. At an outer cell's own level a <br> starts a new line
    of the cell; inside a nested table it is a space. (Blocks such as <hr> or <center> stay
    spaces: breaking there splits EDGAR's box 1 from its city/state/zip captions.)"""
    parts: list[str] = [el.text or ""]
    for c in el:
        tag = c.tag if isinstance(c.tag, str) else ""
        if tag in _SKIP:
            pass
        elif tag == "sup":
            mark = _collapse(_inline(c, True))
            parts.append(f"<sup>{mark}</sup>" if mark else "")
        elif tag == "input":
            parts.append(f" {_checkbox(c)} ")
        elif tag in _CELL:
            inner = _collapse(_inline(c, True))
            parts.append(f"{_GAP}{CHECKED if _MARK_X.match(inner) else inner}{_GAP}")
        elif tag == "table":
            parts.append(f"{_GAP}{_inline(c, True)}{_GAP}")
        elif tag in _BLOCK:
            brk = _BREAK if tag == "br" and not nested else " "
            parts.append(f"{brk}{_inline(c, nested)}{brk}")
        elif tag:
            parts.append(_inline(c, nested))
        parts.append(c.tail or "")
    return "".join(parts)


def _checkbox(el) -> str:
    if (el.get("type") or "").lower() not in ("checkbox", "radio"):
        return ""
    return CHECKED if el.get("checked") is not None else UNCHECKED


def _attach_marks(cells: list[str]) -> list[str]:
    """A cell holding only a check mark belongs to the label in the next cell ('☒ Director')."""
    out = list(cells)
    for i in range(len(out) - 1):
        if out[i] in (CHECKED, UNCHECKED) and out[i + 1]:
            out[i + 1] = f"{out[i]} {out[i + 1]}"
            out[i] = ""
    return out


def _has_block(el) -> bool:
    return any(isinstance(d.tag, str) and d.tag in ("table", "p", "div", "br", "center") for d in el.iter())


def _collapse(s: str) -> str:
    return _SPACE.sub(" ", s.replace("\xa0", " ")).strip()
