"""`extract bulk` and `extract export`: thin commands over runner.run_bulk and export.export.
Only typer is imported here; the commands import what they need when they run."""
from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Optional

import typer

from . import DEFAULT_TIMEOUT
from ..cli import _fail, subcommand
from ..errors import EXIT_OK, EXIT_SOME_FAILED, EXIT_UNREADABLE, EXIT_USAGE


class Engine(str, enum.Enum):
    process = "process"
    dask = "dask"


class Format(str, enum.Enum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"
    audit = "audit"


@subcommand("bulk")
def bulk_command(
    sources: list[str] = typer.Argument(..., metavar="SRC...",
                                        help="files, folders (recursive), globs, .zip/.tar(.gz) archives; "
                                             "'-' reads a list of them from stdin"),
    out: Path = typer.Option(..., "--out", "-o", metavar="DIR", help="store folder: DIR/extract.db"),
    workers: Optional[int] = typer.Option(None, "--workers", "-j", min=1,
                                          help="parallel workers [default: the number of cores]"),
    timeout: float = typer.Option(DEFAULT_TIMEOUT, "--timeout", min=0.0, help="seconds allowed per input"),
    engine: Engine = typer.Option(Engine.process, "--engine", help="local process pool, or Dask"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", metavar="ADDRESS",
                                            help="Dask scheduler (tcp://host:8786); implies --engine dask. "
                                                 "Without it, --engine dask starts a local cluster"),
    force: bool = typer.Option(False, "--force", help="redo inputs already in the store"),
    retry_failed: bool = typer.Option(False, "--retry-failed", help="redo inputs that failed before"),
    threshold: float = typer.Option(0.9, "--threshold", min=0.0, max=1.0,
                                    help="fields below this confidence make the status needs_review"),
    include: list[str] = typer.Option([], "--include", metavar="GLOB",
                                      help="only files (in folders and archives) matching; repeatable"),
    exclude: list[str] = typer.Option([], "--exclude", metavar="GLOB", help="skip files matching; repeatable"),
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress",
                                            help="progress bar on stderr [default: when stderr is a terminal]"),
) -> None:
    """Convert every input into the store DIR/extract.db, in parallel; rerun to resume.

    Exit status 0 when no input failed, 1 when some did (see the summary), 130 when interrupted."""
    import signal

    from .runner import run_bulk
    from .store import StoreError, db_path
    # `kill` (SIGTERM) ends a run like Ctrl-C: workers stopped, the summary printed
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        summary = run_bulk(sources, out, workers=workers, timeout=timeout,
                           engine="dask" if scheduler else engine.value, scheduler=scheduler, force=force,
                           retry_failed=retry_failed, threshold=threshold, include=include, exclude=exclude,
                           progress=sys.stderr.isatty() if progress is None else progress)
    except StoreError as e:
        _fail(str(e), EXIT_UNREADABLE)
    typer.echo(summary.render(str(db_path(out))), err=True)
    if summary.interrupted:
        raise typer.Exit(130)
    raise typer.Exit(EXIT_SOME_FAILED if summary.any_failed else EXIT_OK)


@subcommand("export")
def export_command(
    store_dir: Path = typer.Argument(..., metavar="DIR", help="the folder given to extract bulk --out"),
    fmt: Format = typer.Option(Format.jsonl, "--format", "-f",
                               help="jsonl: one extraction per input; csv/parquet: one row per Table I/II row; "
                                    "audit: the review log"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE",
                                          help="write here [default: stdout; Parquet needs a file]"),
    audit: Optional[Path] = typer.Option(None, "--audit", metavar="FILE",
                                         help="also write the review audit log (JSON Lines) here"),
) -> None:
    """Write the store as JSON Lines, CSV or Parquet (reviewed corrections applied)."""
    from .export import export
    from .store import Store, StoreError, db_path
    if not db_path(store_dir).is_file():
        _fail(f"no store at {db_path(store_dir)}; run `extract bulk SRC... --out {store_dir}` first", EXIT_UNREADABLE)
    if fmt is Format.parquet and output is None:
        _fail("Parquet is binary: give --output FILE", EXIT_USAGE)
    try:
        store = Store(store_dir)
    except StoreError as e:
        _fail(str(e), EXIT_UNREADABLE)
    try:
        export(store, fmt.value, output, sys.stdout)
        if audit is not None:
            export(store, "audit", audit, sys.stdout)
    except BrokenPipeError:          # `extract export DIR | head`: the reader has what it wanted
        sys.stderr.close()
    finally:
        store.close()
