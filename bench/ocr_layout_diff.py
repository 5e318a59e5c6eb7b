"""Where does the analyzer part ways on a scan? The same filing's born-digital PDF and scan side
by side, stage by stage: flow (lines, em), boxes found, table column bands (with their header
scores and positions), rows, and the record leaves that differ.

    .venv/bin/python bench/ocr_layout_diff.py CASE_DIR [--dpi 200]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.assemble import assemble  # noqa: E402
from extractor.detect import detect_template  # noqa: E402
from extractor.flow import build_flow  # noqa: E402
from extractor.layout import analyze  # noqa: E402
from extractor.match import Matcher  # noqa: E402
from extractor.output import build_record  # noqa: E402
from extractor.sources import load_document  # noqa: E402
from extractor.templates import resolve_template  # noqa: E402


def run(path: Path):
    doc = load_document(str(path), path.read_bytes())
    flow = build_flow(doc)
    matcher = Matcher(flow)
    tmpl, _ = detect_template(matcher, resolve_template(None))
    lay = analyze(flow, matcher, tmpl)
    return doc, flow, lay, build_record(assemble(lay))


def _flat(obj, prefix=""):
    if hasattr(obj, "model_dump"):
        obj = obj.model_dump(mode="json")
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _flat(v, f"{prefix}.{k}" if prefix else k)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _flat(v, f"{prefix}[{i}]")
    else:
        yield prefix, obj


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("case", type=Path)
    ap.add_argument("--dpi", type=int, default=200)
    a = ap.parse_args()
    runs = {"pdf": run(a.case / "form.pdf"), "scan": run(a.case / f"scan-{a.dpi}.pdf")}
    for name, (doc, flow, lay, _rec) in runs.items():
        print(f"== {name}: {len(flow.toks)} words, {len(flow.lines)} lines, em {flow.em:.2f}")
        print("   boxes:", sorted(lay.boxes))
        for gid, g in lay.grids.items():
            print(f"   {gid}: {len(g.rows)} rows, {len(g.stray)} stray words")
            for b in g.bands:
                head = " ".join(t.text for t in b.header.toks) if b.header else "-"
                print(f"      {b.leaf.key:<40} {b.x0:6.1f}-{b.x1:6.1f} score {b.score:.2f}  {head[:60]}")
            if g.stray:
                print("      stray:", " ".join(t.text for t in g.stray[:20]))
    pdf_rec, scan_rec = dict(_flat(runs["pdf"][3])), dict(_flat(runs["scan"][3]))
    print("== record leaves that differ (pdf | scan)")
    for k in sorted(set(pdf_rec) | set(scan_rec)):
        if pdf_rec.get(k) != scan_rec.get(k):
            print(f"   {k}: {pdf_rec.get(k)!r} | {scan_rec.get(k)!r}")


if __name__ == "__main__":
    main()
