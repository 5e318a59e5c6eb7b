"""The signature block above "** Signature of Reporting Person ... Date"."""
from __future__ import annotations

from pathlib import Path

from extractor import extract

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "form4-derivatives.layout.txt"


def test_a_signature_whose_date_cannot_be_read_is_still_a_signature(tmp_path):
    """Rows of the block are found around their dates; when OCR garbles the only date
    ("03/05/2013" read "93929913") there was no row, and the signer's name was lost with it."""
    text = SAMPLE.read_text()
    line = next(ln for ln in text.splitlines() if "/s/ Elon Musk" in ln)
    garbled = text.replace(line, line.replace("07/02/2010", "93929913"))
    assert garbled != text
    clean = extract(str(SAMPLE)).record.signatures
    got = extract(str(tmp_path / "garbled.layout.txt"), data=garbled.encode())
    assert [s.name for s in got.record.signatures] == [s.name for s in clean] == ["/s/ Elon Musk"]
    assert got.record.signatures[0].date is None
    date = next(f for f in got.fields if f.path == "signatures[0].date")
    assert date.text == "93929913" and date.confidence < 0.5          # shown for review, not trusted
