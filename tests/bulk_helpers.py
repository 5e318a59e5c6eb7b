"""Shared pieces of the bulk tests: corpus inputs, a CLI runner, and per-file functions that stand
in for inputs no corpus file reproduces on demand (one that hangs, one that kills its worker)."""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / ".." / "shared" / "corpus"
EXTRACT = [str(Path(sys.executable).parent / "extract")]     # the installed console script


def corpus_cases(n: int, folder: str = "form4") -> list[Path]:
    """The first n case folders (sorted, so every run picks the same ones)."""
    return sorted(p for p in (CORPUS / folder).iterdir() if p.is_dir())[:n]


def copy_renderings(dest: Path, n: int, names=("form.md",)) -> list[Path]:
    """n corpus cases' small text renderings under dest/<case>/ (text inputs convert in ~0.1 s)."""
    out = []
    for case in corpus_cases(n):
        for name in names:
            target = dest / case.name / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(case / name, target)
            out.append(target)
    return out


def run_cli(*args: str, stdin: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([*EXTRACT, *map(str, args)], input=stdin, capture_output=True, text=True,
                          timeout=timeout, cwd=REPO)


def encrypted_pdf(src: Path, dest: Path) -> Path:
    """A password-protected copy of a real PDF (RC4, which pypdf writes without extra libraries)."""
    from pypdf import PdfWriter
    w = PdfWriter(clone_from=str(src))
    w.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    with open(dest, "wb") as f:
        w.write(f)
    return dest


def junk_bytes(n: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(n)


def convert_or_misbehave(path: str, data: bytes, threshold: float) -> dict:
    """`work.convert`, except that an input whose name says so hangs ("hang") or kills its own
    worker process ("crash") the way a native-library deadlock or segfault would."""
    from extractor.bulk.work import convert
    name = path.rsplit("/", 1)[-1]
    if "hang" in name:
        time.sleep(600)
    if "crash" in name:
        os.kill(os.getpid(), signal.SIGKILL)
    return convert(path, data, threshold)
