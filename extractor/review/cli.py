"""`extract review DIR|FILE...`: serve the review page for a bulk store or for a few files.

    extract review out/                 a store written by `extract bulk SRC --out out/`
    extract review a.pdf b.md           the files are extracted into a new store in a temporary
                                        folder first (kept after the server stops: it holds the
                                        corrections and the audit log; `extract export` reads it)

The server listens on 127.0.0.1 only, on a free port unless --port is given, and prints the URL
with the session token; nothing is opened and nothing is fetched from outside.
"""
from __future__ import annotations

import secrets
import sys
import tempfile
from pathlib import Path
from typing import Optional

import typer

from ..cli import subcommand
from ..errors import EXIT_UNREADABLE, EXIT_USAGE

STORE_FILE = "extract.db"


def _fail(message: str, code: int) -> None:
    typer.echo(f"extract review: {message}", err=True)
    raise typer.Exit(code)


@subcommand("review")
def review_command(
    targets: list[str] = typer.Argument(..., metavar="DIR|FILE...",
                                        help="a bulk store folder, or filings to extract and review"),
    threshold: float = typer.Option(0.9, "--threshold", min=0.0, max=1.0,
                                    help="fields below this confidence are queued for review"),
    reviewer: Optional[str] = typer.Option(None, "--reviewer", help="name in the audit log (else the page asks)"),
    port: int = typer.Option(0, "--port", min=0, max=65535, help="port on 127.0.0.1 (0: any free port)"),
) -> None:
    """Review the fields below the threshold in a local web page."""
    store_dir = _store_for(targets, threshold)
    from .server import create_app, listen, make_server
    token = secrets.token_urlsafe(24)
    try:
        sock = listen(port)
    except OSError as e:
        _fail(f"cannot listen on 127.0.0.1:{port}: {e.strerror}", EXIT_USAGE)
    host, bound = sock.getsockname()[:2]
    server = make_server(create_app(store_dir, token=token, threshold=threshold, reviewer=reviewer))
    typer.echo(f"Review page: http://{host}:{bound}/?token={token}")
    typer.echo(f"Store: {store_dir}   (Ctrl-C stops the server)")
    sys.stdout.flush()
    server.run(sockets=[sock])


def _store_for(targets: list[str], threshold: float) -> Path:
    """The store folder to serve: the one given, or a new one holding the given files."""
    first = Path(targets[0])
    if len(targets) == 1 and first.is_dir():
        if not (first / STORE_FILE).is_file():
            _fail(f"{first} has no {STORE_FILE}: run `extract bulk SRC --out {first}` first, "
                  f"or give the filings themselves", EXIT_USAGE)
        return first
    for t in targets:
        if Path(t).is_dir():
            _fail(f"{t} is a folder: give one store folder, or files", EXIT_USAGE)
        if not Path(t).is_file():
            _fail(f"no such file: {t}", EXIT_UNREADABLE)
    store_dir = Path(tempfile.mkdtemp(prefix="extract-review-"))
    from ..bulk.runner import run_bulk
    from ..bulk.store import Store
    # the bulk runner itself, so a few files are stored exactly as `extract bulk` stores them
    run_bulk([str(Path(t).resolve()) for t in targets], store_dir, workers=min(len(targets), 4),
             threshold=threshold)
    store = Store(store_dir)
    try:
        for inp in store.inputs(status="failed"):
            typer.echo(f"extract review: {inp['path']}: {inp['error_message']}", err=True)
    finally:
        store.close()
    return store_dir
