"""Scans put on the glass sideways or upside down: the page turned upright before it is read.

Deskewing (imageprep.py) straightens a page a few degrees off square; a page scanned a quarter or
half turn round is another matter, and no form is found on it. Tesseract gives such a page away:
- upside down (or a quarter turn one way), it reads junk it is unsure of: the median confidence of
  a page's words is at least 0.73 on every upright page of the corpus's scans and the development
  scans (400 pages, 150 to 300 dpi), about 0.3 on the same pages turned round;
- a quarter turn the other way, it reads the lines downwards, well, but its word boxes stand
  upright: taller than wide for at most 0.26 of the words of three letters or more on those
  upright pages, for all of them on a page lying on its side.
Only such a page is looked at again: Tesseract's orientation detection (its `osd` model, the
Debian package tesseract-ocr-osd; ~0.25 s a page) says how far it is turned, the page is
prepared and read again that way up, and the reading that looks more upright is kept. A page
read upright costs nothing more.
"""
from __future__ import annotations

import statistics
import threading

from PIL import Image

from ..page import Page

UNREAD_CONF = 0.6       # a page whose words' median confidence is below this may be turned round ...
TALL_SHARE = 0.6        # ... or with this share of its words taller than wide ...
MIN_WORDS = 20          # ... if it has this many words (a page with a signature only says little)
MIN_ORIENT_CONF = 1.0   # Tesseract's orientation confidence needed to turn a page (upright and turned
                        # corpus pages: 6 to 9; below 1 it is a guess)
TURNS = (90, 180, 270)
_osd = None
_osd_lock = threading.Lock()


def median_conf(page: Page) -> float:
    return statistics.median(w.conf for w in page.words) if page.words else 0.0


def tall_share(page: Page) -> float:
    """The share of the page's words of three characters or more whose box is taller than wide."""
    words = [w for w in page.words if len(w.text) >= 3]
    return sum(w.bbox.height > w.bbox.width for w in words) / len(words) if words else 0.0


def may_be_turned(page: Page) -> bool:
    """The page reads like one scanned the wrong way round (see the module docstring)."""
    return len(page.words) >= MIN_WORDS and (median_conf(page) < UNREAD_CONF or tall_share(page) > TALL_SHARE)


def uprightness(page: Page) -> float:
    """How upright a reading looks: sure words lying flat (compares two readings of a page)."""
    return median_conf(page) * (1.0 - tall_share(page))


def upright_turn(img: Image.Image, dpi: float) -> int:
    """Degrees to turn the page image counter-clockwise (PIL's Image.rotate) to set it upright:
    90, 180 or 270, else 0 (upright, or Tesseract cannot tell)."""
    global _osd
    import tesserocr

    from ..errors import CorruptInput
    from .ocr import tessdata_dir
    with _osd_lock:
        if _osd is None:
            try:
                _osd = tesserocr.PyTessBaseAPI(path=tessdata_dir("osd"), lang="osd", psm=tesserocr.PSM.OSD_ONLY)
            except CorruptInput:
                return 0            # no osd model: the page is read as it lies
        _osd.SetImage(img)
        _osd.SetSourceResolution(round(dpi))
        found = _osd.DetectOrientationScript()
        _osd.Clear()
    if not found or found.get("orient_conf", 0.0) < MIN_ORIENT_CONF:
        return 0
    turn = int(found.get("orient_deg", 0)) % 360
    return turn if turn in TURNS else 0
