"""A loopback HTTP server: the mirror of `miner demo`, and the server of the crawl tests and the benchmark.

Routes are registered per path (query strings may be part of the path, or a
route may be a function of the query).  Static routes answer conditional GETs
(ETag / Last-Modified → 304).  Fault modes can be switched on per path for a
number of requests: ``500``, ``429`` (with Retry-After), ``slow``, ``truncate``,
``wrong_type``; a redirect loop is just two redirect routes.  Every request is
logged with its arrival time, so tests can measure robots.txt obedience and the
per-host delay at the server.
"""
from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict = field(default_factory=dict)
    validators: bool = True        # send ETag + Last-Modified and honour conditional requests
    mtime: float = 1_700_000_000.0


@dataclass
class Hit:
    method: str
    path: str
    t: float
    headers: dict
    status: int = 0
    bytes: int = 0                 # body bytes sent


class FixtureServer:
    """Binds 127.0.0.1 only.  ``port`` 0 = a free port; a wanted port that is taken raises OSError."""

    def __init__(self, port: int = 0):
        self.routes: dict[str, Route | Callable] = {}
        self.faults: dict[str, list] = {}      # path → [mode, remaining, options]
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                server._handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None   # clients that hang up are part of the tests
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    # ---- setup -------------------------------------------------------------------------------

    def start(self) -> "FixtureServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: bytes | str | Callable, content_type: str = "text/html; charset=utf-8",
            **kw) -> None:
        if callable(body):
            self.routes[_norm(path)] = body
            return
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.routes[_norm(path)] = Route(body, content_type, **kw)

    def redirect(self, path: str, target: str, status: int = 301) -> None:
        self.routes[_norm(path)] = Route(b"", "text/html", status, {"Location": target}, validators=False)

    def fault(self, path: str, mode: str, times: int = 1, **options) -> None:
        """Answer the next ``times`` requests for ``path`` with fault ``mode``."""
        with self.lock:
            self.faults[_norm(path)] = [mode, times, options]

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def requests_for(self, path: str) -> list[Hit]:
        path = _norm(path)
        return [h for h in self.hits if h.path == path or h.path.split("?")[0] == path]

    def reset_log(self) -> None:
        with self.lock:
            self.hits.clear()

    # ---- serving -----------------------------------------------------------------------------

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        path = _norm(h.path)
        hit = Hit("GET", path, time.monotonic(), dict(h.headers))
        with self.lock:
            self.hits.append(hit)
            fault = self.faults.get(path) or self.faults.get(path.split("?")[0])
            mode = options = None
            if fault and fault[1] > 0:
                fault[1] -= 1
                mode, options = fault[0], fault[2]
        if mode == "500":
            return self._send(h, hit, 500, "text/plain", b"interne fout")
        if mode == "429":
            return self._send(h, hit, 429, "text/plain", b"te veel verzoeken",
                              {"Retry-After": str(options.get("retry_after", 1))})
        if mode == "slow":
            time.sleep(options.get("seconds", 2))
        route = self.routes.get(path)
        if route is None:
            route = self.routes.get(path.split("?")[0])
        if route is None:
            return self._send(h, hit, 404, "text/plain", b"niet gevonden")
        if callable(route):
            split = urlsplit(path)
            query = {k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
            route = route(query)
            if route is None:
                return self._send(h, hit, 404, "text/plain", b"niet gevonden")
        headers = dict(route.headers)
        if route.validators and route.status == 200:
            etag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
            headers["ETag"] = etag
            headers["Last-Modified"] = formatdate(route.mtime, usegmt=True)
            if h.headers.get("If-None-Match") == etag:
                return self._send(h, hit, 304, None, b"", {"ETag": etag})
        ctype = route.content_type
        if mode == "wrong_type":
            ctype = "text/html; charset=utf-8"
        if mode == "truncate":
            return self._send(h, hit, route.status, ctype, route.body[: len(route.body) // 2], headers,
                              length=len(route.body))
        self._send(h, hit, route.status, ctype, route.body, headers)

    def _send(self, h, hit: Hit, status: int, ctype: str | None, body: bytes, headers: dict | None = None,
              length: int | None = None) -> None:
        hit.status = status
        try:
            h.send_response(status)
            if ctype:
                h.send_header("Content-Type", ctype)
            for k, v in (headers or {}).items():
                h.send_header(k, v)
            h.send_header("Content-Length", str(length if length is not None else len(body)))
            if length is not None:
                h.send_header("Connection", "close")
            h.end_headers()
            if status != 304:
                h.wfile.write(body)
                hit.bytes = len(body)
            h.wfile.flush()
            if length is not None:
                h.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            pass


def _norm(path: str) -> str:
    """Paths compare unquoted, so a client's percent-encoding does not matter."""
    return unquote(path).replace("+", " ") if "?" in path else unquote(path)
