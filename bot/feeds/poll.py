"""Poll the due feeds: fetch → parse → store, several feeds at once, one failure never stopping the others.

The scheduling arithmetic (interval, jitter, backoff) is pure and lives at the top; `poll_feed` and
`poll_feeds` are the only functions here that touch the network and the database.
"""

from __future__ import annotations

import logging
import random
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx

from bot.config import Settings
from bot.feeds.addresses import FeedURLRefused, UnsupportedFeedURL, url_host_port
from bot.feeds.fetch import FeedError, FeedHTTPError, FetchResult, build_client, fetch_feed
from bot.feeds.parse import FeedParseError, parse_feed
from bot.storage import Database
from bot.storage.articles import (
    Article,
    Feed,
    due_feeds,
    list_feeds,
    record_poll_failure,
    record_poll_success,
)

logger = logging.getLogger(__name__)

# Feeds fetched at once by one poll, and at once from one host (politeness), so a slow feed costs only its deadline.
POLL_WORKERS = 20
PER_HOST = 2

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
              *, rng: random.Random | None = None) -> FeedOutcome:
    """Fetch, parse and store one feed; any failure is recorded on the feed (backoff) and returned, not raised.

    Args:
        db: the database.
        settings: fetch limits and poll scheduling.
        feed: the feed record (its validators make the GET conditional).
        now: the fetch time: `fetched_at`, the date of undated entries, and the base of the next poll.
        client: from `bot.feeds.fetch.build_client(settings)`.
        rng: the jitter's random source (tests pass a seeded one).
    """
    return store_fetched(db, settings, feed, now, fetch_one(settings, feed, client), rng=rng)


def fetch_one(settings: Settings, feed: Feed, client: httpx.Client) -> FetchResult | Exception:
    """The feed's response, or what went wrong (returned, so a pool of fetches never loses one)."""
    try:
        return fetch_feed(client, feed.url, settings, etag=feed.etag, last_modified=feed.last_modified)
    except Exception as exc:  # noqa: BLE001 - one feed's failure, whatever it is, stays with that feed
        return exc


# Storing is one feed at a time in a process: deduplication across feeds reads, then writes.
_store_lock = threading.Lock()


def store_fetched(db: Database, settings: Settings, feed: Feed, now: datetime, fetched: FetchResult | Exception,
                  *, rng: random.Random | None = None) -> FeedOutcome:
    """Parse and store what `fetch_one` brought back, or record its failure on the feed."""
    with _store_lock:
        try:
            if isinstance(fetched, Exception):
                raise fetched
            return _store(db, settings, feed, now, fetched, rng)
        except Exception as exc:  # noqa: BLE001 - one feed's failure, whatever it is, stays with that feed
            return _record_failure(db, settings, feed, now, exc, rng)


def _store(db: Database, settings: Settings, feed: Feed, now: datetime, result: FetchResult,
           rng: random.Random | None) -> FeedOutcome:
    if result.not_modified:
        record_poll_success(db, feed.id, [], now=now, next_poll_at=next_poll_after_success(now, settings, rng),
                            body_came=False)
        logger.info("Feed %s not modified (304)", feed.url, extra={"feed_url": feed.url})
        return FeedOutcome(feed.id, feed.url, not_modified=True)
    parsed = parse_feed(result.body or b"", url=feed.url, now=now, content_type=result.content_type)
    for warning in parsed.warnings:
        logger.warning("Feed %s: %s", feed.url, warning, extra={"feed_url": feed.url})
    next_poll = next_poll_after_success(now, settings, rng)
    stored = record_poll_success(
        db, feed.id, parsed.entries, now=now, next_poll_at=next_poll, body_came=True,
        etag=result.etag, last_modified=result.last_modified, title=parsed.title,
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
    feed holds up nothing but itself, for at most its fetch deadline.

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
        else:
            with ThreadPoolExecutor(max_workers=min(POLL_WORKERS, len(feeds)), thread_name_prefix="poll") as pool:
                fetched = list(pool.map(fetch_polite, feeds))
        # Stored in feed order, so which of two feeds carrying the same story keeps it does not depend on timing.
        return PollReport([store_fetched(db, settings, feed, now, result, rng=rng)
                           for feed, result in zip(feeds, fetched, strict=True)])
    finally:
        if own_client:
            client.close()


def _host_of(url: str) -> str:
    try:
        return url_host_port(url)[0].lower()
    except UnsupportedFeedURL:
        return url  # fails on its own when fetched
