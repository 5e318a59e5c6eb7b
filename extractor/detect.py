"""Which template a document is: the one whose detection signals are found best on the page."""
from __future__ import annotations

from .errors import NotAForm
from .match import Matcher
from .templates import Template

MIN_DETECT = 2.5          # total signal weight a page must show to be read as a form


def detect_template(matcher: Matcher, templates: list[Template]) -> tuple[Template, float]:
    """-> (template, confidence in [0, 1]). Raises NotAForm when no template fits."""
    first_page = lambda t: t.page <= 2
    scored = []
    for t in templates:
        total = 0.0
        possible = sum(s.weight for s in t.detect if s.weight > 0)
        for s in t.detect:
            # a signal against this form (another form's title) must be read clearly to count
            h = matcher.find_one(s.text, within=first_page, min_score=0.85 if s.weight > 0 else 0.95)
            if h is not None:
                total += s.weight * h.score
        scored.append((total, possible, t))
    scored.sort(key=lambda x: -x[0])
    best, possible, tmpl = scored[0]
    if best < MIN_DETECT:
        names = ", ".join(t.name for t in templates)
        raise NotAForm(f"this does not look like a form this tool reads ({names}); "
                       "check the file, or pass --template")
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    conf = min(1.0, best / possible) * (1.0 if best - runner_up >= 2 else 0.9)
    return tmpl, round(conf, 4)
