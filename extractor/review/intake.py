"""A few files given to `extract review` -> a store the review server can serve."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ..errors import ExtractError
from ..output import loads
from ..sources import read_input


def store_files(files: list[Path], store_dir: Path, threshold: float) -> Iterator[tuple[Path, str]]:
    """Extract each file into the store in `store_dir` with the bulk runner's per-file function;
    yields (file, problem) for the ones that could not be read (stored as failed, as bulk does)."""
    from ..bulk.store import Store, unreadable_key
    from ..bulk.work import convert, failed_result
    store = Store(store_dir)
    try:
        for f in files:
            path = str(f.resolve())
            try:
                data = read_input(path)
                result = convert(path, data, threshold)
            except ExtractError as e:
                data = None
                result = failed_result(path, e, "", None)
            extraction = loads(result["json"])
            if result["error_message"]:
                yield f, result["error_message"]
            sha = extraction["source"]["sha256"] or unreadable_key(path)
            store.record(sha256=sha, path=path, kind=extraction["source"]["kind"], status=result["status"],
                         extraction=extraction, seconds=result["seconds"], error_code=result["error_code"],
                         error_message=result["error_message"], size=len(data) if data is not None else None)
    finally:
        store.close()
