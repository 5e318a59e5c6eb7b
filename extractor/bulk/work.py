"""The per-file function every engine runs, and the contract object for inputs it never reached.

`convert` runs in a worker process (process pool or Dask worker): it calls `extract` and hands
back the contract JSON text plus the few facts the parent's store indexes. It never raises for a
bad input: the reason goes into the result, so one file cannot stop a run.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..errors import ExtractError, InternalError, TimedOut, WorkerCrashed

# source.kind values of the contract; `sniff` also says "image"/"submission" for what it saw
_CONTRACT_KINDS = {"pdf", "scan", "image", "text", "html", "xml"}
_KIND_BY_SUFFIX = {".pdf": "pdf", ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image",
                   ".tiff": "image", ".xml": "xml", ".htm": "html", ".html": "html"}


def guess_kind(path: str, data: bytes | None) -> str:
    """What the input looks like (for failed inputs, which `extract` never classified)."""
    if data:
        from ..sources import sniff
        kind = sniff(data)
        return kind if kind in _CONTRACT_KINDS else "text"   # an EDGAR submission is a text file
    return _KIND_BY_SUFFIX.get(PurePosixPath(path.rsplit("!", 1)[-1]).suffix.lower(), "text")


def failed_result(path: str, err: ExtractError, sha256: str, kind: str, seconds: float = 0.0) -> dict:
    """The result of an input that could not be converted (same shape as `convert` returns)."""
    from ..api import failed
    from ..output import to_json
    ex = failed(path, err, sha256=sha256, kind=kind)
    return {"json": to_json(ex), "status": "failed", "seconds": round(seconds, 4),
            "error_code": err.code, "error_message": err.message}


def convert(path: str, data: bytes, threshold: float) -> dict:
    """Extract one input. -> {json, status, seconds, error_code, error_message}; `json` is exactly
    what `extract` prints for it (a `status: failed` object when it cannot be read)."""
    import hashlib
    from ..api import extract
    from ..output import to_json
    t0 = time.perf_counter()
    try:
        ex = extract(path, data=data, threshold=threshold)
    except Exception as e:
        if not isinstance(e, ExtractError):     # a bug in the pipeline: recorded, and the run goes on
            e = InternalError(f"internal error ({type(e).__name__}: {e}); please report it with the input")
        return failed_result(path, e, hashlib.sha256(data).hexdigest(), guess_kind(path, data),
                             time.perf_counter() - t0)
    return {"json": to_json(ex), "status": ex.status, "seconds": round(time.perf_counter() - t0, 4),
            "error_code": None, "error_message": None}


@dataclass(slots=True)
class Job:
    """What the parent remembers of a dispatched input (its bytes are not kept)."""
    path: str
    sha256: str
    kind: str
    size: int


def timeout_result(job: Job, timeout: float) -> dict:
    return failed_result(job.path, TimedOut(f"stopped after {timeout:g} s (--timeout)"), job.sha256, job.kind,
                         timeout)


def crash_result(job: Job, detail: str) -> dict:
    return failed_result(job.path, WorkerCrashed(f"the worker process died on this input ({detail})"),
                         job.sha256, job.kind)


def error_result(job: Job, e: BaseException) -> dict:
    return failed_result(job.path, InternalError(f"internal error ({type(e).__name__}: {e}); please report it"),
                         job.sha256, job.kind)
