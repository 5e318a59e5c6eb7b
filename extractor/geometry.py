"""Typed page geometry: boxes in PDF points, origin at the page's top-left."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True, slots=True)
class BBox:
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    def union(self, other: "BBox") -> "BBox":
        return BBox(min(self.x0, other.x0), min(self.top, other.top),
                    max(self.x1, other.x1), max(self.bottom, other.bottom))

    def x_overlap(self, other: "BBox") -> float:
        return min(self.x1, other.x1) - max(self.x0, other.x0)

    def y_overlap(self, other: "BBox") -> float:
        return min(self.bottom, other.bottom) - max(self.top, other.top)

    def contains_point(self, x: float, y: float) -> bool:
        return self.x0 <= x <= self.x1 and self.top <= y <= self.bottom

    def expand(self, d: float) -> "BBox":
        return BBox(self.x0 - d, self.top - d, self.x1 + d, self.bottom + d)

    def rounded(self, nd: int = 1) -> list[float]:
        return [round(self.x0, nd), round(self.top, nd), round(self.x1, nd), round(self.bottom, nd)]

    @staticmethod
    def enclosing(boxes: Iterable["BBox"]) -> "BBox | None":
        out = None
        for b in boxes:
            out = b if out is None else out.union(b)
        return out
