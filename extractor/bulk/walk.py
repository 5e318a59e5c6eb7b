"""What `extract bulk SRC...` reads: files, folders (recursive), globs, zip and tar archives, and `-`
(a list of such sources on stdin), as one stream of `Item`s in a stable order.

Archives are streamed: a zip member or tar member is opened only when the runner reads it, one at a
time, so a large archive never sits in memory. A member is named `archive.zip!member/path.pdf`.
Hidden files and folders (`.name`) and `__MACOSX/` are skipped inside folders and archives; a file
named on the command line is always read.
"""
from __future__ import annotations

import fnmatch
import glob
import os
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator

from ..errors import ArchiveUnreadable, ExtractError, UnreadableInput

ZIP_SUFFIXES = (".zip",)
TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")


@dataclass(frozen=True, slots=True)
class Item:
    """One input: its reported path, its size when known, and how to open its bytes. An item whose
    bytes cannot be had (`error`) may still have an opener for hashing (a corrupt archive)."""
    path: str
    size: int | None = None
    opener: Callable[[], IO[bytes]] | None = None
    error: ExtractError | None = None


def is_archive(name: str) -> bool:
    low = name.lower()
    return low.endswith(ZIP_SUFFIXES) or low.endswith(TAR_SUFFIXES)


class Walker:
    """Expands sources into items. `include`/`exclude`: glob patterns matched against the file name
    or the whole path of files found in folders and archives; `skip_dirs`: folders never entered
    (the output folder, when it lies inside a source folder)."""

    def __init__(self, include: Iterable[str] = (), exclude: Iterable[str] = (),
                 skip_dirs: Iterable[Path] = ()) -> None:
        self.include = list(include)
        self.exclude = list(exclude)
        self.skip_dirs = {p.resolve() for p in skip_dirs}

    def walk(self, sources: Iterable[str]) -> Iterator[Item]:
        """Items of every source in order; read each item before asking for the next (a tar
        member can only be read while the stream is at it)."""
        for src in sources:
            if src == "-":
                for line in sys.stdin:
                    if line.strip():
                        yield from self._source(line.rstrip("\r\n"))
            else:
                yield from self._source(src)

    def _wanted(self, path: str) -> bool:
        name = path.rsplit("/", 1)[-1].rsplit("!", 1)[-1]
        match = lambda pats: any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(path, p) for p in pats)
        return (not self.include or match(self.include)) and not match(self.exclude)

    def _source(self, src: str) -> Iterator[Item]:
        if os.path.isdir(src):
            yield from self._folder(src)
        elif os.path.lexists(src):
            yield from self._file(src, named=True)
        elif glob.has_magic(src):
            matches = sorted(glob.glob(src, recursive=True))
            if not matches:
                yield Item(src, error=UnreadableInput(f"nothing matches {src}"))
            for m in matches:
                yield from (self._folder(m) if os.path.isdir(m) else self._file(m, named=False))
        else:
            yield Item(src, error=UnreadableInput(f"no such file or folder: {src}"))

    def _folder(self, root: str) -> Iterator[Item]:
        for dirpath, dirnames, filenames in os.walk(root, onerror=None):
            if Path(dirpath).resolve() in self.skip_dirs:
                dirnames[:] = []
                continue
            dirnames[:] = sorted(d for d in dirnames if not _hidden(d))
            for name in sorted(filenames):
                if not _hidden(name):
                    yield from self._file(os.path.join(dirpath, name), named=False)

    def _file(self, path: str, named: bool) -> Iterator[Item]:
        if is_archive(path):
            yield from self._archive(path)
            return
        if not named and not self._wanted(path):
            return
        try:
            size = os.stat(path).st_size
        except OSError as e:
            yield Item(path, error=UnreadableInput(f"cannot read {path}: {e.strerror}"))
            return
        yield Item(path, size, opener=lambda: open(path, "rb"))

    def _archive(self, path: str) -> Iterator[Item]:
        opener = lambda: open(path, "rb")
        try:
            if path.lower().endswith(ZIP_SUFFIXES):
                yield from self._zip(path)
            else:
                yield from self._tar(path)
        except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, zipfile.LargeZipFile) as e:
            # the whole archive (or what is left of it after the members already read) is unreadable
            reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e) or type(e).__name__
            yield Item(path, opener=opener if os.path.isfile(path) else None,
                       error=ArchiveUnreadable(f"cannot read archive {path}: {reason}"))

    def _zip(self, path: str) -> Iterator[Item]:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                name = f"{path}!{info.filename}"
                if info.is_dir() or _hidden_member(info.filename) or not self._wanted(name):
                    continue
                if info.flag_bits & 0x1:
                    yield Item(name, error=ArchiveUnreadable(f"{name} is encrypted in the zip; unzip it with its password first"))
                elif is_archive(info.filename):
                    yield Item(name, error=ArchiveUnreadable(f"{name} is an archive inside an archive; unpack it first"))
                else:
                    yield Item(name, info.file_size, opener=lambda info=info: zf.open(info))

    def _tar(self, path: str) -> Iterator[Item]:
        # stream mode ("r|*"): members are read in order from one pass over the (compressed) bytes
        with open(path, "rb") as raw, tarfile.open(fileobj=raw, mode="r|*") as tf:
            while (member := tf.next()) is not None:
                tf.members.clear()       # tarfile keeps every header it has seen; we never go back
                name = f"{path}!{member.name}"
                if not member.isfile() or _hidden_member(member.name) or not self._wanted(name):
                    continue
                if is_archive(member.name):
                    yield Item(name, error=ArchiveUnreadable(f"{name} is an archive inside an archive; unpack it first"))
                else:
                    yield Item(name, member.size, opener=lambda member=member: tf.extractfile(member))

    def count(self, sources: Iterable[str]) -> int:
        """How many items `walk` will yield (reads archive directories, never file contents)."""
        return sum(1 for _ in self.walk(sources))


def _hidden(name: str) -> bool:
    return name.startswith(".") or name == "__MACOSX"


def _hidden_member(name: str) -> bool:
    return any(_hidden(part) for part in name.split("/") if part)
