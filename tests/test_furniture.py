"""Browser headers and footers around a printed filing are not part of it."""
import shutil
import subprocess
from pathlib import Path

import pytest

from extractor import extract
from extractor.furniture import drop_furniture
from extractor.geometry import BBox
from extractor.page import Page, Word

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


def _page(n: int, lines: list[tuple[float, str]]) -> Page:
    words = []
    for y, text in lines:
        x = 30.0
        for t in text.split():
            words.append(Word(t, BBox(x, y, x + 6 * len(t), y + 8), n))
            x += 6 * len(t) + 4
    return Page(n, 612, 792, words)


def test_repeated_margin_lines_and_page_counters_go_body_stays():
    """Guards against a header "11/25/26, 4:29 PM SEC FORM 4" and a footer "file:///... 1/2"
    landing in table cells of a table that runs over the page break."""
    pages = [_page(n, [(12, "11/25/26, 4:29 PM"), (40, "Common Stock 1,000 D"), (770, f"https://www.sec.gov/x {n}/2")])
             for n in (1, 2)]
    drop_furniture(pages)
    for p in pages:
        assert [w.text for w in p.words] == ["Common", "Stock", "1,000", "D"]


def test_text_renderings_keep_a_repeated_first_line():
    """A text dump's page may start with the table's repeated caption: no margins there, so only
    plain shapes (addresses, counters, time stamps) are furniture."""
    pages = [_page(n, [(0, "Table I - Non-Derivative Securities"), (10, "Common Stock")]) for n in (1, 2)]
    drop_furniture(pages, printed=False)
    for p in pages:
        assert [w.text for w in p.words][:2] == ["Table", "I"]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="the Makefile installs chromium")
def test_pdf_printed_with_browser_header_and_footer(tmp_path):
    """A real print of EDGAR's page with Chromium's default header and footer, over three pages
    (the owners listed after Table II run onto pages 2 and 3)."""
    case = CORPUS / "form4" / "rsecbuy-0108"
    pdf = tmp_path / "printed.pdf"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--no-first-run", "--disable-sync",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--print-to-pdf={pdf}", (case / "form.html").as_uri()],
                   check=True, capture_output=True, timeout=120)
    rec = extract(str(pdf)).record
    streets = {o.street2 for o in rec.reporting_owners}
    assert "8/F PRINTING HOUSE, 6 DUDDELL STREET" in streets
    assert not any("PM" in (s or "") or "/3" in (s or "") for s in streets)
    assert len(rec.reporting_owners) == 7
