"""The review server over real HTTP: a real store from real filings, uvicorn on 127.0.0.1.

Requests go through `http.client`, which sends the path exactly as written (no `..` folding), so
the traversal attempts reach the server as an attacker would send them.
"""
from __future__ import annotations

import http.client
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from extractor.bulk.store import Store
from tests.review_support import DATA, ROOT, SAMPLES, build_store, running_server

EXTRACT = str(Path(sys.executable).parent / "extract")


def request(base: str, method: str, path: str, body=None, headers=None):
    u = urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=20)
    data = json.dumps(body).encode() if body is not None else None
    hdrs = {"Content-Type": "application/json"} if data else {}
    hdrs.update(headers or {})
    conn.request(method, path, body=data, headers=hdrs)
    r = conn.getresponse()
    out = r.status, dict(r.getheaders()), r.read()
    conn.close()
    return out


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    return build_store(tmp_path_factory.mktemp("review-store"),
                       [SAMPLES / "form4-multi-owner.pdf", DATA / "form4-roll-forward.md"])


@pytest.fixture(scope="module")
def server(store_dir):
    with running_server(store_dir, threshold=1.0) as (base, token):
        yield base, token


def _ids(store_dir: Path) -> dict[str, int]:
    s = Store(store_dir)
    try:
        return {Path(i["path"]).name: i["id"] for i in s.inputs()}
    finally:
        s.close()


def _audit(store_dir: Path) -> list[dict]:
    s = Store(store_dir)
    try:
        return list(s.audit_log())
    finally:
        s.close()


def _corrected(store_dir: Path, input_id: int) -> dict:
    s = Store(store_dir)
    try:
        return s.corrected_extraction(input_id)
    finally:
        s.close()


@pytest.mark.parametrize("path", [
    "/page/../../etc/passwd",
    "/page/%2e%2e/%2e%2e/etc/passwd",
    "/page/1/..%2f..%2f..%2fetc%2fpasswd",
    "/page/%2e%2e%2f%2e%2e%2fetc%2fpasswd/1",
    "/static/../../../../etc/passwd",
    "/static/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
    "/static/..%2f..%2f..%2fpyproject.toml",
    "/crop/1?field=../../../../etc/passwd",
])
def test_path_traversal_is_refused(server, path):
    """Guards against serving any file but the pages of filings in the store: a `..` in the page
    route, its percent-encoded forms, the static mount, or a file name in a query parameter."""
    base, _ = server
    status, _, body = request(base, "GET", path)
    assert status in (400, 404), (path, status)
    assert b"root:" not in body and b"[project]" not in body


def test_pages_of_stored_filings_are_served(server, store_dir):
    """The counterpart of the traversal test: the page route does serve a stored PDF's page (so
    the refusals above are not a route that serves nothing), a field's crop is a smaller PNG than
    its page, and a page or input the store does not have is refused."""
    base, _ = server
    pdf_id = _ids(store_dir)["form4-multi-owner.pdf"]
    status, headers, body = request(base, "GET", f"/page/{pdf_id}/2")
    assert status == 200 and headers["content-type"] == "image/png" and body[:8] == b"\x89PNG\r\n\x1a\n"
    field = "derivative_holdings%5B0%5D.underlying_security_title"
    status, headers, crop = request(base, "GET", f"/crop/{pdf_id}?field={field}")
    assert status == 200 and headers["content-type"] == "image/png" and len(crop) < len(body)
    assert request(base, "GET", f"/page/{pdf_id}/9")[0] == 404
    assert request(base, "GET", "/page/999999/1")[0] == 404


def test_a_path_in_the_query_is_ignored(server, store_dir):
    """Source lines come from the stored input's own file: a `path=` the client adds is not read."""
    base, _ = server
    text_id = _ids(store_dir)["form4-roll-forward.md"]
    status, _, body = request(base, "GET", f"/api/source/{text_id}?line=1&path=/etc/passwd&file=/etc/passwd")
    assert status == 200 and b"OMB APPROVAL" in body and b"root:" not in body


def test_post_without_token_changes_nothing(server, store_dir):
    """Guards against cross-site request forgery: a POST with no token, or a wrong one, is refused
    with 403 and neither the audit log nor the corrected record changes; the same POST with the
    session token goes through (so the 403 is the token check, not a broken route)."""
    base, token = server
    text_id = _ids(store_dir)["form4-roll-forward.md"]
    body = {"input_id": text_id, "field": "issuer.name", "action": "correct", "value": "EVIL CORP",
            "reviewer": "mallory", "reason": "csrf"}
    log_before, rec_before = _audit(store_dir), _corrected(store_dir, text_id)
    for headers in ({}, {"X-Review-Token": "wrong"}, {"X-Review-Token": ""}):
        status, _, _ = request(base, "POST", "/api/review", body, headers)
        assert status == 403
    assert _audit(store_dir) == log_before
    assert _corrected(store_dir, text_id) == rec_before
    status, _, _ = request(base, "POST", "/api/review", {**body, "value": "QUALYS, INC.", "reviewer": "ann"},
                           {"X-Review-Token": token})
    assert status == 200
    assert len(_audit(store_dir)) == len(log_before) + 1


def test_correction_is_typed_like_the_record(server, store_dir):
    """Guards against a correction reaching the store that the record's model would reject: an
    impossible date and an unknown transaction code get 422 and no audit entry."""
    base, token = server
    text_id = _ids(store_dir)["form4-roll-forward.md"]
    before = len(_audit(store_dir))
    for field, value in (("non_derivative_transactions[0].transaction_date", "11/31/2023"),
                         ("non_derivative_transactions[0].transaction_code", "Q"),
                         ("non_derivative_transactions[0].shares", "about 3000")):
        status, _, body = request(base, "POST", "/api/review",
                                  {"input_id": text_id, "field": field, "action": "correct", "value": value,
                                   "reviewer": "ann"}, {"X-Review-Token": token})
        assert status == 422, (field, body)
    assert len(_audit(store_dir)) == before


def test_fixing_a_misread_amount_clears_the_roll_forward_issue(server, store_dir):
    """After a correction the record is validated again: the second sale reads 1,800 where the
    balances (63,255 -> 62,255) say 1,000; correcting it to 1,000 clears holding_roll_forward.
    Guards against re-validating the machine's record instead of the corrected one."""
    base, token = server
    text_id = _ids(store_dir)["form4-roll-forward.md"]
    field = "non_derivative_transactions[1].shares"
    status, _, body = request(base, "GET", f"/api/item/{text_id}?field=non_derivative_transactions%5B1%5D."
                                           "shares_owned_following_transaction")
    assert status == 200
    assert "holding_roll_forward" in [i["code"] for i in json.loads(body)["current_issues"]]
    status, _, body = request(base, "POST", "/api/review",
                              {"input_id": text_id, "field": field, "action": "correct", "value": "1,000",
                               "reviewer": "ann", "reason": "amount misread"}, {"X-Review-Token": token})
    assert status == 200, body
    out = json.loads(body)
    assert "holding_roll_forward" in [i["code"] for i in out["cleared"]]
    assert "holding_roll_forward" not in [i["code"] for i in out["issues"]]
    rec = _corrected(store_dir, text_id)
    assert str(rec["record"]["non_derivative_transactions"][1]["shares"]) == "1000"
    entry = next(f for f in rec["fields"] if f["path"] == field)
    assert entry["confidence"] == 1.0 and entry["provenance"] == "review"
    last = _audit(store_dir)[-1]
    assert (last["reviewer"], str(last["old_value"]), str(last["new_value"]), last["reason"]) == \
           ("ann", "1800", "1000", "amount misread")


def test_a_missed_mark_is_added_on_the_rows_marks(server, store_dir):
    """A cell whose mark was missed has no field of its own: the reviewer adds the mark on the
    row's `footnote_ids` entry, shown and typed as "cell: marks; ...". Guards against the row's
    marks being shown as a Python dict and a typed map reaching the record unchecked."""
    base, token = server
    pdf_id = _ids(store_dir)["form4-multi-owner.pdf"]
    field = "derivative_transactions[0].footnote_ids"
    status, _, body = request(base, "GET", f"/api/item/{pdf_id}?field=derivative_transactions%5B0%5D.footnote_ids")
    assert status == 200, body
    item = json.loads(body)
    assert item["type"] == "the row's footnote marks" and "{" not in item["value"]
    status, _, body = request(base, "POST", "/api/review",
                              {"input_id": pdf_id, "field": field, "action": "correct", "value": "sharez: 4",
                               "reviewer": "ann"}, {"X-Review-Token": token})
    assert status == 422 and b"not a cell" in body
    status, _, body = request(base, "POST", "/api/review",
                              {"input_id": pdf_id, "field": field, "action": "correct",
                               "value": "transaction_date: 4; shares: 4", "reviewer": "ann"}, {"X-Review-Token": token})
    assert status == 200, body
    rec = _corrected(store_dir, pdf_id)
    assert rec["record"]["derivative_transactions"][0]["footnote_ids"] == {"transaction_date": ["4"], "shares": ["4"]}
    cells = {f["path"]: f["value"] for f in rec["fields"] if f["path"].startswith(field + ".")}
    assert cells == {field + ".transaction_date": ["4"], field + ".shares": ["4"]}


def test_foreign_host_header_is_refused(server):
    """Guards against DNS rebinding: a page on another domain that resolves to 127.0.0.1 cannot
    read the queue, because only Host 127.0.0.1/localhost is answered."""
    base, _ = server
    assert request(base, "GET", "/api/queue", headers={"Host": "evil.example"})[0] == 400
    status, headers, _ = request(base, "GET", "/api/queue")
    assert status == 200 and "script-src 'self'" in headers["content-security-policy"]


def test_cli_serves_files_on_localhost_and_prints_the_url(tmp_path):
    """`extract review FILE` extracts into a temporary store and prints a 127.0.0.1 URL with the
    token; the URL answers, and a POST to it without the token is refused."""
    proc = subprocess.Popen([EXTRACT, "review", str(SAMPLES / "form4-seed.md"),
                             "--threshold", "1.0", "--reviewer", "cli-test"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        line = proc.stdout.readline()
        assert line.startswith("Review page: http://127.0.0.1:"), (line, proc.stderr.read() if proc.poll() else "")
        url = urlsplit(line.split(": ", 1)[1].strip())
        base = f"http://{url.hostname}:{url.port}"
        assert url.query.startswith("token=") and len(url.query) > 20
        status, _, body = request(base, "GET", "/api/session")
        assert status == 200 and json.loads(body)["reviewer"] == "cli-test"
        assert request(base, "POST", "/api/review", {"action": "accept"})[0] == 403
    finally:
        proc.terminate()
        proc.wait(10)


def test_cli_refuses_a_folder_without_a_store(tmp_path):
    r = subprocess.run([EXTRACT, "review", str(tmp_path)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and "has no extract.db" in r.stderr and "Traceback" not in r.stderr


def test_a_file_changed_since_extraction_is_not_shown(tmp_path):
    """Guards against drawing a stored box on different bytes: once the filing's file no longer
    hashes to the stored sha256, its source lines are refused (409) instead of shown."""
    copy = tmp_path / "filing.md"
    copy.write_bytes((DATA / "form4-roll-forward.md").read_bytes())
    store_dir = build_store(tmp_path / "store", [copy])
    with running_server(store_dir, threshold=1.0) as (base, _):
        input_id = _ids(store_dir)["filing.md"]
        assert request(base, "GET", f"/api/source/{input_id}?line=22")[0] == 200
        copy.write_text(copy.read_text().replace("62,255", "62,256"))
        status, _, body = request(base, "GET", f"/api/source/{input_id}?line=22")
        assert status == 409 and b"changed since it was extracted" in body


def test_a_filing_inside_a_zip_is_shown_from_the_archive(tmp_path):
    """`extract bulk` stores archive members as `archive.zip!member`; the page reads the member
    from the archive (found through the store, as for any input)."""
    import zipfile
    archive = tmp_path / "filings.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(DATA / "form4-roll-forward.md", "q4/form4-roll-forward.md")
        z.write(SAMPLES / "form4-multi-owner.pdf", "q4/form4-multi-owner.pdf")
    store_dir = build_store(tmp_path / "store", [archive])
    with running_server(store_dir, threshold=1.0) as (base, _):
        ids = _ids(store_dir)
        assert set(ids) == {"form4-roll-forward.md", "form4-multi-owner.pdf"}
        status, _, body = request(base, "GET", f"/api/source/{ids['form4-roll-forward.md']}?line=22")
        assert status == 200 and "62,255" in json.loads(body)["lines"][6]["text"]
        status, headers, body = request(base, "GET", f"/page/{ids['form4-multi-owner.pdf']}/1")
        assert status == 200 and body[:4] == b"\x89PNG"
