"""extractor: validated records with per-field confidence from SEC ownership filings."""
from .api import extract
from .errors import ExtractError
from .model import Extraction

__all__ = ["extract", "Extraction", "ExtractError"]
