"""A `pdftotext -layout` dump whose table body stands on another character grid than its header.

pdftotext lays each run of text out on a grid of its own making: rows set in larger type come out
wider than their header, and a continuation page narrower. The header then still says which columns
exist, in what order, but the body's values no longer stand under their labels."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import regex as re

from extractor import extract
from extractor.text_columns import word_fit

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "form4-derivatives.layout.txt"


def _regrid_table1(text: str, squeeze) -> str:
    """The dump with Table I's data rows (between its header and Table II) re-laid by `squeeze`."""
    lines = text.split("\n")
    start = next(i for i, ln in enumerate(lines) if "Table I - Non-Derivative" in ln)
    end = next(i for i, ln in enumerate(lines) if "Table II - Derivative" in ln)
    first_row = next(i for i in range(start, end) if ln_is_row(lines[i]))
    for i in range(first_row, end):
        lines[i] = squeeze(lines[i])
    return "\n".join(lines)


def ln_is_row(line: str) -> bool:
    return line.startswith("Common Stock")


def regrid(scale: float):
    """A line re-laid with every cell's start column scaled, as pdftotext lays out a run of text on
    a coarser or finer grid (cells keep their order and at least two spaces between them)."""
    def lay(line: str) -> str:
        out = ""
        for m in re.finditer(r"\S+(?: \S+)*", line):
            col = max(round(m.start() * scale), len(out) + 2 if out else 0)
            out = out.ljust(col) + m.group()
        return out
    return lay


def _rows(path: Path, text: str | None = None):
    ex = extract(str(path), data=None if text is None else text.encode())
    return [r.model_dump() for r in ex.record.non_derivative_transactions]


def test_rows_on_a_narrower_grid_than_their_header(tmp_path):
    """The rows laid out at 55 % of the header's width: values that stood under "Amount", "Price"
    and "5. Amount of Securities" now stand under "2. Transaction Date" and "3". Without reading
    the body's own columns, the share counts come out as dates that do not parse (null) and the
    codes, balances and ownership forms are lost."""
    original = SAMPLE.read_text()
    narrow = _regrid_table1(original, regrid(0.55))
    assert narrow != original
    want = _rows(SAMPLE)
    assert len(want) == 5 and want[3]["shares"] is not None
    assert _rows(tmp_path / "narrow.layout.txt", narrow) == want


def test_rows_on_a_wider_grid_than_their_header(tmp_path):
    """The rows laid out at 130 % of the header's width: the balance drifts under "6. Ownership
    Form" and the ownership form under "7. Nature"."""
    original = SAMPLE.read_text()
    wide = _regrid_table1(original, regrid(1.3))
    assert _rows(tmp_path / "wide.layout.txt", wide) == _rows(SAMPLE)


def test_word_fit_says_which_column_type_a_word_is():
    assert word_fit("date", "07/02/2010") == 1.0
    assert word_fit("number", "20,655,342") == 1.0
    assert word_fit("date", "20,655,342") == -1.0          # a share count is not a date
    assert word_fit("text", "Stock") > 0 > word_fit("text", "27,114,763")
    assert word_fit("money", "(1)") == 0.0                  # a footnote mark says nothing
    assert word_fit("ad_code", "D") == 1.0 and word_fit("ad_code", "S") == -1.0


CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"


@pytest.mark.skipif(not (CORPUS / "form4-variants").is_dir(), reason="needs the shared corpus")
def test_a_column_of_marks_only_keeps_its_marks():
    """A real dump whose Table II body stands right of its header: the Conversion Price,
    Date Exercisable and Expiration Date columns hold only the mark "(2)", so no word of theirs
    says where they are; given no width, their marks went to the title and amount cells."""
    case = CORPUS / "form4-variants" / "datamule-0217"
    truth = json.loads((case / "truth.json").read_text())
    marks_only = ("conversion_or_exercise_price", "exercise_date", "expiration_date")
    want = [{k: r["footnote_ids"].get(k) for k in marks_only} for r in truth["derivative_transactions"]]
    rows = extract(str(case / "form.layout.txt")).record.derivative_transactions
    assert [{k: r.footnote_ids.get(k) for k in marks_only} for r in rows] == want
    assert all(r.shares not in (None, 0) for r in rows)


@pytest.mark.skipif(not (CORPUS / "form4-variants").is_dir(), reason="needs the shared corpus")
def test_a_footnote_mark_closes_its_wrapped_cell():
    """pdftotext prints a row's eight-line "By Sequoia Capital ... Fund IV, L.P.(1)" centred on
    its values, with the next row's "By" on the very next line: no gap says where one row ends.
    Centring alone gave each "By" to the row above ("... L.P. By" / "Sequoia Capital ...")."""
    case = CORPUS / "form4-variants" / "datamule-0121"
    truth = json.loads((case / "truth.json").read_text())
    rows = extract(str(case / "form.layout.txt")).record.non_derivative_transactions
    assert [r.nature_of_ownership for r in rows] == [r["nature_of_ownership"] for r in truth["non_derivative_transactions"]]
