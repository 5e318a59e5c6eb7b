"""A Form 4 record (the contract's `record`, as a dict) -> the Markdown-like text rendering that a
PDF-to-Markdown converter writes of EDGAR's page: the same form as the corpus `form.md` files
(tabs between cells, `<u>` values, checked boxes as `<input checked="" type="checkbox"/>`, unchecked
ones as bare labels, footnote marks as `⁽¹⁾`, `\\$` before money).

Used by the property test (random record -> text -> extract -> the same record) and checked against
the corpus itself: rendering a case's truth.json gives back its form.md (tests/test_render_text.py).
Whatever the rendering cannot show is documented in `page_view`, which the tests compare through.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

CHECKED = '<input checked="" type="checkbox"/> '
_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")

HEAD = ("\n\nOMB APPROVAL\t\nOMB Number:\t3235-0287\nEstimated average burden hours per response:\t0.5\n\n")
NOT_SUBJECT = ("Check this box if no longer subject to Section 16. Form 4 or Form 5 obligations may continue. "
               "See Instruction 1(b).")
AFF10B5 = ("Check this box to indicate that a transaction was made pursuant to a contract, instruction or written "
           "plan for the purchase or sale of equity securities of the issuer that is intended to satisfy the "
           "affirmative defense conditions of Rule 10b5-1(c). See Instruction 10.")
TITLE = ("STATEMENT OF CHANGES IN BENEFICIAL OWNERSHIP\n\nFiled pursuant to Section 16(a) of the Securities Exchange "
         "Act of 1934 or Section 30(h) of the Investment Company Act of 1940\n\n")
OWNER_LABEL = "1. Name and Address of Reporting Person*"
ISSUER_LABEL = "2. Issuer Name and Ticker or Trading Symbol"
RELATIONSHIP_LABEL = "5. Relationship of Reporting Person(s) to Issuer (Check all applicable)"
PERIOD_LABEL = "3. Date of Earliest Transaction (Month/Day/Year)"
AMENDMENT_LABEL = "4. If Amendment, Date of Original Filed (Month/Day/Year)"
TABLE1 = ("Table I - Non-Derivative Securities Acquired, Disposed of, or Beneficially Owned\n\n"
          "1. Title of Security (Instr. 3)\t2. Transaction Date (Month/Day/Year)\t2A. Deemed Execution Date, if any "
          "(Month/Day/Year)\t3. Transaction Code (Instr. 8)\t\t4. Securities Acquired (A) or Disposed Of (D) (Instr. 3, "
          "4 and 5)\t\t\t5. Amount of Securities Beneficially Owned Following Reported Transaction(s) (Instr. 3 and 4)"
          "\t6. Ownership Form: Direct (D) or Indirect (I) (Instr. 4)\t7. Nature of Indirect Beneficial Ownership "
          "(Instr. 4)\n\t\t\tCode\tV\tAmount\t(A) or (D)\tPrice\t\t\t\n")
_TABLE2_HEAD = ("Table II - Derivative Securities Acquired, Disposed of, or Beneficially Owned (e.g., puts, calls, "
                "warrants, options, convertible securities)\n\n"
                "1. Title of Derivative Security (Instr. 3)\t2. Conversion or Exercise Price of Derivative Security\t"
                "3. Transaction Date (Month/Day/Year)\t3A. Deemed Execution Date, if any (Month/Day/Year)\t"
                "4. Transaction Code (Instr. 8)\t\t5. Number of Derivative Securities Acquired (A) or Disposed of (D) "
                "(Instr. 3, 4 and 5)\t\t6. Date Exercisable and Expiration Date (Month/Day/Year)\t\t"
                "7. Title and Amount of Securities Underlying Derivative Security (Instr. 3 and 4){sep}"
                "8. Price of Derivative Security (Instr. 5)\t9. Number of derivative Securities Beneficially Owned "
                "Following Reported Transaction(s) (Instr. 4)\t10. Ownership Form: Direct (D) or Indirect (I) "
                "(Instr. 4)\t11. Nature of Indirect Beneficial Ownership (Instr. 4)\n"
                "\t\t\t\tCode\tV\t(A)\t(D)\tDate Exercisable\tExpiration Date{sub}\n")
# The converter writes Table II's header one cell shorter when the table has no rows.
TABLE2 = _TABLE2_HEAD.format(sep="\t\t", sub="\tTitle\tAmount or Number of Shares\t\t\t\t")
TABLE2_EMPTY = _TABLE2_HEAD.format(sep="\t", sub="\t\t\t\t\t")
EXPLANATION = "Explanation of Responses:"
SIGNATURE_CAPTIONS = "** Signature of Reporting Person\n\nDate\n\n"
TAIL = ("Reminder: Report on a separate line for each class of securities beneficially owned directly or "
        "indirectly.\n\n* If the form is filed by more than one reporting person, see Instruction 4 (b)(v).\n\n"
        "** Intentional misstatements or omissions of facts constitute Federal Criminal Violations See 18 U.S.C. "
        "1001 and 15 U.S.C. 78ff(a).\n\nNote: File three copies of this Form, one of which must be manually signed. "
        "If space is insufficient, see Instruction 6 for procedure.\n\nPersons who respond to the collection of "
        "information contained in this form are not required to respond unless the form displays a currently "
        "valid OMB Number.")


@dataclass(frozen=True)
class Style:
    """Choices the real renderings vary in, none of which changes the record."""
    holdings_first_table1: bool = False     # holdings listed before the transactions
    holdings_first_table2: bool = False
    remarks_heading_when_empty: bool = False


# ---------------------------------------------------------------------------- values
def number(v) -> str:
    """1415167 -> '1,415,167'; 17.00 -> '17' (EDGAR drops trailing zeros); 0.4925 -> '0.4925'."""
    if v is None:
        return ""
    d = Decimal(str(v)).normalize()
    return format(d, ",f")


def money(v) -> str:
    return "" if v is None else "\\$" + number(v)


def date(v) -> str:
    if v is None:
        return ""
    d = v if isinstance(v, dt.date) else dt.date.fromisoformat(v)
    return d.strftime("%m/%d/%Y")


def marks(ids: list[str]) -> str:
    return "".join(f"⁽{i.translate(_SUP)}⁾" for i in ids)


def cell(text: str, ids: list[str] | None) -> str:
    """A table cell: the value, then its footnote marks after a space ('D ⁽¹⁾', '⁽¹⁾' alone)."""
    m = marks(ids or [])
    return f"{text} {m}" if text and m else text or m


def underline(v: str | None) -> str:
    return f"<u>{v}</u>" if v else ""


def box(checked: bool | None, label: str) -> str:
    return (CHECKED if checked else "") + label


# ---------------------------------------------------------------------------- parts
def owner_block(o: dict, repeated: bool) -> str:
    street = " ".join(s for s in (o.get("street1"), o.get("street2")) if s)
    place = " ".join(s for s in (o.get("city"), o.get("state"), o.get("zip_code")) if s)
    parts = [OWNER_LABEL, underline(o.get("name")), "(Last) (First) (Middle)", street, "(Street)", place,
             "(City) (State) (Zip)"]
    text = " ".join(p for p in parts if p)
    rel = relationship(o)
    return f"{text} Relationship of Reporting Person(s) to Issuer {rel}" if repeated else text


def relationship(o: dict) -> str:
    parts = [box(o.get("is_director"), "Director"), box(o.get("is_ten_percent_owner"), "10% Owner"),
             box(o.get("is_officer"), "Officer (give title below)"), box(o.get("is_other"), "Other (specify below)"),
             underline(o.get("officer_title")), underline(o.get("other_text"))]
    return " ".join(p for p in parts if p)


def issuer_text(issuer: dict) -> str:
    name, sym = issuer.get("name"), issuer.get("trading_symbol")
    shown = " ".join(s for s in (name, f"[{sym}]" if sym else None) if s)
    return underline(shown)


def table1_rows(rec: dict, style: Style) -> list[str]:
    tx = [_nd_transaction(r) for r in rec.get("non_derivative_transactions", [])]
    hold = [_nd_holding(r) for r in rec.get("non_derivative_holdings", [])]
    return hold + tx if style.holdings_first_table1 else tx + hold


def _fn(r: dict, f: str) -> list[str]:
    return r.get("footnote_ids", {}).get(f, [])


def _nd_transaction(r: dict) -> str:
    return "\t".join([
        cell(r.get("security_title") or "", _fn(r, "security_title")),
        cell(date(r.get("transaction_date")), _fn(r, "transaction_date")),
        cell(date(r.get("deemed_execution_date")), _fn(r, "deemed_execution_date")),
        cell(r.get("transaction_code") or "", _fn(r, "transaction_code")),
        "V" if r.get("voluntarily_reported") else "",
        cell(number(r.get("shares")), _fn(r, "shares")),
        cell(r.get("acquired_disposed_code") or "", _fn(r, "acquired_disposed_code")),
        cell(money(r.get("price_per_share")), _fn(r, "price_per_share")),
        cell(number(r.get("shares_owned_following_transaction")), _fn(r, "shares_owned_following_transaction")),
        cell(r.get("direct_or_indirect_ownership") or "", _fn(r, "direct_or_indirect_ownership")),
        cell(r.get("nature_of_ownership") or "", _fn(r, "nature_of_ownership")),
    ])


def _nd_holding(r: dict) -> str:
    return "\t".join([
        cell(r.get("security_title") or "", _fn(r, "security_title")), "", "", "", "", "", "", "",
        cell(number(r.get("shares_owned_following_transaction")), _fn(r, "shares_owned_following_transaction")),
        cell(r.get("direct_or_indirect_ownership") or "", _fn(r, "direct_or_indirect_ownership")),
        cell(r.get("nature_of_ownership") or "", _fn(r, "nature_of_ownership")),
    ])


def table2_rows(rec: dict, style: Style) -> list[str]:
    tx = [_d_row(r, holding=False) for r in rec.get("derivative_transactions", [])]
    hold = [_d_row(r, holding=True) for r in rec.get("derivative_holdings", [])]
    return hold + tx if style.holdings_first_table2 else tx + hold


def _d_row(r: dict, holding: bool) -> str:
    shares = cell(number(r.get("shares")), _fn(r, "shares"))
    acquired = r.get("acquired_disposed_code") == "A"
    return "\t".join([
        cell(r.get("security_title") or "", _fn(r, "security_title")),
        cell(money(r.get("conversion_or_exercise_price")), _fn(r, "conversion_or_exercise_price")),
        "" if holding else cell(date(r.get("transaction_date")), _fn(r, "transaction_date")),
        "" if holding else cell(date(r.get("deemed_execution_date")), _fn(r, "deemed_execution_date")),
        "" if holding else cell(r.get("transaction_code") or "", _fn(r, "transaction_code")),
        "" if holding else ("V" if r.get("voluntarily_reported") else ""),
        "" if holding or not acquired else shares,          # the A/D code is which column holds the number
        "" if holding or acquired else shares,
        cell(date(r.get("exercise_date")), _fn(r, "exercise_date")),
        cell(date(r.get("expiration_date")), _fn(r, "expiration_date")),
        cell(r.get("underlying_security_title") or "", _fn(r, "underlying_security_title")),
        cell(number(r.get("underlying_security_shares")), _fn(r, "underlying_security_shares")),
        "" if holding else cell(money(r.get("price_per_share")), _fn(r, "price_per_share")),
        cell(number(r.get("shares_owned_following_transaction")), _fn(r, "shares_owned_following_transaction")),
        cell(r.get("direct_or_indirect_ownership") or "", _fn(r, "direct_or_indirect_ownership")),
        cell(r.get("nature_of_ownership") or "", _fn(r, "nature_of_ownership")),
    ])


# ---------------------------------------------------------------------------- the page
def render_form4(rec: dict, style: Style = Style()) -> str:
    """The whole text rendering of one Form 4 record."""
    owners = rec.get("reporting_owners") or [{}]
    first = owners[0]
    out = [HEAD, box(rec.get("not_subject_to_section_16"), NOT_SUBJECT), "\n\n"]
    if rec.get("aff10b5_one") is not None:              # the 10b5-1 row exists only on newer forms
        out += [box(rec["aff10b5_one"], AFF10B5), "\n\n"]
    out.append(TITLE)
    out.append(f"{owner_block(first, repeated=False)}\t{ISSUER_LABEL} {issuer_text(rec.get('issuer', {}))}".rstrip()
               + f"\t{RELATIONSHIP_LABEL} {relationship(first)}\n")
    out.append(f"\t{PERIOD_LABEL} {date(rec.get('period_of_report'))}".rstrip() + "\t\n")
    out.append(f"\t{AMENDMENT_LABEL} {date(rec.get('date_of_original_submission'))}".rstrip() + "\t\n\n")
    out.append(TABLE1)
    out += [row + "\n" for row in table1_rows(rec, style)]
    rows2 = table2_rows(rec, style)
    out.append("\n" + (TABLE2 if rows2 else TABLE2_EMPTY))
    out += [row + "\n" for row in rows2]
    if len(owners) > 1:
        out += ["\n" + owner_block(o, repeated=True) + "\n" for o in owners]
    out.append(f"\n{EXPLANATION}\n\n")
    out += [f"{f['id']}. {f.get('text') or ''}\n\n" for f in rec.get("footnotes", [])]
    if rec.get("remarks") or style.remarks_heading_when_empty:
        out.append("Remarks:\n\n" + (f"{rec['remarks']}\n\n" if rec.get("remarks") else ""))
    for s in rec.get("signatures", []):
        out.append(f"{s.get('name') or ''}\n\n{date(s.get('date'))}\n\n")
    out.append(SIGNATURE_CAPTIONS)
    out.append(TAIL)
    return "".join(out)


# ---------------------------------------------------------------------------- what the page shows
def page_view(rec: dict) -> dict:
    """The record as far as its text rendering can show it; compare records through this.

    - the two street lines are printed one after the other, so only their joined text is shown;
    - numbers are shown without trailing zeros (17.00 and 17 print alike): compared as Decimals;
    - dates as ISO strings; whitespace inside texts collapsed;
    - a transaction's `voluntarily_reported` False and None look the same (an empty V cell);
    - footnote_ids lists with no marks are dropped.
    """
    def norm(v, key=""):
        if isinstance(v, dict):
            d = {k: norm(x, k) for k, x in v.items()}
            if key == "footnote_ids":
                d = {k: x for k, x in d.items() if x}
            return d
        if isinstance(v, list):
            return [norm(x) for x in v]
        if isinstance(v, bool) or v is None:
            return v
        if isinstance(v, (int, float, Decimal)):
            return Decimal(str(v)).normalize()
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, str):
            return " ".join(v.split()) or None
        return v

    out = norm(rec)
    for o in out.get("reporting_owners", []):
        o["street"] = " ".join(s for s in (o.pop("street1", None), o.pop("street2", None)) if s) or None
    for sec in ("non_derivative_transactions", "derivative_transactions"):
        for r in out.get(sec, []):
            r["voluntarily_reported"] = bool(r.get("voluntarily_reported"))
    return out
