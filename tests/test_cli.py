"""The `extract` command as a user runs it: the installed `.venv/bin/extract`, in a subprocess.

Bad input must give one clear line on stderr (never a traceback), the documented exit code
(README, extractor/errors.py), and still a `status: failed` object on stdout; with several files
the others still come out, in order.
"""
from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from extractor import errors

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
PDF = SAMPLES / "form4-edgar-render.pdf"            # one page, status ok
MULTI_PAGE_PDF = SAMPLES / "form4-multi-owner.pdf"  # three pages
TEXT = SAMPLES / "form4-seed.md"
EXTRACT = Path(sys.executable).parent / "extract"


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    assert EXTRACT.exists(), f"{EXTRACT} is not installed: run `make venv`"
    return subprocess.run([str(EXTRACT), *args], input=stdin, capture_output=True, timeout=120, cwd=ROOT)


def json_lines(out: bytes) -> list[dict]:
    return [json.loads(line) for line in out.decode().splitlines() if line.strip()]


# ---------------------------------------------------------------------------- bad inputs
def encrypted_pdf(path: Path) -> None:
    """A real Form 4 behind a user password (AES-256): pdfium cannot open it without one."""
    with pikepdf.open(PDF) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(owner="owner-secret", user="user-secret", R=6))


def letter_pdf(path: Path) -> None:
    """A valid PDF with a real text layer that is not an SEC form at all."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(612, 792))
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    lines = ["Quarterly newsletter of the garden club",
             "Our spring meeting is on the first Tuesday of April, at seven in the evening.",
             "Bring seeds to swap, a dish to share and a friend who likes tomatoes."]
    ops = "BT /F1 12 Tf 72 720 Td 16 TL " + " ".join(f"({s}) Tj T*" for s in lines) + " ET"
    page.Contents = pdf.make_stream(ops.encode())
    pdf.save(path)


def make_bad_input(kind: str, tmp: Path) -> Path:
    if kind == "empty":
        p = tmp / "empty.pdf"
        p.write_bytes(b"")
    elif kind == "truncated":
        p = tmp / "truncated.pdf"
        p.write_bytes(PDF.read_bytes()[:3072])
    elif kind == "encrypted":
        p = tmp / "encrypted.pdf"
        encrypted_pdf(p)
    elif kind == "junk":
        p = tmp / "junk.pdf"
        p.write_bytes(random.Random(4).randbytes(4096))
    elif kind == "not_a_form":
        p = tmp / "newsletter.pdf"
        letter_pdf(p)
    elif kind == "missing":
        p = tmp / "no-such-file.pdf"
    elif kind == "folder":
        p = tmp / "a-folder"
        p.mkdir()
    else:
        raise ValueError(kind)
    return p


BAD_INPUTS = {   # kind -> (exit code, issue code)
    "empty": (errors.EXIT_CORRUPT, "corrupt_input"),
    "truncated": (errors.EXIT_CORRUPT, "corrupt_input"),
    "encrypted": (errors.EXIT_ENCRYPTED, "encrypted_pdf"),
    "junk": (errors.EXIT_CORRUPT, "corrupt_input"),
    "not_a_form": (errors.EXIT_NOT_A_FORM, "not_a_supported_form"),
    "missing": (errors.EXIT_UNREADABLE, "file_unreadable"),
    "folder": (errors.EXIT_UNREADABLE, "file_unreadable"),
}


@pytest.mark.parametrize("kind", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_and_its_exit_code(kind, tmp_path):
    """Guards against a traceback, a silent exit 0, a wrong exit code (e.g. 4 'corrupt' for a
    password-protected PDF, which the user fixes differently), or nothing on stdout."""
    path = make_bad_input(kind, tmp_path)
    exit_code, issue_code = BAD_INPUTS[kind]
    r = run(str(path))
    err = r.stderr.decode()
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, f"stderr should be one line, got:\n{err}"
    assert err.startswith(f"extract: {path}: "), err
    assert r.returncode == exit_code, (r.returncode, err)
    [obj] = json_lines(r.stdout)
    assert obj["status"] == "failed" and obj["record"] is None
    assert obj["source"]["path"] == str(path)
    assert [i["code"] for i in obj["issues"]] == [issue_code]
    assert obj["issues"][0]["severity"] == "error" and obj["issues"][0]["message"] in err


def test_exit_codes_are_the_documented_ones():
    """The README table and errors.py must not drift apart: a script branching on `$?` reads the README."""
    readme = (ROOT / "README.md").read_text()
    for code, words in [(errors.EXIT_UNREADABLE, "missing"), (errors.EXIT_CORRUPT, "truncated"),
                        (errors.EXIT_ENCRYPTED, "password"), (errors.EXIT_NOT_A_FORM, "not a form"),
                        (errors.EXIT_INTERNAL, "internal")]:
        row = next((ln for ln in readme.splitlines() if ln.startswith(f"| {code} |")), None)
        assert row is not None and words in row.lower(), f"README has no exit-code row for {code} ({words})"


def test_bad_file_in_the_middle_does_not_stop_the_others(tmp_path):
    """Guards against a run that stops at the first bad file, or reorders the outputs."""
    bad = make_bad_input("junk", tmp_path)
    r = run(str(PDF), str(bad), str(TEXT))
    out = json_lines(r.stdout)
    assert [o["source"]["path"] for o in out] == [str(PDF), str(bad), str(TEXT)]
    assert [o["status"] == "failed" for o in out] == [False, True, False]
    assert out[0]["record"]["issuer"]["trading_symbol"] and out[2]["record"]["issuer"]["trading_symbol"] == "QLYS"
    assert r.returncode == errors.EXIT_CORRUPT
    assert len(r.stderr.decode().splitlines()) == 1


def test_first_failure_sets_the_exit_code(tmp_path):
    """README: with several inputs the exit code is that of the first failure."""
    r = run(str(make_bad_input("missing", tmp_path)), str(make_bad_input("encrypted", tmp_path)))
    assert r.returncode == errors.EXIT_UNREADABLE
    assert len(r.stderr.decode().splitlines()) == 2


# ---------------------------------------------------------------------------- options
def test_dash_reads_a_text_rendering_from_stdin():
    r = run("-", stdin=TEXT.read_bytes())
    assert r.returncode == 0, r.stderr
    obj = json.loads(r.stdout)
    assert obj["source"]["path"] == "-" and obj["source"]["kind"] == "text"
    assert obj["record"]["issuer"]["trading_symbol"] == "QLYS"


def test_same_record_from_stdin_as_from_the_file():
    from_file = json.loads(run(str(TEXT)).stdout)
    from_stdin = json.loads(run("-", stdin=TEXT.read_bytes()).stdout)
    assert from_stdin["record"] == from_file["record"]
    assert from_stdin["source"]["sha256"] == from_file["source"]["sha256"]


def test_pretty_is_indented_and_the_same_object():
    plain = run(str(PDF))
    pretty = run(str(PDF), "--pretty")
    assert len(plain.stdout.decode().strip().splitlines()) == 1
    assert len(pretty.stdout.decode().splitlines()) > 50 and pretty.stdout.decode().startswith("{\n  ")
    assert json.loads(pretty.stdout) == json.loads(plain.stdout)


def test_threshold_decides_the_status():
    """Status is needs_review exactly when a field is below --threshold (no error issues here):
    guards against the option being ignored or compared the wrong way round."""
    base = json.loads(run(str(PDF)).stdout)
    assert not any(i["severity"] == "error" for i in base["issues"])
    lowest = min(f["confidence"] for f in base["fields"])
    assert lowest < 1.0, "the sample needs a field below 1.0 for this test"
    at = json.loads(run(str(PDF), "--threshold", str(lowest)).stdout)
    above = json.loads(run(str(PDF), "--threshold", str(min(1.0, lowest + 0.0001))).stdout)
    assert at["status"] == "ok"
    assert above["status"] == "needs_review"
    assert above["record"] == at["record"]


def test_threshold_out_of_range_is_a_usage_error():
    r = run(str(PDF), "--threshold", "1.5")
    assert r.returncode == errors.EXIT_USAGE
    assert "Traceback" not in r.stderr.decode() and r.stdout == b""


def test_debug_image_writes_one_png_per_page(tmp_path):
    out_dir = tmp_path / "debug"
    r = run(str(MULTI_PAGE_PDF), "--debug-image", str(out_dir))
    assert r.returncode == 0, r.stderr
    pages = json.loads(r.stdout)["source"]["pages"]
    pngs = sorted(out_dir.glob("*.png"))
    assert pages == 3 and len(pngs) == pages
    for p in pngs:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and p.stat().st_size > 10_000


def test_help_lists_the_options():
    r = run("file", "--help")
    assert r.returncode == 0
    for opt in ("--pretty", "--threshold", "--template", "--debug-image"):
        assert opt in r.stdout.decode()


def test_broken_template_is_one_line_per_file(tmp_path):
    """A template with a typo (`widht:`) must be reported like any other bad input, not as a traceback."""
    import yaml
    data = yaml.safe_load((ROOT / "templates" / "form4.yaml").read_text())
    data["tables"][0]["columns"][0]["widht"] = 3
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(data))
    r = run(str(PDF), "--template", str(broken))
    err = r.stderr.decode()
    assert "Traceback" not in err and len(err.splitlines()) == 1 and "widht" in err
    assert r.returncode != 0
    assert json.loads(r.stdout)["status"] == "failed"


@pytest.mark.slow
def test_debug_image_draws_on_a_scan_and_a_page_image(tmp_path):
    """`--debug-image` wrote nothing for scans and page images (it drew on pdfplumber's rendering
    of born-digital PDFs only): the picture is wanted most where OCR makes the layout hard."""
    import numpy as np
    from PIL import Image

    from extractor.api import extract as extract_with
    out = tmp_path / "debug"
    scan = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "form4" / "datamule-0023" / "scan-150.pdf"
    extract_with(str(scan), debug_dir=out)
    png = tmp_path / "page.png"
    Image.open(out / "scan-150-p1.png").save(png, dpi=(110, 110))
    extract_with(str(png), debug_dir=out)
    for name in ("scan-150-p1.png", "page-p1.png"):
        px = np.asarray(Image.open(out / name).convert("RGB")).astype(int)
        r, g, b = px[..., 0], px[..., 1], px[..., 2]
        assert px.shape[1] > 800
        reds = int(((r > 150) & (g < 120) & (b < 120)).sum())
        greens = int(((g > 120) & (r < 100) & (b < 100)).sum())
        assert greens > 300 and reds > 100                   # fields drawn, not just the page
