"""Per-field confidence: the evidence of each leaf combined into a probability that it is right.

Evidence (each in [0, 1], 1 = no doubt): label match, value-format fit, position fit, structure
(how a compound was split), OCR word confidence, and the validation checks that implicate the
field. They are combined in one place, here, and mapped to a probability by a calibration table
fitted on the corpus (`make calibrate`), so that 0.95 means right about 19 times in 20.
"""
from __future__ import annotations

import math

from .candidate import Cand

EVIDENCE = ("label", "fit", "position", "structure", "ocr", "checks")


def evidence_of(c: Cand, check_penalty: float) -> dict[str, float]:
    return {"label": c.label, "fit": c.fit, "position": c.position, "structure": c.structure,
            "ocr": c.ocr, "checks": check_penalty}


def raw_score(ev: dict[str, float]) -> float:
    return math.prod(max(0.0, min(1.0, ev[k])) for k in EVIDENCE)


def confidence(ev: dict[str, float]) -> float:
    return round(0.5 + 0.4995 * raw_score(ev), 4)
