"""Which filing goes with which EDGAR XML.

A filing (PDF, scan, page image, text rendering, HTML) is paired with the XML it was rendered
from (an `.xml` ownershipDocument, or an EDGAR full-submission `.txt` holding it):

1. `--pairs pairs.csv`: explicit rows `filing,xml` (paths relative to the CSV's folder);
2. by accession number (`0001209191-23-019006`, or its 18 digits without dashes) found in the
   file's name or, failing that, in the names of the folders above it;
3. by folder: a filing that no XML matched by accession number goes with the one XML of its own
   folder (unless that XML names another accession number), as in a corpus case folder holding
   `form.pdf` + `source.xml`.

Filings left without an XML are reported (`Pairing.unmatched`), never silently dropped.
"""
from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

FILING_SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".md", ".markdown", ".txt", ".text",
                   ".html", ".htm"}
XML_SUFFIXES = {".xml", ".txt"}          # .txt: an EDGAR full submission (else a text rendering)
ACCESSION = re.compile(r"(?<!\d)(\d{10})-?(\d{2})-?(\d{6})(?!\d)")


@dataclass(frozen=True)
class Pair:
    id: str                 # the filing's path relative to the folder given (or as the CSV wrote it)
    filing: Path
    xml: Path
    matched_by: str         # csv | accession | folder


@dataclass
class Pairing:
    pairs: list[Pair] = field(default_factory=list)
    unmatched: list[tuple[str, str]] = field(default_factory=list)     # (filing, why)
    unused_xml: list[str] = field(default_factory=list)                # XML no filing went with


def accession_of(path: Path, root: Path | None = None) -> str | None:
    """The accession number in the file's name, else in its folders' names up to `root`."""
    parts = [path.name, *(p.name for p in path.parents if root is None or p == root or root in p.parents)]
    for name in parts:
        if m := ACCESSION.search(name):
            return "-".join(m.groups())
    return None


def is_ownership_xml(path: Path) -> bool:
    """An `.xml` ownershipDocument, or an EDGAR submission `.txt` that carries one (a pre-2003
    submission holds the form as text: that is a filing, not a truth)."""
    if path.suffix.lower() not in XML_SUFFIXES:
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
            if path.suffix.lower() == ".xml":
                return b"<ownershipdocument" in head.lower()
            from ..sources import sniff
            return sniff(head) == "submission" and b"<ownershipdocument" in (head + fh.read()).lower()
    except OSError:
        return False


def _files(given: Path) -> list[Path]:
    """The files under a folder given (hidden ones left out), or the file given; absolute, so a
    file given by itself and one found in a folder compare as the same place."""
    if not given.is_dir():
        return [given.absolute()]
    root = given.absolute()
    return sorted(p for p in root.rglob("*") if p.is_file() and not any(s.startswith(".") for s in p.relative_to(root).parts))


def _label(path: Path, root: Path | None) -> str:
    """The filing's name in the report: its path from the folder above the one given."""
    if root is None:
        return os.path.relpath(path) if path.is_relative_to(Path.cwd()) else str(path)
    return str(path.relative_to(root.parent)) if root.parent != root else str(path)


def read_pairs_csv(csv_path: Path) -> list[Pair]:
    """Rows `filing,xml` (a header row naming them is optional); paths relative to the CSV.
    ValueError naming the line for a row without two paths."""
    base = csv_path.parent
    with csv_path.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    out = []
    for n, row in enumerate(rows, 1):
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if n == 1 and [c.lower() for c in cells[:2]] == ["filing", "xml"]:
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise ValueError(f"{csv_path} line {n}: expected two columns filing,xml")
        filing, xml = (base / cells[0]), (base / cells[1])
        out.append(Pair(cells[0], filing, xml, "csv"))
    return out


def find_pairs(roots: list[Path], input_name: str | None = None, pairs_csv: Path | None = None) -> Pairing:
    """Pair every filing under `roots` with its XML (see the module docstring). `input_name`:
    only filings with this file name (like the scorer's --input), even one that is itself an
    EDGAR submission (it is then its own truth)."""
    result = Pairing()
    seen: set[tuple[Path, Path]] = set()

    def add(pair: Pair) -> None:
        key = (pair.filing.resolve(), pair.xml.resolve())
        if key not in seen:
            seen.add(key)
            result.pairs.append(pair)

    for pair in read_pairs_csv(pairs_csv) if pairs_csv else []:
        add(pair)
    filings: list[tuple[Path, Path | None]] = []         # (file, folder given that holds it)
    xmls: list[tuple[Path, Path | None]] = []
    for given in roots:
        # a file given by itself may take its accession number from any folder above it
        root = given.absolute() if given.is_dir() else None
        for f in _files(given):
            truth_file = is_ownership_xml(f)
            if truth_file:
                xmls.append((f, root))
            if input_name is not None:
                if f.name == input_name:
                    filings.append((f, root))
            elif not truth_file and f.suffix.lower() in FILING_SUFFIXES:
                filings.append((f, root))
    by_accession: dict[str, list[Path]] = {}
    by_folder: dict[Path, list[Path]] = {}
    for x, root in xmls:
        if acc := accession_of(x, root):
            by_accession.setdefault(acc, []).append(x)
        by_folder.setdefault(x.parent, []).append(x)
    used: set[Path] = set()
    for f, root in filings:
        acc = accession_of(f, root)
        xml, how, why = None, "", ""
        if acc and acc in by_accession:
            # several XML of one accession (the .xml and the submission .txt): the XML itself first
            xml, how = min(by_accession[acc], key=lambda p: (p.suffix.lower() != ".xml", len(str(p)), str(p))), "accession"
        else:
            near = [x for x in by_folder.get(f.parent, []) if accession_of(x, root) in (None, acc)]
            if len(near) == 1:
                xml, how = near[0], "folder"
            elif len(near) > 1:
                why = f"{len(near)} XML files in its folder and no accession number to choose one"
            else:
                why = f"no XML with accession number {acc}" if acc else "no accession number and no XML in its folder"
        if xml is None:
            result.unmatched.append((_label(f, root), why))
            continue
        used.add(xml)
        add(Pair(_label(f, root), f, xml, how))
    csv_xml = {p.xml.resolve() for p in result.pairs}
    result.unused_xml = [_label(x, root) for x, root in xmls
                         if x not in used and x.resolve() not in csv_xml and (input_name is None or x.name != input_name)]
    return result
