"""EDGAR's HTML rendering: converted to the text-rendering form and read by the one analyzer."""
from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from extractor import extract
from extractor.errors import NotAForm
from extractor.output import to_json
from extractor.sources import sniff
from extractor.sources.html import html_to_text

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / ".." / "shared" / "corpus" / "real" / "form4" / "edgartools-render-01"
EXTRACT = Path(sys.executable).parent / "extract"


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/corpus/real not present")
def test_edgar_own_html_gives_issuer_owner_and_rows():
    """EDGAR's own HTML of a Form 4 (374Water, 2025): issuer, owner and both tables' rows as the
    truth has them. Guards against nested tables leaking into other cells, a lost ☒ (officer),
    and marks glued to numbers ("757,756(1)")."""
    truth = json.loads((REAL / "truth.json").read_text(), parse_float=Decimal)
    ex = extract(str(REAL / "form.html"))
    assert ex.source.kind == "html"
    rec = json.loads(to_json(ex), parse_float=Decimal)["record"]
    assert rec["issuer"] == {"name": "374Water Inc.", "trading_symbol": "SCWO"}
    owner = rec["reporting_owners"][0]
    assert (owner["name"], owner["is_officer"], owner["officer_title"]) == \
        ("Melkote Rajesh Ramaswamy", True, "Chief Technology Officer")
    for table in ("non_derivative_transactions", "derivative_transactions"):
        assert rec[table] == truth[table]
    # provenance: the line of the issuer is the HTML source line of its table row
    f = next(f for f in ex.fields if f.path == "issuer.trading_symbol")
    assert (REAL / "form.html").read_text().splitlines()[f.line - 1].strip().startswith("<tr")


ROWSPAN_AND_NESTED = b"""<html><body>Form 4
<table border="1">
<tr><td rowspan="2">1. Name <sup>*</sup><table><tr><td><a href="/x">Doe&nbsp;Jane</a></td></tr>
  <tr><td width="33%">AUSTIN</td><td>TX</td><td>78701</td></tr></table></td>
  <td>2. Issuer <a href="/y">ACME &amp; Co</a> [ <span>ACME</span> ]</td>
  <td rowspan="2">5. Relationship<table><tr><td><span>X</span></td><td>Director</td><td></td><td>10% Owner</td></tr></table></td></tr>
<tr><td>3. Date <u>01/02/2024</u></td></tr>
</table>
<table border="1"><thead><tr><th colspan="4">Table I</th></tr>
<tr><th>Title</th><th colspan="2">Code</th><th>Amount</th></tr></thead>
<tbody><tr><td>Common Stock</td><td>S<sup>(1)</sup></td><td></td><td>$1,000</td></tr></tbody></table>
<p>Statement of changes in beneficial ownership</p>
<table><tr><td><table border="1"><tr><td><span>X</span></td></tr></table></td><td>Check this box if no longer subject</td></tr></table>
<table><tr><td>Doe Jane<br>1 MAIN ST<br>AUSTIN, TX 78701</td><td>X</td><td>&nbsp;</td></tr></table>
</body></html>"""


def test_html_to_text_places_cells_like_the_text_renderings():
    """One line per outer row; a rowspan leaves an empty cell so later cells keep their column;
    a colspan reaching the row's end adds none; nested tables flatten into their cell with a
    gap between their cells; a lone X is ☒ glued to its label; <sup> marks are kept; entities
    decoded; links and underlines unwrapped; a cell wrapped with <br> (the 2003 look's owners
    grid) makes the row several lines, the other cells on the first."""
    text, src = html_to_text(ROWSPAN_AND_NESTED)
    lines = text.split("\n")
    assert lines[0] == "Form 4"
    assert lines[1] == ("1. Name <sup>*</sup>   Doe Jane   AUSTIN   TX   78701\t2. Issuer ACME & Co [ ACME ]\t"
                        "5. Relationship   ☒ Director   10% Owner")
    assert lines[2] == "\t3. Date 01/02/2024\t"                 # the rowspans keep columns 0 and 2
    assert lines[3] == "Table I"                                 # full-width title: no trailing tabs
    assert lines[4] == "Title\tCode\t\tAmount"
    assert lines[5] == "Common Stock\tS<sup>(1)</sup>\t\t$1,000"
    assert lines[6] == "Statement of changes in beneficial ownership"
    assert lines[7] == "\t☒ Check this box if no longer subject"
    assert lines[8:11] == ["Doe Jane\tX\t", "1 MAIN ST\t\t", "AUSTIN, TX 78701\t\t"]
    assert len(lines) == 11
    assert src[1] == 3 and src[2] == 7 and src[10] == 14         # HTML source line of each row


@pytest.mark.parametrize("html", [
    b"<html><body><p>Quarterly report</p><table><tr><td>Revenue</td><td>$5</td></tr></table></body></html>",
    b"<!DOCTYPE html><html></html>",
    b"<html><head><script>var beneficial = 'ownership';</script></head><body></body></html>",
], ids=["other-filing", "empty", "script-only"])
def test_html_that_is_not_an_ownership_filing_is_not_a_form(html):
    """Not a crash and not an empty record: NotAForm, before the analyzer sees an empty page."""
    with pytest.raises(NotAForm, match="not an SEC ownership filing"):
        extract("page.html", data=html)


def test_html_of_another_form_fails_through_the_cli_with_exit_6(tmp_path):
    page = tmp_path / "proxy.html"
    page.write_text("<html><body><h1>Proxy statement</h1><p>Security ownership of certain beneficial "
                    "owners: see the table.</p><table><tr><td>Name</td><td>Shares</td></tr></table></body></html>")
    run = subprocess.run([str(EXTRACT), str(page)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 6, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr
    assert json.loads(run.stdout)["status"] == "failed"


@pytest.mark.parametrize("head, kind", [
    (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN">\n<html xmlns="x">',
     "html"),
    (b"  <!-- generated -->\n<HTML><BODY>", "html"),
    (b'<?xml version="1.0"?>\n<ownershipDocument>', "xml"),
    (b"-----BEGIN PRIVACY-ENHANCED MESSAGE-----\nProc-Type: 2001,MIC-CLEAR\n\n<SEC-DOCUMENT>0001.txt\n<SEC-HEADER>",
     "submission"),
    (b"1. Name and Address of Reporting Person*\t2. Issuer Name", "text"),
], ids=["xhtml", "comment-first", "ownership-xml", "pem-banner-submission", "text-rendering"])
def test_sniff_tells_the_kinds_apart(head, kind):
    """An XHTML page is not XML to read as ownershipDocument; a submission behind a PEM banner is
    a submission, not text."""
    assert sniff(head) == kind
