"""The HTTP front of the Bolt app: /slack/events, the OAuth pages, and /healthz, /readyz, /metrics (answered by
the `status_pages` function the runner passes in) on a threading HTTP server."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.request import BoltRequest

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1_000_000  # Slack's payloads are far smaller; a bigger body is not from Slack
# Answers a GET path with (status, content type, body), or None when the path is not one of its pages.
StatusPages = Callable[[str], tuple[int, str, bytes] | None]


class SlackHTTPServer:
    """Serves `app` on host:port (port 0 picks a free one) from a background thread."""

    def __init__(self, app: App, host: str = "0.0.0.0", port: int = 3000,
                 status_pages: StatusPages | None = None) -> None:
        self.app = app
        self._server = ThreadingHTTPServer((host, port), _handler_class(app, status_pages))
        self._server.daemon_threads = True
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="slack-http", daemon=True)

    def start(self) -> SlackHTTPServer:
        self._thread.start()
        log.info("Slack requests served on port %d (%s)", self.port, EVENTS_PATH)
        return self

    def stop(self) -> None:
        """Stop accepting requests; requests being answered finish on their own threads."""
        if self._thread.is_alive():  # shutdown() waits for serve_forever, which never ran otherwise
            self._server.shutdown()
        self._server.server_close()


def _handler_class(app: App, status_pages: StatusPages | None) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "diplobot"
        sys_version = ""

        def do_GET(self) -> None:
            path, _, query = self.path.partition("?")
            flow = app.oauth_flow
            page = status_pages(path) if status_pages is not None else None
            if page is not None:
                status, content_type, body = page
                self._send(BoltResponse(status=status, body=body.decode("utf-8"),
                                        headers={"Content-Type": content_type}))
            elif path == HEALTH_PATH:
                self._send(BoltResponse(status=200, body="ok"))
            elif flow is not None and path == flow.install_path:
                self._send(flow.handle_installation(self._bolt_request("", query)))
            elif flow is not None and path == flow.redirect_uri_path:
                self._send(flow.handle_callback(self._bolt_request("", query)))
            else:
                self._send(BoltResponse(status=404, body="not found"))

        def do_POST(self) -> None:
            path, _, query = self.path.partition("?")
            if path != EVENTS_PATH:
                self._send(BoltResponse(status=404, body="not found"))
                return
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0 or length > MAX_BODY_BYTES:
                self._send(BoltResponse(status=413 if length > 0 else 400, body="bad request size"))
                return
            body = self.rfile.read(length).decode("utf-8", errors="replace")
            timestamp = self.headers.get("X-Slack-Request-Timestamp") or ""
            if not (timestamp.isascii() and timestamp.isdigit()):
                # Not from Slack; refused here because a non-number makes the signature check raise, not answer.
                self._send(BoltResponse(status=401, body=""))
                return
            try:
                request = self._bolt_request(body, query)
            except ValueError:  # Bolt parses the body before checking the signature: garbage JSON ends here
                self._send(BoltResponse(status=400, body="bad request body"))
                return
            self._send(app.dispatch(request))

        def _bolt_request(self, body: str, query: str) -> BoltRequest:
            headers: dict[str, Any] = {}
            for name, value in self.headers.items():
                headers.setdefault(name.lower(), []).append(value)
            return BoltRequest(body=body, query=query, headers=headers)

        def _send(self, response: BoltResponse) -> None:
            body = response.body if isinstance(response.body, str) else json.dumps(response.body)
            data = body.encode("utf-8")
            self.send_response(response.status)
            for name, values in response.headers.items():
                if name.lower() == "content-length":
                    continue
                for value in values:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server API
            # The request line may carry an OAuth code or state in its query: log the path only.
            log.debug("%s %s", self.command, self.path.partition("?")[0])

    return Handler
