"""A real HTTP server on 127.0.0.1 for the web reader's limits (size, time, redirects, content type)."""

from __future__ import annotations

import gzip
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGE = (
    "<html><head><title>Acme Robotics</title><style>p {color: red}</style></head>"
    "<body><h1>Acme</h1><p>Acme raised a $12M Series A in March 2026.</p>"
    "<script>alert('never text')</script><p>Hiring 5 engineers in Lisbon.</p></body></html>"
)


def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str = "text/html",
          headers: dict[str, str] | None = None) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def _redirect(location: str) -> Callable[[BaseHTTPRequestHandler], None]:
    return lambda h: _send(h, 302, b"", headers={"Location": location})


def _slow(h: BaseHTTPRequestHandler) -> None:
    time.sleep(0.8)
    _send(h, 200, PAGE.encode())


def _drip(h: BaseHTTPRequestHandler) -> None:
    # Headers at once, then the body trickles: only the total time limit can stop this.
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()
    for _ in range(40):
        h.wfile.write(b"<p>slow</p>")
        h.wfile.flush()
        time.sleep(0.05)


def _endless(h: BaseHTTPRequestHandler) -> None:
    # No Content-Length and no end: the reader must stop on its own at max_bytes.
    h.send_response(200)
    h.send_header("Content-Type", "text/plain")
    h.end_headers()
    for _ in range(10_000):
        h.wfile.write(b"Acme ships 40 robots a day. " * 40)


ROUTES: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {
    "/page": lambda h: _send(h, 200, PAGE.encode(), "text/html; charset=utf-8"),
    "/plain": lambda h: _send(h, 200, b"Acme has 40 employees.", "text/plain"),
    "/json": lambda h: _send(h, 200, b'{"a": 1}', "application/json"),
    "/pdf": lambda h: _send(h, 200, b"%PDF-1.7", "application/pdf"),
    "/gzip": lambda h: _send(h, 200, gzip.compress(PAGE.encode()), headers={"Content-Encoding": "gzip"}),
    "/missing": lambda h: _send(h, 404, b"not here"),
    "/big": lambda h: _send(h, 200, ("<p>" + "word " * 60_000 + "</p>").encode()),
    "/slow": _slow,
    "/drip": _drip,
    "/endless": _endless,
    "/to-page": _redirect("/page"),
    "/to-private-ip": _redirect("http://10.0.0.1/admin"),
    "/to-metadata": _redirect("http://169.254.169.254/latest/meta-data/"),
    "/to-internal-name": _redirect("http://internal.test/"),
    "/to-file": _redirect("file:///etc/passwd"),
    "/loop/1": _redirect("/loop/2"),
    "/loop/2": _redirect("/loop/3"),
    "/loop/3": _redirect("/loop/4"),
    "/loop/4": _redirect("/page"),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        assert isinstance(self.server, LocalServer)
        self.server.seen.append((self.path, self.headers.get("Host")))
        route = ROUTES.get(self.path)
        if route is None:
            _send(self, 404, b"no route")
        else:
            route(self)

    do_POST = do_GET

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's signature
        pass


class LocalServer(ThreadingHTTPServer):
    """The test server: daemon threads, quiet about clients that hang up."""

    daemon_threads = True
    block_on_close = False
    seen: list[tuple[str, str | None]]

    def server_activate(self) -> None:
        self.seen = []
        super().server_activate()

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (timeout, size limit) breaks the pipe; that is the point of the test


@contextmanager
def serving(tls: ssl.SSLContext | None = None) -> Iterator[LocalServer]:
    """A threaded server on 127.0.0.1 (https when given a TLS context); `.seen` records (path, Host) per request."""
    server = LocalServer(("127.0.0.1", 0), _Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
