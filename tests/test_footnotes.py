"""Explanation of Responses: notes numbered in sequence."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import extractor.api as api
from extractor import extract
from extractor.sources import load_document

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "form4-derivatives.layout.txt"


def _as_ocr(p, data, **kw):
    """The text rendering's words as OCR gives them: each with a confidence below 1."""
    doc = load_document(p, data, **kw)
    for page in doc.pages:
        page.words = [dataclasses.replace(w, conf=0.9) for w in page.words]
    return doc


def test_a_note_whose_number_ocr_garbled_does_not_swallow_the_rest(monkeypatch, tmp_path):
    """Note 2's "2." read as "Z.": notes are taken in sequence, so "3." (not 2) was not a note
    either, and notes 2 and 3 ran into note 1; every later footnote was lost."""
    clean = extract(str(SAMPLE)).record.footnotes
    assert [f.id for f in clean] == ["1", "2", "3"]
    text = SAMPLE.read_text()
    line = next(ln for ln in text.splitlines() if ln.startswith("2. Each share of the Issuer's Series C"))
    garbled = text.replace(line, "Z." + line[2:])
    monkeypatch.setattr(api, "load_document", _as_ocr)
    got = extract(str(tmp_path / "garbled.layout.txt"), data=garbled.encode())
    assert [f.id for f in got.record.footnotes] == ["1", "2", "3"]
    assert got.record.footnotes[0].text == clean[0].text
    assert got.record.footnotes[1].text == "Z. " + clean[1].text      # its words, number unread
    assert got.record.footnotes[2].text == clean[2].text
    sure = {f.path: f.confidence for f in got.fields}
    assert sure["footnotes[1].id"] < sure["footnotes[2].id"]          # the guessed split is less sure


def test_notes_none_of_whose_numbers_ocr_read_are_split_at_sentence_ends(monkeypatch, tmp_path):
    """A Form 5 sim at 200 dpi lost every note's small "1." at the margin: the notes' lines were
    never started, and all of them were lost (and the first line "100,000 exercisable ..." was
    taken for note 100). A line after one that ends a sentence starts the next note, in order,
    each to be reviewed; a number's thousands group is no note number."""
    clean = extract(str(SAMPLE)).record.footnotes
    head, notes = SAMPLE.read_text().split("Explanation of Responses:\n")
    for k in ("1", "2", "3"):
        line = next(ln for ln in notes.splitlines() if ln.startswith(f"{k}. "))
        notes = notes.replace(line, line[3:] if k != "3" else "100,000 " + line[3:])
    text = head + "Explanation of Responses:\n" + notes
    monkeypatch.setattr(api, "load_document", _as_ocr)
    got = extract(str(tmp_path / "unnumbered.layout.txt"), data=text.encode())
    assert [f.id for f in got.record.footnotes] == ["1", "2", "3"]
    assert [f.text for f in got.record.footnotes] == [clean[0].text, clean[1].text, "100,000 " + clean[2].text]
    numbered = extract(str(tmp_path / "numbered.layout.txt"), data=SAMPLE.read_bytes())
    sure = {f.path: f.confidence for f in got.fields}
    read = {f.path: f.confidence for f in numbered.fields}
    assert all(sure[f"footnotes[{i}].text"] < read[f"footnotes[{i}].text"] for i in range(3))   # guessed


@pytest.mark.parametrize("ids, flagged", [
    (["100"], ["100"]),              # "1" read as "100" from the note's text: no record numbers its notes so
    (["1", "20", "3"], ["20"]),
    (["1", "2", "3"], []),
    (["1", "3", "4"], []),           # a note lost leaves its neighbours in sequence
    (["2", "3"], []),
])
def test_a_footnote_number_out_of_sequence_is_an_error(ids, flagged):
    """Footnotes are numbered 1, 2, 3 ... as printed (every truth record of the corpus). A scan's
    footnote id read '100' for '1' came out at 0.9988 confidence, unchecked."""
    from extractor.validate import _marks
    rec = {"footnotes": [{"id": i, "text": "A note."} for i in ids]}
    got = [i.message.split()[1] for i in _marks(rec) if i.code == "footnote_out_of_sequence"]
    assert got == flagged


def test_every_filed_record_numbers_its_footnotes_in_sequence():
    """The check above on the corpus's truth records: it must flag none of them."""
    import json
    from extractor.validate import _marks
    files = sorted((Path(__file__).resolve().parents[2] / "shared" / "corpus").glob("**/truth.json"))
    assert len(files) > 250
    flagged = []
    for f in files:
        t = json.loads(f.read_text())
        flagged += [(f.parent.name, i.message) for i in _marks(t.get("record", t))
                    if i.code == "footnote_out_of_sequence"]
    assert flagged == []
