"""Golden files: the expected extraction of every sample input in `samples/`.

Each input `samples/<file>` (PDF, Markdown, text dump, and whatever other input kinds get added)
has its expected output beside it in `samples/<file>.json`: the whole `extract` result as pretty
contract JSON. `tests/test_golden.py` compares against them; only an explicit command rewrites them:

    make golden                 # = python -m tests.golden --write; review `git diff samples/` before committing
    python -m tests.golden      # just list what differs, exit 1 if anything does

Compared is the whole extraction except volatile keys: `source.path` (how the file was named) and
anything timing-related.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import regex as re
import simplejson

from extractor.api import extract, failed
from extractor.errors import ExtractError
from extractor.output import to_json

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
GOLDEN_SUFFIX = ".json"
NOT_INPUTS = {"README.md", "README.txt"}
VOLATILE_PATHS = {"source.path"}
_TIMING_KEY = re.compile(r"^(elapsed|duration|timings?|seconds|started|finished)(_\w+)?$|_(ms|s|seconds)$")
MAX_DIFF_LINES = 40


def sample_inputs() -> list[Path]:
    """Every sample input (anything in samples/ that is not a golden file), sorted by name."""
    return sorted(p for p in SAMPLES.iterdir()
                  if p.is_file() and p.suffix != GOLDEN_SUFFIX and p.name not in NOT_INPUTS
                  and not p.name.startswith("."))


def golden_path(sample: Path) -> Path:
    return sample.with_name(sample.name + GOLDEN_SUFFIX)


def extract_sample(sample: Path) -> str:
    """The sample through the real pipeline, in-process, as pretty contract JSON. An input that
    cannot be read gives the contract's `status: failed` object: that is its expected output too."""
    name = f"samples/{sample.name}"       # the same source.path whatever the working directory
    try:
        ex = extract(name, data=sample.read_bytes())
    except ExtractError as e:
        ex = failed(name, e)
    return to_json(ex, pretty=True) + "\n"


def load(text: str) -> object:
    """JSON -> Python with numbers as exact Decimals, volatile keys removed."""
    return _without_volatile(simplejson.loads(text, use_decimal=True), "")


def _without_volatile(node: object, path: str) -> object:
    if isinstance(node, dict):
        return {k: _without_volatile(v, f"{path}.{k}" if path else k) for k, v in node.items()
                if (f"{path}.{k}" if path else k) not in VOLATILE_PATHS and not _TIMING_KEY.search(k)}
    if isinstance(node, list):
        return [_without_volatile(v, f"{path}[]") for v in node]
    return node


def differences(old: object, new: object, path: str = "", was: str = "golden", now: str = "now") -> list[str]:
    """Every differing leaf as 'path: golden X, now Y'. Lists of objects with a `path` key (the
    `fields` list) are matched by that key, so one added field shows as one line, not a shifted list.
    `was`/`now` name the two sides in the lines."""
    if isinstance(old, dict) and isinstance(new, dict):
        return _keyed_differences(old, new, lambda k: f"{path}.{k}" if path else k, was, now)
    if isinstance(old, list) and isinstance(new, list):
        if _keyed(old) and _keyed(new):
            return _keyed_differences({x["path"]: x for x in old}, {x["path"]: x for x in new},
                                      lambda k: f"{path}[path={k}]", was, now)
        return _keyed_differences(dict(enumerate(old)), dict(enumerate(new)), lambda i: f"{path}[{i}]", was, now)
    # str() too: Decimal("17.00") == Decimal("17.0"), but the JSON shows them differently
    if old != new or type(old) is not type(new) or str(old) != str(new):
        return [f"{path}: {was} {_show(old)}, {now} {_show(new)}"]
    return []


def _keyed_differences(old: dict, new: dict, sub, was: str, now: str) -> list[str]:
    out = []
    for k in list(old) + [k for k in new if k not in old]:
        if k not in new:
            out.append(f"{sub(k)}: {was} {_show(old[k])}, {now} missing")
        elif k not in old:
            out.append(f"{sub(k)}: not in {was}, {now} {_show(new[k])}")
        else:
            out.extend(differences(old[k], new[k], sub(k), was, now))
    return out


def _keyed(items: list) -> bool:
    keys = [x.get("path") for x in items if isinstance(x, dict)]
    return len(keys) == len(items) and None not in keys and len(set(keys)) == len(keys)


def _show(v: object) -> str:
    s = simplejson.dumps(v, ensure_ascii=False, use_decimal=True)
    return s if len(s) <= 120 else s[:117] + "..."


def report(sample: Path, diffs: list[str]) -> str:
    shown = diffs[:MAX_DIFF_LINES]
    more = f"\n  ... and {len(diffs) - len(shown)} more" if len(diffs) > len(shown) else ""
    return (f"samples/{sample.name} differs from samples/{golden_path(sample).name} in {len(diffs)} place(s) "
            f"(if the change is right: make golden, then review git diff samples/):\n  "
            + "\n  ".join(shown) + more)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Check (default) or rewrite (--write) the golden JSON of every sample.")
    ap.add_argument("--write", action="store_true", help="rewrite samples/*.json from the current pipeline")
    args = ap.parse_args(argv)
    changed = 0
    for sample in sample_inputs():
        out = extract_sample(sample)
        gp = golden_path(sample)
        old = gp.read_text(encoding="utf-8") if gp.exists() else None
        diffs = differences(load(old), load(out)) if old is not None else ["no golden yet"]
        if diffs:
            changed += 1
            print(report(sample, diffs) if old is not None else f"samples/{sample.name}: no golden yet")
        if args.write and out != old:
            gp.write_text(out, encoding="utf-8")
            print(f"wrote samples/{gp.name}")
    print(f"{len(sample_inputs())} samples, {changed} differ from their golden"
          + (" (rewritten)" if args.write and changed else ""))
    return 1 if changed and not args.write else 0


if __name__ == "__main__":
    sys.exit(main())
