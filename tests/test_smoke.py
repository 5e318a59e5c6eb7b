"""End to end on a bundled sample: the real PDF through the real pipeline."""
from pathlib import Path

from extractor import extract

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def test_edgar_render_reads_issuer_and_first_row():
    ex = extract(str(SAMPLES / "form4-edgar-render.pdf"))
    rec = ex.record
    assert rec.issuer.trading_symbol == "SCWO"       # not "[ SCWO ]": the brackets are layout
    row = rec.non_derivative_transactions[0]
    assert str(row.shares) == "757756"                # "757,756(1)": the mark is not part of the number
    assert row.footnote_ids == {"shares": ["1"]}
