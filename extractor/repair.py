"""Repair candidates for OCR character confusions, by expected value type. Pure functions.

Tesseract confuses characters that look alike: O/0, l/1/I, S/5/$, B/8, Z/2, a comma for a decimal
point, a "/" of a date for "i" or "1", a footnote mark "(1)" for "(l)". Which reading is right
depends on what the cell must hold: "S" is right in a transaction-code cell and wrong in a share
count. `candidates(text, kind)` lists the readings of `text` that parse as `kind`, each with a
cost (the summed cost of its edits, cheapest first) and the edits it made. It never decides: the
validation stage accepts a repair only when a cross-check (holdings roll-forward, the code set, a
valid date, the A/D pairing, a footnote mark that resolves) confirms it, and each accepted repair
lowers the field's confidence and is listed in `issues`.

The edits come from one table of confusions (`CONFUSIONS`: what was printed, what OCR read, cost),
read backwards; costs are in "edits", ~0.3 for a common confusion of a character that cannot be
in the value at all, ~1.0 for swapping one valid digit for another.
"""
from __future__ import annotations

import functools
import heapq
from dataclasses import dataclass

import regex as re

from .values import TRANSACTION_CODES, parse

# (printed, OCR read, cost). A printed character may be read as several things and vice versa.
CONFUSIONS: tuple[tuple[str, str, float], ...] = (
    # letters read for digits, in numbers and dates
    ("0", "O", 0.3), ("0", "o", 0.3), ("0", "D", 0.5), ("0", "Q", 0.5), ("0", "()", 0.6),
    ("1", "l", 0.3), ("1", "I", 0.3), ("1", "i", 0.3), ("1", "|", 0.3), ("1", "!", 0.4), ("1", "]", 0.5),
    ("1", "[", 0.5), ("1", "t", 0.6),
    ("2", "Z", 0.4), ("2", "z", 0.4),
    ("3", "B", 0.7),
    ("4", "A", 0.6),
    ("5", "S", 0.4), ("5", "s", 0.4), ("5", "§", 0.4),
    ("6", "G", 0.5), ("6", "b", 0.5),
    ("7", "T", 0.6), ("7", "?", 0.6),
    ("8", "B", 0.4), ("8", "&", 0.6),
    ("9", "g", 0.5), ("9", "q", 0.5),
    # digits read for other digits (valid characters: dearer, a cross-check must confirm)
    ("3", "8", 1.0), ("8", "3", 1.0), ("5", "6", 1.0), ("6", "5", 1.0), ("1", "7", 1.0), ("7", "1", 1.0),
    ("0", "8", 1.0), ("8", "0", 1.0), ("6", "8", 1.0), ("8", "6", 1.0), ("0", "9", 1.0), ("9", "0", 1.0),
    # separators
    (",", ".", 0.5), (".", ",", 0.5), (",", "'", 0.3), (",", "’", 0.3), (",", "‘", 0.3), (",", "`", 0.3),
    (",", ";", 0.3), (".", ":", 0.4), (",", ":", 0.4), (".", "·", 0.3),
    ("/", "i", 0.3), ("/", "l", 0.3), ("/", "I", 0.3), ("/", "|", 0.3), ("/", "\\", 0.3), ("/", "!", 0.4),
    ("/", "1", 0.6), ("/", "7", 0.6), ("/", "f", 0.6), ("/", "t", 0.6),
    ("$", "S", 0.4), ("$", "s", 0.4), ("$", "§", 0.3), ("$", "&", 0.6), ("$", "5", 0.8), ("$", "8", 0.9),
    # letters of the code sets read as digits or other letters
    ("O", "0", 0.4), ("D", "0", 0.5), ("D", "O", 0.5), ("D", "o", 0.5), ("S", "5", 0.4), ("S", "$", 0.4),
    ("S", "§", 0.3), ("I", "1", 0.3), ("I", "l", 0.3), ("I", "|", 0.3), ("I", "!", 0.4), ("I", "i", 0.2),
    ("I", "]", 0.5), ("I", "[", 0.5), ("Z", "2", 0.4), ("G", "6", 0.5), ("A", "4", 0.6), ("M", "rn", 0.5),
    ("V", "\\/", 0.4), ("V", "y", 0.6), ("V", "Y", 0.6), ("W", "VV", 0.5), ("C", "(", 0.6), ("J", "]", 0.6),
    ("P", "F", 0.7), ("F", "P", 0.7), ("E", "F", 0.7), ("F", "E", 0.7), ("C", "G", 0.7), ("G", "C", 0.7),
    # the parentheses of footnote marks and of "(D)"/"(I)"
    ("(", "{", 0.3), ("(", "[", 0.3), ("(", "C", 0.6), ("(", "f", 0.6), (")", "}", 0.3), (")", "]", 0.3),
    (")", "J", 0.6), (")", "j", 0.6),
)

JUNK = "‘’'\"`_|.,:;*~-—–•®©°^"   # specks and quote marks OCR glues onto a word's ends
EDGE_JUNK_COST = 0.2               # dropping one of them at the start or end of the text
INNER_JUNK_COST = 0.8              # dropping any unexpected character inside it
DROPPED = {",": 0.8, ".": 0.8, "/": 0.6, "(": 0.5, ")": 0.5}   # characters OCR may lose (re-inserted)
MAX_SWAPS = 1                      # valid characters replaced by other valid ones, per reading
STRAY_DIGIT_COST = 1.2             # dropping a digit from a number (a speck read as one)
MARK_TAIL_COST = 0.6               # dropping an unreadable remnant of a glued footnote mark ("f)")

_DIGITS = "0123456789"
ALPHABETS = {
    "number": _DIGITS + ",.-",
    "money": _DIGITS + ",.-$",
    "date": _DIGITS + "/",
    "code": "".join(sorted(TRANSACTION_CODES)) + "/K",
    "ad_code": "AD()",
    "ownership_form": "DI()",
    "flag": "V",
    "mark": _DIGITS + "()",
}
KINDS = tuple(ALPHABETS)
_NUM = r"-?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?"
# loose shapes of each kind: a partial text that cannot grow into one is not searched further
SHAPES = {
    "number": re.compile(_NUM),
    "money": re.compile(r"\$?" + _NUM),
    "date": re.compile(r"\d{1,2}/\d{1,2}/\d{4}"),
    "code": re.compile("[" + "".join(sorted(TRANSACTION_CODES)) + "](?:/K)?"),
    "ad_code": re.compile(r"\(?[AD]\)?"),
    "ownership_form": re.compile(r"\(?[DI]\)?"),
    "flag": re.compile("V"),
    "mark": re.compile(r"(?:\(\d{1,3}\))+"),
}
INSERTABLE = {"number": ",.", "money": ",.", "date": "/", "mark": "()"}


@dataclass(frozen=True, slots=True)
class Repair:
    """One reading of an OCR'd cell: its text (value, then any marks as "(n)"), the parsed value,
    the footnote mark ids, the summed cost of its edits (0.0: the text as read) and the edits."""
    text: str
    value: object
    marks: tuple[str, ...]
    cost: float
    edits: tuple[str, ...]


def _substitutions() -> dict[str, list[tuple[str, float]]]:
    """OCR reading -> [(printed, cost)], from CONFUSIONS read backwards."""
    subs: dict[str, list[tuple[str, float]]] = {}
    for printed, read, cost in CONFUSIONS:
        subs.setdefault(read, []).append((printed, cost))
    return subs


_SUBS = _substitutions()
_MAX_READ = max(len(r) for r in _SUBS)


def _valid(kind: str, text: str) -> tuple[bool, object]:
    if kind == "mark":
        ok = bool(text) and _is_marks(text)
        return ok, text if ok else None
    p = parse(kind, text)
    if p.value is None or p.value is False:
        return False, None
    if kind == "date" and p.fit < 0.8:        # a year out of range is no repair
        return False, None
    return True, p.value


def _is_marks(text: str) -> bool:
    return SHAPES["mark"].fullmatch(text) is not None


@functools.lru_cache(maxsize=4096)
def _search(text: str, kind: str, max_cost: float, limit: int) -> tuple[tuple[float, str, tuple[str, ...], object], ...]:
    """Uniform-cost search over edits of `text` whose result is a valid `kind`: each input
    character is kept (if it can be in the value), replaced by what it is confused with, or
    dropped; a dropped separator may be re-inserted. Cheapest distinct outputs first, with the
    parsed value."""
    alphabet = ALPHABETS[kind]
    shape = SHAPES[kind]
    insertable = INSERTABLE.get(kind, "")
    n = len(text)
    # leading and trailing runs of junk can be dropped cheaply
    lead = 0
    while lead < n and text[lead] in JUNK and text[lead] not in alphabet:
        lead += 1
    trail = n
    while trail > lead and text[trail - 1] in JUNK and text[trail - 1] not in alphabet:
        trail -= 1
    # state: (cost, next input index, output so far, edits, just inserted, valid characters swapped)
    heap: list[tuple[float, int, str, tuple[str, ...], bool, int]] = [(0.0, 0, "", (), False, 0)]
    seen: dict[tuple[int, str], float] = {}
    out: list[tuple[float, str, tuple[str, ...], object]] = []
    found: set[str] = set()
    while heap and len(out) < limit:
        cost, i, acc, edits, inserted, swaps = heapq.heappop(heap)
        key = (i, acc)
        if key in seen and seen[key] <= cost:
            continue
        seen[key] = cost
        if i == n:
            if acc not in found:
                found.add(acc)
                ok, value = _valid(kind, acc)
                if ok:
                    out.append((round(cost, 3), acc, edits, value))
            continue

        def push(c: float, j: int, a: str, e: tuple[str, ...], ins: bool = False, sw: int = swaps) -> None:
            if c <= max_cost + 1e-9 and seen.get((j, a), 1e9) > c and (a == acc or shape.fullmatch(a, partial=True)):
                heapq.heappush(heap, (c, j, a, e, ins, sw))

        ch = text[i]
        if ch.upper() in alphabet and kind in ("code", "ad_code", "ownership_form", "flag"):
            push(cost, i + 1, acc + ch.upper(), edits)          # the parsers read these in any case
        elif ch in alphabet:
            push(cost, i + 1, acc + ch, edits)
        if ch.isspace():
            push(cost, i + 1, acc, edits)                       # spaces inside a value carry nothing
            continue
        for k in range(1, _MAX_READ + 1):
            read = text[i:i + k]
            for printed, c in _SUBS.get(read, ()) if len(read) == k else ():
                if all(p in alphabet for p in printed):
                    # a valid character read as another valid one (a digit for a digit): dear, and
                    # at most MAX_SWAPS per reading, which bounds the search; separators swap freely
                    valid_read = all(r in alphabet and r.isalnum() for r in read)
                    if valid_read and swaps >= MAX_SWAPS:
                        continue
                    push(cost + c, i + k, acc + printed, edits + (f"{read!r}->{printed!r}",),
                         sw=swaps + valid_read)
        if ch not in alphabet:
            drop = EDGE_JUNK_COST if (i < lead or i >= trail) else INNER_JUNK_COST
            push(cost + drop, i + 1, acc, edits + (f"dropped {ch!r}",))
        elif ch in DROPPED and kind in ("number", "money", "mark"):   # a doubled separator or paren
            push(cost + DROPPED[ch], i + 1, acc, edits + (f"dropped {ch!r}",))
        elif kind in ("number", "money"):                           # a stray digit: dear
            push(cost + STRAY_DIGIT_COST, i + 1, acc, edits + (f"dropped {ch!r}",))
        if not inserted:                                         # one lost character before this one
            for s in insertable:
                if s in DROPPED:
                    push(cost + DROPPED[s], i, acc + s, edits + (f"inserted {s!r}",), True)
    return tuple(out)


def candidates(text: str, kind: str, *, max_cost: float = 2.0, limit: int = 12) -> list[Repair]:
    """Readings of OCR'd `text` that parse as `kind` (number, money, date, code, flag, ad_code,
    ownership_form, mark), cheapest first, one per distinct (value, marks). The text as read comes
    first at cost 0.0 when it already parses. Footnote marks glued after the value ("S(l)") are
    repaired as marks; an unreadable glued remnant of one ("sf)") may be dropped (its edit says so).
    `text` kind is never repaired: []."""
    if kind not in ALPHABETS:
        return []
    text = text.strip()
    if not text:
        return []
    best: dict[tuple, Repair] = {}

    def add(value_text: str, value: object, mark_text: str, cost: float, edits: tuple[str, ...]) -> None:
        marks = tuple(_mark_ids(mark_text))
        key = (str(value), marks)
        cost = round(cost, 3)
        if key not in best or best[key].cost > cost:
            best[key] = Repair(value_text + mark_text, value, marks, cost, edits)

    for cost, fixed, edits, value in _search(text, kind, max_cost, limit):
        add(fixed, value, "", cost, edits)
    if kind != "mark":
        for cut in _mark_cuts(text):
            head, tail = text[:cut], text[cut:]
            tails = [(c, m, e) for c, m, e, _ in _search(tail, "mark", max_cost, 3)]
            tails.append((MARK_TAIL_COST, "", (f"dropped unreadable mark {tail!r}",)))
            for tc, mark, te in tails:
                if tc > max_cost:
                    continue
                for hc, fixed, he, value in _search(head.rstrip(), kind, max_cost - tc, limit):
                    add(fixed, value, mark, hc + tc, he + te)
    ranked = sorted(best.values(), key=lambda r: (r.cost, r.text))
    return ranked[:limit]


def _mark_cuts(text: str) -> list[int]:
    """Where a glued footnote mark may start: at a "(", or, when the text ends in ")" with no "("
    before it (the "(" itself misread: "sf)", "5l)"), one or two characters before the ")"."""
    cuts = {i for i, ch in enumerate(text) if ch in "({[" and i > 0}
    if text.endswith((")", "}", "]")) and not cuts:
        cuts.update(i for i in (len(text) - 3, len(text) - 2) if i > 0)
    return sorted(cuts)


def _mark_ids(mark_text: str) -> list[str]:
    return re.findall(r"\((\d{1,3})\)", mark_text)


def best_repair(text: str, kind: str, accept, *, max_cost: float = 2.0) -> Repair | None:
    """The cheapest candidate that `accept(repair) -> bool` (a cross-check) confirms, else None."""
    for r in candidates(text, kind, max_cost=max_cost, limit=24):
        if accept(r):
            return r
    return None
