"""Table rows when a row's anchor (its ownership form, D or I) was not read.

OCR drops lone letters: a faint "I" in column 10 is simply not there. Rows are found around those
anchors, so without it two rows became one: the second row's values went to its neighbour (whose
single-valued cells then held two values) and the row itself was lost."""
from __future__ import annotations

from pathlib import Path

import extractor.api as api
from extractor import extract
from extractor.sources import load_document

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "form4-multi-owner.pdf"


def _without_word_at(path: Path, bbox: list[float]):
    """`load_document` with the word at `bbox` (page 1) left out, as OCR leaves out a word."""
    def load(p, data, **kw):
        doc = load_document(p, data, **kw)
        page = doc.pages[0]
        page.words = [w for w in page.words
                      if max(abs(w.bbox.x0 - bbox[0]), abs(w.bbox.top - bbox[1])) > 0.5]
        return doc
    return load


def test_a_row_whose_ownership_form_was_not_read_is_still_a_row(monkeypatch):
    whole = extract(str(SAMPLE))
    entry = next(f for f in whole.fields if f.path == "derivative_transactions[1].direct_or_indirect_ownership")
    rows = whole.record.derivative_transactions
    assert len(rows) == 4 and entry.text == "I"

    monkeypatch.setattr(api, "load_document", _without_word_at(SAMPLE, entry.bbox))
    got = extract(str(SAMPLE))
    assert len(got.record.derivative_transactions) == 4              # not 3, one row swallowed
    for k, (want, row) in enumerate(zip(rows, got.record.derivative_transactions)):
        expected = want.model_copy(update={"direct_or_indirect_ownership": None}) if k == 1 else want
        assert row == expected, k

