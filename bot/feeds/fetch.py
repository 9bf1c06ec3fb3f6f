"""Fetch a feed over HTTP within limits: timeouts, a size cap, a redirect cap, the address guard, conditional GET.

`build_client(settings)` makes the one `httpx.Client` to fetch with; `fetch_feed(client, url, settings, ...)`
returns a `FetchResult` or raises a `FeedError` (or a `FeedURLRefused` from the address guard) naming the URL.
"""

from __future__ import annotations

import ssl
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import httpcore
import httpx

from bot.config import Settings
from bot.feeds.addresses import (
    FeedURLRefused,
    PrivateAddressRefused,
    Resolver,
    UnsupportedFeedURL,
    checked_addresses,
    resolve_host,
    url_host_port,
)
from bot.feeds.problems import AddressProblem

if TYPE_CHECKING:
    from zlib import _Decompress  # the decompressor's type has no public name

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# A whole fetch (connect, TLS, headers, redirects, body) may take this many FETCH_TIMEOUT_SECONDS, so a server
# dripping a header line or a byte at a time cannot hold the poller.
TOTAL_TIME_FACTOR = 3
# Open connections one client may hold: more than the feeds polled at once (bot.feeds.poll.POLL_WORKERS).
MAX_CONNECTIONS = 64
# The monotonic time the fetch running in this thread must end by; every socket operation is cut short there.
_fetch_deadline: ContextVar[float | None] = ContextVar("fetch_deadline", default=None)
ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"

__all__ = [
    "FeedError", "FeedTooBig", "FeedHTTPError", "FeedTimeout", "TooManyRedirects", "FeedConnectionError",
    "FeedURLRefused", "PrivateAddressRefused", "UnsupportedFeedURL", "FetchResult", "build_client", "fetch_feed",
]


class FeedError(AddressProblem):
    """The feed could not be fetched."""


class FeedTooBig(FeedError):
    """The response is larger than FETCH_MAX_BYTES (counted after decompression)."""


class FeedHTTPError(FeedError):
    """The server answered with an HTTP error status (`retry_after`: seconds it asked us to wait, if any)."""

    def __init__(self, url: str, status: int, *, retry_after: float | None = None) -> None:
        super().__init__(url, f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after


class FeedTimeout(FeedError):
    """The server did not answer, or did not finish answering, in time."""


class TooManyRedirects(FeedError):
    """The feed redirects in a loop or more often than FETCH_MAX_REDIRECTS allows."""


class FeedConnectionError(FeedError):
    """No connection: the name does not resolve, the server refuses, or TLS fails."""


@dataclass(frozen=True)
class FetchResult:
    """What a fetch brought back: a body (2xx) or nothing new (304)."""

    url: str
    final_url: str
    status: int
    body: bytes | None
    etag: str | None
    last_modified: str | None
    content_type: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


# --- the guarded connection ----------------------------------------------------------------------------


class DeadlinePassed(httpcore.ReadTimeout):
    """The fetch's overall deadline passed while waiting on the network."""


def _time_left(timeout: float | None) -> float | None:
    """`timeout` shortened to what is left of the current fetch's deadline; raises once nothing is left."""
    deadline = _fetch_deadline.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise DeadlinePassed("the whole fetch took longer than it may")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read, write and TLS handshake ends by the current fetch's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _time_left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _time_left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _time_left(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """Resolves each host once, refuses non-public addresses, and connects to exactly the address it checked."""

    def __init__(self, *, allow_private: bool, resolve: Resolver) -> None:
        self._inner = httpcore.SyncBackend()
        self._allow_private = allow_private
        self._resolve = resolve

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        try:
            addresses = checked_addresses(host, port, allow_private=self._allow_private, resolve=self._resolve)
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        if not addresses:
            raise httpcore.ConnectError(f"{host} resolves to no address")
        failure: Exception | None = None
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(address, port, _time_left(timeout), local_address, socket_options)
                return _DeadlineStream(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure  # type: ignore[misc]

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("feeds are never fetched over unix sockets")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport, with its connection pool built on the guarded backend."""

    def __init__(self, *, allow_private: bool, resolve: Resolver, ssl_context: ssl.SSLContext | None) -> None:
        super().__init__(trust_env=False)
        # httpx has no public way to hand a network backend to its pool; the pool it built is replaced by one
        # that differs only in the backend (tests/test_fetch.py proves every connection goes through it).
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context or httpx.create_ssl_context(trust_env=False),
            max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_CONNECTIONS // 4,
            network_backend=_GuardedBackend(allow_private=allow_private, resolve=resolve),
        )


def build_client(settings: Settings, *, resolve: Resolver = resolve_host,
                 ssl_context: ssl.SSLContext | None = None) -> httpx.Client:
    """The HTTP client for feeds: timeouts and User-Agent from `settings`, no automatic redirects, guarded.

    Args:
        settings: FETCH_TIMEOUT_SECONDS, USER_AGENT and ALLOW_PRIVATE_FEEDS are read.
        resolve: host name resolver (tests map invented names to 127.0.0.1).
        ssl_context: certificates to trust instead of the system's (tests trust their own).
    """
    timeout = settings.fetch_timeout_seconds
    return httpx.Client(
        transport=_GuardedTransport(allow_private=settings.allow_private_feeds, resolve=resolve,
                                    ssl_context=ssl_context),
        timeout=httpx.Timeout(timeout, connect=timeout),
        headers={"User-Agent": settings.user_agent, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"},
        follow_redirects=False,
        trust_env=False,
    )


# --- reading a body within the cap ------------------------------------------------------------------------


class _Inflater:
    """Decompresses gzip/deflate bodies chunk by chunk, never producing more than `limit` bytes in all."""

    def __init__(self, encoding: str, limit: int) -> None:
        self._encoding = encoding
        self._limit = limit
        self._produced = 0
        self._started = False
        self._inflater = self._new()

    def _new(self) -> _Decompress:
        # 47 = 32 + 15: zlib detects a gzip or zlib header itself.
        return zlib.decompressobj(47 if self._encoding in ("gzip", "x-gzip") else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> bytes:
        """Bytes decompressed from `data`; at most one byte past the limit, so the caller can see it was passed."""
        if not self._started and self._encoding == "deflate":
            self._started = True
            try:
                return self._drain(data)
            except zlib.error:
                # Some servers send raw deflate data without the zlib header.
                self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        self._started = True
        return self._drain(data)

    def _drain(self, data: bytes) -> bytes:
        out: list[bytes] = []
        while data and self._produced <= self._limit:
            chunk = self._inflater.decompress(data, self._limit - self._produced + 1)
            self._produced += len(chunk)
            out.append(chunk)
            if self._inflater.unconsumed_tail:
                data = self._inflater.unconsumed_tail
            elif self._inflater.eof and self._inflater.unused_data:
                data = self._inflater.unused_data  # another gzip member follows
                self._inflater = self._new()
            else:
                data = b""
        return b"".join(out)


def _read_body(response: httpx.Response, url: str, max_bytes: int, deadline: float) -> bytes:
    """The decompressed body, refused as soon as it passes `max_bytes` or the deadline."""
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        inflater = None
        declared = response.headers.get("Content-Length", "").strip()
        if declared.isdigit() and int(declared) > max_bytes:
            raise FeedTooBig(url, f"the body is {int(declared):,} bytes, more than the {max_bytes:,} allowed")
    elif encoding in ("gzip", "x-gzip", "deflate"):
        inflater = _Inflater(encoding, max_bytes)
    else:
        raise FeedError(url, f"unsupported Content-Encoding {encoding!r}")
    body = bytearray()
    try:
        for raw in response.iter_raw():
            body += inflater.feed(raw) if inflater else raw
            if len(body) > max_bytes:
                unpacked = " once decompressed" if inflater else ""
                raise FeedTooBig(url, f"the body grew past the {max_bytes:,} bytes allowed{unpacked}")
            if time.monotonic() > deadline:
                raise FeedTimeout(url, "the body took too long to arrive")  # the socket reads stop there too
    except zlib.error as exc:
        raise FeedError(url, f"the {encoding} body is corrupt ({exc})") from exc
    return bytes(body)


def _deadline_passed() -> bool:
    deadline = _fetch_deadline.get()
    return deadline is not None and time.monotonic() >= deadline


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds the server asks us to wait (only the plain-seconds form of Retry-After is read)."""
    value = response.headers.get("Retry-After", "").strip()
    return float(value) if value.isdigit() else None


@contextmanager
def _named_errors(url: str, limit: float) -> Iterator[None]:
    """Turn httpx's and the guard's exceptions into `FeedError`s that name the URL being fetched."""
    try:
        yield
    except PrivateAddressRefused as exc:
        raise PrivateAddressRefused(url, exc.address, exc.kind) from None
    except httpx.TimeoutException as exc:
        if isinstance(exc.__cause__ or exc.__context__, DeadlinePassed) or _deadline_passed():
            raise FeedTimeout(url, f"too long: the whole fetch may take {limit:g} s") from exc
        raise FeedTimeout(url, f"no answer in time ({type(exc).__name__})") from exc
    except httpx.TransportError as exc:
        raise FeedConnectionError(url, str(exc) or type(exc).__name__) from exc
    except httpx.InvalidURL as exc:
        raise UnsupportedFeedURL(url, str(exc)) from exc


# --- the fetch ------------------------------------------------------------------------------------------


def _conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def fetch_feed(
    client: httpx.Client,
    url: str,
    settings: Settings,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    """GET a feed, following at most FETCH_MAX_REDIRECTS redirects by hand, each hop checked.

    Args:
        client: from `build_client(settings)`; its transport checks every address it connects to.
        url: the feed's URL.
        settings: FETCH_MAX_BYTES, FETCH_MAX_REDIRECTS, FETCH_TIMEOUT_SECONDS, ALLOW_PRIVATE_FEEDS are read.
        etag, last_modified: the validators stored from the last body, sent for a conditional GET.

    Raises `FeedError` subclasses or `FeedURLRefused` (an unsupported or private URL), each naming the URL.
    The whole fetch ends within TOTAL_TIME_FACTOR × FETCH_TIMEOUT_SECONDS, however slowly the server answers.
    """
    limit = TOTAL_TIME_FACTOR * settings.fetch_timeout_seconds
    deadline = time.monotonic() + limit
    token = _fetch_deadline.set(deadline)
    try:
        return _fetch_within(client, url, settings, deadline, limit, etag=etag, last_modified=last_modified)
    finally:
        _fetch_deadline.reset(token)


def _fetch_within(client: httpx.Client, url: str, settings: Settings, deadline: float, limit: float, *,
                  etag: str | None, last_modified: str | None) -> FetchResult:
    headers = _conditional_headers(etag, last_modified)
    current = url
    visited: set[str] = set()
    for _hop in range(settings.fetch_max_redirects + 1):
        visited.add(current)
        url_host_port(current)  # http(s) with a host, or UnsupportedFeedURL; addresses are checked on connect
        if time.monotonic() > deadline:
            raise FeedTimeout(url, f"too long: the whole fetch may take {limit:g} s (redirects)")
        with _named_errors(current, limit):
            response = client.send(client.build_request("GET", current, headers=headers), stream=True)
        with _named_errors(current, limit), closing(response):
            if response.status_code in REDIRECT_STATUSES:
                current = _redirect_target(response, current, url, visited)
                continue
            result = partial(FetchResult, url, current, response.status_code, etag=response.headers.get("ETag"),
                             last_modified=response.headers.get("Last-Modified"),
                             content_type=response.headers.get("Content-Type"))
            if response.status_code == 304:
                return result(body=None)
            if not 200 <= response.status_code < 300:
                raise FeedHTTPError(current, response.status_code, retry_after=_retry_after(response))
            return result(body=_read_body(response, current, settings.fetch_max_bytes, deadline))
    raise TooManyRedirects(url, f"more than {settings.fetch_max_redirects} redirects")


def _redirect_target(response: httpx.Response, current: str, url: str, visited: set[str]) -> str:
    """Where a redirect leads, absolute; a missing Location, a bad URL or a loop is an error."""
    location = response.headers.get("Location", "").strip()
    if not location:
        raise FeedHTTPError(current, response.status_code)
    try:
        following = str(response.url.join(location))
    except httpx.InvalidURL as exc:
        raise UnsupportedFeedURL(current, f"redirects to an invalid URL ({exc})") from exc
    if following in visited:
        raise TooManyRedirects(url, f"redirect loop at {following}")
    return following
