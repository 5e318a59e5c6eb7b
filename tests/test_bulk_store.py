"""The bulk store's contract (what the review page builds on), on real extractions in a real SQLite file."""
from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal

import pytest

from extractor import extract
from extractor.bulk.export import write_csv
from extractor.bulk.store import Store, StoreError
from extractor.output import loads, to_json

from .bulk_helpers import corpus_cases


@pytest.fixture(scope="module")
def extractions() -> list[dict]:
    """Two real extractions (text renderings: fast), as `extract` prints them."""
    return [loads(to_json(extract(str(case / "form.md")))) for case in corpus_cases(2)]


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path)
    yield s
    s.close()


def _record(store: Store, ex: dict) -> int:
    return store.record(sha256=ex["source"]["sha256"], path=ex["source"]["path"], kind=ex["source"]["kind"],
                        status=ex["status"], extraction=ex, seconds=0.1)


def test_record_keeps_the_json_exactly_and_one_row_per_input(store, extractions):
    """A rerun upserts: recording the same bytes twice must not add a second input, a second set of
    fields or a second set of table rows (the duplicate a naive INSERT would make)."""
    ex = extractions[0]
    first = _record(store, ex)
    again = _record(store, ex)
    assert first == again
    assert [i["id"] for i in store.inputs()] == [first]
    assert store.extraction_json(first) == to_json(extract(ex["source"]["path"]))   # byte for byte
    assert len(store.fields(first)) == len(ex["fields"])
    rows = list(store.table_rows())
    n_rows = sum(len(ex["record"][s]) for s in ("non_derivative_transactions", "non_derivative_holdings",
                                                 "derivative_transactions", "derivative_holdings"))
    assert len(rows) == n_rows > 0


def test_input_row_and_fields_carry_what_the_review_page_reads(store, extractions):
    ex = extractions[0]
    input_id = _record(store, ex)
    row = store.input(input_id)
    assert row["sha256"] == ex["source"]["sha256"] and row["status"] == ex["status"]
    assert row["form"] == ex["record"]["document_type"] and row["kind"] == "text" and row["pages"] >= 1
    by_path = {f["path"]: f for f in store.fields(input_id)}
    machine = {f["path"]: f for f in ex["fields"]}
    assert by_path.keys() == machine.keys()
    for path, f in machine.items():      # numbers stay exact Decimals through the store, lines survive
        assert by_path[path]["value"] == f["value"] and by_path[path]["confidence"] == pytest.approx(float(f["confidence"]))
        assert by_path[path]["line"] == f.get("line")


def test_review_queue_least_confident_first_grouped_by_input(store, extractions):
    ids = [_record(store, ex) for ex in extractions]
    queue = store.review_queue(threshold=1.01)            # every field is below 1.01
    assert {g["input_id"] for g in queue} == set(ids)
    mins = [g["min_confidence"] for g in queue]
    assert mins == sorted(mins)                           # inputs: the least confident first
    for g in queue:
        confs = [f["confidence"] for f in g["fields"]]
        assert confs == sorted(confs) and g["min_confidence"] == confs[0]
    # a threshold nothing is below gives an empty queue, not every field
    assert store.review_queue(threshold=0.0) == []
    # filters: by leaf name, and by form
    names = {f["path"].rsplit(".", 1)[-1] for g in store.review_queue(1.01, field="shares") for f in g["fields"]}
    assert names == {"shares"}
    assert store.review_queue(1.01, form="no-such-form") == []


def test_corrections_flow_into_corrected_extraction_and_audit_log(store, extractions):
    """A correction must change the corrected record (and the CSV rows) but never the machine
    output, and the audit log must keep who changed what from which value."""
    ex = extractions[0]
    input_id = _record(store, ex)
    path = "non_derivative_transactions[0].shares"
    machine_value = next(f["value"] for f in ex["fields"] if f["path"] == path)
    rid = store.add_review(input_id, path, "correct", Decimal("12345.5"), reviewer="ana", reason="misread")
    store.add_review(input_id, "issuer.name", "accept", None, reviewer="ana", reason=None)
    store.add_review(input_id, "remarks", "unreadable", None, reviewer="bo", reason="smudged")

    fixed = store.corrected_extraction(input_id)
    assert fixed["record"]["non_derivative_transactions"][0]["shares"] == Decimal("12345.5")
    entries = {f["path"]: f for f in fixed["fields"]}
    assert entries[path]["value"] == Decimal("12345.5")
    assert entries[path]["confidence"] == 1.0 and entries[path]["provenance"] == "review"
    assert entries["issuer.name"]["confidence"] == 1.0 and entries["issuer.name"]["provenance"] == "review"
    assert entries["issuer.name"]["value"] == ex["record"]["issuer"]["name"]
    assert entries["remarks"]["provenance"] == "review_unreadable"
    assert entries["remarks"]["confidence"] == next(f["confidence"] for f in ex["fields"] if f["path"] == "remarks")

    assert store.extraction(input_id) == ex                     # the machine value is untouched
    assert {f["path"]: f["value"] for f in store.fields(input_id)}[path] == machine_value

    log = list(store.audit_log())
    assert [e["action"] for e in log] == ["correct", "accept", "unreadable"]
    assert log[0]["id"] == rid and log[0]["old_value"] == machine_value and log[0]["new_value"] == Decimal("12345.5")
    assert log[0]["reviewer"] == "ana" and log[0]["reason"] == "misread"
    assert dt.datetime.fromisoformat(log[0]["at"]).utcoffset() == dt.timedelta(0)     # UTC

    # reviewed fields leave the queue; the CSV export carries the corrected number
    queued = {f["path"] for g in store.review_queue(1.01) for f in g["fields"]}
    assert path not in queued and "issuer.name" not in queued and "remarks" not in queued
    import io
    buf = io.StringIO()
    write_csv(store, buf)
    assert "12345.5" in buf.getvalue()


def test_a_second_correction_records_the_first_as_old_value(store, extractions):
    input_id = _record(store, extractions[0])
    store.add_review(input_id, "issuer.trading_symbol", "correct", "ABC", reviewer="a", reason=None)
    store.add_review(input_id, "issuer.trading_symbol", "correct", "ABCD", reviewer="b", reason=None)
    log = list(store.audit_log())
    assert (log[1]["old_value"], log[1]["new_value"]) == ("ABC", "ABCD")
    assert store.corrected_extraction(input_id)["record"]["issuer"]["trading_symbol"] == "ABCD"


def test_bad_reviews_are_refused(store, extractions):
    input_id = _record(store, extractions[0])
    with pytest.raises(ValueError):
        store.add_review(input_id, "issuer.name", "delete", None, reviewer="a", reason=None)
    with pytest.raises(KeyError):
        store.add_review(input_id, "issuer.no_such_field", "accept", None, reviewer="a", reason=None)
    with pytest.raises(ValueError):
        store.add_review(input_id, "issuer.name", "accept", None, reviewer="", reason=None)
    assert list(store.audit_log()) == []


def test_store_written_by_a_newer_version_is_refused(tmp_path):
    Store(tmp_path).close()
    db = sqlite3.connect(tmp_path / "extract.db")
    db.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer"):
        Store(tmp_path)


def test_store_is_wal(tmp_path):
    """WAL lets the review page read while a run writes; a rollback journal would block it."""
    Store(tmp_path).close()
    assert sqlite3.connect(tmp_path / "extract.db").execute("PRAGMA journal_mode").fetchone()[0] == "wal"
