"""`--engine dask`: the same per-file function on a Dask cluster; results come back to the parent,
which alone writes the store.

Without a scheduler address a `LocalCluster` is started (one process per worker, one thread each).
Two tasks per worker thread are in flight, so a worker never waits for the parent between tasks.
Dask cannot interrupt a running task, so the time limit is kept here: a task still pending
`timeout` s after dispatch is looked up on the workers, and its limit counts from when it really
started there (a task queued behind another is not charged for the wait). A task past its limit
is recorded as `timeout`, cancelled, and its worker restarted by the worker's nanny, which is what
actually stops it. A task whose worker dies is retried by the scheduler
(`distributed.scheduler.allowed-failures`), then submitted again on its own key, up to RESUBMITS
times (it may only have been beside the input that killed the worker, or on a worker restarted for
another's time limit: the bulk test once saw a healthy input die twice), and then recorded as
`worker_crashed`.
"""
from __future__ import annotations

import importlib
import logging
import time
from typing import Callable

import dask
from distributed import Client, Future, KilledWorker, LocalCluster, wait
from distributed.client import FuturesCancelledError

from . import EngineError
from .work import Job, crash_result, error_result, timeout_result

REFRESH_WORKERS_S = 10.0     # how often the number of worker threads (the in-flight bound) is re-read
IN_FLIGHT_PER_THREAD = 2
RECHECK_QUEUED_S = 1.0
RESUBMITS = 2                # a task whose worker died is submitted again this many times at most
WORKER_SATURATION = 1.0      # LocalCluster: tasks a worker holds per thread (see __init__)       # a task found still queued at its deadline is looked up again this much later
WAIT_FOR_WORKER_S = 120.0
CONNECT_TIMEOUT_S = 30.0


class DaskEngine:
    """Runs `fn(path, data, threshold)` on a Dask cluster (a LocalCluster of `workers` processes
    when `scheduler` is None), each call limited to `timeout` s."""

    name = "dask"

    def __init__(self, workers: int, timeout: float | None, fn: Callable, threshold: float,
                 scheduler: str | None = None) -> None:
        self._timeout, self._fn, self._threshold = timeout, fn, threshold
        self.cluster = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
            except OSError as e:
                raise EngineError(f"cannot reach the Dask scheduler at {scheduler} ({e})") from None
            self.name = f"dask at {scheduler}"
        else:
            # worker-saturation 1.0: a worker holds only the task it runs (the next ones wait on the
            # scheduler), so an input that kills its worker seldom takes a bystander with it; then
            # one death is enough to fail that task (the engine submits it again on its own)
            with dask.config.set({"distributed.scheduler.worker-saturation": WORKER_SATURATION,
                                  "distributed.scheduler.allowed-failures": 0}):
                self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                            dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
            self.name = "dask local cluster"
        self.client.wait_for_workers(1, timeout=WAIT_FOR_WORKER_S)
        try:        # import the pipeline on every worker now: start-up cost, and a clear error when missing
            self.client.run(importlib.import_module, fn.__module__)
            self.client.run(importlib.import_module, "extractor.api")
        except ImportError as e:
            self.close()
            raise EngineError(f"the Dask workers cannot import the extractor ({e}); install this package "
                               "on them (the same version as here)") from None
        # future -> [job, when to look at it again (epoch s), its bytes (kept for one resubmission), attempt]
        self._pending: dict[Future, list] = {}
        self._refresh_slots()

    def _refresh_slots(self) -> None:
        self.workers = max(1, sum(self.client.nthreads().values()))
        self.slots = IN_FLIGHT_PER_THREAD * self.workers
        self._refreshed = time.monotonic()

    def __len__(self) -> int:
        return len(self._pending)

    def submit(self, job: Job, data: bytes, attempt: int = 0) -> None:
        fut = self.client.submit(self._fn, job.path, data, self._threshold, pure=False)
        self._pending[fut] = [job, time.time() + (self._timeout or 0), data, attempt]

    def completed(self, wait_s: float | None) -> list[tuple[Job, dict]]:
        """Finished (or timed-out) jobs with their results, waiting up to `wait_s` s."""
        if time.monotonic() - self._refreshed > REFRESH_WORKERS_S:
            self._refresh_slots()
        if not self._pending:
            return []
        done = [f for f in self._pending if f.done()]
        if not done:
            limit = wait_s
            if self._timeout is not None:
                limit = max(0.0, min(p[1] for p in self._pending.values()) - time.time())
                limit = limit if wait_s is None else min(limit, wait_s)
            # (a zero timeout would time out before dask looks at the futures: check done ones first)
            if limit is None or limit > 0:
                try:
                    done, _ = wait(list(self._pending), timeout=limit, return_when="FIRST_COMPLETED")
                except TimeoutError:
                    pass
                except FuturesCancelledError:        # the cluster dropped some: reported by _result
                    done = [f for f in self._pending if f.done()]
        out = [r for r in map(self._result, done) if r is not None]
        out.extend(self._expire())
        return out

    def _result(self, fut: Future) -> tuple[Job, dict] | None:
        job, _, data, attempt = self._pending.pop(fut)
        if fut.status == "finished":
            return job, fut.result()
        exc = fut.exception() if fut.status == "error" else None
        if isinstance(exc, KilledWorker) and attempt < RESUBMITS:
            self.submit(job, data, attempt=attempt + 1)     # a bystander of what killed its worker?
            return None
        if exc is None or isinstance(exc, KilledWorker):
            return job, crash_result(job, f"dask: {exc or fut.status}")
        return job, error_result(job, exc)

    def _expire(self) -> list[tuple[Job, dict]]:
        now = time.time()
        due = [f for f, p in self._pending.items() if p[1] <= now and not f.done()]
        if self._timeout is None or not due:
            return []
        keys = [f.key for f in due]
        started = {key: (worker, t) for worker, running in self.client.run(_running_since, keys).items()
                   for key, t in running.items()}
        late, stuck_on = [], set()
        for fut in due:
            worker, start = started.get(fut.key, (None, None))
            if start is None:                           # still queued (or just finished): look again soon
                self._pending[fut][1] = now + RECHECK_QUEUED_S
            elif now - start < self._timeout:          # started late: its limit counts from its start
                self._pending[fut][1] = start + self._timeout
            else:
                late.append(fut)
                stuck_on.add(worker)
        out = []
        for fut in late:
            job = self._pending.pop(fut)[0]
            out.append((job, timeout_result(job, self._timeout)))
        if late:
            self.client.cancel(late, force=True)
            try:     # the nanny kills and replaces the worker: the only way to stop a running task
                self.client.restart_workers(sorted(stuck_on), raise_for_error=False)
            except Exception as e:   # no nanny (a remote cluster started without one): the thread stays busy
                logging.getLogger(__name__).warning("could not restart worker(s) %s: %s", sorted(stuck_on), e)
        return out

    def close(self, cancel: bool = False) -> None:
        if cancel and self._pending:
            self.client.cancel(list(self._pending), force=True)
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _running_since(keys: list[str], dask_worker=None) -> dict[str, float]:
    """On a worker (through `Client.run`): when each of these tasks started running there (epoch s)."""
    wanted = set(keys)
    return {ts.key: ts.start_time for ts in dask_worker.state.executing if ts.key in wanted and ts.start_time}
