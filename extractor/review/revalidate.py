"""Validation of a corrected record: the record as it now stands goes through the same §5 checks
(`extractor.validate.validate_record`) the analyzer's output went through."""
from __future__ import annotations

from .. import validate
from ..model import Issue, Record
from ..templates import resolve_template


def revalidate(record: Record, template_id: str) -> list[Issue]:
    """The issues the record has after the reviewer's corrections. Box 6 (joint filing) is page
    layout, not part of the record, so its check is skipped here."""
    return validate.validate_record(record, resolve_template(template_id)[0])
