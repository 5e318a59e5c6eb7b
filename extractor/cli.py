"""`extract`: the command line, a thin layer over library calls.

    extract FILE... [--pretty] [--threshold 0.9] [--template ID|PATH] [--debug-image DIR]
    extract bulk SRC... --out DIR        (extractor.bulk)
    extract export DIR --format ...      (extractor.bulk)
    extract review DIR|FILE...           (extractor.review)
    extract eval PAIRS...                (extractor.evaluate)

One JSON object per input on stdout (JSON Lines for several inputs); `-` reads a text rendering
from standard input. A file that cannot be read gets one line on stderr, a `status: failed` object
on stdout, and sets the exit code (see errors.py); the other files still come out.
Heavy imports happen inside the commands so `extract --help` and single files start fast.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from .errors import EXIT_INTERNAL, ExtractError

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  context_settings={"help_option_names": ["-h", "--help"]},
                  help="Validated records with per-field confidence from SEC Forms 3, 4 and 5 "
                       "(PDF, scans, page images, text renderings, EDGAR HTML and XML).")

SUBCOMMANDS: set[str] = set()


def subcommand(name: str):
    """Register a subcommand (used by the modules that add them)."""
    SUBCOMMANDS.add(name)
    return app.command(name)


@app.callback()
def _group() -> None:
    """Validated records with per-field confidence from SEC Forms 3, 4 and 5.

    extract FILE... reads each file (PDF, scan, page image, text rendering, EDGAR HTML or XML) and
    prints one JSON record per file; see `extract file --help` for its options.
    """


def _fail(message: str, code: int) -> None:
    typer.echo(f"extract: {message}", err=True)
    raise typer.Exit(code)


@app.command("file", hidden=True)
def file_command(
    files: list[str] = typer.Argument(..., metavar="FILE...", help="inputs; '-' reads a text rendering from stdin"),
    pretty: bool = typer.Option(False, "--pretty", help="indent the JSON"),
    threshold: float = typer.Option(0.9, "--threshold", min=0.0, max=1.0,
                                    help="fields below this confidence make the status needs_review"),
    template: Optional[str] = typer.Option(None, "--template", help="template id (form4, ...) or YAML path"),
    debug_image: Optional[Path] = typer.Option(None, "--debug-image", metavar="DIR",
                                               help="write each page with what the analyzer found drawn on it"),
) -> None:
    """Extract one record per input."""
    from .api import extract, failed
    from .output import to_json
    from .sources import read_input
    code = 0
    for path in files:
        data = None
        try:
            data = read_input(path)
            ex = extract(path, data=data, threshold=threshold, template=template, debug_dir=debug_image)
        except ExtractError as e:
            typer.echo(f"extract: {path}: {e.message}", err=True)
            ex = failed(path, e, data=data)
            code = code or e.exit_code
        except Exception as e:          # a bug: one line, and the other files still come out
            typer.echo(f"extract: {path}: internal error ({type(e).__name__}: {e}); please report it", err=True)
            ex = failed(path, ExtractError(f"internal error: {type(e).__name__}"), data=data)
            code = code or EXIT_INTERNAL
        sys.stdout.write(to_json(ex, pretty=pretty) + "\n")
        sys.stdout.flush()
    raise typer.Exit(code)


def _register_subcommands() -> None:
    """Modules that add subcommands register them here (their heavy imports stay lazy)."""
    import importlib
    import importlib.util
    for mod in ("extractor.bulk.cli", "extractor.review.cli", "extractor.evaluate"):
        if importlib.util.find_spec(mod.rsplit(".", 1)[0]) and importlib.util.find_spec(mod):
            importlib.import_module(mod)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    _register_subcommands()
    if argv and argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help"):
        argv = ["file", *argv]
    try:
        app(argv, prog_name="extract", standalone_mode=True)
    except KeyboardInterrupt:
        _fail("interrupted", 130)


if __name__ == "__main__":
    main()
