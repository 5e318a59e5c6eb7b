"""Regenerate extractor/data/english_words.txt.gz: the English words of pyspellchecker's word
frequency list (a dev dependency), letters only, one per line. spelling.py checks OCR'd prose
against it; a plain sorted list loads in ~20 ms, the library's own JSON in ~90 ms, which a
cold `extract` on a scan would pay every time.

    .venv/bin/python scripts/build_wordlist.py
"""
import gzip
import json
from pathlib import Path

import spellchecker

src = Path(spellchecker.__file__).parent / "resources" / "en.json.gz"
words = sorted(w for w in json.loads(gzip.open(src).read()) if w.isalpha() and w.isascii())
out = Path(__file__).resolve().parents[1] / "extractor" / "data" / "english_words.txt.gz"
with gzip.open(out, "wt", compresslevel=9) as f:
    f.write("\n".join(words) + "\n")
print(f"{len(words)} words -> {out}")
