"""Health of a running bot: /healthz (alive), /readyz (doing its job) and /metrics, on HEALTH_PORT in every mode.

`Health` is told when a poll job and a poster pass finish; its checks read that, the scheduler and the
database. /healthz fails when the process cannot do anything useful (scheduler stopped, database gone, every
recent poll failing); /readyz also fails when the model is not loaded, no poll has finished for three poll
intervals, or the poster has not finished a pass for a while. Both answer JSON naming each check.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.metrics import REGISTRY
from bot.storage import Database

log = logging.getLogger(__name__)

HEALTH_PATH, READY_PATH, METRICS_PATH = "/healthz", "/readyz", "/metrics"
FAILED_POLLS_UNHEALTHY = 3  # poll jobs failing in a row before /healthz says so
POLL_INTERVALS_BEFORE_STALE = 3
POSTER_STUCK_SECONDS = 300.0


@dataclass
class Health:
    """What the running bot reports about itself; thread-safe, fed by the jobs, read by the checks."""

    db: Database
    poll_interval_seconds: float
    scheduler: Any = None
    model_loaded: Callable[[], bool] = lambda: True
    has_feeds: Callable[[], bool] = lambda: True
    clock: Callable[[], float] = time.monotonic
    started_at: float = field(default=0.0)
    last_poll_finished: float | None = None
    failed_polls_in_a_row: int = 0
    last_poll_error: str = ""
    last_send_finished: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.started_at = self.started_at or self.clock()

    def poll_finished(self, error: str | None = None) -> None:
        """A poll job ended: `error` says why it failed (the poll itself or its analysis), None when it worked."""
        with self._lock:
            if error is None:
                self.last_poll_finished = self.clock()
                self.failed_polls_in_a_row = 0
            else:
                self.failed_polls_in_a_row += 1
                self.last_poll_error = error

    def send_finished(self) -> None:
        with self._lock:
            self.last_send_finished = self.clock()

    def checks(self) -> dict[str, tuple[bool, bool, str]]:
        """Each check's (ok, needed for liveness, what it found)."""
        now = self.clock()
        found: dict[str, tuple[bool, bool, str]] = {}
        try:
            from bot.storage.operations import ping

            ping(self.db)
            found["database"] = (True, True, "reachable")
        except Exception as exc:  # noqa: BLE001 - any failure to reach the database is the finding
            found["database"] = (False, True, f"unreachable: {str(exc).splitlines()[0][:200]}")
        running = self.scheduler is None or bool(getattr(self.scheduler, "running", False))
        found["scheduler"] = (running, True, "running" if running else "stopped")
        loaded = self.model_loaded()
        found["model"] = (loaded, False, "loaded" if loaded else "not loaded")
        with self._lock:
            failed, error, last_poll = self.failed_polls_in_a_row, self.last_poll_error, self.last_poll_finished
            last_send = self.last_send_finished
        if failed >= FAILED_POLLS_UNHEALTHY:
            found["polls"] = (False, True, f"the last {failed} polls failed: {error}")
        else:
            stale_after = POLL_INTERVALS_BEFORE_STALE * self.poll_interval_seconds
            since = now - (last_poll if last_poll is not None else self.started_at)
            if since > stale_after and self.has_feeds():
                found["polls"] = (False, False, f"no poll has finished for {since:.0f} s "
                                                f"(more than {stale_after:.0f} s)")
            else:
                found["polls"] = (True, False, "finishing")
        since_send = now - (last_send if last_send is not None else self.started_at)
        stuck = since_send > POSTER_STUCK_SECONDS
        found["poster"] = (not stuck, False, f"no pass finished for {since_send:.0f} s" if stuck else "sending")
        return found

    def report(self, *, readiness: bool) -> tuple[bool, dict[str, Any]]:
        """(healthy, JSON body): liveness looks at the checks it needs, readiness at all of them."""
        checks = self.checks()
        considered = {name: c for name, c in checks.items() if readiness or c[1]}
        ok = all(c[0] for c in considered.values())
        body: dict[str, Any] = {"status": "ok" if ok else "failing",
                "checks": {name: {"ok": c[0], "detail": c[2]} for name, c in considered.items()}}
        if not ok:
            body["failing"] = [name for name, c in considered.items() if not c[0]]
        return ok, body


class BacklogCollector(Collector):
    """Gauges read from the database at scrape time: outbox depth and age, feeds in backoff."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from bot.storage.operations import backlog

        try:
            figures = backlog(self.db, datetime.now(UTC))
        except Exception:
            log.debug("backlog figures unavailable", exc_info=True)
            return
        yield GaugeMetricFamily("diplobot_outbox_due", "Outbox rows due and not yet sent.", value=figures.outbox_due)
        yield GaugeMetricFamily("diplobot_outbox_oldest_due_seconds", "Age of the oldest due outbox row.",
                                value=figures.oldest_due_seconds)
        yield GaugeMetricFamily("diplobot_feeds_active", "Feeds polled.", value=figures.feeds_active)
        yield GaugeMetricFamily("diplobot_feeds_in_backoff", "Feeds whose last poll failed (in backoff).",
                                value=figures.feeds_in_backoff)


_backlog_lock = threading.Lock()
_backlog_collector: BacklogCollector | None = None


def watch_backlog(db: Database) -> None:
    """Make /metrics report `db`'s backlog (one database per process; a later call replaces the earlier)."""
    global _backlog_collector
    with _backlog_lock:
        if _backlog_collector is not None:
            REGISTRY.unregister(_backlog_collector)
        _backlog_collector = BacklogCollector(db)
        REGISTRY.register(_backlog_collector)


def answer(health: Health | None, path: str) -> tuple[int, str, bytes] | None:
    """(status, content type, body) for a health or metrics path; None for any other path."""
    if path == METRICS_PATH:
        return 200, CONTENT_TYPE_LATEST, generate_latest(REGISTRY)
    if path in (HEALTH_PATH, READY_PATH):
        if health is None:
            return 200, "application/json", b'{"status": "ok", "checks": {}}'
        ok, body = health.report(readiness=path == READY_PATH)
        return (200 if ok else 503), "application/json", json.dumps(body).encode("utf-8")
    return None


class HealthServer:
    """/healthz, /readyz and /metrics on host:port (port 0 picks a free one), from a background thread."""

    def __init__(self, health: Health, host: str = "0.0.0.0", port: int = 0) -> None:
        self.health = health
        self._server = ThreadingHTTPServer((host, port), _handler(health))
        self._server.daemon_threads = True
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="health-http", daemon=True)

    def start(self) -> HealthServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():  # shutdown() waits for serve_forever, which never ran otherwise
            self._server.shutdown()
        self._server.server_close()


def _handler(health: Health) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "diplobot"
        sys_version = ""

        def do_GET(self) -> None:
            found = answer(health, self.path.partition("?")[0])
            status, content_type, body = found or (404, "text/plain", b"not found")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server API
            log.debug("%s %s", self.command, self.path.partition("?")[0])

    return Handler
