"""The output contract (../shared/docs/output-contract.md, version 1) as pydantic models.

Extend, never rename: everything downstream (scripts, the bulk store, the review page, the scorer)
reads these names.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"
DocumentType = Literal["3", "3/A", "4", "4/A", "5", "5/A"]
Code = Literal["P", "S", "V", "A", "D", "F", "I", "M", "C", "E", "H", "O", "X", "G", "L", "W", "Z", "J", "K", "U"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Issuer(_Model):
    name: str | None = None
    trading_symbol: str | None = None


class ReportingOwner(_Model):
    name: str | None = None
    street1: str | None = None
    street2: str | None = None
    city: str | None = None
    state: str | None = None
    zip_code: str | None = None
    is_director: bool | None = None
    is_officer: bool | None = None
    is_ten_percent_owner: bool | None = None
    is_other: bool | None = None
    officer_title: str | None = None
    other_text: str | None = None


FootnoteIds = dict[str, list[str]]


class NonDerivativeTransaction(_Model):
    security_title: str | None = None
    transaction_date: dt.date | None = None
    deemed_execution_date: dt.date | None = None
    transaction_code: Code | None = None
    voluntarily_reported: bool | None = None
    shares: Decimal | None = None
    acquired_disposed_code: Literal["A", "D"] | None = None
    price_per_share: Decimal | None = None
    shares_owned_following_transaction: Decimal | None = None
    direct_or_indirect_ownership: Literal["D", "I"] | None = None
    nature_of_ownership: str | None = None
    footnote_ids: FootnoteIds = Field(default_factory=dict)


class NonDerivativeHolding(_Model):
    security_title: str | None = None
    shares_owned_following_transaction: Decimal | None = None
    direct_or_indirect_ownership: Literal["D", "I"] | None = None
    nature_of_ownership: str | None = None
    footnote_ids: FootnoteIds = Field(default_factory=dict)


class DerivativeTransaction(_Model):
    security_title: str | None = None
    conversion_or_exercise_price: Decimal | None = None
    transaction_date: dt.date | None = None
    deemed_execution_date: dt.date | None = None
    transaction_code: Code | None = None
    voluntarily_reported: bool | None = None
    shares: Decimal | None = None
    acquired_disposed_code: Literal["A", "D"] | None = None
    exercise_date: dt.date | None = None
    expiration_date: dt.date | None = None
    underlying_security_title: str | None = None
    underlying_security_shares: Decimal | None = None
    price_per_share: Decimal | None = None
    shares_owned_following_transaction: Decimal | None = None
    direct_or_indirect_ownership: Literal["D", "I"] | None = None
    nature_of_ownership: str | None = None
    footnote_ids: FootnoteIds = Field(default_factory=dict)


class DerivativeHolding(_Model):
    security_title: str | None = None
    conversion_or_exercise_price: Decimal | None = None
    exercise_date: dt.date | None = None
    expiration_date: dt.date | None = None
    underlying_security_title: str | None = None
    underlying_security_shares: Decimal | None = None
    shares_owned_following_transaction: Decimal | None = None
    direct_or_indirect_ownership: Literal["D", "I"] | None = None
    nature_of_ownership: str | None = None
    footnote_ids: FootnoteIds = Field(default_factory=dict)


class Footnote(_Model):
    id: str
    text: str | None = None


class Signature(_Model):
    name: str | None = None
    date: dt.date | None = None


class Record(_Model):
    document_type: DocumentType
    period_of_report: dt.date | None = None
    date_of_original_submission: dt.date | None = None
    not_subject_to_section_16: bool | None = None
    aff10b5_one: bool | None = None
    form3_holdings_reported: bool | None = None
    form4_transactions_reported: bool | None = None
    issuer: Issuer = Field(default_factory=Issuer)
    reporting_owners: list[ReportingOwner] = Field(default_factory=list)
    non_derivative_transactions: list[NonDerivativeTransaction] = Field(default_factory=list)
    non_derivative_holdings: list[NonDerivativeHolding] = Field(default_factory=list)
    derivative_transactions: list[DerivativeTransaction] = Field(default_factory=list)
    derivative_holdings: list[DerivativeHolding] = Field(default_factory=list)
    footnotes: list[Footnote] = Field(default_factory=list)
    remarks: str | None = None
    signatures: list[Signature] = Field(default_factory=list)


class Source(_Model):
    path: str
    sha256: str
    kind: Literal["pdf", "scan", "image", "text", "html", "xml"]
    pages: int
    style: str = ""          # extension: pdf | markdown | layout | html | scan | image | xml


class TemplateRef(_Model):
    id: str
    confidence: float


class FieldEntry(BaseModel):
    model_config = ConfigDict(extra="allow")
    path: str
    value: object = None
    confidence: float
    page: int | None = None
    bbox: list[float] | None = None
    line: int | None = None
    text: str = ""
    evidence: dict[str, float] = Field(default_factory=dict)   # extension: what raised or lowered the confidence


class Issue(_Model):
    code: str
    severity: Literal["error", "warning", "info"]
    path: str | None = None
    message: str
    related: list[str] = Field(default_factory=list)   # extension: every field the issue implicates


class Extraction(_Model):
    schema_version: str = SCHEMA_VERSION
    source: Source
    template: TemplateRef | None = None
    status: Literal["ok", "needs_review", "failed"]
    record: Record | None = None
    fields: list[FieldEntry] = Field(default_factory=list)
    issues: list[Issue] = Field(default_factory=list)
