"""Reviewers' decisions applied to a machine extraction (the machine values stay in the store).

`correct` sets the new value in `record` and in the field's entry (confidence 1.0, provenance
"review"); `accept` keeps the value at confidence 1.0 (provenance "review"); `unreadable` keeps the
machine value and marks the entry "review_unreadable". The latest decision on a field wins.
"""
from __future__ import annotations

import copy
import re
from typing import Iterable

ACTIONS = ("accept", "correct", "unreadable")
_STEP = re.compile(r"^([A-Za-z0-9_]+)(?:\[(\d+)\])?$")


def set_leaf(record: dict, path: str, value) -> None:
    """Set the leaf at a contract path (`issuer.name`, `footnotes[0].text`,
    `non_derivative_transactions[0].footnote_ids.shares`) in a record dict."""
    node = record
    steps = path.split(".")
    for j, step in enumerate(steps):
        m = _STEP.match(step)
        if not m:
            raise KeyError(f"not a field path: {path}")
        name, index = m.group(1), m.group(2)
        last = j == len(steps) - 1
        if index is not None:
            if last:
                raise KeyError(f"{path} names a whole row, not a field")
            node = node[name][int(index)]
        elif not last:
            node = node[name]
        elif steps[j - 1:j] == ["footnote_ids"] and not value:
            node.pop(name, None)         # the contract lists only cells that carry marks
        else:
            node[name] = value


def apply_reviews(extraction: dict, reviews: Iterable[dict]) -> dict:
    """A copy of `extraction` with the reviews (dicts with field_path, action, new_value; oldest
    first) applied. Reviews of fields the extraction no longer has are ignored."""
    latest = {r["field_path"]: r for r in reviews}
    out = copy.deepcopy(extraction)
    entries = {f["path"]: f for f in out.get("fields", [])}
    for path, review in latest.items():
        entry = entries.get(path)
        if entry is None:
            continue
        if review["action"] == "correct":
            entry["value"] = review["new_value"]
            entry["confidence"] = 1.0
            entry["provenance"] = "review"
            set_leaf(out["record"], path, review["new_value"])
        elif review["action"] == "accept":
            entry["confidence"] = 1.0
            entry["provenance"] = "review"
        else:
            entry["provenance"] = "review_unreadable"
    return out
