"""In-process scoring for development: extract every case of a corpus and score it with the
official scorer's own functions (../shared/tools/score.py). The numbers that count come from
running score.py itself; this is only faster to iterate with."""
import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "shared" / "tools"))
import score  # noqa: E402


def run(case: str, inp: str, ocr_cache: str | None = None):
    if ocr_cache:
        from devcache import cache_ocr
        cache_ocr(ocr_cache)
    from extractor.api import extract
    from extractor.errors import ExtractError
    from extractor.output import to_json
    t0 = time.perf_counter()
    try:
        ex = extract(str(Path(case) / inp))
        out = score.load_json(to_json(ex))
        st = "ok"
    except ExtractError as e:
        out, st = None, "exit_nonzero"
    except Exception as e:
        import traceback
        traceback.print_exc()
        out, st = None, f"crash:{type(e).__name__}"
    return {"id": Path(case).name, "status": st, "output": out, "seconds": time.perf_counter() - t0}


ap = argparse.ArgumentParser()
ap.add_argument("corpus")
ap.add_argument("--input", default="form.pdf")
ap.add_argument("--show-errors", type=int, default=30)
ap.add_argument("--only")
ap.add_argument("--jobs", type=int, default=2)
ap.add_argument("--ocr-cache", help="keep OCR'd pages in this folder (development only)")
ap.add_argument("--leaves", help="write every scored leaf (case, path, confidence, right) to this JSON file")
a = ap.parse_args()
cases = score.find_cases(Path(a.corpus), a.input)
if a.only:
    cases = [c for c in cases if a.only in c.name]
with ProcessPoolExecutor(a.jobs) as ex:
    res = list(ex.map(run, [str(c) for c in cases], [a.input] * len(cases), [a.ocr_cache] * len(cases)))
for r, c in zip(res, cases):
    r["truth"] = score.truth_of(score.load_json((c / "truth.json").read_text()))
m = score.score_cases(res)
if a.leaves:
    Path(a.leaves).write_text(json.dumps([(r.get("id", c.name), lf.path, lf.conf, lf.ok) for r, c in zip(res, cases)
                                          for lf in r.get("_leaves", [])]))
print(score.summary(m, a.show_errors).split(f"first {a.show_errors} wrong leaves:")[-1] if a.show_errors else "")
c = m["confidence"]
print(f"SCORE field_acc={m['field_acc']:.4f} exact={m['exact']:.4f} capture@5={c['capture@5']:.4f} ece={c['ece']:.4f} "
      f"conf_err={c['confident_error_rate']:.5f} n={m['n']}")
