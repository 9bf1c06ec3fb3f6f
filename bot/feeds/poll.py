"""Poll the due feeds: fetch → parse → store, several feeds at once, one failure never stopping the others.

A large poll fetches in threads (a bounded pool, a per-host limit), parses in a pool of processes (feedparser is
CPU-bound: one core would take most of a minute for a thousand feeds) while fetching goes on, and stores the
feeds in batches, a few queries and one INSERT per feed (`bot.storage.articles.record_poll_successes`).

The scheduling arithmetic (interval, jitter, backoff) is pure and lives at the top; `poll_feed` and
`poll_feeds` are the only functions here that touch the network and the database.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import random
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import ParamSpec, TypeVar

import httpx
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.feeds.addresses import FeedURLRefused, UnsupportedFeedURL, url_host_port
from bot.feeds.fetch import FeedError, FeedHTTPError, FetchResult, build_client, fetch_feed
from bot.feeds.parse import FeedParseError, ParsedFeed, parse_feed
from bot.storage import Database
from bot.storage.articles import (
    Article,
    Feed,
    FeedPoll,
    due_feeds,
    list_feeds,
    record_poll_failure,
    record_poll_success,
    record_poll_successes,
)

logger = logging.getLogger(__name__)
_P = ParamSpec("_P")
_T = TypeVar("_T")

# Called in the transaction that stores a feed's new articles, with its session and those articles.
NewArticlesHook = Callable[[Session, list[Article]], None]

# Feeds fetched at once by one poll, and at once from one host (politeness), so a slow feed costs only its deadline.
POLL_WORKERS = 20
PER_HOST = 2
# From this many feeds a poll parses in a pool of processes (one per core); fewer are parsed here, as a pool's
# start costs more than they do.
PARSE_POOL_FROM = 16
STORE_BATCH = 50  # feeds stored per transaction

# What a feed can do wrong; anything else is a bug, still contained to its feed but logged with a traceback.
FEED_PROBLEMS = (FeedError, FeedURLRefused, FeedParseError)


@dataclass(frozen=True)
class FeedOutcome:
    """What one feed's poll came to: new articles, not modified (304), or an error."""

    feed_id: int
    url: str
    new_articles: list[Article] = field(default_factory=list)
    not_modified: bool = False
    error: str | None = None
    retired: bool = False
    next_poll_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def describe(self) -> str:
        """One line for logs and the terminal."""
        if self.error is not None:
            return f"{self.url}: {self.error}" + (" (retired)" if self.retired else "")
        if self.not_modified:
            return f"{self.url}: not modified (304)"
        count = len(self.new_articles)
        return f"{self.url}: {count} new article{'' if count == 1 else 's'}" if count else f"{self.url}: no new articles"


@dataclass(frozen=True)
class PollReport:
    """Every polled feed's outcome, in polling order."""

    outcomes: list[FeedOutcome]

    @property
    def new_articles(self) -> list[Article]:
        return [article for outcome in self.outcomes for article in outcome.new_articles]

    @property
    def new_article_ids(self) -> list[int]:
        return [article.id for article in self.new_articles]

    @property
    def failed(self) -> list[FeedOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.ok]

    @property
    def not_modified(self) -> list[FeedOutcome]:
        return [outcome for outcome in self.outcomes if outcome.not_modified]


# --- pure scheduling ------------------------------------------------------------------------------------


def next_poll_after_success(now: datetime, settings: Settings, rng: random.Random | None = None) -> datetime:
    """`now` + POLL_INTERVAL_SECONDS + a random share of POLL_JITTER_SECONDS, so feeds do not poll in lockstep."""
    jitter = (rng or random).uniform(0, settings.poll_jitter_seconds) if settings.poll_jitter_seconds else 0.0
    return now + timedelta(seconds=settings.poll_interval_seconds + jitter)


def backoff_seconds(failures: int, settings: Settings) -> float:
    """Wait after `failures` consecutive failures: the interval doubled per failure, capped by MAX_BACKOFF_SECONDS."""
    exponent = min(max(failures, 1), 32)  # no overflow for a feed that has failed for years
    return float(min(settings.poll_interval_seconds * 2**exponent, settings.max_backoff_seconds))


def next_poll_after_failure(now: datetime, failures: int, settings: Settings,
                            rng: random.Random | None = None) -> datetime:
    """`now` + the backoff for `failures` (counting this one) + jitter."""
    jitter = (rng or random).uniform(0, settings.poll_jitter_seconds) if settings.poll_jitter_seconds else 0.0
    return now + timedelta(seconds=backoff_seconds(failures, settings) + jitter)


def describe_error(exc: BaseException) -> str:
    """The error as stored on the feed and shown to people: the named problem and its reason."""
    if isinstance(exc, FEED_PROBLEMS):
        return f"{type(exc).__name__}: {exc.reason}"
    return f"{type(exc).__name__}: {exc}"


# --- I/O ------------------------------------------------------------------------------------------------


def poll_feed(db: Database, settings: Settings, feed: Feed, now: datetime, client: httpx.Client,
              *, rng: random.Random | None = None, then: NewArticlesHook | None = None) -> FeedOutcome:
    """Fetch, parse and store one feed; any failure is recorded on the feed (backoff) and returned, not raised.

    Args:
        db: the database.
        settings: fetch limits and poll scheduling.
        feed: the feed record (its validators make the GET conditional).
        now: the fetch time: `fetched_at`, the date of undated entries, and the base of the next poll.
        client: from `bot.feeds.fetch.build_client(settings)`.
        rng: the jitter's random source (tests pass a seeded one).
        then: called with the session and the new articles in the transaction that stores them, before it
            commits (the job engine defers their analysis there); when it fails, nothing of the poll is stored.
    """
    return store_fetched(db, settings, feed, now, fetch_one(settings, feed, client), rng=rng, then=then)


def fetch_one(settings: Settings, feed: Feed, client: httpx.Client) -> FetchResult | Exception:
    """The feed's response, or what went wrong (returned, so a pool of fetches never loses one)."""
    try:
        return fetch_feed(client, feed.url, settings, etag=feed.etag, last_modified=feed.last_modified)
    except Exception as exc:  # noqa: BLE001 - one feed's failure, whatever it is, stays with that feed
        return exc


# Deduplication across feeds reads, then writes. On PostgreSQL the storing transaction locks its entries' hashes
# and URLs (`bot.storage.articles.record_poll_successes`), across threads and processes, so the fetch jobs of one
# worker store their feeds in parallel; elsewhere (SQLite) storing is one feed at a time in a process.
_store_lock = threading.Lock()


@contextmanager
def _storing(db: Database) -> Iterator[None]:
    """Held while a poll is stored: nothing on PostgreSQL, the process's store lock elsewhere."""
    if db.engine.dialect.name == "postgresql":
        yield
        return
    with _store_lock:
        yield


def store_fetched(db: Database, settings: Settings, feed: Feed, now: datetime, fetched: FetchResult | Exception,
                  *, rng: random.Random | None = None, then: NewArticlesHook | None = None) -> FeedOutcome:
    """Parse and store what `fetch_one` brought back, or record its failure on the feed."""
    try:
        if isinstance(fetched, Exception):
            raise fetched
        return _store(db, settings, feed, now, fetched, rng, then)
    except Exception as exc:  # noqa: BLE001 - one feed's failure, whatever it is, stays with that feed
        with _storing(db):
            return _record_failure(db, settings, feed, now, exc, rng)


def _store(db: Database, settings: Settings, feed: Feed, now: datetime, result: FetchResult,
           rng: random.Random | None, then: NewArticlesHook | None = None) -> FeedOutcome:
    hook = None if then is None else lambda session, new: then(session, new[0])
    if result.not_modified:
        with _storing(db):
            record_poll_success(db, feed.id, [], now=now, next_poll_at=next_poll_after_success(now, settings, rng),
                                body_came=False)
        logger.info("Feed %s not modified (304)", feed.url, extra={"feed_url": feed.url})
        return FeedOutcome(feed.id, feed.url, not_modified=True)
    parsed = parse_feed(result.body or b"", url=feed.url, now=now, content_type=result.content_type)
    for warning in parsed.warnings:
        logger.warning("Feed %s: %s", feed.url, warning, extra={"feed_url": feed.url})
    next_poll = next_poll_after_success(now, settings, rng)
    with _storing(db):
        stored = record_poll_success(
            db, feed.id, parsed.entries, now=now, next_poll_at=next_poll, body_came=True,
            etag=result.etag, last_modified=result.last_modified, title=parsed.title, then=hook,
        )
    logger.info("Feed %s: %d entries, %d new", feed.url, len(parsed.entries), len(stored),
                extra={"feed_url": feed.url})
    return FeedOutcome(feed.id, feed.url, new_articles=stored, next_poll_at=next_poll)


def _record_failure(db: Database, settings: Settings, feed: Feed, now: datetime, exc: Exception,
                    rng: random.Random | None) -> FeedOutcome:
    error = describe_error(exc)
    gone = isinstance(exc, FeedHTTPError) and exc.status == 410
    failures = feed.consecutive_failures + 1
    next_poll = next_poll_after_failure(now, failures, settings, rng)
    if isinstance(exc, FeedHTTPError) and exc.retry_after:
        # The server said when to come back (429, 503): not sooner, and never later than the longest backoff.
        next_poll = max(next_poll, now + timedelta(seconds=min(exc.retry_after, settings.max_backoff_seconds)))
    if isinstance(exc, FEED_PROBLEMS):
        logger.warning("Feed %s failed (%d in a row)%s: %s", feed.url, failures,
                       ", retired: it is gone" if gone else f", next try {next_poll:%Y-%m-%d %H:%M} UTC", error,
                       extra={"feed_url": feed.url})
    else:
        logger.exception("Feed %s failed unexpectedly (%d in a row): %s", feed.url, failures, error,
                         extra={"feed_url": feed.url})
    try:
        record_poll_failure(db, feed.id, error, now=now, next_poll_at=next_poll, retire=gone)
    except Exception:
        logger.exception("Feed %s: could not record its failure", feed.url)
    return FeedOutcome(feed.id, feed.url, error=error, retired=gone, next_poll_at=next_poll)


def poll_feeds(db: Database, settings: Settings, now: datetime, client: httpx.Client | None = None,
               *, force: bool = False, rng: random.Random | None = None) -> PollReport:
    """Poll every due feed (every active feed with `force`) once and report each one's outcome, in feed order.

    Up to POLL_WORKERS feeds are fetched at once, at most PER_HOST of them from one host, so a slow or hostile
    feed holds up nothing but itself, for at most its fetch deadline. Each body is parsed as soon as it came (in
    a pool of processes for a large poll), and the feeds are stored STORE_BATCH at a time, in feed order.

    Args:
        db: the database.
        settings: fetch limits and poll scheduling.
        now: the time of this poll (aware, UTC).
        client: an HTTP client from `build_client(settings)`; one is made and closed when not given.
        force: poll every feed that is not retired, due or not.
        rng: the jitter's random source.
    """
    feeds = list_feeds(db) if force else due_feeds(db, now)
    own_client = client is None
    client = client or build_client(settings)
    host_slots: defaultdict[str, threading.Semaphore] = defaultdict(lambda: threading.Semaphore(PER_HOST))
    slots_lock = threading.Lock()

    def fetch_polite(feed: Feed) -> FetchResult | Exception:
        with slots_lock:
            slot = host_slots[_host_of(feed.url)]
        with slot:
            return fetch_one(settings, feed, client)

    try:
        if len(feeds) <= 1:
            fetched = [fetch_polite(feed) for feed in feeds]
            return PollReport([store_fetched(db, settings, feed, now, result, rng=rng)
                               for feed, result in zip(feeds, fetched, strict=True)])
        with ThreadPoolExecutor(max_workers=min(POLL_WORKERS, len(feeds)), thread_name_prefix="poll") as pool, \
                _parse_pool(len(feeds)) as parsers:
            parsing: list[Future[ParsedFeed | str]] = [Future() for _ in feeds]

            def fetch_then_parse(index: int) -> FetchResult | Exception:
                result = fetch_polite(feeds[index])
                if isinstance(result, FetchResult) and not result.not_modified:
                    _chain(parsers.submit(parse_body, result.body or b"", feeds[index].url, now,
                                          result.content_type), parsing[index])
                return result

            fetches = [pool.submit(fetch_then_parse, index) for index in range(len(feeds))]
            outcomes: list[FeedOutcome] = []
            # Stored in feed order, so which of two feeds carrying the same story keeps it does not depend on timing.
            for start in range(0, len(feeds), STORE_BATCH):
                batch = range(start, min(start + STORE_BATCH, len(feeds)))
                outcomes += store_batch(db, settings, [feeds[i] for i in batch], now,
                                        [fetches[i].result() for i in batch],
                                        [_parsed(parsing[i], feeds[i], fetches[i].result(), now) for i in batch],
                                        rng=rng)
            return PollReport(outcomes)
    finally:
        if own_client:
            client.close()


@contextmanager
def _parse_pool(feeds: int) -> Iterator[Executor]:
    """Processes to parse in for a large poll (forkserver: no copy of this process's threads and connections),
    this thread for a small one."""
    if feeds < PARSE_POOL_FROM or (os.cpu_count() or 1) < 2:
        with _InlineExecutor() as inline:
            yield inline
        return
    with ProcessPoolExecutor(max_workers=os.cpu_count(), mp_context=multiprocessing.get_context("forkserver")) as pool:
        yield pool


class _InlineExecutor(Executor):
    """Runs each task in the calling thread, when it is submitted."""

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        future: Future[_T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - handed to whoever reads the future
            future.set_exception(exc)
        return future


def _chain(source: Future[ParsedFeed | str], target: Future[ParsedFeed | str]) -> None:
    """Let `target` settle as `source` does (a parse submitted from a fetch thread, read in feed order)."""
    def settle(done: Future[ParsedFeed | str]) -> None:
        exc = done.exception()
        if exc is not None:
            target.set_exception(exc)
        else:
            target.set_result(done.result())

    source.add_done_callback(settle)


def parse_body(body: bytes, url: str, now: datetime, content_type: str | None) -> ParsedFeed | str:
    """`parse_feed` in a pool's process: the parsed feed, or why the document cannot be read (as text, since the
    exception itself does not travel between processes)."""
    try:
        return parse_feed(body, url=url, now=now, content_type=content_type)
    except FeedParseError as exc:
        return exc.reason


def _parsed(parsing: Future[ParsedFeed | str], feed: Feed, fetched: FetchResult | Exception,
            now: datetime) -> ParsedFeed | Exception | None:
    """A fetched body's parse (None when there was no body to parse), or its problem."""
    if isinstance(fetched, Exception) or fetched.not_modified:
        return None
    try:
        result = parsing.result()
    except BrokenProcessPool:  # the pool could not run (or lost a process): parse here, as a small poll does
        logger.warning("Feed %s: the parsing processes stopped; parsing it here", feed.url)
        result = parse_body(fetched.body or b"", feed.url, now, fetched.content_type)
    except Exception as exc:  # noqa: BLE001 - one feed's failure, whatever it is, stays with that feed
        return exc
    return result if isinstance(result, ParsedFeed) else FeedParseError(feed.url, result)


def store_batch(db: Database, settings: Settings, feeds: Sequence[Feed], now: datetime,
                fetched: Sequence[FetchResult | Exception], parsed: Sequence[ParsedFeed | Exception | None],
                *, rng: random.Random | None = None) -> list[FeedOutcome]:
    """Store several feeds' polls in one transaction (failures recorded on their feeds); each feed's outcome. If
    the batch cannot be stored, each feed is stored on its own, so one bad feed never stops the others."""
    outcomes: list[FeedOutcome | None] = [None] * len(feeds)
    polls: dict[int, FeedPoll] = {}
    with _storing(db):
        for index, (feed, result, document) in enumerate(zip(feeds, fetched, parsed, strict=True)):
            problem = result if isinstance(result, Exception) else document if isinstance(document, Exception) else None
            if problem is not None:
                outcomes[index] = _record_failure(db, settings, feed, now, problem, rng)
                continue
            assert isinstance(result, FetchResult) and not isinstance(document, Exception)
            next_poll = next_poll_after_success(now, settings, rng)
            if result.not_modified or document is None:
                polls[index] = FeedPoll(feed.id, [], next_poll, body_came=False)
                continue
            for warning in document.warnings:
                logger.warning("Feed %s: %s", feed.url, warning, extra={"feed_url": feed.url})
            polls[index] = FeedPoll(feed.id, document.entries, next_poll, True, result.etag, result.last_modified,
                                    document.title)
        try:
            stored = dict(zip(polls, record_poll_successes(db, list(polls.values()), now=now), strict=True))
        except Exception:  # one feed's bad data must not lose the batch: each on its own below
            logger.warning("could not store %d feeds together; storing them one by one", len(polls), exc_info=True)
            stored = {}
            for index, poll in polls.items():
                try:
                    stored[index] = record_poll_successes(db, [poll], now=now)[0]
                except Exception as exc:  # noqa: BLE001 - one feed's failure, whatever it is, stays with that feed
                    outcomes[index] = _record_failure(db, settings, feeds[index], now, exc, rng)
        for index, articles in stored.items():
            feed, poll = feeds[index], polls[index]
            if not poll.body_came:
                logger.info("Feed %s not modified (304)", feed.url, extra={"feed_url": feed.url})
                outcomes[index] = FeedOutcome(feed.id, feed.url, not_modified=True)
            else:
                logger.info("Feed %s: %d entries, %d new", feed.url, len(poll.entries), len(articles),
                            extra={"feed_url": feed.url})
                outcomes[index] = FeedOutcome(feed.id, feed.url, new_articles=articles, next_poll_at=poll.next_poll_at)
    return [outcome for outcome in outcomes if outcome is not None]


def _host_of(url: str) -> str:
    try:
        return url_host_port(url)[0].lower()
    except UnsupportedFeedURL:
        return url  # fails on its own when fetched
