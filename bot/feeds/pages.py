"""Full text for teaser-only entries: fetch the article page and extract its main text with trafilatura.

Pages are fetched with the same guarded fetch as feeds (`bot.feeds.fetch.fetch_feed`: timeouts, size cap,
redirect cap, address guard) and politely: one request at a time per host, and at least `min_delay` seconds
between the end of one request to a host and the start of the next. Different hosts are fetched side by side.
A page that fails leaves the article with its teaser and the reason (`PageText.error`); nothing is dropped.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

import httpx
import trafilatura

from bot.config import Settings
from bot.domain.articles import clean_text, fold_for_hash
from bot.feeds.addresses import FeedURLRefused, Resolver, resolve_host
from bot.feeds.fetch import FeedError, build_client, fetch_feed
from bot.feeds.problems import AddressProblem

log = logging.getLogger(__name__)
_Result = TypeVar("_Result")

# Below this many characters an entry's text is taken for a teaser and its page is fetched.
TEASER_MAX_CHARS = 600
# Texts ending like this were cut short by the feed, whatever their length.
TRUNCATION_MARKS = ("…", "...", "[…]", "[...]", "read more", "continue reading", "read the full story")
DEFAULT_MIN_DELAY_SECONDS = 1.0
DEFAULT_WORKERS = 4
# The analysis reads at most this much of a page; longer texts are cut at a paragraph break.
MAX_PAGE_CHARS = 100_000
# Names reserved by RFC 2606 / RFC 6761 that no public site answers to: never worth a request.
RESERVED_SUFFIXES = (".example", ".invalid", ".test")
HTML_TYPES = ("text/html", "application/xhtml+xml")
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"

TEXT_FROM_FEED = "feed"
TEXT_FROM_PAGE = "page"


class PageError(AddressProblem):
    """The article page gave no text."""


@dataclass(frozen=True)
class PageRequest:
    """An article whose page is wanted: its id, link, title and the teaser it has now."""

    article_id: int
    url: str
    title: str
    teaser: str


@dataclass(frozen=True)
class PageText:
    """The text to analyse for an article and where it came from; `error` says why the page was not used."""

    article_id: int
    text: str
    source: str  # "page" or "feed"
    error: str | None = None


def is_teaser(text: str, url: str | None) -> bool:
    """True when the entry's text looks cut short (short, or ending in "…"/"Read more") and has a link."""
    if not url:
        return False
    stripped = text.strip()
    return len(stripped) < TEASER_MAX_CHARS or stripped.lower().endswith(TRUNCATION_MARKS)


def page_host(url: str) -> str:
    """The host name politeness is counted by (lower case, without port)."""
    return (urlsplit(url).hostname or "").lower()


def main_text(html: bytes, url: str, title: str = "") -> str:
    """The article text of an HTML page, paragraphs as blank lines; `PageError` when there is none.

    trafilatura drops navigation, footers and comments; a first line repeating the title is dropped too.
    """
    try:
        extracted = trafilatura.extract(html, url=url, include_comments=False, include_tables=False,
                                        include_images=False, favor_precision=True, deduplicate=False)
    except Exception as exc:  # the extractor's failures on hostile HTML are this page's problem
        raise PageError(url, f"the page could not be read ({type(exc).__name__})") from exc
    if not extracted or not extracted.strip():
        raise PageError(url, "no article text found on the page")
    lines = [line.strip() for line in extracted.splitlines() if line.strip()]
    if title and lines and fold_for_hash(lines[0]) == fold_for_hash(title):
        lines = lines[1:]
    text = clean_text("\n\n".join(lines))
    if len(text) > MAX_PAGE_CHARS:
        cut = text.rfind("\n\n", 0, MAX_PAGE_CHARS)
        text = text[:cut if cut > 0 else MAX_PAGE_CHARS]
    return text


class HostPacer:
    """One request at a time per host, and `min_delay` seconds from the end of one to the start of the next."""

    def __init__(self, min_delay: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._min_delay = min_delay
        self._clock = clock
        self._sleep = sleep
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._last_end: dict[str, float] = {}

    def _lock(self, host: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(host, threading.Lock())

    def run(self, host: str, request: Callable[[], _Result]) -> _Result:
        """Call `request` once it is this host's turn."""
        with self._lock(host):
            last = self._last_end.get(host)
            if last is not None:
                wait = last + self._min_delay - self._clock()
                if wait > 0:
                    self._sleep(wait)
            try:
                return request()
            finally:
                self._last_end[host] = self._clock()


_PACERS: dict[float, HostPacer] = {}
_PACERS_GUARD = threading.Lock()


def shared_pacer(min_delay: float) -> HostPacer:
    """The process-wide pacer for `min_delay`, so politeness holds across cycles and feed jobs too."""
    with _PACERS_GUARD:
        return _PACERS.setdefault(min_delay, HostPacer(min_delay))


def fetch_page_text(client: httpx.Client, request: PageRequest, settings: Settings) -> str:
    """GET one article page within the feed limits and return its main text (`PageError`, `FeedError`...)."""
    host = page_host(request.url)
    if host.endswith(RESERVED_SUFFIXES) or host in {s.lstrip(".") for s in RESERVED_SUFFIXES}:
        raise PageError(request.url, f"{host} is a reserved name that no public site uses; not fetched")
    result = fetch_feed(client, request.url, settings)
    content_type = (result.content_type or "").split(";")[0].strip().lower()
    if content_type and content_type not in HTML_TYPES:
        raise PageError(result.final_url, f"not an HTML page ({content_type})")
    text = main_text(result.body or b"", result.final_url, request.title)
    if len(text) <= len(request.teaser.strip()):
        raise PageError(result.final_url, "the page text is no longer than the teaser")
    return text


def _describe(exc: Exception) -> str:
    reason = getattr(exc, "reason", None) or str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {reason}"


def page_client(settings: Settings, *, resolve: Resolver = resolve_host) -> httpx.Client:
    """The feed client (`build_client`), asking for HTML."""
    client = build_client(settings, resolve=resolve)
    client.headers["Accept"] = PAGE_ACCEPT
    return client


def fetch_pages(requests: Iterable[PageRequest], settings: Settings, *, client: httpx.Client | None = None,
                min_delay: float = DEFAULT_MIN_DELAY_SECONDS, workers: int = DEFAULT_WORKERS,
                pacer: HostPacer | None = None) -> dict[int, PageText]:
    """Fetch the pages of teaser-only articles; every request gets a `PageText`, failed ones keep the teaser.

    Args:
        requests: the articles whose page is wanted.
        settings: FETCH_TIMEOUT_SECONDS, FETCH_MAX_BYTES, FETCH_MAX_REDIRECTS, USER_AGENT, ALLOW_PRIVATE_FEEDS.
        client: an HTTP client from `page_client(settings)`; one is made and closed when not given.
        min_delay: seconds between two requests to one host.
        workers: how many different hosts are fetched at once.
        pacer: the per-host turn keeper (tests pass one to share it or observe it).
    """
    wanted = list(requests)
    if not wanted:
        return {}
    pacer = pacer or shared_pacer(min_delay)
    own_client = client is None
    client = client or page_client(settings)

    def one(request: PageRequest) -> PageText:
        try:
            text = pacer.run(page_host(request.url), lambda: fetch_page_text(client, request, settings))
            return PageText(request.article_id, text, TEXT_FROM_PAGE)
        except (PageError, FeedError, FeedURLRefused) as exc:
            error = _describe(exc)
            log.warning("Page %s not used, teaser kept: %s", request.url, error)
        except Exception as exc:  # one page's failure never stops the others
            error = _describe(exc)
            log.exception("Page %s failed unexpectedly, teaser kept: %s", request.url, error)
        return PageText(request.article_id, request.teaser, TEXT_FROM_FEED, error)

    def one_host(queue: list[PageRequest]) -> list[PageText]:
        return [one(request) for request in queue]

    # One queue per host, worked through in order by one thread: hosts side by side, never a host twice at once.
    queues: dict[str, list[PageRequest]] = {}
    for request in wanted:
        queues.setdefault(page_host(request.url), []).append(request)
    try:
        with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="page") as pool:
            done = [page for pages in pool.map(one_host, queues.values()) for page in pages]
        return {page.article_id: page for page in done}
    finally:
        if own_client:
            client.close()
