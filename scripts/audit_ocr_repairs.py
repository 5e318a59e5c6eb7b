"""Development only: how many `ocr_repair` issues a corpus run makes and how many put the truth's
value in the field (reads truth.json, which `extract` never does)."""
import argparse
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path

import regex as re


def at(rec, path):
    cur = rec
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        try:
            cur = cur[int(part[1:-1])] if part.startswith("[") else cur[part]
        except (KeyError, IndexError, TypeError):
            return "<absent>"
    return cur


def same(a, b) -> bool:
    if isinstance(a, (int, float, Decimal)) and isinstance(b, (int, float, Decimal)) \
            and not isinstance(a, bool) and not isinstance(b, bool):
        return Decimal(str(a)) == Decimal(str(b))
    return a == b


def run(case: str, inp: str, cache: str | None):
    if cache:
        sys.path.insert(0, str(Path(__file__).parent))
        from devcache import cache_ocr
        cache_ocr(cache)
    from extractor.api import extract
    from extractor.output import loads, to_json
    out = loads(to_json(extract(str(Path(case) / inp))))
    truth = loads((Path(case) / "truth.json").read_text())
    conf = {f["path"]: f["confidence"] for f in out["fields"]}
    rows = []
    for i in out["issues"]:
        if i["code"] == "ocr_repair":
            got, want = at(out["record"], i["path"]), at(truth, i["path"])
            rows.append((Path(case).name, i["severity"], i["path"], i["message"], same(got, want), got, want, conf.get(i["path"])))
    return rows


ap = argparse.ArgumentParser()
ap.add_argument("corpus")
ap.add_argument("--input", default="scan-200.pdf")
ap.add_argument("--ocr-cache")
ap.add_argument("--jobs", type=int, default=2)
ap.add_argument("--all", action="store_true", help="list the right repairs too")
a = ap.parse_args()
cases = [str(c) for c in sorted(Path(a.corpus).iterdir()) if (c / a.input).exists()]
with ProcessPoolExecutor(a.jobs) as ex:
    allrows = [r for rows in ex.map(run, cases, [a.input] * len(cases), [a.ocr_cache] * len(cases)) for r in rows]
for case, sev, path, msg, ok, got, want, c in allrows:
    if a.all or not ok:
        print(f"{'right' if ok else 'WRONG'} {case} {sev} {path}: {msg} | got={got!r} truth={want!r} conf={c}")
for sev in ("info", "warning"):
    rs = [r for r in allrows if r[1] == sev]
    mean = sum(r[7] for r in rs) / len(rs) if rs else 0.0
    print(f"{sev}: {len(rs)} repairs, {sum(r[4] for r in rs)} right, {sum(not r[4] for r in rs)} wrong, "
          f"mean confidence {mean:.3f}")
roll = [r for r in allrows if "roll-forward hold" in r[3]]
print(f"roll-forward repairs of parsed values: {len(roll)}, {sum(r[4] for r in roll)} right")
print(f"REPAIRS n={len(allrows)} right={sum(r[4] for r in allrows)} wrong={sum(not r[4] for r in allrows)}")
