"""Where do the wrong fields rank by confidence? (development aid for the confidence model)"""
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "shared" / "tools"))
import score  # noqa: E402


def run(args):
    case, inp = args
    from extractor.api import extract
    from extractor.errors import ExtractError
    from extractor.output import to_json
    try:
        out = score.load_json(to_json(extract(str(Path(case) / inp))))
    except ExtractError:
        return []
    truth = score.truth_of(score.load_json((Path(case) / "truth.json").read_text()))
    leaves, _ = score.compare_records(truth, out["record"])
    score.attach_confidence(leaves, out["fields"])
    ev = {f["path"]: f.get("evidence", {}) for f in out["fields"]}
    return [(lf.conf if lf.conf is not None else 1.0, lf.ok, Path(case).name, lf.path, lf.truth, lf.pred, ev.get(lf.path))
            for lf in leaves]


corpus, inp = Path(sys.argv[1]), sys.argv[2]
cases = score.find_cases(corpus, inp)
with ProcessPoolExecutor(2) as ex:
    rows = [r for res in ex.map(run, [(str(c), inp) for c in cases]) for r in res]
rows.sort(key=lambda r: r[0])
k = int(len(rows) * 0.05)
print(f"leaves {len(rows)}; 5% budget {k}; threshold conf {rows[k][0]}")
for i, r in enumerate(rows):
    if not r[1]:
        print(f"rank {i:6d} conf {r[0]:.4f} {r[2]} {r[3]} truth={str(r[4])[:40]!r} pred={str(r[5])[:40]!r} ev={r[6]}")
from collections import Counter
print(Counter(r[3].split("[")[0] + "." + r[3].rsplit(".", 1)[-1] for r in rows[:k]).most_common(15))
