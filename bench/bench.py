"""`make bench`: how fast `extract` reads a PDF page, against the raw text-layer libraries.

On the same corpus files, in one run, per page:
  (a) `extractor.api.extract` in-process (after a warm-up),
  (b) raw pdfplumber `page.extract_words()` with default arguments, and with `use_text_flow=True`,
  (c) raw pypdfium2 character extraction (the page's text and every character's box),
  (d) `extractor.sources.pdf.read_pdf_pages` alone (our pypdfium2 words);
then the word agreement between (d) and pdfplumber's `use_text_flow=True` words (the fast path is
only worth having if it gives the same words), and the cold start of the `extract` command.

The selection is fixed and reproducible: the `form.pdf` of every `--every`-th case of
`<corpus>/form4`, sorted by case name (default every 2nd: ~85 files, ~180 pages, about a minute).
`--every 1` takes all of them. A file's time divided by its page count is one sample; figures are
medians over files. The methods run one after the other on each file, so drift in machine load
falls on all of them alike.

Prints a report and writes every figure to `bench/last.json`. Nothing here asserts: the targets
(extract >= 2.5x faster per page than pdfplumber's `extract_words()`; cold start under 1 s) are
reported as met or not.

OCR hook: if `bench/bench_ocr.py` exists it runs last. A `run(corpus: Path) -> dict` function in it
is called and its result stored under "ocr" in last.json; without one, the file runs as a script.
"""
from __future__ import annotations

import argparse
import importlib.util
import io
import json
import os
import platform
import runpy
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pdfplumber
import pypdfium2 as pdfium

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT))     # `python bench/bench.py` from anywhere: `bench.` imports resolve

from bench.word_agreement import page_agreement  # noqa: E402
from extractor.api import extract  # noqa: E402
from extractor.page import Page  # noqa: E402
from extractor.sources.pdf import read_pdf_pages  # noqa: E402

DEFAULT_CORPUS = ROOT / ".." / "shared" / "corpus"
COLD_SAMPLE = ROOT / "samples" / "form4-edgar-render.pdf"
TARGET_SPEEDUP = 2.5          # the "done when": extract vs pdfplumber extract_words()
TARGET_COLD_S = 1.0
WORST_PAGES_SHOWN = 6
DIFF_WORDS_SHOWN = 8

PageWords = list[list[str]]   # one list of word texts per page


# ---------------------------------------------------------------------------- the measured calls
def run_extract(path: Path, data: bytes) -> None:
    extract(str(path), data=data)


def run_plumber(data: bytes, **kwargs) -> PageWords:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [[w["text"] for w in page.extract_words(**kwargs)] for page in pdf.pages]


def run_pdfium_chars(data: bytes) -> int:
    """The raw cost of pypdfium2's text layer: every page's text and every character's box."""
    doc = pdfium.PdfDocument(data)
    n_chars = 0
    try:
        for i in range(len(doc)):
            page = doc[i]
            tp = page.get_textpage()
            n = tp.count_chars()
            tp.get_text_range(0, n)
            for k in range(n):
                tp.get_charbox(k, loose=True)
            n_chars += n
            tp.close()
            page.close()
    finally:
        doc.close()
    return n_chars


def run_read_pdf_pages(data: bytes) -> list[Page]:
    pages, _ = read_pdf_pages(data)
    return pages


def timed(fn: Callable, *args, **kwargs) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t, out


def page_count(data: bytes) -> int:
    doc = pdfium.PdfDocument(data)
    try:
        return len(doc)
    finally:
        doc.close()


# ---------------------------------------------------------------------------- cold start
def cold_start(cmd: list[str], runs: int) -> dict:
    """Wall time of a fresh process, median of `runs` after one unmeasured run (disk cache)."""
    subprocess.run(cmd, capture_output=True, check=False)
    times = []
    rc = 0
    for _ in range(runs):
        t = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, check=False)
        times.append(time.perf_counter() - t)
        rc = rc or r.returncode
    return {"cmd": cmd, "runs": runs, "median_s": statistics.median(times), "min_s": min(times),
            "max_s": max(times), "exit_code": rc}


# ---------------------------------------------------------------------------- OCR hook
def run_ocr_hook(corpus: Path) -> dict | None:
    hook = BENCH_DIR / "bench_ocr.py"
    if not hook.exists():
        return None
    print(f"\n--- {hook.relative_to(ROOT)} ---", flush=True)
    spec = importlib.util.spec_from_file_location("bench_ocr", hook)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    if hasattr(mod, "run"):
        return mod.run(corpus)
    runpy.run_path(str(hook), run_name="__main__")
    return {"ran": str(hook)}


# ---------------------------------------------------------------------------- main
def select_files(corpus: Path, every: int, limit: int | None) -> list[Path]:
    cases = sorted((corpus / "form4").glob("*/form.pdf"))
    chosen = cases[::every]
    return chosen[:limit] if limit else chosen


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus root (has form4/)")
    ap.add_argument("--every", type=int, default=2, help="take every N-th case by name (1 = all)")
    ap.add_argument("--limit", type=int, default=None, help="at most this many files (a quick look)")
    ap.add_argument("--cold-runs", type=int, default=7, help="runs per cold-start command")
    ap.add_argument("--out", type=Path, default=BENCH_DIR / "last.json")
    args = ap.parse_args(argv)

    files = select_files(args.corpus.resolve(), args.every, args.limit)
    if not files:
        print(f"bench: no {args.corpus}/form4/*/form.pdf found; pass --corpus", file=sys.stderr)
        return 3

    methods = ["extract", "plumber_words", "plumber_words_flow", "pdfium_chars", "read_pdf_pages"]
    labels = {
        "extract": "extract (in-process)",
        "plumber_words": "pdfplumber extract_words()",
        "plumber_words_flow": "pdfplumber extract_words(use_text_flow=True)",
        "pdfium_chars": "pypdfium2 text + char boxes",
        "read_pdf_pages": "read_pdf_pages (our pypdfium2 words)",
    }

    # warm-up: imports, template loading, font caches; not measured
    warm = files[0].read_bytes()
    run_extract(files[0], warm), run_plumber(warm), run_pdfium_chars(warm), run_read_pdf_pages(warm)

    per_page: dict[str, list[float]] = {m: [] for m in methods}
    totals: dict[str, float] = {m: 0.0 for m in methods}
    rows, pages_agreement = [], []
    total_pages = 0
    load_before = os.getloadavg()
    t_start = time.perf_counter()
    for path in files:
        data = path.read_bytes()
        n = page_count(data)
        total_pages += n
        t = {}
        t["extract"], _ = timed(run_extract, path, data)
        t["plumber_words"], _ = timed(run_plumber, data)
        t["plumber_words_flow"], ref = timed(run_plumber, data, use_text_flow=True)
        t["pdfium_chars"], _ = timed(run_pdfium_chars, data)
        t["read_pdf_pages"], ours = timed(run_read_pdf_pages, data)
        for m in methods:
            per_page[m].append(t[m] / n)
            totals[m] += t[m]
        case = path.parent.name
        for i, (page, r) in enumerate(zip(ours, ref), start=1):
            ag = page_agreement([w.text for w in page.words], r)
            pages_agreement.append({"case": case, "page": i, "share": ag.share, "common": ag.common,
                                    "size": ag.size, "same_chars": ag.same_chars,
                                    "ours_only": ag.ours_only, "plumber_only": ag.ref_only})
        rows.append({"case": case, "pages": n, **{f"{m}_s": round(t[m], 5) for m in methods}})
    elapsed = time.perf_counter() - t_start

    med = {m: median_ms(per_page[m]) for m in methods}
    mean = {m: totals[m] / total_pages * 1000 for m in methods}
    ratios = {
        "plumber_words/extract": med["plumber_words"] / med["extract"],
        "plumber_words_flow/extract": med["plumber_words_flow"] / med["extract"],
        "plumber_words_flow/read_pdf_pages": med["plumber_words_flow"] / med["read_pdf_pages"],
        "read_pdf_pages/pdfium_chars": med["read_pdf_pages"] / med["pdfium_chars"],
        "extract/read_pdf_pages": med["extract"] / med["read_pdf_pages"],
    }

    common = sum(p["common"] for p in pages_agreement)
    size = sum(p["size"] for p in pages_agreement)
    identical_pages = sum(1 for p in pages_agreement if p["share"] == 1.0)
    worst = sorted((p for p in pages_agreement if p["share"] < 1.0), key=lambda p: p["share"])[:WORST_PAGES_SHOWN]

    extract_bin = Path(sys.executable).parent / "extract"
    cold = {
        "help": cold_start([str(extract_bin), "--help"], args.cold_runs),
        "sample": cold_start([str(extract_bin), str(COLD_SAMPLE)], args.cold_runs),
    }

    # ---------------------------------------------------------------- report
    load = os.getloadavg()
    print(f"corpus: {len(files)} files, {total_pages} pages (one case in {args.every} of "
          f"{args.corpus}/form4, by name); measured in {elapsed:.0f} s")
    print(f"machine: {os.cpu_count()} CPUs, load average {load_before[0]:.1f} before, {load[0]:.1f} after "
          "(timings grow with the load: compare ratios, or runs at the same load)")
    print(f"python {platform.python_version()}, pdfplumber {pdfplumber.__version__}, "
          f"pypdfium2 {pdfium.PYPDFIUM_INFO}, pdfium {pdfium.PDFIUM_INFO}")
    print("\nper page, ms               median   mean")
    for m in methods:
        print(f"  {labels[m]:<46} {med[m]:7.1f} {mean[m]:7.1f}")
    print("\nratios of medians")
    for k, v in ratios.items():
        print(f"  {k:<36} {v:6.2f}x")
    same_chars = sum(1 for p in pages_agreement if p["same_chars"])
    print("\nword agreement, read_pdf_pages vs pdfplumber extract_words(use_text_flow=True)")
    print("(word texts per page; footnote marks split off words on both sides, see bench/word_agreement.py):")
    print(f"  {common / size:.4%} of {size} words identical; {identical_pages}/{len(pages_agreement)} pages "
          f"identical; {same_chars}/{len(pages_agreement)} pages with the same characters")
    for p in worst:
        print(f"  {p['case']} p{p['page']}: {p['share']:.2%} ({p['size'] - p['common']} of {p['size']} differ)")
        print(f"      ours only:    {p['ours_only'][:DIFF_WORDS_SHOWN]}")
        print(f"      plumber only: {p['plumber_only'][:DIFF_WORDS_SHOWN]}")
    print(f"\ncold start, wall time, median of {args.cold_runs}:")
    for key, c in cold.items():
        shown = " ".join(Path(x).name if i == 0 else x for i, x in enumerate(c["cmd"]))
        shown = shown.replace(str(ROOT) + "/", "")
        print(f"  {shown:<52} {c['median_s']:.3f} s  (min {c['min_s']:.3f}, max {c['max_s']:.3f}, "
              f"exit {c['exit_code']})")
    speed_ok = ratios["plumber_words/extract"] >= TARGET_SPEEDUP
    cold_ok = all(c["median_s"] < TARGET_COLD_S for c in cold.values())
    print("\ntargets:")
    print(f"  extract >= {TARGET_SPEEDUP}x faster per page than pdfplumber extract_words(): "
          f"{'met' if speed_ok else 'NOT met'} ({ratios['plumber_words/extract']:.2f}x)")
    cold_figures = ", ".join(f"{k} {c['median_s']:.2f} s" for k, c in cold.items())
    print(f"  cold start of .venv/bin/extract under {TARGET_COLD_S:.0f} s: {'met' if cold_ok else 'NOT met'} "
          f"({cold_figures})")

    result = {
        "corpus": str(args.corpus), "every": args.every, "files": len(files), "pages": total_pages,
        "cpus": os.cpu_count(), "load_average": {"before": load_before[0], "after": load[0]},
        "versions": {"python": platform.python_version(), "pdfplumber": pdfplumber.__version__,
                     "pypdfium2": str(pdfium.PYPDFIUM_INFO), "pdfium": str(pdfium.PDFIUM_INFO)},
        "per_page_ms": {"median": med, "mean": mean}, "ratios": ratios,
        "word_agreement": {"share": common / size, "same_chars_pages": same_chars, "words": size, "pages": len(pages_agreement),
                           "identical_pages": identical_pages,
                           "differing_pages": [p for p in pages_agreement if p["share"] < 1.0]},
        "cold_start": cold,
        "targets": {"speedup": {"target": TARGET_SPEEDUP, "value": ratios["plumber_words/extract"], "met": speed_ok},
                    "cold_start_s": {"target": TARGET_COLD_S, "met": cold_ok}},
        "files_detail": rows,
    }
    ocr = run_ocr_hook(args.corpus.resolve())
    if ocr is not None:
        result["ocr"] = ocr
    args.out.write_text(json.dumps(result, indent=1, default=str) + "\n")
    print(f"\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
