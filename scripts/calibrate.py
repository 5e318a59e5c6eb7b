"""Fit the confidence model (`make calibrate`): extract every corpus case, label each field right
or wrong with the official scorer's comparison, fit a logistic model per input family, and write
extractor/calibration.json. Prints cross-validated calibration (ECE) and capture@5 per corpus so
the shipped figures are not just the fit to its own training data.

    python scripts/calibrate.py [--corpus ../shared/corpus] [--jobs 2]
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
    case, inp, corpus = args
    score = _score_module(Path(corpus))
    from extractor.api import extract
    from extractor.confidence import features
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
    rows = []
    for f in out["fields"]:
        if f["path"] in ok and "evidence" in f:
            ev = {k: float(v) for k, v in f["evidence"].items()}
            rows.append((features(f["path"], f["value"], ev, style), int(ok[f["path"]]), Path(case).name))
    return rows


def ece(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    tot = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        m = (p >= lo) & ((p < hi) | ((b == bins - 1) & (p <= 1.0)))
        if m.any():
            tot += m.sum() / len(p) * abs(y[m].mean() - p[m].mean())
    return tot


def capture(p: np.ndarray, y: np.ndarray, pct: float = 5) -> float:
    wrong = (y == 0).sum()
    if not wrong:
        return 1.0
    k = math.ceil(len(p) * pct / 100)
    order = np.argsort(p, kind="stable")
    return float((y[order[:k]] == 0).sum() / wrong)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", choices=["digital", "scan"])
    a = ap.parse_args()
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    from extractor.confidence import CALIBRATION_FILE, FEATURES
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
            results = list(ex.map(run_case, [(str(c), inp, str(corpus)) for c in cases]))
        rows = [r for res in results if res for r in res]
        data.setdefault(fam, []).append((f"{folder}/{inp}", rows))
        print(f"{folder}/{inp}: {len(cases)} cases, {len(rows)} fields, {sum(1 for r in rows if not r[1])} wrong",
              file=sys.stderr)
    try:
        models = json.loads(CALIBRATION_FILE.read_text())["models"]
    except (OSError, ValueError, KeyError):
        models = {}
    for fam, sets in data.items():
        X = np.array([r[0] for _, rows in sets for r in rows])
        y = np.array([r[1] for _, rows in sets for r in rows])
        groups = np.array([f"{name}/{r[2]}" for name, rows in sets for r in rows])
        # cross-validated by case: each case's fields are scored by a model that never saw it
        p_cv = np.zeros(len(y))
        for tr, te in GroupKFold(n_splits=5).split(X, y, groups):
            m = LogisticRegression(C=1.0, max_iter=2000).fit(X[tr], y[tr])
            p_cv[te] = m.predict_proba(X[te])[:, 1]
        m = LogisticRegression(C=1.0, max_iter=2000).fit(X, y)
        models[fam] = {"intercept": float(m.intercept_[0]), "coef": [float(c) for c in m.coef_[0]],
                       "features": FEATURES, "min": 0.01, "max": 0.9995, "fields": int(len(y)),
                       "wrong": int((y == 0).sum())}
        print(f"[{fam}] fields {len(y)} wrong {(y == 0).sum()}  cross-validated: "
              f"ECE {ece(p_cv, y):.4f} capture@5 {capture(p_cv, y):.3f}")
        start = 0
        for name, rows in sets:
            sl = slice(start, start + len(rows))
            start += len(rows)
            print(f"    {name:32s} ECE {ece(p_cv[sl], y[sl]):.4f} capture@5 {capture(p_cv[sl], y[sl]):.3f} "
                  f"wrong {(y[sl] == 0).sum()}")
    CALIBRATION_FILE.write_text(json.dumps({"about": "fitted by scripts/calibrate.py (make calibrate)",
                                            "models": models}, indent=1) + "\n")
    print(f"wrote {CALIBRATION_FILE}")


if __name__ == "__main__":
    main()
