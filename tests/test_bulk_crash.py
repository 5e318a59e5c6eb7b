"""Crash safety: `kill -9` a bulk run part-way (twice), rerun, and get exactly what an uninterrupted run gives."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time

import pytest

from .bulk_helpers import EXTRACT, REPO, copy_renderings, run_cli

N_FILES = 40


def _committed(db) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as c:
            return c.execute("SELECT count(*) FROM inputs").fetchone()[0]
    except sqlite3.OperationalError:        # schema not created yet
        return 0


def _start_and_kill(src, out, kill_after: int) -> int:
    """Start `extract bulk`, SIGKILL its whole process group (parent, fork server, workers) once
    `kill_after` inputs are committed; -> inputs committed at the kill."""
    proc = subprocess.Popen([*EXTRACT, "bulk", str(src), "--out", str(out), "-j", "2"], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    try:
        while _committed(out / "extract.db") < kill_after and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    return _committed(out / "extract.db")


def _export(out) -> list[str]:
    r = run_cli("export", out, "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    return sorted(r.stdout.splitlines())


@pytest.mark.slow
def test_sigkill_part_way_then_rerun_gives_every_input_once_and_the_same_export(tmp_path):
    """Guards against a rerun that duplicates inputs committed before the kill, loses ones that were
    in flight, or leaves a half-written input (fields without an extraction, rows twice)."""
    files = copy_renderings(tmp_path / "in", N_FILES)
    killed, clean = tmp_path / "killed", tmp_path / "clean"

    at_first = _start_and_kill(tmp_path / "in", killed, kill_after=3)
    assert 3 <= at_first < N_FILES, "the run was not killed part-way"
    at_second = _start_and_kill(tmp_path / "in", killed, kill_after=at_first + 10)   # killed again, mid-resume
    assert at_first < at_second < N_FILES

    resumed = run_cli("bulk", tmp_path / "in", "--out", killed, "-j", "2")
    assert resumed.returncode == 0, resumed.stderr
    uninterrupted = run_cli("bulk", tmp_path / "in", "--out", clean, "-j", "2")
    assert uninterrupted.returncode == 0, uninterrupted.stderr

    db = sqlite3.connect(killed / "extract.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    per_path = dict(db.execute("SELECT path, count(*) FROM inputs GROUP BY path").fetchall())
    assert sorted(per_path) == sorted(map(str, files)) and set(per_path.values()) == {1}
    # every input whole: one extraction each, its fields and table rows stored once
    assert db.execute("SELECT count(*) FROM extractions").fetchone()[0] == N_FILES
    assert db.execute("SELECT count(*) FROM (SELECT input_id, path FROM fields GROUP BY 1, 2 HAVING count(*) > 1)").fetchone()[0] == 0
    clean_db = sqlite3.connect(clean / "extract.db")
    count_rows = "SELECT count(*) FROM table_rows"
    assert db.execute(count_rows).fetchone()[0] == clean_db.execute(count_rows).fetchone()[0] > 0
    # the two killed runs are visible as unfinished; the third redid only what was not committed
    runs = db.execute("SELECT finished_at, summary FROM runs ORDER BY id").fetchall()
    assert [r[0] is None for r in runs] == [True, True, False]
    last = json.loads(runs[-1][1])
    assert sum(last["skipped"].values()) == at_second and sum(last["converted"].values()) == N_FILES - at_second

    assert _export(killed) == _export(clean)
