"""Bulk conversion: `extract bulk SRC... --out DIR` (runner.py) into a SQLite store (store.py), and
`extract export DIR` (export.py). Kept import-free so registering the commands costs nothing."""

DEFAULT_TIMEOUT = 120.0      # seconds per input; a scan through OCR takes tens of seconds
