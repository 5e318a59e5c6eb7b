"""`extract`: command line over the library. Thin: every command calls one library function."""
from __future__ import annotations

import sys

from .errors import EXIT_INTERNAL, ExtractError


def _run_files(files: list[str], pretty: bool, threshold: float, template: str | None) -> int:
    from .api import extract, failed
    from .output import to_json
    code = 0
    for path in files:
        try:
            ex = extract(path, threshold=threshold, template=template)
        except ExtractError as e:
            print(f"extract: {path}: {e.message}", file=sys.stderr)
            ex = failed(path, e)
            code = code or e.exit_code
        except Exception as e:      # a bug: one line, the other files still come out
            print(f"extract: {path}: internal error ({type(e).__name__}: {e}); please report it", file=sys.stderr)
            code = code or EXIT_INTERNAL
            continue
        sys.stdout.write(to_json(ex, pretty=pretty) + "\n")
        sys.stdout.flush()
    return code


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    pretty = "--pretty" in argv
    argv = [a for a in argv if a != "--pretty"]
    sys.exit(_run_files(argv, pretty, 0.9, None))
