"""Template labels found in the flow by fuzzy match (rapidfuzz).

A label may wrap over several lines of a narrow cell, lose letters to OCR ("Transactlon"), or
change wording between stylesheet versions (the template lists the variants). `Matcher.find`
starts at tokens resembling the label's first word, reads on in column order (right along the
line, then down to the next line of the same column) and keeps the prefix of that reading that
best matches the label. A hit needs `min_score`, so "not found" is a real outcome.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import regex as re
from rapidfuzz import fuzz, process

from .flow import Flow, Tok, norm

START_CUTOFF = 75         # a label's first word is looked for among words this close (rapidfuzz ratio) ...
LONG_WORD, LONG_START_CUTOFF = 8, 70   # ... or this close for a word this long
_STROKES = str.maketrans("l|!", "iii")    # one vertical stroke, as OCR reads it ("ll" for "II";
                                          # not "1": column numbers)
MAX_GAP_EM = 1.6          # widest gap (in em) between words of one label line
FAR_GAP_EM = 3.0          # on a scan, a gap up to this wide is passed by a word that reads as the label's next
FAR_WORD_MATCH = 90       # ... this well (rapidfuzz partial ratio)
MIN_CHAR_EM = 0.4         # a word is at least this many em wide a character
MAX_LINE_STEP_EM = 3.6    # widest vertical gap (in em) between lines of one wrapped label (text dumps add blank lines)
DEFAULT_MIN_SCORE = 0.8
# Glyphs OCR takes for one another. A label of a few characters has no letters to spare for the
# fuzzy ratio ("(D)" read "(0)" scores 0.67), so on OCR'd pages a short label may be asked for
# with one glyph swapped for a look-alike, at LOOKALIKE_SCORE of the match.
LOOKALIKES = {"d": "0o", "o": "0d", "i": "1l|", "l": "1i|", "s": "5", "b": "8", "z": "2"}
LOOKALIKE_MAX_CHARS = 4
LOOKALIKE_SCORE = 0.9

TokFilter = Callable[[Tok], bool]
_NUMBERED = re.compile(r"^(\d{1,2}[a-z]?)\.$")


def _same_number(txt: str, number: str) -> bool:
    """A page word that is the label number `number` as OCR may print it: "4.", "4,", "4", "4.If"."""
    if not txt.startswith(number):
        return False
    rest = txt[len(number):]
    return rest in ("", ".", ",", ":", ";") or (rest[:1] in ".," and rest[1:2].isalpha())


@dataclass(eq=False)
class Hit:
    label: str
    toks: list[Tok]
    score: float           # 0..1, rapidfuzz ratio of the label and the text read

    @property
    def x0(self) -> float:
        return min(t.x0 for t in self.toks)

    @property
    def x1(self) -> float:
        return max(t.x1 for t in self.toks)

    @property
    def top(self) -> float:
        return min(t.top for t in self.toks)

    @property
    def bottom(self) -> float:
        return max(t.bottom for t in self.toks)

    @property
    def first(self) -> Tok:
        return self.toks[0]

    @property
    def ids(self) -> set[int]:
        return {t.i for t in self.toks}

    def __repr__(self) -> str:
        return f"Hit({self.label[:30]!r} {self.score:.2f} at {self.x0:.0f},{self.top:.0f})"


class Matcher:
    def __init__(self, flow: Flow):
        self.flow = flow
        self.em = flow.em
        self.by_text: dict[str, list[Tok]] = defaultdict(list)
        for t in flow.toks:
            self.by_text[t.norm].append(t)
        self.vocab = list(self.by_text)
        self.ocr = flow.doc.is_ocr

    # ------------------------------------------------------------------ candidates
    def _starts(self, first: str, second: str | None, within: TokFilter | None) -> list[Tok]:
        texts = {first}
        if len(first) >= 3:
            # a long word keeps more of itself when OCR garbles three of its letters ("Evntanation")
            cutoff = LONG_START_CUTOFF if len(first) >= LONG_WORD else START_CUTOFF
            for txt, _score, _ in process.extract(first, self.vocab, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None):
                texts.add(txt)
        out = [t for txt in texts for t in self.by_text.get(txt, ())]
        # a label glued to what follows it ("1.Title"), a first word split over two lines ("3235-" /
        # "0287"), or a damaged first word before a good second one
        out += [t for txt, toks in self.by_text.items() if txt != first and len(first) >= 2 and len(txt) >= 3
                and (txt.startswith(first) or first.startswith(txt)) for t in toks]
        number = _NUMBERED.match(first)
        if number:      # "4." read as "4," or "4" by OCR, or glued to its label ("5.Number")
            out += [t for txt, toks in self.by_text.items() if _same_number(txt, number.group(1)) for t in toks]
        if second and len(second) >= 4:
            for txt, _s, _ in process.extract(second, self.vocab, scorer=fuzz.ratio, score_cutoff=80, limit=None):
                for t in self.by_text[txt]:
                    line = self.flow.lines[t.line].toks
                    k = line.index(t)
                    if k > 0 and t.x0 - line[k - 1].x1 < MAX_GAP_EM * self.em:
                        out.append(line[k - 1])
                    else:       # the first word was lost altogether: start at the second
                        out.append(t)
        seen, uniq = set(), []
        for t in sorted(out, key=lambda t: t.i):
            if t.i not in seen and (within is None or within(t)):
                seen.add(t.i)
                uniq.append(t)
        return uniq

    # ------------------------------------------------------------------ reading a label
    def _reads_on(self, right: Tok, gap: float, size: float, target: str, text: str) -> bool:
        """On a scan, a word further right than a label's spaces that reads as the label's next
        word: OCR's boxes may stop short of a word's letters ("Table I - Non-Derivative Securities
        Acquired," and "Disposed" 1.7 em apart at 175 dpi: Table I was not found)."""
        rest = target[len(text) + 1:]
        return self.ocr and bool(rest) and gap <= FAR_GAP_EM * size \
            and fuzz.partial_ratio(right.norm, rest[: len(right.norm) + 4]) >= FAR_WORD_MATCH

    def _read(self, start: Tok, target: str, within: TokFilter | None) -> Hit:
        flow, em = self.flow, self.em
        limit = len(target) * 1.3 + 6
        toks = [start]
        text = start.norm
        best = (fuzz.ratio(target, text), 1)
        col_x0, col_x1 = start.x0, start.x1
        line = flow.lines[start.line]
        pos = line.toks.index(start)
        bottom = start.bottom
        while len(text) < limit:
            right = line.toks[pos + 1] if pos + 1 < len(line.toks) else None
            # the gap is in the label's own size: a bold caption's spaces are wider than body text's
            size = max(em, toks[-1].bottom - toks[-1].top)
            end = toks[-1].x1
            if self.ocr:
                # OCR's box of a bold word may cover its first letters only ("Table" 9 pt wide in a
                # 10 pt caption, the "II" after it 15 pt on): it ends no sooner than its letters would
                end = max(end, toks[-1].x0 + MIN_CHAR_EM * size * len(toks[-1].text))
            if right is not None and (within and not within(right) or right.x0 - end > MAX_GAP_EM * size
                                      and not self._reads_on(right, right.x0 - end, size, target, text)):
                right = None
            down = self._next_in_column(line.i, bottom, col_x0, col_x1, within,
                                        first_only=len(toks) == 1 and pos + 1 == len(line.toks))
            if right is None and down is None:
                break
            if right is not None and down is not None:
                # choose the continuation that reads more like the rest of the label
                rest = target[len(text) + 1:]
                # on a scan the strokes OCR reads one for another are alike ("ll" for "II")
                shape = (lambda x: x.translate(_STROKES)) if self.ocr else (lambda x: x)
                score_r = fuzz.partial_ratio(shape(right.norm), shape(rest[: len(right.norm) + 4])) if rest else 0
                score_d = fuzz.partial_ratio(shape(down[0].norm), shape(rest[: len(down[0].norm) + 4])) if rest else 0
                if self.ocr and rest and not any(ch.isalnum() for ch in right.norm) and pos + 2 < len(line.toks):
                    # a sign OCR made of a word ("Check this box # no longer"): judged by the word after it
                    after, tail = line.toks[pos + 2], rest.partition(" ")[2]
                    score_r = fuzz.partial_ratio(after.norm, tail[: len(after.norm) + 4]) if tail else 0
                if score_d > score_r:
                    right = None
            if right is not None:
                nxt = right
                pos += 1
            else:
                line = flow.lines[down[1]]
                nxt = down[0]
                pos = line.toks.index(nxt)
            toks.append(nxt)
            text = f"{text} {nxt.norm}"
            col_x1 = max(col_x1, nxt.x1)
            bottom = max(bottom, nxt.bottom) if nxt.line == toks[-2].line else nxt.bottom
            s = fuzz.ratio(target, text)
            if s > best[0]:
                best = (s, len(toks))
        score, n = best
        hit_toks = toks[:n]
        # the (superscript) asterisk after a label ("Person*") belongs to the label, also when it
        # wrapped to the start of the next line
        last, first = hit_toks[-1], hit_toks[0]
        for star in self.by_text.get("*", []) + self.by_text.get("**", []):
            beside = -0.3 * em <= star.x0 - last.x1 < 1.2 * em and abs(star.cy - last.cy) < em
            wrapped = abs(star.x0 - first.x0) < em and 0 < star.top - last.bottom < 1.0 * em and \
                not any(u is not star and star.x0 <= u.x0 < star.x1 + 4 * em for u in flow.lines[star.line].toks)
            if (beside or wrapped) and star.page == last.page:
                hit_toks.append(star)
                break
        return Hit("", hit_toks, score / 100.0)

    def _next_in_column(self, line_i: int, bottom: float, x0: float, x1: float,
                        within: TokFilter | None, first_only: bool = False) -> tuple[Tok, int] | None:
        em = self.em
        for ln in self.flow.lines[line_i + 1:]:
            if ln.top - bottom > MAX_LINE_STEP_EM * em:
                return None
            if ln.page != self.flow.lines[line_i].page:
                return None
            # a wrapped line starts under the first, or a little left of it (centred text, or a
            # text dump that shifted it past a mark — a lone mark never continues a label)
            ok = [t for t in ln.toks if within is None or within(t)]
            under = sorted((t for t in ok if x0 - 0.6 * em <= t.x0 <= x1), key=lambda t: t.x0)
            left = sorted((t for t in ok if x0 - 3.0 * em <= t.x0 < x0 - 0.6 * em
                           and len(t.norm) > 2 and t.norm[0].isalnum()), key=lambda t: t.x0)
            if under:
                u = under[0]
                # the line starts a little left, right before the word under the column
                # ("X title below)"), unless the word under the column starts the column itself
                lead = [t for t in left if 0 <= u.x0 - t.x1 <= 1.0 * em]
                return (lead[0] if lead and u.x0 > x0 + 0.6 * em else u), ln.i
            if left:
                return left[-1], ln.i
            if self.ocr and first_only:
                # a line OCR broke after the label's first word, alone on its line ('"Table' raised
                # over "II - Derivative Securities ..."): the next line goes on right after it, level with it
                beside = sorted((t for t in ok if x1 <= t.x0 <= x1 + MAX_GAP_EM * em and ln.top - bottom < 0.5 * em),
                                key=lambda t: t.x0)
                if beside:
                    return beside[0], ln.i
        return None

    # ------------------------------------------------------------------ public
    def find(self, variants: Sequence[str] | str, *, min_score: float = DEFAULT_MIN_SCORE,
             within: TokFilter | None = None, limit: int | None = None, alone: bool = False,
             lookalikes: bool = False) -> list[Hit]:
        """All non-overlapping occurrences of any variant, best first (document order among equals).
        `alone`: a heading, so no other word may stand beside it on its line(s). `lookalikes`: on
        OCR'd pages a short label is also found one look-alike glyph off (LOOKALIKES)."""
        if isinstance(variants, str):
            variants = [variants]
        targets = [(label, norm(label), 1.0) for label in variants]
        if lookalikes and self.ocr:
            targets += [(label, t, LOOKALIKE_SCORE) for label, target, _ in list(targets)
                        for t in _lookalikes(target)]
        hits: list[Hit] = []
        for label, target, weight in targets:
            words = target.split()
            if not words:
                continue
            for s in self._starts(words[0], words[1] if len(words) > 1 else None, within):
                h = self._read(s, target, within)
                h.score *= weight
                if h.score >= min_score and (not alone or self._alone(h)):
                    h.label = label
                    hits.append(h)
        hits.sort(key=lambda h: (-h.score, -len(h.toks), h.first.i))   # the fuller variant wins a tie
        taken: set[int] = set()
        out = []
        for h in hits:
            if h.ids & taken:
                continue
            taken |= h.ids
            out.append(h)
            if limit and len(out) >= limit:
                break
        return out

    def _alone(self, h: Hit, gap_em: float = 4.0) -> bool:
        ids = h.ids
        for li in {t.line for t in h.toks}:
            for t in self.flow.lines[li].toks:
                if t.i not in ids and (h.x0 - gap_em * self.em < t.x1 and t.x0 < h.x1 + gap_em * self.em):
                    return False
        return True

    def read_from(self, start: Tok, label: str, within: TokFilter | None = None) -> Hit:
        """Read `label` starting exactly at `start` (e.g. a table header's number token)."""
        h = self._read(start, norm(label), within)
        h.label = label
        return h

    def find_one(self, variants: Sequence[str] | str, **kw) -> Hit | None:
        hits = self.find(variants, limit=1, **kw)
        return hits[0] if hits else None

    def find_all_in_order(self, variants: Iterable[str] | str, **kw) -> list[Hit]:
        return sorted(self.find(list(variants) if not isinstance(variants, str) else variants, **kw),
                      key=lambda h: (h.top, h.x0))


def _lookalikes(target: str) -> list[str]:
    """A short (normalized) label with one glyph swapped for each look-alike OCR reads it as."""
    if len(target.replace(" ", "")) > LOOKALIKE_MAX_CHARS:
        return []
    return [target[:k] + alt + target[k + 1:] for k, ch in enumerate(target) for alt in LOOKALIKES.get(ch, "")]
