"""`extract export`: what users open (DuckDB, spreadsheets via CSV) must read the files directly,
with exact numbers and real types, and reviewed corrections must be in them."""
from __future__ import annotations

import json
from decimal import Decimal

import duckdb
import pytest

from extractor.bulk.store import Store

from .bulk_helpers import corpus_cases, run_cli


def _make_store(root, n: int):
    """A store of n corpus PDFs and one empty file."""
    (root / "in").mkdir()
    for case in corpus_cases(n):
        (root / "in" / f"{case.name}.pdf").write_bytes((case / "form.pdf").read_bytes())
    (root / "in" / "empty.pdf").write_bytes(b"")
    r = run_cli("bulk", root / "in", "--out", root / "out", "-j", "2")
    assert r.returncode == 1, r.stderr          # empty.pdf failed
    return root / "out"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    return _make_store(tmp_path_factory.mktemp("export"), 4)


def _jsonl(store_dir) -> list[dict]:
    r = run_cli("export", store_dir)
    assert r.returncode == 0, r.stderr
    return [json.loads(line, parse_float=Decimal) for line in r.stdout.splitlines()]


def test_jsonl_has_every_input_failed_ones_included(store_dir):
    lines = _jsonl(store_dir)
    assert len(lines) == 5
    assert [ex["source"]["path"] for ex in lines] == sorted(ex["source"]["path"] for ex in lines)
    (failed,) = [ex for ex in lines if ex["status"] == "failed"]
    assert failed["source"]["path"].endswith("empty.pdf") and failed["issues"][0]["code"] == "corrupt_input"


def test_parquet_and_csv_read_directly_by_duckdb_with_exact_values(store_dir, tmp_path):
    """Guards against numbers turned into floats (151.95 -> 151.9499...), dates left as text and
    booleans as 'True' strings: a user's SUM or date filter would silently be wrong."""
    parquet = tmp_path / "rows.parquet"
    r = run_cli("export", store_dir, "--format", "parquet", "--output", parquet)
    assert r.returncode == 0, r.stderr
    csv_path = tmp_path / "rows.csv"
    assert run_cli("export", store_dir, "--format", "csv", "--output", csv_path).returncode == 0

    expected = [(ex["source"]["path"], section, i, row)
                for ex in _jsonl(store_dir) if ex["record"]
                for section in ("non_derivative_transactions", "non_derivative_holdings",
                                "derivative_transactions", "derivative_holdings")
                for i, row in enumerate(ex["record"][section])]
    db = duckdb.connect()
    types = dict(r[:2] for r in db.execute(f"DESCRIBE SELECT * FROM read_parquet('{parquet}')").fetchall())
    assert types["shares"] == "DECIMAL(38,12)" and types["transaction_date"] == "DATE"
    assert types["owner_is_director"] == "BOOLEAN" and types["row_index"] == "BIGINT"
    got = db.execute(f"SELECT path, section, row_index, shares, price_per_share, transaction_date"
                     f" FROM read_parquet('{parquet}') ORDER BY path, section, row_index").fetchall()
    assert len(got) == len(expected) > 0
    want = {(p, s, i): row for p, s, i, row in expected}
    for path, section, i, shares, price, date in got:
        row = want[(path, section, i)]
        assert shares == (row.get("shares") if row.get("shares") is None else Decimal(str(row["shares"])))
        assert price == (None if row.get("price_per_share") is None else Decimal(str(row["price_per_share"])))
        assert (date.isoformat() if date else None) == row.get("transaction_date")

    csv_types = dict(r[:2] for r in db.execute(f"DESCRIBE SELECT * FROM read_csv_auto('{csv_path}')").fetchall())
    assert csv_types["transaction_date"] == "DATE" and csv_types["owner_is_director"] == "BOOLEAN"
    assert db.execute(f"SELECT count(*) FROM read_csv_auto('{csv_path}')").fetchone()[0] == len(expected)
    assert db.execute(f"SELECT issuer_name FROM read_csv_auto('{csv_path}') WHERE issuer_name IS NULL").fetchall() == []


def test_reviewed_corrections_are_exported_with_the_audit_log(tmp_path):
    store_dir = _make_store(tmp_path, 1)
    with Store(store_dir) as s:
        target = next(i for i in s.inputs(order="path") if i["status"] != "failed")
        s.add_review(target["id"], "issuer.trading_symbol", "correct", "FIXD", reviewer="qa", reason="typo")
    fixed = next(ex for ex in _jsonl(store_dir) if ex["source"]["path"] == target["path"])
    assert fixed["record"]["issuer"]["trading_symbol"] == "FIXD"
    entry = next(f for f in fixed["fields"] if f["path"] == "issuer.trading_symbol")
    assert entry["provenance"] == "review" and entry["confidence"] == 1

    audit = tmp_path / "audit.jsonl"
    r = run_cli("export", store_dir, "--format", "csv", "--audit", audit)
    assert r.returncode == 0, r.stderr
    assert "FIXD" in r.stdout
    (log,) = [json.loads(line) for line in audit.read_text().splitlines()]
    assert (log["field_path"], log["new_value"], log["reviewer"]) == ("issuer.trading_symbol", "FIXD", "qa")


def test_export_user_errors_are_one_line(tmp_path):
    r = run_cli("export", tmp_path / "nowhere")
    assert r.returncode == 3 and "no store" in r.stderr and "Traceback" not in r.stderr
    Store(tmp_path).close()
    r = run_cli("export", tmp_path, "--format", "parquet")
    assert r.returncode == 2 and "--output" in r.stderr
