"""`--debug-image DIR`: each page with what the analyzer found drawn on it.

Box regions and their labels (blue), table column bands (orange), rows (grey) and every field's
source box coloured by confidence (green >= threshold, red below). It is the picture to look at
when a field comes out wrong. PDF pages (born-digital or scanned) are rendered with pypdfium2, page
images drawn as they are; on a scan the boxes are those of the straightened page the analyzer read,
so on a skewed scan they sit up to the skew off the print, and a page scanned sideways or upside
down is drawn turned upright, as it was read. Text inputs have no page to draw on.
"""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from .geometry import BBox
from .layout import Layout
from .model import Extraction
from .page import Page

RESOLUTION = 110
BLUE, ORANGE, GREY, GREEN, RED = (40, 90, 220), (230, 120, 0), (120, 120, 120), (0, 150, 0), (220, 0, 0)


def _backgrounds(kind: str, data: bytes) -> list[Image.Image]:
    """Each page at RESOLUTION, in PDF points x RESOLUTION / 72."""
    scale = RESOLUTION / 72.0
    if kind in ("pdf", "scan"):
        import pypdfium2
        pdf = pypdfium2.PdfDocument(data)
        try:
            return [pdf[i].render(scale=scale).to_pil().convert("RGB") for i in range(len(pdf))]
        finally:
            pdf.close()
    if kind == "image":
        from .sources.raster import image_file_pages
        return [p.image.convert("RGB").resize((round(p.size[0] * scale), round(p.size[1] * scale)))
                for p in image_file_pages(data)]
    return []


def write_debug_images(layout: Layout, ex: Extraction, data: bytes, out_dir: Path, threshold: float) -> list[Path]:
    pages = _backgrounds(layout.flow.doc.kind, data)
    if not pages:
        return []
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = Path(ex.source.path).stem or "stdin"
    flow = layout.flow
    s = RESOLUTION / 72.0
    written = []
    read = {p.number: p for p in flow.doc.pages}
    for pno, base in enumerate(pages, start=1):
        turn = read[pno].turn if pno in read else 0
        base = base.rotate(turn, expand=True) if turn else base
        overlay = Image.new("RGBA", base.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        off = flow.page_top.get(pno, 0.0)

        def rect(x0, top, x1, bottom, stroke, alpha):
            draw.rectangle((x0 * s, top * s, x1 * s, bottom * s), fill=stroke + (alpha,), outline=stroke + (255,))

        for area in layout.boxes.values():
            on = [t for t in [area.label.first] + area.toks if t.page == pno]
            if on:
                rect(min(t.x0 for t in on) - 2, min(t.top for t in on) - off - 2,
                     max(t.x1 for t in on) + 2, max(t.bottom for t in on) - off + 2, BLUE, 18)
        for g in layout.grids.values():
            rows = [r for r in g.rows if r.anchor is not None and r.anchor.page == pno]
            if not rows:
                continue
            top, bottom = min(r.top for r in rows) - off, max(r.bottom for r in rows) - off
            for b in g.bands:
                rect(max(0.0, b.x0), top - 3, min(base.width / s, b.x1), bottom + 3, ORANGE, 12)
            for r in rows:
                y = (r.bottom - off + 2) * s
                draw.line((0, y, base.width, y), fill=GREY + (255,))
        # the fields' boxes are on the page as filed: set upright as the page was
        filed = Page(pno, base.height / s, base.width / s, turn=(360 - turn) % 360) if turn in (90, 270) \
            else Page(pno, base.width / s, base.height / s, turn=turn)
        for f in ex.fields:
            if f.page == pno and f.bbox:
                ok = f.confidence >= threshold
                box = filed.as_filed(BBox(*f.bbox))
                rect(box.x0, box.top, box.x1, box.bottom, GREEN if ok else RED, 35 if ok else 60)
        path = out_dir / f"{stem}-p{pno}.png"
        Image.alpha_composite(base.convert("RGBA"), overlay).convert("RGB").save(path)
        written.append(path)
    return written

