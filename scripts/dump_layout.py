"""Print what the layout analyzer found (a development aid)."""
import os
import sys

if os.environ.get("OCR_CACHE"):
    from devcache import cache_ocr
    cache_ocr(os.environ["OCR_CACHE"])

from extractor.flow import build_flow
from extractor.layout import analyze
from extractor.match import Matcher
from extractor.sources import load_document
from extractor.templates import bundled_templates

doc = load_document(sys.argv[1])
flow = build_flow(doc)
m = Matcher(flow)
from extractor.detect import detect_template
tmpl, _ = detect_template(m, list(bundled_templates()))
lay = analyze(flow, m, tmpl)
for bid, a in lay.boxes.items():
    print(bid, repr(a.label), "|", " ".join(t.text for t in a.toks))
for tid, g in lay.grids.items():
    print(tid, "header_bottom", round(g.header_bottom), "body_bottom", round(g.body_bottom))
    for b in g.bands:
        print(f"   {b.leaf.key:5s} {b.leaf.field:36s} {b.x0:8.1f} {b.x1:8.1f} {b.score:.2f} {b.header!r}")
    for r in g.rows:
        print("  ROW", round(r.top), round(r.split_margin, 2), {k: " ".join(t.text for t in v) for k, v in r.cells.items()})
    if g.stray:
        print("  STRAY", g.stray)
for s in lay.stops:
    print("stop", round(s[0]), s[1], s[2])
