"""The review page in a real browser (Debian's Chromium driven by Playwright) against the real
server and a real store built from real filings.

`playwright install` cannot download a browser here, so the Makefile installs the `chromium`
package and the tests launch /usr/bin/chromium. A screenshot of the page is saved as
test-artifacts/review.png.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractor.bulk.store import Store
from tests.review_support import ARTIFACTS, DATA, SAMPLES, build_store, running_server

EXTRACT = str(Path(sys.executable).parent / "extract")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    assert Path(CHROMIUM).exists(), "Chromium is missing: `make venv` installs the chromium package"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def poll(page, js: str, timeout: float = 10.0):
    """Wait until a JS expression is truthy. (`page.wait_for_function` evaluates a string in the
    page, which the page's Content-Security-Policy forbids; `evaluate` runs outside it.)"""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(js)
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for: {js}"
        time.sleep(0.03)


def current_field(page) -> str:
    return page.locator("#field").text_content()


def wait_for_item(page, field: str | None = None) -> str:
    """Wait until the details of the item under the cursor are shown; -> its field path."""
    poll(page, "document.querySelector('#queue li.current') !== null")
    want = field or page.locator("#queue li.current").get_attribute("title")
    poll(page, f"document.getElementById('field').textContent === {want!r}")
    return want


def filter_field(page, name: str) -> None:
    """Type a field filter and press Enter; wait for the queue to reload and the keys to be back."""
    loads = page.evaluate("document.body.dataset.loads")
    page.fill("#f-field", name)
    page.press("#f-field", "Enter")
    poll(page, f"document.body.dataset.loads !== {loads!r} && document.activeElement === document.body")


def press_and_reload(page, key: str, selector: str | None = None) -> None:
    """Press a key (in `selector`, else on the page) and wait for the queue to reload after it."""
    loads = page.evaluate("document.body.dataset.loads")
    if selector:
        page.press(selector, key)
    else:
        page.keyboard.press(key)
    poll(page, f"document.body.dataset.loads !== {loads!r}")


def left(page) -> int:
    return int(page.locator("#counts").text_content().split()[0])


def test_queue_end_to_end_with_the_keyboard(browser, tmp_path):
    """Accept one field, mark one unreadable and correct one, with keys only, then check the
    store's audit log, the corrected record and what `extract export` writes. Guards against: actions landing on a different
    field than the one shown, a bad correction being stored, corrections overwriting the machine
    value, and the roll-forward issue staying after the amount is fixed."""
    store_dir = build_store(tmp_path / "store",
                            [SAMPLES / "form4-multi-owner.pdf", DATA / "form4-roll-forward.md"])
    with running_server(store_dir, threshold=1.0) as (base, token):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/?token={token}")
        # no --reviewer: the page asks once
        page.fill("#who-name", "Ann Reviewer")
        page.press("#who-name", "Enter")
        poll(page, "document.body.dataset.ready === '1'")
        total = left(page)
        assert total > 5

        filter_field(page, "underlying_security_title")
        first = wait_for_item(page)
        assert first.endswith("underlying_security_title")
        # the crop of the PDF page around the field has loaded
        poll(page, "document.getElementById('crop').complete && document.getElementById('crop').naturalWidth > 100")
        assert page.locator("#v-conf").text_content().endswith("%")
        assert page.locator("#row tr.self td").first.text_content() == "underlying_security_title"
        # why it is doubtful: the evidence components with their scores, not an empty panel
        assert re.search(r"[a-z]+ [01]\.\d{3}", page.locator("#evidence").text_content())

        page.keyboard.press("j")
        second = wait_for_item(page)
        page.keyboard.press("k")
        assert wait_for_item(page) == first and second != first

        press_and_reload(page, "Enter")                  # accept
        poll(page, f"document.getElementById('result').textContent.includes({first + ': accepted'!r})")
        assert wait_for_item(page) == second             # the queue moved on to the next field
        press_and_reload(page, "u")                      # unreadable
        poll(page, f"document.getElementById('result').textContent.includes({second + ': marked unreadable'!r})")

        corrected = "non_derivative_transactions[1].shares"
        filter_field(page, corrected)
        wait_for_item(page, corrected)
        assert "63,255" in page.locator("#lines").text_content()   # the source lines of the text input
        page.keyboard.press("e")
        page.fill("#e-value", "about a thousand")
        page.press("#e-value", "Enter")
        poll(page, "document.getElementById('e-error').textContent.includes('not a number')")
        page.fill("#e-value", "1,000")
        page.fill("#e-reason", "amount misread")
        press_and_reload(page, "Enter", "#e-reason")
        poll(page, "document.getElementById('result').textContent.includes('corrected to 1,000')")
        assert "cleared: holding_roll_forward" in page.locator("#result").text_content()
        assert page.locator("#edit").is_hidden()

        filter_field(page, "")
        wait_for_item(page)
        assert left(page) == total - 3
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "review.png"), full_page=True)
        assert not errors, errors
        page.close()

    # what leaves the store: `extract export` writes the corrected record and the audit log
    audit_file = tmp_path / "audit.jsonl"
    out = subprocess.run([EXTRACT, "export", str(store_dir), "--audit", str(audit_file)],
                         capture_output=True, text=True, check=True).stdout
    exported = {Path(e["source"]["path"]).name: e for e in map(json.loads, out.splitlines())}
    md = exported["form4-roll-forward.md"]
    assert md["record"]["non_derivative_transactions"][1]["shares"] == 1000
    entry = next(f for f in md["fields"] if f["path"] == "non_derivative_transactions[1].shares")
    assert (entry["value"], entry["confidence"], entry["provenance"]) == (1000, 1.0, "review")
    pdf_fields = {f["path"]: f for f in exported["form4-multi-owner.pdf"]["fields"]}
    assert (pdf_fields[first]["confidence"], pdf_fields[first]["provenance"]) == (1.0, "review")
    assert pdf_fields[second]["provenance"] == "review_unreadable" and pdf_fields[second]["confidence"] < 1.0
    audit = [json.loads(line) for line in audit_file.read_text().splitlines()]
    assert [(a["action"], a["reviewer"], a["old_value"], a["new_value"], a["reason"]) for a in audit][2] == \
           ("correct", "Ann Reviewer", 1800, 1000, "amount misread")

    store = Store(store_dir)
    try:
        log = list(store.audit_log())
        assert [(e["field_path"], e["action"], e["reviewer"]) for e in log] == [
            (first, "accept", "Ann Reviewer"), (second, "unreadable", "Ann Reviewer"),
            (corrected, "correct", "Ann Reviewer")]
        assert (str(log[2]["old_value"]), str(log[2]["new_value"]), log[2]["reason"]) == \
               ("1800", "1000", "amount misread")
        text_id = log[2]["input_id"]
        machine = {f["path"]: f for f in store.fields(text_id)}
        assert str(machine[corrected]["value"]) == "1800"          # the machine value is kept
        fixed = {f["path"]: f for f in store.corrected_extraction(text_id)["fields"]}
        assert (str(fixed[corrected]["value"]), fixed[corrected]["confidence"], fixed[corrected]["provenance"]) == \
               ("1000", 1.0, "review")
    finally:
        store.close()


def test_script_in_a_filing_renders_as_text(browser, tmp_path):
    """A text rendering whose remarks line holds `<script>alert(1)</script>` and
    `<img src=x onerror=alert(1)>` (shown raw in the source-lines panel), whose remarks value keeps
    `<img src=x onerror=alert&#40;2&#41; <>` (the text cleaner strips whole tags, not this one) and
    whose owner name holds another such tag: the page shows all of it as text and runs nothing.
    The page's Content-Security-Policy is bypassed here, so this shows that escaping alone keeps the
    payload inert (the CSP is a second wall, not the only one); at the end the same value is put
    through innerHTML on purpose, to show the payload is live and the dialog watcher sees it."""
    store_dir = build_store(tmp_path / "store", [DATA / "form4-xss.md"])
    with running_server(store_dir, threshold=1.0, reviewer="xss-test") as (base, token):
        context = browser.new_context(bypass_csp=True)
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(f"{base}/?token={token}")
        poll(page, "document.body.dataset.ready === '1'")

        filter_field(page, "remarks")
        wait_for_item(page, "remarks")
        value = page.locator("#v-shown").text_content()
        assert "<img src=x onerror=alert&#40;2&#41; <>" in value and "&lt;script&gt;" in value
        poll(page, "document.querySelector('#lines li.hit') !== null")
        source = page.locator("#lines li.hit").text_content()
        assert "<script>alert(1)</script> <img src=x onerror=alert(1)>" in source

        filter_field(page, "reporting_owners[0].name")
        wait_for_item(page, "reporting_owners[0].name")
        assert page.locator("#v-shown").text_content() == "POSEY <img src=x onerror=alert&#40;3&#41; <>BRUCE K"
        assert "POSEY <img" in page.locator("#row").text_content()       # the same-row table too
        page.wait_for_timeout(300)                      # time for an injected handler to fire

        assert page.evaluate("document.querySelectorAll('img[src=\"x\"], [onerror], [onmouseover]').length") == 0
        assert page.locator("script").count() == 1      # the page's own review.js only
        assert dialogs == []
        page.evaluate("v => { const d = document.createElement('div'); d.innerHTML = v; document.body.append(d); }",
                      value)
        poll(page, "document.querySelector('img[src=\"x\"]') !== null")
        page.wait_for_timeout(300)
        assert dialogs == ["2"]                         # what a page that used innerHTML would have run
        context.close()
