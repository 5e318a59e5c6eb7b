"""The review server: a Starlette app over the bulk store, for one reviewer on 127.0.0.1.

    create_app(store_dir, token=..., threshold=0.9, reviewer=None) -> Starlette

Reading routes (GET) serve the queue, one item's details, page crops and source lines. The one
writing route, POST /api/review, needs the session token in the `X-Review-Token` header. Files are
reached only through the store: an input is looked up by its id, a field by its path among that
input's stored fields; nothing a client sends is used as a file path.

Security beyond the token: only Host 127.0.0.1/localhost is answered (a DNS-rebinding page cannot
read the data), and every response carries a Content-Security-Policy that allows only this
server's own script and styles, so even a value that slipped into markup could not run.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import secrets
import socket
from decimal import Decimal
from pathlib import Path

import simplejson
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..geometry import BBox
from ..model import Record
from .corrections import CorrectionError, field_type_name, parse_correction
from .pages import PageRenderer, SourceUnavailable, StoredInput, read_stored, source_lines
from .revalidate import revalidate

STATIC = Path(__file__).resolve().parent / "static"
TOKEN_HEADER = "x-review-token"
ACTIONS = ("accept", "correct", "unreadable")
QUEUE_LIMIT = 2000          # items sent to the page at once; the counts always cover the whole queue
MAX_TEXT = 2000             # longest correction, reason or reviewer name accepted
SAFE_METHODS = ("GET", "HEAD")
# what each evidence score of confidence.py measures, in the reviewer's words
EVIDENCE_MEANING = {
    "label": "how well the printed label that locates the value matched",
    "fit": "how well the text fits the value's format",
    "position": "how clearly the words belong to this cell or box",
    "structure": "how certain the split of a combined cell (address, wrapped text) is",
    "ocr": "how sure the character recognition was",
    "novel": "words found in no dictionary and nowhere else in the filing (scans)",
    "unnoted": "footnotes that no mark in the tables points to",
    "checks": "form checks that implicate this field",
}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


class JSON(JSONResponse):
    """JSON with Decimal values written exactly (151.95, never 151.9499...)."""

    def render(self, content) -> bytes:
        return simplejson.dumps(content, use_decimal=True, default=_plain, ensure_ascii=False).encode()


def _plain(o):
    if isinstance(o, (dt.date, dt.datetime)):
        return o.isoformat()
    raise TypeError(f"not JSON serializable: {type(o).__name__}")


def shown(value) -> str:
    """A value as the page shows it (the page sets it as text, never as markup)."""
    if value is None:
        return "(blank)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    if isinstance(value, dict):         # a row's marks as a whole, as a correction is typed
        return "; ".join(f"{k}: {shown(v)}" for k, v in value.items()) or "(none)"
    if isinstance(value, (Decimal, int, float)):
        return f"{value:,}"
    return str(value)


def row_prefix(field_path: str) -> str:
    """The row a leaf belongs to: 'non_derivative_transactions[0].' for its cells and footnote
    marks, 'issuer.' for the issuer, '' for the top-level scalars."""
    head, dot, _ = field_path.partition(".")
    return head + dot if dot else ""


def _same_row(prefix: str, path: str) -> bool:
    return path.startswith(prefix) if prefix else "." not in path


class SecurityMiddleware(BaseHTTPMiddleware):
    """State-changing requests need the session token; every response gets the strict headers."""

    def __init__(self, app, token: str):
        super().__init__(app)
        self.token = token

    async def dispatch(self, request: Request, call_next):
        if request.method not in SAFE_METHODS:
            sent = request.headers.get(TOKEN_HEADER, "")
            if not secrets.compare_digest(sent.encode(), self.token.encode()):
                response = JSON({"error": "missing or wrong session token"}, status_code=403)
                return _harden(response)
        return _harden(await call_next(request))


def _harden(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


class Review:
    """The server's state: the store (opened when the server starts), renderer and settings."""

    def __init__(self, threshold: float, reviewer: str | None, roots: list[Path]):
        self.threshold = threshold
        self.reviewer = reviewer
        self.roots = roots
        self.renderer = PageRenderer(roots)
        self.store = None

    # ------------------------------------------------------------------ lookups (store only)
    def stored_input(self, input_id: int) -> tuple[dict, StoredInput] | None:
        row = self.store.input(input_id)
        if row is None:
            return None
        return row, StoredInput(id=input_id, path=row["path"], sha256=row.get("sha256") or "",
                                kind=row.get("kind") or "")

    def field(self, input_id: int, field_path: str) -> dict | None:
        return next((f for f in self.store.fields(input_id) if f["path"] == field_path), None)

    def current_issues(self, input_id: int) -> list[dict]:
        """The issues of the record with every review so far applied, validated again."""
        ext = self.store.corrected_extraction(input_id)
        if not ext.get("record") or not ext.get("template"):
            return list(ext.get("issues") or [])
        try:
            record = Record.model_validate(ext["record"])
        except ValidationError as e:     # corrections are typed, so this means a store out of step
            return [{"code": "record_invalid", "severity": "error", "message": str(e.errors()[0]["msg"])}]
        return [i.model_dump(exclude_none=True) for i in revalidate(record, ext["template"]["id"])]


def _bad(status: int, message: str) -> JSON:
    return JSON({"error": message}, status_code=status)


async def _unavailable(request: Request, exc: SourceUnavailable) -> Response:
    return _bad(exc.status, str(exc))


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _queue_items(group: dict) -> list[dict]:
    return [{"input_id": group["input_id"], "field": f["path"], "confidence": f["confidence"],
             "value": shown(f.get("value"))} for f in group["fields"]]


async def index(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")


async def no_icon(request: Request) -> Response:
    return Response(status_code=204)


async def session(request: Request) -> Response:
    rv: Review = request.app.state.review
    inputs = list(rv.store.inputs())
    return JSON({"reviewer": rv.reviewer, "threshold": rv.threshold,
                 "forms": sorted({i["form"] for i in inputs if i.get("form")}),
                 "statuses": sorted({i["status"] for i in inputs if i.get("status")}),
                 "filings": len(inputs)})


async def queue(request: Request) -> Response:
    rv: Review = request.app.state.review
    qp = request.query_params
    groups = rv.store.review_queue(rv.threshold, form=qp.get("form") or None, field=qp.get("field") or None,
                                   status=qp.get("status") or None)
    items = [it for g in groups for it in _queue_items(g)]
    filings = [{"input_id": g["input_id"], "path": g["path"], "form": g["form"], "status": g["status"],
                "left": len(g["fields"])} for g in groups]
    reviewed = sum(1 for _ in rv.store.audit_log())
    return JSON({"left": len(items), "filings": filings, "reviewed": reviewed, "items": items[:QUEUE_LIMIT]})


async def item(request: Request) -> Response:
    rv: Review = request.app.state.review
    input_id = request.path_params["input_id"]
    found = rv.stored_input(input_id)
    path = request.query_params.get("field", "")
    f = rv.field(input_id, path) if found else None
    if f is None:
        return _bad(404, "no such field in the store")
    row, _ = found
    ext = rv.store.extraction(input_id)
    # the row as it now stands: reviewed fields show their reviewed value and confidence
    current = {g["path"]: g for g in rv.store.corrected_extraction(input_id).get("fields", [])}
    prefix = row_prefix(path)
    neighbours = [{"field": g, "name": g[len(prefix):], "value": shown(c.get("value")),
                   "confidence": c.get("confidence"), "self": g == path}
                  for g, c in current.items() if _same_row(prefix, g)]
    machine_issues = [i for i in ext.get("issues") or [] if (i.get("path") or "").startswith(prefix or path)]
    current_issues = [i for i in rv.current_issues(input_id) if (i.get("path") or "").startswith(prefix or path)]
    evidence = f.get("evidence") or {}
    bbox = f.get("bbox")
    page = f.get("page")
    kind = row.get("kind")
    view: dict = {"kind": "none"}
    if kind in ("text", "html") and f.get("line"):
        view = {"kind": "lines", "line": f["line"]}
    elif page:
        view = {"kind": "image", "page": page, "bbox": bbox}
    return JSON({
        "input_id": input_id, "input_path": row["path"], "form": row.get("form"), "source_kind": kind,
        "field": path, "value": shown(f.get("value")), "raw_value": f.get("value"),
        "type": field_type_name(path), "text": f.get("text") or "", "confidence": f["confidence"],
        "evidence": [{"name": k, "score": v, "meaning": EVIDENCE_MEANING.get(k, "")}
                     for k, v in sorted(evidence.items(), key=lambda kv: kv[1])],
        "issues": machine_issues, "current_issues": current_issues, "row": neighbours, "view": view,
    })


async def crop(request: Request) -> Response:
    """The page around a field, its box highlighted (`?full=1`: the whole page)."""
    rv: Review = request.app.state.review
    input_id = request.path_params["input_id"]
    found = rv.stored_input(input_id)
    f = rv.field(input_id, request.query_params.get("field", "")) if found else None
    if f is None or not f.get("page"):
        return _bad(404, "no page position for this field")
    bbox = BBox(*(float(v) for v in f["bbox"])) if f.get("bbox") else None
    png = rv.renderer.png(found[1], f["page"], bbox, crop=request.query_params.get("full") != "1")
    return Response(png, media_type="image/png")


async def page_image(request: Request) -> Response:
    """One whole page of a stored input, by input id and page number only."""
    rv: Review = request.app.state.review
    found = rv.stored_input(request.path_params["input_id"])
    if found is None:
        return _bad(404, "no such input in the store")
    return Response(rv.renderer.png(found[1], request.path_params["page"]), media_type="image/png")


async def source(request: Request) -> Response:
    """Source lines around a line of a text input."""
    rv: Review = request.app.state.review
    found = rv.stored_input(request.path_params["input_id"])
    line = _int(request.query_params.get("line"))
    if found is None or found[1].kind not in ("text", "html") or not line or line < 1:
        return _bad(404, "no source lines for this input")
    return JSON({"lines": source_lines(read_stored(found[1], rv.roots), line)})


async def review(request: Request) -> Response:
    """Accept, correct or mark unreadable one field; the record is validated again afterwards."""
    rv: Review = request.app.state.review
    try:
        body = await request.json()
    except ValueError:
        return _bad(400, "the body must be JSON")
    if not isinstance(body, dict):
        return _bad(400, "the body must be a JSON object")
    input_id, path, action = body.get("input_id"), body.get("field"), body.get("action")
    reviewer = rv.reviewer or str(body.get("reviewer") or "").strip()
    reason = str(body.get("reason") or "").strip()
    typed = "" if body.get("value") is None else str(body["value"])
    if action not in ACTIONS:
        return _bad(400, f"action must be one of {', '.join(ACTIONS)}")
    if not reviewer:
        return _bad(400, "a reviewer name is needed")
    if max(len(reviewer), len(reason), len(typed)) > MAX_TEXT:
        return _bad(400, "text too long")
    if not isinstance(input_id, int) or not isinstance(path, str) or rv.stored_input(input_id) is None \
            or rv.field(input_id, path) is None:
        return _bad(404, "no such field in the store")
    new_value = None
    if action == "correct":
        try:
            new_value = parse_correction(path, typed)
        except CorrectionError as e:
            return _bad(422, str(e))
    before = rv.current_issues(input_id)
    review_id = rv.store.add_review(input_id, path, action, new_value, reviewer, reason)
    after = rv.current_issues(input_id)
    key = lambda i: (i.get("code"), i.get("path"), i.get("message"))  # noqa: E731
    before_keys, after_keys = {key(i) for i in before}, {key(i) for i in after}
    return JSON({"review_id": review_id, "value": shown(new_value) if action == "correct" else None,
                 "cleared": [i for i in before if key(i) not in after_keys],
                 "raised": [i for i in after if key(i) not in before_keys],
                 "issues": after})


async def audit(request: Request) -> Response:
    rv: Review = request.app.state.review
    return JSON({"entries": list(rv.store.audit_log())})


def create_app(store_dir: str | Path, *, token: str, threshold: float = 0.9, reviewer: str | None = None,
               roots: list[Path] | None = None) -> Starlette:
    """The review app over the store in `store_dir`. `roots`: folders relative input paths are
    resolved against (default: the working folder, then the store's folder and its parent)."""
    from ..bulk.store import Store
    store_dir = Path(store_dir)
    if roots is None:
        roots = [Path.cwd(), store_dir, store_dir.parent]
    rv = Review(threshold, reviewer, roots)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        # opened here, in the server's event-loop thread, where every request is handled
        rv.store = Store(store_dir)
        try:
            yield
        finally:
            rv.store.close()

    routes = [
        Route("/", index),
        Route("/favicon.ico", no_icon),
        Route("/api/session", session),
        Route("/api/queue", queue),
        Route("/api/item/{input_id:int}", item),
        Route("/api/source/{input_id:int}", source),
        Route("/api/review", review, methods=["POST"]),
        Route("/api/audit", audit),
        Route("/crop/{input_id:int}", crop),
        Route("/page/{input_id:int}/{page:int}", page_image),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost"]),
                  Middleware(SecurityMiddleware, token=token)]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={SourceUnavailable: _unavailable})
    app.state.review = rv
    return app


def listen(port: int = 0) -> socket.socket:
    """A listening socket on 127.0.0.1 only (port 0: a free one, chosen by the system)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
        sock.listen(64)
    except OSError:
        sock.close()
        raise
    return sock


def make_server(app: Starlette):
    """A uvicorn server for the app; `.run(sockets=[listen()])` serves until Ctrl-C."""
    import uvicorn
    return uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
