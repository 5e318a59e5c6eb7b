"""What a bulk run did: counts by status and form, failures by reason, throughput. Kept small
(bounded examples per reason) so a run over millions of files holds no per-file state."""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

EXAMPLES_PER_REASON = 3


@dataclass
class Summary:
    engine: str = ""
    workers: int = 0
    converted: Counter = field(default_factory=Counter)     # status -> inputs converted in this run
    forms: Counter = field(default_factory=Counter)         # document type -> inputs read in this run
    failures: Counter = field(default_factory=Counter)      # reason (error code) -> inputs failed in this run
    examples: dict = field(default_factory=dict)            # reason -> [(path, message)]
    skipped: Counter = field(default_factory=Counter)       # stored status -> inputs already in the store
    duplicates: int = 0                                     # inputs whose bytes another input already had
    worker_seconds: float = 0.0
    started: float = field(default_factory=time.monotonic)
    ready: float | None = None                              # engine up: rates are measured from here
    finished: float | None = None
    interrupted: bool = False

    def add(self, status: str, form: str | None, error_code: str | None, path: str, message: str | None,
            seconds: float) -> None:
        self.converted[status] += 1
        self.worker_seconds += seconds or 0.0
        if status == "failed":
            self.failures[error_code] += 1
            ex = self.examples.setdefault(error_code, [])
            if len(ex) < EXAMPLES_PER_REASON:
                ex.append((path, message))
        elif form:
            self.forms[form] += 1

    @property
    def any_failed(self) -> bool:
        """Whether any input named by this run is failed in the store (this run's or an earlier one's)."""
        return bool(self.converted["failed"] or self.skipped["failed"])

    @property
    def total(self) -> int:
        return sum(self.converted.values()) + sum(self.skipped.values()) + self.duplicates

    def rate(self) -> float:
        """Inputs converted per second, from the engine being ready to the last result stored."""
        end = self.finished or time.monotonic()
        span = end - (self.ready or self.started)
        return sum(self.converted.values()) / span if span > 0 else 0.0

    def as_dict(self) -> dict:
        end = self.finished or time.monotonic()
        return {
            "engine": self.engine, "workers": self.workers, "inputs": self.total,
            "converted": dict(self.converted), "forms": dict(self.forms), "failures": dict(self.failures),
            "skipped": dict(self.skipped), "duplicates": self.duplicates,
            "wall_seconds": round(end - self.started, 3),
            "engine_start_seconds": round((self.ready or self.started) - self.started, 3),
            "convert_seconds": round(end - (self.ready or self.started), 3),
            "docs_per_second": round(self.rate(), 3), "worker_seconds": round(self.worker_seconds, 3),
            "interrupted": self.interrupted,
        }

    def render(self, store_path: str) -> str:
        """The closing summary printed on stderr."""
        d = self.as_dict()
        n_conv = sum(self.converted.values())
        dot = lambda c: " · ".join(f"{k} {v}" for k, v in sorted(c.items(), key=lambda kv: (-kv[1], str(kv[0]))))
        lines = [f"extract bulk: {d['inputs']} inputs in {d['wall_seconds']:.1f} s ({self.engine}, "
                 f"{self.workers} workers){' — INTERRUPTED' if self.interrupted else ''}",
                 f"  converted   {n_conv:>6}  {dot(self.converted) or '-'}"
                 f"  ({d['docs_per_second']:.2f} docs/s after {d['engine_start_seconds']:.1f} s start-up)"]
        if self.forms:
            lines.append(f"  forms       {sum(self.forms.values()):>6}  " + dot({f"Form {k}": v for k, v in self.forms.items()}))
        if self.skipped:
            lines.append(f"  skipped     {sum(self.skipped.values()):>6}  already in the store: {dot(self.skipped)}"
                         " (--force redoes all, --retry-failed redoes failures)")
        if self.duplicates:
            lines.append(f"  duplicates  {self.duplicates:>6}  same bytes as another input (paths kept in the store)")
        if self.failures:
            lines.append(f"  failed      {self.converted['failed']:>6}  by reason:")
            for reason, n in sorted(self.failures.items(), key=lambda kv: -kv[1]):
                path, message = self.examples[reason][0]
                more = f" (+{n - 1} more)" if n > 1 else ""
                lines.append(f"    {reason:<22} {n:>5}  e.g. {path}: {message}{more}")
        lines.append(f"  store: {store_path}")
        return "\n".join(lines)
