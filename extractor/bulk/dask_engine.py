"""`--engine dask`: the same per-file function on a Dask cluster; results come back to the parent,
which alone writes the store.

Without a scheduler address a `LocalCluster` is started (one process per worker, one thread each).
Dask cannot interrupt a running task, so the time limit is kept here: at most one task per worker
thread is in flight (a task starts as soon as it is dispatched, so the limit counts from dispatch),
and a task past its limit is recorded as `timeout`, cancelled, and its worker restarted by the
worker's nanny, which is what actually stops it. A task whose worker dies is retried by the
scheduler (`distributed.scheduler.allowed-failures`) and then recorded as `worker_crashed`.
"""
from __future__ import annotations

import logging
import time
from typing import Callable

import dask
from distributed import Client, Future, KilledWorker, LocalCluster, wait

from .work import Job, crash_result, error_result, timeout_result

REFRESH_WORKERS_S = 10.0     # how often the number of worker threads (the in-flight bound) is re-read
WAIT_FOR_WORKER_S = 120.0


class DaskEngine:
    """Runs `fn(path, data, threshold)` on a Dask cluster (a LocalCluster of `workers` processes
    when `scheduler` is None), each call limited to `timeout` s."""

    name = "dask"

    def __init__(self, workers: int, timeout: float, fn: Callable, threshold: float,
                 scheduler: str | None = None) -> None:
        self._timeout, self._fn, self._threshold = timeout, fn, threshold
        self.cluster = None
        if scheduler:
            self.client = Client(scheduler)
            self.name = f"dask at {scheduler}"
        else:
            # one retry: a file that kills its worker twice is recorded, not retried all run long
            with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
                self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                            dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
            self.name = "dask local cluster"
        self.client.wait_for_workers(1, timeout=WAIT_FOR_WORKER_S)
        self._pending: dict[Future, tuple[Job, float]] = {}
        self._refresh_slots()

    def _refresh_slots(self) -> None:
        self.workers = max(1, sum(self.client.nthreads().values()))
        self.slots = self.workers
        self._refreshed = time.monotonic()

    def __len__(self) -> int:
        return len(self._pending)

    def submit(self, job: Job, data: bytes) -> None:
        fut = self.client.submit(self._fn, job.path, data, self._threshold, pure=False)
        self._pending[fut] = (job, time.monotonic())

    def completed(self, wait_s: float | None) -> list[tuple[Job, dict]]:
        """Finished (or timed-out) jobs with their results, waiting up to `wait_s` s."""
        if time.monotonic() - self._refreshed > REFRESH_WORKERS_S:
            self._refresh_slots()
        if not self._pending:
            return []
        first_deadline = min(t for _, t in self._pending.values()) + self._timeout
        limit = max(0.0, first_deadline - time.monotonic())
        limit = limit if wait_s is None else min(limit, wait_s)
        try:
            done, _ = wait(list(self._pending), timeout=limit, return_when="FIRST_COMPLETED")
        except TimeoutError:
            done = set()
        out = [self._result(fut) for fut in done]
        out.extend(self._expire())
        return out

    def _result(self, fut: Future) -> tuple[Job, dict]:
        job, _ = self._pending.pop(fut)
        if fut.status == "finished":
            return job, fut.result()
        exc = fut.exception() if fut.status == "error" else None
        if exc is None or isinstance(exc, KilledWorker):
            return job, crash_result(job, f"dask: {exc or fut.status}")
        return job, error_result(job, exc)

    def _expire(self) -> list[tuple[Job, dict]]:
        now = time.monotonic()
        late = [f for f, (_, t) in self._pending.items() if now - t > self._timeout and not f.done()]
        if not late:
            return []
        keys = {f.key for f in late}
        stuck_on = [w for w, ks in self.client.processing().items() if keys & set(ks)]
        out = []
        for fut in late:
            job, _ = self._pending.pop(fut)
            out.append((job, timeout_result(job, self._timeout)))
        self.client.cancel(late, force=True)
        if stuck_on:
            try:     # the nanny kills and replaces the worker: the only way to stop a running task
                self.client.restart_workers(stuck_on, raise_for_error=False)
            except Exception as e:   # no nanny (a remote cluster started without one): the thread stays busy
                logging.getLogger(__name__).warning("could not restart worker(s) %s: %s", stuck_on, e)
        return out

    def close(self, cancel: bool = False) -> None:
        if cancel and self._pending:
            self.client.cancel(list(self._pending), force=True)
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
