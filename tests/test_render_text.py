"""The property test's renderer must write what the real converter writes, or the property test
checks the analyzer against a made-up format. Rendering a corpus case's truth.json must give back
its form.md byte for byte (the corpus is real EDGAR filings converted by a real PDF-to-Markdown tool)."""
import json
from pathlib import Path

import pytest

from tests.render_text import Style, render_form4

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "form4"

CASES = {   # case -> what it covers, and the style its page was printed in
    "datamule-0003": ("Table II rows, marks on empty cells, price $17 for 17.00", Style()),
    "rsecbuy-0108": ("7 owners, derivative holdings listed first, empty Remarks heading",
                     Style(holdings_first_table2=True, remarks_heading_when_empty=True)),
    "rangereq-0020": ("4/A with original date, 'no longer subject' checked, V flag, holdings", Style()),
    "openinsider-0023": ("10b5-1 box checked, holdings, remarks", Style()),
    "springload-0004": ("officer title and other text together, holdings", Style()),
    "rsecbuy-0170": ("deemed execution date, 2 owners", Style(remarks_heading_when_empty=True)),
    "rsecbuy-0710": ("empty Table II (its header is one cell shorter), 4 owners", Style()),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_renderer_reproduces_the_corpus_text(case):
    folder = CORPUS / case
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    expected = (folder / "form.md").read_text(encoding="utf-8")
    got = render_form4(truth, CASES[case][1])
    if got != expected:
        import difflib
        diff = "\n".join(list(difflib.unified_diff(expected.splitlines(), got.splitlines(), "form.md", "rendered",
                                                   lineterm="", n=0))[:12])
        pytest.fail(f"{case} ({CASES[case][0]}) renders differently:\n{diff}")
