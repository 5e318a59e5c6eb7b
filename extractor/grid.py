"""Table grids: column bands from where the header labels are, rows from anchored segmentation.

Columns. Each top-level header cell starts with its number ("1.", "2A.", "10."), left-aligned at
the top of the header; the band of column k runs from its number to the next column's number.
Sub-columns ("Code" | "V", "Amount" | "(A) or (D)" | "Price", ...) split their parent band at
the middle of the gap between neighbouring sub-header texts, which holds for left-aligned
(modern) and centred (2003-era) sub-headers alike. Nothing is a fixed coordinate, so A4, zoom
and other fonts move the bands with the text.

Rows. Every row has exactly one ownership-form value (D or I), so those are the row anchors.
Cells that wrap over several lines sit above and below their anchor; the words between two
anchors are split at the widest vertical gap that gives no single-valued column two values in
one row (ties go to the split nearest the middle).
"""
from __future__ import annotations

import dataclasses
import statistics
from dataclasses import dataclass, field
from typing import Callable

import regex as re

from .flow import Flow, Tok, norm
from .geometry import BBox
from .match import Hit, Matcher
from .row_rules import row_rules
from .templates import Leaf, Table
from .values import MARK_WORD, looks_like

_NUMBER_TOKEN = re.compile(r"^(\d{1,2}[A-Za-z]?)[.,](?!\d)")     # "3." ("3," when OCR misreads the dot)
_LABEL_NUMBER = re.compile(r"^\s*\d{1,2}[A-Za-z]?\.\s*")
_THOUSANDS = re.compile(r"^\$?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")   # "2,246,338", "$1,250.00"
_CLOSING_MARK = re.compile(r"\S\(\d{1,3}\)$|^\(\d{1,3}\)$")
HEADER_DEPTH_EM = 16          # how far below the caption a header may reach
RAISED_MARK_EM = 0.6          # how far above its line a footnote mark's top may stand
SQUEEZED = 0.5                # a sub-header leaving a missing one before it less than this share of its width is misplaced
ROW_TAIL_GAP_EM = 2.5         # after the last anchor, a gap this wide ends the table
UNANCHORED_VALUES = 3         # values on one line that make a row without its anchor
UNANCHORED_CLEAR_EM = 1.2     # ... when no anchor is this close
RULE_SAME_PT = 3.0           # vertical rules closer than this are one cell border
RULED_HEADER_SCORE = 0.9     # a column label read at least this well must lie between the rules taken for its column
RULED_VALUES = 2              # values (one the title) between two row rules that make a row without its anchor


@dataclass
class Band:
    leaf: Leaf
    x0: float
    x1: float
    header: Hit | None
    score: float               # how well the header (and sub-header) labels matched

    def holds(self, t: Tok) -> bool:
        return self.x0 <= t.cx < self.x1


@dataclass
class Row:
    top: float
    bottom: float
    cells: dict[str, list[Tok]] = field(default_factory=dict)   # leaf key -> tokens in reading order
    anchor: Tok | None = None
    split_margin: float = 1.0    # how clearly this row was separated from its neighbours (0..1)


@dataclass
class Grid:
    table: Table
    caption: Hit
    header_bottom: float
    body_bottom: float
    bands: list[Band]
    rows: list[Row]
    header_toks: set[int]
    stray: list[Tok]           # body tokens no band or row could take

    def band(self, key: str) -> Band:
        return next(b for b in self.bands if b.leaf.key == key)


# ---------------------------------------------------------------------------- header
def _number_tokens(flow: Flow, top: float, bottom: float, numbers: set[str]) -> list[tuple[str, Tok]]:
    out = []
    for ln in flow.lines_between(top, bottom):
        for t in ln.toks:
            m = _NUMBER_TOKEN.match(t.text)
            if m and m.group(1).upper() in numbers:
                out.append((m.group(1).upper(), t))
    return out


@dataclass
class Header:
    bands: list[Band]
    top: float
    bottom: float
    ids: set[int]


def read_header(flow: Flow, matcher: Matcher, table: Table, top: float, limit: float,
                depth_em: float = HEADER_DEPTH_EM) -> Header | None:
    """The table header whose numbered labels start below `top` (within `depth_em`): column
    bands, where the header ends, and its words."""
    found = find_header(flow, matcher, table, top, min(limit, top + depth_em * flow.em))
    if found is None:
        return None
    headers, header_top = found
    bands, bottom, ids = build_bands(flow, matcher, table, headers, header_top, limit)
    if not bands:
        return None
    bottom = extend_header(flow, table, bottom, ids, limit)
    return Header(bands, header_top, bottom, ids)


def find_header(flow: Flow, matcher: Matcher, table: Table, top: float, zone_bottom: float
                ) -> tuple[dict[str, Hit], float] | None:
    """Header hits of the top-level columns, keyed by number, and the y where they start."""
    numbers = {c.number for c in table.columns}
    em = flow.em
    cands = _number_tokens(flow, top, zone_bottom, numbers)
    if not cands:
        return None
    # the header's first line is the topmost line holding several column numbers
    by_line: dict[int, list[tuple[str, Tok]]] = {}
    for num, t in cands:
        by_line.setdefault(t.line, []).append((num, t))
    need = min(3, len(table.columns))
    first = next((ln for ln in sorted(by_line) if len({n for n, _ in by_line[ln]}) >= need), None)
    if first is None:
        return None
    y0 = flow.lines[first].top
    # a label misread by OCR may be matched on into the first row (its "(I)" found in the row's "I")
    body_top = _above_first_row(flow, y0, zone_bottom)
    in_header = lambda t: t.top < body_top
    chosen: dict[str, Tok] = {}
    for num, t in cands:
        if abs(t.top - y0) <= 0.8 * em and num not in chosen:
            chosen[num] = t
    hits: dict[str, Hit] = {}
    for col in table.columns:
        t = chosen.get(col.number)
        if t is None:
            continue
        best = None
        for label in col.labels:
            h = matcher.read_from(t, label, within=in_header)
            if h and (best is None or h.score > best.score):
                h.label = label
                best = h
        if best is not None and best.score >= 0.5:
            hits[col.number] = best
    _headers_by_wording(flow, matcher, table, hits, y0, zone_bottom)
    return hits, y0


def _headers_by_wording(flow: Flow, matcher: Matcher, table: Table, hits: dict[str, Hit], y0: float,
                        zone_bottom: float) -> None:
    """Columns whose number was not read (a scan's "3." read as "oF"): find the rest of their label
    on the header's first lines, between the columns found on either side."""
    em = flow.em
    cols = table.columns
    for i, col in enumerate(cols):
        if col.number in hits:
            continue
        left = max((hits[c.number].x1 for c in cols[:i] if c.number in hits), default=-1e9)
        right = min((hits[c.number].x0 for c in cols[i + 1:] if c.number in hits), default=1e9)
        wording = [_LABEL_NUMBER.sub("", lbl) for lbl in col.labels]
        inside = lambda t: left - 0.5 * em <= t.x0 < right and y0 - 0.8 * em <= t.top <= y0 + 1.6 * em
        h = matcher.find_one(wording, within=inside, min_score=0.7)
        if h is not None:
            hits[col.number] = h


def build_bands(flow: Flow, matcher: Matcher, table: Table, headers: dict[str, Hit], header_top: float,
                limit: float) -> tuple[list[Band], float, set[int]]:
    """Column and sub-column bands; returns (bands, header bottom, header token ids)."""
    em = flow.em
    cols = [c for c in table.columns]
    lefts: dict[str, float] = {}
    for c in cols:
        if c.number in headers:
            lefts[c.number] = headers[c.number].x0
    found = [c.number for c in cols if c.number in lefts]
    if len(found) < 2:
        return [], header_top, set()
    _interpolate_lefts(cols, lefts)
    header_ids: set[int] = set()
    header_bottom = header_top
    for h in headers.values():
        header_ids |= h.ids
        header_bottom = max(header_bottom, h.bottom)
    pad = 0.3 * em
    zone_bottom = _above_first_row(flow, header_top, min(limit, header_top + HEADER_DEPTH_EM * em))
    subs = _sub_headers(matcher, cols, lefts, headers, header_top, zone_bottom, header_ids, pad, em)
    for hits in subs.values():
        for h in hits:
            if h is not None:
                header_ids |= h.ids
                header_bottom = max(header_bottom, h.bottom)
    bands: list[Band] = []
    for i, c in enumerate(cols):
        x0 = -1e9 if i == 0 else lefts[c.number] - pad
        x1 = 1e9 if i == len(cols) - 1 else lefts[cols[i + 1].number] - pad
        hdr = headers.get(c.number)
        score = hdr.score if hdr else 0.5
        if not c.sub:
            bands.append(Band(c.leaves()[0], x0, x1, hdr, score))
            continue
        hits = subs[c.number]
        edges = _split_band(x0, x1, hits, lefts[c.number], lefts.get(cols[i + 1].number) if i + 1 < len(cols) else None,
                            [sc.width for sc in c.sub])
        for k, leaf in enumerate(c.leaves()):
            sh = hits[k]
            sscore = min(score, sh.score) if sh else score * 0.6
            bands.append(Band(leaf, edges[k], edges[k + 1], sh or hdr, sscore))
    return bands, header_bottom, header_ids


def _interpolate_lefts(cols, lefts: dict[str, float]) -> None:
    """Columns whose header was not found at all: place them by the template's usual widths,
    scaled to the found columns around them (the page's own scale, paper and zoom)."""
    idx = [i for i, c in enumerate(cols) if c.number in lefts]
    starts = [0.0]
    for c in cols:
        starts.append(starts[-1] + c.width)
    for i, c in enumerate(cols):
        if c.number in lefts:
            continue
        a = max((j for j in idx if j < i), default=None)
        b = min((j for j in idx if j > i), default=None)
        if a is not None and b is not None:
            f = (starts[i] - starts[a]) / max(starts[b] - starts[a], 1e-6)
            lefts[c.number] = lefts[cols[a].number] + f * (lefts[cols[b].number] - lefts[cols[a].number])
        else:
            j, k = (idx[-2], idx[-1]) if a is not None else (idx[0], idx[1])
            per = (lefts[cols[k].number] - lefts[cols[j].number]) / max(starts[k] - starts[j], 1e-6)
            lefts[c.number] = lefts[cols[j].number] + (starts[i] - starts[j]) * per


def _sub_headers(matcher: Matcher, cols, lefts: dict[str, float], headers: dict[str, Hit], header_top: float,
                 zone_bottom: float, header_ids: set[int], pad: float, em: float) -> dict[str, list[Hit | None]]:
    """Sub-column labels ("Code", "V", "Amount", ...). They share one header row, above the data,
    so each label takes its topmost good hit, and a hit far from the others' row is replaced by
    the one nearest that row (a "V" in a data row is not the "V" header)."""
    out: dict[str, list[Hit | None]] = {}
    all_hits: dict[tuple[str, int], list[Hit]] = {}
    for i, c in enumerate(cols):
        if not c.sub:
            continue
        x0 = -1e9 if i == 0 else lefts[c.number] - pad
        x1 = 1e9 if i == len(cols) - 1 else lefts[cols[i + 1].number] - pad
        top = headers[c.number].top if c.number in headers else header_top

        def inside(t: Tok, x0=x0, x1=x1, top=top) -> bool:
            return x0 <= t.cx < x1 and top <= t.top < zone_bottom and t.i not in header_ids

        for k, s in enumerate(c.sub):
            all_hits[(c.number, k)] = matcher.find(s.labels, within=inside, min_score=0.75, lookalikes=True)
    chosen: dict[tuple[str, int], Hit | None] = {}
    for key, hits in all_hits.items():
        good = [h for h in hits if h.score >= 0.9] or hits
        chosen[key] = min(good, key=lambda h: h.top) if good else None
    centres = sorted(_cy(h) for h in chosen.values() if h is not None)
    if centres:
        row = centres[len(centres) // 2]
        for key, h in chosen.items():
            if h is not None and abs(_cy(h) - row) > 2.5 * em:
                near = [g for g in all_hits[key] if abs(_cy(g) - row) <= 2.5 * em]
                chosen[key] = min(near, key=lambda g: abs(_cy(g) - row)) if near else None
    for i, c in enumerate(cols):
        if c.sub:
            out[c.number] = [chosen[(c.number, k)] for k in range(len(c.sub))]
    return out


def header_vocabulary(table: Table) -> set[str]:
    words = set()
    for c in table.columns:
        for label in list(c.labels) + [lbl for sub in c.sub for lbl in sub.labels]:
            words |= set(norm(label).split())
    return words


def _above_first_row(flow: Flow, header_top: float, zone_bottom: float) -> float:
    """Where the header zone ends at the latest: above the first line holding a date or a number
    in thousands ("2,246,338"), which no header has and a table row mostly does (a Form 3 holding
    may show no date, only marks where its dates would be). A label misread by OCR ("(A) or (D)"
    with its "(D)" read "(0)", "Indirect (I)" read "Indirect ())") otherwise matches on into the
    first rows, taking their "A" or "I" and the rows with them. The row's footnote marks are
    raised over its line (a scan may read them as a line of their own), so the zone ends half an
    em higher."""
    for ln in flow.lines:
        if header_top < ln.top < zone_bottom and any(looks_like("date", t.text) or _THOUSANDS.match(t.text)
                                                      for t in ln.toks):
            return ln.top - RAISED_MARK_EM * flow.em
    return zone_bottom


def extend_header(flow: Flow, table: Table, header_bottom: float, header_ids: set[int], limit: float
                  ) -> float:
    """Header cells that wrap further than their label matched ("(A) or" / "(D)" two lines apart,
    a trailing "(Instr. 3 and 4)"): lines right under the header made only of header words belong
    to the header. A data row always holds a value (a D or I at least), so it never qualifies."""
    vocab = header_vocabulary(table)
    em = flow.em
    for ln in flow.lines:
        if ln.cy <= header_bottom or ln.top >= limit:
            continue
        if ln.top - header_bottom > 2.5 * em:
            break
        toks = [t for t in ln.toks if t.i not in header_ids]
        if not toks or not all(t.norm in vocab for t in toks):
            break
        header_ids |= {t.i for t in toks}
        header_bottom = max(header_bottom, ln.bottom)
    return header_bottom


def refine_sub_edges(bands: list[Band], body: list[Tok]) -> None:
    """Move the edge between two sub-columns into the body's own whitespace between them.

    Sub-headers are left-aligned in the modern look ("Title" | "Amount or Number of Shares") and
    centred in the 2003 look, so the midpoint between them can cut a centred value ("Common Stock")
    in two. Between the end of one sub-header and the start of the next, the edge goes to the middle
    of the widest stretch no body word crosses."""
    for a, b in zip(bands, bands[1:]):
        if a.leaf.number != b.leaf.number or a.header is None or b.header is None:
            continue
        lo, hi = min(a.header.x1, b.header.x0), b.header.x0
        if hi - lo < 1.0:
            continue
        spans = sorted((max(t.x0, lo), min(t.x1, hi)) for t in body if t.x1 > lo and t.x0 < hi)
        free, x = [], lo
        for s0, s1 in spans:
            if s0 > x:
                free.append((s0 - x, x, s0))
            x = max(x, s1)
        if hi > x:
            free.append((hi - x, x, hi))
        if free:
            _, f0, f1 = max(free)
            a.x1 = b.x0 = (f0 + f1) / 2


def ruled_bands(bands: list[Band], rules: list[BBox], top: float, bottom: float) -> list[Band]:
    """A scan's column bands set on the table's own cell borders: the vertical rules taken out of
    the page (sources/rules.py) that cross the body between `top` and `bottom` (page points).
    Where OCR lost a header's labels, the header places a column by the template's usual widths,
    which another rendering does not keep: with "3. Transaction Code" and "Code V" unread, the
    amount fell in V, a whole column right of its own. The rules are taken only when they are
    exactly the bands' borders (one more than the bands, or one fewer where the outer ones are not
    printed, or as many where one of them is not); otherwise the header's bands stand."""
    xs: list[float] = []
    for x in sorted((r.x0 + r.x1) / 2 for r in rules if r.top < bottom and r.bottom > top):
        if not xs or x - xs[-1] > RULE_SAME_PT:
            xs.append(x)
    if len(xs) == len(bands) + 1:
        inner = xs[1:-1]
    elif len(xs) == len(bands) - 1:
        inner = xs
    elif len(xs) == len(bands) >= 3:
        # one outer border not found (or not printed): the inner rules are the others, on the
        # side where they lie nearer the header's borders, and most of them near (an inner border
        # not found instead shifts the borders past it by a column)
        edges = [b.x0 for b in bands[1:]]
        off = lambda c: sorted(abs(x - e) for x, e in zip(c, edges))
        inner = min((xs[1:], xs[:-1]), key=lambda c: sum(off(c)))
        widths = sorted(b.x1 - b.x0 for b in bands[1:-1])
        if off(inner)[len(edges) // 2] > 0.5 * widths[len(widths) // 2]:
            return bands
    else:
        return bands
    last = len(bands) - 1
    ruled = [dataclasses.replace(b, x0=b.x0 if i == 0 else inner[i - 1], x1=b.x1 if i == last else inner[i])
             for i, b in enumerate(bands)]
    # as many rules as borders by chance (a glyph taken for a rule, a border not found): a label
    # read clearly must stay within its column
    span = {b.leaf.number: (min(c.x0 for c in ruled if c.leaf.number == b.leaf.number),
                            max(c.x1 for c in ruled if c.leaf.number == b.leaf.number)) for b in ruled}
    for b in ruled:
        if b.header is not None and b.header.score >= RULED_HEADER_SCORE:
            x0, x1 = span[b.leaf.number]
            if not x0 <= (b.header.x0 + b.header.x1) / 2 <= x1:
                return bands
    return ruled


def _cy(h: Hit) -> float:
    return (h.top + h.bottom) / 2


def _split_band(x0: float, x1: float, subs: list[Hit | None], left: float, right: float | None,
                widths: list[float]) -> list[float]:
    """Edges of the sub-bands of one column band: between two found sub-headers, the middle of the
    gap between them; where one is missing, the template's usual share of the column. A found
    sub-header that would squeeze a missing one before it to less than SQUEEZED of its usual
    width was misplaced (a scan read "(A) or (D) Price" as one "Price" from the A/D column's left)."""
    n = len(subs)
    span = ((right if right is not None else left + 10 * n) - left)
    total = sum(widths) or float(n)
    share = [sum(widths[:k]) / total for k in range(n + 1)]
    edges = [x0]
    for k in range(1, n):
        a, b = subs[k - 1], subs[k]
        usual = span * (share[k] - share[k - 1])
        if a is not None and b is not None and a.x1 < b.x0:
            edges.append((a.x1 + b.x0) / 2)
        elif b is not None and (a is not None and b.x0 > edges[-1]
                                or a is None and b.x0 - edges[-1] >= SQUEEZED * usual):
            edges.append(b.x0 - 0.5)
        elif a is not None:
            edges.append(max(a.x1 + 0.5, left + span * share[k]))
        else:
            edges.append(left + span * share[k])
    edges.append(x1)
    for k in range(1, len(edges)):            # never a negative width
        edges[k] = max(edges[k], edges[k - 1] + 0.5)
    return edges


# ---------------------------------------------------------------------------- rows
@dataclass
class _Frag:
    """The tokens of one band on one line. `top`/`bottom` are in body coordinates: the pages of a
    table that runs on are joined without their margins, so a row cut by a page break has no gap."""
    key: str
    toks: list[Tok]
    shift: float = 0.0

    @property
    def top(self) -> float:
        return min(t.top for t in self.toks) - self.shift

    @property
    def bottom(self) -> float:
        return max(t.bottom for t in self.toks) - self.shift

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


def _fragments(toks: list[Tok], bands_by_page: dict[int, list[Band]],
               band_of: Callable[[Tok], Band | None] | None = None, join_runs: bool = False
               ) -> tuple[list[_Frag], list[Tok]]:
    by: dict[tuple[str, int], list[Tok]] = {}
    stray = []
    placed: dict[int, Band] = {}
    last_on_line: dict[int, Tok] = {}
    em = statistics.median(t.bottom - t.top for t in toks) if toks else 1.0
    for t in sorted(toks, key=lambda t: (t.line, t.x0)):
        b = band_of(t) if band_of else next((b for b in bands_by_page[t.page] if b.holds(t)), None)
        prev = last_on_line.get(t.line)
        last_on_line[t.line] = t
        # a footnote mark trails its value: printed just past the column edge, it still belongs
        # to that value's cell (a mark-only cell's mark starts inside its own column)
        if prev is not None and prev.i in placed and b is not None and MARK_WORD.match(t.text) and t.word.sup is not False:
            glued = t.x0 - prev.x1 < 1.0
            near_edge = t.x0 - prev.x1 <= 3.0 * em and t.x0 - b.x0 < 0.3 * em
            if glued or near_edge:
                b = placed[prev.i]
        # left-aligned text that runs past its column ("X Chief Executive Officer") stays together
        if join_runs and prev is not None and prev.i in placed and t.x0 - prev.x1 < 0.5 * em:
            b = placed[prev.i]
        if b is not None:
            placed[t.i] = b
        if b is None:
            stray.append(t)
            continue
        by.setdefault((b.leaf.key, t.line), []).append(t)
    shifts = _page_shifts(by)
    frags = [_Frag(k, sorted(v, key=lambda t: t.x0), shifts[v[0].page]) for (k, _), v in by.items()]
    frags.sort(key=lambda f: f.cy)
    return frags, stray


def _page_shifts(by: dict[tuple[str, int], list[Tok]]) -> dict[int, float]:
    """Per page, how far to move its body up so it continues right under the previous page's
    body, one ordinary wrapped-line gap below it: a page break is no evidence of a row break."""
    toks = [t for v in by.values() for t in v]
    shifts: dict[int, float] = {}
    pages = sorted({t.page for t in toks})
    if len(pages) < 2:
        return {p: 0.0 for p in pages}
    line_gap = _wrapped_line_gap(by)
    acc = 0.0
    prev_bottom = None
    for p in pages:
        on = [t for t in toks if t.page == p]
        top = min(t.top for t in on)
        if prev_bottom is not None:
            acc = top - (prev_bottom + line_gap)
        shifts[p] = acc
        prev_bottom = max(t.bottom for t in on) - acc
    return shifts


def _wrapped_line_gap(by: dict[tuple[str, int], list[Tok]]) -> float:
    """The usual gap between two lines of one wrapped cell: consecutive lines of one column on
    one page that are closer than an em; their upper quartile, which a born-digital page's equal
    gaps make their value and which keeps a scan's page break from looking the tightest gap of
    its rows (OCR boxes touch: the median 0.96 pt against 1.2 pt between the signature lines
    around it put an "Attorney-in-fact" into the signature on the next page)."""
    per_band: dict[tuple[str, int], list[tuple[float, float]]] = {}
    for (key, _), v in by.items():
        per_band.setdefault((key, v[0].page), []).append((min(t.top for t in v), max(t.bottom for t in v)))
    gaps = []
    for spans in per_band.values():
        spans.sort()
        for (t0, b0), (t1, b1) in zip(spans, spans[1:]):
            g = t1 - b0
            if -0.5 < g < 0.8 * max(b0 - t0, 1e-6):
                gaps.append(max(g, 0.0))
    return statistics.quantiles(gaps, n=4)[2] if len(gaps) > 1 else (gaps[0] if gaps else 0.0)


def segment_rows(frags: list[_Frag], anchors: list[_Frag], single: set[str], em: float,
                 required: set[str] = frozenset(), centred: bool = True, marks_close: bool = False,
                 rules: list[float] = ()) -> list[tuple[list[_Frag], float]]:
    """Group fragments into rows around the anchors. -> [(fragments of the row, split margin)].

    Between two anchors the split must keep to the side of the row rules between them (`rules`:
    their heights on a scan, row_rules.py), must not give a single-valued column two values in
    one row, should leave no row without a value where every row has one (a title), prefers the
    widest gap, and then the middle. `marks_close`: a footnote mark ends its wrapped cell (text
    dumps, where marks are inline text)."""
    if not anchors:
        return []
    anchors = sorted(anchors, key=lambda f: f.cy)
    rows: list[list[_Frag]] = [[] for _ in anchors]
    margins = [1.0 for _ in anchors]
    near = 0.5 * em
    rest: list[_Frag] = []
    for f in frags:
        k = min(range(len(anchors)), key=lambda k: abs(anchors[k].cy - f.cy))
        if abs(anchors[k].cy - f.cy) <= near or f is anchors[k]:
            rows[k].append(f)
        else:
            rest.append(f)
    # before the first anchor: all belongs to the first row
    for f in rest:
        if f.cy < anchors[0].cy:
            rows[0].append(f)
    # after the last anchor: the last row, until a wide gap ends the table
    tail = sorted((f for f in rest if f.cy > anchors[-1].cy), key=lambda f: f.top)
    bottom = max(f.bottom for f in rows[-1])
    for f in tail:
        if f.top - bottom > ROW_TAIL_GAP_EM * em:
            break
        rows[-1].append(f)
        bottom = max(bottom, f.bottom)
    # between consecutive anchors: split at the best gap
    for k in range(len(anchors) - 1):
        a, b = anchors[k], anchors[k + 1]
        mid = sorted((f for f in rest if a.cy < f.cy < b.cy), key=lambda f: f.cy)
        if not mid:
            continue
        lines = _group_lines(mid, em)
        best = None
        upper_bound = max(f.bottom for f in rows[k])
        lower_bound = min(f.top for f in rows[k + 1])
        # A row cut by a page break prints its first part top-aligned (its wrapped cells start at
        # its values, nothing above them), so its centring says nothing; the next row's does: its
        # head above the anchor mirrors its tail below it (taken up to halfway to the row after).
        cut = centred and len({f.toks[0].page for f in mid + [a, b]}) > 1 and _top_aligned(rows[k], a, single, em)
        if cut:
            c_cy = anchors[k + 2].cy if k + 2 < len(anchors) else float("inf")
            lower_tail = [f for f in rest if b.cy < f.cy < (b.cy + c_cy) / 2]
        ruled = [r for r in rules if a.cy < r < b.cy]
        for s in range(len(lines) + 1):
            up = [f for ln in lines[:s] for f in ln]
            down = [f for ln in lines[s:] for f in ln]
            crossing = sum(f.cy > ruled[0] for f in up) + sum(f.cy < ruled[-1] for f in down) if ruled else 0
            hi = max([upper_bound] + [f.bottom for f in up])
            lo = min([lower_bound] + [f.top for f in down])
            gap = lo - hi
            violations = _violations(rows[k] + up, single) + _violations(rows[k + 1] + down, single)
            closed = marks_close and _past_closing_mark(rows[k] + up, single) + _past_closing_mark(rows[k + 1] + down, single)
            missing = _missing(rows[k] + up, required) + _missing(rows[k + 1] + down, required)
            # the upper row is complete once this split is made, so its wrapped cells can be
            # checked for sitting centred on its anchor (the lower row's are not all known yet)
            if cut:
                centring = _off_centre(rows[k + 1] + down + lower_tail, b, single)
            else:
                centring = _off_centre(rows[k] + up, a, single) if centred else 0.0
            centre = (a.cy + b.cy) / 2
            split_y = (hi + lo) / 2
            cost = (crossing, violations, missing, closed, -round(gap / (0.25 * em)), round(centring / (0.5 * em)),
                    abs(split_y - centre))
            if best is None or cost < best[0]:
                best = (cost, s, gap)
        _, s, gap = best
        rows[k] += [f for ln in lines[:s] for f in ln]
        rows[k + 1] += [f for ln in lines[s:] for f in ln]
        # a split chosen between equal gaps is less certain
        gaps = sorted({round((_gap_at(lines, i, rows[k], rows[k + 1])) / (0.25 * em)) for i in range(len(lines) + 1)},
                      reverse=True)
        clear = 1.0 if len(gaps) < 2 or gaps[0] > gaps[1] or (ruled and best[0][0] == 0) else 0.6
        margins[k] = min(margins[k], clear)
        margins[k + 1] = min(margins[k + 1], clear)
    return list(zip(rows, margins))


def _gap_at(lines: list[list[_Frag]], s: int, row_a: list[_Frag], row_b: list[_Frag]) -> float:
    up = [f for ln in lines[:s] for f in ln] + [f for f in row_a]
    down = [f for ln in lines[s:] for f in ln] + [f for f in row_b]
    return min(f.top for f in down) - max(f.bottom for f in up)


def _group_lines(frags: list[_Frag], em: float) -> list[list[_Frag]]:
    lines: list[list[_Frag]] = []
    for f in frags:
        if lines and abs(lines[-1][0].cy - f.cy) <= 0.35 * em:
            lines[-1].append(f)
        else:
            lines.append([f])
    return lines


def _top_aligned(frags: list[_Frag], anchor: _Frag, single: set[str], em: float) -> bool:
    wrapped = [f for f in frags if f.key not in single]
    return bool(wrapped) and min(f.cy for f in wrapped) >= anchor.cy - 0.3 * em


def _off_centre(frags: list[_Frag], anchor: _Frag, single: set[str]) -> float:
    """Cells are centred vertically in their row: how far each wrapped cell's block of lines sits
    from the middle of the row's one-line values (a text dump may print those on two lines)."""
    values = [f.cy for f in frags if f.key in single] or [anchor.cy]
    middle = (min(values) + max(values)) / 2
    return sum(abs((min(f.top for f in fs) + max(f.bottom for f in fs)) / 2 - middle)
               for fs in _wrapped_cells(frags, single).values())


def _wrapped_cells(frags: list[_Frag], single: set[str]) -> dict[str, list[_Frag]]:
    """The fragments of each wrapped (not single-valued) column, by column key."""
    cells: dict[str, list[_Frag]] = {}
    for f in frags:
        if f.key not in single:
            cells.setdefault(f.key, []).append(f)
    return cells


def _past_closing_mark(frags: list[_Frag], single: set[str]) -> int:
    """Lines of a wrapped cell below a line that ends in a footnote mark: a mark closes its cell
    ("Fund IV, L.P.(1)"), so the next line of that column ("By ...") opens the next row's."""
    n = 0
    for fs in _wrapped_cells(frags, single).values():
        fs.sort(key=lambda f: f.cy)
        ends = [k for k, f in enumerate(fs) if _CLOSING_MARK.search(f.toks[-1].text)]
        if ends and ends[0] < len(fs) - 1 and not all(MARK_WORD.match(t.text) for f in fs[ends[0] + 1:] for t in f.toks):
            n += 1
    return n


def _missing(frags: list[_Frag], required: set[str]) -> int:
    have = {f.key for f in frags}
    return sum(1 for k in required if k not in have)


def _violations(frags: list[_Frag], single: set[str]) -> int:
    """Single-valued columns holding two values in the row (marks alone on a line may wrap)."""
    seen: dict[str, int] = {}
    for f in frags:
        if f.key in single and not all(MARK_WORD.match(t.text) for t in f.toks):
            seen[f.key] = seen.get(f.key, 0) + 1
    return sum(n - 1 for n in seen.values() if n > 1)


def _typed(f: _Frag, leaf: Leaf) -> bool:
    """A single-valued column's fragment holding a value of the column's own type."""
    return not leaf.wraps and any(looks_like(leaf.type, t.text) for t in f.toks)


def _unanchored_rows(frags: list[_Frag], anchors: list[_Frag], bands: list[Band], em: float,
                     rules: list[float] = ()) -> list[_Frag]:
    """Anchors for the rows whose ownership form was not read (OCR drops a lone "D" or "I"): a line
    with values in UNANCHORED_VALUES columns (a title, or single-valued values of their own type),
    far from every anchor, is a row; so is a space between two row rules (`rules`) holding no
    anchor and values in RULED_VALUES columns, one required; and last, where neither found one,
    a ruled space with text other than marks in RULED_VALUES columns, one the title. A row's
    anchor is the value (or text) nearest the anchor column."""
    leaf_of = {b.leaf.key: b.leaf for b in bands}
    order = {b.leaf.key: k for k, b in enumerate(bands)}
    required = {k for k, leaf in leaf_of.items() if leaf.required}

    def value(f: _Frag) -> bool:
        leaf = leaf_of.get(f.key)
        if leaf is None or all(MARK_WORD.match(t.text) for t in f.toks):
            return False
        return leaf.required or _typed(f, leaf)

    def printed(f: _Frag) -> bool:
        return f.key in leaf_of and not all(MARK_WORD.match(t.text) for t in f.toks)

    values = sorted(filter(value, frags), key=lambda f: f.cy)
    title = {k for k, leaf in leaf_of.items() if leaf.field == "security_title"}
    out: list[_Frag] = []
    for above, below in zip(rules, rules[1:]):
        if any(above < a.cy < below for a in anchors):
            continue
        typed = [f for f in values if above < f.cy < below]
        keys = {f.key for f in typed}
        if len(keys) >= RULED_VALUES and keys & required:
            out.append(max(typed, key=lambda f: order[f.key]))
    for line in _group_lines(values, em):
        if len({f.key for f in line}) < UNANCHORED_VALUES:
            continue
        cy = sum(f.cy for f in line) / len(line)
        if all(abs(a.cy - cy) > UNANCHORED_CLEAR_EM * em for a in anchors + out):
            out.append(max(line, key=lambda f: order[f.key]))
    # last, with its title any text counts (a Form 3 holding's amount misread "ED", its "I" lost),
    # where neither of the above found the row
    for above, below in zip(rules, rules[1:]):
        if any(above < a.cy < below for a in anchors + out):
            continue
        inside = [f for f in frags if above < f.cy < below and printed(f)]
        keys = {f.key for f in inside}
        if len(keys) >= RULED_VALUES and keys & title:
            out.append(max(inside, key=lambda f: order[f.key]))
    return out


def _one_per_ruled_row(anchors: list[_Frag], rules: list[float], em: float) -> list[_Frag]:
    """Anchors less than an em apart with no row rule between them are one row's (OCR read its
    D/I twice, or a mark's digit beside it as another): the first of them."""
    kept: list[_Frag] = []
    for a in sorted(anchors, key=lambda f: f.cy):
        if kept and a.cy - kept[-1].cy < em and not any(kept[-1].cy < r < a.cy for r in rules):
            continue
        kept.append(a)
    return kept


def _body_rules(flow: Flow, frags: list[_Frag]) -> list[float]:
    """The row rules across a scanned table body (row_rules.py), in body coordinates: those between
    its words, and the ones just above and below them (a cell's padding away)."""
    out: list[float] = []
    pad = flow.em
    for number in sorted({f.toks[0].page for f in frags}):
        on = [f for f in frags if f.toks[0].page == number]
        toks = [t for f in on for t in f.toks]
        off = flow.page_top[number]
        ys = row_rules(flow.doc.pages[number - 1], min(t.x0 for t in toks), min(t.top for t in toks) - off - pad,
                       max(t.x1 for t in toks), max(t.bottom for t in toks) - off + pad)
        out += [off + y - on[0].shift for y in ys]
    return sorted(out)


def build_rows(flow: Flow, bands: list[Band] | dict[int, list[Band]], toks: list[Tok],
               anchor_type: str | None = "ownership_form", band_of: Callable[[Tok], Band | None] | None = None,
               centred: bool = True, merge_em: float = 0.0, join_runs: bool = False, ruled: bool = False
               ) -> tuple[list[Row], list[Tok]]:
    """Rows of a table body. Anchors: values of `anchor_type` (None: any text) in the bands marked
    `anchor`; anchors closer than `merge_em` mark one row (marks in several columns of a row).
    `bands` may differ per page (a text dump lays out each page on its own character grid);
    `band_of` assigns words to bands by what they are instead of where they are. `ruled`: rows
    are ruled off from each other, which a scan shows (row_rules.py)."""
    em = flow.em
    by_page = bands if isinstance(bands, dict) else {p: bands for p in {t.page for t in toks}}
    bands = next(iter(by_page.values()), [])
    frags, stray = _fragments(toks, by_page, band_of, join_runs)
    anchor_keys = [b.leaf.key for b in bands if b.leaf.anchor]
    anchors = [f for f in frags if f.key in anchor_keys and
               (anchor_type is None or any(looks_like(anchor_type, t.text) for t in f.toks))]
    if merge_em:
        kept: list[_Frag] = []
        for f in sorted(anchors, key=lambda f: f.cy):
            if not kept or f.cy - kept[-1].cy > merge_em * em:
                kept.append(f)
        anchors = kept
    if not anchors and frags:
        # no ownership-form column read: anchor on the single-valued column with most values of
        # its own type (a stray "*" is not a row)
        leaf_of = {b.leaf.key: b.leaf for b in bands}
        typed = [f for f in frags if _typed(f, leaf_of[f.key])]
        counts: dict[str, int] = {}
        for f in typed:
            counts[f.key] = counts.get(f.key, 0) + 1
        if counts:
            key = max(counts, key=counts.get)
            anchors = [f for f in typed if f.key == key]
    single = {b.leaf.key for b in bands if not b.leaf.wraps}
    rules = _body_rules(flow, frags) if ruled and flow.doc.is_ocr and frags else []
    if rules:
        anchors = _one_per_ruled_row(anchors, rules, em)
    if not flow.doc.is_text:      # a text dump may print one row's values on two lines
        anchors += _unanchored_rows(frags, anchors, bands, em, rules)
    required = {b.leaf.key for b in bands if b.leaf.required}
    grouped = segment_rows(frags, anchors, single, em, required, centred, marks_close=flow.doc.style == "layout",
                           rules=rules)
    rows: list[Row] = []
    used: set[int] = set()
    for (fs, margin), anchor in zip(grouped, sorted(anchors, key=lambda f: f.cy)):
        cells: dict[str, list[Tok]] = {}
        for f in sorted(fs, key=lambda f: (f.cy, f.toks[0].x0)):
            cells.setdefault(f.key, []).extend(f.toks)
            used |= {t.i for t in f.toks}
        on_anchor_page = [t for f in fs for t in f.toks if t.page == anchor.toks[0].page]
        top = min(t.top for t in on_anchor_page)
        bottom = max(t.bottom for t in on_anchor_page)
        rows.append(Row(top, bottom, cells, anchor.toks[0], margin))
    stray += [t for f in frags for t in f.toks if t.i not in used]
    return rows, stray
