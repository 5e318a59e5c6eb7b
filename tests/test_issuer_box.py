"""Box 2, "Issuer Name and Ticker or Trading Symbol": the name, then the ticker in brackets."""
from __future__ import annotations

from pathlib import Path

from extractor import extract

SEED = Path(__file__).resolve().parents[1] / "samples" / "form4-seed.md"


def test_words_after_the_ticker_are_not_the_issuers_name(tmp_path):
    """On a scan the issuer box's edge lets a neighbour's words in after "[QLYS]". The whole text
    used to fail the "Name [TICKER]" pattern, so the name came out as everything, ticker and junk
    included, and the ticker as null."""
    seed = SEED.read_text()
    assert "<u>QUALYS, INC. [QLYS]</u>" in seed
    spilled = seed.replace("<u>QUALYS, INC. [QLYS]</u>", "<u>QUALYS, INC. [QLYS] ponte — abd</u>")
    clean = extract(str(SEED))
    got = extract(str(tmp_path / "spilled.md"), data=spilled.encode())
    assert (got.record.issuer.name, got.record.issuer.trading_symbol) == ("QUALYS, INC.", "QLYS")
    conf = lambda ex, p: next(f.confidence for f in ex.fields if f.path == p)
    assert conf(got, "issuer.name") < conf(clean, "issuer.name")       # less sure, not silent
