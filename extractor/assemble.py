"""Layout -> draft record: every leaf a `Cand` with its provenance and evidence.

The draft mirrors the record of the output contract (dicts and lists), with `Cand` leaves.
"""
from __future__ import annotations

import regex as re

from .candidate import Cand, from_parsed
from .checkbox_ink import boxed_mark
from .flow import Flow, Tok, join_words, wrap_certainty
from .geometry import BBox
from .grid import Grid, Row
from .layout import Layout, is_mark, mark_before
from .match import Hit
from .sections import (assemble_footer, parse_name_address, parse_relationship, reading_lines, without_ghosts)
from .values import MARK_WORD, parse, parse_date

NON_DERIVATIVE_TX = ["security_title", "transaction_date", "deemed_execution_date", "transaction_code",
                     "voluntarily_reported", "shares", "acquired_disposed_code", "price_per_share",
                     "shares_owned_following_transaction", "direct_or_indirect_ownership", "nature_of_ownership"]
NON_DERIVATIVE_HOLDING = ["security_title", "shares_owned_following_transaction", "direct_or_indirect_ownership",
                          "nature_of_ownership"]
DERIVATIVE_TX = ["security_title", "conversion_or_exercise_price", "transaction_date", "deemed_execution_date",
                 "transaction_code", "voluntarily_reported", "shares", "acquired_disposed_code", "exercise_date",
                 "expiration_date", "underlying_security_title", "underlying_security_shares", "price_per_share",
                 "shares_owned_following_transaction", "direct_or_indirect_ownership", "nature_of_ownership"]
DERIVATIVE_HOLDING = ["security_title", "conversion_or_exercise_price", "exercise_date", "expiration_date",
                      "underlying_security_title", "underlying_security_shares", "shares_owned_following_transaction",
                      "direct_or_indirect_ownership", "nature_of_ownership"]
ROW_FIELDS = {
    ("non_derivative", False): ("non_derivative_transactions", NON_DERIVATIVE_TX),
    ("non_derivative", True): ("non_derivative_holdings", NON_DERIVATIVE_HOLDING),
    ("derivative", False): ("derivative_transactions", DERIVATIVE_TX),
    ("derivative", True): ("derivative_holdings", DERIVATIVE_HOLDING),
}
TRANSACTION_FIELDS = ("transaction_date", "transaction_code", "shares")
UNREAD_BOX_LABEL = 0.6      # the label evidence of a scan's checkbox whose label was not found

# the name stops at the first "[" (a scan may show the bracket twice: "Facebook Inc [ [FB] FB")
_TICKER = re.compile(r"^(?P<name>[^\[]*?)\s*\[[\s\[]*(?P<ticker>[^\[\]]*?)\s*\](?P<rest>.*)$")
# OCR reads the closing bracket as "J", "|", ")", "}" or "l": "LINKEDIN CORP [ LNKD J", as an
# opening one before a second reading of the ticker: "SYNOPSYS INC [ SNPS ['snps | =", or loses it
# ("Hall of Fame Resort & Entertainment Co [ HOFV")
OCR_CLOSERS = "J|)l}"
OCR_OPENERS = "J|(L{I1"       # what OCR reads an opening bracket as (upper case: the ticker is)
# The ticker itself may come out in lower case, after a second bracket or a quote ("[ ['snps SNPS"),
# with an "I" read "!" or "|" ("[ TWN! J"), and be followed by a second reading of itself
_TICKER_OCR = re.compile(r"^(?P<name>[^\[]*?)\s*\[[\s\['‘`]*(?P<ticker>[A-Za-z][A-Za-z.\-!|]{0,7})(?:\s*["
                         + re.escape(OCR_CLOSERS) + r"](?P<rest>(?:\s.*)?)|\s+(?P<rest>.*)|(?P<rest>))$")
_TICKER_I = str.maketrans("!|", "II")
# a lone capital after the company's suffix is dust on a scan ("PHARMACEUTICALS, INC. N"); a
# series numeral stays ("Senior Connect Acquisition Corp. I": 3 of the corpus's issuers)
_SUFFIX_DUST = re.compile(r"(?i)(\b(?:inc|corp|ltd|llc|co|plc)\.?,?) (?-i:[A-HJ-UWYZ])$")
# ... or loses the opening one altogether: "Copper Property CTL Pass Through Trust NONE ]"
_TICKER_NO_OPEN = re.compile(r"^(?P<name>[^\[\]]*?)\s+(?P<ticker>[A-Z][A-Z.\-]{0,7})\s*\](?P<rest>.*)$")
# ... or reads both as letters glued to it, the box's last word: "Doma Holdings, Inc. IDOMAI"
_TICKER_GLUED = re.compile(r"^(?P<name>.*\S)\s+[IJl|\[](?P<ticker>(?![IVX]+[IJl|\]]$)[A-Z][A-Z.\-]{0,6})[IJl|\]](?P<rest>)$")


def assemble(lay: Layout) -> dict:
    t = lay.template
    flow = lay.flow
    draft: dict = {}
    box = lay.boxes
    amendment = _box_date(lay, _date_box_for(t, "date_of_original_submission"))
    doc_type = t.amended_document_type if amendment.value else t.document_types[0]
    draft["document_type"] = Cand(doc_type, label=_detect_strength(lay), kind="code",
                                  notes=["amendment date present" if amendment.value else ""])
    draft["period_of_report"] = _box_date(lay, _date_box_for(t, "period_of_report"))
    draft["date_of_original_submission"] = amendment
    for field in ("not_subject_to_section_16", "aff10b5_one", "form3_holdings_reported", "form4_transactions_reported"):
        draft[field] = _checkbox(lay, field)
    draft["issuer"] = _issuer(lay)
    first_owner = {}
    name_box = next((b.id for b in t.boxes if b.parser == "name_address" and b.id in box), None)
    if name_box is not None:
        first_owner.update(parse_name_address(lay, box[name_box].toks, box[name_box].label.score))
    rel_box = next((b for b in t.boxes if b.parser == "relationship"), None)
    if rel_box and rel_box.id in box:
        first_owner.update(parse_relationship(lay, box[rel_box.id].toks, box[rel_box.id].label))
    tables = {"non_derivative_transactions": [], "non_derivative_holdings": [],
              "derivative_transactions": [], "derivative_holdings": []}
    for table in t.tables:
        g = lay.grids.get(table.id)
        if g is None:
            continue
        for row in g.rows:
            section, rec = _row_record(lay, g, row)
            tables[section].append(rec)
    draft.update(tables)
    footer = assemble_footer(lay, first_owner)
    draft["reporting_owners"] = footer["reporting_owners"]
    draft["footnotes"] = footer["footnotes"]
    draft["remarks"] = footer["remarks"]
    draft["signatures"] = footer["signatures"]
    draft["_joint"] = _joint_filing(lay)
    return draft


def _detect_strength(lay: Layout) -> float:
    return getattr(lay, "detect_score", 1.0)


def _date_box_for(t, field: str) -> str | None:
    return next((b.id for b in t.boxes if b.parser == "date" and b.field == field), None)


def _box_date(lay: Layout, box_id: str | None) -> Cand:
    if box_id is None:
        return Cand(None, kind="date")              # the form has no such box: null is certain
    if box_id not in lay.boxes:
        return Cand(None, label=0.3, notes=["box not found"], kind="date")
    area = lay.boxes[box_id]
    toks = [t for t in area.toks if not is_mark(lay, t)]
    label = area.label.score
    for t in toks:
        p = parse_date(t.text)
        if p.value is not None:
            extra = [u for u in toks if u is not t]
            c = from_parsed(p, [t], t.text, "date", label=label)
            if extra:
                c.position = 0.8
                c.notes.append("other text in the box: " + " ".join(u.text for u in extra)[:60])
            return c
    text = " ".join(t.text for t in toks)
    c = Cand(None, toks, text, label=label, kind="date", area=_label_area(lay.flow, area.label))
    if toks:
        c.fit = 0.2
        c.notes.append(f"no date in box: {text[:60]!r}")
    return c


def _label_area(flow: Flow, h: Hit) -> tuple[int, BBox]:
    page = h.first.page
    top = flow.page_top[page]
    return page, BBox(h.x0, h.bottom - top, h.x1, h.bottom - top + 2 * flow.em)


def _checkbox(lay: Layout, field: str) -> Cand:
    box = next((c for c in lay.template.checkboxes if c.field == field), None)
    if box is None:
        return Cand(None, kind="flag")          # the form has no such box: null is certain
    top_zone = lay.box_zone[0] if lay.box_zone else float("inf")
    h = lay.matcher.find_one(box.labels, within=lambda t: t.top < top_zone, min_score=0.7)
    if h is None:
        scan = any(p.image_dpi for p in lay.flow.doc.pages)
        if box.always_printed and scan:
            # a scan whose OCR garbled the label: the box is there, and most are blank
            return Cand(False, kind="flag", label=0.5, notes=["checkbox label not read; taken as blank"])
        # a box newer forms print (10b5-1, since 2023): on a scan its label may be there unread
        return Cand(None, kind="flag", label=UNREAD_BOX_LABEL if scan else 0.9, notes=["checkbox label not on the page"])
    lay.used |= h.ids
    m = mark_before(lay, h)
    checked = m.checked
    if m.tok is None and (ink := boxed_mark(lay, h)) is not None:
        checked = ink                       # a scan: the framed box read from the page image
    return Cand(checked, [m.tok] if m.tok else [], m.tok.text if m.tok else "", label=h.score, kind="flag",
                area=_label_area(lay.flow, h))


def _issuer(lay: Layout) -> dict:
    area = next((lay.boxes[b.id] for b in lay.template.boxes if b.parser == "issuer" and b.id in lay.boxes), None)
    if area is None:
        return {"name": Cand(None, label=0.3, kind="text"), "trading_symbol": Cand(None, label=0.3, kind="text")}
    lines = reading_lines(area.toks, lay.flow.em)
    if lay.flow.doc.is_ocr:
        lines = [without_ghosts(ln) for ln in lines]
    toks = [t for ln in lines for t in ln]
    text = join_words(toks)
    m = _TICKER.match(text)
    ocr = m is None and any(t.word.conf < 1.0 for t in toks)
    glued = ocr and not _TICKER_OCR.match(text) and not _TICKER_NO_OPEN.match(text) and _TICKER_GLUED.match(text)
    ocr_bracket = ocr and (_TICKER_OCR.match(text) or _TICKER_NO_OPEN.match(text) or glued)
    m = m or ocr_bracket
    label = area.label.score
    if not m:
        return {"name": Cand(text or None, toks, text, label=label, kind="text"),
                "trading_symbol": Cand(None, label=label, fit=0.5, kind="text", notes=["no [ticker] found"],
                                       area=_label_area(lay.flow, area.label))}
    name, ticker = m.group("name").strip(), m.group("ticker").strip()
    if lay.flow.doc.is_ocr:
        # tickers are upper case (284 of the corpus's 286) and print in small capitals: on a scan
        # a letter's case is only its height, which OCR guesses ("SNow", "cvGw", "snps")
        ticker = ticker.upper().translate(_TICKER_I)
        # a ticker has no space: a glyph before it is its opening bracket misread ("[ NONE ]" -> "J NONE")
        parts = ticker.split()
        while len(parts) > 1 and len(parts[0]) == 1 and parts[0] in OCR_OPENERS:
            parts = parts[1:]
        ticker = " ".join(parts)
        name = _SUFFIX_DUST.sub(r"\1", name)
    bracket = len(toks) - 1 if glued else next((i for i, t in enumerate(toks) if "[" in t.text), len(toks))
    closes = (lambda t: "]" in t.text or t.text[-1] in OCR_CLOSERS) if ocr_bracket else (lambda t: "]" in t.text)
    closing = next((i for i, t in enumerate(toks) if i > bracket and closes(t)), len(toks) - 1)
    name_toks = toks[: bracket + (1 if toks and bracket < len(toks) and toks[bracket].text.split("[")[0] else 0)]
    ticker_toks = [t for t in toks[bracket:closing + 1] if t.text.strip("[]")]
    # Words after "]" are not the issuer's (on a scan, the box's edge let a neighbour's words in):
    # dropped, and the two values are less sure for it.
    spill = {"fit": 0.6, "notes": ["words after the ticker dropped"]} if m.group("rest").strip() else {}
    if ocr_bracket:
        spill = {"fit": 0.7, "notes": spill.get("notes", []) + ["closing bracket read as a letter"]}
    return {"name": Cand(name or None, name_toks, name, label=label, kind="text", **spill),
            "trading_symbol": Cand(ticker or None, ticker_toks, ticker, label=label, kind="text",
                                   area=_label_area(lay.flow, area.label), **spill)}


def _joint_filing(lay: Layout) -> bool | None:
    b = next((b for b in lay.template.boxes if b.parser == "joint_filing"), None)
    if b is None or b.id not in lay.boxes:
        return None
    area = lay.boxes[b.id]
    more = lay.template.joint_filing.options.get("more", [])
    h = lay.matcher.find_one(more, within=lambda t: t in area.toks, min_score=0.85) if more else None
    if h is None:
        return None
    return mark_before(lay, h, area.toks).checked


# ---------------------------------------------------------------------------- table rows
def _row_record(lay: Layout, g: Grid, row: Row) -> tuple[str, dict]:
    flow, em = lay.flow, lay.flow.em
    parsed: dict[str, Cand] = {}
    marks: dict[str, list[str]] = {}
    mark_toks: dict[str, list[Tok]] = {}
    implied: dict[str, Cand] = {}
    explicit = lay.explicit_marks
    for band in g.bands:
        leaf = band.leaf
        toks = row.cells.get(leaf.key, [])
        value_toks, ids, _ = split_cell(toks, explicit and leaf.type == "text", lay.flow.em)
        text = join_words(value_toks)
        p = parse(leaf.type, text)
        position = min([row.split_margin] + [_edge_margin(band, t, em) for t in value_toks])
        c = from_parsed(p, value_toks, text, leaf.type, label=band.score, position=position,
                        area=_cell_area(flow, band, row))
        if leaf.wraps and len({t.line for t in value_toks}) > 1:
            c.structure = 0.97 * wrap_certainty(value_toks)
        if leaf.field in parsed and parsed[leaf.field].value is not None:
            if c.value is not None:                      # both (A) and (D) filled
                parsed[leaf.field].notes.append("amount in both (A) and (D)")
                parsed[leaf.field].structure = 0.3
            if ids:
                marks.setdefault(leaf.field, []).extend(ids)
                mark_toks.setdefault(leaf.field, []).extend(t for t in toks if t not in value_toks)
            continue
        if leaf.field in parsed and c.value is None and parsed[leaf.field].toks:
            pass
        else:
            parsed[leaf.field] = c
        if c.value is not None:
            for f, v in leaf.implies.items():
                implied[f] = Cand(v, [], v, label=band.score, position=position, kind="ad_code",
                                  area=c.area, notes=[f"implied by the {leaf.labels[0]} column"])
        if ids:
            marks.setdefault(leaf.field, []).extend(ids)
            mark_toks.setdefault(leaf.field, []).extend(t for t in toks if t not in value_toks)
    for f, c in implied.items():
        parsed.setdefault(f, c)
        if parsed[f].value is None:
            parsed[f] = c
    holding = g.table.holdings_only or (
        all(parsed.get(f) is None or parsed[f].value is None for f in TRANSACTION_FIELDS)
        and not any(f in marks for f in TRANSACTION_FIELDS))
    section, fields = ROW_FIELDS[(g.table.rows, holding)]
    rec: dict = {}
    for f in fields:
        c = parsed.get(f) or Cand(None, kind="text", area=_row_area(flow, row))
        if f == "voluntarily_reported" and c.value is None and not c.toks:
            c = Cand(False, [], "", label=c.label, kind="flag", area=c.area)
        rec[f] = c
    rec["footnote_ids"] = {f: Cand(sorted(set(ids), key=int), mark_toks.get(f, []),
                                   " ".join(t.text for t in mark_toks.get(f, [])), kind="marks",
                                   label=rec[f].label if f in rec else 1.0,
                                   position=rec[f].position if f in rec else 1.0)
                           for f, ids in marks.items() if f in fields}
    # the row's marks as a whole (output.row_marks): no words of its own, the row's band is where it is
    rec["_marks"] = Cand(None, kind="row_marks", area=_row_area(flow, row))
    return section, rec


_MARK_ID = re.compile(r"\((\d{1,3})\)")


MARK_HEIGHT_SHARE = 0.8    # a "(n)" less tall than this share of the word before it is a superscript


def split_cell(toks: list[Tok], explicit: bool, em: float) -> tuple[list[Tok], list[str], list[Tok]]:
    """A cell's words -> (value words, footnote mark ids, mark words).

    A rendering that prints marks as superscripts (or glued to their value) shows which "(n)" are
    marks; there an unflagged "(n)" one space after text is part of a text value
    ("Class B Common Stock (2)"). Elsewhere, and in number, date and code cells, every "(n)" is a
    mark."""
    value, ids, marks = [], [], []
    for k, t in enumerate(toks):
        m = MARK_WORD.match(t.text)
        if m and _is_mark(t, toks[:k], explicit, em):
            ids.extend(_MARK_ID.findall(t.text))
            marks.append(t)
        else:
            value.append(t)
    return value, ids, marks


def _is_mark(t: Tok, before: list[Tok], explicit: bool, em: float) -> bool:
    if t.word.sup is not None:
        return t.word.sup
    if not explicit:
        return True
    prev = [u for u in before if u.line == t.line and not MARK_WORD.match(u.text)]
    if not prev:
        return True
    # a superscript a text dump printed apart from its value stands further off than one space;
    # one OCR did not flag is printed smaller than its value ("LP" 9.7 pt, "(1)" 6.8 pt)
    small = t.bottom - t.top < MARK_HEIGHT_SHARE * (prev[-1].bottom - prev[-1].top)
    return small or t.x0 - prev[-1].x1 > 1.2 * em


def _edge_margin(band, t: Tok, em: float) -> float:
    """1.0 when the word's centre is well inside its band; lower near an edge."""
    d = min(t.cx - band.x0, band.x1 - t.cx)
    return 1.0 if d >= 0.8 * em else max(0.5, 0.5 + 0.5 * d / (0.8 * em))


def _cell_area(flow: Flow, band, row: Row) -> tuple[int, BBox]:
    page = row.anchor.page if row.anchor is not None else 1
    off = flow.page_top[page]
    width = flow.doc.pages[page - 1].width if page - 1 < len(flow.doc.pages) else 612.0
    x0 = max(0.0, band.x0)
    x1 = min(width, band.x1)
    top = max(0.0, row.top - off)
    bottom = max(top, row.bottom - off)
    return page, BBox(x0, top, max(x0, x1), bottom)


def _row_area(flow: Flow, row: Row) -> tuple[int, BBox]:
    page = row.anchor.page if row.anchor is not None else 1
    off = flow.page_top[page]
    width = flow.doc.pages[page - 1].width
    return page, BBox(0.0, row.top - off, width, row.bottom - off)
