"""Fit the confidence model (`make calibrate`): extract every corpus case, label each field right
or wrong with the official scorer's comparison, fit a logistic model per input family, and write
extractor/calibration.json. Prints cross-validated calibration (ECE) and capture@5 per corpus so
the shipped figures are not just the fit to its own training data.

    python scripts/calibrate.py [--corpus ../shared/corpus] [--jobs 2] [--only digital|scan] [--scans DIR] [--ocr-cache DIR]
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


L2 = 0.3                 # pull of each weight towards 0 and each intercept towards the family's overall rate
# the least weight of a doubt the checks and repairs raise: an issue the corpus happens to show
# beside no wrong field (born-digital errors are rare), or a repair the cross-checks confirmed
# (fit 0.97: right every time on the corpus scans), still lowers the confidence of the field
MIN_WEIGHT = {"errors": 1.0, "blank_errors": 1.0, "warnings": 0.2, "fit": 1.0, "fit~": 1.0}


def fit(rows) -> dict:
    """Fit the logistic model of extractor/confidence.py by penalised maximum likelihood: an
    intercept per (kind of field, input style), and a weight >= 0 per doubt (so a doubt only ever
    lowers the probability). The penalty keeps the intercept of a kind with few or no wrong fields
    near the family's overall rate, and the weight of a doubt the corpus rarely shows near 0."""
    from scipy.optimize import minimize

    from extractor.confidence import base_key, doubts
    y = np.array([r[1] for r in rows], dtype=float)
    keys = sorted({base_key(path, style, ev) for (path, ev, style), _, _ in rows})
    feats = [doubts(path, ev, style) for (path, ev, style), _, _ in rows]
    names = sorted({k for d in feats for k in d})
    col = {k: j for j, k in enumerate(names)}
    X = np.zeros((len(rows), len(keys) + len(names)))
    kcol = {k: j for j, k in enumerate(keys)}
    for i, ((path, ev, style), _, _) in enumerate(rows):
        X[i, kcol[base_key(path, style, ev)]] = 1.0
        for k, v in feats[i].items():
            X[i, len(keys) + col[k]] = -v                 # weights >= 0 lower the logit
    rate = (y.sum() + 1) / (len(y) + 2)
    a0 = math.log(rate / (1 - rate))
    centre = np.array([a0] * len(keys) + [0.0] * len(names))

    def nll(theta):
        z = X @ theta
        p = 1 / (1 + np.exp(-z))
        d = theta - centre
        loss = np.sum(np.logaddexp(0, -z) * y + np.logaddexp(0, z) * (1 - y)) + 0.5 * L2 * np.sum(d * d)
        return loss, X.T @ (p - y) + L2 * d

    bounds = [(None, None)] * len(keys) + [(MIN_WEIGHT.get(n.split("|")[0], 0.0), None) for n in names]
    centre[len(keys):] = [b[0] for b in bounds[len(keys):]]
    res = minimize(nll, centre.copy(), jac=True, method="L-BFGS-B", bounds=bounds)
    return {"intercept": {k: float(res.x[kcol[k]]) for k in keys}, "default_intercept": float(a0),
            "weights": {k: float(res.x[len(keys) + col[k]]) for k in names if res.x[len(keys) + col[k]] > 1e-6},
            "fields": int(len(y)), "wrong": int((y == 0).sum())}


WRONG_ABOVE_THRESHOLD = 0.004   # at most this share of fields may be wrong at or above the review threshold


def caution(p: np.ndarray, y: np.ndarray, keys: np.ndarray) -> dict[str, float]:
    """Per input style (scans: per resolution band), the least probability `sure` from which
    at most WRONG_ABOVE_THRESHOLD of its fields are wrong, measured on the cross-validated
    probabilities; confidence.cautious() shows `sure` as the review threshold. A well-calibrated
    model still puts a field right 93 times in 100 at 0.93, and where most fields read cleanly but
    a few percent are wrong anyway (150 dpi scans) those would pass review unseen."""
    from extractor.confidence import REVIEW_THRESHOLD
    out = {}
    for k in sorted(set(keys)):
        m = keys == k
        for sure in np.arange(REVIEW_THRESHOLD, 0.9995, 0.0025):
            if ((p[m] >= sure) & (y[m] == 0)).sum() <= WRONG_ABOVE_THRESHOLD * m.sum():
                break
        out[str(k)] = round(float(sure), 4)
    return out


def predict(model: dict, rows) -> np.ndarray:
    from extractor.confidence import MAX_CONFIDENCE, probability
    return np.array([min(MAX_CONFIDENCE, max(0.001, probability(model, path, ev, style)))
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
    ap.add_argument("--scans", type=Path, help="also fit the scan model on the simulated scans in this folder's "
                    "folders (scripts/simulate_scans.py; `make calibrate` makes them)")
    a = ap.parse_args()

    from extractor.confidence import CALIBRATION_FILE, cautious, style_key
    corpus = Path(a.corpus)
    sets = [(corpus / folder, folder, inp, fam) for folder, inp, fam in SETS]
    if a.scans:
        # Forms 3 and 5 and the Form 4 filings the corpus has no scan of: what the scan model
        # learns from the corpus's own scans alone is Form 4's 30 filings' failures
        sets += [(d, f"{a.scans.name}/{d.name}", inp, "scan") for d in sorted(a.scans.iterdir()) if d.is_dir()
                 for inp in sorted({p.name for p in d.glob("*/scan-*.pdf")})]
    data: dict[str, list] = {}
    for base, folder, inp, fam in sets:
        if a.only and fam != a.only:
            continue
        cases = sorted(d for d in base.iterdir() if (d / "truth.json").is_file() and (d / inp).is_file()) \
            if base.is_dir() else []
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
        groups = np.array([f"{name.rsplit('/', 1)[0]}/{r[2]}" for name, rs in sets for r in rs])   # a filing's every rendering in one fold
        # cross-validated by case: each case's fields are scored by a model that never saw it
        p_cv = np.zeros(len(y))
        for tr, te in group_folds(groups, 5):
            m = fit([rows[i] for i in tr])
            p_cv[te] = predict(m, [rows[i] for i in te])
        keys = np.array([style_key(style, ev) for (path, ev, style), _, _ in rows])
        models[fam] = {**fit(rows), "caution": caution(p_cv, y, keys)}
        p_cv = np.array([cautious(q, models[fam]["caution"][k]) for q, k in zip(p_cv, keys)])
        print(f"[{fam}] fields {len(y)} wrong {(y == 0).sum()}  cross-validated: "
              f"ECE {ece(p_cv, y):.4f} capture@5 {capture(p_cv, y):.3f}  caution {models[fam]['caution']}")
        start = 0
        for name, rs in sets:
            sl = slice(start, start + len(rs))
            start += len(rs)
            print(f"    {name:32s} ECE {ece(p_cv[sl], y[sl]):.4f} capture@5 {capture(p_cv[sl], y[sl]):.3f} "
                  f"wrong {(y[sl] == 0).sum()} wrong at >= 0.9 {((p_cv[sl] >= 0.9) & (y[sl] == 0)).mean():.2%}")
    CALIBRATION_FILE.write_text(json.dumps({"about": "fitted by scripts/calibrate.py (make calibrate)",
                                            "models": models}, indent=1) + "\n")
    print(f"wrote {CALIBRATION_FILE}")


if __name__ == "__main__":
    main()
