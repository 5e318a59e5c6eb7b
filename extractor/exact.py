"""An exact record (read from EDGAR ownership XML) -> the contract's `Extraction`, no layout needed.

The XML is the filer's own data, so every leaf is certain: confidence 1.0, status `ok`. The same
`output.leaves` / `output.field_entries` that write printed pages' fields write these, so the two
paths cannot disagree about which leaves exist.
"""
from __future__ import annotations

from pydantic import ValidationError

from .errors import CorruptInput
from .model import Extraction, Source, TemplateRef
from .output import build_record, field_entries, leaves

EXACT = 1.0


def exact_extraction(source: Source, draft: dict) -> Extraction:
    """Draft record of `XmlLeaf`s (see `sources.edgar_xml`) -> Extraction: template from the
    document type, one field per leaf at confidence 1.0 with the XML source line and element."""
    try:
        record = build_record(draft)
    except ValidationError as e:
        err = e.errors()[0]
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]).lstrip(".")
        raise CorruptInput(f"ownership XML value outside the form's codes at {where}: "
                           f"{err['input']!r} ({err['msg']})") from None
    pairs = list(leaves(draft))
    fields = field_entries(draft, None, {p: EXACT for p, _ in pairs}, {})
    for entry, (_, leaf) in zip(fields, pairs):
        entry.line = getattr(leaf, "line", None)
        if getattr(leaf, "element", ""):
            setattr(entry, "element", leaf.element)
    template = TemplateRef(id=f"form{record.document_type[0]}", confidence=EXACT)
    return Extraction(source=source, template=template, status="ok", record=record, fields=fields, issues=[])
