"""The checks of form-layouts.md §5 over a record -> issues, each naming the fields it implicates.

One implementation serves the pipeline (`validate`, on the analyzer's draft: the issues then lower
the confidence of the fields they implicate, see confidence.py) and the review page
(`validate_record`, on a corrected record). Hard checks hold for every valid filing and give
errors; soft checks hold for most filings and give warnings.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Iterable

import regex as re
from rapidfuzz.distance import Levenshtein

from .candidate import Cand
from .model import Issue, Record
from .output import leaves, record_dict
from .templates import Template
from .values import TRANSACTION_CODES
from .zip_states import US_STATES, ZIP_CODE, is_state_code

TX_SECTIONS = ("non_derivative_transactions", "derivative_transactions")
ROW_SECTIONS = ("non_derivative_transactions", "non_derivative_holdings", "derivative_transactions",
                "derivative_holdings")
# Usual pairing of transaction code and acquired/disposed (form-layouts.md §5 check 9).
ACQUIRES = frozenset("PLA")
DISPOSES = frozenset("SFDU")
EXERCISE = frozenset("MXOC")           # Table I: acquired; Table II: disposed
EXPIRES = frozenset("EH")              # Table II: disposed
ROLL_TOLERANCE = Decimal("0.5")        # rounding in filers' running balances


def _issue(code: str, severity: str, paths: list[str], message: str) -> Issue:
    return Issue(code=code, severity=severity, path=paths[0] if paths else None, message=message, related=paths)


def _d(v) -> dt.date | None:
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            return None
    return None


def _n(v) -> Decimal | None:
    return v if isinstance(v, Decimal) else (Decimal(str(v)) if isinstance(v, (int, float)) and not isinstance(v, bool) else None)


def _fmt(d: Decimal) -> str:
    return f"{d:,f}".rstrip("0").rstrip(".") if "." in f"{d:f}" else f"{d:,f}"


def validate_record(record: Record | dict, template: Template | None = None, *,
                    joint_filing: bool | None = None) -> list[Issue]:
    """Every §5 check on a finished record. `joint_filing`: box 6 says "more than one reporting
    person" (None: not known, the check is skipped)."""
    rec = record.model_dump(mode="python") if isinstance(record, Record) else record
    out: list[Issue] = []
    out += _owners(rec, joint_filing)
    out += _rows(rec)
    out += _exercises(rec)
    out += _titles(rec)
    out += _roll_forward(rec)
    out += _dates(rec)
    out += _marks(rec)
    out += _form5_boxes(rec)
    return out


def validate(draft: dict, template: Template) -> list[Issue]:
    """The checks on the analyzer's draft, plus what the draft knows that a record does not:
    a cell whose text could not be read as its type."""
    out = validate_record(record_dict(draft), template, joint_filing=draft.get("_joint"))
    for path, c in leaves(draft):
        if c.value is None and c.text and c.fit < 0.5 and c.kind not in ("text", "marks"):
            out.append(_issue("unreadable_value", "error", [path],
                              f"{c.text!r} is not a valid {c.kind.replace('_', ' ')}"))
        for note in c.notes:
            if note == "amount in both (A) and (D)":
                out.append(_issue("amount_in_a_and_d", "error", [path], "Table II fills both (A) and (D)"))
    return out


def issues_by_path(issues: list[Issue]) -> dict[str, list[Issue]]:
    out: dict[str, list[Issue]] = {}
    for i in issues:
        for p in i.related or ([i.path] if i.path else []):
            out.setdefault(p, []).append(i)
    return out


# ---------------------------------------------------------------------------- checks
def _owners(rec: dict, joint: bool | None) -> Iterable[Issue]:
    owners = rec.get("reporting_owners") or []
    if not owners:
        yield _issue("no_reporting_owner", "error", ["reporting_owners"], "no reporting person found")
    if joint is not None and joint != (len(owners) > 1):
        yield _issue("joint_filing_mismatch", "error", [f"reporting_owners[{i}].name" for i in range(len(owners))],
                     f"box 6 says {'more than one' if joint else 'one'} reporting person, "
                     f"{len(owners)} found")
    if not (rec.get("issuer") or {}).get("name"):
        yield _issue("missing_issuer_name", "error", ["issuer.name"], "no issuer name found in box 2")
    if not (rec.get("issuer") or {}).get("trading_symbol"):
        # EDGAR requires one: a filer without a listed security enters "NONE" or "N/A"
        yield _issue("missing_trading_symbol", "error", ["issuer.trading_symbol"], "no trading symbol found in box 2")
    for i, o in enumerate(owners):
        p = f"reporting_owners[{i}]"
        if not o.get("name"):
            yield _issue("missing_owner_name", "error", [f"{p}.name"], "reporting person without a name")
        if o.get("state") in US_STATES and not ZIP_CODE.match(o.get("zip_code") or ""):
            # 463 of the corpus's 465 owners in a US state have a ZIP code, and one other than five
            # or nine digits ("1-9008") once: an empty or odd one is likely misread
            yield _issue("zip_code_unread", "warning", [f"{p}.zip_code"],
                         f"a US address ({o.get('state')}) without a ZIP code of five or nine digits")
        if (o.get("street1") or o.get("street2")) and not o.get("city"):
            # 521 of the corpus's 523 owners give a city, and the two that do not give no street
            # either: a street without a city is an address line lost
            lost = [f"{p}.{f}" for f in ("city", "state", "zip_code") if not o.get(f)]
            yield _issue("street_without_city", "error", lost, "an address with a street and no city")
        state = o.get("state")
        if isinstance(state, str) and not is_state_code(state):
            # no filing's state is any other code: the address line was misread, and a ZIP code
            # that is not one beside it with it
            zip_too = [] if ZIP_CODE.match(o.get("zip_code") or "") else [f"{p}.zip_code"]
            yield _issue("state_code_unknown", "error", [f"{p}.state"] + zip_too,
                         f"state {state!r} is neither a US state nor another country's EDGAR code")
        flags = ("is_director", "is_officer", "is_ten_percent_owner", "is_other")
        if not any(o.get(f) for f in flags):
            yield _issue("no_relationship", "error", [f"{p}.{f}" for f in flags],
                         "no relationship box is checked")
        if o.get("officer_title") and not o.get("is_officer"):
            yield _issue("title_without_officer", "warning", [f"{p}.officer_title", f"{p}.is_officer"],
                         "an officer title without the Officer box checked")
        if o.get("is_officer") and not o.get("officer_title"):
            # the form asks an officer for a title, and all the corpus's 102 officers give one
            yield _issue("officer_without_title", "warning", [f"{p}.is_officer", f"{p}.officer_title"],
                         "the Officer box is checked but no title is given")
        if o.get("other_text") and not o.get("is_other"):
            yield _issue("other_text_without_other", "warning", [f"{p}.other_text", f"{p}.is_other"],
                         "other text without the Other box checked")


def _titles(rec: dict) -> Iterable[Issue]:
    """A title of security that is part of another its column holds more often, two times or more
    ("Common" beside "Common Stock"), or the same words in another order ("Stock Class A Common"):
    most likely that title with a word lost or moved (in the corpus's truth, 2 of its 2,000-odd
    titles: "Common Stock" twice beside "Class A Common Stock" four times)."""
    for col in ("security_title", "underlying_security_title"):
        cells = [(f"{sec}[{i}].{col}", r[col]) for sec in ROW_SECTIONS for i, r in enumerate(rec.get(sec) or [])
                 if isinstance(r.get(col), str) and r[col]]
        counts = Counter(v for _p, v in cells)
        words = {v: Counter(v.split()) for v in counts}
        for path, v in cells:
            other = next((o for o in counts if o != v and counts[o] >= 2 and counts[o] > counts[v]
                          and not words[v] - words[o]), None)
            if other is not None:
                yield _issue("title_part_of_another", "warning", [path],
                             f"{v!r} is part of {other!r}, which {counts[other]} rows give")


def _rows(rec: dict) -> Iterable[Issue]:
    for sec in ROW_SECTIONS:
        for i, r in enumerate(rec.get(sec) or []):
            p = f"{sec}[{i}]"
            if not r.get("security_title"):
                yield _issue("missing_title", "error", [f"{p}.security_title"], "row without a title of security")
            if not r.get("direct_or_indirect_ownership"):
                yield _issue("missing_ownership_form", "error", [f"{p}.direct_or_indirect_ownership"],
                             "row without D or I")
            if r.get("direct_or_indirect_ownership") == "D" and r.get("nature_of_ownership"):
                yield _issue("nature_with_direct", "warning",
                             [f"{p}.nature_of_ownership", f"{p}.direct_or_indirect_ownership"],
                             "nature of indirect ownership on a direct holding")
            # every row but a Form 3's derivative holding (which has no such column) gives what is
            # owned after it: all 1,504 such rows of the corpus
            if sec != "derivative_holdings" and r.get("shares_owned_following_transaction") is None:
                yield _issue("missing_holding", "error", [f"{p}.shares_owned_following_transaction"],
                             "row without the amount owned following it")
            if sec not in TX_SECTIONS:
                continue
            code, ad = r.get("transaction_code"), r.get("acquired_disposed_code")
            if sec == "non_derivative_transactions" and r.get("price_per_share") is None \
                    and not (r.get("footnote_ids") or {}).get("price_per_share"):
                # a Table I trade without a price says why in a footnote (all 90 of the corpus's)
                yield _issue("price_without_note", "error", [f"{p}.price_per_share"],
                             "a trade with neither a price nor a footnote in its place")
            if r.get("transaction_date") is None:
                yield _issue("missing_transaction_date", "error", [f"{p}.transaction_date"],
                             "transaction row without a date")
            if code is None:
                yield _issue("missing_code", "error", [f"{p}.transaction_code"], "transaction row without a code")
            elif code not in TRANSACTION_CODES:
                yield _issue("unknown_code", "error", [f"{p}.transaction_code"], f"{code!r} is not a transaction code")
            # every transaction has an amount, acquired or disposed (all 1,162 of the corpus)
            if r.get("shares") is None:
                yield _issue("missing_amount", "error", [f"{p}.shares"], "transaction row without an amount")
            if ad is None:
                yield _issue("missing_acquired_disposed", "error", [f"{p}.acquired_disposed_code"],
                             "an amount without (A) or (D)" if r.get("shares") is not None
                             else "transaction row without (A) or (D)")
            expected = _expected_ad(code, sec)
            if code and ad and expected and ad != expected:
                yield _issue("code_vs_acquired_disposed", "warning",
                             [f"{p}.acquired_disposed_code", f"{p}.transaction_code"],
                             f"code {code} usually goes with ({expected}), not ({ad})")
            if sec == "derivative_transactions" and _a_digit_apart(r.get("shares"), r.get("underlying_security_shares")):
                yield _issue("underlying_a_digit_apart", "error", [f"{p}.shares", f"{p}.underlying_security_shares"],
                             f"{_fmt(_n(r['shares']))} derivatives and {_fmt(_n(r['underlying_security_shares']))} "
                             "underlying shares differ by one digit")
            ex, exp = _d(r.get("exercise_date")), _d(r.get("expiration_date"))
            if ex and exp and ex > exp:
                yield _issue("exercisable_after_expiration", "error", [f"{p}.exercise_date", f"{p}.expiration_date"],
                             f"exercisable {ex} after expiration {exp}")
            td, dd = _d(r.get("transaction_date")), _d(r.get("deemed_execution_date"))
            if td and dd and not (td <= dd <= td + dt.timedelta(days=10)):
                yield _issue("deemed_execution_date", "warning", [f"{p}.deemed_execution_date"],
                             f"deemed execution {dd} is not within days after the trade {td}")
        for i, r in enumerate(rec.get(sec) or []):
            if sec.startswith("derivative"):
                ex, exp = _d(r.get("exercise_date")), _d(r.get("expiration_date"))
                if sec == "derivative_holdings" and ex and exp and ex > exp:
                    yield _issue("exercisable_after_expiration", "error",
                                 [f"{sec}[{i}].exercise_date", f"{sec}[{i}].expiration_date"],
                                 f"exercisable {ex} after expiration {exp}")


def exercise_pairs(rec: dict) -> list[tuple[int, int]]:
    """(i, j) for each Table I row i that acquires (A), on the day Table II row j disposes of (D)
    a derivative, as many shares as row j's underlying: one exercise or conversion, told on both
    tables. The two rows carry the same code in all 121 such pairs of the corpus's truth records
    (112 Table II rows: C 57, M 54, X 1)."""
    out = []
    for j, d in enumerate(rec.get("derivative_transactions") or []):
        day, underlying = _d(d.get("transaction_date")), _n(d.get("underlying_security_shares"))
        if d.get("acquired_disposed_code") != "D" or day is None or underlying is None:
            continue
        out += [(i, j) for i, r in enumerate(rec.get("non_derivative_transactions") or [])
                if r.get("acquired_disposed_code") == "A" and _d(r.get("transaction_date")) == day
                and _n(r.get("shares")) == underlying]
    return out


def _exercises(rec: dict) -> Iterable[Issue]:
    """The two rows of one exercise or conversion (exercise_pairs) with different codes, or with
    different prices where both give one (Table I's price and Table II's exercise price: the same
    in all 41 such pairs of the corpus's truth, §5 check 10): one was misread ("C" read as "G", "O"
    or "E" on a scan)."""
    for i, j in exercise_pairs(rec):
        one, two = rec["non_derivative_transactions"][i], rec["derivative_transactions"][j]
        p1, p2 = f"non_derivative_transactions[{i}]", f"derivative_transactions[{j}]"
        c1, c2 = one.get("transaction_code"), two.get("transaction_code")
        if c1 and c2 and c1 != c2:
            yield _issue("exercise_codes_differ", "error", [f"{p1}.transaction_code", f"{p2}.transaction_code"],
                         f"code {c1} in Table I and {c2} in Table II for one exercise or conversion "
                         "(the same day, the same number of shares)")
        price, strike = _n(one.get("price_per_share")), _n(two.get("conversion_or_exercise_price"))
        if price is not None and strike is not None and price != strike:
            yield _issue("exercise_prices_differ", "error",
                         [f"{p1}.price_per_share", f"{p2}.conversion_or_exercise_price"],
                         f"price {_fmt(price)} in Table I and exercise price {_fmt(strike)} in Table II for one "
                         "exercise or conversion")


def _a_digit_apart(shares, underlying) -> bool:
    """A derivative row's amount and its underlying shares one digit apart ("69" and "569"): most
    rows give the same number twice (227 of the corpus's 277 with both), and of the 50 that do
    not, the 6 a digit apart differ by a factor of ten (a conversion ratio), which this excludes."""
    a, b = _n(shares), _n(underlying)
    if a is None or b is None or a == b or not a or not b or a == 10 * b or b == 10 * a:
        return False
    return Levenshtein.distance(f"{a.normalize():f}", f"{b.normalize():f}") == 1


def _expected_ad(code: str | None, sec: str) -> str | None:
    if not code:
        return None
    if code in ACQUIRES:
        return "A"
    if code in DISPOSES:
        return "D"
    if code in EXERCISE:
        return "A" if sec == "non_derivative_transactions" else "D"
    if code in EXPIRES and sec == "derivative_transactions":
        return "D"
    return None


def _roll_forward(rec: dict) -> Iterable[Issue]:
    """Consecutive rows of one class, ownership form and nature: following = previous ± amount."""
    for sec in TX_SECTIONS:
        rows = rec.get(sec) or []
        for i in range(1, len(rows)):
            a, b = rows[i - 1], rows[i]
            key = lambda r: (r.get("security_title"), r.get("direct_or_indirect_ownership"), r.get("nature_of_ownership"))
            if key(a) != key(b):
                continue
            prev, amt, now = _n(a.get("shares_owned_following_transaction")), _n(b.get("shares")), \
                _n(b.get("shares_owned_following_transaction"))
            ad = b.get("acquired_disposed_code")
            if None in (prev, amt, now) or ad not in ("A", "D"):
                continue
            expected = prev + amt if ad == "A" else prev - amt
            if abs(expected - now) <= ROLL_TOLERANCE or now == prev:
                continue          # some filers repeat the closing balance on every row
            p = f"{sec}[{i}]"
            yield _issue("holding_roll_forward", "warning",
                         [f"{p}.shares_owned_following_transaction", f"{p}.shares",
                          f"{sec}[{i - 1}].shares_owned_following_transaction"],
                         f"{_fmt(now)} does not follow from {_fmt(prev)} {'+' if ad == 'A' else '-'} {_fmt(amt)}")


def _dates(rec: dict) -> Iterable[Issue]:
    tx_dates = [(f"{sec}[{i}].transaction_date", _d(r.get("transaction_date")))
                for sec in TX_SECTIONS for i, r in enumerate(rec.get(sec) or [])]
    tx_dates = [(p, d) for p, d in tx_dates if d]
    period = _d(rec.get("period_of_report"))
    doc = str(rec.get("document_type") or "")
    if period is None:
        # every form has one (Form 4's box 3, Form 3's box 2, Form 5's fiscal year end): all 286
        # corpus filings give it
        yield _issue("missing_period_of_report", "error", ["period_of_report"],
                     "no date in the box of the period reported (Form 3: box 2; Forms 4 and 5: box 3)")
    if period and tx_dates and doc.startswith("4"):
        first_p, first = min(tx_dates, key=lambda x: x[1])
        if first != period:
            yield _issue("period_vs_earliest_transaction", "warning", ["period_of_report", first_p],
                         f"box 3 says {period}, the earliest transaction is {first}")
    if period and tx_dates and doc.startswith("5"):
        for p, d in tx_dates:
            if d > period:
                yield _issue("transaction_after_fiscal_year_end", "warning", [p, "period_of_report"],
                             f"transaction {d} after the fiscal year end {period}")
    if rec.get("date_of_original_submission") and not doc.endswith("/A"):
        yield _issue("amendment_date_on_original", "error", ["date_of_original_submission", "document_type"],
                     "an original-filing date on a form that is not an amendment")
    last_tx = max((d for _, d in tx_dates), default=None)
    for i, s in enumerate(rec.get("signatures") or []):
        sd = _d(s.get("date"))
        if sd is None:
            yield _issue("missing_signature_date", "error", [f"signatures[{i}].date"], "signature without a date")
        elif last_tx and sd < last_tx:
            # no filing is signed before a transaction it reports (the corpus's 408 signatures):
            # the signature's date or the later transactions' was misread
            later = [p for p, d in tx_dates if d > sd]
            yield _issue("signed_before_transaction", "error", [f"signatures[{i}].date"] + later,
                         f"signed {sd}, before the transaction of {last_tx}")
        if not s.get("name"):
            yield _issue("missing_signature_name", "error", [f"signatures[{i}].name"], "signature without a name")


_PLURAL_NOTES = re.compile(r"\bf\w{1,4}notes\b", re.IGNORECASE)     # "Footnotes", or as OCR reads it ("Foonotes")


def _form5_boxes(rec: dict) -> Iterable[Issue]:
    """A Form 5 says of both its boxes whether Form 3 holdings or Form 4 transactions are reported
    on it, checked or not (all 25 Form 5 truth records of the corpus): neither can be unknown."""
    if not str(rec.get("document_type") or "").startswith("5"):
        return
    for field, box in (("form3_holdings_reported", "Form 3 Holdings Reported"),
                       ("form4_transactions_reported", "Form 4 Transactions Reported")):
        if rec.get(field) is None:
            yield _issue("unread_form5_box", "error", [field], f"a Form 5's box {box!r} read neither checked nor empty")


def _marks(rec: dict) -> Iterable[Issue]:
    """Every footnote mark resolves to a footnote; footnotes are numbered once each, in sequence."""
    ids = [str(f.get("id")) for f in rec.get("footnotes") or []]
    known = set(ids)
    seen: set[str] = set()
    nums = [int(i.lstrip("F")) if i.lstrip("F").isdigit() else None for i in ids]
    for k, fid in enumerate(ids):
        if fid in seen:
            yield _issue("duplicate_footnote", "error", [f"footnotes[{k}].id"], f"footnote {fid} twice")
        seen.add(fid)
        # footnotes are numbered 1, 2, 3 ... as printed (all 265 truth records of the corpus with
        # notes): a number that is not its place's, follows not the note before and leads not to
        # the next is misread ("100" for "1"); a note lost leaves its neighbours in sequence
        n = nums[k]
        if n is not None and n != k + 1 and not (k and nums[k - 1] is not None and n == nums[k - 1] + 1) \
                and not (k + 1 < len(nums) and nums[k + 1] is not None and n == nums[k + 1] - 1):
            yield _issue("footnote_out_of_sequence", "error", [f"footnotes[{k}].id"],
                         f"footnote {fid} out of sequence")
        if not (rec["footnotes"][k].get("text") or "").strip():
            yield _issue("empty_footnote", "error", [f"footnotes[{k}].text"], f"footnote {fid} has no text")
    for sec in ROW_SECTIONS:
        for i, r in enumerate(rec.get(sec) or []):
            for field, marks in (r.get("footnote_ids") or {}).items():
                missing = [m for m in marks if m not in known]
                if missing:
                    yield _issue("unresolved_footnote_mark", "error", [f"{sec}[{i}].footnote_ids.{field}"],
                                 f"mark ({', '.join(missing)}) has no footnote in Explanation of Responses")
                if len(marks) == 1 and isinstance(r.get(field), str) and _PLURAL_NOTES.search(r[field]):
                    # all 69 cells of the corpus that say "See Footnotes" cite two notes or more
                    yield _issue("one_mark_for_footnotes", "warning", [f"{sec}[{i}].footnote_ids.{field}"],
                                 f"{r[field]!r} cites one footnote only")
