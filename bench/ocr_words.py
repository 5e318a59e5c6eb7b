"""How good are the OCR words? Scan pages against the born-digital words of the same page.

For each corpus case with scans, every page of `scan-<dpi>.pdf` is OCR'd (extractor.sources.ocr)
and compared with the text-layer words of the case's `form.pdf` (extractor.sources.pdf). The scan
is a printout of that PDF, so after a fitted scale+offset (the scanner's placement) each PDF word
should have an OCR word on the same spot with the same text.

    .venv/bin/python bench/ocr_words.py --dpi 150 200 300 [--limit N] [--psm 11] [--json out.json]

Reports per dpi: word accuracy (share of PDF words with an OCR word of identical text on their
spot), split into numbers, footnote marks and text; box error (median centre distance after
the fit, in points); the most frequent confusions; speed; and how word confidence tracks accuracy.
"""
from __future__ import annotations

import argparse
import collections
import difflib
import json
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.page import Word  # noqa: E402
from extractor.sources.ocr import OcrSettings, ocr_page  # noqa: E402
from extractor.sources.pdf import read_pdf_pages  # noqa: E402
from extractor.sources.raster import pdf_page_image  # noqa: E402

CORPUS = ROOT / ".." / "shared" / "corpus" / "form4"
_MARK = re.compile(r"^(\(\d{1,3}\))+$")


def word_class(text: str) -> str:
    """numbers (values: dates, shares, prices), marks ("(1)" footnote marks) or text."""
    if _MARK.match(text):
        return "mark"
    return "number" if any(ch.isdigit() for ch in text) else "text"


def scan_cases(corpus: Path, dpi: int) -> list[Path]:
    out = []
    for line in (corpus / "manifest.jsonl").read_text().splitlines():
        d = json.loads(line)
        if any(s["dpi"] == dpi for s in d.get("scans", [])):
            out.append(corpus / d["id"])
    return out


@dataclass
class Fit:
    ax: float = 1.0
    bx: float = 0.0
    ay: float = 1.0
    by: float = 0.0

    def box(self, w: Word) -> tuple[float, float, float, float]:
        b = w.bbox
        return (self.ax * b.x0 + self.bx, self.ay * b.top + self.by, self.ax * b.x1 + self.bx, self.ay * b.bottom + self.by)


def _lsq(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    n = len(pairs)
    mx = sum(p for p, _ in pairs) / n
    my = sum(q for _, q in pairs) / n
    sxx = sum((p - mx) ** 2 for p, _ in pairs)
    sxy = sum((p - mx) * (q - my) for p, q in pairs)
    a = sxy / sxx if sxx > 0 else 1.0
    return a, my - a * mx


def fit_ocr_to_pdf(ocr: list[Word], ref: list[Word]) -> Fit:
    """Scale+offset per axis mapping OCR boxes onto PDF boxes, from words unique on both pages."""
    def unique(ws):
        c = collections.Counter(w.text for w in ws)
        return {w.text: w for w in ws if c[w.text] == 1 and len(w.text) >= 4}
    uo, ur = unique(ocr), unique(ref)
    common = [(uo[t], ur[t]) for t in uo.keys() & ur.keys()]
    if len(common) < 6:
        return Fit()
    fit = Fit()
    for _ in range(3):      # refit without the pairs the previous fit leaves far off
        xs = [(o.bbox.cx, r.bbox.cx) for o, r in common]
        ys = [(o.bbox.cy, r.bbox.cy) for o, r in common]
        fit.ax, fit.bx = _lsq(xs)
        fit.ay, fit.by = _lsq(ys)
        kept = [(o, r) for o, r in common
                if abs(fit.ax * o.bbox.cx + fit.bx - r.bbox.cx) < 3 and abs(fit.ay * o.bbox.cy + fit.by - r.bbox.cy) < 3]
        if len(kept) < 6 or len(kept) == len(common):
            break
        common = kept
    return fit


def _overlap(a, b) -> float:
    """Intersection over the smaller box (a narrow OCR box of a single letter still counts)."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    small = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return w * h / small if small > 0 else 0.0


@dataclass
class Tally:
    ref: collections.Counter = field(default_factory=collections.Counter)
    ok: collections.Counter = field(default_factory=collections.Counter)
    ok_nocase: int = 0
    missing: int = 0
    merged: int = 0
    box_err: list[float] = field(default_factory=list)
    confusions: collections.Counter = field(default_factory=collections.Counter)
    examples: collections.Counter = field(default_factory=collections.Counter)
    conf_ok: list[tuple[float, bool]] = field(default_factory=list)
    ocr_s: list[float] = field(default_factory=list)
    skew: list[tuple[float, float]] = field(default_factory=list)


def compare_page(ocr: list[Word], ref: list[Word], t: Tally) -> None:
    fit = fit_ocr_to_pdf(ocr, ref)
    boxes = [fit.box(o) for o in ocr]
    for ri, r in enumerate(ref):
        rb = (r.bbox.x0, r.bbox.top, r.bbox.x1, r.bbox.bottom)
        cls = word_class(r.text)
        t.ref[cls] += 1
        best, best_ov = None, 0.3
        for oi, ob in enumerate(boxes):
            ov = _overlap(rb, ob)
            if ov > 0.3 and ocr[oi].text == r.text:     # the same word on its spot
                best = oi
                break
            if ov > best_ov:
                best, best_ov = oi, ov
        if best is None:
            t.missing += 1
            t.examples[("missing", r.text)] += 1
            continue
        o = ocr[best]
        ok = o.text == r.text
        t.conf_ok.append((o.conf, ok))
        t.ok_nocase += o.text.lower() == r.text.lower()
        if ok:
            t.ok[cls] += 1
            ob = boxes[best]
            t.box_err.append(((ob[0] + ob[2]) / 2 - r.bbox.cx) ** 2 + ((ob[1] + ob[3]) / 2 - r.bbox.cy) ** 2)
            continue
        if len(o.text) > len(r.text) and r.text in o.text:
            t.merged += 1
            t.examples[("merged", f"{r.text} -> {o.text}")] += 1
            continue
        t.examples[("wrong", f"{r.text} -> {o.text}")] += 1
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, r.text, o.text, autojunk=False).get_opcodes():
            if op != "equal":
                t.confusions[f"{r.text[i1:i2] or '∅'}->{o.text[j1:j2] or '∅'}"] += 1
    t.box_err[:] = t.box_err


def run(dpis: list[int], limit: int | None, settings: OcrSettings, corpus: Path) -> dict:
    report = {}
    for dpi in dpis:
        t = Tally()
        for case in scan_cases(corpus, dpi)[:limit]:
            ref_pages, _ = read_pdf_pages((case / "form.pdf").read_bytes())
            scan = pdfium.PdfDocument(str(case / f"scan-{dpi}.pdf"))
            try:
                for i in range(min(len(scan), len(ref_pages))):
                    start = time.process_time()
                    im = pdf_page_image(scan, i)
                    page = ocr_page(im.image, im.dpi, i + 1, im.size, settings=settings)
                    t.ocr_s.append(time.process_time() - start)
                    compare_page(page.words, ref_pages[i].words, t)
            finally:
                scan.close()
        bins = collections.defaultdict(lambda: [0, 0])
        for c, ok in t.conf_ok:
            b = min(9, int(c * 10))
            bins[b][0] += 1
            bins[b][1] += ok
        report[dpi] = {
            "pages": len(t.ocr_s),
            "words": sum(t.ref.values()),
            "word_acc": round(sum(t.ok.values()) / max(1, sum(t.ref.values())), 4),
            "word_acc_nocase": round(t.ok_nocase / max(1, sum(t.ref.values())), 4),
            **{f"word_acc_{c}": round(t.ok[c] / max(1, t.ref[c]), 4) for c in ("number", "mark", "text")},
            "missing": round(t.missing / max(1, sum(t.ref.values())), 4),
            "merged": round(t.merged / max(1, sum(t.ref.values())), 4),
            "box_err_pt_median": round(statistics.median(t.box_err) ** 0.5, 2) if t.box_err else None,
            "cpu_s_per_page_median": round(statistics.median(t.ocr_s), 3) if t.ocr_s else None,
            "conf_bins": {f"{b / 10:.1f}": f"{v[1]}/{v[0]}" for b, v in sorted(bins.items())},
            "top_confusions": t.confusions.most_common(25),
            "top_examples": [f"{k[0]}: {k[1]} x{n}" for k, n in t.examples.most_common(40)],
        }
    return report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dpi", type=int, nargs="+", default=[150, 200, 300])
    ap.add_argument("--limit", type=int, default=None, help="cases per dpi")
    ap.add_argument("--psm", type=int, default=OcrSettings().psm)
    ap.add_argument("--min-dpi", type=float, default=OcrSettings().min_dpi)
    ap.add_argument("--threshold", type=int, default=OcrSettings().threshold)
    ap.add_argument("--no-marks", action="store_true")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--brief", action="store_true", help="figures only, no confusion lists")
    a = ap.parse_args()
    settings = OcrSettings(psm=a.psm, min_dpi=a.min_dpi, threshold=a.threshold, marks=not a.no_marks)
    report = run(a.dpi, a.limit, settings, a.corpus)
    if a.json:
        a.json.write_text(json.dumps(report, indent=1))
    for dpi, r in report.items():
        if a.brief:
            r = {k: v for k, v in r.items() if k not in ("top_confusions", "top_examples")}
        print(f"== {dpi} dpi ({settings})")
        print(json.dumps(r, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
