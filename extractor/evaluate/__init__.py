"""`extract eval PAIRS...`: the tool's own accuracy report on an archive of filings with their
EDGAR XML: field accuracy, exact-record rate and calibration per form and per field.

    extract eval ARCHIVE/                         # filings + XML matched by accession number
    extract eval --pairs pairs.csv                # explicit rows filing,xml
    extract eval corpus/form4 --input form.pdf    # corpus case folders (form.pdf + source.xml)
        [--workers N] [--json FILE] [--plot FILE.png] [--show-errors N]

The truth is the XML as EDGAR's rendering shows it (`truth.what_the_rendering_shows`); the
comparison is the official scorer's (`compare`), the figures are its figures (`metrics`).
Only typer is imported here: `extract` imports this module at every start.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from ..cli import subcommand
from ..errors import EXIT_UNREADABLE, EXIT_USAGE


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:          # not on Linux
        return os.cpu_count() or 1


def _fail(message: str, code: int) -> None:
    typer.echo(f"extract eval: {message}", err=True)
    raise typer.Exit(code)


@subcommand("eval")
def eval_command(
    paths: Optional[list[Path]] = typer.Argument(
        None, metavar="PAIRS", help="files or folders holding filings and their EDGAR XML (.xml or submission .txt)"),
    pairs_csv: Optional[Path] = typer.Option(None, "--pairs", metavar="CSV", help="explicit pairs: columns filing,xml"),
    input_name: Optional[str] = typer.Option(
        None, "--input", metavar="NAME", help="only filings with this file name, e.g. form.pdf in corpus case folders"),
    workers: int = typer.Option(_cores(), "--workers", metavar="N", min=1, help="extraction processes (default: the cores)"),
    json_path: Optional[Path] = typer.Option(None, "--json", metavar="FILE", help="every figure and per-filing detail"),
    plot: Optional[Path] = typer.Option(None, "--plot", metavar="FILE.png", help="reliability diagram"),
    show_errors: int = typer.Option(0, "--show-errors", metavar="N", min=0, help="list the first N wrong fields"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress lines on stderr"),
) -> None:
    """Measure accuracy and calibration on filings whose EDGAR XML you have."""
    from .metrics import score_results
    from .pairs import find_pairs
    from .report import summary, write_json, write_plot
    from .runner import run_pairs, stderr_progress
    paths = paths or []
    if not paths and pairs_csv is None:
        _fail("give folders or files of filings with their XML, or --pairs pairs.csv", EXIT_USAGE)
    for p in [*paths, *([pairs_csv] if pairs_csv else [])]:
        if not p.exists():
            _fail(f"no such file or folder: {p}", EXIT_UNREADABLE)
    try:
        pairing = find_pairs(paths, input_name=input_name, pairs_csv=pairs_csv)
    except (ValueError, UnicodeDecodeError) as e:
        _fail(str(e), EXIT_USAGE)
    except OSError as e:
        _fail(f"cannot read {e.filename}: {e.strerror}", EXIT_UNREADABLE)
    if not pairing.pairs:
        for f, why in pairing.unmatched:
            typer.echo(f"extract eval: {f}: {why}", err=True)
        _fail("no filing could be paired with its XML" + (f" ({len(pairing.unmatched)} filings without one)"
                                                          if pairing.unmatched else ""), EXIT_USAGE)
    results = run_pairs(pairing.pairs, workers, None if quiet else stderr_progress)
    m = score_results(results)
    typer.echo(summary(m, pairing, show_errors))
    try:
        if json_path:
            write_json(m, pairing, json_path)
        if plot:
            write_plot(m, plot)
    except OSError as e:
        _fail(f"cannot write {e.filename}: {e.strerror}", EXIT_UNREADABLE)
