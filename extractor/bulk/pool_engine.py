"""The default engine: a local process pool (pebble) that can kill a stuck task.

`concurrent.futures.ProcessPoolExecutor` cannot stop a task that hangs, and a worker that dies
breaks the whole executor. pebble kills the worker running a task past its time limit, replaces a
worker that crashed, and reports each as that task's exception, so the run goes on.
Workers are forked from a clean fork server that has already imported the pipeline (fast starts,
no parent threads or SQLite handles inherited), and are replaced every `MAX_TASKS_PER_WORKER`
tasks so a slow leak in a native library cannot grow memory over a long run.
"""
from __future__ import annotations

import multiprocessing
from concurrent import futures
from typing import Callable

from pebble import ProcessExpired, ProcessPool

from .work import Job, crash_result, error_result, timeout_result

MAX_TASKS_PER_WORKER = 1000


class PoolEngine:
    """Runs `fn(path, data, threshold)` in `workers` processes, each call limited to `timeout` s."""

    name = "process pool"

    def __init__(self, workers: int, timeout: float, fn: Callable, threshold: float) -> None:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["extractor.api", fn.__module__])
        self.workers = workers
        self.slots = 2 * workers            # one running and one queued per worker: never idle, memory bounded
        self._timeout, self._fn, self._threshold = timeout, fn, threshold
        self._pool = ProcessPool(max_workers=workers, max_tasks=MAX_TASKS_PER_WORKER, context=ctx)
        self._pending: dict[futures.Future, Job] = {}

    def __len__(self) -> int:
        return len(self._pending)

    def submit(self, job: Job, data: bytes) -> None:
        fut = self._pool.schedule(self._fn, args=(job.path, data, self._threshold), timeout=self._timeout)
        self._pending[fut] = job

    def completed(self, wait: float | None) -> list[tuple[Job, dict]]:
        """Finished jobs with their results, waiting up to `wait` s for the first one."""
        if not self._pending:
            return []
        done, _ = futures.wait(list(self._pending), timeout=wait, return_when=futures.FIRST_COMPLETED)
        out = []
        for fut in done:
            job = self._pending.pop(fut)
            try:
                out.append((job, fut.result()))
            except futures.TimeoutError:
                out.append((job, timeout_result(job, self._timeout)))
            except ProcessExpired as e:
                out.append((job, crash_result(job, f"exit code {e.exitcode}")))
            except Exception as e:
                out.append((job, error_result(job, e)))
        return out

    def close(self, cancel: bool = False) -> None:
        """Shut the pool down; `cancel`: stop running tasks at once (interrupted run)."""
        if cancel:
            self._pool.stop()
        else:
            self._pool.close()
        self._pool.join()
