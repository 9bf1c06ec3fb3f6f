"""The demo's local feed server: the bundled sample feeds on 127.0.0.1, with ETag and Last-Modified."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

FEED_SUFFIXES = (".xml", ".atom", ".rss")
CONTENT_TYPES = {".atom": "application/atom+xml", ".xml": "application/rss+xml", ".rss": "application/rss+xml"}


class DemoPortInUse(RuntimeError):
    """The demo's port is taken: set DEMO_PORT to a free port."""


def demo_feed_files() -> list[Path]:
    """The bundled sample feeds, sorted by name."""
    folder = resources.files("bot.dev") / "demo_feeds"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(FEED_SUFFIXES))


class _DemoFeeds(BaseHTTPRequestHandler):
    files: dict[str, Path] = {}

    def do_GET(self) -> None:
        path = self.files.get(self.path.split("?")[0])
        if path is None:
            self._send(404, b"not found\n", {"Content-Type": "text/plain"})
            return
        body = path.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        mtime = path.stat().st_mtime
        headers = {"ETag": etag, "Last-Modified": formatdate(mtime, usegmt=True),
                   "Content-Type": CONTENT_TYPES.get(path.suffix, "application/xml") + "; charset=utf-8"}
        if self._not_modified(etag, mtime):
            self._send(304, b"", headers)
        else:
            self._send(200, body, headers)

    def _not_modified(self, etag: str, mtime: float) -> bool:
        if (match := self.headers.get("If-None-Match")) is not None:
            return etag in [tag.strip() for tag in match.split(",")]
        if since := self.headers.get("If-Modified-Since"):
            try:
                return int(mtime) <= parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server API
        """Silent: the demo prints its own report."""


@contextmanager
def serve_demo_feeds(port: int) -> Iterator[list[str]]:
    """Serve every bundled feed at http://127.0.0.1:PORT/feeds/NAME and yield their URLs."""
    files = {f"/feeds/{p.name}": p for p in demo_feed_files()}
    handler = type("DemoFeedsHandler", (_DemoFeeds,), {"files": files})
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise DemoPortInUse(f"DEMO_PORT={port}: cannot listen on 127.0.0.1:{port} ({exc.strerror}); "
                            "set DEMO_PORT to a free port") from exc
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield [f"http://127.0.0.1:{server.server_address[1]}{path}" for path in files]
    finally:
        server.shutdown()
        server.server_close()
