"""`--debug-image DIR`: each page with what the analyzer found drawn on it.

Box regions and their labels (blue), table column bands (orange), rows (grey) and every field's
source box coloured by confidence (green >= threshold, red below). It is the picture to look at
when a field comes out wrong. Drawn with pdfplumber's page images for PDFs; scans and page images
are drawn on the OCR'd raster.
"""
from __future__ import annotations

from pathlib import Path

from .layout import Layout
from .model import Extraction

RESOLUTION = 110


def write_debug_images(layout: Layout, ex: Extraction, data: bytes, out_dir: Path, threshold: float) -> list[Path]:
    doc = layout.flow.doc
    if doc.kind != "pdf":
        return []
    import io

    import pdfplumber
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = Path(ex.source.path).stem or "stdin"
    written = []
    flow = layout.flow
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for pno, page in enumerate(pdf.pages, start=1):
            im = page.to_image(resolution=RESOLUTION)
            off = flow.page_top.get(pno, 0.0)
            for area in layout.boxes.values():
                toks = [area.label.first] + area.toks
                on = [t for t in toks if t.page == pno]
                if on:
                    im.draw_rect((min(t.x0 for t in on) - 2, min(t.top for t in on) - off - 2,
                                  max(t.x1 for t in on) + 2, max(t.bottom for t in on) - off + 2),
                                 fill=(40, 90, 220, 18), stroke=(40, 90, 220), stroke_width=1)
            for g in layout.grids.values():
                rows = [r for r in g.rows if r.anchor is not None and r.anchor.page == pno]
                if not rows:
                    continue
                top = min(r.top for r in rows) - off
                bottom = max(r.bottom for r in rows) - off
                for b in g.bands:
                    x0 = max(0.0, b.x0)
                    x1 = min(float(page.width), b.x1)
                    im.draw_rect((x0, top - 3, x1, bottom + 3), fill=(255, 150, 0, 12), stroke=(230, 120, 0),
                                 stroke_width=1)
                for r in rows:
                    im.draw_hline(r.bottom - off + 2, stroke=(120, 120, 120), stroke_width=1)
            for f in ex.fields:
                if f.page == pno and f.bbox:
                    ok = f.confidence >= threshold
                    im.draw_rect(tuple(f.bbox), fill=(0, 180, 0, 35) if ok else (230, 0, 0, 60),
                                 stroke=(0, 150, 0) if ok else (220, 0, 0), stroke_width=1)
            path = out_dir / f"{stem}-p{pno}.png"
            im.save(str(path))
            written.append(path)
    return written
