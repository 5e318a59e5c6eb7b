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


def _set_cell_entries(out: dict, entries: dict, path: str, marks: dict) -> None:
    """After a row's marks were corrected as a whole: its cells' entries say the same (cells that
    lost their marks lose their entries, as the contract lists only cells with marks; a cell whose
    marks did not change keeps its entry as the machine wrote it)."""
    prefix = path + "."
    kept = [f for f in out.get("fields", []) if not f["path"].startswith(prefix)]
    at = next((k for k, f in enumerate(kept) if f["path"] == path), len(kept)) + 1
    same = lambda cell, ids: prefix + cell in entries and entries[prefix + cell].get("value") == ids  # noqa: E731
    cells = [entries[prefix + cell] if same(cell, ids) else
             {**entries.get(prefix + cell, {"path": prefix + cell}), "value": list(ids), "confidence": 1.0,
              "provenance": "review"} for cell, ids in marks.items()]
    out["fields"] = kept[:at] + cells + kept[at:]
    for f in [k for k in entries if k.startswith(prefix)]:
        del entries[f]
    entries.update({c["path"]: c for c in cells})


def apply_reviews(extraction: dict, reviews: Iterable[dict]) -> dict:
    """A copy of `extraction` with the reviews (dicts with field_path, action, new_value; oldest
    first) applied. Reviews of fields the extraction no longer has are ignored."""
    latest = {r["field_path"]: (k, r) for k, r in enumerate(reviews)}
    out = copy.deepcopy(extraction)
    entries = {f["path"]: f for f in out.get("fields", [])}
    # in the order the latest decisions were made: a row's marks corrected as a whole and one of
    # its cells' marks corrected both apply, the later over the earlier
    for path, (_, review) in sorted(latest.items(), key=lambda pr: pr[1][0]):
        entry = entries.get(path)
        row_marks = path.rpartition(".")[0]
        if entry is None and row_marks.endswith(".footnote_ids") and row_marks in entries:
            _set_cell_entries(out, entries, row_marks, {**entries[row_marks]["value"], path.rpartition(".")[2]: []})
            entry = entries[path]
        if entry is None:
            continue
        if review["action"] == "correct":
            value = copy.deepcopy(review["new_value"])      # the record, the entry and the review never share one
            entry["value"] = value
            entry["confidence"] = 1.0
            entry["provenance"] = "review"
            set_leaf(out["record"], path, copy.deepcopy(value))
            if path.endswith(".footnote_ids"):
                _set_cell_entries(out, entries, path, value or {})
            elif row_marks in entries and row_marks.endswith(".footnote_ids"):   # the row's map says it too
                cell = path.rpartition(".")[2]
                marks = {k: v for k, v in entries[row_marks]["value"].items() if k != cell}
                entries[row_marks]["value"] = {**marks, cell: value} if value else marks
        elif review["action"] == "accept":
            entry["confidence"] = 1.0
            entry["provenance"] = "review"
        else:
            entry["provenance"] = "review_unreadable"
    return out
