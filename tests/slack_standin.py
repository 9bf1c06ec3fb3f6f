"""A local stand-in for the Slack Web API on 127.0.0.1 that records every call.

Point `slack_sdk.WebClient(base_url=standin.base_url)` at it. Each call is recorded as a `SlackCall`.
Scripted answers (`standin.script("chat.postMessage", status=429, headers={"Retry-After": "1"})`) are
served first, in order, before the default answer of that method.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


@dataclass
class SlackCall:
    method: str  # "chat.postMessage", or "response_url:/path" for posts to a response_url
    params: dict[str, Any]
    headers: dict[str, str]
    at: float


@dataclass
class ScriptedAnswer:
    status: int = 200
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class SlackStandIn:
    """The Web API on a random port of 127.0.0.1; `calls` lists what it received."""

    def __init__(self) -> None:
        self.calls: list[SlackCall] = []
        self.scripts: dict[str, deque[ScriptedAnswer]] = defaultdict(deque)
        self.messages: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.admins: set[str] = {"UADMIN"}
        self.uploads: dict[str, bytes] = {}  # file id → the bytes posted to its upload URL
        self.file_names: dict[str, str] = {}  # file id → the file name asked for
        self._ts = 1_700_000_000
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    # --- life cycle ---
    def start(self) -> SlackStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"http://127.0.0.1:{self.port}/response/{name}"

    # --- scripting and assertions ---
    def script(self, method: str, status: int = 200, body: dict[str, Any] | None = None,
               headers: dict[str, str] | None = None, delay: float = 0.0, times: int = 1) -> None:
        for _ in range(times):
            self.scripts[method].append(ScriptedAnswer(status, body, headers or {}, delay))

    def calls_to(self, method: str) -> list[SlackCall]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int, timeout: float = 5.0) -> list[SlackCall]:
        """Wait until `count` calls of `method` arrived (or time runs out) and return them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.calls_to(method)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        return self.calls_to(method)

    # --- default answers ---
    def _next_ts(self) -> str:
        self._ts += 1
        return f"{self._ts}.000100"

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "url": "https://example.slack.com/", "team": "Example", "user": "diplobot",
                    "team_id": "T0001", "user_id": "UBOT", "bot_id": "BBOT"}
        if method == "chat.postMessage":
            channel = params.get("channel", "")
            ts = self._next_ts()
            message = {"type": "message", "user": "UBOT", "bot_id": "BBOT", "ts": ts,
                       "text": params.get("text", ""), "thread_ts": params.get("thread_ts")}
            metadata = params.get("metadata")
            if isinstance(metadata, str):
                metadata = json.loads(metadata)
            if metadata:
                message["metadata"] = metadata
            self.messages[channel].append(message)
            return {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method == "conversations.replies":
            channel, parent = params.get("channel", ""), params.get("ts")
            thread = [m for m in self.messages[channel] if m["ts"] == parent or m.get("thread_ts") == parent]
            return {"ok": True, "messages": thread, "has_more": False}
        if method == "conversations.history":
            channel = params.get("channel", "")
            history = [m for m in reversed(self.messages[channel]) if not m.get("thread_ts")]
            return {"ok": True, "messages": history, "has_more": False}
        if method == "users.info":
            user = params.get("user", "")
            return {"ok": True, "user": {"id": user, "is_admin": user in self.admins,
                                         "is_owner": False, "tz": "Europe/Berlin"}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{len(self.uploads) + 1:04d}"
            self.uploads.setdefault(file_id, b"")
            self.file_names[file_id] = str(params.get("filename", ""))
            return {"ok": True, "file_id": file_id, "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}"}
        if method == "files.completeUploadExternal":
            files = params.get("files")
            files = json.loads(files) if isinstance(files, str) else files or []
            shared = [{"id": f.get("id"), "title": f.get("title"), "name": self.file_names.get(f.get("id"), "")}
                      for f in files]
            if params.get("channel_id"):  # shared to a channel: a message of ours carrying the files
                self.messages[params["channel_id"]].append({
                    "type": "message", "user": "UBOT", "bot_id": "BBOT", "ts": self._next_ts(), "upload": True,
                    "text": params.get("initial_comment", ""), "files": shared})
            return {"ok": True, "files": shared}
        if method == "conversations.info":
            return {"ok": True, "channel": {"id": params.get("channel"), "name": "diplomacy"}}
        return {"ok": True}

    def _handler_class(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if self.path.startswith("/upload/"):  # a file's bytes, as files_upload_v2 sends them
                    data = self.rfile.read(length)
                    with standin._lock:
                        standin.uploads[self.path[len("/upload/"):]] = data
                        standin.calls.append(SlackCall("upload:" + self.path, {"bytes": len(data)},
                                                       dict(self.headers), time.time()))
                    self.send_response(200)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"OK")
                    return
                raw = self.rfile.read(length).decode("utf-8") if length else ""
                if (self.headers.get("Content-Type") or "").startswith("application/json"):
                    params = json.loads(raw) if raw else {}
                else:
                    params = {k: v[0] for k, v in parse_qs(raw).items()}
                if self.path.startswith("/api/"):
                    method = self.path[len("/api/"):].split("?")[0]
                else:
                    method = "response_url:" + self.path
                with standin._lock:
                    standin.calls.append(SlackCall(method, params, dict(self.headers), time.time()))
                    scripted = standin.scripts[method].popleft() if standin.scripts[method] else None
                    if scripted is None or scripted.body is None and scripted.status == 200:
                        body = standin._answer(method, params)
                    else:
                        body = scripted.body if scripted.body is not None else {"ok": False, "error": "scripted"}
                status = scripted.status if scripted else 200
                if scripted and scripted.delay:
                    time.sleep(scripted.delay)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                for name, value in (scripted.headers if scripted else {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST  # noqa: N815 - a few methods may be called with GET

            def log_message(self, *args) -> None:
                pass

        return Handler
