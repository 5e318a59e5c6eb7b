"""`extract export DIR`: the store as JSON Lines (one extraction per input, as `extract` prints it),
CSV or Parquet (one row per Table I/II row, see rows.py), or the review audit log (JSON Lines).

Reviewed corrections flow in: every format is written from the corrected extractions. Inputs come
out ordered by path, so two stores holding the same inputs export identical files whatever order
their runs finished in.
"""
from __future__ import annotations

import csv
import datetime as dt
import os
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import IO, Iterator

from ..output import dumps
from .rows import COLUMN_NAMES, COLUMNS
from .store import Store

FORMATS = ("jsonl", "csv", "parquet", "audit")
PARQUET_DECIMAL = (38, 12)          # exact decimals: 26 integer digits, 12 after the point
_PARQUET_BATCH = 10_000


def write_jsonl(store: Store, out: IO[str]) -> int:
    """One corrected extraction per input (failed inputs included). -> inputs written."""
    n = 0
    for inp in store.inputs(order="path"):
        out.write(store.corrected_json(inp["id"]) + "\n")
        n += 1
    return n


def write_audit(store: Store, out: IO[str]) -> int:
    """The review audit log, one decision per line, oldest first. -> reviews written."""
    n = 0
    for entry in store.audit_log():
        out.write(dumps(entry) + "\n")
        n += 1
    return n


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def write_csv(store: Store, out: IO[str]) -> int:
    """Table rows as CSV with a header line (empty cell = null, true/false, exact decimals). -> rows."""
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMN_NAMES)
    n = 0
    for row in store.table_rows():
        w.writerow([_csv_text(row[c]) for c in COLUMN_NAMES])
        n += 1
    return n


def parquet_schema():
    import pyarrow as pa
    types = {"text": pa.string(), "decimal": pa.decimal128(*PARQUET_DECIMAL), "date": pa.date32(),
             "bool": pa.bool_(), "int": pa.int64(), "float": pa.float64()}
    return pa.schema([(c, types[t]) for c, t in COLUMNS])


def _parquet_value(col_type: str, value):
    if value is None:
        return None
    if col_type == "date":
        return dt.date.fromisoformat(value)
    if col_type == "decimal":
        return value.quantize(Decimal(1).scaleb(-PARQUET_DECIMAL[1]))
    return value


def write_parquet(store: Store, path: str | Path) -> int:
    """Table rows as one Parquet file (typed columns: decimal128, date32, bool). -> rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    schema = parquet_schema()
    n = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        def flush(batch: list[dict]) -> None:
            cols = {c: [_parquet_value(t, r[c]) for r in batch] for c, t in COLUMNS}
            writer.write_table(pa.Table.from_pydict(cols, schema=schema))
        batch: list[dict] = []
        for row in store.table_rows():
            batch.append(row)
            if len(batch) >= _PARQUET_BATCH:
                flush(batch)
                n, batch = n + len(batch), []
        if batch or n == 0:
            flush(batch)
            n += len(batch)
    return n


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path renamed to `path` when the block succeeds: a killed export never leaves
    half a file under the real name."""
    tmp = path.with_name(f".{path.name}.partial")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def export(store: Store, fmt: str, output: Path | None, stdout: IO[str]) -> int:
    """Write the store in `fmt` to `output` (or `stdout`; Parquet needs a file). -> items written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} ({', '.join(FORMATS)})")
    writer = {"jsonl": write_jsonl, "csv": write_csv, "audit": write_audit}.get(fmt)
    if output is None:
        if writer is None:
            raise ValueError("Parquet is binary: give --output FILE")
        return writer(store, stdout)
    with replacing(output) as tmp:
        if writer is None:
            return write_parquet(store, tmp)
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            return writer(store, f)
