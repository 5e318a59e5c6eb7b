"""A candidate value with its provenance and the evidence its confidence is computed from."""
from __future__ import annotations

from dataclasses import dataclass, field

from .flow import Flow, Tok
from .geometry import BBox
from .values import Parsed


@dataclass
class Cand:
    value: object = None
    toks: list[Tok] = field(default_factory=list)
    text: str = ""
    # evidence, each in [0, 1] (1 = no doubt from that source); see confidence.py
    label: float = 1.0          # how well the label that locates the value matched
    fit: float = 1.0            # how well the text fits the value's format
    position: float = 1.0       # how clearly the words belong to this cell/box
    structure: float = 1.0      # how certain the split of a compound (address line, wrapped cell) is
    notes: list[str] = field(default_factory=list)
    area: tuple[int, BBox] | None = None    # where a blank value would have been
    kind: str = ""              # value type (date, number, ...), for the confidence model

    @property
    def ocr(self) -> float:
        return min((t.word.conf for t in self.toks), default=1.0)

    def where(self, flow: Flow) -> dict:
        """page + bbox (PDF points) or line (text inputs) of the source words, else of the area."""
        toks = self.toks
        if toks:
            if toks[0].word.line is not None:
                return {"line": toks[0].word.line}
            pb = flow.page_bbox(toks)
            if pb:
                return {"page": pb[0], "bbox": _as_filed(flow, *pb).rounded()}
        if self.area is not None:
            page, box = self.area
            if flow.doc.is_text:
                line = _text_line_at(flow, page, box)
                return {"line": line} if line else {}
            return {"page": page, "bbox": _as_filed(flow, page, box).rounded()}
        return {}


def _as_filed(flow: Flow, page: int, box: BBox) -> BBox:
    """The box on the input's own page (a scan turned upright to be read: page.Page.as_filed)."""
    for p in flow.doc.pages:
        if p.number == page:
            return p.as_filed(box)
    return box


def _text_line_at(flow: Flow, page: int, box: BBox) -> int | None:
    """For text inputs: the source line nearest the area's top."""
    best = None
    for t in flow.toks:
        if t.page == page and t.word.line is not None:
            d = abs(t.word.bbox.top - box.top)
            if best is None or d < best[0]:
                best = (d, t.word.line)
    return best[1] if best else None


def from_parsed(p: Parsed, toks: list[Tok], text: str, kind: str, **evidence) -> Cand:
    c = Cand(p.value, list(toks), text, fit=p.fit, kind=kind, **evidence)
    if p.note:
        c.notes.append(p.note)
    return c
