"""Accuracy and calibration figures over compared leaves, defined as the official scorer defines them.

    field_acc         correct leaves / all leaves (a failed pair: every truth leaf wrong)
    exact             share of filings with every leaf correct
    coverage          share of truth leaves that have a confidence
    ece               expected calibration error over 10 equal-width confidence bins
    capture@k         share of all wrong leaves among the ceil(k% of leaves) lowest-confidence ones
                      (ties split proportionally; no confidence counts as 1.0; 1.0 if nothing is wrong)
    confident_errors  share of wrong leaves with confidence >= 0.9 (confident_error_rate: per leaf)

Confidence figures leave failed pairs out (they are counted in `failures`).
"""
from __future__ import annotations

import math
import statistics
from collections import defaultdict
from pathlib import Path

from .compare import Leaf, attach_confidence, compare_records

BINS = 10
BUDGETS = (1, 2, 5, 10)
CONFIDENT = 0.9


def rate(a: float, b: float) -> float:
    return a / b if b else float("nan")


def _bin(c: float, bins: int = BINS) -> int:
    """The bin [b/bins, (b+1)/bins) holding confidence c; 1.0 goes to the last bin."""
    b = min(int(c * bins), bins - 1)
    while b > 0 and c < b / bins:               # float edges decided exactly as the bounds compare
        b -= 1
    while b < bins - 1 and c >= (b + 1) / bins:
        b += 1
    return b


def reliability(leaves: list[Leaf], bins: int = BINS) -> list[dict]:
    """Per confidence bin: leaves with a confidence in it, their mean confidence and observed
    accuracy (None for an empty bin). The reliability diagram and the ECE are drawn from this."""
    n, ok, conf = [0] * bins, [0] * bins, [0.0] * bins
    for lf in leaves:
        if lf.conf is not None:
            b = _bin(lf.conf, bins)
            n[b] += 1
            ok[b] += lf.ok
            conf[b] += lf.conf
    return [{"lo": b / bins, "hi": (b + 1) / bins, "n": n[b],
             "confidence": conf[b] / n[b] if n[b] else None, "accuracy": ok[b] / n[b] if n[b] else None}
            for b in range(bins)]


# confidence bins by decade of the error the confidence predicts (1 - c): most leaves sit above
# 0.99, where the 10 equal bins of the ECE see one bar; these show whether 0.999 means 1 in 1000
NEAR_ONE = (0.9, 0.99, 0.999, 0.9999)


def reliability_near_one(leaves: list[Leaf]) -> list[dict]:
    """Per bin [0, 0.9), [0.9, 0.99), [0.99, 0.999), [0.999, 0.9999), [0.9999, 1]: leaves with a
    confidence in it, the error they predict (mean of 1 - c) and the error observed."""
    edges = (0.0, *NEAR_ONE, math.inf)
    cells = [{"lo": lo, "hi": min(hi, 1.0), "n": 0, "wrong": 0, "predicted_error": 0.0}
             for lo, hi in zip(edges, edges[1:])]
    for lf in leaves:
        if lf.conf is not None:
            cell = next(c for c, hi in zip(cells, edges[1:]) if lf.conf < hi)
            cell["n"] += 1
            cell["wrong"] += not lf.ok
            cell["predicted_error"] += 1.0 - lf.conf
    for c in cells:
        c["predicted_error"] = c["predicted_error"] / c["n"] if c["n"] else None
        c["observed_error"] = c["wrong"] / c["n"] if c["n"] else None
    return cells


def ece(leaves: list[Leaf], bins: int = BINS) -> float:
    cells = reliability(leaves, bins)
    total = sum(c["n"] for c in cells)
    if not total:
        return float("nan")
    return sum(c["n"] / total * abs(c["accuracy"] - c["confidence"]) for c in cells if c["n"])


def capture_at(leaves: list[Leaf], budget_pct: float) -> float:
    """Share of the wrong leaves found by reviewing the budget% lowest-confidence leaves."""
    wrong_total = sum(not lf.ok for lf in leaves)
    if not wrong_total:
        return 1.0
    budget = math.ceil(len(leaves) * budget_pct / 100.0 - 1e-9)
    by_conf: dict[float, list[int]] = {}
    for lf in leaves:
        g = by_conf.setdefault(1.0 if lf.conf is None else lf.conf, [0, 0])
        g[0] += 1
        g[1] += not lf.ok
    taken = caught = 0.0
    for c in sorted(by_conf):
        if taken >= budget:
            break
        n, w = by_conf[c]
        use = min(n, budget - taken)
        caught += w * use / n
        taken += use
    return caught / wrong_total


def _confident_wrong(wrong: list[Leaf]) -> int:
    return sum((1.0 if lf.conf is None else lf.conf) >= CONFIDENT for lf in wrong)


def confidence_figures(leaves: list[Leaf]) -> dict:
    """The calibration figures of the leaves of filings that were extracted."""
    wrong = [lf for lf in leaves if not lf.ok]
    truth_leaves = [lf for lf in leaves if lf.in_truth]
    return {
        "coverage": rate(sum(lf.conf is not None for lf in truth_leaves), len(truth_leaves)),
        "ece": ece(leaves),
        **{f"capture@{b}": capture_at(leaves, b) for b in BUDGETS},
        "confident_errors": rate(_confident_wrong(wrong), len(wrong)),
        "confident_error_rate": rate(_confident_wrong(wrong), len(leaves)),
        "wrong_without_confidence": sum(lf.conf is None for lf in wrong),
    }


def _group_figures(leaves: list[Leaf], conf_leaves: list[Leaf]) -> dict:
    with_conf = [lf.conf for lf in conf_leaves if lf.conf is not None]
    return {"n": len(leaves), "acc": rate(sum(lf.ok for lf in leaves), len(leaves)),
            "wrong": sum(not lf.ok for lf in leaves),
            "mean_conf": statistics.fmean(with_conf) if with_conf else float("nan"), "ece": ece(conf_leaves)}


def _pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = (len(xs) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def score_results(results: list[dict]) -> dict:
    """results (from `runner.run_pairs`: truth record, output, status per pair) -> every figure,
    overall, per document type, per input kind and per field, with per-filing detail."""
    cases, all_leaves, conf_leaves = [], [], []
    unknown_total = 0
    groups: dict[str, list[Leaf]] = defaultdict(list)
    group_conf: dict[str, list[Leaf]] = defaultdict(list)
    sections: dict[str, list[Leaf]] = defaultdict(list)
    section_conf: dict[str, list[Leaf]] = defaultdict(list)
    by_type: dict[str, dict] = defaultdict(lambda: {"cases": [], "leaves": [], "conf": []})
    by_input: dict[str, dict] = defaultdict(lambda: {"cases": [], "leaves": [], "conf": []})
    for r in results:
        out = r.get("output") if isinstance(r.get("output"), dict) else None
        rec = out.get("record") if out else None
        failed = r["status"] != "ok" or not isinstance(rec, dict)
        truth = r.get("truth")
        leaves, unknown = compare_records(truth, None if failed else rec) if truth is not None else ([], 0)
        if not failed:
            attach_confidence(leaves, out.get("fields"))
            conf_leaves += leaves
        unknown_total += unknown
        all_leaves += leaves
        dtype = (truth or {}).get("document_type") or (rec or {}).get("document_type") or "?"
        source = (out or {}).get("source") or {}
        kind = source.get("style") or Path(r["filing"]).suffix.lstrip(".").lower() or "?"
        case = {
            "id": r["id"], "filing": r["filing"], "xml": r["xml"], "matched_by": r.get("matched_by"),
            "document_type": dtype, "input": kind, "status": "no_record" if failed and r["status"] == "ok" else r["status"],
            "error": r.get("error"), "seconds": r.get("seconds"),
            "extraction_status": (out or {}).get("status"), "leaves": len(leaves),
            "correct": sum(lf.ok for lf in leaves), "exact": not failed and all(lf.ok for lf in leaves),
            "unknown_keys": unknown,
            "wrong": [{"path": lf.path, "truth": lf.truth, "pred": lf.pred, "conf": lf.conf}
                      for lf in leaves if not lf.ok],
        }
        cases.append(case)
        for lf in leaves:
            groups[lf.group].append(lf)
            sections[lf.section].append(lf)
            if not failed:
                group_conf[lf.group].append(lf)
                section_conf[lf.section].append(lf)
        for bucket in (by_type[dtype], by_input[kind]):
            bucket["cases"].append(case)
            bucket["leaves"] += leaves
            bucket["conf"] += [] if failed else leaves

    def per(buckets: dict[str, dict]) -> dict:
        return {k: {"n": len(v["cases"]), "leaves": len(v["leaves"]),
                    "field_acc": rate(sum(lf.ok for lf in v["leaves"]), len(v["leaves"])),
                    "exact": rate(sum(c["exact"] for c in v["cases"]), len(v["cases"])),
                    "failures": sum(c["status"] != "ok" for c in v["cases"]),
                    **confidence_figures(v["conf"])}
                for k, v in sorted(buckets.items())}

    nonnull = [lf for lf in all_leaves if lf.nonnull]
    failures: dict[str, int] = defaultdict(int)
    for c in cases:
        if c["status"] != "ok":
            failures[c["status"]] += 1
    secs = [c["seconds"] for c in cases if c["seconds"] is not None]
    extracted = [c for c in cases if c["status"] == "ok"]
    return {
        "n": len(cases), "leaves": len(all_leaves),
        "field_acc": rate(sum(lf.ok for lf in all_leaves), len(all_leaves)),
        "field_acc_ci": rate(sum(lf.ok_ci for lf in all_leaves), len(all_leaves)),
        "field_acc_nonnull": rate(sum(lf.ok for lf in nonnull), len(nonnull)),
        "exact": rate(sum(c["exact"] for c in cases), len(cases)),
        "failures": {"total": sum(failures.values()), **failures},
        "unknown_pred_keys": unknown_total,
        "confidence": confidence_figures(conf_leaves),
        "reliability": reliability(conf_leaves),
        "reliability_near_one": reliability_near_one(conf_leaves),
        "review_flag": {
            "needs_review": sum(c["extraction_status"] == "needs_review" for c in extracted),
            "not_exact": sum(not c["exact"] for c in extracted),
            "not_exact_but_ok": sum(not c["exact"] and c["extraction_status"] == "ok" for c in extracted),
        },
        "per_document_type": per(by_type),
        "per_input": per(by_input),
        "per_section": {k: _group_figures(v, section_conf.get(k, [])) for k, v in sections.items()},
        "per_field": {k: _group_figures(v, group_conf.get(k, [])) for k, v in sorted(groups.items())},
        "seconds": {"p50": statistics.median(secs) if secs else float("nan"), "p95": _pct(secs, 0.95),
                    "mean": statistics.fmean(secs) if secs else float("nan"), "n": len(secs)},
        "cases": cases,
    }
