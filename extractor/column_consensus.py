"""Scans: a table text cell misread where the same text is read right in other rows.

A filing's table repeats its text cells down a column: "See footnote", "By The Founders Fund IV,
LP", "Class A Common Stock". OCR garbles each copy differently ("By The Founders Fund IV, Lp",
"Class A Common toc", "See Foomote"), so the copies read alike vote: a cell whose text is close
to one that at least CONSENSUS_MIN other cells of its kind share (and more than share its own)
takes that text, but only where every word it would change is doubtful: not an English word,
carrying a character no title has, or read with less than DOUBT_CONF confidence. A word read
cleanly stays, so "Class B Common Stock" is never made "Class A", nor "Series E Warrant" "Series
D" (a letter or number for another is refused outright). The same words in another order take
the order the others read ("Stock Class A Common"), and a text that lost its first letter or two
at the cell's left rule takes them back ("lass A Common Stock"). The caller (ocr_repair.py)
lowers the field's fit and lists the change as an issue.

A filing's footnotes repeat their boilerplate the same way, and vote alike (note_consensus).
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
HEAD_LOST = 2              # a cell's first word may lose at most this many letters at its left rule
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
            text, confs = c.value, _word_confs(c)
            best = max(((counts[t], fuzz.ratio(text, t), t) for t in counts
                        if t != text and counts[t] >= CONSENSUS_MIN and counts[t] > counts[text]
                        and (_same_words(text, t) or _junk_after(text, t) or _cut_short(text, t)
                             or _head_lost(text, t) or _reference_garbled(text, t, confs)
                             or _close(text, t) and _only_doubtful_words_change(text, t, confs))),
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


def _same_words(read: str, other: str) -> bool:
    """The same words in another order ("Stock Class A Common"): a wrapped cell's lines or words
    put in the wrong order; no two texts of a column of the corpus's truth are."""
    return sorted(read.split()) == sorted(other.split())


_JUNK_WORD = re.compile(r"^(?=.*[^A-Za-z0-9])(?!(?:.*[A-Za-z]){2})\S{1,4}$|^[a-z]{1,3}$")   # "i}", "!®", "oe"
_MARK_REMAINS = re.compile(r"[^\w\s,.;:&'-]")    # a character no text ends with, of a misread mark


def _junk_after(read: str, other: str) -> bool:
    """The text the others read with what OCR made of the cell's marks after it ("See Footnote coy
    i}", "See Footnote!® oe" for "See Footnote" and its "(2)(3)"): short words of symbols (one
    letter at most) or of at most three small letters, one of them a symbol no text ends with. A
    word a name ends with ("II", "LP", "Jr", "A", ", Inc.") is none of these."""
    if not read.startswith(other) or read == other:
        return False
    rest = read[len(other):]
    if rest[0].isalnum():
        return False                    # the text's last word read on ("Footnotes")
    return bool(_MARK_REMAINS.search(rest)) and all(_JUNK_WORD.match(w) for w in rest.split())


# words no title or nature of ownership ends with (none of the corpus's 2,900-odd does)
_DANGLING = frozenset("see by the of and or for to in on an with from at".split())


def _cut_short(read: str, other: str) -> bool:
    """The start of the text the others read, stopping at a word no text ends with ("See" of "See
    Footnote", "By The" of "By The Founders Fund IV, LP"): the rest was lost."""
    return other.startswith(read + " ") and read.split()[-1].lower() in _DANGLING


def _head_lost(read: str, other: str) -> bool:
    """The text the others read, less the first letter or two of its first word, lost against the
    cell's left rule ("lass A Common Stock", "ass B Common Stock (2)" for "Class ..."): the rest the
    same to the character."""
    first, _, rest = other.partition(" ")
    head = len(other) - len(read)
    return 1 <= head <= HEAD_LOST and read == other[head:] and head < len(first) and first[:head].isalpha() \
        and bool(rest)


_REFERENCE = re.compile(r"^See (?:Footnotes?|footnotes?|FOOTNOTES?|Remarks|remarks|REMARKS)$")


def _reference_garbled(read: str, other: str, confs: list[float] | None) -> bool:
    """A reference the others read whole ("See Footnotes"), of which the cell kept "See" and OCR
    garbled the rest past matching ("See Soeeueae eran", "See @) Fooumee"): a title or nature
    that starts "See" refers to a note (354 of the corpus's 358 are "See Footnote(s)" in one case
    or another; the rest "See footnote.", "See Footnote 2." and a "See Foonotes"), and a column's
    references read alike. Every word after "See" is the reference's word itself or
    doubtful: no English word, read with less than DOUBT_CONF, or a scrap (_JUNK_WORD: "i", "@)";
    not a number, "See Footnote 2", nor a name's ending, "II", "A")."""
    words = read.split()
    if not _REFERENCE.match(other) or len(words) < 2 or words[0] != "See":
        return False
    target = other.split()[1].lower()
    rest = [(w, None if confs is None else confs[k]) for k, w in enumerate(words) if k]
    if any(ch.isdigit() for w, _c in rest for ch in w):
        return False
    junk = [w for w, c in rest if w.lower() != target
            and (_doubtful(w) or _JUNK_WORD.match(w) or (c is not None and c < DOUBT_CONF))]
    return bool(junk) and len(junk) + sum(w.lower() == target for w, _c in rest) == len(rest)


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
        if any(_short(w) and _alnum(w) for w in mine) and any(_short(w) for w in theirs):
            return False                # "A" for "B", "2" for "3": a class or series, not a misreading
                                        # (a dash or a stray mark is no class: "By The — Principals")
        if not all(_doubtful(w) or (confs is not None and confs[i1 + k] < DOUBT_CONF) for k, w in enumerate(mine)):
            return False
    return True


def _short(word: str) -> bool:
    return len(word.strip(".,;:()")) <= 2


def _alnum(word: str) -> bool:
    return any(ch.isalnum() for ch in word)


def _doubtful(word: str) -> bool:
    """A word OCR likely garbled: a character no title word has ("LP'", "Trust2", "—"), or letters
    that make no English word ("toc", "Lp", "Foomote")."""
    if not _CLEAN_WORD.match(word):
        return True
    letters = re.sub(r"[^A-Za-z]", "", word)
    if letters.isupper() and len(letters) > 1:
        return False                    # an abbreviation in capitals ("LP", "LLC", "JRM") is as printed
    return letters.lower() not in english_words()


def column_marks(draft: dict) -> list[tuple[str, Cand, tuple[str, ...], float]]:
    """(path, cand, marks to add, share of the value's cells that read them so) for each cell
    that lacks footnote marks the other cells of its column with the same value carry: at least
    CONSENSUS_MIN of them, more than half of all that value's cells, agree on the marks. A filing footnotes a repeated value the same way (the
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
                counts = Counter(m for _p, _c, m in same)
                usual, n = counts.most_common(1)[0]
                for path, c, marks in same:
                    if usual and n >= CONSENSUS_MIN and 2 * n > len(same) and set(marks) < set(usual):
                        out.append((path, c, tuple(m for m in usual if m not in marks), n / len(same)))
                    elif marks and (whole := _whole_run(marks, counts)) is not None:
                        # part of a run of marks read ("(1)" of "(1)(2)(3)(4)"): the whole run, as
                        # at least two cells of the value read it (an empty cell needs the
                        # majority)
                        out.append((path, c, tuple(m for m in whole if m not in marks), counts[whole] / len(same)))
    return out


def _whole_run(marks: tuple[str, ...], counts: Counter) -> tuple[str, ...] | None:
    """The run of marks that at least CONSENSUS_MIN cells of the value read whole and that holds
    `marks` and more; of several such runs, the one read most often, if it is read more often
    than any other ("(2)" among 4 x "(2)", 3 x "(2)(3)" and 2 x "(1)(2)": "(2)(3)")."""
    runs = sorted(((k, m) for m, k in counts.items() if k >= CONSENSUS_MIN and set(marks) < set(m)), reverse=True)
    if not runs or (len(runs) > 1 and runs[0][0] == runs[1][0]):
        return None
    return runs[0][1]


NOTE_SIBLING_WORDS = 0.6   # a footnote is another's sibling when this share of their words align


def note_consensus(draft: dict) -> list[tuple[str, Cand, str, str]]:
    """(path, cand, read, consensus) for each footnote to be repaired by its siblings.

    A filing's footnotes repeat their boilerplate ("The price reported in Column 4 is a weighted
    average price. These shares were sold in multiple transactions at prices ranging from $X to
    $Y, inclusive. The reporting person undertakes to provide ..."), and OCR garbles each copy
    in its own places ("Exchange C i upon req full", "the tage ak Gan Goes Soon."). Words of a
    note that at least CONSENSUS_MIN of its siblings (notes sharing NOTE_SIBLING_WORDS of their
    words with it) read alike otherwise, and fewer read as it does, take the siblings' reading,
    under the column rules: only doubtful words change (not English, or read with less than
    DOUBT_CONF), a short word is never swapped for another ("A" for "B"), no word is added where
    the note has none, and no word with a digit is touched (each note has its own prices)."""
    notes = [(f"footnotes[{i}].text", fn["text"]) for i, fn in enumerate(draft.get("footnotes", []))
             if isinstance(fn["text"].value, str) and fn["text"].value]
    words = [c.value.split() for _p, c in notes]
    out = []
    for k, (path, c) in enumerate(notes):
        a = words[k]
        votes: Counter = Counter()
        agree: Counter = Counter()
        for m, b in enumerate(words):
            sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
            if m == k or sum(bl.size for bl in sm.get_matching_blocks()) < NOTE_SIBLING_WORDS * max(len(a), len(b)):
                continue
            for op, i1, i2, j1, j2 in sm.get_opcodes():
                if op == "equal":
                    agree.update(range(i1, i2))
                else:
                    votes[(i1, i2, tuple(b[j1:j2]))] += 1
        confs = _aligned_confs(c, a)
        fixed, end = [], 0
        for (i1, i2, theirs), n in sorted(votes.items()):
            mine = a[i1:i2]
            if (n < CONSENSUS_MIN or i1 < end or not mine or not theirs or any(agree[i] >= n for i in range(i1, i2))
                    or any(ch.isdigit() for w in mine + list(theirs) for ch in w)):
                continue
            if (_letters(mine[0]) == _letters(theirs[0]) or _letters(mine[-1]) == _letters(theirs[-1])
                    or (i2 == len(a) and len(theirs) > len(mine) + 2)):
                continue                # words around one read alike, or the note's end: it says more, or less
            if (len(mine) == len(theirs) == 1 and _short(mine[0]) and _short(theirs[0])) or not all(
                    _prose_doubtful(w) or conf < DOUBT_CONF for w, conf in zip(mine, confs[i1:i2])):
                continue
            fixed += a[end:i1] + list(theirs)
            end = i2
        if end:
            out.append((path, c, c.value, " ".join(fixed + a[end:])))
    return out


def _letters(word: str) -> str:
    return re.sub(r"[^a-z]", "", word.lower())


def _prose_doubtful(word: str) -> bool:
    """A word of running text OCR likely garbled: a character prose has no use for ("C—"), a lone
    letter other than "a" or "I" ("Exchange C i upon"), or letters that make no English word. An
    apostrophe is prose ("Persons'"), and a capitalised word is a name or an abbreviation as
    printed ("Masala.", "FFIIM," where sibling notes name others): only a low confidence makes it
    doubtful."""
    if re.search(r"[^A-Za-z'’\-/.,;:()\"“”&]", word):
        return True
    letters = re.sub(r"[^A-Za-z]", "", word)
    if len(letters) == 1:
        return letters not in "aAI"
    if letters[:1].isupper():
        return False
    return letters.lower() not in english_words()


def _aligned_confs(c: Cand, words: list[str]) -> list[float]:
    """The OCR confidence of each of `words` (the text's) that is its page word as read; 0 for a
    word a repair changed (it was doubtful to be repaired)."""
    read = [t.text for t in c.toks]
    confs = [0.0] * len(words)
    for bl in difflib.SequenceMatcher(None, words, read, autojunk=False).get_matching_blocks():
        for d in range(bl.size):
            confs[bl.a + d] = c.toks[bl.b + d].word.conf
    return confs
