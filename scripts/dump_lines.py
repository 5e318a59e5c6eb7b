"""Print the flow lines of an input with positions (a development aid)."""
import os
import sys

if os.environ.get("OCR_CACHE"):
    from devcache import cache_ocr
    cache_ocr(os.environ["OCR_CACHE"])

from extractor.flow import build_flow
from extractor.sources import load_document

doc = load_document(sys.argv[1])
flow = build_flow(doc)
print("em", round(flow.em, 2))
for ln in flow.lines:
    print(f"p{ln.page} L{ln.i:3d} y{ln.top:7.1f}  " + "  ".join(f"{t.text}@{t.x0:.0f}" for t in ln.toks))
