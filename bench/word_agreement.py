"""Do two word extractors give the same words? Used by `make bench` and tests/test_pdf_source.py.

Word texts are compared per page as multisets, after one normalisation on both sides: footnote
marks glued to a word ("757,756(1)", "(1)(2)") become words of their own ("757,756", "(1)", "(2)"),
and so does a trailing asterisk ("Person*" -> "Person", "*"). `read_pdf_pages` splits a superscript
mark or asterisk off its word on purpose; pdfplumber keeps them glued unless there is a gap; where a
run of marks breaks differs between the two.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import regex as re

_TRAILING_MARKS = re.compile(r"^(.*?)((?:\(\d{1,3}\))+)$")
_MARK = re.compile(r"\(\d{1,3}\)")
_TRAILING_ASTERISKS = re.compile(r"^(.*[^*])(\*+)$")


def split_marks(words: list[str]) -> list[str]:
    """'757,756(1)(2)' -> '757,756', '(1)', '(2)'; 'Person*' -> 'Person', '*'; other words unchanged."""
    out: list[str] = []
    for w in words:
        star = _TRAILING_ASTERISKS.match(w)
        if star:
            out.extend(star.groups())
            continue
        m = _TRAILING_MARKS.match(w)
        if m is None:
            out.append(w)
            continue
        if m.group(1):
            out.append(m.group(1))
        out.extend(_MARK.findall(m.group(2)))
    return out


@dataclass
class PageAgreement:
    common: int                   # words in both (as a multiset)
    size: int                     # max(len(ours), len(ref)): a missing and an extra word both count
    ours_only: list[str] = field(default_factory=list)
    ref_only: list[str] = field(default_factory=list)
    same_chars: bool = True       # the same characters overall: only word boundaries differ

    @property
    def share(self) -> float:
        return self.common / self.size if self.size else 1.0


def page_agreement(ours: list[str], ref: list[str]) -> PageAgreement:
    a, b = Counter(split_marks(ours)), Counter(split_marks(ref))
    return PageAgreement(common=sum((a & b).values()), size=max(a.total(), b.total()),
                         ours_only=sorted((a - b).elements()), ref_only=sorted((b - a).elements()),
                         same_chars=Counter("".join(ours)) == Counter("".join(ref)))
