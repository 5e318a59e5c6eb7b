"""Column bands of a text dump's table body, read from the body itself.

`pdftotext -layout` places each line on a character grid of its own making: a header set in small
type comes out narrower than the rows under it, and a page that continues a table without repeating
its header is laid out on yet another grid. The header then says which columns exist and in what
order, but not where the body's values stand. Here the body says where: an order-keeping
assignment of its words, left to right, to the header's bands (the one whose words best fit each
band's type, ties to the nearer band) gives the band edges. `better_bands` keeps the header's bands
unless the body's own columns explain its words clearly better.
"""
from __future__ import annotations

import numpy as np
import regex as re

from .flow import Tok
from .grid import Band
from .page import TEXT_CHAR_W
from .values import looks_like

_MARKS = re.compile(r"(?:\(\d{1,3}\))+$")
_LETTERS = re.compile(r"\p{L}{2,}")
# Per word: standing `off` (a share of the table's width) outside its band's header costs `off`,
# and DRIFT_COST more per unit beyond DRIFT. A body drifts from its header by a few character
# cells; a value half a table away is not in that column.
DRIFT = 0.15
DRIFT_COST = 10.0
# A body this much narrower or wider than its header is on a grid of its own (header scaled onto it).
SAME_GRID = (0.6, 1.15)
DUPLICATE_COST = 2.0            # a second value on one line of a band that is not text
# The body's columns replace the header's bands only when the words fit their types this much better.
MIN_GAIN = 1.5


def word_fit(kind: str, text: str) -> float:
    """How well one body word fits a column type: +1 a value of it, -1 clearly not, 0 cannot tell
    (a footnote mark, a lone letter in a text column)."""
    s = _MARKS.sub("", text).strip()
    if not s:
        return 0.0
    if kind == "text":
        if _LETTERS.search(s):
            return 0.5
        return -1.0 if any(looks_like(k, s) for k in ("number", "date")) else 0.0
    return 1.0 if looks_like(kind, s) else -1.0


def _fit(bands: list[Band], toks: list[Tok]) -> float:
    """How well the words fit the bands that hold them, less the lines that put two values in one
    band that is not text."""
    total, seen = 0.0, set()
    for t in toks:
        band = next((b for b in bands if b.holds(t)), None)
        if band is not None:
            total += word_fit(band.leaf.type, t.text)
            key = (band.leaf.key, t.page, t.line)
            if band.leaf.type != "text" and key in seen:
                total -= DUPLICATE_COST
            seen.add(key)
    return total


def _header_spans(bands: list[Band], toks: list[Tok]) -> list[tuple[float, float]]:
    """Where each band's header stands, in the body's coordinates. When the body is laid out much
    narrower or wider than its header (a continuation page on a grid of its own), the header's
    extent is scaled onto the body's first."""
    b0, b1 = min(t.x0 for t in toks), max(t.x1 for t in toks)
    heads = [b.header for b in bands if b.header is not None]
    h0, h1 = min(h.x0 for h in heads), max(h.x1 for h in heads)
    ratio = (b1 - b0) / max(h1 - h0, 1.0)
    if SAME_GRID[0] <= ratio <= SAME_GRID[1]:
        return [(max(b.x0, b0), min(b.x1, b1)) for b in bands]
    to_body = lambda x: b0 + (min(max(x, h0), h1) - h0) * ratio
    return [(to_body(b.x0), to_body(b.x1)) for b in bands]


def refit(bands: list[Band], toks: list[Tok], reach: dict[int, float] | None = None) -> list[Band] | None:
    """Bands with the header's leaves in the header's order and edges between the body's columns,
    or None when the body has too few words or the header too few labels to say anything.
    `reach`: how far right a word's cell reaches (its glued footnote marks), by token index."""
    # Each word is its own column here: sorted by centre, an order-keeping assignment of words to
    # bands is a choice of band edges. (Grouping by overlapping extents first would fuse columns
    # that pdftotext set one space apart, "846,821 A $0", once widths vary from row to row.)
    cols = sorted(toks, key=lambda t: t.cx)
    if len(cols) < 2 or sum(1 for b in bands if b.header is not None) < 2:
        return None
    spans = _header_spans(bands, toks)
    width = max(max(t.x1 for t in toks) - min(t.x0 for t in toks), 1.0)
    n, m = len(cols), len(bands)
    cx = np.array([t.cx for t in cols])
    fits: dict[tuple[str, str], float] = {}
    # score[j, i]: word i in band j; prefix[j, i]: the sum over words [0, i)
    score = np.empty((m, n))
    for j, b in enumerate(bands):
        x0, x1 = spans[j]
        off = np.maximum(np.maximum(x0 - cx, cx - x1), 0.0) / width
        fit = [fits.setdefault((b.leaf.type, t.text), word_fit(b.leaf.type, t.text)) for t in cols]
        score[j] = np.array(fit) - (off + DRIFT_COST * np.maximum(0.0, off - DRIFT))
    prefix = np.concatenate([np.zeros((m, 1)), np.cumsum(score, axis=1)], axis=1)
    # A band that is not text holds one value per line, so a second word of one line in it costs
    # DUPLICATE_COST (two numbers side by side are two columns). dups[s, i]: words in [s, i) whose
    # line already has a word in [s, i), i.e. whose previous word on that line is at s or after.
    last: dict[tuple[int, int], int] = {}
    prev = np.full(n, -1)
    for k, t in enumerate(cols):
        prev[k] = last.get((t.page, t.line), -1)
        last[(t.page, t.line)] = k
    inside = prev[None, :] >= np.arange(n + 1)[:, None]                     # [s, k]
    dups = np.concatenate([np.zeros((n + 1, 1)), np.cumsum(inside, axis=1)], axis=1)
    dups -= np.diagonal(dups)[:, None]                                      # count from s on
    later = np.arange(n + 1)[:, None] > np.arange(n + 1)[None, :]           # s > i: no segment
    # Segments: best[j, i] is the best score of words [0, i) given to bands 0..j in order, band j
    # taking words [cut[j, i], i).
    best = np.empty((m, n + 1))
    cut = np.zeros((m, n + 1), dtype=int)
    start = np.full(n + 1, -np.inf)
    start[0] = 0.0
    for j, b in enumerate(bands):
        seg = prefix[j][None, :] - prefix[j][:, None]                         # [s, i]
        if b.leaf.type != "text":
            seg = seg - DUPLICATE_COST * dups
        total = np.where(later, -np.inf, (start if j == 0 else best[j - 1])[:, None] + seg)
        # among equal scores the latest start (a band takes no word it need not take)
        cut[j] = n - np.argmax(total[::-1], axis=0)
        best[j] = total[cut[j], np.arange(n + 1)]
    starts, i = [0] * m, n
    for j in range(m - 1, -1, -1):
        starts[j] = i = int(cut[j][i])
    # Edges: midway between the last word of one band and the first of the next.
    starts.append(n)
    edge = lambda s: -1e9 if s == 0 else 1e9 if s == n else (cols[s - 1].cx + cols[s].cx) / 2
    x0s = [-1e9] + [edge(starts[j]) for j in range(1, m)] + [1e9]
    _place_empty_bands(x0s, starts, cols, spans, reach or {})
    return [Band(b.leaf, x0s[k], x0s[k + 1], b.header, b.score) for k, b in enumerate(bands)]


def _place_empty_bands(x0s: list[float], starts: list[int], cols: list[Tok],
                       spans: list[tuple[float, float]], reach: dict[int, float]) -> None:
    """Bands no word took (a column of footnote marks only, "(2)" under Conversion Price) keep
    what of their header's span lies in the gap between their neighbours' words; the others get no
    width. Moves the left edges `x0s` in place."""
    m = len(spans)
    words = lambda q: cols[starts[q]:starts[q + 1]]
    q = 0
    while q < m:
        if words(q):
            q += 1
            continue
        k = q
        while k < m and not words(k):
            k += 1
        left = max((reach.get(t.i, t.x1) for t in words(q - 1)), default=-1e9) if q > 0 else -1e9
        right = min((t.x0 for t in words(k)), default=1e9) if k < m else 1e9
        placed, cursor = {}, left
        for r in range(q, k):
            a, b = max(spans[r][0], cursor), min(spans[r][1], right)
            if a < b:
                placed[r] = (a, b)
                cursor = b
        if placed:
            cur = next(iter(placed.values()))[0]
            for r in range(q, k):
                if r in placed:
                    x0s[r], cur = placed[r]
                else:
                    x0s[r] = cur
            x0s[k] = cur
            x0s[0], x0s[m] = -1e9, 1e9
        q = k


def _reach(toks: list[Tok]) -> dict[int, float]:
    """Right end of each word's cell with the footnote marks that follow it at most a space away
    ("J" "(3)")."""
    out: dict[int, float] = {}
    line = sorted(toks, key=lambda t: (t.page, t.line, t.x0))
    for a, b in zip(line, line[1:]):
        glued = (a.page, a.line) == (b.page, b.line) and b.x0 - a.x1 <= 1.01 * TEXT_CHAR_W
        if glued and not _MARKS.sub("", b.text).strip():
            out[b.i] = out[a.i] = max(out.get(a.i, a.x1), b.x1)
    return out


def better_bands(bands: list[Band], toks: list[Tok]) -> list[Band]:
    """The header's bands, or the body's own columns when its words fit their types clearly better."""
    words = [t for t in toks if _MARKS.sub("", t.text).strip()]
    new = refit(bands, words, _reach(toks)) if words else None
    if new is None:
        return bands
    gain = _fit(new, words) - _fit(bands, words)
    return new if gain >= max(MIN_GAIN, 0.05 * len(words)) else bands
