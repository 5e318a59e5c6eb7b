"""Text renderings -> page model: Markdown-like conversions and `pdftotext -layout` dumps.

Markup is undone first (escaped `\\$`, `<u>`, checkboxes written as `<input checked ...>`, `[x]`
or `☒`, footnote marks written `⁽¹⁾`, `<sup>1</sup>` or `(1)`), then every character gets a
pseudo-position: column c of source line n sits at x = c * TEXT_CHAR_W, y = n * TEXT_LINE_H.
Tab-separated cells are placed on a wide grid (cell j starts at j * cell width) so that a cell
index behaves like a table column of a printed page. A form feed starts a new page.
"""
from __future__ import annotations

import regex as re

from ..geometry import BBox
from ..page import TEXT_CHAR_W, TEXT_LINE_H, Page, Word

CHECKED = "☒"
UNCHECKED = "☐"

_SUP_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_RULES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"<input\b[^>]*\bchecked\b[^>]*>", re.I), f" {CHECKED} "),
    (re.compile(r"<input\b[^>]*>", re.I), f" {UNCHECKED} "),
    # superscript footnote marks: <sup>1</sup>, <sup>(1)</sup>, ⁽¹⁾, ¹ -> one canonical token "⁽1⁾"
    (re.compile(r"[ ]*<sup>\s*\(?\s*(\d{1,3})\s*\)?\s*</sup>", re.I), r" ⁽\1⁾"),
    (re.compile(r"[ ]*<sup>\s*([*]+)\s*</sup>", re.I), r"\1"),
    (re.compile(r"[ ]*⁽([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})⁾"), lambda m: f" ⁽{m.group(1).translate(_SUP_DIGITS)}⁾"),
    (re.compile(r"(?<=\S)([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})(?![⁰-⁹])"), lambda m: f" ⁽{m.group(1).translate(_SUP_DIGITS)}⁾"),
    # a mark glued to its value ("C(1)", "$156.11(1)") is a superscript that lost its styling
    (re.compile(r"(?<=[^\s()])(?:\(\d{1,3}\))+(?![\w(])"),
     lambda m: " " + "".join(f"⁽{d}⁾" for d in re.findall(r"\d+", m.group()))),
    # bracket checkboxes: "[x] Director", "[ ] 10% Owner"; "[X]" only before a label word, so a
    # ticker like "[X]" (U.S. Steel) at the end of the issuer cell stays text
    (re.compile(r"\[\s\]"), f" {UNCHECKED} "),
    (re.compile(r"\[x\]"), f" {CHECKED} "),
    (re.compile(r"(?<![^\s\t])\[X\](?=[ ]+[\w(])"), f" {CHECKED} "),
    (re.compile(r"[☑✅■✔✓]"), CHECKED),
    (re.compile(r"[□◻]"), UNCHECKED),
    (re.compile(r"</u>\s*<u>", re.I), "   "),                   # two underlined values side by side stay apart
    (re.compile(r"<br\s*/?>", re.I), " "),
    (re.compile(r"</?[A-Za-z][^<>]*>"), ""),                     # any other tag (<u>, <b>, <span ...>)
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!$|<>&~])"), r"\1"),      # Markdown escapes: \$ -> $
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),         # **bold**
    (re.compile(r"^\s{0,3}#{1,6}\s+"), ""),                       # # heading
]
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def clean_line(line: str) -> str:
    """Undo the markup of one line of a text rendering; tabs (cell boundaries) are kept."""
    if _PIPE_SEPARATOR.match(line):
        return ""
    if _PIPE_ROW.match(line):
        line = "\t".join(c.strip() for c in line.strip().strip("|").split("|"))
    for pat, rep in _RULES:
        line = pat.sub(rep, line)
    # entities are left as they are: the converters print the page's text, so "&amp;" on the page is
    # "&amp;" in the rendering; only non-breaking spaces are spaces
    line = line.replace("&nbsp;", " ").replace("&#160;", " ").replace("\xa0", " ")
    return line.rstrip()


def read_text_pages(text: str) -> list[Page]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    raw_pages = text.split("\f")
    cleaned: list[list[tuple[int, str]]] = []
    line_no = 0
    for raw in raw_pages:
        rows = []
        for ln in raw.split("\n"):
            line_no += 1
            rows.append((line_no, clean_line(ln)))
        cleaned.append(rows)
    longest_cell = max((len(c) for rows in cleaned for _, ln in rows if "\t" in ln for c in ln.split("\t")), default=0)
    cell_w = (longest_cell + 4) * TEXT_CHAR_W
    pages = []
    for i, rows in enumerate(cleaned):
        if not any(ln.strip() for _, ln in rows) and i == len(cleaned) - 1 and i > 0:
            continue                        # trailing form feed
        words: list[Word] = []
        for row, (n, ln) in enumerate(rows):
            y = row * TEXT_LINE_H
            if "\t" in ln:
                for j, cell in enumerate(ln.split("\t")):
                    _emit(cell, j * cell_w, y, i + 1, n, words, cell_start=True)
            else:
                _emit(ln, 0.0, y, i + 1, n, words, cell_start=False)
        width = max((w.bbox.x1 for w in words), default=TEXT_CHAR_W) + TEXT_CHAR_W
        pages.append(Page(i + 1, width, max(1, len(rows)) * TEXT_LINE_H, words))
    return pages


_TOKEN = re.compile(r"\S+")
_SUP_MARK = re.compile(r"^(?:⁽\d{1,3}⁾)+$")


def _emit(s: str, x_base: float, y: float, page: int, line: int, out: list[Word], cell_start: bool) -> None:
    first = True
    for m in _TOKEN.finditer(s):
        x0 = x_base + m.start() * TEXT_CHAR_W
        text, sup = m.group(), None
        if _SUP_MARK.match(text):
            text, sup = text.replace("⁽", "(").replace("⁾", ")"), True
        out.append(Word(text, BBox(x0, y + 1.0, x0 + len(m.group()) * TEXT_CHAR_W, y + TEXT_LINE_H - 1.0),
                        page, line=line, cell_break=cell_start and first, sup=sup))
        first = False
