"""Shared fixtures: settings, databases (SQLite and PostgreSQL), the spaCy model, a local feed server.

This file is shared by every test module: add a fixture as a new section at the end, never rewrite another's.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from bot.config import Settings
from bot.storage import Database

POSTGRES_URL = os.environ.get("DIPLOBOT_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture
def settings(tmp_path) -> Settings:
    """Settings built explicitly: no `.env`, an SQLite file in the test's own folder."""
    return Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'diplobot.db'}",
        allow_private_feeds=True,
        poll_jitter_seconds=0,
        fetch_timeout_seconds=3,
        health_port=0,
    )


def _trigram_extension_in_public(admin: Engine) -> None:
    """pg_trgm in `public`, once: otherwise the first test schema to migrate would own the extension, and
    dropping that schema would pull it from under every other test (and every other test run) using it."""
    with admin.connect() as conn:
        schema = conn.scalar(text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                                  "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"))
    if schema == "public":
        return
    try:
        with admin.begin() as conn:
            conn.execute(text("ALTER EXTENSION pg_trgm SET SCHEMA public" if schema
                              else "CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    except DBAPIError:  # another run did it at the same moment
        pass


def _postgres_schema_database(revision: str = "head") -> Iterator[Database]:
    """A PostgreSQL database migrated up to `revision`, living in a schema of its own, dropped afterwards."""
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(POSTGRES_URL)
    try:
        _trigram_extension_in_public(admin)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            # pg_trgm once in public: created from a test's search path it would live in that test's schema and be
            # dropped with it, under the feet of test runs sharing the server.
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"))
    except Exception as exc:  # noqa: BLE001  # pragma: no cover - only when the server is down
        admin.dispose()
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} is not reachable: {exc}")
    engine = create_engine(
        POSTGRES_URL, pool_pre_ping=True, connect_args={"options": f"-csearch_path={schema}"}
    )
    db = Database(engine)
    try:
        db.upgrade(revision)
        yield db
    finally:
        db.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request, tmp_path) -> Iterator[Database]:
    """A migrated, empty database: each test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        database = Database.connect(f"sqlite:///{tmp_path / 'test.db'}")
        database.upgrade()
        yield database
        database.dispose()
    else:
        yield from _postgres_schema_database()


@pytest.fixture(scope="session")
def nlp():
    """The real spaCy pipeline, loaded once for the whole run."""
    from bot.analysis.pipeline import load_pipeline

    return load_pipeline("en_core_web_sm")


# --- a local HTTP server for feeds and pages -------------------------------------------------------


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # Answer 304 when the request carries this ETag in If-None-Match.
    etag: str | None = None


@dataclass
class FeedServer:
    """Serves `routes` on 127.0.0.1 and records every request as (method, path, headers)."""

    host: str
    port: int
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server_state = FeedServer("127.0.0.1", 0)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server_state.requests.append(("GET", self.path, dict(self.headers)))
            route = server_state.routes.get(self.path)
            if route is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if route.etag and self.headers.get("If-None-Match") == route.etag:
                self.send_response(304)
                self.send_header("ETag", route.etag)
                self.end_headers()
                return
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value)
            if route.etag:
                self.send_header("ETag", route.etag)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)

        def log_message(self, *args) -> None:  # keep test output quiet
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server_state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server_state
    httpd.shutdown()
    httpd.server_close()


# --- Slack: a local Web API stand-in and requests signed as Slack signs them -------------------------

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"


@pytest.fixture
def slack_api():
    """The local Slack Web API stand-in (tests/slack_standin.py), recording every call."""
    from tests.slack_standin import SlackStandIn

    standin = SlackStandIn().start()
    yield standin
    standin.stop()


@pytest.fixture
def slack_settings(settings: Settings, slack_api) -> Settings:
    """Settings for single-workspace mode aimed at the stand-in."""
    return settings.model_copy(update={
        "slack_bot_token": SecretStr("xoxb-test-token-not-real"),
        "slack_signing_secret": SecretStr(SIGNING_SECRET),
        "slack_api_url": slack_api.base_url,
    })


def sign(body: str, timestamp: int | None = None, secret: str = SIGNING_SECRET) -> dict[str, str]:
    """Headers Slack sends with a request body: X-Slack-Request-Timestamp and X-Slack-Signature."""
    import time as _time

    from slack_sdk.signature import SignatureVerifier

    ts = str(int(_time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(signing_secret=secret).generate_signature(timestamp=ts, body=body)
    return {"x-slack-request-timestamp": ts, "x-slack-signature": signature}


@pytest.fixture
def signed():
    """`signed(body)` → the headers of a correctly signed Slack request (see `sign`)."""
    return sign


# --- article pages: a server that records when each request arrived and finished, per Host ---------------


@dataclass
class PageVisit:
    host: str  # the Host header without port: which site the client thought it was talking to
    path: str
    started: float  # time.monotonic() when the request arrived
    finished: float  # ... and when its answer had been written


@dataclass
class PageServer:
    """Serves `routes` (path → Route) on 127.0.0.1 after `delay` seconds, recording a `PageVisit` per request."""

    port: int = 0
    delay: float = 0.0
    routes: dict[str, Route] = field(default_factory=dict)
    visits: list[PageVisit] = field(default_factory=list)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


@pytest.fixture
def page_server() -> Iterator[PageServer]:
    import time as _time

    state = PageServer()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            started = _time.monotonic()
            _time.sleep(state.delay)
            route = state.routes.get(self.path, Route(status=404))
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)
            self.wfile.flush()
            host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
            with lock:
                state.visits.append(PageVisit(host, self.path, started, _time.monotonic()))

        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


class ListenerWork(ThreadPoolExecutor):
    """Bolt's listener pool, able to say when everything submitted so far has finished."""

    def __init__(self) -> None:
        super().__init__(max_workers=5, thread_name_prefix="listener")
        self._submitted: list[Future[Any]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        self._submitted.append(future)
        return future

    def settle(self, timeout: float = 30) -> None:
        """Wait until every listener started so far has returned (a lazy listener runs after the answer)."""
        _, pending = wait(list(self._submitted), timeout=timeout)
        assert not pending, f"{len(pending)} listener(s) still running after {timeout} s"


@pytest.fixture
def listener_work() -> Iterator[ListenerWork]:
    pool = ListenerWork()
    yield pool
    pool.shutdown(wait=True)


# --- a feed server that drips its header lines (ops) ----------------------------------------------------


@pytest.fixture
def slow_header_server() -> Iterator[str]:
    """127.0.0.1 server answering the status line, then one header line every 0.2 s, until the test ends.

    Every read is quick, so only an overall deadline on the fetch can end it. Yields "http://127.0.0.1:PORT".
    """
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            try:
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                self.wfile.flush()
                count = 0
                while not stop.wait(0.2):
                    count += 1
                    self.wfile.write(f"X-Drip-{count}: still coming\r\n".encode())
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    stop.set()
    httpd.shutdown()
    httpd.server_close()


# --- databases left at an older migration ------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_at(request, tmp_path) -> Iterator[Callable[[str], Database]]:
    """`db_at("0009")`: an empty database migrated only up to that revision (to test a migration carrying
    stored rows over), on SQLite and on PostgreSQL; every one made is removed afterwards."""
    made: list[Iterator[Database]] = []

    def at(revision: str) -> Database:
        if request.param == "sqlite":
            path = tmp_path / f"at_{revision}_{len(made)}.db"

            def sqlite_database() -> Iterator[Database]:
                database = Database.connect(f"sqlite:///{path}")
                try:
                    database.upgrade(revision)
                    yield database
                finally:
                    database.dispose()

            made.append(sqlite_database())
        else:
            made.append(_postgres_schema_database(revision))
        return next(made[-1])

    yield at
    for opened in made:
        opened.close()
