"""Benchmark of `extract bulk` (make bench-bulk). Not a test: it asserts nothing, it measures.

1. Rates: the born-digital corpus (form4/*/form.pdf) with 1 and 2 process-pool workers and with
   the Dask local cluster (2 workers); docs/s counted from the engine being up to the last commit
   (start-up reported apart), so a cluster's few seconds of start-up do not hide its rate.
   The CPU time of the whole process tree per document is reported too: on a machine shared with
   other work the wall-clock rates mostly measure the neighbours, the CPU cost does not.
2. Memory: a synthetic archive of copies of those PDFs (each copy made distinct by a trailing PDF
   comment, so the content-hash store does not skip it as a duplicate) at 1,000 and 10,000 files,
   converted with 2 workers; the peak RSS (and PSS, which counts shared pages once) of the whole
   process tree is sampled every 0.2 s.

    python bench/bench_bulk.py [--sizes 1000,10000] [--workers 2] [--json FILE] [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / ".." / "shared" / "corpus" / "form4"
EXTRACT = str(Path(sys.executable).parent / "extract")


def build_archive(dest: Path, n: int, pdfs: list[Path]) -> Path:
    """n distinct PDFs under dest/ (1,000 per sub-folder), copies of the corpus PDFs in turn."""
    dest.mkdir(parents=True, exist_ok=True)
    blobs = [p.read_bytes() for p in pdfs]
    for i in range(n):
        sub = dest / f"{i // 1000:03d}"
        sub.mkdir(exist_ok=True)
        # bytes after %%EOF are a comment to every PDF reader: same page, different sha256
        (sub / f"{i:06d}.pdf").write_bytes(blobs[i % len(blobs)] + f"\n%bench copy {i:06d}\n".encode())
    return dest


class TreeSampler:
    """Samples a process and all its descendants: the peaks of their summed RSS and PSS, and each
    one's CPU time (a fork server's workers are not reaped by the process we wait for, so
    getrusage cannot see them)."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        self.root = psutil.Process(pid)
        self.peak_rss = self.peak_pss = 0
        self.cpu: dict[tuple[int, float], float] = {}      # (pid, create time) -> user + system seconds
        self._stop = threading.Event()
        self._every = every
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            rss = pss = 0
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            for p in procs:
                try:
                    m = p.memory_full_info()
                    rss, pss = rss + m.rss, pss + m.pss
                    t = p.cpu_times()
                    self.cpu[(p.pid, p.create_time())] = t.user + t.system
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    pass
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            self._stop.wait(self._every)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def run(src: Path, out: Path, *args: str) -> dict:
    """One `extract bulk` run -> its summary (from the store's runs table) + peak memory."""
    shutil.rmtree(out, ignore_errors=True)
    load_before = os.getloadavg()[0]
    t0 = time.monotonic()
    proc = subprocess.Popen([EXTRACT, "bulk", str(src), "--out", str(out), "--no-progress", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    mem = TreeSampler(proc.pid)
    _, err = proc.communicate()
    mem.stop()
    wall = time.monotonic() - t0
    cpu = sum(mem.cpu.values())
    if proc.returncode not in (0, 1):
        raise SystemExit(f"extract bulk failed ({proc.returncode}):\n{err}")
    with sqlite3.connect(out / "extract.db") as db:
        summary = json.loads(db.execute("SELECT summary FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0])
    return {"args": " ".join(args), "inputs": summary["inputs"], "converted": sum(summary["converted"].values()),
            "failed": summary["converted"].get("failed", 0), "docs_per_s": summary["docs_per_second"],
            "start_s": summary["engine_start_seconds"], "wall_s": round(wall, 1),
            "wall_docs_per_s": round(summary["inputs"] / wall, 3),
            "cpu_s": round(cpu, 1), "cpu_ms_per_doc": round(1000 * cpu / max(1, summary["inputs"]), 1),
            "peak_rss_mb": round(mem.peak_rss / 2**20), "peak_pss_mb": round(mem.peak_pss / 2**20),
            "load_before": round(load_before, 2), "load_after": round(os.getloadavg()[0], 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000", help="synthetic archive sizes for the memory runs")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", type=Path, help="also write every figure here")
    ap.add_argument("--keep", type=Path, help="build the archives here and keep them (default: a temp folder)")
    ap.add_argument("--only", choices=("rates", "memory"), help="run one half of the benchmark")
    a = ap.parse_args()
    pdfs = sorted(CORPUS.glob("*/form.pdf"))
    if not pdfs:
        raise SystemExit(f"no corpus PDFs under {CORPUS}")
    work = a.keep or Path(tempfile.mkdtemp(prefix="bench-bulk-"))
    results: dict = {"cores": len(os.sched_getaffinity(0)), "corpus_files": len(pdfs), "rates": [], "memory": []}
    try:
        corpus = build_archive(work / "corpus", len(pdfs), pdfs)
        for args in [] if a.only == "memory" else (["-j", "1"], ["-j", str(a.workers)], ["--engine", "dask", "-j", str(a.workers)]):
            r = run(corpus, work / "out", *args)
            results["rates"].append(r)
            print(f"corpus {r['inputs']} PDFs  {r['args']:<22} {r['docs_per_s']:6.2f} docs/s "
                  f"(start-up {r['start_s']:.1f} s, wall {r['wall_s']:.0f} s, {r['cpu_ms_per_doc']:.0f} CPU ms/doc, "
                  f"load {r['load_before']}->{r['load_after']})", flush=True)
        if results["rates"]:
            one, two, dask = (r["docs_per_s"] for r in results["rates"])
            results["speedup_2_vs_1"] = round(two / one, 3)
            results["dask_vs_pool"] = round(dask / two, 3)
            print(f"2 workers / 1 worker = {two / one:.2f}x;  dask / process pool = {dask / two:.0%}", flush=True)
        for n in [] if a.only == "rates" else (int(s) for s in a.sizes.split(",")):
            src = build_archive(work / f"synthetic-{n}", n, pdfs)
            r = run(src, work / "out", "-j", str(a.workers))
            results["memory"].append({"files": n, **r})
            print(f"synthetic {n:>6} PDFs  -j {a.workers}: {r['docs_per_s']:6.2f} docs/s, peak RSS {r['peak_rss_mb']} MB "
                  f"(PSS {r['peak_pss_mb']} MB) for the whole process tree, wall {r['wall_s']:.0f} s", flush=True)
            if not a.keep:
                shutil.rmtree(src)
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    if a.json:
        a.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
