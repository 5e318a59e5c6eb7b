"""`extract(path)`: one input -> one `Extraction`. Wires the stages; nothing else."""
from __future__ import annotations

from pathlib import Path

from .assemble import assemble
from .box_reread import reread_boxes
from .cell_reread import reread_cells
from .confidence import REVIEW_THRESHOLD, DocumentWords, confidence, evidence_of
from .detect import detect_template
from .errors import ExtractError
from .exact import exact_extraction
from .flow import build_flow
from .label_reread import reread_garbled_labels
from .layout import analyze
from .match import Matcher
from .model import Extraction, Issue, Source, TemplateRef
from .ocr_repair import repair_ocr
from .output import build_record, field_entries, leaves
from .page import OCR_KINDS
from .sources import load_document, read_input
from .templates import resolve_template
from .validate import issues_by_path, validate

DEFAULT_THRESHOLD = REVIEW_THRESHOLD


def extract(path: str, *, data: bytes | None = None, threshold: float = DEFAULT_THRESHOLD,
            template: str | None = None, debug_dir: Path | None = None, ocr: str = "auto") -> Extraction:
    """Read one filing (PDF, scan, image, text rendering, HTML or EDGAR XML) into a validated
    record with per-field confidence. Raises `ExtractError` for input that cannot be read.
    `debug_dir`: also write the pages with what the analyzer found drawn on them. `ocr`: `auto`
    (scanned pages and images are OCR'd), `always` (every page is), `never` (they are refused)."""
    if data is None:
        data = read_input(path)
    doc = load_document(path, data, ocr=ocr)
    source = Source(path=path, sha256=doc.sha256, kind=doc.kind, pages=max(1, len(doc.pages)), style=doc.style)
    if doc.exact_record is not None:            # EDGAR XML: the filer's own data, no layout to read
        return exact_extraction(source, doc.exact_record)
    flow = build_flow(doc)
    matcher = Matcher(flow)
    tmpl, tconf = detect_template(matcher, resolve_template(template))
    layout = analyze(flow, matcher, tmpl)
    if reread_garbled_labels(layout):           # scans: a header line whose box labels OCR garbled, read again by box
        flow = build_flow(doc)
        matcher = Matcher(flow)
        layout = analyze(flow, matcher, tmpl)
    try:
        reread_boxes(layout)                    # scans: names the page reading dropped, read again alone
        reread_cells(layout)                    # scans: doubtful table cells read again from the page image
        draft = assemble(layout)
    finally:
        for page in doc.pages:                  # scans: the page images are not needed past here
            page.image = None
    repairs = repair_ocr(draft) if doc.kind in OCR_KINDS else []
    issues = validate(draft, tmpl) + repairs
    by_path = issues_by_path(issues)
    evidence, confidences = {}, {}
    dpi = min((page.image_dpi for page in doc.pages if page.image_dpi), default=None)
    found = list(leaves(draft))
    words = DocumentWords.of(found, ocr=doc.kind in OCR_KINDS)
    for p, c in found:
        evidence[p] = evidence_of(p, c, by_path.get(p, []), dpi, words)
        confidences[p] = confidence(p, c, evidence[p], doc.style)
    record = build_record(draft)
    fields = field_entries(draft, flow, confidences, evidence)
    low = any(f.confidence < threshold for f in fields)
    errors = any(i.severity == "error" for i in issues)
    status = "needs_review" if low or errors else "ok"
    ex = Extraction(source=source, template=TemplateRef(id=tmpl.id, confidence=tconf), status=status,
                    record=record, fields=fields, issues=issues)
    if debug_dir is not None:
        from .debug_image import write_debug_images
        write_debug_images(layout, ex, data, Path(debug_dir), threshold)
    return ex


_KIND_OF_SNIFF = {"pdf": "pdf", "image": "image", "xml": "xml", "submission": "xml", "html": "html", "text": "text"}


def failed(path: str, err: ExtractError, sha256: str = "", kind: str = "pdf", *,
           data: bytes | None = None) -> Extraction:
    """The contract's shape for an input that could not be read: record null, the reason in issues.
    With the input's bytes, its hash and kind are reported too."""
    if data is not None:
        import hashlib

        from .sources import sniff
        sha256 = hashlib.sha256(data).hexdigest()
        kind = _KIND_OF_SNIFF.get(sniff(data), "text") if data.strip() else kind
    return Extraction(source=Source(path=path, sha256=sha256, kind=kind, pages=0), template=None,
                      status="failed", record=None, fields=[],
                      issues=[Issue(code=err.code, severity="error", message=err.message)])
