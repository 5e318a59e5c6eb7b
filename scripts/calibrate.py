"""Fit the confidence model (`make calibrate`): extract every corpus case, label each field right
or wrong with the official scorer's comparison, fit a logistic model per input family, and write
extractor/calibration.json. Prints cross-validated calibration (ECE) and capture@5 per corpus so
the shipped figures are not just the fit to its own training data.

    python scripts/calibrate.py [--corpus ../shared/corpus] [--jobs 2] [--only digital|scan] [--ocr-cache DIR]
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# (corpus folder, input file, family)
SETS = [
    ("form4", "form.pdf", "digital"), ("form4", "form.md", "digital"), ("form4", "form.layout.txt", "digital"),
    ("form4-variants", "form.pdf", "digital"), ("form4-variants", "form.md", "digital"),
    ("real/form4", "form.pdf", "digital"),
    ("form3", "form.pdf", "digital"), ("form3", "form.md", "digital"), ("form3", "form.layout.txt", "digital"),
    ("form5", "form.pdf", "digital"), ("form5", "form.md", "digital"), ("form5", "form.layout.txt", "digital"),
    ("real/form5", "form.pdf", "digital"),
    ("form4", "scan-300.pdf", "scan"), ("form4", "scan-200.pdf", "scan"), ("form4", "scan-150.pdf", "scan"),
    ("form4-variants", "scan-150.pdf", "scan"), ("form4-variants", "scan-200.pdf", "scan"),
    ("form4-variants", "scan-300.pdf", "scan"),
]


def _score_module(corpus: Path):
    sys.path.insert(0, str(corpus.parent / "tools"))
    import score
    return score


def run_case(args) -> list[tuple[list[float], int, str]] | None:
    case, inp, corpus, ocr_cache = args
    if ocr_cache:                       # development: OCR'd pages from scripts/devcache.py
        sys.path.insert(0, str(ROOT / "scripts"))
        from devcache import cache_ocr
        cache_ocr(ocr_cache)
    score = _score_module(Path(corpus))
    from extractor.api import extract
    from extractor.errors import ExtractError
    from extractor.output import to_json
    try:
        ex = extract(str(Path(case) / inp))
    except ExtractError:
        return None
    style = ex.source.style
    out = score.load_json(to_json(ex))
    truth = score.truth_of(score.load_json((Path(case) / "truth.json").read_text()))
    leaves, _ = score.compare_records(truth, out["record"])
    ok = {lf.path: lf.ok for lf in leaves}
    ok.update(row_marks_complete(truth, out["record"], score.TABLES))
    rows = []
    for f in out["fields"]:
        if f["path"] in ok and "evidence" in f:
            ev = {k: float(v) for k, v in f["evidence"].items()}
            rows.append(((f["path"], ev, style), int(ok[f["path"]]), Path(case).name))
    return rows


def row_marks_complete(truth: dict, pred: dict, tables) -> dict[str, bool]:
    """`<table>[i].footnote_ids` (output.row_marks) -> right when every cell the truth marks has
    marks in the prediction (a missed mark has no leaf of its own for the scorer's comparison).
    `tables`: the record's table sections (the scorer's)."""
    out = {}
    for sec in tables:
        for i, (tr, pr) in enumerate(zip(truth.get(sec) or [], pred.get(sec) or [])):
            tf, pf = tr.get("footnote_ids") or {}, pr.get("footnote_ids") or {}
            out[f"{sec}[{i}].footnote_ids"] = all(pf.get(k) for k, v in tf.items() if v)
    return out


def ece(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    tot = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        m = (p >= lo) & ((p < hi) | ((b == bins - 1) & (p <= 1.0)))
        if m.any():
            tot += m.sum() / len(p) * abs(y[m].mean() - p[m].mean())
    return tot


def capture(p: np.ndarray, y: np.ndarray, pct: float = 5) -> float:
    """score.py's capture@k: ties in confidence share the budget proportionally."""
    wrong = int((y == 0).sum())
    if not wrong:
        return 1.0
    k = math.ceil(len(p) * pct / 100 - 1e-9)
    taken = caught = 0.0
    for c in np.unique(p):
        m = p == c
        n, w = int(m.sum()), int((y[m] == 0).sum())
        if taken >= k:
            break
        use = min(n, k - taken)
        caught += w * use / n
        taken += use
    return caught / wrong


ROW_MARKS_PRIOR = 10     # rows: the smoothing of a row-marks base rate towards the clean fields' rate


def fit(rows) -> dict:
    """Fit the product model of extractor/confidence.py: base rates per (kind of field, input
    style) from the fields nothing cast doubt on (smoothed towards the style's rate), then the
    exponents of the evidence and the issue factors by maximum likelihood on all fields."""
    from scipy.optimize import minimize

    from extractor.confidence import EVIDENCE, PRIOR, ROW_MARKS, base_key, evidence_values, group_of
    # a row's marks as a whole have no evidence of their own: their base rates are their observed
    # rates (lightly smoothed), and they take no part in fitting the other fields' model
    row_marks = [r for r in rows if group_of(r[0][0]) == ROW_MARKS]
    rows = [r for r in rows if group_of(r[0][0]) != ROW_MARKS]
    keys = [base_key(path, style, ev) for (path, ev, style), y, _ in rows]
    y = np.array([r[1] for r in rows], dtype=float)
    vals = np.array([[evidence_values(ev)[e] for e in EVIDENCE] for (path, ev, style), _, _ in rows])
    errs = np.array([float(ev.get("errors", 0)) for (path, ev, style), _, _ in rows])
    warns = np.array([float(ev.get("warnings", 0)) for (path, ev, style), _, _ in rows])
    clean = (vals.min(axis=1) >= 1.0) & (errs == 0) & (warns == 0)
    # base rates: Beta prior centred on the overall clean rate, worth 200 fields
    overall = (y[clean].sum() + 1) / (clean.sum() + 2)
    base = {}
    for k in sorted(set(keys)):
        m = clean & (np.array(keys) == k)
        base[k] = float((y[m].sum() + 200 * overall) / (m.sum() + 200))
    rk = [base_key(path, style, ev) for (path, ev, style), _, _ in row_marks]
    for k in sorted(set(rk)):
        ys = [y for (_, y, _), key in zip(row_marks, rk) if key == k]
        base[k] = float((sum(ys) + ROW_MARKS_PRIOR * overall) / (len(ys) + ROW_MARKS_PRIOR))
    b = np.array([base[k] for k in keys])
    logv = np.log(vals)

    def nll(theta):
        w, c_err, c_warn = theta[:len(EVIDENCE)], theta[-2], theta[-1]
        logp = np.log(b) + logv @ w + errs * np.log(c_err) + warns * np.log(c_warn)
        p = np.clip(np.exp(logp), 1e-6, 1 - 1e-9)
        prior = 0.5 * np.sum((w - 1.0) ** 2)           # exponents stay near 1 without evidence
        return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)) + prior

    x0 = np.array([1.0] * len(EVIDENCE) + [PRIOR["c_err"], PRIOR["c_warn"]])
    bounds = [(0.2, 5.0)] * len(EVIDENCE) + [(0.01, 1.0), (0.05, 1.0)]
    res = minimize(nll, x0, bounds=bounds, method="L-BFGS-B")
    w = {e: float(v) for e, v in zip(EVIDENCE, res.x[:len(EVIDENCE)])}
    return {"base": base, "default_base": float(overall), "w": w, "c_err": float(res.x[-2]),
            "c_warn": float(res.x[-1]), "fields": int(len(y)), "wrong": int((y == 0).sum())}


def predict(model: dict, rows) -> np.ndarray:
    from extractor.confidence import probability
    return np.array([min(0.9995, max(0.001, probability(model, path, ev, style)))
                     for (path, ev, style), _, _ in rows])


def group_folds(groups: np.ndarray, k: int):
    """(train, test) index arrays for k folds, each group (a case) wholly in one test fold, the
    groups dealt largest first to the lightest fold (as scikit-learn's GroupKFold does; five lines
    are not worth scipy and scikit-learn in every install)."""
    names, inverse, sizes = np.unique(groups, return_inverse=True, return_counts=True)
    load, fold_of = np.zeros(k), np.zeros(len(names), dtype=int)
    for g in np.argsort(-sizes, kind="stable"):
        fold_of[g] = int(np.argmin(load))
        load[fold_of[g]] += sizes[g]
    for f in range(k):
        yield np.flatnonzero(fold_of[inverse] != f), np.flatnonzero(fold_of[inverse] == f)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", choices=["digital", "scan"])
    ap.add_argument("--ocr-cache", help="keep OCR'd pages in this folder (development only)")
    a = ap.parse_args()

    from extractor.confidence import CALIBRATION_FILE
    corpus = Path(a.corpus)
    data: dict[str, list] = {}
    for folder, inp, fam in SETS:
        if a.only and fam != a.only:
            continue
        cases = sorted(d for d in (corpus / folder).iterdir() if (d / "truth.json").is_file() and (d / inp).is_file()) \
            if (corpus / folder).is_dir() else []
        if not cases:
            continue
        with ProcessPoolExecutor(a.jobs) as ex:
            results = list(ex.map(run_case, [(str(c), inp, str(corpus), a.ocr_cache) for c in cases]))
        rows = [r for res in results if res for r in res]
        data.setdefault(fam, []).append((f"{folder}/{inp}", rows))
        print(f"{folder}/{inp}: {len(cases)} cases, {len(rows)} fields, {sum(1 for r in rows if not r[1])} wrong",
              file=sys.stderr)
    try:
        models = json.loads(CALIBRATION_FILE.read_text())["models"]
    except (OSError, ValueError, KeyError):
        models = {}
    for fam, sets in data.items():
        rows = [r for _, rs in sets for r in rs]
        y = np.array([r[1] for r in rows])
        groups = np.array([f"{name}/{r[2]}" for name, rs in sets for r in rs])
        # cross-validated by case: each case's fields are scored by a model that never saw it
        p_cv = np.zeros(len(y))
        for tr, te in group_folds(groups, 5):
            m = fit([rows[i] for i in tr])
            p_cv[te] = predict(m, [rows[i] for i in te])
        models[fam] = fit(rows)
        print(f"[{fam}] fields {len(y)} wrong {(y == 0).sum()}  cross-validated: "
              f"ECE {ece(p_cv, y):.4f} capture@5 {capture(p_cv, y):.3f}   exponents {models[fam]['w']}")
        start = 0
        for name, rs in sets:
            sl = slice(start, start + len(rs))
            start += len(rs)
            print(f"    {name:32s} ECE {ece(p_cv[sl], y[sl]):.4f} capture@5 {capture(p_cv[sl], y[sl]):.3f} "
                  f"wrong {(y[sl] == 0).sum()}")
    CALIBRATION_FILE.write_text(json.dumps({"about": "fitted by scripts/calibrate.py (make calibrate)",
                                            "models": models}, indent=1) + "\n")
    print(f"wrote {CALIBRATION_FILE}")


if __name__ == "__main__":
    main()
