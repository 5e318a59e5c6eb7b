"""Scans: a table text cell misread where the same text is read right in other rows.

A filing's table repeats its text cells down a column: "See footnote", "By The Founders Fund IV,
LP", "Class A Common Stock". OCR garbles each copy differently ("By The Founders Fund IV, Lp",
"Class A Common toc", "See Foomote"), so the copies read alike vote: a cell whose text is close
to one that at least CONSENSUS_MIN other cells of its kind share (and more than share its own)
takes that text, but only where every word it would change is doubtful: not an English word,
carrying a character no title has, or read with less than DOUBT_CONF confidence. A word read cleanly stays, so "Class B Common Stock" is never
made "Class A", nor "Series E Warrant" "Series D" (a letter or number for another is refused
outright). The caller (ocr_repair.py) lowers the field's fit and lists the change as an issue.
"""
from __future__ import annotations

import difflib
from collections import Counter

import regex as re
from rapidfuzz import fuzz

from .candidate import Cand
from .spelling import english_words
from .validate import ROW_SECTIONS

# cells whose texts vote together: titles of both tables (a title and an underlying title are
# often the same security), and the nature of indirect ownership of both
GROUPS = (("security_title", "underlying_security_title"), ("nature_of_ownership",))
CONSENSUS_MIN = 2          # the text the cell takes is read alike in at least this many other cells ...
CONSENSUS_RATIO = 85       # ... and is this close to the cell's (rapidfuzz ratio), or shares this
CONSENSUS_WORDS = 0.5      # share of its words
DOUBT_CONF = 0.6           # a word Tesseract read with less confidence is doubtful, English or not
_CLEAN_WORD = re.compile(r"^[(]?[A-Za-z][A-Za-z.&/-]*[),.;:]?$")


def column_consensus(draft: dict) -> list[tuple[str, Cand, str, str]]:
    """(path, cand, read, consensus) for each text cell to be replaced (see the module docstring)."""
    out = []
    for group in GROUPS:
        cells = [(f"{sec}[{i}].{f}", row[f]) for sec in ROW_SECTIONS for i, row in enumerate(draft.get(sec, []))
                 for f in group if f in row and isinstance(row[f].value, str) and row[f].value]
        counts = Counter(c.value for _p, c in cells)
        chosen: dict[str, str] = {}
        found = []
        for path, c in cells:
            text = c.value
            best = max(((counts[t], fuzz.ratio(text, t), t) for t in counts
                        if t != text and counts[t] >= CONSENSUS_MIN and counts[t] > counts[text]
                        and _close(text, t) and _only_doubtful_words_change(text, t, _word_confs(c))),
                       default=None)
            if best is not None:
                found.append((path, c, text, best[2]))
                chosen.setdefault(text, best[2])
        for path, c, text, target in found:
            # a text taken by others that is itself replaced gives its own replacement
            # ('See Foomotest" an' -> 'See Foomotest', which two cells read, -> 'See Footnotes')
            seen = {text}
            while target in chosen and target not in seen:
                seen.add(target)
                target = chosen[target]
            out.append((path, c, text, target))
    return out


def _close(read: str, other: str) -> bool:
    """Close in characters, or sharing at least half the words of each ("Common srac" and "Common
    Stock": one word garbled beyond the character ratio)."""
    if fuzz.ratio(read, other) >= CONSENSUS_RATIO:
        return True
    a, b = read.split(), other.split()
    same = sum(m.size for m in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return same >= CONSENSUS_WORDS * max(len(a), len(b))


def _word_confs(c: Cand) -> list[float] | None:
    """The OCR confidence of each word of the cell's text, when its words are its page words."""
    words = c.value.split()
    return [t.word.conf for t in c.toks] if [t.text for t in c.toks] == words else None


def _only_doubtful_words_change(read: str, other: str, confs: list[float] | None = None) -> bool:
    a, b = read.split(), other.split()
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        mine, theirs = a[i1:i2], b[j1:j2]
        if not mine:
            return False                # a word the cell lacks may be lost, or the text another one
        if any(_short(w) for w in mine) and any(_short(w) for w in theirs):
            return False                # "A" for "B", "2" for "3": a class or series, not a misreading
        if not all(_doubtful(w) or (confs is not None and confs[i1 + k] < DOUBT_CONF) for k, w in enumerate(mine)):
            return False
    return True


def _short(word: str) -> bool:
    return len(word.strip(".,;:()")) <= 2


def _doubtful(word: str) -> bool:
    """A word OCR likely garbled: a character no title word has ("LP'", "Trust2", "—"), or letters
    that make no English word ("toc", "Lp", "Foomote")."""
    if not _CLEAN_WORD.match(word):
        return True
    letters = re.sub(r"[^A-Za-z]", "", word)
    if letters.isupper() and len(letters) > 1:
        return False                    # an abbreviation in capitals ("LP", "LLC", "JRM") is as printed
    return letters.lower() not in english_words()


def column_marks(draft: dict) -> list[tuple[str, Cand, tuple[str, ...]]]:
    """(path, cand, marks to add) for each cell that lacks footnote marks the other cells of its
    column with the same value carry: at least CONSENSUS_MIN of them, more than half of all that
    value's cells, agree on the marks. A filing footnotes a repeated value the same way (the
    corpus's truth: 8 of 1,298 such text cells differ from their text's majority; of the typed
    cells, one of 531 lacks marks its majority has, a holding after a transaction: 403 sale codes
    "S" with their "(1)", 64 repeated prices, ...), and so the empty cells of a column (557 of
    them, a date exercisable "(1)" told in a footnote, agree), while a scan loses marks often;
    marks are only added, never taken away."""
    out = []
    typed = sorted({f for sec in ROW_SECTIONS for row in draft.get(sec, []) for f in row
                    if f != "footnote_ids" and not f.startswith("_") and all(f not in g for g in GROUPS)})
    for group in GROUPS + tuple((f,) for f in typed):
        for f in group:
            cells = [(f"{sec}[{i}].{f}", row[f], tuple(row.get("footnote_ids", {}).get(f, Cand([])).value or ()))
                     for sec in ROW_SECTIONS for i, row in enumerate(draft.get(sec, []))
                     if f in row and row[f].value != ""]
            by_text: dict[object, list] = {}
            for path, c, marks in cells:
                by_text.setdefault(c.value, []).append((path, c, marks))
            for same in by_text.values():
                usual, n = Counter(m for _p, _c, m in same).most_common(1)[0]
                whole = sorted(set().union(*(m for _p, _c, m in same)), key=lambda m: (len(m), m))
                read_whole = sum(set(m) == set(whole) for _p, _c, m in same)
                for path, c, marks in same:
                    if usual and n >= CONSENSUS_MIN and 2 * n > len(same) and set(marks) < set(usual):
                        out.append((path, c, tuple(m for m in usual if m not in marks)))
                    elif marks and set(marks) < set(whole) and read_whole >= CONSENSUS_MIN:
                        # part of a run of marks read ("(1)" of "(1)(2)(3)(4)"): the whole run, as
                        # at least two cells of the value read it (the corpus: 0 of 905 such
                        # cells differ; an empty cell needs the majority, 5 would)
                        out.append((path, c, tuple(m for m in whole if m not in marks)))
    return out
