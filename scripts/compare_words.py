"""Do pypdfium2 chars -> words and pdfplumber's extract_words(use_text_flow=True) give the same words?"""
import sys, glob
from extractor.sources.pdf import read_pdf_pages, plumber_words
tot = same = pages = 0
bad = []
for f in sys.argv[1:]:
    data = open(f, "rb").read()
    pp, _ = read_pdf_pages(data)
    for i, p in enumerate(pp):
        ref, _, _ = plumber_words(data, i)
        a = [w.text for w in p.words]
        b = [w.text for w in ref]
        pages += 1
        tot += len(b)
        sa = sorted(a); sb = sorted(b)
        import collections
        ca, cb = collections.Counter(a), collections.Counter(b)
        common = sum((ca & cb).values())
        same += common
        if ca != cb:
            bad.append((f, i, list((ca - cb).items())[:3], list((cb - ca).items())[:3]))
print(f"pages {pages} words {tot} identical {same} ({same/tot:.4%})")
for b in bad[:10]: print(b)
