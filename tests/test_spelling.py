"""OCR'd words respelled where one glyph confusion explains them (extractor/spelling.py)."""
import json
from collections import Counter
from pathlib import Path

import pytest

from extractor.spelling import WORD, respell

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.mark.parametrize("read, seen, printed", [
    ("foomote", (), "footnote"),             # "tn" read as one "m"
    ("Retum", ("return",), "Return"),
    ("Foomote", ("footnote",), "Footnote"),  # a capitalized word: to a word the document has
    ("Foomote", (), None),                   # ... and only then
    ("Duckles", ("duckies",), "Duckies"),    # (which is why it needs the document's word)
    ("Duckles", (), None),                   # a name one confusion from "duckies" stays
    ("footnote", (), None),                  # a word stays
    ("tum", (), None),                       # too short to tell "turn" from "tun"
    ("viii", (), None),                      # a roman numeral, not a misread "vul"
    ("McKesson", (), None),                  # mixed case: a name
    ("1O,5OO", (), None),                    # not a word: numbers are repair.py's
    # a word whose end OCR lost: completed to the one longer word the document has twice
    ("undertak", ("undertakes", "undertakes"), "undertakes"),
    ("undertak", ("undertakes",), None),         # once is not enough
    ("MERRIL", ("merrill", "merrill"), None),    # a name stays as filed
    # ... or its start (rsecbuy-0787 at 200 dpi: "See otnotes" at 0.98)
    ("otnotes", ("footnotes", "footnotes"), "footnotes"),
    ("ight", ("right", "right"), None),          # too short: "light", "might", "eight"
    # one letter for another of a word the document prints often (rsecbuy-0038 at 150 dpi)
    ("Menger", ("merger",) * 3, "Merger"),
    ("teplacement", ("replacement",) * 3, "replacement"),
    ("Menger", ("merger",) * 2, None),           # not often enough
    ("BANA", ("bank",) * 5, None),               # capitals: an abbreviation as filed
])
def test_respell(read, seen, printed):
    assert respell(read, Counter(seen)) == printed


def _strings(v):
    if isinstance(v, dict):
        for x in v.values():
            yield from _strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from _strings(x)
    elif isinstance(v, str):
        yield v


def test_no_word_of_a_filing_as_filed_is_respelled():
    """Every word of every truth record in the corpus (names, tickers, Latin, acronyms, 62,776
    words), with the record's own words as what the document has: a repair here would turn right
    text wrong on every scan of it ("Duckles" -> "Duckies", "viii" -> "vul")."""
    files = sorted(CORPUS.glob("**/truth.json"))
    assert len(files) > 250
    changed, n = [], 0
    for f in files:
        strings = list(_strings(json.loads(f.read_text())))
        seen = Counter(m.group().lower() for s in strings for m in WORD.finditer(s))
        for s in strings:
            for m in WORD.finditer(s):
                n += 1
                if (r := respell(m.group(), seen)) is not None:
                    changed.append((f.parent.name, m.group(), r))
    assert n > 50_000
    assert changed == []


def test_a_name_takes_the_spelling_its_document_uses_most():
    """"Tesla" read "Testa" and "Tesia" in a filing that prints it ten times: "testa" is in the
    word list too, so only the document's own usage tells them apart."""
    seen = Counter({"tesla": 10, "testa": 2, "tesia": 1})
    assert respell("Testa", seen) == "Tesla" and respell("Tesia", seen) == "Tesla"
    assert respell("Testa", Counter({"tesla": 4, "testa": 2})) is None     # not three times as often
    assert respell("Tesla", seen) is None
