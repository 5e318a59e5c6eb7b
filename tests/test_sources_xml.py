"""EDGAR ownership XML and full-submission files: read exactly, refused safely when broken."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from extractor import extract
from extractor.errors import CorruptInput, NotAForm
from extractor.output import to_json

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
CORPUS = ROOT / ".." / "shared" / "corpus"
EDGAR_TXT = sorted((CORPUS / "edgar-txt").glob("*/filing.txt"))
EXTRACT = Path(sys.executable).parent / "extract"


def _json(ex) -> dict:
    """The contract JSON as a user reads it, numbers as Decimal (so 157.5270 stays exact)."""
    return json.loads(to_json(ex), parse_float=Decimal)


@pytest.mark.skipif(not EDGAR_TXT, reason="../shared/corpus/edgar-txt not present")
@pytest.mark.parametrize("filing", EDGAR_TXT, ids=lambda p: p.parent.name)
def test_submission_record_equals_the_xml_truth(filing: Path):
    """Every leaf of the truth ("the XML read exactly"): guards against a mapped-wrong element
    (transactionTotalValue read as price, F-prefixed footnote ids, an absent unticked box as null)."""
    out = _json(extract(str(filing)))
    truth = json.loads((filing.parent / "truth.json").read_text(), parse_float=Decimal)
    assert out["source"]["kind"] == "xml"
    assert out["record"] == truth


def test_sample_xml_exact_values_lines_and_confidence():
    """Exact decimals and marks from the sample; every leaf has one field at confidence 1.0 with
    its XML line. Guards against float rounding (157.527), marks glued to values, and a second
    flattener that forgets null leaves."""
    path = SAMPLES / "form4-ownership.xml"
    ex = extract(str(path))
    assert (ex.source.kind, ex.template.id, ex.template.confidence, ex.status) == ("xml", "form4", 1.0, "ok")
    row = ex.record.derivative_transactions[0]
    assert str(row.shares) == "157.5270" and str(row.shares_owned_following_transaction) == "8503.5483"
    assert row.conversion_or_exercise_price is None           # a blank cell with only a footnote mark
    assert row.footnote_ids == {"conversion_or_exercise_price": ["1"], "price_per_share": ["2"],
                                "exercise_date": ["1"], "expiration_date": ["1"]}
    assert ex.record.derivative_holdings[0].underlying_security_shares == Decimal("5338")
    assert '"shares":157.5270' in to_json(ex)                 # written as the XML wrote it
    fields = {f.path: f for f in ex.fields}
    assert len(fields) == len(ex.fields)
    assert {f.confidence for f in ex.fields} == {1.0}
    assert "derivative_transactions[0].deemed_execution_date" in fields       # null leaves too
    src = path.read_text().splitlines()
    line = fields["derivative_transactions[0].shares_owned_following_transaction"].line
    assert src[line - 1].strip() == "<value>8503.5483</value>"


def test_submission_lines_point_into_the_submission_file():
    """A value's line is a line of the .txt file, not of the XML embedded in it."""
    path = SAMPLES / "form4-submission.txt"
    ex = extract(str(path))
    f = next(f for f in ex.fields if f.path == "non_derivative_transactions[0].price_per_share")
    assert path.read_text().splitlines()[f.line - 1].strip() == f"<value>{f.text}</value>"


def test_form3_rows_are_holdings():
    """A Form 3 reports holdings only: its rows never land in the transaction lists."""
    xml = SAMPLES.joinpath("form4-ownership.xml").read_bytes().replace(
        b"<documentType>4</documentType>", b"<documentType>3</documentType>")
    ex = extract("form3.xml", data=xml)
    rec = ex.record
    assert (rec.document_type, ex.template.id) == ("3", "form3")
    assert rec.derivative_transactions == [] and len(rec.derivative_holdings) == 2
    assert rec.derivative_holdings[0].underlying_security_shares == Decimal("157.5270")


def test_submission_without_xml_takes_the_text_path():
    """A pre-2003 submission carries the form as text: it is read by the text analyzer (not
    refused, not mistaken for XML), and lines count from the top of the submission file."""
    if not (CORPUS / "form4" / "datamule-0004").is_dir():
        pytest.skip("../shared/corpus/form4 not present")
    header = SAMPLES.joinpath("form4-submission.txt").read_text().split("<DOCUMENT>")[0]
    body = (CORPUS / "form4" / "datamule-0004" / "form.layout.txt").read_text()
    sub = f"{header}<DOCUMENT>\n<TYPE>4\n<SEQUENCE>1\n<TEXT>\n<PAGE>\n{body}</TEXT>\n</DOCUMENT>\n"
    ex = extract("old.txt", data=sub.encode())
    assert ex.source.kind == "text"
    assert (ex.record.issuer.name, ex.record.issuer.trading_symbol) == ("TESLA MOTORS INC", "TSLA")
    assert ex.record.non_derivative_transactions[0].shares == Decimal("15969")
    f = next(f for f in ex.fields if f.path == "issuer.name")
    assert "TESLA MOTORS INC" in sub.splitlines()[f.line - 1]


def test_submission_of_another_form_is_not_a_form():
    sub = b"<SEC-DOCUMENT>\n<SEC-HEADER>\nCONFORMED SUBMISSION TYPE:\t10-K\n</SEC-HEADER>\n" \
          b"<DOCUMENT>\n<TYPE>10-K\n<TEXT>\nAnnual report\n</TEXT>\n</DOCUMENT>\n"
    with pytest.raises(NotAForm, match="10-K"):
        extract("10k.txt", data=sub)


@pytest.mark.parametrize("xml, message", [
    (b"<?xml version='1.0'?>\n<edgarSubmission><x/></edgarSubmission>", "not an EDGAR <ownershipDocument>"),
    (b"<?xml version='1.0'?>\n<ownershipDocument><documentType>144</documentType></ownershipDocument>",
     "document type '144'"),
])
def test_other_xml_is_not_a_form(xml, message):
    with pytest.raises(NotAForm, match=message):
        extract("x.xml", data=xml)


@pytest.mark.parametrize("bad, message", [
    (b"<periodOfReport>2023-02-30</periodOfReport>", "line 3: <periodOfReport> '2023-02-30' is not a valid date"),
    (b"<notSubjectToSection16>maybe</notSubjectToSection16>", "is not a valid boolean"),
    (b"<nonDerivativeTable><nonDerivativeTransaction><transactionCoding><transactionCode>Q</transactionCode>"
     b"</transactionCoding></nonDerivativeTransaction></nonDerivativeTable>",
     r"non_derivative_transactions\[0\].transaction_code: 'Q'"),
])
def test_invalid_values_are_corrupt_input_naming_where(bad, message):
    """A value the XML schema forbids is a clear error naming the element, not a wrong record."""
    xml = b"<?xml version='1.0'?>\n<ownershipDocument><documentType>4</documentType>\n" + bad + b"\n</ownershipDocument>"
    with pytest.raises(CorruptInput, match=message):
        extract("x.xml", data=xml)


def test_malformed_xml_exit_code_and_one_stderr_line(tmp_path):
    """Through the real CLI: exit code 4 (corrupt input), one line on stderr, no traceback,
    and the contract's failed object on stdout."""
    bad = tmp_path / "truncated.xml"
    bad.write_bytes(SAMPLES.joinpath("form4-ownership.xml").read_bytes()[:1500])
    run = subprocess.run([str(EXTRACT), str(bad)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 4
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "malformed ownership XML" in lines[0] and "Traceback" not in run.stderr
    assert json.loads(run.stdout)["status"] == "failed"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE ownershipDocument [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
""" + b"".join(b' <!ENTITY %c "%s">\n' % (ord("b") + i, (b"&%c;" % (ord("a") + i)) * 10) for i in range(9)) + b"""]>
<ownershipDocument><documentType>4</documentType><remarks>&j;</remarks></ownershipDocument>
"""


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE ownershipDocument [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<ownershipDocument><documentType>4</documentType><remarks>&x;</remarks></ownershipDocument>
"""


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "external-entity"])
def test_entity_declarations_are_refused_quickly(xml):
    """Expansion would make ~74 GB of remarks (or read a local file into them): the reader must
    refuse before parsing, not try."""
    start = time.monotonic()
    with pytest.raises(CorruptInput, match="declares entities"):
        extract("lol.xml", data=xml)
    assert time.monotonic() - start < 2
