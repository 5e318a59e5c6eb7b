"""`extract bulk` on real inputs through the real process pool into a real store."""
from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from extractor import extract
from extractor.bulk import runner
from extractor.bulk.export import write_jsonl
from extractor.bulk.runner import run_bulk
from extractor.bulk.store import Store
from extractor.output import to_json

from .bulk_helpers import REPO, convert_or_misbehave, copy_renderings, corpus_cases, run_cli


def stored(out: Path) -> dict[str, dict]:
    """path -> input row."""
    with Store(out) as s:
        return {i["path"]: i for i in s.inputs()}


def test_every_input_once_and_export_is_what_extract_prints(tmp_path):
    """The store must hold each input once, and JSON Lines must be byte-identical to `extract FILE`
    (not a re-serialisation that turns 151.95 into 151.9499 or reorders keys)."""
    files = copy_renderings(tmp_path / "in", 5, names=("form.md", "form.layout.txt"))
    summary = run_bulk([str(tmp_path / "in")], tmp_path / "out", workers=2)
    assert sum(summary.converted.values()) == len(files) and not summary.any_failed
    rows = stored(tmp_path / "out")
    assert sorted(rows) == sorted(map(str, files))
    buf = io.StringIO()
    with Store(tmp_path / "out") as s:
        write_jsonl(s, buf)
    lines = buf.getvalue().splitlines()
    assert lines == [to_json(extract(str(p))) for p in sorted(map(str, files))]


def test_rerun_skips_force_redoes_retry_failed_redoes_failures(tmp_path):
    files = copy_renderings(tmp_path / "in", 3)
    (tmp_path / "in" / "empty.md").write_bytes(b"")
    out = tmp_path / "out"
    first = run_bulk([str(tmp_path / "in")], out, workers=2)
    assert first.converted["failed"] == 1 and first.failures == {"corrupt_input": 1}

    again = run_bulk([str(tmp_path / "in")], out, workers=2)
    assert sum(again.converted.values()) == 0                      # nothing redone
    assert again.skipped["failed"] == 1
    assert sum(again.skipped.values()) == len(files) + 1
    assert again.any_failed                                        # an earlier failure still counts

    retry = run_bulk([str(tmp_path / "in")], out, workers=2, retry_failed=True)
    assert dict(retry.converted) == {"failed": 1} and sum(retry.skipped.values()) == len(files)

    forced = run_bulk([str(tmp_path / "in")], out, workers=2, force=True)
    assert sum(forced.converted.values()) == len(files) + 1
    assert len(stored(out)) == len(files) + 1                      # still one row each
    with Store(out) as s:
        assert len(s.runs()) == 4


def test_same_bytes_at_several_paths_are_one_input_with_every_path(tmp_path):
    src = corpus_cases(1)[0] / "form.md"
    (tmp_path / "in" / "b").mkdir(parents=True)
    shutil.copyfile(src, tmp_path / "in" / "a.md")
    shutil.copyfile(src, tmp_path / "in" / "b" / "copy.md")
    with zipfile.ZipFile(tmp_path / "in" / "c.zip", "w") as z:
        z.write(src, "inner/form.md")
    summary = run_bulk([str(tmp_path / "in")], tmp_path / "out", workers=2)
    assert sum(summary.converted.values()) == 1 and summary.duplicates == 2
    with Store(tmp_path / "out") as s:
        (only,) = list(s.inputs())
        assert sorted(s.paths(only["id"])) == sorted([str(tmp_path / "in" / "a.md"), str(tmp_path / "in" / "b" / "copy.md"),
                                                      f"{tmp_path / 'in' / 'c.zip'}!inner/form.md"])


def test_archives_are_read_member_by_member_with_bang_paths(tmp_path):
    cases = corpus_cases(4)
    tmp_path.joinpath("in").mkdir()
    with zipfile.ZipFile(tmp_path / "in" / "batch.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.write(cases[0] / "form.md", "2023/q1/a.md")
        z.write(cases[1] / "form.pdf", "2023/q1/b.pdf")
        z.writestr("__MACOSX/2023/._a.md", b"junk")                # macOS zip litter is not an input
        z.writestr(".hidden.md", b"junk")
    with tarfile.open(tmp_path / "in" / "batch.tar.gz", "w:gz") as t:
        t.add(cases[2] / "form.md", "x/c.md")
        t.add(cases[3] / "form.layout.txt", "x/d.txt")
    summary = run_bulk([str(tmp_path / "in")], tmp_path / "out", workers=2)
    assert not summary.any_failed
    rows = stored(tmp_path / "out")
    zip_, tar_ = tmp_path / "in" / "batch.zip", tmp_path / "in" / "batch.tar.gz"
    assert sorted(rows) == sorted([f"{zip_}!2023/q1/a.md", f"{zip_}!2023/q1/b.pdf", f"{tar_}!x/c.md", f"{tar_}!x/d.txt"])
    with Store(tmp_path / "out") as s:
        for path, row in rows.items():
            assert s.extraction(row["id"])["source"]["path"] == path
    assert rows[f"{zip_}!2023/q1/b.pdf"]["kind"] == "pdf"


def test_truncated_tar_keeps_the_members_before_the_cut(tmp_path):
    cases = corpus_cases(6)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:               # uncompressed: the cut lands mid-member
        for i, case in enumerate(cases):
            t.add(case / "form.md", f"m{i}.md")
    data = buf.getvalue()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "cut.tar").write_bytes(data[: len(data) * 2 // 3])
    summary = run_bulk([str(tmp_path / "in")], tmp_path / "out", workers=2)
    rows = stored(tmp_path / "out")
    good = [p for p, r in rows.items() if r["status"] != "failed"]
    bad = {p: r for p, r in rows.items() if r["status"] == "failed"}
    assert len(good) >= 2                                        # the members before the cut are kept
    assert bad and all(r["error_code"] == "archive_unreadable" for r in bad.values())
    assert summary.any_failed


def test_hanging_and_crashing_inputs_are_recorded_and_the_run_goes_on(tmp_path):
    """A file that hangs must be stopped at --timeout (the pool kills its worker) and one that kills
    its worker must be recorded; neither may stop or stall the others."""
    files = copy_renderings(tmp_path / "in", 4)
    shutil.copyfile(files[0], tmp_path / "in" / "hang.md")
    (tmp_path / "in" / "crash.md").write_bytes(files[1].read_bytes() + b"\n")     # other bytes: not a duplicate
    (tmp_path / "in" / "hang.md").write_bytes(files[0].read_bytes() + b"\n")
    summary = run_bulk([str(tmp_path / "in")], tmp_path / "out", workers=2, timeout=3, fn=convert_or_misbehave)
    rows = stored(tmp_path / "out")
    assert rows[str(tmp_path / "in" / "hang.md")]["error_code"] == "timeout"
    assert rows[str(tmp_path / "in" / "crash.md")]["error_code"] == "worker_crashed"
    assert all(rows[str(f)]["status"] != "failed" for f in files)
    assert summary.failures == {"timeout": 1, "worker_crashed": 1}
    with Store(tmp_path / "out") as s:
        ex = s.extraction(rows[str(tmp_path / "in" / "hang.md")]["id"])
    assert ex["status"] == "failed" and ex["issues"][0]["code"] == "timeout" and ex["record"] is None


def test_too_large_input_is_hashed_and_recorded_not_loaded(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "MAX_INPUT_BYTES", 1000)
    copy_renderings(tmp_path / "in", 1)          # every rendering is > 1000 bytes
    summary = run_bulk([str(tmp_path / "in")], tmp_path / "out", workers=1)
    assert summary.failures == {"too_large": 1}
    (row,) = stored(tmp_path / "out").values()
    assert len(row["sha256"]) == 64 and row["bytes"] > 1000


def test_cli_sources_from_stdin_globs_include_and_exit_status(tmp_path):
    copy_renderings(tmp_path / "in", 3, names=("form.md", "form.layout.txt"))
    out = tmp_path / "out"
    # a glob and --include: only the Markdown renderings
    r = run_cli("bulk", f"{tmp_path}/in/*", "--include", "*.md", "--out", out, "-j", "2")
    assert r.returncode == 0, r.stderr
    assert all(p.endswith(".md") for p in stored(out)) and len(stored(out)) == 3
    # '-': a list of sources on stdin, one of them missing: recorded, exit status 1
    r = run_cli("bulk", "-", "--out", out, "-j", "2",
                stdin=f"{tmp_path}/in\n{tmp_path}/nope.pdf\n")
    assert r.returncode == 1, r.stderr
    rows = stored(out)
    assert len(rows) == 7 and rows[f"{tmp_path}/nope.pdf"]["error_code"] == "file_unreadable"
    assert "file_unreadable" in r.stderr and "skipped" in r.stderr      # the closing summary


def test_registering_the_commands_imports_nothing_heavy():
    """`extract FILE` starts by registering `bulk` and `export`: that must not import the engines,
    the progress bar or Parquet (a second on every single-file call)."""
    code = ("import sys, extractor.cli as c; c._register_subcommands(); assert 'bulk' in c.SUBCOMMANDS; "
            "print(sorted(m for m in ('dask', 'distributed', 'pebble', 'tqdm', 'pyarrow', 'sqlite3') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "[]"
