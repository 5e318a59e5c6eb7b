"""Development: scans of a corpus's born-digital PDFs, made the way the corpus's scans are.

The corpus has scans of 30 Form 4 filings only; the scorer is also run on scans we do not have.
This renders each case's `form.pdf` at DPI and degrades it within the ranges its README and
manifests give for the corpus scans (grey, turned up to 2 degrees, blurred, noisy, contrast and
brightness off, JPEG-compressed, image-only PDF), into OUT/<case>/scan-<DPI>.pdf beside a link to
the case's truth.json, so that `score.py` and `quick_score.py` run on OUT as on a corpus folder.
Each case's degradation is seeded by its name and DPI: the same scans every run.

Two sets apart: development scores on the first 20 Form 3, 15 Form 5 and 24 Form 4 filings
without a scan of their own, at 200 dpi (`--limit`); `make calibrate` fits the scan model on the
rest (`--skip`), at 200 and 150 dpi.

    .venv/bin/python scripts/simulate_scans.py ../shared/corpus/form3 /tmp/sim/form3 --dpi 200 [--skip 20] [--limit 20] [--unscanned]
    python3 ../shared/tools/score.py run --cmd '.venv/bin/extract {input}' --corpus /tmp/sim/form3 --input scan-200.pdf
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter


def simulate(case: Path, out: Path, dpi: int) -> Path:
    rnd = random.Random(f"{case.name}-{dpi}")
    # the corpus manifests' ranges: blur grows with the resolution (0.72 px at 150 dpi, 1.6 at 300)
    angle, blur, noise = rnd.uniform(-2, 2), rnd.uniform(0, dpi / 190), rnd.uniform(2, 12)
    quality, contrast, brightness = rnd.randint(35, 85), rnd.uniform(0.8, 1.15), rnd.uniform(-17, 8)
    noise_rng = np.random.default_rng(rnd.randint(0, 1 << 30))
    doc = pdfium.PdfDocument(str(case / "form.pdf"))
    try:
        pages = []
        for i in range(len(doc)):
            im = doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            im = im.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
            if blur > 0.05:
                im = im.filter(ImageFilter.GaussianBlur(blur))
            a = (np.asarray(im, dtype=np.float32) - 128) * contrast + 128 + brightness
            a += noise_rng.normal(0, noise, a.shape)
            pages.append(Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)))
    finally:
        doc.close()
    folder = out / case.name
    folder.mkdir(parents=True, exist_ok=True)
    truth = folder / "truth.json"
    if not truth.exists():
        truth.symlink_to((case / "truth.json").resolve())
    target = folder / f"scan-{dpi}.pdf"
    pages[0].save(target, save_all=True, append_images=pages[1:], resolution=dpi, quality=quality)
    return target


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--skip", type=int, default=0, help="leave out the first SKIP cases (a set apart from another)")
    ap.add_argument("--unscanned", action="store_true", help="only the cases that have no scan of their own")
    a = ap.parse_args()
    cases = sorted(d for d in a.corpus.iterdir() if (d / "truth.json").is_file() and (d / "form.pdf").is_file()
                   and not (a.unscanned and any(d.glob("scan-*.pdf"))))
    for case in cases[a.skip:][:a.limit]:
        print(simulate(case, a.out, a.dpi))


if __name__ == "__main__":
    main()
