"""`run_bulk`: every input of the sources through `extract`, in parallel, into the store.

The parent walks the sources, reads and hashes each input, skips what the store already has,
dispatches the rest to an engine (process pool or Dask) with a bounded number in flight, and
commits each result as it arrives in one short transaction. Only the parent writes, so a crash at
any moment leaves every committed input intact; inputs are keyed by content hash, so the next run
redoes exactly what was not committed and never stores an input twice.
"""
from __future__ import annotations

import hashlib
import os
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Iterable, Sequence

from . import DEFAULT_TIMEOUT
from ..errors import ArchiveUnreadable, ExtractError, TooLarge, UnreadableInput
from ..output import loads
from .store import Store, unreadable_key
from .summary import Summary
from .walk import Item, Walker
from .work import Job, convert, failed_result, guess_kind

MAX_INPUT_BYTES = 200 * 1024 * 1024     # larger inputs are hashed and recorded as too_large, never loaded
_READ_CHUNK = 1 << 20
_POLL_S = 0.5


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:          # not Linux
        return os.cpu_count() or 1


def load(item: Item) -> tuple[str, bytes | None, int, ExtractError | None]:
    """Read and hash an item: -> (key, bytes or None, size, error). The key is the sha256 of the
    bytes, or of the path when they cannot be read."""
    if item.opener is None:
        return unreadable_key(item.path), None, 0, item.error
    h, chunks, size = hashlib.sha256(), [], 0
    try:
        with item.opener() as f:
            while chunk := f.read(_READ_CHUNK):
                h.update(chunk)
                size += len(chunk)
                if chunks is not None and size > MAX_INPUT_BYTES:
                    chunks = None                # keep hashing, stop keeping
                elif chunks is not None:
                    chunks.append(chunk)
    except Exception as e:         # OSError, a bad zip CRC, a truncated tar stream, an unknown compression
        reason = getattr(e, "strerror", None) or str(e) or type(e).__name__
        err = (ArchiveUnreadable if "!" in item.path else UnreadableInput)(f"cannot read {item.path}: {reason}")
        return unreadable_key(item.path), None, 0, err
    if item.error is not None:
        return h.hexdigest(), None, size, item.error
    if chunks is None:
        return h.hexdigest(), None, size, TooLarge(f"{size} bytes is more than the {MAX_INPUT_BYTES} bytes one filing can be")
    return h.hexdigest(), b"".join(chunks), size, None


class _Progress:
    """tqdm on stderr (rate and ETA); the total arrives from a background count of the sources."""

    def __init__(self, enabled: bool) -> None:
        from tqdm import tqdm
        self.bar = tqdm(total=None, unit="file", desc="extract bulk", file=sys.stderr, disable=not enabled,
                        dynamic_ncols=True, mininterval=0.5, smoothing=0.05)

    def count_in_background(self, walker: Walker, sources: Sequence[str]) -> None:
        if "-" in sources or self.bar.disable:          # stdin can be read once only
            return

        def count() -> None:
            try:
                self.bar.total = walker.count(sources)
            except Exception:      # the real walk reports whatever went wrong; the bar just has no ETA
                pass
        threading.Thread(target=count, name="bulk-count", daemon=True).start()

    def step(self, summary: Summary) -> None:
        c = summary.converted
        self.bar.set_postfix_str(f"ok {c['ok']} review {c['needs_review']} failed {c['failed']}", refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def make_engine(engine: str, workers: int, timeout: float, fn: Callable, threshold: float,
                scheduler: str | None):
    """The process pool (default) or Dask."""
    if engine == "dask":
        from .dask_engine import DaskEngine
        return DaskEngine(workers, timeout, fn, threshold, scheduler)
    if engine != "process":
        raise ValueError(f"unknown engine {engine!r} (process or dask)")
    from .pool_engine import PoolEngine
    return PoolEngine(workers, timeout, fn, threshold)


def run_bulk(sources: Sequence[str], out: str | Path, *, workers: int | None = None,
             timeout: float = DEFAULT_TIMEOUT, engine: str = "process", scheduler: str | None = None,
             force: bool = False, retry_failed: bool = False, threshold: float = 0.9,
             include: Iterable[str] = (), exclude: Iterable[str] = (), progress: bool = False,
             fn: Callable = convert) -> Summary:
    """Convert every input of `sources` (files, folders, globs, zip/tar archives, "-" for a list on
    stdin) into the store at `out` (DIR/extract.db). Inputs already stored are skipped unless `force`
    (everything) or `retry_failed` (failures). `fn(path, data, threshold) -> result dict` is the
    per-file function (`work.convert`). Returns the run's summary (also stored in `runs`)."""
    workers = workers or default_workers()
    store = Store(out)
    walker = Walker(include, exclude, skip_dirs=[store.path.parent])
    options = {"sources": list(sources), "engine": engine, "scheduler": scheduler, "workers": workers,
               "timeout": timeout, "force": force, "retry_failed": retry_failed, "threshold": threshold,
               "include": list(include), "exclude": list(exclude)}
    run_id = store.begin_run(options)
    summary = Summary(engine=engine, workers=workers)
    bar = _Progress(progress)
    eng = None
    in_flight: dict[str, list[str]] = {}          # sha256 -> other paths with the same bytes seen meanwhile

    def commit(job: Job, result: dict) -> None:
        extraction = loads(result["json"])
        record = extraction.get("record") or {}
        kind = extraction["source"]["kind"] if result["status"] != "failed" else job.kind
        store.record(sha256=job.sha256, path=job.path, kind=kind, status=result["status"],
                     extraction=extraction, seconds=result["seconds"], error_code=result["error_code"],
                     error_message=result["error_message"], run_id=run_id, size=job.size)
        for alias in in_flight.pop(job.sha256, ()):
            store.add_path(job.sha256, alias)
        summary.add(result["status"], record.get("document_type"), result["error_code"], job.path,
                    result["error_message"], result["seconds"])
        bar.step(summary)

    def drain(wait: float | None) -> None:
        for job, result in eng.completed(wait):
            commit(job, result)

    try:
        eng = make_engine(engine, workers, timeout, fn, threshold, scheduler)
        summary.engine, summary.workers = eng.name, eng.workers
        store.mark_run_ready(run_id)
        summary.ready = time.monotonic()
        bar.count_in_background(walker, sources)
        for item in walker.walk(sources):
            sha, data, size, error = load(item)
            if sha in in_flight:
                in_flight[sha].append(item.path)
                summary.duplicates += 1
                bar.step(summary)
                continue
            found = store.lookup(sha)
            if found is not None:
                status, stored_by = found
                if stored_by == run_id:               # the same bytes under another path, earlier in this run
                    summary.duplicates += 1
                elif not (force or retry_failed and status == "failed"):
                    summary.skipped[status] += 1
                else:
                    found = None                      # redo it
                if found is not None:
                    store.add_path(sha, item.path)
                    bar.step(summary)
                    continue
            job = Job(item.path, sha, guess_kind(item.path, data), size)
            if error is not None:                     # nothing to extract: recorded as it is
                content_sha = "" if sha == unreadable_key(item.path) else sha
                commit(job, failed_result(item.path, error, content_sha, job.kind))
                continue
            while len(eng) >= eng.slots:
                drain(_POLL_S)
            in_flight[sha] = []
            eng.submit(job, data)
            del data
            drain(0)
        while len(eng):
            drain(_POLL_S)
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        if eng is not None:
            eng.close(cancel=summary.interrupted)
        bar.close()
        summary.finished = time.monotonic()
        store.finish_run(run_id, summary.as_dict())
        store.close()
    return summary
