"""The HTTP side of ``masa-docs serve``: a small threaded server from the standard library.

Routes (``GET`` pages, ``POST`` JSON only):

==========================  ============================================================
``/``                       overview: documents, compliance, content files, problems
``/preview/<document>``     a document's web page, with the problems above it; reloads itself
``/check``                  the compliance check and the deadlines
``/edit/<file>``            the form for one content file, generated from its JSON Schema
``/static/<name>``          the editor's script and stylesheet (package data)
``/api/state``              generation counter and file hashes (polled by open pages)
``/api/file?path=<file>``   schema, data, hash and reference choices for the form
``POST /api/validate``      the problems the folder would have with the form's values
``POST /api/save``          write the form (round-trip YAML, atomic), or 409 / 422
``POST /api/markdown``      narrative as the documents render it (safe Markdown)
==========================  ============================================================

Safety: only content files are reachable (:mod:`.files`); every POST needs the token made at
start-up in the ``X-CSRF-Token`` header and a JSON body; requests whose ``Origin`` is not this
server, or that browsers mark as cross-site, are refused; the ``Host`` header must name this
server (against DNS rebinding) when it listens on the loopback interface only; a strict
Content-Security-Policy allows scripts from this server only.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import logging
import os
import re
import threading
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .. import __version__
from ..errors import MasaError
from .app import EditorApp, NotFound
from .files import FileRefused
from .preview import PREVIEW_DOCUMENTS
from .validation import Located, relative_to_root
from .yamledit import EditError

log = logging.getLogger(__name__)

MAX_BODY = 4 * 1024 * 1024
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def editor_link(p: Located) -> str | None:
    """The editor page for a problem, with the field to focus."""
    if p.rel is None:
        return None
    url = f"/edit/{quote(p.rel)}"
    if p.diagnostic.field_path:
        url += "?field=" + quote(p.diagnostic.field_path, safe="")
    return url


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    app: EditorApp
    allowed_hosts: frozenset[str] | None  # None: any Host header (listening beyond loopback)

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):  # a tab closed while it was answered
            log.debug("connection from %s ended early", client_address)
            return
        super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    server: _Server
    _client_close = False
    server_version = f"masa-docs/{__version__}"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    # ---- plumbing

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    @property
    def app(self) -> EditorApp:
        return self.server.app

    @property
    def _url(self) -> Any:
        # Not cached: with HTTP/1.1 keep-alive one handler object serves many requests.
        return urlsplit(self.path)

    def _send(self, status: int, body: bytes, ctype: str, headers: Iterable[tuple[str, str]] = ()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        for name, value in headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, obj: Any) -> None:
        body = json.dumps(obj, ensure_ascii=False, default=str).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8")

    def _html(self, status: int, text: str) -> None:
        self._send(status, text.encode("utf-8"), "text/html; charset=utf-8")

    def _error(self, status: int, message: str) -> None:
        if self._url.path.startswith("/api/"):
            self._json(status, {"error": message})
        else:
            # No token on an error page: a refused request (foreign Host or Origin) must not get one.
            page = self.server_page("error.html", title=HTTPStatus(status).phrase, message=message, token="")
            self._html(status, page)

    def server_page(self, template: str, **ctx: Any) -> str:
        ctx.setdefault("token", self.app.token)
        return (
            _env()
            .get_template(template)
            .render(
                documents=PREVIEW_DOCUMENTS,
                generation=self.app.preview.generation,
                editor_link=editor_link,
                **ctx,
            )
        )

    # ---- request checks

    def _refused(self) -> str | None:
        """Why this request is refused (wrong Host, foreign Origin, cross-site), or None."""
        host = self.headers.get("Host", "")
        allowed = self.server.allowed_hosts
        if allowed is not None and host not in allowed:
            return "unexpected Host header"
        origin = self.headers.get("Origin")
        if origin is not None and origin != f"http://{host}":
            return "requests from other origins are refused"
        if self.headers.get("Sec-Fetch-Site") in ("cross-site", "same-site"):
            return "cross-site requests are refused"
        return None

    def _body(self) -> dict[str, Any] | None:
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if ctype != "application/json":
            self._error(415, "send JSON (Content-Type: application/json)")
            return None
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._error(411, "Content-Length is required")
            return None
        if length > MAX_BODY:
            self._error(413, "request too large")
            return None
        raw = self.rfile.read(length)
        self.close_connection = self._client_close  # the body is read: the connection may go on
        try:
            data = json.loads(raw, parse_float=Decimal)
        except (ValueError, UnicodeDecodeError):
            self._error(400, "the body is not JSON")
            return None
        if not isinstance(data, dict):
            self._error(400, "the body must be a JSON object")
            return None
        return data

    # ---- methods

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        reason = self._refused()
        if reason:
            self._error(403, reason)
            return
        try:
            self._get(self._url.path, parse_qs(self._url.query))
        except (NotFound, FileRefused):
            self._error(404, "not found")
        except MasaError as exc:
            self._error(422, exc.message + (f" ({exc.hint})" if exc.hint else ""))

    def do_POST(self) -> None:
        # Until the body is read, an answer must end the connection: the unread body would
        # otherwise be taken for the next request on a kept-alive connection.
        self._client_close = self.close_connection
        self.close_connection = True
        reason = self._refused()
        if reason:
            self._error(403, reason)
            return
        if not self.app.check_token(self.headers.get("X-CSRF-Token")):
            self._error(403, "missing or wrong token: reload the page")
            return
        body = self._body()
        if body is None:
            return
        try:
            self._post(self._url.path, body)
        except (NotFound, FileRefused):
            self._error(404, "not found")
        except EditError as exc:
            self._error(400, str(exc))
        except MasaError as exc:
            self._error(422, exc.message + (f" ({exc.hint})" if exc.hint else ""))

    def do_PUT(self) -> None:
        self._error(405, "method not allowed")

    do_DELETE = do_PATCH = do_PUT

    # ---- GET routes

    def _get(self, path: str, query: dict[str, list[str]]) -> None:
        app, preview = self.app, self.app.preview
        if path == "/":
            self._html(
                200, self.server_page("index.html", title="Overview", preview=preview, files=app.files())
            )
        elif path.startswith("/preview/"):
            periods = query.get("period") or []
            self._preview(path[len("/preview/") :], periods[0] if periods else None)
        elif path == "/check":
            from ..check import CONFIDENCE_WORDS, STATUS_WORDS, verdict

            report = preview.check()
            page = self.server_page(
                "check.html",
                title="Compliance check",
                preview=preview,
                report=report,
                verdict=verdict,
                status_words=STATUS_WORDS,
                confidence_words=CONFIDENCE_WORDS,
                location_link=self._location_link,
            )
            self._html(200, page)
        elif path.startswith("/edit/"):
            cf = app.file(unquote(path[len("/edit/") :]))
            self._html(200, self.server_page("edit.html", title=f"Edit {cf.title}", file=cf))
        elif path.startswith("/static/"):
            self._static(path[len("/static/") :])
        elif path == "/api/state":
            self._json(
                200,
                {
                    "generation": preview.generation,
                    "valid": preview.valid,
                    "problems": len(preview.problems),
                    "hashes": preview.hashes,
                },
            )
        elif path == "/favicon.ico":
            self._send(204, b"", "image/x-icon")
        elif path == "/api/file":
            self._json(200, app.file_payload((query.get("path") or [""])[0]))
        else:
            self._error(404, "not found")

    def _location_link(self, where: Any) -> str | None:
        rel = relative_to_root(self.app.root, where.file)
        if rel is None:
            return None
        url = f"/edit/{quote(rel)}"
        return url + ("?field=" + quote(where.field, safe="") if where.field else "")

    def _static(self, name: str) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9-]*\.(js|css)", name):
            self._error(404, "not found")
            return
        resource = resources.files("masa_docs.serve").joinpath("static", name)
        if not resource.is_file():
            self._error(404, "not found")
            return
        self._send(200, resource.read_bytes(), STATIC_TYPES[Path(name).suffix])

    def _preview(self, doc: str, period: str | None) -> None:
        names = dict(PREVIEW_DOCUMENTS)
        if doc not in names:
            self._error(404, "not found")
            return
        preview = self.app.preview
        if period is not None and (preview.loaded is None or period not in preview.loaded.content.reports):
            self._error(404, "no yearly report for that period")
            return
        page = preview.page(doc, period)
        bar = self.server_page(
            "bar.html", preview=preview, doc=doc, title=names[doc], error=page.error, in_bar=True
        )
        if page.html is None:
            self._html(
                200,
                self.server_page(
                    "nopreview.html", title=names[doc], preview=preview, doc=doc, error=page.error
                ),
            )
            return
        self._html(200, inject(page.html, bar, self.app.preview.generation))

    # ---- POST routes

    def _post(self, path: str, body: dict[str, Any]) -> None:
        app = self.app
        rel = str(body.get("path", ""))
        if path == "/api/validate":
            problems = app.validate(rel, body)
            self._json(200, {"problems": [p.as_dict() for p in problems]})
        elif path == "/api/save":
            result = app.save(rel, body)
            self._json(result.status, result.body)
        elif path == "/api/markdown":
            from ..markdown import to_html

            self._json(200, {"html": to_html(str(body.get("text", "")), heading_offset=1)})
        else:
            self._error(404, "not found")


def inject(document: str, bar: str, generation: int) -> str:
    """The document's page with the serve bar first in its body and the reload script."""
    head = '<link rel="stylesheet" href="/static/serve.css">\n'
    script = f'<script src="/static/live.js" data-generation="{generation}" data-mode="reload"></script>\n'
    document = document.replace("</head>", head + "</head>", 1)
    # After the page's own skip link, which stays the first thing to tab to.
    match = re.search(
        r"<body[^>]*>\s*<a class=\"skip-link\"[^>]*>.*?</a>", document, flags=re.S
    ) or re.search(r"<body[^>]*>", document)
    if match is None:
        return bar + document + script
    at = match.end()
    document = document[:at] + "\n" + bar + document[at:]
    return document.replace("</body>", script + "</body>", 1)


@cache
def _env() -> Environment:
    """The server's own page templates (package data), autoescaped."""
    folder = Path(str(resources.files("masa_docs.serve").joinpath("templates")))
    return Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


# ------------------------------------------------------------------ running


class LiveServer:
    """The server, the file watcher and their threads. ``start()`` returns at once."""

    def __init__(self, app: EditorApp, host: str = "127.0.0.1", port: int = 8000) -> None:
        self.app = app
        self.host = host
        try:
            self.httpd = _Server((host, port), Handler)
        except OSError as exc:
            raise MasaError(
                f"cannot listen on {host}:{port}: {exc.strerror}",
                "another program uses the port: pass --port with another number (or 0 for any free port)",
            ) from exc
        self.httpd.app = app
        self.port = int(self.httpd.server_address[1])
        self.httpd.allowed_hosts = (
            frozenset(f"{name}:{self.port}" for name in LOOPBACK_NAMES) if is_loopback(host) else None
        )
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        host = self.host if is_loopback(self.host) or self.host not in ("0.0.0.0", "::") else "127.0.0.1"
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"http://{host}:{self.port}/"

    def start(self, *, watch: bool = True) -> LiveServer:
        self.app.preview.rebuild()
        serve = threading.Thread(target=self.httpd.serve_forever, name="masa-serve-http", daemon=True)
        serve.start()
        self._threads.append(serve)
        if watch:
            watcher = threading.Thread(target=self._watch, name="masa-serve-watch", daemon=True)
            watcher.start()
            self._threads.append(watcher)
        return self

    def _watch(self) -> None:
        from watchfiles import watch

        from ..render.html import templates_dir

        paths = [self.app.root]
        with contextlib.suppress(MasaError):  # no templates folder: watch the content only
            paths.append(self.app.templates or templates_dir())

        def interesting(_change: Any, path: str) -> bool:
            name = Path(path).name
            return not name.startswith(".") and not name.endswith(("~", ".tmp", ".swp"))

        for changes in watch(
            *paths, watch_filter=interesting, stop_event=self._stop, debounce=300, raise_interrupt=False
        ):
            if self._already_seen({Path(path) for _change, path in changes}):
                continue  # a save from the editor, already reloaded
            try:
                self.app.preview.rebuild()
            except Exception:  # keep watching whatever happens
                log.exception("reloading the content failed")

    def _already_seen(self, changed: set[Path]) -> bool:
        """True when every changed path is a content file whose bytes the preview has loaded."""
        from .files import file_hash

        root = Path(os.path.realpath(self.app.root))
        known = self.app.preview.hashes
        for path in changed:
            try:
                rel = Path(os.path.realpath(path)).relative_to(root).as_posix()
            except ValueError:
                return False  # a template
            if rel not in known or known[rel] != file_hash(root / rel):
                return False
        return True

    def stop(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
