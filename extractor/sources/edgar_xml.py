"""EDGAR ownership XML (`ownershipDocument`, schemas X0101–X0609) -> the contract's record, exactly.

Nothing is inferred: every leaf is what the filer's XML says, typed (Decimal with the exact
decimal written, ISO dates, booleans), whitespace collapsed, blank -> None; a checkbox that
every version of the form prints (relationship, Section 16, the Form 5 boxes, the "V" column)
is False when the XML leaves it out, as the form shows it unticked. Each leaf is an
`XmlLeaf` (a `Cand` that remembers the XML source line), so the output stage that writes
`fields` for printed pages writes them for XML too.

The XML is parsed with entity expansion, DTD loading and network access off, and any document
that declares entities is refused before parsing: ownership XML never needs them, and expanding
them ("billion laughs") is how a small file exhausts memory.
"""
from __future__ import annotations

import datetime as dt
import re
import typing
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .. import model
from ..candidate import Cand
from ..errors import CorruptInput, NotAForm

DOCUMENT_TYPES = ("3", "3/A", "4", "4/A", "5", "5/A")
MAX_XML_BYTES = 20_000_000


@dataclass
class XmlLeaf(Cand):
    """A value read from the XML, with the source line of the element it came from."""
    line: int | None = None
    element: str = ""           # the XML element the value came from (provenance for the reader)


# ----------------------------------------------------------------------------- field maps (data)
# contract field -> XML element paths under the row, first present wins. Alternatives are the
# schema's own: an amount is given either in shares or as a dollar value (notes, units), and X0101
# (2003) called the price `transactionValue`. equitySwapInvolved and transactionFormType have no
# place in the record. The element found carries the footnoteId marks of its field.
FIELD_PATHS: dict[str, list[str]] = {
    "security_title": ["securityTitle"],
    "conversion_or_exercise_price": ["conversionOrExercisePrice"],
    "transaction_date": ["transactionDate"],
    "deemed_execution_date": ["deemedExecutionDate"],
    "transaction_code": ["transactionCoding/transactionCode"],
    "voluntarily_reported": ["transactionTimeliness"],
    "shares": ["transactionAmounts/transactionShares", "transactionAmounts/transactionTotalValue"],
    "acquired_disposed_code": ["transactionAmounts/transactionAcquiredDisposedCode"],
    "price_per_share": ["transactionAmounts/transactionPricePerShare", "transactionAmounts/transactionValue"],
    "exercise_date": ["exerciseDate"],
    "expiration_date": ["expirationDate"],
    "underlying_security_title": ["underlyingSecurity/underlyingSecurityTitle"],
    "underlying_security_shares": ["underlyingSecurity/underlyingSecurityShares",
                                   "underlyingSecurity/underlyingSecurityValue"],
    "shares_owned_following_transaction": ["postTransactionAmounts/sharesOwnedFollowingTransaction",
                                           "postTransactionAmounts/valueOwnedFollowingTransaction"],
    "direct_or_indirect_ownership": ["ownershipNature/directOrIndirectOwnership"],
    "nature_of_ownership": ["ownershipNature/natureOfOwnership"],
}
# the code sits in transactionCoding/transactionCode, but marks for it hang on transactionCoding
FOOTNOTE_HOLDER = {"transaction_code": "transactionCoding"}
ROW_MODELS = {"non_derivative_transactions": model.NonDerivativeTransaction,
              "non_derivative_holdings": model.NonDerivativeHolding,
              "derivative_transactions": model.DerivativeTransaction,
              "derivative_holdings": model.DerivativeHolding}


def _kind(annotation) -> str:
    args = typing.get_args(annotation) or (annotation,)
    return "num" if Decimal in args else "date" if dt.date in args else "str"


# each table's columns in the contract's order, with their value kind: taken from the model
ROW_FIELDS: dict[str, dict[str, str]] = {
    sec: {f: _kind(info.annotation) for f, info in cls.model_fields.items() if f != "footnote_ids"}
    for sec, cls in ROW_MODELS.items()
}

# row element -> (section, holding section used when the row has no transaction columns)
ROW_ELEMENTS = {
    "nonDerivativeTransaction": "non_derivative_transactions",
    "nonDerivativeHolding": "non_derivative_holdings",
    "derivativeTransaction": "derivative_transactions",
    "derivativeHolding": "derivative_holdings",
}
# X0101 wrote rows straight under the root as nonDerivativeSecurity / derivativeSecurity
LEGACY_ROWS = {"nonDerivativeSecurity": ("non_derivative_transactions", "non_derivative_holdings"),
               "derivativeSecurity": ("derivative_transactions", "derivative_holdings")}
HOLDING_OF = {"non_derivative_transactions": "non_derivative_holdings",
              "derivative_transactions": "derivative_holdings"}

OWNER_FIELDS = {
    "name": ("reportingOwnerId/rptOwnerName", "str"),
    "street1": ("reportingOwnerAddress/rptOwnerStreet1", "str"),
    "street2": ("reportingOwnerAddress/rptOwnerStreet2", "str"),
    "city": ("reportingOwnerAddress/rptOwnerCity", "str"),
    "state": ("reportingOwnerAddress/rptOwnerState", "str"),
    "zip_code": ("reportingOwnerAddress/rptOwnerZipCode", "str"),
    "is_director": ("reportingOwnerRelationship/isDirector", "box"),
    "is_officer": ("reportingOwnerRelationship/isOfficer", "box"),
    "is_ten_percent_owner": ("reportingOwnerRelationship/isTenPercentOwner", "box"),
    "is_other": ("reportingOwnerRelationship/isOther", "box"),
    "officer_title": ("reportingOwnerRelationship/officerTitle", "str"),
    "other_text": ("reportingOwnerRelationship/otherText", "str"),
}
# checkboxes printed on every version of a form: an absent or blank element is an unticked box
# (aff10b5One is not here: older forms have no such box, so its absence is null)
BOXES_ON = {"3": set(), "4": {"not_subject_to_section_16"},
            "5": {"not_subject_to_section_16", "form3_holdings_reported", "form4_transactions_reported"}}
TOP_FIELDS = {
    "document_type": ("documentType", "str"),
    "period_of_report": ("periodOfReport", "date"),
    "date_of_original_submission": ("dateOfOriginalSubmission", "date"),
    "not_subject_to_section_16": ("notSubjectToSection16", "bool"),
    "aff10b5_one": ("aff10b5One", "bool"),
    "form3_holdings_reported": ("form3HoldingsReported", "bool"),
    "form4_transactions_reported": ("form4TransactionsReported", "bool"),
}


# ----------------------------------------------------------------------------- parsing
def parse_xml(data: bytes, what: str = "XML"):
    """Parse untrusted XML safely -> lxml root element (namespaces stripped).
    Raises CorruptInput for malformed XML or XML that declares entities."""
    from lxml import etree
    if len(data) > MAX_XML_BYTES:
        raise CorruptInput(f"{what} of {len(data)} bytes is too large to be one ownership filing")
    if re.search(rb"<!ENTITY", data, re.I):
        raise CorruptInput(f"{what} declares entities (<!ENTITY>); refused: ownership XML never uses them "
                           "and expanding them can exhaust memory")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise CorruptInput(f"malformed {what}: {e.msg}") from None
    if root is None:
        raise CorruptInput(f"{what} has no root element")
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]
    return root


def read_ownership_xml(data: bytes, first_line: int = 1) -> dict:
    """Ownership XML bytes -> a draft record whose leaves are `XmlLeaf`s (see `output.leaves`).
    `first_line`: the input line the XML starts on (an XML embedded in a submission file)."""
    root = parse_xml(data, "ownership XML")
    if root.tag != "ownershipDocument":
        raise NotAForm(f"XML root element is <{root.tag}>, not an EDGAR <ownershipDocument> (Forms 3, 4, 5)")
    return _Reader(first_line - 1).record(root)


class _Reader:
    def __init__(self, line_offset: int):
        self.offset = line_offset

    def record(self, root) -> dict:
        rec = {k: self.leaf(root, path, kind) for k, (path, kind) in TOP_FIELDS.items()}
        dtype = rec["document_type"].value
        if dtype not in DOCUMENT_TYPES:
            raise NotAForm(f"ownership XML of document type {dtype!r}; this tool reads Forms 3, 4 and 5")
        for k in BOXES_ON[dtype[0]]:
            rec[k].value = bool(rec[k].value)
        rec["issuer"] = {"name": self.leaf(root, "issuer/issuerName", "str"),
                         "trading_symbol": self.leaf(root, "issuer/issuerTradingSymbol", "str")}
        rec["reporting_owners"] = [{k: self.leaf(o, path, kind) for k, (path, kind) in OWNER_FIELDS.items()}
                                   for o in _children(root, "reportingOwner")]
        for sec in ROW_FIELDS:
            rec[sec] = []
        form3 = dtype.startswith("3")
        for el, sec in _rows(root):
            if form3 or (sec in HOLDING_OF and el.tag in LEGACY_ROWS and not _has_transaction(el)):
                sec = HOLDING_OF.get(sec, sec)      # a Form 3 reports holdings only
            rec[sec].append(self.row(el, sec))
        notes = _find(root, "footnotes")
        rec["footnotes"] = [{"id": XmlLeaf(_mark_id(f.get("id", "")), text=f.get("id", ""), kind="str",
                                           line=self.line(f), element="footnote/@id"),
                             "text": self.text_leaf(f, "str")}
                            for f in (_children(notes, "footnote") if notes is not None else [])]
        rec["remarks"] = self.leaf(root, "remarks", "str")
        rec["signatures"] = [{"name": self.leaf(s, "signatureName", "str"),
                              "date": self.leaf(s, "signatureDate", "date")}
                             for s in _children(root, "ownerSignature")]
        return rec

    def row(self, el, sec: str) -> dict:
        row: dict = {}
        marks: dict[str, XmlLeaf] = {}
        for f, kind in ROW_FIELDS[sec].items():
            node = next((n for p in FIELD_PATHS[f] if (n := _find(el, p)) is not None), None)
            if f == "voluntarily_reported":
                # the "V" column: transactionTimeliness "E" (reported early, voluntarily); "L" (late),
                # blank or absent leave the column unmarked, which is a "no" on a transaction row
                leaf = self.text_leaf(node, "str", value_child=True) if node is not None else \
                    XmlLeaf(None, line=self.line(el), element="transactionTimeliness")
                leaf.value, leaf.kind = (leaf.value or "").upper() == "E", "bool"
                row[f] = leaf
            elif node is None:
                row[f] = XmlLeaf(None, kind=kind, line=self.line(el), element=FIELD_PATHS[f][0].split("/")[-1])
                continue
            else:
                row[f] = self.text_leaf(node, kind, value_child=f != "transaction_code")
            holder = _find(el, FOOTNOTE_HOLDER[f]) if f in FOOTNOTE_HOLDER else node
            ids = _footnote_ids(holder) if holder is not None else []
            if ids:
                marks[f] = XmlLeaf(ids, text=" ".join(f"F{i}" for i in ids), kind="marks",
                                   line=self.line(holder), element=f"{holder.tag}/footnoteId")
        row["footnote_ids"] = marks
        return row

    def leaf(self, parent, path: str, kind: str) -> XmlLeaf:
        node = _find(parent, path)
        if node is None:
            return XmlLeaf(False if kind == "box" else None, kind=kind, line=self.line(parent),
                           element=path.split("/")[-1])
        return self.text_leaf(node, kind)

    def text_leaf(self, node, kind: str, value_child: bool = False) -> XmlLeaf:
        src = _find(node, "value") if value_child else node
        if value_child and src is None:
            # some filers write the value straight in the element, without <value>
            src = node if node.text and node.text.strip() else None
        raw = "" if src is None else "".join(src.itertext())
        text = " ".join(raw.split())
        line = self.line(src if src is not None else node)
        try:
            value = _typed(text, kind)
        except ValueError:
            raise CorruptInput(f"ownership XML line {line}: <{node.tag}> {text!r} is not a valid "
                               f"{_KIND_NAMES[kind]}") from None
        return XmlLeaf(value, text=text, kind=kind, line=line, element=node.tag)

    def line(self, el) -> int | None:
        return el.sourceline + self.offset if el is not None and el.sourceline else None


_KIND_NAMES = {"num": "number", "date": "date (YYYY-MM-DD)", "bool": "boolean (1/0/true/false)",
               "box": "boolean (1/0/true/false)", "str": "text"}
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T[\d:.]+)?(?:Z|[+-]\d{2}:?\d{2})?$")


def _typed(text: str, kind: str):
    if not text:
        return False if kind == "box" else None
    if kind == "num":
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise ValueError(text) from None
        if not d.is_finite():
            raise ValueError(text)
        return d
    if kind == "date":
        # xs:date may carry a time zone ("2021-09-30-05:00"): the date is the first ten characters
        m = _DATE.match(text)
        if not m:
            raise ValueError(text)
        return dt.date(*map(int, m.groups()))
    if kind in ("bool", "box"):
        low = text.lower()
        if low in ("1", "true"):
            return True
        if low in ("0", "false"):
            return False
        raise ValueError(text)
    return text


def _children(parent, name: str) -> list:
    return [c for c in parent if c.tag == name]


def _find(parent, path: str):
    node = parent
    for name in path.split("/"):
        node = next((c for c in node if c.tag == name), None)
        if node is None:
            return None
    return node


def _rows(root):
    """Table rows in document order -> (element, section)."""
    for el in root.iter():
        if el.tag in ROW_ELEMENTS:
            yield el, ROW_ELEMENTS[el.tag]
        elif el.tag in LEGACY_ROWS and el.getparent() is root:
            yield el, LEGACY_ROWS[el.tag][0]


def _has_transaction(el) -> bool:
    return _find(el, "transactionCoding") is not None or _find(el, "transactionDate") is not None


def _mark_id(raw: str) -> str:
    return re.sub(r"^[Ff]", "", raw.strip())


def _footnote_ids(el) -> list[str]:
    ids: list[str] = []
    for c in _children(el, "footnoteId"):
        i = _mark_id(c.get("id", ""))
        if i and i not in ids:
            ids.append(i)
    return ids
