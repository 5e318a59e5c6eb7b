"""Tesseract's words as read, with their symbols, in page pixels; what it makes of table rules
dropped; word boxes as tall as a PDF text layer's."""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

import numpy as np

TALL = re.compile(r"[A-Z0-9bdfhklt$%&/]")   # a word with one of these reaches the cap height
ASCENT, DESCENT = 1.2, 0.33              # a font's box above / below the baseline, per cap height of ink
QUOTES = frozenset("‘’'`")                  # what Tesseract puts before a word at a rule or a round capital
RULE_GLYPHS = frozenset("|[]{}!lI1/\\")   # what a vertical table rule is read as
SPECK = re.compile(r"^[.,:;‘’'`\"•·~_]{1,3}$")  # a word of dust: punctuation standing alone is never printed


@dataclass(slots=True)
class Sym:
    """One character Tesseract read, with its box."""
    text: str
    box: tuple[int, int, int, int]        # pixels: x0, y0, x1, y1


@dataclass(slots=True)
class RawWord:
    """One word Tesseract read: text, pixel box, confidence in [0, 1], its symbols; `sup` as in
    `page.Word` (set for superscript marks)."""
    text: str
    box: tuple[int, int, int, int]
    conf: float
    baseline: float                       # pixel y of the word's baseline
    syms: list[Sym] = field(default_factory=list)
    sup: bool | None = None
    line: int = 0                         # Tesseract's text line it was read in


def read_words(api) -> list[RawWord]:
    """Every word with its symbols, in one walk over Tesseract's result at symbol level."""
    import tesserocr
    W, S = tesserocr.RIL.WORD, tesserocr.RIL.SYMBOL
    words: list[RawWord] = []
    it = api.GetIterator()
    if it is None:
        return words
    cur: RawWord | None = None
    line = -1
    while True:
        if it.IsAtBeginningOf(tesserocr.RIL.TEXTLINE):
            line += 1
        if it.IsAtBeginningOf(W):
            box = it.BoundingBox(W)
            text = it.GetUTF8Text(W)
            if box is not None and text and text.strip():
                base = it.Baseline(W)
                baseline = max(base[0][1], base[1][1]) if base else box[3]
                cur = RawWord(text.strip(), box, max(0.0, min(1.0, it.Confidence(W) / 100.0)), baseline, line=line)
                words.append(cur)
            else:
                cur = None
        if cur is not None:
            sbox = it.BoundingBox(S)
            stext = it.GetUTF8Text(S)
            if sbox is not None and stext:
                cur.syms.append(Sym(stext, sbox))
        if not it.Next(S):
            break
    return words


def _on_rule(ink: np.ndarray, box: tuple[int, int, int, int], reach: int) -> bool:
    """Some pixel column within `reach` of the box is ink for three word heights through it: a
    table rule, which no glyph is (glyphs end with their line)."""
    x0, y0, x1, y1 = box
    h = max(2, y1 - y0)
    for top, bottom in ((y0 - h, y1 + h), (y0, y1 + 2 * h), (y0 - 2 * h, y1)):   # also where a rule starts or ends
        if top < 0 or bottom > ink.shape[0]:
            continue
        cols = ink[top:bottom, max(0, x0 - reach):x1 + reach + 1]
        if cols.size and cols.all(axis=0).any():
            return True
    return False


def drop_rules(ink: np.ndarray, words: list[RawWord]) -> list[RawWord]:
    """Remove what Tesseract made of a table rule or read twice: a lone "|" (its box can sit a few
    pixels beside the rule, so half a height around it is looked at); a rule glyph glued to the
    first or last character of a value ("|$91.4487"; only the glyph's own columns: a cell border a
    few points after a "1" is not that "1"); a single quote mark before a word's first letter
    ("‘Warrant", "‘Check": Tesseract makes one of a rule or of a round capital's curve; none of the
    185,286 words of the 169 Form 4 PDFs of the corpus begins with one); a word that is only dots,
    colons, commas or quotes (dust read as "." or "‘": "Hollister : Steve").
    `ink`: the page with its rules, not Tesseract's binary page, from which it has removed them."""
    out = []
    for w in words:
        if SPECK.match(w.text):
            continue
        syms = w.syms
        h = w.box[3] - w.box[1]
        if len(syms) == 1 and syms[0].text in RULE_GLYPHS:
            if not _on_rule(ink, syms[0].box, max(2, h // 2)):
                out.append(w)
            continue
        while len(syms) > 1 and syms[0].text in QUOTES and syms[1].text.isalnum():
            syms = syms[1:]
        while syms and syms[0].text in RULE_GLYPHS and _on_rule(ink, syms[0].box, 1):
            syms = syms[1:]
        while syms and syms[-1].text in RULE_GLYPHS and _on_rule(ink, syms[-1].box, 1):
            syms = syms[:-1]
        if len(syms) == len(w.syms):
            out.append(w)
        elif syms:
            out.append(_cut_to(w, syms))
    return out


_AMOUNT_AND_MARK = re.compile(r"^(\$?[\d,.]*\d)(\(\d{1,2}\)|\))$")   # "35,600)", "2,415(3)"


def split_at_rules(words: list[RawWord], rules: list[tuple[int, int, int, int]]) -> list[RawWord]:
    """An amount and what is left of the next cell's footnote mark, read as one word across the
    rule between them ("35,600)" for "35,600" | "(1)"): with the rules taken out of the page
    (rules.py) Tesseract runs them together, and the word's centre lies in the next cell. The
    amount and a whole mark become two words; a lone ")" is dropped (the column's other cells
    give the mark back, ocr_repair.py). `rules`: the rules' pixel boxes, in the words' pixels.
    Symbol boxes are too rough to say which side of the rule a glyph is on ("0)" past it), so the
    text says where the amount ends (one symbol a character)."""
    out = []
    for w in words:
        m = _AMOUNT_AND_MARK.match(w.text)
        cy = (w.box[1] + w.box[3]) / 2
        if m and len(w.syms) == len(w.text) and any(
                r[1] <= cy <= r[3] and (w.syms[0].box[0] + w.syms[0].box[2]) / 2 < (r[0] + r[2]) / 2 < w.box[2]
                for r in rules):
            k = len(m.group(1))
            out += [_cut_to(w, syms) for syms in (w.syms[:k], w.syms[k:]) if syms[0].text != ")"]
        else:
            out.append(w)
    return out


def _cut_to(w: RawWord, syms: list[Sym]) -> RawWord:
    """The word cut down to some of its symbols: their text, their x-extent, the word's height."""
    box = union(s.box for s in syms)
    return RawWord("".join(s.text for s in syms), (box[0], w.box[1], box[2], w.box[3]), w.conf, w.baseline, syms,
                   line=w.line)


def union(boxes) -> tuple[int, int, int, int]:
    """The pixel box enclosing the boxes."""
    bs = list(boxes)
    return (min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs))


def font_boxes(words: list[RawWord]) -> list[tuple[int, int, int, int]]:
    """Word boxes as a PDF text layer gives them: from the font's ascent to its descent around the
    baseline, whatever letters the word has, rather than the ink ("on" is x-height tall in ink,
    as tall as "On" in the PDF). The layout analyzer measures its tolerances in the page's
    typical word height, taken from PDF boxes; ink boxes make it ~30 % smaller (5.0 pt against
    7.2 pt on the same page), and lines and labels fall apart. The cap height of a line is the
    median ink ascent of its words that reach it; ASCENT and DESCENT are fitted on the corpus
    (words found in both a scan and its PDF). Raised marks keep their ink box, grown a little, as
    a PDF superscript's box is its own small font's."""
    caps: dict[int, list[float]] = {}
    for w in words:
        if w.sup is None and TALL.search(w.text):
            caps.setdefault(w.line, []).append(w.baseline - w.box[1])
    line_cap = {line: statistics.median(v) for line, v in caps.items()}
    out = []
    for w in words:
        x0, y0, x1, y1 = w.box
        if w.sup:
            grow = 0.15 * (y1 - y0)
            out.append((x0, round(y0 - grow), x1, round(y1 + grow)))
            continue
        own = w.baseline - y0
        cap = line_cap.get(w.line) or (own if TALL.search(w.text) else own * 1.4)   # x-height -> cap height
        if cap <= 0:
            out.append(w.box)
            continue
        out.append((x0, round(min(y0, w.baseline - ASCENT * cap)), x1, round(max(y1, w.baseline + DESCENT * cap))))
    return out
