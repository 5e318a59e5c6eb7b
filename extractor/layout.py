"""Layout analysis: where the form's parts are in the flow.

Finds, from the template's labels: the header checkboxes, the numbered boxes and the words each
box holds, the two tables (bands and rows, see `grid`), and the parts after them (the repeated
reporting-owner blocks or the 2003-era owners grid, explanation of responses, remarks,
signatures). Everything is located relative to labels found on the page, never by coordinates.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import regex as re
from rapidfuzz import fuzz

from .flow import Flow, Tok, norm
from .grid import Band, Grid, Header, build_rows, read_header, refine_sub_edges, ruled_bands
from .match import Hit, Matcher
from .text_columns import better_bands
from .templates import Template

HEADER_REPEAT_NEED = 3      # a repeated header shows at least this many column labels
REPEAT_DEPTH_EM = 6         # and starts this close to the top of its page
CAPTION_SLACK = 0.03        # a table caption reads about as well as its best occurrence within this
PLACED_LABEL_SCORE = 0.5    # the label score of box 1 placed by where it stands (_place_owner_label)


@dataclass
class BoxArea:
    label: Hit
    toks: list[Tok]             # content words in reading order (labels and boilerplate removed)


@dataclass
class Mark:
    checked: bool | None        # None: no box could be read next to the label
    tok: Tok | None
    label: Hit


@dataclass
class Layout:
    flow: Flow
    matcher: Matcher
    template: Template
    used: set[int] = field(default_factory=set)            # label and boilerplate tokens
    boxes: dict[str, BoxArea] = field(default_factory=dict)
    box_zone: tuple[float, float] | None = None
    grids: dict[str, Grid] = field(default_factory=dict)
    captions: dict[str, Hit] = field(default_factory=dict)
    owner_labels: list[Hit] = field(default_factory=list)  # repeated box-1 labels after the tables
    after_tables: float = 0.0                              # flow y where the tables end
    stops: list[tuple[float, str, Hit]] = field(default_factory=list)
    explicit_marks: bool = False      # the rendering shows which "(n)" are superscript footnote marks

    def next_stop(self, y: float, kinds: set[str] | None = None) -> float:
        for top, kind, _ in self.stops:
            if top > y and (kinds is None or kind in kinds):
                return top
        return float("inf")


# ---------------------------------------------------------------------------- marks
def mark_before(layout: Layout, label: Hit, toks: list[Tok] | None = None) -> Mark:
    """The check mark printed just left of an option label ('X Director', '__X__ Director', '☒ ...').

    A blank modern checkbox prints nothing, so a label with no mark before it is unchecked. Only
    the nearest word to the left counts: "X Director 10% Owner" leaves "10% Owner" unchecked."""
    em = layout.flow.em
    marks = layout.template.marks
    pool = toks if toks is not None else layout.flow.toks
    best: Tok | None = None
    centre = (label.top + label.bottom) / 2
    key = lambda t: (round(abs(t.cy - centre) / (0.5 * em)), -t.x1)   # nearest line first, then nearest left
    for t in pool:
        if t.i in label.ids:
            continue
        if not (label.top - 0.7 * em <= t.cy <= label.bottom + 0.7 * em):
            continue
        if not (label.x0 - 8 * em <= t.x1 <= label.x0 + 0.3 * em) or t.x0 >= label.x0:
            continue
        if best is None or key(t) < key(best):
            best = t
    if best is None:
        return Mark(False, None, label)
    if best.text in marks.checked:
        return Mark(True, best, label)
    if best.text in marks.unchecked:
        return Mark(False, best, label)
    return Mark(False, None, label)


def is_mark(layout: Layout, t: Tok) -> bool:
    m = layout.template.marks
    return t.text in m.checked or t.text in m.unchecked


# ---------------------------------------------------------------------------- analysis
def analyze(flow: Flow, matcher: Matcher, template: Template) -> Layout:
    lay = Layout(flow, matcher, template)
    lay.explicit_marks = any(t.word.sup for t in flow.toks)
    em = flow.em
    margin: dict[int, float] = {}
    for t in flow.toks:
        margin[t.page] = min(margin.get(t.page, t.x0), t.x0)
    sec = template.sections

    for kind, labels in (("footnotes", sec.footnotes), ("remarks", sec.remarks),
                         ("owners_grid", sec.owners_grid), ("signatures_heading", sec.signatures_heading),
                         ("signature_caption", sec.signature_captions)):
        heading = kind != "signature_caption"
        for h in matcher.find(labels, min_score=0.88, alone=heading) if labels else []:
            # a heading starts at the page's left margin; the same words inside a cell are a
            # value ("See Explanation of Responses" wrapped in an owner's Other column)
            if heading and h.x0 > margin.get(h.first.page, 0.0) + 3 * em:
                continue
            lay.stops.append((h.top, kind, h))
    # each printed note appears once; the same words again are the filer's (a remark quoting it)
    seen: set[str] = set()
    for h in sorted(matcher.find(sec.boilerplate, min_score=0.8), key=lambda h: h.first.i):
        if h.label in seen:
            continue
        seen.add(h.label)
        lay.stops.append((h.top, "boilerplate", h))
        lay.used |= h.ids
    for table_id, cap in _table_captions(matcher, template).items():
        lay.captions[table_id] = cap
        lay.stops.append((cap.top, "caption", cap))
        lay.used |= cap.ids
    if flow.doc.is_ocr:
        _garbled_notes_heading(lay, margin)
    box1 = template.boxes_by_parser("name_address")
    owner_hits = sorted(matcher.find(box1[0].labels, min_score=0.8), key=lambda h: h.top) if box1 else []
    first_caption = min((c.top for c in lay.captions.values()), default=float("inf"))
    last_caption = max((c.top for c in lay.captions.values()), default=None)
    lay.owner_labels = [h for h in owner_hits if last_caption is not None and h.top > last_caption]
    for h in lay.owner_labels:
        lay.stops.append((h.top, "owner_block", h))
    lay.stops.sort(key=lambda s: s[0])

    _find_boxes(lay, owner_hits, first_caption)
    for table in template.tables:
        cap = lay.captions.get(table.id)
        if cap is not None:
            g = _build_grid(lay, table, cap)
            if g is not None:
                lay.grids[table.id] = g
                lay.after_tables = max(lay.after_tables, g.body_bottom if g.rows else g.header_bottom)
    if not lay.grids and lay.captions:
        lay.after_tables = max(c.bottom for c in lay.captions.values())
    if flow.doc.is_ocr:
        _garbled_signature_caption(lay)
    return lay


_NOTE_ONE = re.compile(r"^(?:1[.,]|\(1\))")
_NOTE_TWO = re.compile(r"^(?:2[.,]|\(2\))")
HEADING_WORDS = 4         # a garbled heading line holds at most this many words ("Exp ion of")


def _garbled_notes_heading(lay: Layout, margin: dict[int, float]) -> None:
    """Scans: "Explanation of Responses:" read past matching ("Exp ion of", where the table's last
    rule runs close above it), so the notes would be read as a row of the table above. When no
    notes heading was found after the last table caption, the short line at the left margin right
    above a note "1." is taken for it when a note "2." follows further down or the line starts
    with the heading's first letters."""
    em = lay.flow.em
    captions = [top for top, kind, _h in lay.stops if kind == "caption"]
    if not captions or any(kind == "footnotes" and top > max(captions) for top, kind, _h in lay.stops):
        return
    lines = [ln for ln in lay.flow.lines if ln.top > max(captions) and ln.toks]
    at_margin = lambda ln: ln.toks[0].x0 <= margin.get(ln.page, 0.0) + 1.5 * em
    # a table's first column is numbered 1 too ("1. Title of Derivative Security")
    firsts = [norm(label) for table in lay.template.tables for label in table.columns[0].labels]
    label = lay.template.sections.footnotes[0]
    for k, ln in enumerate(lines[1:], 1):
        if not (at_margin(ln) and _NOTE_ONE.match(ln.toks[0].text)) \
                or max(fuzz.partial_ratio(norm(ln.text), f) for f in firsts) >= 80:
            continue
        above = lines[k - 1]
        # the heading's first letters read ("Expl ion of R"), or more notes follow
        head = len(above.toks[0].norm) >= 3 and norm(label).startswith(above.toks[0].norm.rstrip(".:"))
        if (head or any(at_margin(later) and _NOTE_TWO.match(later.toks[0].text) for later in lines[k + 1:])) \
                and at_margin(above) and len(above.toks) <= HEADING_WORDS:
            lay.stops.append((above.top, "footnotes", Hit(label, list(above.toks), 0.5)))
            return


SIGNATURE_CAPTION_SCORE = 0.75    # a scan's signature caption that lost a word or its "**" ("* Signature of Reportin")
SIGNATURE_CAPTION_PARTIAL = 75    # ... or that matches only in part ("Seee of Reporting Date")
SIGNATURE_CAPTION_EM = 3.0        # ... on the lines this close above the printed notes under it
SIGNATURE_CAPTION_LEAD_EM = 6.0   # the words this far left of a caption found in part are its lost start


def _garbled_signature_caption(lay: Layout) -> None:
    """Scans: "** Signature of Reporting Person" read past matching ("* Signature of Reportin",
    "Seee of Reporting Date": it is printed small, beside the "Date" caption), so every signature
    above it would be lost. When no caption was found after the tables, the lines right above the
    first printed note under them ("Reminder: Report on a separate line ...") are taken for it:
    the one the caption matches best, when it matches well enough in whole or in part; a "Date"
    at its end stays the date's caption."""
    em, flow = lay.flow.em, lay.flow
    if any(kind == "signature_caption" and top >= lay.after_tables - 0.1 for top, kind, _h in lay.stops):
        return
    notes = [top for top, kind, _h in lay.stops if kind == "boilerplate" and top > lay.after_tables]
    labels = lay.template.sections.signature_captions
    if not notes or not labels:
        return
    under = min(notes)
    near = lambda t: under - SIGNATURE_CAPTION_EM * em <= t.top < under
    hits = lay.matcher.find(labels, within=near, min_score=SIGNATURE_CAPTION_SCORE)
    if hits:
        best = max(hits, key=lambda h: h.score)
    else:
        dates = {norm(d) for d in lay.template.sections.signature_date_caption}
        lines = [[t for t in ln.toks if t.i not in lay.used and t.norm not in dates] for ln in flow.lines
                 if ln.toks and near(ln.toks[0])]
        scored = [(max(fuzz.partial_ratio(" ".join(t.norm for t in toks), norm(label)) for label in labels), toks)
                  for toks in lines if len(toks) >= 2]
        score, toks = max(scored, key=lambda st: st[0], default=(0, []))
        if score < SIGNATURE_CAPTION_PARTIAL:
            return
        best = Hit(labels[0], toks, 0.5 * score / 100)
    # what OCR made of the caption's start ("Seee" for "** Signature", boxed as a line of its own)
    # is where the signature column starts
    cy = best.first.cy
    lead = [t for t in flow.toks if abs(t.cy - cy) < 0.6 * em and best.x0 - SIGNATURE_CAPTION_LEAD_EM * em <= t.x0
            and t.x1 <= best.x0 and t.i not in lay.used and t.i not in best.ids]
    if lead:
        best = Hit(best.label, sorted(lead, key=lambda t: t.x0) + best.toks, best.score)
    lay.stops.append((best.top, "signature_caption", best))
    lay.stops.sort(key=lambda s: s[0])


def _find_boxes(lay: Layout, owner_hits: list[Hit], first_caption: float) -> None:
    flow, matcher, template, em = lay.flow, lay.matcher, lay.template, lay.flow.em
    top_limit = owner_hits[0].top - 1.5 * em if owner_hits else 0.0
    labels: dict[str, Hit] = {}
    for box in template.boxes:
        def in_zone(t: Tok) -> bool:
            return top_limit <= t.top < first_caption
        h = matcher.find_one(box.labels, within=in_zone, min_score=0.75)
        if h is not None:
            labels[box.id] = h
            lay.used |= h.ids
    if not labels:
        return
    _place_owner_label(lay, labels)
    zone_top = min(h.top for h in labels.values())
    lay.box_zone = (zone_top, first_caption)
    boiler = template.relationship.boilerplate
    for h in matcher.find(boiler, within=lambda t: zone_top - em <= t.top < first_caption, min_score=0.8):
        if not (h.ids & set().union(*(l.ids for l in labels.values()))):
            lay.used |= h.ids
    # each word goes to the box whose label is nearest above-left of it
    order = sorted(labels.items(), key=lambda kv: kv[1].x0)
    areas: dict[str, list[Tok]] = {k: [] for k in labels}
    for t in flow.toks:
        if t.i in lay.used or not (zone_top - 0.3 * em <= t.top < first_caption):
            continue
        cands = [(bid, h) for bid, h in order if h.x0 <= t.x0 + 0.6 * em and h.top <= t.top + 0.3 * em]
        if not cands:
            continue
        col_x = max(h.x0 for _, h in cands)
        same_col = [(bid, h) for bid, h in cands if h.x0 >= col_x - 1.5 * em]
        bid, _ = max(same_col, key=lambda kv: kv[1].top)
        areas[bid].append(t)
    for bid, h in labels.items():
        lay.boxes[bid] = BoxArea(h, sorted(areas[bid], key=lambda t: t.i))


def _place_owner_label(lay: Layout, labels: dict[str, Hit]) -> None:
    """Box 1 (the reporting person's name and address) heads the page's top left, its label on the
    line of the boxes beside it. A scan may garble that label past matching ("Name eporting
    erson"", with "1. Name and Address of" lost): then the words left of the other labels on
    their first line stand for it, with a weak label score, so the name and address are still
    read (and flagged) instead of lost."""
    box = next((b for b in lay.template.boxes if b.parser == "name_address"), None)
    if box is None or box.id in labels:
        return
    em = lay.flow.em
    top = min(h.top for h in labels.values())
    right = min(h.x0 for h in labels.values())
    toks = [t for t in lay.flow.toks if abs(t.top - top) < 0.8 * em and t.x1 < right - em and t.i not in lay.used]
    if toks:
        h = Hit(box.labels[0], sorted(toks, key=lambda t: t.i), PLACED_LABEL_SCORE)
        labels[box.id] = h
        lay.used |= h.ids


def _table_captions(matcher: Matcher, template: Template) -> dict[str, Hit]:
    """Each table's caption: where the caption words stand, the table they read best as (OCR that
    drops an "I" of "Table II" still says "Derivative", not "Non-Derivative"), and of a table's
    captions the first on the page that reads about as well as its best (the others repeat it above
    a continuation)."""
    found: list[tuple[str, Hit]] = [(t.id, h) for t in template.tables for h in matcher.find(t.caption, min_score=0.75)]
    mine = [(tid, h) for tid, h in found
            if not any(o is not h and o.ids & h.ids and o.score > h.score for _, o in found)]
    out: dict[str, Hit] = {}
    for table in template.tables:
        hits = [h for tid, h in mine if tid == table.id]
        if hits:
            best = max(h.score for h in hits)
            out[table.id] = min((h for h in hits if h.score >= best - CAPTION_SLACK), key=lambda h: h.first.i)
    return out


def _build_grid(lay: Layout, table, caption: Hit) -> Grid | None:
    flow, matcher, em = lay.flow, lay.matcher, lay.flow.em
    limit = lay.next_stop(caption.top + 0.1)
    hdr = read_header(flow, matcher, table, caption.bottom - 0.2 * em, limit)
    if hdr is None:
        return None
    lay.used |= hdr.ids
    # a header read down to the next caption's line (OCR boxes are tall) still ends at that caption
    body_bottom = lay.next_stop(min(hdr.bottom, limit) - 0.1)
    body = [t for t in flow.toks if hdr.bottom + 0.1 <= t.cy < body_bottom and t.i not in lay.used]
    bands_by_page, body = _continuation_headers(lay, table, hdr, body, body_bottom)
    for page, bands in bands_by_page.items():
        on_page = [t for t in body if t.page == page]
        refine_sub_edges(bands, on_page)
        if flow.doc.style == "layout":   # a pdftotext dump's body may stand on another grid than its header
            bands_by_page[page] = better_bands(bands, on_page)
        elif flow.doc.is_ocr and on_page:   # a scan shows its cell borders
            off = flow.page_top[page]
            bands_by_page[page] = ruled_bands(bands, flow.doc.pages[page - 1].rules,
                                              min(t.top for t in on_page) - off, max(t.bottom for t in on_page) - off)
    rows, stray = build_rows(flow, bands_by_page, body, ruled=True)
    end = body_bottom if body_bottom != float("inf") else max((t.bottom for t in body), default=hdr.bottom)
    first = bands_by_page[min(bands_by_page)] if bands_by_page else hdr.bands
    # an empty table's header ends the tables: not below the next heading, which OCR's tall word
    # boxes of the header's last line reach into ("Explanation of Responses" right under Table II)
    return Grid(table, caption, min(hdr.bottom, limit), end, first, rows, hdr.ids, stray)


def _continuation_headers(lay: Layout, table, first: Header, body: list[Tok], limit: float
                          ) -> tuple[dict[int, list[Band]], list[Tok]]:
    """A table that runs onto the next page may repeat its caption and header there. Drop them,
    and read that page's column bands from the repeated header (a text dump lays out each page on
    its own character grid); pages without one keep the bands of the page before."""
    flow, matcher, em = lay.flow, lay.matcher, lay.flow.em
    pages = sorted({t.page for t in body})
    bands = {}
    current = first.bands
    drop: set[int] = set()
    for p in pages:
        on_page = [t for t in body if t.page == p]
        if p != pages[0]:
            top = min(t.top for t in on_page)
            caps = matcher.find(table.caption, within=lambda t: t.page == p and t.top < top + 2 * em, min_score=0.75)
            start = max([top] + [h.bottom for h in caps])
            rep = read_header(flow, matcher, table, start - 0.2 * em, limit, depth_em=REPEAT_DEPTH_EM)
            if rep is not None and sum(1 for b in rep.bands if b.header is not None) >= HEADER_REPEAT_NEED:
                current = rep.bands
                drop |= rep.ids | {t.i for h in caps for t in h.toks}
                drop |= {t.i for t in on_page if t.top <= rep.bottom}
        bands[p] = current
    return bands, [t for t in body if t.i not in drop]
