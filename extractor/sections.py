"""The parts of a form that are not tables: name and address blocks, relationship marks, the
reporting owners listed after the tables, explanation of responses, remarks and signatures."""
from __future__ import annotations

import dataclasses
from typing import Callable

import regex as re

from rapidfuzz import fuzz

from .candidate import Cand, from_parsed
from .cell_reread import reread_band
from .checkbox_ink import mark_in_slot
from .flow import Tok, flow_lines, join_words, norm, wrap_certainty
from .grid import Band, build_rows
from .layout import PLACED_LABEL_SCORE, Layout, is_mark, mark_before
from .line_reread import reread_garbled_lines, reread_lines
from .match import Hit
from .spelling import ABBREVIATIONS
from .templates import Leaf
from .values import parse_date
from .zip_states import US_STATES, ZIP_CODE as _ZIP

OWNER_FIELDS = ["name", "street1", "street2", "city", "state", "zip_code", "is_director", "is_officer",
                "is_ten_percent_owner", "is_other", "officer_title", "other_text"]
_STATE = re.compile(r"^(?=.*[A-Z])[A-Z0-9]{2}$")   # "CA", and EDGAR's codes for other countries: "X0", "K3", "2M"
_DATE_SHAPE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")
_TRAILING_SIGNS = re.compile(r"(?:\s+[^\w\s]+)+$")   # words of signs only, at the end
OPTION_PITCH = 1.3           # relationship options' line pitch in their labels' word heights
RULE_LINE_MAX_CONF = 0.5     # a line of words none read surer than this ...
RULE_LINE_MEAN_CONF = 0.3    # ... and this sure on average is what OCR made of a rule
REST_MIN_CONF = 0.5          # a word OCR was less sure of is no rest of a wrapped city ("Reet" for "(Street)")
DROPPED_STRUCTURE = 0.3      # the structure evidence of a part left empty where such a line was dropped
_CITY_LINE = re.compile(r"^(?P<city>.+?),\s*(?P<state>[A-Z][A-Z0-9])(?:\s+(?P<zip>[\w-]+(?:\s[\w]{3})?))?$")
# (a number's group or decimals after it, "100,000 exercisable", is no note's number)
_FOOTNOTE_START = re.compile(r"^(?:\((\d{1,3})\)|(\d{1,3})\.(?!\d))(.*)$")
# OCR reads a note's "4." as "4," now and then: taken only as the next number in sequence
_FOOTNOTE_START_OCR = re.compile(r"^(?:\((\d{1,3})\)|(\d{1,3})[.,](?!\d))(.*)$")
OCR_NOTE_SKIP = 3     # how many unreadable note numbers a scan's sequence may pass over
# words that make an owner's name a company's, whose number is its own ("Partners Fund 3 LP")
COMPANY_WORDS = frozenset({"inc", "corp", "ltd", "bros", "assoc", "intl", "mgmt", "lp", "llc", "llp", "co", "fund",
                           "trust", "partners", "holdings", "capital", "group", "ventures", "management", "investors",
                           "associates", "offshore"})
GHOST_SHARE = 0.7        # a word this much within a longer word's width was read on another line ...
GHOST_HOST_CONF = 0.5    # ... when OCR was this sure of the longer word (junk's box spans anything)
_BRACKETS = re.compile(r"[\[\]{}|]")
TAIL_REMAINS_WORDS = 4    # an option label's damaged "(specify below)" is at most this many words ...
TAIL_REMAINS_SCORE = 80   # ... that read as part of it this well (rapidfuzz partial ratio)


# ---------------------------------------------------------------------------- reading order
def reading_lines(toks: list[Tok], em: float) -> list[list[Tok]]:
    """Tokens grouped into visual lines (vertical overlap, so a smaller font beside a larger one
    stays on its line), each sorted left to right, lines top to bottom."""
    lines: list[list[Tok]] = []
    extent: list[tuple[float, float, int]] = []         # top, bottom, page of each line so far
    centre: list[float] = []                            # mid-height of each line's first token
    for t in sorted(toks, key=lambda t: (t.top, t.x0)):
        home = None
        for k in range(len(lines) - 1, -1, -1):            # recent lines first: tokens come top down
            top, bottom, page = extent[k]
            if bottom < t.top - em:
                break
            ov = min(bottom, t.bottom) - max(top, t.top)
            # and the centres close: OCR boxes can be taller than the line pitch of small print,
            # where half an overlap would chain two lines of a footnote into one
            near = abs(t.cy - centre[k]) <= 0.6 * min(t.bottom - t.top, bottom - top)
            if ov >= 0.5 * min(t.bottom - t.top, bottom - top) and near and t.page == page:
                home = k
                break
        if home is None:
            lines.append([t])
            extent.append((t.top, t.bottom, t.page))
            centre.append(t.cy)
        else:
            top, bottom, page = extent[home]
            lines[home].append(t)
            extent[home] = (min(top, t.top), max(bottom, t.bottom), page)
    for ln in lines:
        ln.sort(key=lambda t: t.x0)
    lines.sort(key=lambda ln: min(t.top for t in ln))
    return lines


def without_ghosts(line: list[Tok]) -> list[Tok]:
    """A scanned line's words less those lying within a word at least twice as long, read surely:
    two words of one printed line never overlap, so such a word is what OCR read on another line
    and grouped with this one. Under a linked issuer name the pieces of its underline, broken round
    the descenders, read as letters: "Megalith i Financial i i Acquisition isiti Corp"."""
    def within(b: Tok, a: Tok) -> bool:
        return a is not b and len(a.text) >= 2 * len(b.text) and a.word.conf >= GHOST_HOST_CONF \
            and a.word.bbox.x_overlap(b.word.bbox) >= GHOST_SHARE * max(1e-6, b.word.bbox.width)
    # a bracket stays: at 150 dpi OCR's box of the ticker's "[" reaches back over the name's last word
    return [b for b in line if _BRACKETS.search(b.text) or not any(within(b, a) for a in line)]


_join = join_words


def _cand(toks: list[Tok], label: float, **kw) -> Cand:
    text = _join(toks)
    kw["structure"] = kw.get("structure", 1.0) * wrap_certainty(toks)
    return Cand(text or None, list(toks), text, label=label, kind="text", **kw)


# ---------------------------------------------------------------------------- name and address
def parse_name_address(lay: Layout, toks: list[Tok], label: float) -> dict[str, Cand]:
    na = lay.template.name_address
    em = lay.flow.em
    pool = set(toks)
    # captions are single parenthesised words; "STREET" in an address is not "(Street)" (on a scan
    # one may have lost its opening parenthesis: "City) (State) Zip)")
    ocr = lay.flow.doc.is_ocr
    caption_like = lambda t: t.text.startswith("(") or (ocr and len(t.text) > 2 and t.text.endswith(")"))
    find = lambda labels: lay.matcher.find(labels, within=lambda t: t in pool and caption_like(t), min_score=0.8)
    name_caps = find(na.name_captions)
    street_caps = find(na.street_captions)
    city_caps = sorted(find(na.city_captions), key=lambda h: h.x0)
    cap_ids = set().union(*(h.ids for h in name_caps + street_caps + city_caps)) if (name_caps or street_caps or city_caps) else set()
    if lay.flow.doc.is_ocr and cap_ids:
        # a caption garbled past matching beside one that matched ("(ast) (ren, (peice)") is one too
        cap_lines = {t.line for t in toks if t.i in cap_ids}
        cap_ids |= {t.i for t in toks if t.line in cap_lines and caption_like(t) and t.i not in cap_ids}
    rel = find(na.relationship_heading) if na.relationship_heading else []
    rel_top = min((h.top for h in rel), default=float("inf"))
    rel_i = min((h.first.i for h in rel), default=None)
    content = [t for t in toks if t.i not in cap_ids and t.i not in lay.used and not _before_rel(t, rel_top, rel_i)]
    gone: list[Tok] = []
    if lay.flow.doc.is_ocr:
        kept = _without_rule_lines(content, em)
        gone, content = [t for t in content if t not in kept], kept
    dropped = bool(gone)
    order = [t for ln in reading_lines(content + [t for h in name_caps + street_caps + city_caps for t in h.toks], em)
             for t in ln]
    pos = {t.i: k for k, t in enumerate(order)}

    def first_pos(hits: list[Hit], default: int) -> int:
        return min((pos[t.i] for h in hits for t in h.toks if t.i in pos), default=default)

    def last_pos(hits: list[Hit], default: int) -> int:
        return max((pos[t.i] for h in hits for t in h.toks if t.i in pos), default=default)

    n = len(order)
    name_end = first_pos(name_caps, -1)
    after_name = last_pos(name_caps, -1)
    street_at = first_pos(street_caps, -1)
    after_street = last_pos(street_caps, -1)
    city_at = first_pos(city_caps, n)
    vals = lambda a, b: [t for t in order[a:b] if t.i not in cap_ids]
    structure = 1.0 if name_caps and street_caps and city_caps else 0.7
    lines = reading_lines(content, em)
    if name_end < 0:                   # no captions: first line is the name
        name_toks = lines[0] if lines else []
    else:
        name_toks = vals(0, name_end)
    if street_at < 0:
        street_toks = vals(max(after_name + 1, 0) if name_end >= 0 else len(name_toks), city_at)
        city_toks: list[Tok] = []
    else:
        street_toks = vals(after_name + 1, street_at)
        city_toks = vals(after_street + 1, city_at)
    if lay.flow.doc.is_ocr:
        name_toks = _name_without_dust([t for ln in reading_lines(name_toks, em) for t in without_ghosts(ln)])
    out = {"name": _cand(name_toks, label, structure=structure)}
    street_lines = reading_lines(street_toks, em)
    if street_at < 0 and not city_toks and len(street_lines) >= 2:
        # no "(Street)" caption read: the city line is the last line before "(City)", when it
        # ends in a state and a postal code ("PASADENA CA 91105"), with the rest of a city that
        # wrapped round them ("MENLO CA 94025" / "PARK", "MENLO" / "CA 94025" / "PARK")
        n = _wrapped_city(street_lines, em)
        if n:
            city_toks = [t for ln in street_lines[-n:]
                         for t in (ln if _city_shaped(ln) or _state_zip(ln) else _city_rest(ln))]
            street_lines = street_lines[:-n]
        street_toks = [t for ln in street_lines for t in ln]
    if lay.flow.doc.is_ocr:
        city_toks = _scanned_city_line(city_toks, em)
    out["street1"] = _cand(street_lines[0] if street_lines else [], label, structure=structure)
    out["street2"] = _cand([t for ln in street_lines[1:] for t in ln], label, structure=structure)
    out.update(split_city_line(city_toks, city_caps, label * (1.0 if structure == 1.0 else 0.9), em))
    city = out["city"]
    if lay.flow.doc.is_ocr and isinstance(city.value, str) and _TRAILING_SIGNS.search(city.value):
        city.value = _TRAILING_SIGNS.sub("", city.value) or None   # a sign read after the city ("VIEW =")
    zc = out["zip_code"]
    if lay.flow.doc.is_ocr and isinstance(zc.value, str) and _ZIP.match(zc.value.rstrip(",.;")):
        zc.value = zc.value.rstrip(",.;")          # a comma read after the code ("59715,")
    state = out["state"]
    if lay.flow.doc.is_ocr and isinstance(state.value, str) and len(state.value.strip("—–-_.,'\"")) == 2:
        state.value = state.value.strip("—–-_.,'\"")     # a dash or a speck read beside the code ("—P7")
    if lay.flow.doc.is_ocr and isinstance(state.value, str) and len(state.value) == 2 and state.value.isalpha():
        # a state is a postal code, in capitals; OCR tells "co" from "CO" by the letters' height only
        # (letters that are no state code are a misreading: validate.py's state_code_unknown)
        state.value = state.value.upper()
    if dropped:
        # a line taken for a rule may have been the field's print, garbled past reading: a part
        # left empty is then no sure blank, nor a city that line runs on under ("SAN" /
        # "FRANCISco. CS\" valseed" dropped: the city would be "SAN" at 0.94; a name has the
        # rule it is underlined with under it)
        for key, c in out.items():
            if c.value is None or (key == "city" and any(_right_under(t, c.toks, em) for t in gone)):
                c.structure = min(c.structure, DROPPED_STRUCTURE)
    return out


def _city_shaped(line: list[Tok]) -> bool:
    """A line ending in a state code and a postal code, after a word: "PASADENA CA 91105"."""
    words = [t.text.strip(",") for t in line]
    return len(words) >= 3 and bool(_STATE.match(words[-2].upper())) and bool(_ZIP.match(words[-1]))


def _right_under(t: Tok, toks: list[Tok], em: float) -> bool:
    """`t` stands right under the words `toks`, touching them (a line they wrapped onto)."""
    return bool(toks) and t.cy > max(u.cy for u in toks) and t.top - max(u.bottom for u in toks) < 0.3 * em \
        and t.x0 < max(u.x1 for u in toks) and t.x1 > min(u.x0 for u in toks)


def _state_zip(line: list[Tok]) -> bool:
    """A line of a state code and a postal code alone ("CA 94025": a city wrapped round them)."""
    words = [t.text.strip(",") for t in line]
    return len(words) == 2 and bool(_STATE.match(words[0].upper())) and bool(_ZIP.match(words[1]))


def _wrapped_city(lines: list[list[Tok]], em: float) -> int:
    """How many of the last `lines` are the city line: the last one ending in a state and a
    postal code, or holding only them, with the lines of capitalized words wrapped tight round
    it (less than half an em between: "MENLO" / "CA 94025" / "PARK"). The first line is the
    street's and is never the city's. 0 when there is no such line."""
    at = next((k for k in range(len(lines) - 1, 0, -1) if _city_shaped(lines[k]) or _state_zip(lines[k])), None)
    if at is None or not all(_city_rest(ln) or all(_dust(t) for t in ln) for ln in lines[at + 1:]):
        return 0
    start = at
    while start > 1 and _city_rest(lines[start - 1]) \
            and min(t.top for t in lines[start]) - max(t.bottom for t in lines[start - 1]) < 0.5 * em:
        start -= 1
    return len(lines) - start if _city_shaped(lines[at]) or start < at or at < len(lines) - 1 else 0


def _city_rest(line: list[Tok]) -> list[Tok]:
    """The words of a line of capitalized words, the rest of a city that wrapped ("PARK" under
    "MENLO CA 94025", "YORK," under "NEW NY 10003"), less dust read beside them ("HILLS ati");
    none when the line is no such rest."""
    words = [t for t in line if not _dust(t)]
    name = lambda t: (len(w := t.text.rstrip(",.")) > 1 and w.isalpha() and w[0].isupper()
                      and t.word.conf >= REST_MIN_CONF)
    return words if words and all(name(t) for t in words) else []


def _dust(t: Tok) -> bool:
    """A word OCR made of dust: one to three small letters ("ati" beside "HILLS")."""
    return t.text.islower() and len(t.text) <= 3


def _without_rule_lines(toks: list[Tok], em: float) -> list[Tok]:
    """A scanned name and address less the lines OCR made of a rule across the box (the line
    under the name, over "(Last) (First) (Middle)": "Se Seppe paar ae SaES"): every word of such
    a line is read with almost no confidence, where a garbled word of print stands among surer ones;
    and less lines of dust: a glyph or two in lower case ("i"), which no name or address line is."""
    keep = []
    for ln in reading_lines(toks, em):
        confs = [t.word.conf for t in ln]
        dust = all(len(t.text) <= 2 and not any(ch.isupper() or ch.isdigit() for ch in t.text) for t in ln)
        if not dust and (max(confs) >= RULE_LINE_MAX_CONF or sum(confs) / len(confs) >= RULE_LINE_MEAN_CONF):
            keep += ln
    return keep


def _scanned_city_line(toks: list[Tok], em: float) -> list[Tok]:
    """A scanned city line less what OCR added: specks in the state code ("T™X", "—P7"), signs
    between the words ("ANAHEIM = CA 92806"), and the "(City) (State) (Zip)" captions under it
    garbled past matching, a line of their own ("= eae cies (cin)")."""
    lines = reading_lines(toks, em)
    if not lines:
        return toks
    first = [t for t in lines[0] if any(ch.isalnum() for ch in t.text)]
    if len(first) >= 3 and _ZIP.match(first[-1].text.strip(",")):
        code = re.sub(r"[^A-Za-z0-9]", "", first[-2].text)
        if code != first[-2].text and len(first[-2].text) - len(code) <= 2 and _STATE.match(code.upper()):
            t = first[-2]
            first[-2] = t.retext(code)
    # a line of capitalized words under it is the rest of a city that wrapped ("MOUNTAIN CA 94043"
    # / "VIEW"), not captions
    wrapped = any(_city_rest(ln) for ln in lines[1:])
    return first if _city_shaped(first) and not wrapped else toks


def _name_without_dust(toks: list[Tok]) -> list[Tok]:
    """A scanned owner's name less what OCR made of dust at its end: a lone lower-case letter
    ("Marcoux Jarret J. x"; EDGAR prints names in capitals or capitalized) or a period after a
    whole name word ("Stadlen Tommy."; an initial or an abbreviation keeps its own); and a quote
    closing a word ("Musk' Elon": no name of the corpus has one, "O'Shea" keeps its own); and a
    lone digit inside a person's name ("Hollister 3 Steve": a name of at most four words with no
    other digit; the corpus's names with a number are companies': "StoneBridge 2017 Offshore")."""
    while len(toks) > 1 and len(toks[-1].text) == 1 and toks[-1].text.islower():
        toks = toks[:-1]
    if toks and (last := toks[-1]).text.endswith(",") and len(last.text) > 1:
        # no name of the corpus ends with a comma: dust ("Stadlen Tommy,")
        text = last.text[:-1]
        toks = toks[:-1] + [last.retext(text)]
    digits = [t for t in toks if any(ch.isdigit() for ch in t.text)]
    person = not any(re.sub(r"[^a-z]", "", t.text.lower()) in COMPANY_WORDS for t in toks)
    if person and len(toks) <= 4 and len(digits) == 1 and len(digits[0].text) == 1 \
            and toks[0] is not digits[0] is not toks[-1]:
        toks = [t for t in toks if t is not digits[0]]
    toks = [t.retext(t.text.rstrip("'")) if len(t.text) > 2 and t.text.endswith("'") and t.text[-2].isalpha() else t
            for t in toks]
    if toks and (last := toks[-1]).text.endswith(".") and last.text[:-1].isalpha() and len(last.text) > 3 \
            and last.text[:-1].lower() not in ABBREVIATIONS:
        text = last.text[:-1]
        toks = toks[:-1] + [last.retext(text)]
    return toks


def _before_rel(t: Tok, rel_top: float, rel_i: int | None) -> bool:
    return rel_i is not None and (t.top >= rel_top - 0.1 or t.i >= rel_i)


def split_city_line(toks: list[Tok], caps: list[Hit], label: float, em: float) -> dict[str, Cand]:
    """City, state and zip: by the caption columns when the page spreads them out, by the
    'City, ST 12345' shape, else by the shape of the last words (state code, postal code)."""
    keys = ["city", "state", "zip_code"]
    if not toks:
        return {k: Cand(None, label=label, kind="text") for k in keys}
    lines = reading_lines(toks, em)
    if len(lines) > 1:
        # a city wrapped around the state and zip in a narrow box ("SAN" / "CA 94103" / "FRANCISCO")
        for ln in lines:
            tail = " ".join(t.text for t in ln[1:])
            if _STATE.match(ln[0].text) and (not tail or (len(tail) <= 10 and any(ch.isdigit() for ch in tail))):
                city = [t for other in lines if other is not ln for t in other]
                return {"city": _cand(city, label, structure=0.9), "state": _cand(ln[:1], label, structure=0.9),
                        "zip_code": _cand(ln[1:], label, structure=0.9)}
    spread = len(caps) == 3 and caps[1].x0 - caps[0].x0 > 3 * em and caps[2].x0 - caps[1].x0 > 2 * em
    if spread and all(t.bottom <= min(c.top for c in caps) + 0.2 * em for t in toks):
        edges = [caps[1].x0 - 0.5 * em, caps[2].x0 - 0.5 * em]
        cols: list[list[Tok]] = [[], [], []]
        for t in toks:
            k = 0 if t.cx < edges[0] else (1 if t.cx < edges[1] else 2)
            cols[k].append(t)
        # a text dump may shift the state left into the city's column ("MORRISVILLE NC   27560"),
        # or the zip into the state's
        if not cols[1] and len(cols[0]) > 1 and _STATE.match(cols[0][-1].text):
            cols[1] = [cols[0].pop()]
        if not cols[2] and len(cols[1]) > 1 and any(ch.isdigit() for ch in cols[1][-1].text):
            cols[2] = [cols[1].pop()]
        if all(len({t.line for t in c}) <= 2 for c in cols):
            # a column's words line by line: a city wrapped short of a line's height below its
            # start ("SAN" / "FRANCISCO" 4 pt lower and 2 pt further left) is read after it
            return {k: _cand(sorted(c, key=lambda t: (t.line, t.x0)), label) for k, c in zip(keys, cols)}
    text = _join(toks)
    m = _CITY_LINE.match(text)
    if m:
        city, state, zc = m.group("city"), m.group("state"), m.group("zip")
        return _split_by_text(toks, [city, state, zc], keys, label, 0.95)
    words = [t.text for t in toks]
    s = _state_index(words)
    if s is not None:
        return {"city": _cand(toks[:s], label, structure=0.9), "state": _cand([toks[s]], label, structure=0.9),
                "zip_code": _cand(toks[s + 1:], label, structure=0.9)}
    if any(ch.isdigit() for ch in words[-1]):
        return {"city": _cand(toks[:-1], label, structure=0.7), "state": Cand(None, label=label, structure=0.7),
                "zip_code": _cand(toks[-1:], label, structure=0.7)}
    return {"city": _cand(toks, label, structure=0.6), "state": Cand(None, label=label, structure=0.6),
            "zip_code": Cand(None, label=label, structure=0.6)}


def _state_index(words: list[str]) -> int | None:
    """Which word is the state: a two-character code followed by nothing or by a postal code.
    "AMSTERDAM P7 1019 GM" -> P7 (a foreign postal code may hold a space and letters)."""
    best = None
    for i in range(len(words) - 1, 0, -1):
        tail = " ".join(words[i + 1:])
        if not _STATE.match(words[i].upper()) or (tail and (len(tail) > 10 or not any(ch.isdigit() for ch in tail))):
            continue                # (upper: a scan tells "cT" from "CT" by height only)
        score = (2 if tail else 0) + (1 if words[i] in US_STATES or any(ch.isdigit() for ch in words[i]) else 0)
        if best is None or score > best[0]:
            best = (score, i)
    return best[1] if best else None


def _split_by_text(toks: list[Tok], parts: list[str | None], keys: list[str], label: float,
                   structure: float) -> dict[str, Cand]:
    out, k = {}, 0
    for key, part in zip(keys, parts):
        if not part:
            out[key] = Cand(None, label=label, structure=structure, kind="text")
            continue
        n = len(part.split())
        mine = toks[k:k + n]
        k += n
        out[key] = Cand(part, mine, part, label=label, structure=structure, kind="text")
    return out


# ---------------------------------------------------------------------------- relationship
def parse_relationship(lay: Layout, toks: list[Tok], label: Hit | None) -> dict[str, Cand]:
    opts = lay.template.relationship.options
    em = lay.flow.em
    pool = set(toks)
    out: dict[str, Cand] = {}
    option_hits: dict[str, Hit] = {}
    base = label.score if label is not None else 0.9
    for field, labels in opts.items():
        hits = lay.matcher.find(labels, within=lambda t: t in pool and t.i not in lay.used, min_score=0.8)
        if not hits:
            out[field] = Cand(False, label=0.4 * base, kind="flag", notes=["option label not found"])
            continue
        h = min(hits, key=lambda h: (h.top, h.x0))
        option_hits[field] = h
        m = mark_before(lay, h, toks)
        checked = m.checked
        if m.tok is None and (ink := mark_in_slot(lay, h)) is not None:
            checked = ink                   # a scan: a lone "X" Tesseract dropped, seen in the ink
        out[field] = Cand(checked, [m.tok] if m.tok else [], m.tok.text if m.tok else "",
                          label=min(base, h.score), kind="flag", area=(h.first.page, h.first.word.bbox))
    if lay.flow.doc.is_ocr:
        _placed_options(lay, out, option_hits, list(opts), base)
    _one_option_per_mark(out, option_hits, em)
    used = set().union(*(h.ids for h in option_hits.values())) if option_hits else set()
    # what is left of an option label read by its first word only ("Other" + "(specify below)"),
    # however a text dump scattered its words
    for tail in lay.template.relationship.tails:
        words = norm(tail).split()
        found = [next((t for t in toks if t.norm == w and t.i not in used), None) for w in words]
        if all(found):
            used |= {t.i for t in found}
    last_option = max((h.first.i for h in option_hits.values()), default=-1)
    # box 6's lines ("X Form filed by One Reporting Person") when its label was not found and its
    # words fell to this box: the title ends above them
    joint = [h for labels in lay.template.joint_filing.options.values()
             for h in lay.matcher.find(labels, within=lambda t: t in pool, min_score=0.85)]
    below = min((h.top for h in joint), default=float("inf")) - 0.5 * em
    rest = [t for t in toks if t.i not in used and t.i not in lay.used and not is_mark(lay, t)
            and (t.i > last_option or not option_hits) and t.top < below]
    rest = [t for ln in reading_lines(rest, em) for t in ln]
    officer = out.get("is_officer", Cand(False)).value
    other = out.get("is_other", Cand(False)).value
    other_hit = option_hits.get("is_other")
    apart = _columns_apart(rest, other_hit, em)
    if apart is not None:
        # text under the Officer option and text under the Other option (the newer rendering's two
        # cells) are the title and the other text, whichever boxes are checked
        title, spec = apart
        s = 1.0 if officer and other else 0.9
    elif officer and other:
        title, spec, s = _split_title_other(rest, other_hit, em)
    elif other and not officer:
        title, spec, s = [], rest, 1.0
    else:
        title, spec, s = rest, [], 1.0 if officer or not rest else 0.7
    tails = lay.template.relationship.tails
    out["officer_title"] = _cand(_without_tail_remains(title, tails), base, structure=s)
    out["other_text"] = _cand(_without_tail_remains(spec, tails), base, structure=s)
    return out


def _placed_options(lay: Layout, out: dict[str, Cand], hits: dict[str, Hit], order: list[str], base: float) -> None:
    """Options whose label a scan lost (Tesseract drops the line "X Director 10% Owner" now and
    then): the four options print two to a line in the template's order, so a lost label stands
    above or below the one found in its column, a line's pitch away (that of the other column's
    pair when both were found), and its slot is read in the ink there. Weakly labelled."""
    if len(order) != 4:
        return
    at = lambda row, col: order[2 * row + col]
    for k, field in enumerate(order):
        row, col = divmod(k, 2)
        partner = at(1 - row, col)
        if field in hits or partner not in hits:
            continue
        h = hits[partner]
        side, side_partner = at(row, 1 - col), at(1 - row, 1 - col)
        if side in hits and side_partner in hits:
            pitch = abs(hits[side].top - hits[side_partner].top)
        else:
            pitch = OPTION_PITCH * (h.first.bottom - h.first.top)
        dy = -pitch if row == 0 else pitch
        moved = Hit(h.label, [dataclasses.replace(t, top=t.top + dy, bottom=t.bottom + dy) for t in h.toks], h.score)
        ink = mark_in_slot(lay, moved)
        if ink is not None:
            out[field] = Cand(ink, label=PLACED_LABEL_SCORE * base, kind="flag",
                              notes=["option label not read: placed over or under its column's other option"])


def _one_option_per_mark(out: dict[str, Cand], hits: dict[str, Hit], em: float) -> None:
    """A check mark ticks one option: the one on whose line it stands, right before its label. A
    scan's "X" before "Officer" sits within reach of "Director" on the line above, and of "Other"
    further along its own line (the reach is in ems, and a scan's em runs high), and ticked them."""
    by_mark: dict[int, list[str]] = {}
    for field, c in out.items():
        if c.value is True and c.toks:
            by_mark.setdefault(c.toks[0].i, []).append(field)
    for fields in by_mark.values():
        if len(fields) < 2:
            continue
        mark = out[fields[0]].toks[0]
        # the option on the mark's line, and of those the one whose label starts right after it
        keep = min(fields, key=lambda f: (round(abs(hits[f].first.cy - mark.cy) / (0.5 * em)), hits[f].x0 - mark.x1))
        for f in fields:
            if f != keep:
                out[f] = Cand(False, label=out[f].label, kind="flag", area=out[f].area,
                              notes=["the mark before it is the next option's"])


def _without_tail_remains(toks: list[Tok], tails: list[str]) -> list[Tok]:
    """The words less a leading "(specify below)" or "(give title below)" that OCR damaged past
    the exact match ("(speci b elow)", "bel elow)", "(specify helow)"): the longest run of first
    words that reads as part of a tail, TAIL_REMAINS_SCORE or better, and the marks after it."""
    keys = [norm(t).replace(" ", "") for t in tails]
    fits = lambda text: len(text) >= 4 and max(fuzz.partial_ratio(text, k) for k in keys) >= TAIL_REMAINS_SCORE
    cut, text = 0, ""
    for n, t in enumerate(toks[:TAIL_REMAINS_WORDS], 1):
        text += t.norm
        if fits(text):
            cut = n
        elif cut == n - 1 and fits(t.norm):
            # the remains of both tails, one after the other ("below)" "(specity")
            cut, text = n, t.norm
    # and what is left of it beyond reading: marks alone (") CEO", ">.< Chief Financial Officer",
    # "-"), or a first word closing a parenthesis no word opens ("boon) CEO")
    rest = toks[cut:]
    while rest and (not any(ch.isalnum() for ch in rest[0].text)
                    or (rest[0].text.endswith(")") and "(" not in " ".join(t.text for t in rest))):
        rest = rest[1:]
    return rest


def _columns_apart(rest: list[Tok], other_hit: Hit | None, em: float) -> tuple[list[Tok], list[Tok]] | None:
    if other_hit is None or not rest:
        return None
    edge = other_hit.x0 - 0.5 * em
    left = [t for t in rest if t.x1 < edge]
    right = [t for t in rest if t.x0 >= edge]
    if left and right and len(left) + len(right) == len(rest) and \
            min(t.x0 for t in right) - max(t.x1 for t in left) > 1.0 * em:
        return left, right
    return None


def _split_title_other(rest: list[Tok], other_hit: Hit | None, em: float) -> tuple[list[Tok], list[Tok], float]:
    """Officer title and other text when both boxes are checked: two cells side by side (by the
    widest gap on the line), else by the column of the "Other" option; else all is the title."""
    lines = reading_lines(rest, em)
    if len(lines) == 1 and len(lines[0]) > 1:
        ln = lines[0]
        gaps = sorted(((ln[k + 1].x0 - ln[k].x1, k) for k in range(len(ln) - 1)), reverse=True)
        widest, k = gaps[0]
        runner_up = gaps[1][0] if len(gaps) > 1 else 0.0
        if widest > 1.2 * em and runner_up < 0.7 * widest:
            return ln[: k + 1], ln[k + 1:], 0.9
    if other_hit is not None:
        title = [t for t in rest if t.x0 < other_hit.x0 - 0.5 * em]
        spec = [t for t in rest if t.x0 >= other_hit.x0 - 0.5 * em]
        return title, spec, 0.85
    return rest, [], 0.5


# ---------------------------------------------------------------------------- after the tables
def assemble_footer(lay: Layout, first_owner: dict[str, Cand]) -> dict:
    sig_rows, sig_top = _signatures(lay)
    owners = _owners(lay, first_owner, sig_top)
    return {"reporting_owners": owners, "footnotes": _footnotes(lay, sig_top),
            "remarks": _remarks(lay, sig_top), "signatures": sig_rows}


def _region(lay: Layout, heading_kind: str, sig_top: float) -> tuple[Hit, list[Tok]] | None:
    hit = next((h for y, k, h in lay.stops if k == heading_kind and y >= lay.after_tables - 0.1), None)
    if hit is None:
        return None
    # printed boilerplate inside the part (the 2003 look lists the "*" notes first) is skipped, not
    # an end: its words are already set aside
    end = lay.next_stop(hit.top + 0.1, {"remarks", "footnotes", "signature_caption", "signatures_heading",
                                        "owner_block", "owners_grid", "caption"})
    if hit.bottom < sig_top < end:
        end = sig_top
    toks = [t for t in lay.flow.toks if hit.bottom - 0.1 * lay.flow.em < t.cy < end and t.i not in lay.used
            and t.i not in hit.ids]
    return hit, toks


def _footnotes(lay: Layout, sig_top: float) -> list[dict]:
    reg = _region(lay, "footnotes", sig_top)
    if reg is None:
        return []
    hit, toks = reg
    em = lay.flow.em
    notes: list[tuple[str, list[list[Tok]], float]] = []       # id, lines, how sure the split is
    toks = reread_garbled_lines(lay.flow, toks)                 # scans: lines read as one garbled band
    # a scan's word boxes of small print can be taller than its line pitch, so the reading lines
    # would chain two lines of a note into one, word by word: the flow's own lines are kept
    lines = flow_lines(toks) if lay.flow.doc.is_ocr else reading_lines(toks, em)
    lines = reread_lines(lay.flow, lines)                       # scans: doubtful lines read again
    left = min((ln[0].x0 for ln in lines), default=0)
    last_id = 0
    before: list[list[Tok]] = []                # lines ahead of the first number read
    for ln in lines:
        first = ln[0]
        ocr = first.word.conf < 1.0
        m = _FOOTNOTE_START.match(first.text)
        if m is None and ocr:
            m = _FOOTNOTE_START_OCR.match(first.text)
        n = int(m.group(1) or m.group(2)) if m else 0
        # numbered in sequence: a wrapped line that happens to start with "10." is not note 10. On a
        # scan a note's number may be unreadable: a later number (a few on) takes up the sequence
        # again, rather than every later note joining the one before the unreadable number.
        resync = ocr and last_id + 1 < n <= last_id + OCR_NOTE_SKIP
        starts = m and first.x0 <= left + 1.5 * em and (n == last_id + 1 or resync or (not notes and n >= 1))
        if starts:
            if resync and notes:
                notes[-1:] = _split_unnumbered(notes[-1], last_id, n)
            elif not notes and before and ocr and 1 < n <= 1 + OCR_NOTE_SKIP:
                # the first notes' numbers garbled past reading ("ihe acha" for "1. This Form 4"):
                # the lines before the first number read are notes 1 to n-1, to be reviewed
                notes = _split_unnumbered(("1", before, 0.5), 1, n)
            fid = m.group(1) or m.group(2)
            last_id = int(fid)
            rest = m.group(3)
            notes.append((fid, [ln[1:] if not rest else ln], 1.0))  # glued "1.Text": number stripped below
        elif notes:
            notes[-1][1].append(ln)
        else:
            before.append(ln)
    if not notes and before and before[0][0].word.conf < 1.0:
        # not one note's number read (small print at the margin lost): the notes as the lines
        # run, one starting after each line that ends a sentence, to be reviewed
        ends = sum(1 for ln in before[:-1] if ln and ln[-1].text.endswith("."))
        notes = _split_unnumbered(("1", before, 0.5), 1, ends + 2)
    out = []
    for fid, note_lines, sure in notes:
        body = [t for ln in note_lines for t in ln]
        text = _join(body)
        number = next((p for p in (f"{fid}.", f"({fid})", f"{fid},") if body and body[0].text.startswith(p)), None)
        if number:
            text = text[len(number):].strip()
        out.append({"id": Cand(fid, [], fid, label=hit.score * sure, kind="code"),
                    "text": Cand(text or None, body, text, label=hit.score * sure, kind="text")})
    return out


def _split_unnumbered(note: tuple[str, list[list[Tok]], float], last_id: int, n: int
                      ) -> list[tuple[str, list[list[Tok]], float]]:
    """The notes between `last_id` and `n` whose numbers OCR could not read ran into note
    `last_id`: each starts at one of its last lines that follows a finished sentence (in order);
    a note no such line is left for stands empty, to be reviewed."""
    fid, note_lines, sure = note
    missing = [str(k) for k in range(last_id + 1, n)]
    starts = [j for j in range(1, len(note_lines)) if note_lines[j - 1] and note_lines[j - 1][-1].text.endswith(".")]
    starts = starts[-len(missing):]
    cuts = [0] + starts + [len(note_lines)]
    parts = [note_lines[a:b] for a, b in zip(cuts, cuts[1:])]
    out = [(fid, parts[0], sure)]
    for k, mid in enumerate(missing):
        out.append((mid, parts[k + 1] if k + 1 < len(parts) else [], 0.5))
    return out


def _remarks(lay: Layout, sig_top: float) -> Cand:
    reg = _region(lay, "remarks", sig_top)
    if reg is None:
        return Cand(None, kind="text")
    hit, toks = reg
    lines = reading_lines(toks, lay.flow.em)
    body = [t for ln in lines for t in ln]
    page = hit.first.page
    area = (page, hit.first.word.bbox)
    return _cand(body, hit.score, area=area)


def _signatures(lay: Layout) -> tuple[list[dict], float]:
    """Signature rows (name, date) above the '** Signature of Reporting Person' caption.

    The block is read upwards from the caption: a line with a date belongs to it, a line of name
    words belongs to it when it touches the line below (a wrapped name) or sits right above a
    date; text reaching left of the signature column, a heading, or a wider gap ends it. Words are
    names or dates by what they are, not by column, so a text dump's shifted columns still read;
    rows are split around the dates."""
    flow, em = lay.flow, lay.flow.em
    caps = [h for y, k, h in lay.stops if k == "signature_caption" and y >= lay.after_tables - 0.1]
    if not caps:
        return [], float("inf")
    # the 2003 look prints the captions under every signature; the block ends at the last one
    first_cap, cap = caps[0], caps[-1]
    date_cap = None
    for c in caps:
        lay.used |= c.ids
        date_cap = lay.matcher.find_one(lay.template.sections.signature_date_caption,
                                        within=lambda t: -0.8 * em < t.cy - c.first.cy < 1.8 * em and t.x0 > c.x0,
                                        min_score=0.9)
        if date_cap is not None:
            lay.used |= date_cap.ids
    heading_bottom = max((h.bottom for y, k, h in lay.stops if y < first_cap.top and y >= lay.after_tables - 0.1
                          and k != "signature_caption" and h.ids.isdisjoint(cap.ids)), default=lay.after_tables)
    # under a "Signatures" heading (2003 look) everything down to the last caption is the block
    headed = any(k == "signatures_heading" and h.bottom <= heading_bottom + 0.1 for y, k, h in lay.stops
                 if y < first_cap.top)
    name_x0 = cap.x0 - 2.5 * em
    # on a scan, what stands under the "Date" caption is its date however OCR garbled it ("4)
    # 449993", "weiate ere" for a date; the names wrap short of that column); a text dump's
    # columns shift, so there only a date's shape counts
    date_x0 = date_cap.x0 - 0.5 * em if date_cap is not None and flow.doc.is_ocr else float("inf")
    # (not a lone mark: a date centred between two name lines is cut in two, '20/2023' and '"')
    is_date = lambda t: _is_date(t) or (t.x0 >= date_x0 and any(ch.isalnum() for ch in t.text))
    block: list[Tok] = []
    prev_top, prev_was_date, prev_page = cap.top, False, cap.first.page
    for ln in reversed([ln for ln in flow.lines if heading_bottom < ln.cy < cap.top]):
        toks = [t for t in ln.toks if t.i not in lay.used]
        if not toks:
            continue
        if headed:
            block = toks + block
            continue
        if min(t.x0 for t in toks) < name_x0:
            break
        # a page break between two lines says nothing about how far apart they were printed
        gap = prev_top - max(t.bottom for t in toks) if ln.page == prev_page else 0.5 * em
        has_date = _date_cell(toks, em, is_date)
        if has_date and gap > 3.0 * em:
            break
        # the line right over the caption is the signature's last, across the rule it is signed
        # on (a scan's words are boxed by their ink: edgartools-0004's Form 5 scan at 200 dpi, 1.1 em)
        touching = (1.2 if not block else 0.7) * em
        if not has_date and not (gap <= touching or (prev_was_date and gap <= 3.0 * em)):
            break
        block = toks + block
        prev_top, prev_was_date, prev_page = min(t.top for t in toks), has_date, ln.page
    name_band = Band(Leaf("sig", 0, ("name",), "name", "text", True, False, {}), -1e9, 1e9, cap, cap.score)
    date_band = Band(Leaf("sig", 1, ("date",), "date", "date", False, True, {}), min(date_x0, 1e9), 1e9, cap, cap.score)
    # names wrap around their date when the page centres them (printed pages, text dumps: lines
    # touch); a Markdown-like rendering gives each name a paragraph of its own above its date
    lines = reading_lines(block, em)
    centred = any(b[0].top - max(t.bottom for t in a) < 0.6 * em for a, b in zip(lines, lines[1:]))
    # the date band holds dates only (band_of), each an anchor, garbled or not
    rows, _ = build_rows(flow, [name_band, date_band], block, anchor_type=None,
                         band_of=lambda t: date_band if is_date(t) else name_band, centred=centred)
    if date_x0 < float("inf"):
        reread_band(lay, date_band, rows)          # scans: a garbled date read again alone
    out = [_signature(r.cells.get("sig.0", []), r.cells.get("sig.1", []), cap.score * r.split_margin) for r in rows]
    if not rows and block and date_cap is not None:
        # no date could be read (OCR garbles one): still one signature, its date whatever stands
        # under the "Date" caption, to be read (or found unreadable) as a date
        edge = date_cap.x0 - 0.5 * em
        out = [_signature([t for t in block if t.x1 <= edge], [t for t in block if t.x1 > edge], cap.score * 0.5)]
    return out, min((t.top for t in block), default=cap.top)


def _is_date(t: Tok) -> bool:
    """A date, or a word shaped like one that OCR garbled ("95/93/2023" for 02/03/2023): it
    still ends its signature's row, and stays a date to be repaired or flagged."""
    text = t.text.rstrip(",.;")
    return parse_date(text).value is not None or bool(_DATE_SHAPE.match(text))


def _date_cell(toks: list[Tok], em: float, is_date: Callable[[Tok], bool]) -> bool:
    """The line ends in a date standing in a cell of its own (alone, or a column gap after the
    name, or under the "Date" caption) — not a date inside a sentence of a footnote."""
    last = toks[-1]
    if not is_date(last):
        return False
    return len(toks) == 1 or last.x0 - toks[-2].x1 > 1.5 * em or not _is_date(last)


def _signature(name_toks: list[Tok], date_toks: list[Tok], label: float) -> dict:
    date_text = _join(date_toks).rstrip(",.;")
    p = parse_date(date_text)
    return {"name": _cand(name_toks, label), "date": from_parsed(p, date_toks, date_text, "date", label=label)}


def _owners(lay: Layout, first: dict[str, Cand], sig_top: float) -> list[dict]:
    blocks = lay.owner_labels
    if blocks:
        owners = []
        for i, h in enumerate(blocks):
            end = blocks[i + 1].top if i + 1 < len(blocks) else lay.next_stop(
                h.top + 0.1, {"footnotes", "remarks", "signature_caption", "signatures_heading", "boilerplate",
                              "owners_grid", "caption"})
            end = min(end, sig_top) if sig_top > h.top else end
            toks = [t for t in lay.flow.toks if h.top - 0.1 <= t.top < end and t.x0 >= h.x0 - lay.flow.em
                    and t.i not in lay.used and t.i not in h.ids]
            owner = parse_name_address(lay, toks, h.score)
            owner.update(parse_relationship(lay, toks, h))
            owners.append(_complete(owner))
        return owners
    grid = _owners_grid(lay, sig_top)
    if grid:
        return grid
    return [_complete(first)] if first else []


def _owners_grid(lay: Layout, sig_top: float) -> list[dict]:
    """The 2003-era "Reporting Owners" grid: one row per owner, the name and address in the first
    column, an X (or the title, after an X) under Director / 10% Owner / Officer / Other."""
    spec = lay.template.owners_grid
    heading = next((h for y, k, h in lay.stops if k == "owners_grid" and y >= lay.after_tables - 0.1), None)
    if spec is None or heading is None:
        return []
    flow, em = lay.flow, lay.flow.em
    end = min(lay.next_stop(heading.top + 0.1), sig_top if sig_top > heading.top else float("inf"))
    zone = lambda t: heading.bottom <= t.top < min(end, heading.bottom + 6 * em) and t.i not in lay.used
    hits: list[Hit | None] = []
    for col in spec.columns:
        found = lay.matcher.find(col.labels, within=zone, min_score=0.85)
        hits.append(min(found, key=lambda h: h.top) if found else None)
    if hits[0] is None or sum(h is not None for h in hits[1:]) < 2:
        return []
    header_bottom = max(h.bottom for h in hits if h is not None)
    rel = [(c, h) for c, h in zip(spec.columns[1:], hits[1:]) if h is not None]
    edges = [rel[0][1].x0 - 0.5 * em] + [(a.x1 + b.x0) / 2 for (_, a), (_, b) in zip(rel, rel[1:])] + [1e9]
    bands = [Band(Leaf("owner", 0, tuple(spec.columns[0].labels), "name_address", "text", True, False, {}),
                  -1e9, edges[0], hits[0], hits[0].score)]
    for k, (c, h) in enumerate(rel):
        bands.append(Band(Leaf("owner", k + 1, tuple(c.labels), c.field, "text", True, True, {}),
                          edges[k], edges[k + 1], h, h.score))
    body = [t for t in flow.toks if header_bottom < t.cy < end and t.i not in lay.used
            and not any(h is not None and t.i in h.ids for h in hits)]
    rows, _ = build_rows(flow, bands, body, anchor_type=None, merge_em=2.0, join_runs=True)
    owners = []
    for r in rows:
        owner = _grid_name_address(r.cells.get("owner.0", []), heading.score * r.split_margin, em)
        for b in bands[1:]:
            cell = r.cells.get(b.leaf.key, [])
            mark = [t for t in cell if is_mark(lay, t)]
            text = [t for t in cell if not is_mark(lay, t)]
            owner[b.leaf.field] = Cand(bool(cell), mark or cell, _join(cell), label=b.score, kind="flag")
            extra = {"is_officer": "officer_title", "is_other": "other_text"}.get(b.leaf.field)
            if extra:
                owner[extra] = _cand(text, b.score)
        owners.append(_complete(owner))
    return owners


def _grid_name_address(toks: list[Tok], label: float, em: float) -> dict[str, Cand]:
    """Name, street lines and "CITY, ST ZIP" stacked in one cell."""
    lines = reading_lines(toks, em)
    out = {"name": _cand(lines[0] if lines else [], label)}
    streets = lines[1:-1] if len(lines) > 2 else []
    out["street1"] = _cand(streets[0] if streets else [], label)
    out["street2"] = _cand([t for ln in streets[1:] for t in ln], label)
    out.update(split_city_line(lines[-1] if len(lines) > 1 else [], [], label, em))
    return out


def _complete(owner: dict[str, Cand]) -> dict[str, Cand]:
    return {f: owner.get(f) or Cand(None, label=0.5, kind="text", notes=["not found"]) for f in OWNER_FIELDS}
