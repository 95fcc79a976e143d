"""The app's web server: the standard library's ThreadingHTTPServer, on the loopback address only.

The standard library because the app serves one page, three static files and a handful of JSON calls to one
person: a framework would add a dependency (and an ASGI server) for routing that fits in one method here.

Only the person at this machine can use it, and no other web page they have open can drive it:

- it listens on 127.0.0.1 only;
- every request needs the secret token printed in the address: the first visit with ``?token=`` trades it for an
  HttpOnly, SameSite=Strict cookie (or a script sends it as the ``X-Relevance-Token`` header);
- the Host header must name the loopback address and this port, so a DNS-rebinding page under another name gets
  nothing (421);
- a state-changing request (POST) must come from the app's own origin (Origin, else Referer) and carry JSON:
  a form on another site can send neither;
- a Content-Security-Policy lets the page load only its own script and style, and nothing from the network.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from typing import Any
from urllib.parse import parse_qs, urlsplit

from relevance.app import words
from relevance.app.state import AppState
from relevance.errors import RelevanceError

log = logging.getLogger("relevance.app")

TOKEN_HEADER = "X-Relevance-Token"
MAX_BODY = 64 * 1024
# The page's own script and style only; no inline code, nothing from elsewhere, never framed.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# The report is one self-contained file with inline plotly; served sandboxed (an opaque origin), so even a flaw in
# it could not call the app with the person's cookie.
REPORT_CSP = (
    "sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox; default-src 'none'; "
    "script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
    "worker-src blob:; frame-ancestors 'none'"
)
STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/app.css": ("app.css", "text/css; charset=utf-8"),
}


class AppServer(ThreadingHTTPServer):
    """The app on http://127.0.0.1:PORT (PORT 0: any free port), for the holder of ``token``."""

    daemon_threads = True

    def __init__(self, state: AppState, port: int = 0, token: str | None = None) -> None:
        self.state = state  # first: a port that is taken closes the server (and the state) from within __init__
        super().__init__(("127.0.0.1", port), Handler)
        self.token = token or secrets.token_urlsafe(32)
        self.port = self.server_address[1]
        self.hosts = {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}
        self.origins = {f"http://{host}" for host in self.hosts}
        # One cookie per port: two apps on this machine (two networks) must not overwrite each other's key.
        self.cookie = f"relevance-{self.port}"

    def server_close(self) -> None:
        """Closing the app ends a training it runs (the saved model stays as it was)."""
        super().server_close()
        self.state.close()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The address to open: it carries the token once; the page then lives on the cookie."""
        return f"{self.origin}/?token={self.token}"


class Handler(BaseHTTPRequestHandler):
    server: AppServer
    server_version = "relevance"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: request lines carry the token and people's ids, which have no business in a log."""

    # ----- routing

    def do_GET(self) -> None:
        path, query = self._split()
        if not self._allowed(query):
            return
        state = self.server.state
        if path in STATIC:
            name, kind = STATIC[path]
            self._send(200, (files("relevance.app") / "static" / name).read_bytes(), kind)
        elif path == "/api/state":
            self._json(200, state.numbered(state.snapshot))
        elif path == "/api/removals":
            try:
                batch = int(query.get("batch", ["0"])[0])
            except ValueError:
                batch = -1
            if batch < 0:
                self._json(400, {"error": "batch must be a number from 0"})
            else:
                self._json(200, state.numbered(lambda: state.removal_batch(batch)))
        elif path == "/report":
            self._report()
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self) -> None:
        path, query = self._split()
        if not self._allowed(query) or not self._same_origin():
            return
        body = self._body()
        if body is None:
            return
        state = self.server.state
        try:
            change = self._change(path, body)
            if change is None:
                self._json(404, {"error": "not found"})
            else:
                self._json(200, state.numbered(change))
        except KeyError:
            self._json(404, {"error": "no such connection in this export"})
        except RelevanceError as error:
            self._json(400, {"error": words.refused(str(error))})
        except Exception:
            log.exception("request failed")
            self._json(500, {"error": "an unexpected error; see the terminal. Every saved answer is safe."})

    def _change(self, path: str, body: dict[str, Any]) -> Callable[[], dict[str, Any]] | None:
        """The change a POST asks for, as a function making it and returning its reply (run under the state's lock,
        ``AppState.numbered``); None for no such change. An answer may start a training by itself: its reply
        carries the training's state too."""
        state = self.server.state
        if path == "/api/answer":
            answer = body.get("answer")
            if answer not in ("yes", "no"):
                raise RelevanceError("answer must be yes or no")
            yes = answer == "yes"
            return lambda: {"saved": True, "label": state.answer(_text(body, "id"), yes), "train": state.train_view()}
        if path == "/api/skip":
            return lambda: {"label": state.skip(_text(body, "id"))}
        if path == "/api/undo":
            return lambda: {"saved": True, "label": state.undo(), "train": state.train_view()}
        if path == "/api/removal":
            return lambda: {
                "saved": True,
                **state.act(_text(body, "id"), _text(body, "action")),
                "train": state.train_view(),
            }
        if path == "/api/train":
            return lambda: {"train": state.start_training()}
        if path == "/api/limit":
            limit = body.get("limit")
            return lambda: {"remove": state.set_limit(limit), "train": state.train_view()}
        return None

    # ----- the guards

    def _split(self) -> tuple[str, dict[str, list[str]]]:
        parts = urlsplit(self.path)
        return parts.path, parse_qs(parts.query)

    def _allowed(self, query: dict[str, list[str]]) -> bool:
        """Loopback Host, then the token (cookie, header, or the printed address once). False: answered already."""
        if self.headers.get("Host", "") not in self.server.hosts:
            self._text(421, "This app answers only at the address it printed (127.0.0.1 or localhost).")
            return False
        given = query.get("token", [""])[0]
        if given and self.command == "GET" and _same(given, self.server.token):
            # Trade the token in the address for a cookie, and drop it from the address bar and history.
            cookie = f"{self.server.cookie}={self.server.token}; HttpOnly; SameSite=Strict; Path=/"
            self._send(303, b"", "text/plain", {"Location": self._path_without_token(), "Set-Cookie": cookie})
            return False
        if _same(self.headers.get(TOKEN_HEADER, ""), self.server.token) or _same(self._cookie(), self.server.token):
            return True
        self._text(403, "Open the address `relevance app` printed in the terminal: it carries this app's key.")
        return False

    def _same_origin(self) -> bool:
        """A change must come from the app's own page, as JSON (which no form on another site can send)."""
        origin = self.headers.get("Origin", "")
        if not origin:  # older browsers omit it on same-origin requests; "null" (a sandboxed page) is refused
            referer = urlsplit(self.headers.get("Referer", ""))
            origin = f"{referer.scheme}://{referer.netloc}" if referer.scheme else ""
        if origin not in self.server.origins:
            self._json(403, {"error": "changes are accepted only from the app's own page"})
            return False
        if self.headers.get_content_type() != "application/json":
            self._json(415, {"error": "send JSON"})
            return False
        return True

    def _cookie(self) -> str:
        try:
            jar = SimpleCookie(self.headers.get("Cookie", ""))
        except CookieError:
            return ""
        morsel = jar.get(self.server.cookie)
        return morsel.value if morsel else ""

    def _path_without_token(self) -> str:
        path, query = self._split()
        rest = "&".join(f"{k}={v}" for k, values in query.items() if k != "token" for v in values)
        return path + (f"?{rest}" if rest else "")

    def _body(self) -> dict[str, Any] | None:
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self._json(413, {"error": "request too large"})
            return None
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except (ValueError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            self._json(400, {"error": "send a JSON object"})
            return None
        return body

    # ----- answers

    def _report(self) -> None:
        try:
            path = self.server.state.report_file()
        except RelevanceError as error:
            self._text(500, f"The report could not be written: {error}")
            return
        if path is None:
            self._text(404, "No report yet: train a model first (step 2).")
            return
        self._send(200, path.read_bytes(), "text/html; charset=utf-8", {"Content-Security-Policy": REPORT_CSP})

    def _json(self, status: int, value: Any) -> None:
        self._send(status, json.dumps(value, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def _text(self, status: int, message: str) -> None:
        self._send(status, message.encode("utf-8"), "text/plain; charset=utf-8")

    def _send(self, status: int, body: bytes, kind: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status, HTTPStatus(status).phrase)
        extra = headers or {}
        for name, value in {
            "Content-Type": kind,
            "Content-Length": str(len(body)),
            "Content-Security-Policy": CSP,
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer",
            "Cross-Origin-Opener-Policy": "same-origin",
            "Cross-Origin-Resource-Policy": "same-origin",
            "Cache-Control": "no-store",
            **extra,
        }.items():
            self.send_header(name, value)
        if status >= 400:  # a refused request's body may be unread: start the next one on a fresh connection
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def _same(given: str, token: str) -> bool:
    return bool(given) and secrets.compare_digest(given.encode(), token.encode())


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise RelevanceError(f"{key} is missing")
    return value
