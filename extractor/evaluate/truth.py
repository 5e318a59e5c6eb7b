"""The truth a filing is measured against: its EDGAR ownership XML, as EDGAR's rendering shows it."""
from __future__ import annotations

import json
from decimal import Decimal

from ..errors import NotAForm

# rows written straight under <ownershipDocument> by the first schema (X0101)
UNRENDERED_ROOT_ROWS = ("nonDerivativeSecurity", "derivativeSecurity")


def ownership_xml_of(data: bytes) -> bytes:
    """The ownership XML in `data`: the bytes themselves, or the <XML> block of an EDGAR
    full-submission `.txt` file. CorruptInput/NotAForm when there is none."""
    from ..sources import sniff
    from ..sources.submission import ownership_xml
    if sniff(data) == "submission":
        found = ownership_xml(data)
        if found is None:
            raise NotAForm("EDGAR submission without ownership XML (a pre-2003 text filing has no XML truth)")
        return found[0]
    if b"<ownershipdocument" not in data[:4096].lower():
        raise NotAForm("not EDGAR ownership XML (no <ownershipDocument>) nor a submission holding it")
    return data


def what_the_rendering_shows(xml: bytes) -> bytes:
    """The part of an ownership XML that EDGAR's rendering puts on the page.

    A filing is measured against its page, and the page is EDGAR's stylesheet applied to the XML.
    The stylesheet draws Table I and Table II from the rows inside <nonDerivativeTable> and
    <derivativeTable> only. Documents of the first schema (X0101, 2003) may also carry rows as
    <nonDerivativeSecurity>/<derivativeSecurity> directly under the root; the XML reader reads them
    (they are the filer's data), but no rendering shows them, so nothing that reads the page can
    find them, and they are not expected from a page. This removes them; everything else is the
    XML as filed.
    """
    from lxml import etree

    from ..sources.edgar_xml import parse_xml
    root = parse_xml(xml, "ownership XML")
    hidden = [el for el in root if el.tag in UNRENDERED_ROOT_ROWS]
    if not hidden:
        return xml
    for el in hidden:
        root.remove(el)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def truth_record(data: bytes) -> dict:
    """Ownership XML (or an EDGAR submission holding it) -> the contract record of what the
    rendered page shows, as JSON-loaded data (numbers as Decimal, dates as ISO strings): the same
    shape the scorer reads from a truth.json. Raises ExtractError subclasses for bad XML."""
    from ..exact import exact_extraction
    from ..model import Source
    from ..output import to_json
    from ..sources.edgar_xml import read_ownership_xml
    draft = read_ownership_xml(what_the_rendering_shows(ownership_xml_of(data)))
    ex = exact_extraction(Source(path="", sha256="", kind="xml", pages=1, style="xml"), draft)
    return load_json(to_json(ex))["record"]


def load_json(text: str):
    """JSON with every number as Decimal, as the scorer reads both outputs and truth."""
    return json.loads(text, parse_float=Decimal, parse_int=Decimal)
