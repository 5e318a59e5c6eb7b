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

from rapidfuzz import fuzz, process

from .flow import Flow, Tok, norm

MAX_GAP_EM = 1.6          # widest gap (in em) between words of one label line
MAX_LINE_STEP_EM = 2.6    # widest vertical gap (in em) between lines of one wrapped label (text dumps add blank lines)
DEFAULT_MIN_SCORE = 0.8

TokFilter = Callable[[Tok], bool]


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

    # ------------------------------------------------------------------ candidates
    def _starts(self, first: str, second: str | None, within: TokFilter | None) -> list[Tok]:
        texts = {first}
        if len(first) >= 3:
            for txt, _score, _ in process.extract(first, self.vocab, scorer=fuzz.ratio, score_cutoff=75, limit=None):
                texts.add(txt)
        out = [t for txt in texts for t in self.by_text.get(txt, ())]
        # a label glued to what follows it ("1.Title"), or a damaged first word before a good second one
        out += [t for txt, toks in self.by_text.items() if txt != first and txt.startswith(first) and len(first) >= 2
                for t in toks]
        if second and len(second) >= 4:
            for txt, _s, _ in process.extract(second, self.vocab, scorer=fuzz.ratio, score_cutoff=80, limit=None):
                for t in self.by_text[txt]:
                    line = self.flow.lines[t.line].toks
                    k = line.index(t)
                    if k > 0 and t.x0 - line[k - 1].x1 < MAX_GAP_EM * self.em:
                        out.append(line[k - 1])
        seen, uniq = set(), []
        for t in sorted(out, key=lambda t: t.i):
            if t.i not in seen and (within is None or within(t)):
                seen.add(t.i)
                uniq.append(t)
        return uniq

    # ------------------------------------------------------------------ reading a label
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
            if right is not None and (right.x0 - toks[-1].x1 > MAX_GAP_EM * em or (within and not within(right))):
                right = None
            down = self._next_in_column(line.i, bottom, col_x0, col_x1, within)
            if right is None and down is None:
                break
            if right is not None and down is not None:
                # choose the continuation that reads more like the rest of the label
                rest = target[len(text) + 1:]
                score_r = fuzz.partial_ratio(right.norm, rest[: len(right.norm) + 4]) if rest else 0
                score_d = fuzz.partial_ratio(down[0].norm, rest[: len(down[0].norm) + 4]) if rest else 0
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
        return Hit("", toks[:n], score / 100.0)

    def _next_in_column(self, line_i: int, bottom: float, x0: float, x1: float,
                        within: TokFilter | None) -> tuple[Tok, int] | None:
        em = self.em
        for ln in self.flow.lines[line_i + 1:]:
            if ln.top - bottom > MAX_LINE_STEP_EM * em:
                return None
            if ln.page != self.flow.lines[line_i].page:
                return None
            for t in ln.toks:
                if x0 - 0.6 * em <= t.x0 <= x1 and (within is None or within(t)):
                    return t, ln.i
        return None

    # ------------------------------------------------------------------ public
    def find(self, variants: Sequence[str] | str, *, min_score: float = DEFAULT_MIN_SCORE,
             within: TokFilter | None = None, limit: int | None = None, alone: bool = False) -> list[Hit]:
        """All non-overlapping occurrences of any variant, best first (document order among equals).
        `alone`: a heading, so no other word may stand beside it on its line(s)."""
        if isinstance(variants, str):
            variants = [variants]
        hits: list[Hit] = []
        for label in variants:
            target = norm(label)
            words = target.split()
            if not words:
                continue
            for s in self._starts(words[0], words[1] if len(words) > 1 else None, within):
                h = self._read(s, target, within)
                if h.score >= min_score and (not alone or self._alone(h)):
                    h.label = label
                    hits.append(h)
        hits.sort(key=lambda h: (-h.score, h.first.i))
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
