"""OCR'd words that are no English word, put back where one glyph confusion explains them.

Tesseract reads "footnote" as "foomote" ("tn" seen as one "m"), "Return" as "Retum", "unit" as
"wnit". A word of running text that is not in the English word list (data/english_words.txt.gz,
built by scripts/build_wordlist.py from pyspellchecker's list) is tried with the confusions OCR
makes (CONFUSIONS, at most MAX_SWAPS of them); when exactly one spelling so reached is a word, it
is what was printed. Nothing is changed when two words are reachable ("tum": "turn" or "tun"),
and a capitalized word (mostly a name the list lacks) only becomes a word the document has
elsewhere, so the repair holds only where the glyph shapes and the language agree: over the
34,928 lower-case words of the corpus's truth records it changes none. The caller (ocr_repair.py)
lowers the value's confidence and lists each change as an issue.
"""
from __future__ import annotations

import gzip
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import regex as re

# what OCR read -> what may have been printed
CONFUSIONS: dict[str, tuple[str, ...]] = {
    "m": ("rn", "tn", "in", "nn"), "rn": ("m",), "nn": ("m",), "in": ("m",),
    "l": ("i", "t"), "i": ("l", "t"), "t": ("l", "i"),
    "cl": ("d",), "d": ("cl",), "ii": ("u",), "u": ("ii", "n"), "n": ("u",),
    "li": ("h",), "h": ("li", "b"), "b": ("h",), "c": ("e",), "e": ("c", "f"), "vv": ("w",), "w": ("vv",),
}
MAX_SWAPS = 2
NAME_MIN = 3             # a name is respelled to a spelling the document uses at least this often ...
NAME_RATIO = 3           # ... and this many times as often as the one read
TAIL_MIN, TAIL_MAX, TAIL_SEEN = 6, 3, 2   # a word of this many letters read without its last few is
                                          # completed to a word the document has at least twice
HEAD_MIN = 5             # ... and one of this many read without its first few, to the one it ends
MIN_LETTERS = 4          # shorter words have too many neighbours to tell which was printed
WORD = re.compile(r"(?<![\p{L}\d'])\p{L}{4,}(?![\p{L}\d'])")   # hyphenated: each part ("In-Eact")
# abbreviations that names, signatures and running text print with a period ("Inc.", "Esq."):
# their period is no comma or speck read by OCR
ABBREVIATIONS = frozenset({"inc", "ltd", "corp", "co", "jr", "sr", "esq", "bros", "assoc", "mgmt", "intl", "dept"})
_ROMAN = re.compile(r"^[ivxlcdm]+$", re.I)     # "viii" is no misread "vul"
_NOTHING: Mapping[str, int] = MappingProxyType({})
_WORDS_FILE = Path(__file__).parent / "data" / "english_words.txt.gz"


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    with gzip.open(_WORDS_FILE, "rt", encoding="ascii") as f:
        return frozenset(f.read().split())


def respell(word: str, seen: Mapping[str, int] = _NOTHING) -> str | None:
    """The word OCR misread as `word` ("foomote" -> "footnote", "Foomote" -> "Footnote"), in the
    case it was read in; None when `word` is a word, is not plain letters, or no single word is
    reachable. A capitalized or upper-case word is mostly a name the list lacks ("Thiel" is one
    confusion from "thief"), so it is repaired only to a word `seen` (lower case, with how often)
    elsewhere in the document: "See Foomote" beside "See Footnote", or a name one confusion from
    a spelling the document uses NAME_RATIO times as often, at least NAME_MIN times ("Testa" and
    "Tesia" beside ten "Tesla": a name the list has as a word, "testa", too)."""
    if len(word) < MIN_LETTERS or not word.isascii() or not word.isalpha() or _ROMAN.match(word):
        return None
    case = _case_of(word)
    if case is None:
        return None
    low = word.lower()
    words = english_words()
    mine = max(1, seen.get(low, 0))     # how often the document prints the word as read
    if case is not str.lower:
        usual = [c for c in _swaps(low, 1) if seen.get(c, 0) >= max(NAME_MIN, NAME_RATIO * mine)]
        if len(usual) == 1:
            return case(usual[0])
    if low in words:
        return None
    found = {c for c in _swaps(low, MAX_SWAPS) if c in words and (case is str.lower or c in seen)}
    if len(found) != 1:
        # one letter for another of a word the document prints often, beyond the usual confusions
        # ("Menger" beside twenty "Merger", "teplacement", "Brighim" beside "Brigham"); not a word
        # in capitals, an abbreviation as often as a name ("BANA" beside "BANK")
        found = {w for w, n in seen.items() if n >= max(NAME_MIN, NAME_RATIO * mine) and len(w) == len(low)
                 and sum(a != b for a, b in zip(w, low)) == 1 and (case is not str.lower or w in words)
                 } if case is not str.upper else set()
    if len(found) != 1:
        # a word whose end OCR lost ("undertak" at a line's end): the one word of the document,
        # TAIL_MAX letters longer at most, that it begins (not a name: "MERRIL" is as filed)
        found = {w for w, n in seen.items() if n >= TAIL_SEEN and w.startswith(low) and 0 < len(w) - len(low) <= TAIL_MAX
                 and w in words} if len(low) >= TAIL_MIN and case is str.lower else set()
        if not found and len(low) >= HEAD_MIN and case is str.lower:
            # ... or its start ("See otnotes" at a cell's left rule)
            found = {w for w, n in seen.items() if n >= TAIL_SEEN and w.endswith(low)
                     and 0 < len(w) - len(low) <= TAIL_MAX and w in words}
        if len(found) != 1:
            return None
    return case(found.pop())


def _swaps(word: str, n: int) -> set[str]:
    out: set[str] = set()
    frontier = {word}
    for _ in range(n):
        nxt = set()
        for w in frontier:
            for k in range(len(w)):
                for read, printed in CONFUSIONS.items():
                    if w.startswith(read, k):
                        for p in printed:
                            nxt.add(w[:k] + p + w[k + len(read):])
        nxt -= out | {word}
        out |= nxt
        frontier = nxt
    return out


def _case_of(word: str):
    """How to write a repaired word as `word` was written; None for mixed case ("McKesson")."""
    if word.islower():
        return str.lower
    if word.isupper():
        return str.upper
    if word[0].isupper() and word[1:].islower():
        return str.capitalize
    return None
