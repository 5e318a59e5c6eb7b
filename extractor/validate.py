"""Checks of form-layouts.md §5 -> issues, and the confidence penalty each implicated field takes."""
from __future__ import annotations

from .model import Issue
from .templates import Template


def validate(draft: dict, template: Template) -> tuple[list[Issue], dict[str, float]]:
    return [], {}
