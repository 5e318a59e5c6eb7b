"""The bulk store: one SQLite file (`DIR/extract.db`, WAL) that `extract bulk` fills, `extract export`
reads and the review page reads and annotates.

Tables (schema version in `meta`):
- `inputs`       one row per distinct input, keyed by the sha256 of its bytes (an input that could not
                 even be read is keyed by sha256("unreadable:" + path) until it can): path, kind,
                 form, status, error code/message, seconds, pages, bytes, run.
- `input_paths`  every path an input was seen at (duplicates across folders and archives).
- `extractions`  the extraction JSON exactly as `extract` prints it (machine output, never edited).
- `fields`       one row per `fields[]` entry: the review queue reads these.
- `reviews`      the audit log of reviewers' decisions; corrections live here, not in `fields`.
- `table_rows`   Table I/II rows flattened (see rows.py), with reviewed corrections applied.
- `runs`         one row per `extract bulk` run: options, timings and its summary.

Only one process writes during a run (the parent of the workers); every write is one short
transaction, and inputs are upserted by sha256, so a killed run loses at most the inputs it had
not committed and a rerun never duplicates one.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..output import dumps, loads
from .corrections import ACTIONS, apply_reviews
from .rows import COLUMN_NAMES, COLUMNS, flatten, from_sql, to_sql

SCHEMA_VERSION = 1
DB_NAME = "extract.db"
DONE = ("ok", "needs_review")
_PAGE = 500                      # rows fetched per query by the iterators (memory stays flat)
_SQL_TYPE = {"int": "INTEGER", "float": "REAL", "bool": "INTEGER"}

SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, ready_at TEXT, finished_at TEXT,
  options TEXT NOT NULL, summary TEXT);
CREATE TABLE inputs (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  path TEXT NOT NULL,
  kind TEXT, form TEXT, template TEXT,
  status TEXT NOT NULL CHECK (status IN ('ok', 'needs_review', 'failed')),
  error_code TEXT, error_message TEXT,
  seconds REAL, pages INTEGER, bytes INTEGER,
  finished_at TEXT NOT NULL, run_id INTEGER REFERENCES runs(id));
CREATE INDEX inputs_path ON inputs(path, id);
CREATE INDEX inputs_status ON inputs(status, form);
CREATE TABLE input_paths (
  input_id INTEGER NOT NULL REFERENCES inputs(id) ON DELETE CASCADE, path TEXT NOT NULL,
  PRIMARY KEY (input_id, path)) WITHOUT ROWID;
CREATE TABLE extractions (
  input_id INTEGER PRIMARY KEY REFERENCES inputs(id) ON DELETE CASCADE, json TEXT NOT NULL);
CREATE TABLE fields (
  input_id INTEGER NOT NULL REFERENCES inputs(id) ON DELETE CASCADE, ord INTEGER NOT NULL,
  path TEXT NOT NULL, value TEXT, confidence REAL NOT NULL, page INTEGER, bbox TEXT, line INTEGER,
  text TEXT, evidence TEXT, PRIMARY KEY (input_id, path));
CREATE INDEX fields_confidence ON fields(confidence);
CREATE TABLE reviews (
  id INTEGER PRIMARY KEY, input_id INTEGER NOT NULL REFERENCES inputs(id), field_path TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('accept', 'correct', 'unreadable')),
  old_value TEXT, new_value TEXT, reviewer TEXT NOT NULL, reason TEXT, at TEXT NOT NULL);
CREATE INDEX reviews_field ON reviews(input_id, field_path);
CREATE TABLE table_rows (
  input_id INTEGER NOT NULL REFERENCES inputs(id) ON DELETE CASCADE,
  {", ".join(f"{c} {_SQL_TYPE.get(t, 'TEXT')}" for c, t in COLUMNS)});
CREATE INDEX table_rows_input ON table_rows(input_id);
"""
_INPUT_COLUMNS = ("id, sha256, path, kind, form, status, error_code, error_message, seconds, pages, "
                  "bytes, template, finished_at, run_id")


class StoreError(Exception):
    """The store cannot be opened (not a store, or made by a newer version)."""


def utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


def unreadable_key(path: str) -> str:
    """Key of an input whose bytes could not be read (missing, permission denied, broken archive)."""
    return hashlib.sha256(b"unreadable:" + path.encode("utf-8", "surrogateescape")).hexdigest()


def db_path(path: str | Path) -> Path:
    """DIR -> DIR/extract.db; a path to a .db file stays as it is."""
    p = Path(path)
    return p if p.suffix == ".db" or p.is_file() else p / DB_NAME


def _json(value) -> str | None:
    return None if value is None else dumps(value)


def _unjson(text: str | None):
    return None if text is None else loads(text)


class Store:
    """The SQLite store of a bulk run. Safe to share between threads (one lock serialises use);
    other processes may read while a run writes (WAL)."""

    def __init__(self, path: str | Path) -> None:
        self.path = db_path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL: a commit is not fsynced until checkpoint, which survives a killed process
            # (all that crash safety asks) at a fraction of FULL's cost
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path} is not a store this tool can open ({e})") from None

    def _migrate(self) -> None:
        with self._tx():
            has_meta = self._db.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
            if not has_meta:
                for stmt in SCHEMA.split(";"):
                    if stmt.strip():
                        self._db.execute(stmt)
                self._db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                return
            version = int(self._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path} was written by a newer extractor (schema {version}); upgrade to read it")

    @contextmanager
    def _tx(self):
        """One short write transaction (taken at once, so concurrent writers queue, not deadlock)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- runs ------------------------------------------------------------------------------
    def begin_run(self, options: dict) -> int:
        with self._tx() as db:
            return db.execute("INSERT INTO runs(started_at, options) VALUES (?, ?)",
                              (utc_now(), dumps(options))).lastrowid

    def mark_run_ready(self, run_id: int) -> None:
        """The engine is up: conversion rates are measured from here."""
        with self._tx() as db:
            db.execute("UPDATE runs SET ready_at=? WHERE id=?", (utc_now(), run_id))

    def finish_run(self, run_id: int, summary: dict) -> None:
        with self._tx() as db:
            db.execute("UPDATE runs SET finished_at=?, summary=? WHERE id=?", (utc_now(), dumps(summary), run_id))

    def runs(self) -> list[dict]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM runs ORDER BY id").fetchall()
        return [dict(r, options=_unjson(r["options"]), summary=_unjson(r["summary"])) for r in rows]

    # ---- inputs ----------------------------------------------------------------------------
    def is_done(self, sha256: str) -> bool:
        """An ok or needs_review row exists for these bytes."""
        found = self.lookup(sha256)
        return found is not None and found[0] in DONE

    def lookup(self, sha256: str) -> tuple[str, int | None] | None:
        """(status, run id) of the input with this key, or None."""
        with self._lock:
            row = self._db.execute("SELECT status, run_id FROM inputs WHERE sha256=?", (sha256,)).fetchone()
        return None if row is None else (row[0], row[1])

    def record(self, *, sha256: str, path: str, kind: str | None, status: str, extraction: dict,
               seconds: float, error_code: str | None = None, error_message: str | None = None,
               run_id: int | None = None, size: int | None = None) -> int:
        """Store one input's result in one transaction: upsert its row by sha256, the extraction
        JSON, its `fields` rows and its flattened table rows. -> the input id."""
        rec = extraction.get("record") or {}
        template = extraction.get("template") or {}
        with self._tx() as db:
            input_id = db.execute(
                "INSERT INTO inputs(sha256, path, kind, form, template, status, error_code, error_message,"
                " seconds, pages, bytes, finished_at, run_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT(sha256) DO UPDATE SET path=excluded.path, kind=excluded.kind,"
                " form=excluded.form, template=excluded.template, status=excluded.status,"
                " error_code=excluded.error_code, error_message=excluded.error_message,"
                " seconds=excluded.seconds, pages=excluded.pages, bytes=excluded.bytes,"
                " finished_at=excluded.finished_at, run_id=excluded.run_id RETURNING id",
                (sha256, path, kind, rec.get("document_type"), template.get("id"), status, error_code,
                 error_message, seconds, (extraction.get("source") or {}).get("pages"), size, utc_now(),
                 run_id)).fetchone()[0]
            # an earlier run that could not read this path left a row keyed by the path: now superseded
            db.execute("DELETE FROM inputs WHERE sha256=? AND id<>?", (unreadable_key(path), input_id))
            db.execute("INSERT OR IGNORE INTO input_paths VALUES (?, ?)", (input_id, path))
            db.execute("INSERT INTO extractions VALUES (?, ?) ON CONFLICT(input_id) DO UPDATE SET json=excluded.json",
                       (input_id, dumps(extraction)))
            db.execute("DELETE FROM fields WHERE input_id=?", (input_id,))
            db.executemany(
                "INSERT INTO fields VALUES (?,?,?,?,?,?,?,?,?,?)",
                [(input_id, i, f["path"], _json(f.get("value")), float(f["confidence"]), f.get("page"),
                  _json(f.get("bbox")), f.get("line"), f.get("text"), _json(f.get("evidence")))
                 for i, f in enumerate(extraction.get("fields") or [])])
            self._write_rows(db, input_id, self._corrected(db, input_id, extraction))
        return input_id

    def add_path(self, sha256: str, path: str) -> None:
        """Remember another path the same bytes were found at."""
        with self._tx() as db:
            db.execute("INSERT OR IGNORE INTO input_paths SELECT id, ? FROM inputs WHERE sha256=?", (path, sha256))

    def paths(self, input_id: int) -> list[str]:
        """Every path the input was seen at, the one in its row first."""
        with self._lock:
            main = self._db.execute("SELECT path FROM inputs WHERE id=?", (input_id,)).fetchone()
            rows = self._db.execute("SELECT path FROM input_paths WHERE input_id=? ORDER BY path", (input_id,))
            others = [r[0] for r in rows if main is None or r[0] != main[0]]
        return ([main[0]] if main else []) + others

    def inputs(self, status: str | None = None, order: str = "id") -> Iterator[dict]:
        """Input rows (all, or those with `status`), by id or by `order="path"`, read in pages."""
        keys = ("id",) if order == "id" else ("path", "id")
        where, params = ("status=?", [status]) if status else ("1", [])
        last: tuple | None = None
        while True:
            after = f" AND ({', '.join(keys)}) > ({', '.join('?' * len(keys))})" if last else ""
            with self._lock:
                rows = self._db.execute(
                    f"SELECT {_INPUT_COLUMNS} FROM inputs WHERE {where}{after} ORDER BY {', '.join(keys)} LIMIT {_PAGE}",
                    params + list(last or ())).fetchall()
            yield from (dict(r) for r in rows)
            if len(rows) < _PAGE:
                return
            last = tuple(rows[-1][k] for k in keys)

    def input(self, input_id: int) -> dict | None:
        with self._lock:
            row = self._db.execute(f"SELECT {_INPUT_COLUMNS} FROM inputs WHERE id=?", (input_id,)).fetchone()
        return None if row is None else dict(row)

    def counts(self) -> dict[str, int]:
        """Inputs by status."""
        with self._lock:
            return dict(self._db.execute("SELECT status, count(*) FROM inputs GROUP BY status").fetchall())

    def extraction(self, input_id: int) -> dict:
        """The stored machine extraction (numbers as exact Decimals). KeyError if there is none."""
        return loads(self.extraction_json(input_id))

    def extraction_json(self, input_id: int) -> str:
        """The stored machine extraction as the JSON text `extract` printed."""
        with self._lock:
            row = self._db.execute("SELECT json FROM extractions WHERE input_id=?", (input_id,)).fetchone()
        if row is None:
            raise KeyError(f"no extraction for input {input_id}")
        return row[0]

    def fields(self, input_id: int) -> list[dict]:
        """The input's machine `fields[]` entries, in record order."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM fields WHERE input_id=? ORDER BY ord", (input_id,)).fetchall()
        return [self._field(r) for r in rows]

    @staticmethod
    def _field(r: sqlite3.Row) -> dict:
        return {"path": r["path"], "value": _unjson(r["value"]), "confidence": r["confidence"], "page": r["page"],
                "bbox": _unjson(r["bbox"]), "line": r["line"], "text": r["text"],
                "evidence": _unjson(r["evidence"]) or {}}

    # ---- review ----------------------------------------------------------------------------
    def review_queue(self, threshold: float, form: str | None = None, field: str | None = None,
                     status: str | None = None, limit: int | None = None) -> list[dict]:
        """Fields below `threshold` not reviewed yet, grouped by input: a list of
        {input_id, sha256, path, kind, form, status, min_confidence, fields: [field dicts]}, the input
        with the least confident field first, and each input's fields least confident first.
        `field` matches a full path (`issuer.name`), a path without row numbers
        (`non_derivative_transactions[].shares`) or a leaf name (`shares`); `limit`: at most so many inputs."""
        sql = ("SELECT f.*, i.sha256, i.path AS input_path, i.kind, i.form, i.status FROM fields f"
               " JOIN inputs i ON i.id=f.input_id WHERE f.confidence < ?"
               " AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.input_id=f.input_id AND r.field_path=f.path)")
        params: list = [threshold]
        if form:
            sql, params = sql + " AND i.form=?", params + [form]
        if status:
            sql, params = sql + " AND i.status=?", params + [status]
        groups: dict[int, dict] = {}
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY f.confidence, f.input_id, f.ord", params).fetchall()
        for r in rows:
            if field and not _field_matches(r["path"], field):
                continue
            g = groups.get(r["input_id"])
            if g is None:
                if limit is not None and len(groups) >= limit:
                    continue
                g = groups[r["input_id"]] = {
                    "input_id": r["input_id"], "sha256": r["sha256"], "path": r["input_path"], "kind": r["kind"],
                    "form": r["form"], "status": r["status"], "min_confidence": r["confidence"], "fields": []}
            g["fields"].append(self._field(r))
        return list(groups.values())

    def add_review(self, input_id: int, field_path: str, action: str, new_value, reviewer: str,
                   reason: str | None) -> int:
        """Append a reviewer's decision on one field to the audit log (UTC time, the value before
        and after). The machine value is never overwritten. `new_value` matters for `correct` only.
        -> the review id. ValueError for an unknown action or a missing reviewer, KeyError for a
        field the input does not have."""
        if action not in ACTIONS:
            raise ValueError(f"action must be one of {', '.join(ACTIONS)}, not {action!r}")
        if not reviewer:
            raise ValueError("a review needs the reviewer's name")
        with self._tx() as db:
            row = db.execute("SELECT value FROM fields WHERE input_id=? AND path=?", (input_id, field_path)).fetchone()
            if row is None:
                raise KeyError(f"input {input_id} has no field {field_path}")
            prior = db.execute("SELECT new_value FROM reviews WHERE input_id=? AND field_path=? AND action='correct'"
                               " ORDER BY id DESC LIMIT 1", (input_id, field_path)).fetchone()
            old = prior[0] if prior else row[0]
            new = _json(new_value) if action == "correct" else old if action == "accept" else None
            review_id = db.execute(
                "INSERT INTO reviews(input_id, field_path, action, old_value, new_value, reviewer, reason, at)"
                " VALUES (?,?,?,?,?,?,?,?)",
                (input_id, field_path, action, old, new, reviewer, reason, utc_now())).lastrowid
            self._write_rows(db, input_id, self._corrected(db, input_id))
        return review_id

    def corrected_extraction(self, input_id: int) -> dict:
        """The machine extraction with the reviews applied (see corrections.py)."""
        with self._lock:
            return self._corrected(self._db, input_id)

    def corrected_json(self, input_id: int) -> str:
        """`corrected_extraction` as `extract` would print it (the stored text when nothing was reviewed)."""
        with self._lock:
            if not self._db.execute("SELECT 1 FROM reviews WHERE input_id=? LIMIT 1", (input_id,)).fetchone():
                return self.extraction_json(input_id)
            return dumps(self._corrected(self._db, input_id))

    def _corrected(self, db: sqlite3.Connection, input_id: int, extraction: dict | None = None) -> dict:
        if extraction is None:
            extraction = self.extraction(input_id)
        reviews = db.execute("SELECT field_path, action, new_value FROM reviews WHERE input_id=? ORDER BY id",
                             (input_id,)).fetchall()
        return apply_reviews(extraction, ({"field_path": r[0], "action": r[1], "new_value": _unjson(r[2])}
                                          for r in reviews))

    def audit_log(self) -> Iterator[dict]:
        """Every review, oldest first, with the input's path and sha256."""
        last = 0
        while True:
            with self._lock:
                rows = self._db.execute(
                    "SELECT r.*, i.sha256, i.path AS input_path FROM reviews r JOIN inputs i ON i.id=r.input_id"
                    f" WHERE r.id > ? ORDER BY r.id LIMIT {_PAGE}", (last,)).fetchall()
            for r in rows:
                yield {"id": r["id"], "input_id": r["input_id"], "sha256": r["sha256"], "input_path": r["input_path"],
                       "field_path": r["field_path"], "action": r["action"], "old_value": _unjson(r["old_value"]),
                       "new_value": _unjson(r["new_value"]), "reviewer": r["reviewer"], "reason": r["reason"],
                       "at": r["at"]}
            if len(rows) < _PAGE:
                return
            last = rows[-1]["id"]

    # ---- table rows ------------------------------------------------------------------------
    @staticmethod
    def _write_rows(db: sqlite3.Connection, input_id: int, extraction: dict) -> None:
        db.execute("DELETE FROM table_rows WHERE input_id=?", (input_id,))
        db.executemany(
            f"INSERT INTO table_rows VALUES (?{', ?' * len(COLUMNS)})",
            [(input_id, *(to_sql(t, row[c]) for c, t in COLUMNS)) for row in flatten(extraction)])

    def table_rows(self) -> Iterator[dict]:
        """Every flattened Table I/II row (corrections applied), by input path then table order;
        decimals as Decimal, booleans as bool."""
        for inp in self.inputs(order="path"):
            with self._lock:
                rows = self._db.execute(f"SELECT {', '.join(COLUMN_NAMES)} FROM table_rows WHERE input_id=?"
                                        " ORDER BY rowid", (inp["id"],)).fetchall()
            for r in rows:
                yield {c: from_sql(t, r[c]) for c, t in COLUMNS}


def _field_matches(path: str, wanted: str) -> bool:
    return path == wanted or re.sub(r"\[\d+\]", "[]", path) == wanted or path.rsplit(".", 1)[-1] == wanted
