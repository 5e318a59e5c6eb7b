"""Extract every filing of the pairs and read its truth, in a pool of worker processes."""
from __future__ import annotations

import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Callable

from .pairs import Pair

# status of a pair whose comparison cannot run; the scorer's rule: every truth leaf is wrong
EXTRACT_FAILED = "extract_failed"       # the filing could not be read (ExtractError: its code is kept)
INTERNAL_ERROR = "internal_error"       # a bug in the extractor
BAD_XML = "bad_xml"                     # the XML is unreadable: there is no truth to compare with


def evaluate_pair(pair: Pair) -> dict:
    """Run in a worker: the truth record from the XML and the filing's extraction, both as the
    contract JSON loaded with Decimal numbers (as the scorer loads outputs and truth)."""
    from ..api import extract
    from ..errors import ExtractError
    from ..output import to_json
    from ..sources import read_input
    from .truth import load_json, truth_record
    out: dict = {"id": pair.id, "filing": str(pair.filing), "xml": str(pair.xml), "matched_by": pair.matched_by,
                 "status": "ok", "error": None, "seconds": None, "truth": None, "output": None}
    try:
        out["truth"] = truth_record(read_input(str(pair.xml)))
    except ExtractError as e:
        out["status"], out["error"] = BAD_XML, f"{pair.xml}: {e.message}"
    t0 = time.perf_counter()
    try:
        out["output"] = load_json(to_json(extract(str(pair.filing))))
        out["seconds"] = round(time.perf_counter() - t0, 4)
    except ExtractError as e:
        if out["status"] == "ok":
            out["status"], out["error"] = EXTRACT_FAILED, f"{e.code}: {e.message}"
    except Exception as e:          # a bug: reported for this pair, the others still run
        if out["status"] == "ok":
            out["status"], out["error"] = INTERNAL_ERROR, f"{type(e).__name__}: {e}"
    return out


def run_pairs(pairs: list[Pair], workers: int, progress: Callable[[str], None] | None = None) -> list[dict]:
    """`evaluate_pair` for every pair, `workers` at a time (1: in this process), results in the
    order of `pairs`; `progress` gets one line per finished pair."""
    results: list[dict | None] = [None] * len(pairs)

    def done(i: int, res: dict, k: int) -> None:
        results[i] = res
        if progress:
            secs = "" if res["seconds"] is None else f" {res['seconds']:.2f}s"
            progress(f"[{k}/{len(pairs)}] {res['id']}: {res['status']}{secs}")

    if workers <= 1 or len(pairs) <= 1:
        for k, (i, pair) in enumerate(enumerate(pairs), 1):
            done(i, evaluate_pair(pair), k)
    else:
        with ProcessPoolExecutor(max_workers=min(workers, len(pairs))) as pool:
            futures = {pool.submit(evaluate_pair, pair): i for i, pair in enumerate(pairs)}
            for k, fut in enumerate(as_completed(futures), 1):
                i = futures[fut]
                try:
                    res = fut.result()
                except Exception as e:          # the worker itself died (out of memory, killed)
                    p = pairs[i]
                    res = {"id": p.id, "filing": str(p.filing), "xml": str(p.xml), "matched_by": p.matched_by,
                           "status": INTERNAL_ERROR, "error": f"worker failed: {type(e).__name__}: {e}",
                           "seconds": None, "truth": None, "output": None}
                done(i, res, k)
    return [r for r in results if r is not None]


def stderr_progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
