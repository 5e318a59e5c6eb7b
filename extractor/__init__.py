"""extractor: validated records with per-field confidence from SEC ownership filings.

    from extractor import extract
    ex = extract("form.pdf")

The names load on first use, so `extract --help` does not import the whole pipeline.
"""
from __future__ import annotations

__all__ = ["extract", "Extraction", "ExtractError"]


def __getattr__(name: str):
    if name == "extract":
        from .api import extract
        return extract
    if name == "Extraction":
        from .model import Extraction
        return Extraction
    if name == "ExtractError":
        from .errors import ExtractError
        return ExtractError
    raise AttributeError(f"module 'extractor' has no attribute {name!r}")
