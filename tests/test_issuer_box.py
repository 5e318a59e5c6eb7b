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


def test_an_ocr_read_closing_bracket_still_closes_the_ticker(tmp_path, monkeypatch):
    """Tesseract reads "[ LNKD ]" as "[ LNKD J": no "]", so the name took the ticker and the
    ticker was null. Only for OCR'd words: a text layer's "J" is a J."""
    import dataclasses

    import extractor.api as api
    from extractor.sources import load_document

    def as_ocr(p, data, **kw):
        doc = load_document(p, data, **kw)
        for page in doc.pages:
            page.words = [dataclasses.replace(w, conf=0.9) for w in page.words]
        return doc

    text = SEED.read_text().replace("<u>QUALYS, INC. [QLYS]</u>", "<u>QUALYS, INC. [ QLYS J</u>")
    digital = extract(str(tmp_path / "j.md"), data=text.encode())
    assert digital.record.issuer.trading_symbol is None               # not guessed from a text layer
    monkeypatch.setattr(api, "load_document", as_ocr)
    got = extract(str(tmp_path / "j.md"), data=text.encode())
    assert (got.record.issuer.name, got.record.issuer.trading_symbol) == ("QUALYS, INC.", "QLYS")


def test_an_ocr_read_speck_after_the_company_suffix_is_dropped(tmp_path, monkeypatch):
    """goedgar-0003 at 300 dpi: "ARROWHEAD PHARMACEUTICALS, INC. N [ ARWR ]" came out with the
    "N" at 0.93. A series numeral after the suffix is the name's ("Acquisition Corp. I")."""
    import dataclasses

    import extractor.api as api
    from extractor.sources import load_document

    def as_scan(p, data, **kw):
        doc = load_document(p, data, **kw)
        for page in doc.pages:
            page.words = [dataclasses.replace(w, conf=0.9) for w in page.words]
        return dataclasses.replace(doc, kind="scan")

    monkeypatch.setattr(api, "load_document", as_scan)
    for read, name in (("QUALYS, INC. N", "QUALYS, INC."), ("QUALYS ACQUISITION CORP. I", "QUALYS ACQUISITION CORP. I")):
        text = SEED.read_text().replace("<u>QUALYS, INC. [QLYS]</u>", f"<u>{read} [QLYS]</u>")
        got = extract(str(tmp_path / "n.md"), data=text.encode())
        assert got.record.issuer.name == name


def test_brackets_ocr_read_as_letters_glued_to_the_ticker_still_make_it_one(tmp_path, monkeypatch):
    """rsecbuy-0131 (form4-variants) at 300 dpi: "Doma Holdings, Inc. [DOMA]" read "Doma Holdings,
    Inc. IDOMAI": no bracket at all, so the name took "IDOMAI" and the ticker was null. A series
    numeral ("Acquisition Corp. III") is no ticker, and a text layer's letters are letters."""
    import dataclasses

    import extractor.api as api
    from extractor.sources import load_document

    def as_scan(p, data, **kw):
        doc = load_document(p, data, **kw)
        for page in doc.pages:
            page.words = [dataclasses.replace(w, conf=0.9) for w in page.words]
        return dataclasses.replace(doc, kind="scan")

    glued = SEED.read_text().replace("<u>QUALYS, INC. [QLYS]</u>", "<u>QUALYS, INC. IQLYSI</u>")
    assert extract(str(tmp_path / "g.md"), data=glued.encode()).record.issuer.trading_symbol is None
    monkeypatch.setattr(api, "load_document", as_scan)
    got = extract(str(tmp_path / "g.md"), data=glued.encode())
    assert (got.record.issuer.name, got.record.issuer.trading_symbol) == ("QUALYS, INC.", "QLYS")
    numeral = SEED.read_text().replace("<u>QUALYS, INC. [QLYS]</u>", "<u>QUALYS ACQUISITION CORP. III</u>")
    got = extract(str(tmp_path / "n.md"), data=numeral.encode())
    assert (got.record.issuer.name, got.record.issuer.trading_symbol) == ("QUALYS ACQUISITION CORP. III", None)
