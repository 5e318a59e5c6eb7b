"""Shared by the review tests: a real store built from real files, and the real server on a port."""
from __future__ import annotations

import contextlib
import secrets
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
DATA = ROOT / "tests" / "data"
ARTIFACTS = ROOT / "test-artifacts"


def build_store(store_dir: Path, files: list[Path], threshold: float = 0.9) -> Path:
    """Extract `files` with the real bulk runner into a real store in `store_dir`."""
    from extractor.bulk.runner import run_bulk
    summary = run_bulk([str(f) for f in files], store_dir, workers=2, threshold=threshold)
    assert not summary.any_failed, summary.as_dict()
    return store_dir


@contextlib.contextmanager
def running_server(store_dir: Path, *, threshold: float, reviewer: str | None = None):
    """The review app served by uvicorn on a free 127.0.0.1 port in a thread.
    Yields (base_url, token); stops the server afterwards."""
    from extractor.review.server import create_app, listen, make_server
    token = secrets.token_urlsafe(16)
    server = make_server(create_app(store_dir, token=token, threshold=threshold, reviewer=reviewer))
    sock = listen(0)
    port = sock.getsockname()[1]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the review server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", token
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
