"""The evaluation as a readable table, as JSON, and as a reliability diagram (PNG)."""
from __future__ import annotations

import math
from pathlib import Path

from .metrics import BUDGETS, CONFIDENT
from .pairs import Pairing


def _f(x, nd: int = 4) -> str:
    return "nan" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{nd}f}"


def jsonable(o):
    """Figures as JSON can hold them: NaN -> null, tuples -> lists (Decimals stay exact)."""
    if isinstance(o, float) and math.isnan(o):
        return None
    if isinstance(o, dict):
        return {k: jsonable(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [jsonable(v) for v in o]
    return o


def _value(v) -> str:
    import simplejson
    return simplejson.dumps(jsonable(v), use_decimal=True, ensure_ascii=False, default=str)


def _rows(title: str, table: dict) -> list[str]:
    out = [f"{title:<18}{'filings':>8}{'leaves':>8}{'field_acc':>11}{'exact':>8}{'ece':>8}{'capture@5':>11}"
           f"{'failures':>10}"]
    out += [f"{k:<18}{v['n']:>8}{v['leaves']:>8}{_f(v['field_acc']):>11}{_f(v['exact']):>8}{_f(v['ece']):>8}"
            f"{_f(v['capture@5']):>11}{v['failures']:>10}" for k, v in table.items()]
    return out


def summary(m: dict, pairing: Pairing, show_errors: int = 0) -> str:
    """The report printed by `extract eval`; its last line is one greppable EVAL line."""
    c = m["confidence"]
    fails = ", ".join(f"{k} {v}" for k, v in m["failures"].items() if k != "total")
    rf = m["review_flag"]
    lines = [
        f"filings {m['n']}   leaves {m['leaves']}   failures {m['failures']['total']}"
        + (f" ({fails})" if fails else "") + f"   unknown predicted keys {m['unknown_pred_keys']}",
        f"filings without an XML {len(pairing.unmatched)}   XML without a filing {len(pairing.unused_xml)}",
        "",
        f"field accuracy     {_f(m['field_acc'])}   case-insensitive {_f(m['field_acc_ci'])}   "
        f"non-null leaves only {_f(m['field_acc_nonnull'])}",
        f"exact records      {_f(m['exact'])}",
        f"calibration        ECE {_f(c['ece'])}   coverage {_f(c['coverage'])}",
        "capture@1/2/5/10   " + " / ".join(_f(c[f"capture@{b}"]) for b in BUDGETS),
        f"confident errors   {_f(c['confident_errors'])} of wrong leaves have confidence >= {CONFIDENT}; "
        f"{_f(c['confident_error_rate'], 6)} of all leaves",
        f"review flag        {rf['needs_review']} records needs_review; {rf['not_exact_but_ok']} of the "
        f"{rf['not_exact']} records with an error were status ok",
        f"seconds/filing     p50 {_f(m['seconds']['p50'], 3)}   p95 {_f(m['seconds']['p95'], 3)}   "
        f"mean {_f(m['seconds']['mean'], 3)}",
        "",
        *_rows("document type", m["per_document_type"]),
        "",
        *_rows("input kind", m["per_input"]),
        "",
        f"{'field (worst first)':<44}{'leaves':>8}{'wrong':>7}{'acc':>9}{'mean conf':>11}{'ece':>8}",
    ]
    lines += [f"{k:<44}{v['n']:>8}{v['wrong']:>7}{_f(v['acc']):>9}{_f(v['mean_conf']):>11}{_f(v['ece']):>8}"
              for k, v in sorted(m["per_field"].items(), key=lambda kv: (kv[1]["acc"], kv[0]))]
    if pairing.unmatched:
        lines += ["", f"filings without an XML ({len(pairing.unmatched)}, not evaluated):"]
        lines += [f"  {f}: {why}" for f, why in pairing.unmatched]
    failed = [case for case in m["cases"] if case["status"] != "ok"]
    if failed:
        lines += ["", f"failed pairs ({len(failed)}, every truth leaf counted wrong):"]
        lines += [f"  {case['id']}: {case['status']}: {case['error']}" for case in failed]
    if show_errors:
        wrong = [(case["id"], w) for case in m["cases"] if case["status"] == "ok" for w in case["wrong"]]
        lines += ["", f"first {min(show_errors, len(wrong))} of {len(wrong)} wrong leaves:"]
        lines += [f"  {cid}  {w['path']}: truth={_value(w['truth'])} pred={_value(w['pred'])} conf={w['conf']}"
                  for cid, w in wrong[:show_errors]]
    lines += ["", f"EVAL field_acc={_f(m['field_acc'])} exact={_f(m['exact'])} capture@5={_f(c['capture@5'])} "
                  f"ece={_f(c['ece'])} failures={m['failures']['total']} n={m['n']}"]
    return "\n".join(lines)


def write_json(m: dict, pairing: Pairing, path: Path) -> None:
    """Every figure, the pairing (unmatched filings, unused XML) and per-filing detail."""
    import simplejson
    data = {**m, "unmatched_filings": [{"filing": f, "why": why} for f, why in pairing.unmatched],
            "xml_without_filing": pairing.unused_xml}
    path.write_text(simplejson.dumps(jsonable(data), use_decimal=True, indent=1, ensure_ascii=False, default=str)
                    + "\n", encoding="utf-8")


def write_plot(m: dict, path: Path) -> None:
    """Reliability diagram. Left: per confidence bin (the ECE's 10 bins), observed accuracy
    against mean confidence, with the number of leaves in each bin; a calibrated tool sits on the
    diagonal. Right: the same near 1, where nearly every leaf is: the error a bin's confidence
    predicts (1 - c) against the error observed, by decade, on log scales."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, az) = plt.subplots(1, 2, figsize=(12, 5.5))
    cells = [c for c in m["reliability"] if c["n"]]
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1, label="calibrated")
    ax.bar([c["lo"] for c in cells], [c["accuracy"] for c in cells], width=[c["hi"] - c["lo"] for c in cells],
           align="edge", color="#9ecae1", edgecolor="#3182bd", label="observed accuracy")
    ax.plot([c["confidence"] for c in cells], [c["accuracy"] for c in cells], "o", color="#08519c",
            label="at the bin's mean confidence")
    for c in cells:
        ax.annotate(f"n={c['n']}", ((c["lo"] + c["hi"]) / 2, c["accuracy"]), textcoords="offset points",
                    xytext=(0, 3), ha="center", fontsize=7)
    ax.set(xlim=(0, 1), ylim=(0, 1.08), xlabel="confidence", ylabel="observed accuracy",
           title=f"{sum(c['n'] for c in cells)} leaves of {m['n']} filings: ECE {_f(m['confidence']['ece'], 4)}")
    ax.legend(loc="upper left", fontsize=8)

    near = [c for c in m["reliability_near_one"] if c["n"]]
    floor = 0.5 / max([c["n"] for c in near] + [1])     # where "none wrong" is drawn on a log axis
    lo = min([floor] + [c["predicted_error"] for c in near if c["predicted_error"]]) / 2
    az.plot([lo, 1], [lo, 1], linestyle="--", color="grey", linewidth=1, label="calibrated")
    for c in near:
        x = max(c["predicted_error"], lo)
        y, marker = (c["observed_error"], "o") if c["wrong"] else (floor, "v")
        az.plot([x], [y], marker, color="#08519c", markersize=7)
        az.annotate(f"{c['wrong']}/{c['n']} wrong\nconf {c['lo']:g}\u2013{c['hi']:g}", (x, y),
                    textcoords="offset points", xytext=(6, -4), fontsize=7)
    az.set(xscale="log", yscale="log", xlim=(lo, 1), ylim=(lo, 1), xlabel="predicted error (1 - confidence)",
           ylabel="observed error rate", title="near 1, by decade (\u25bc: none wrong)")
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=110)
    plt.close(fig)
