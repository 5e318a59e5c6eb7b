"""`extract eval`: the tool's own accuracy report must give the official scorer's figures.

The scorer (../shared/tools/score.py) is imported here only to check against; `extractor.evaluate`
never imports it (users do not have it).
"""
from __future__ import annotations

import copy
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from extractor import extract
from extractor.evaluate import compare, metrics
from extractor.evaluate.pairs import find_pairs, read_pairs_csv
from extractor.evaluate.report import write_plot
from extractor.evaluate.runner import BAD_XML, EXTRACT_FAILED, run_pairs
from extractor.evaluate.truth import load_json, truth_record, what_the_rendering_shows
from extractor.output import to_json

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared"
CORPUS = SHARED / "corpus"
EXTRACT = Path(sys.executable).parent / "extract"
pytestmark = pytest.mark.skipif(not (SHARED / "tools" / "score.py").is_file() or not CORPUS.is_dir(),
                                reason="../shared (scorer and corpus) not present")

# real extractions with real errors: rows missing or extra, footnote marks, addresses, signatures
CASES = [("form4/datamule-0195", "form.layout.txt"), ("form4/rsecbuy-0038", "form.layout.txt"),
         ("form4/rsecbuy-0314", "form.layout.txt"), ("form4/rsecbuy-0543", "form.layout.txt"),
         ("form4-variants/datamule-0121", "form.layout.txt"), ("form4-variants/datamule-0221", "form.layout.txt"),
         ("form3/datamule-0189", "form.md"), ("form5/" + "{form5}", "form.md")]


@pytest.fixture(scope="module")
def score():
    spec = importlib.util.spec_from_file_location("score", SHARED / "tools" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("score", mod)           # its dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def _case_dirs() -> list[tuple[Path, str]]:
    form5 = sorted(d.name for d in (CORPUS / "form5").iterdir() if (d / "truth.json").is_file())[0]
    return [(CORPUS / case.format(form5=form5), inp) for case, inp in CASES]


@pytest.fixture(scope="module")
def outputs(score) -> list[dict]:
    """The cases' truth.json (as the scorer reads it) and their real extraction outputs."""
    out = []
    for case, inp in _case_dirs():
        truth = score.truth_of(score.load_json((case / "truth.json").read_text()))
        out.append({"id": case.name, "case": case, "truth": truth,
                    "output": score.load_json(to_json(extract(str(case / inp))))})
    return out


def _variants(output: dict) -> list[dict]:
    """The real output, plus edits that reach every rule of the comparison: number strings with
    ',' and '$', US dates, 'x' for a tick, F-prefixed marks, a street split elsewhere, an extra row,
    a dropped row, unknown keys, and confidence given on a row, a section or the whole record."""
    edited = copy.deepcopy(output)
    r = edited["record"]
    for row in r["non_derivative_transactions"] + r["derivative_transactions"]:
        if row.get("shares") is not None:
            row["shares"] = f"${row['shares']:,}"
        if row.get("transaction_date"):
            y, m, d = row["transaction_date"].split("-")
            row["transaction_date"] = f"{int(m)}/{int(d)}/{y}"
        row["voluntarily_reported"] = "x" if row.get("voluntarily_reported") else "no"
        row["footnote_ids"] = {k: [f"F{i}" for i in v] for k, v in row.get("footnote_ids", {}).items()}
    for owner in r["reporting_owners"]:
        for box in ("is_director", "is_officer", "is_ten_percent_owner", "is_other"):
            owner[box] = "X" if owner.get(box) else "no"
        joined = " ".join(x for x in (owner.get("street1"), owner.get("street2")) if x)
        owner["street1"], owner["street2"] = joined, None
    r["derivative_holdings"].append({"security_title": "Invented", "shares_owned_following_transaction": 1})
    if r["non_derivative_transactions"]:
        r["non_derivative_transactions"].pop()
    r["made_up"] = 1
    r["issuer"]["cik"] = "0000000000"
    by_row = copy.deepcopy(output)
    by_row["fields"] = [{"path": "record", "confidence": 0.5}, {"path": "footnotes", "confidence": 0.7},
                        {"path": "non_derivative_transactions[0]", "confidence": Decimal("0.3")},
                        {"path": " issuer . name ", "confidence": 2}] + \
        [f for f in output["fields"] if not f["path"].startswith(("footnotes", "non_derivative"))][::2]
    none = copy.deepcopy(output)
    none["fields"] = []
    return [output, edited, by_row, none]


def _verdicts(leaves) -> list[tuple]:
    return [(lf.path, lf.group, lf.section, lf.ok, lf.ok_ci, lf.nonnull, lf.in_truth, lf.conf) for lf in leaves]


def test_comparison_agrees_with_the_scorer_leaf_by_leaf(score, outputs):
    """Same leaves, same verdict (exact and case-insensitive), same confidence on every leaf.
    Guards against a normalisation, flattening or confidence-inheritance rule that differs from
    the scorer's, which would make `extract eval` report other figures than the official ones."""
    checked = 0
    for case in outputs:
        for out in _variants(case["output"]):
            theirs, their_unknown = score.compare_records(case["truth"], out["record"])
            score.attach_confidence(theirs, out["fields"])
            ours, our_unknown = compare.compare_records(case["truth"], out["record"])
            compare.attach_confidence(ours, out["fields"])
            assert _verdicts(ours) == _verdicts(theirs), case["id"]
            assert our_unknown == their_unknown
            checked += len(ours)
        failed_theirs, _ = score.compare_records(case["truth"], None)
        failed_ours, _ = compare.compare_records(case["truth"], None)
        assert _verdicts(failed_ours) == _verdicts(failed_theirs) and not any(lf.ok for lf in failed_ours)
    wrong = sum(not lf.ok for case in outputs for lf in compare.compare_records(case["truth"],
                                                                                case["output"]["record"])[0])
    assert checked > 5000 and wrong > 20           # real errors were compared, not only agreement


def test_figures_agree_with_the_scorer(score, outputs):
    """field_acc, exact, ECE, capture@k, confident errors, per field and per form: the scorer's."""
    cases = [{"id": c["id"], "truth": c["truth"], "output": out, "status": "ok", "seconds": 0.1}
             for c in outputs for out in _variants(c["output"])[:2]]
    cases.append({"id": "failed", "truth": outputs[0]["truth"], "output": None, "status": "exit_nonzero"})
    theirs = score.score_cases(copy.deepcopy(cases))
    ours = metrics.score_results([{"id": c["id"], "filing": f"{c['id']}.pdf", "xml": "x.xml",
                                   "status": c["status"] if c["output"] else EXTRACT_FAILED,
                                   "truth": c["truth"], "output": c["output"], "seconds": 0.1} for c in cases])
    for k in ("n", "leaves", "field_acc", "field_acc_ci", "field_acc_nonnull", "exact", "unknown_pred_keys"):
        assert ours[k] == theirs[k], k
    for k, v in theirs["confidence"].items():
        assert ours["confidence"][k] == pytest.approx(v, abs=1e-12), k
    assert {k: (v["n"], v["acc"]) for k, v in ours["per_field"].items()} == \
        {k: (v["n"], v["acc"]) for k, v in theirs["per_field"].items()}
    assert {k: (v["n"], v["field_acc"], v["exact"]) for k, v in ours["per_document_type"].items()} == \
        {k: (v["n"], v["field_acc"], v["exact"]) for k, v in theirs["per_document_type"].items()}
    assert ours["failures"] == {"total": 1, EXTRACT_FAILED: 1}
    assert 0 < theirs["field_acc"] < 1 and theirs["confidence"]["ece"] > 0


@pytest.mark.parametrize("case", ["form4/rangereq-0004", "form4/rangereq-0010", "form3/kellogg-0072",
                                  "edgar-txt/0001209191-23-019006"])
def test_truth_from_the_xml_is_what_the_page_shows(score, case):
    """The truth read from the XML (or the submission holding it) equals the corpus truth leaf by
    leaf: X0101 rows under the root are not on the page (rangereq-0004), a Form 5 transaction on a
    Form 4 shows V (rangereq-0010)."""
    folder = CORPUS / case
    xml = folder / "source.xml" if (folder / "source.xml").is_file() else folder / "filing.txt"
    expected = score.truth_of(score.load_json((folder / "truth.json").read_text()))
    leaves, _ = score.compare_records(expected, truth_record(xml.read_bytes()))
    assert [lf.path for lf in leaves if not lf.ok] == []


def test_rows_under_the_root_are_not_on_the_page():
    """The rule, not the case: rows in the tables stay, X0101 rows straight under the root go."""
    row = ("<{0}><securityTitle><value>{1}</value></securityTitle><transactionCoding><transactionCode>S"
           "</transactionCode></transactionCoding><postTransactionAmounts><sharesOwnedFollowingTransaction>"
           "<value>5</value></sharesOwnedFollowingTransaction></postTransactionAmounts></{0}>")
    xml = ("<?xml version='1.0'?>\n<ownershipDocument><documentType>4</documentType>"
           + row.format("nonDerivativeSecurity", "Under the root")
           + "<nonDerivativeTable>" + row.format("nonDerivativeTransaction", "In the table") + "</nonDerivativeTable>"
           + row.format("derivativeSecurity", "Also under the root") + "</ownershipDocument>").encode()
    whole = load_json(to_json(extract("x.xml", data=xml)))["record"]
    shown = truth_record(xml)
    assert [r["security_title"] for r in whole["non_derivative_transactions"]] == ["Under the root", "In the table"]
    assert [r["security_title"] for r in shown["non_derivative_transactions"]] == ["In the table"]
    assert shown["derivative_transactions"] == [] and whole["derivative_transactions"] != []
    plain = xml.replace(b"nonDerivativeSecurity", b"x").replace(b"derivativeSecurity", b"y")
    assert what_the_rendering_shows(plain) is plain        # nothing hidden: the XML as filed


def _submission(xml: bytes, accession: str) -> bytes:
    return (f"<SEC-DOCUMENT>{accession}.txt : 20230101\n<SEC-HEADER>\nACCESSION NUMBER:\t{accession}\n"
            f"CONFORMED SUBMISSION TYPE:\t4\n</SEC-HEADER>\n<DOCUMENT>\n<TYPE>4\n<TEXT>\n<XML>\n").encode() + \
        xml + b"\n</XML>\n</TEXT>\n</DOCUMENT>\n</SEC-DOCUMENT>\n"


@pytest.fixture
def archive(tmp_path) -> Path:
    """An archive as users keep one: renderings named by accession number in one folder, their XML
    elsewhere (an .xml in a folder named by the accession, a submission .txt named by its 18
    digits), one filing without XML, one corpus-style case folder, and files that are neither;
    one filing is a symbolic link whose target has no accession number in its name."""
    a, b, c = (CORPUS / "form4" / n for n in ("darkmind-0001", "datamule-0003", "datamule-0004"))
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "0001209191-23-019006.pdf").symlink_to(a / "form.pdf")      # the name counts, not the target's
    shutil.copy(b / "form.md", tmp_path / "pdf" / "Form4_0000073124-23-000024.md")
    shutil.copy(c / "form.pdf", tmp_path / "pdf" / "0000000001-23-000001.pdf")        # no XML anywhere
    (tmp_path / "xml" / "0001209191-23-019006").mkdir(parents=True)
    shutil.copy(a / "source.xml", tmp_path / "xml" / "0001209191-23-019006" / "wk-form4.xml")
    (tmp_path / "xml" / "000007312423000024.txt").write_bytes(_submission((b / "source.xml").read_bytes(),
                                                                           "0000073124-23-000024"))
    (tmp_path / "case").mkdir()
    shutil.copy(c / "form.md", tmp_path / "case" / "form.md")
    shutil.copy(c / "source.xml", tmp_path / "case" / "source.xml")
    (tmp_path / "case" / "truth.json").write_text("{}")                 # never read
    (tmp_path / "notes.csv").write_text("a,b\n")
    return tmp_path


def test_pairs_by_accession_number_and_by_case_folder(archive):
    """Guards against pairing by position or by name similarity, and against dropping a filing
    that has no XML without saying so."""
    got = find_pairs([archive / "pdf", archive / "xml", archive / "case"])
    pairs = {p.id: (p.xml.relative_to(archive).as_posix(), p.matched_by) for p in got.pairs}
    assert pairs == {
        "pdf/0001209191-23-019006.pdf": ("xml/0001209191-23-019006/wk-form4.xml", "accession"),
        "pdf/Form4_0000073124-23-000024.md": ("xml/000007312423000024.txt", "accession"),
        "case/form.md": ("case/source.xml", "folder"),
    }
    assert got.unmatched == [("pdf/0000000001-23-000001.pdf", "no XML with accession number 0000000001-23-000001")]
    only_md = find_pairs([archive], input_name="form.md")
    assert [p.id for p in only_md.pairs] == [f"{archive.name}/case/form.md"]


def test_pairs_csv(archive, tmp_path):
    """Explicit pairs win over names: a filing paired with an XML whose accession says otherwise
    is taken as written; paths are relative to the CSV; a short row names its line."""
    csv = tmp_path / "pairs.csv"
    csv.write_text("filing,xml\npdf/0000000001-23-000001.pdf,case/source.xml\n\n"
                   "case/form.md,xml/0001209191-23-019006/wk-form4.xml\n")
    pairs = read_pairs_csv(csv)
    assert [(p.id, p.xml, p.matched_by) for p in pairs] == [
        ("pdf/0000000001-23-000001.pdf", tmp_path / "case" / "source.xml", "csv"),
        ("case/form.md", tmp_path / "xml" / "0001209191-23-019006" / "wk-form4.xml", "csv")]
    results = run_pairs(find_pairs([], pairs_csv=csv).pairs, workers=1)
    m = metrics.score_results(results)
    assert [c["exact"] for c in m["cases"]] == [True, False]       # the second pair is deliberately wrong
    assert m["cases"][1]["correct"] < m["cases"][1]["leaves"] / 2
    csv.write_text("filing,xml\nonly-one-column.pdf\n")
    with pytest.raises(ValueError, match="line 2"):
        read_pairs_csv(csv)


def test_failed_extraction_and_bad_xml_count_as_failures(archive, score):
    """A filing that cannot be read counts every truth leaf wrong (as the scorer counts a failed
    command); an unreadable XML is a failure too, never silently skipped."""
    (archive / "bad").mkdir()
    (archive / "bad" / "form.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)     # junk after the header
    shutil.copy(archive / "case" / "source.xml", archive / "bad" / "source.xml")
    (archive / "badxml").mkdir()
    shutil.copy(archive / "case" / "form.md", archive / "badxml" / "form.md")
    (archive / "badxml" / "source.xml").write_bytes(b"<?xml version='1.0'?>\n<ownershipDocument><documentType>4")
    got = find_pairs([archive / "case", archive / "bad", archive / "badxml"])
    m = metrics.score_results(run_pairs(got.pairs, workers=2))
    by_id = {c["id"]: c for c in m["cases"]}
    bad = by_id["bad/form.pdf"]
    assert bad["status"] == EXTRACT_FAILED and bad["correct"] == 0 and not bad["exact"]
    truth = score.truth_of(score.load_json(
        (CORPUS / "form4" / "datamule-0004" / "truth.json").read_text()))
    assert bad["leaves"] == len(score.compare_records(truth, None)[0])
    assert by_id["badxml/form.md"]["status"] == BAD_XML and "malformed" in by_id["badxml/form.md"]["error"]
    assert m["failures"] == {"total": 2, EXTRACT_FAILED: 1, BAD_XML: 1}
    good = by_id["case/form.md"]
    assert m["field_acc"] == pytest.approx(good["correct"] / (good["leaves"] + bad["leaves"]))
    assert m["exact"] == pytest.approx(1 / 3)


def test_reliability_diagram_is_a_png(outputs, tmp_path):
    from PIL import Image
    m = metrics.score_results([{"id": c["id"], "filing": "f.pdf", "xml": "x.xml", "status": "ok",
                                "truth": c["truth"], "output": c["output"]} for c in outputs])
    path = tmp_path / "reliability.png"
    write_plot(m, path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(path) as im:
        im.verify()
    with Image.open(path) as im:
        assert im.size[0] > 400 and im.size[1] > 400
    with_conf = 0
    for c in outputs:
        leaves, _ = compare.compare_records(c["truth"], c["output"]["record"])
        compare.attach_confidence(leaves, c["output"]["fields"])
        with_conf += sum(lf.conf is not None for lf in leaves)
    assert sum(c["n"] for c in m["reliability"]) == with_conf > 1000     # every leaf with a confidence, once
    assert sum(c["n"] for c in m["reliability_near_one"]) == with_conf
    assert sum(c["wrong"] for c in m["reliability_near_one"]) > 0


def test_cli_on_corpus_case_folders_gives_the_scorers_field_accuracy(tmp_path, score):
    """`.venv/bin/extract eval` on four case folders (Forms 3, 4 and 5), compared with the scorer
    scoring the same filings' `extract` outputs: the same field accuracy and exact-record rate."""
    folders = [CORPUS / "form4-variants" / "datamule-0121", CORPUS / "form4" / "datamule-0195",
               CORPUS / "form3" / "datamule-0189", _case_dirs()[-1][0]]
    out_json, png = tmp_path / "eval.json", tmp_path / "eval.png"
    pr = subprocess.run([str(EXTRACT), "eval", *map(str, folders), "--input", "form.layout.txt", "--workers", "2",
                         "--json", str(out_json), "--plot", str(png), "--show-errors", "3"],
                        capture_output=True, text=True, timeout=300)
    assert pr.returncode == 0, pr.stderr
    assert "Traceback" not in pr.stderr
    m = json.loads(out_json.read_text())
    cases = [{"id": f.name, "truth": score.truth_of(score.load_json((f / "truth.json").read_text())),
              "output": score.load_json(to_json(extract(str(f / "form.layout.txt")))), "status": "ok"}
             for f in folders]
    theirs = score.score_cases(cases)
    assert m["n"] == 4 and m["leaves"] == theirs["leaves"]
    assert m["field_acc"] == pytest.approx(theirs["field_acc"], abs=1e-12) and theirs["field_acc"] < 1
    assert m["exact"] == theirs["exact"]
    last = pr.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"EVAL field_acc=\d\.\d{4} exact=\d\.\d{4} capture@5=\S+ ece=\S+ failures=0 n=4", last)
    assert f"field_acc={theirs['field_acc']:.4f}" in last
    assert "first 3 of" in pr.stdout and png.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("args, code, message", [
    ([], 2, "give folders or files"),
    (["/nonexistent/archive"], 3, "no such file or folder: /nonexistent/archive"),
])
def test_cli_bad_command_line_is_one_line(args, code, message):
    pr = subprocess.run([str(EXTRACT), "eval", *args], capture_output=True, text=True, timeout=60)
    lines = pr.stderr.strip().splitlines()
    assert pr.returncode == code and len(lines) == 1 and lines[0].startswith(f"extract eval: {message}")
