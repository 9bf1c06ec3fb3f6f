"""Feeds and their articles in the database: `Feed` and `Article` records in, records out, never rows.

Feed bookkeeping (validators, failures, next poll) lives on the feed row. A poll's result is stored in one
transaction per feed, entries and bookkeeping together, so a crash leaves either all of it or none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.domain.articles import Entry
from bot.storage import Database
from bot.storage import as_utc as _utc
from bot.storage import in_chunks as _chunks
from bot.storage.models import ArticleCopyRow, ArticleRow, FeedRow

MAX_ERROR_LENGTH = 2000


@dataclass(frozen=True)
class Feed:
    """A feed and its fetch bookkeeping; `retired` feeds (removed, or 410 Gone) are not polled."""

    id: int
    url: str
    title: str | None
    etag: str | None
    last_modified: str | None
    last_polled_at: datetime | None
    next_poll_at: datetime | None
    consecutive_failures: int
    last_error: str | None
    retired: bool
    added_by: str | None
    created_at: datetime


@dataclass(frozen=True)
class Article:
    """A stored article: `url` is canonical, `published_at` UTC, `analyzed_at` None until analysis ran."""

    id: int
    feed_id: int
    guid: str
    url: str | None
    title: str
    published_at: datetime
    fetched_at: datetime
    text: str
    text_source: str
    content_hash: str
    analyzed_at: datetime | None
    analysis_error: str | None
    story_id: int | None


def _feed(row: FeedRow) -> Feed:
    return Feed(
        id=row.id, url=row.url, title=row.title, etag=row.etag, last_modified=row.last_modified,
        last_polled_at=_utc(row.last_polled_at), next_poll_at=_utc(row.next_poll_at),
        consecutive_failures=row.consecutive_failures or 0, last_error=row.last_error, retired=bool(row.retired),
        added_by=row.added_by, created_at=_utc(row.created_at),
    )


def _article(row: ArticleRow) -> Article:
    return Article(
        id=row.id, feed_id=row.feed_id, guid=row.guid, url=row.url, title=row.title,
        published_at=_utc(row.published_at), fetched_at=_utc(row.fetched_at), text=row.text,
        text_source=row.text_source, content_hash=row.content_hash, analyzed_at=_utc(row.analyzed_at),
        analysis_error=row.analysis_error, story_id=row.story_id,
    )


# --- feeds ----------------------------------------------------------------------------------------------


def add_feed(db: Database, url: str, *, now: datetime, added_by: str | None = None) -> Feed:
    """Add a feed to poll now; adding a known URL returns it (and brings a removed feed back)."""
    url = url.strip()
    with db.session() as session:
        # Insert-or-ignore, not check-then-insert: another process adding the same URL meanwhile is not an error.
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        added = session.scalar(insert(FeedRow).values(
            url=url, added_by=added_by, created_at=_utc(now), next_poll_at=_utc(now), consecutive_failures=0,
            retired=False,
        ).on_conflict_do_nothing(index_elements=["url"]).returning(FeedRow.id))
        row = session.scalars(select(FeedRow).where(FeedRow.url == url)).one()
        if added is None and row.retired:
            row.retired = False
            row.consecutive_failures = 0
            row.last_error = None
            row.next_poll_at = _utc(now)
        session.flush()
        return _feed(row)


def get_feed(db: Database, feed_id: int) -> Feed | None:
    with db.session() as session:
        row = session.get(FeedRow, feed_id)
        return _feed(row) if row else None


def feed_by_url(db: Database, url: str) -> Feed | None:
    with db.session() as session:
        row = session.scalar(select(FeedRow).where(FeedRow.url == url.strip()))
        return _feed(row) if row else None


def list_feeds(db: Database, *, include_retired: bool = False) -> list[Feed]:
    """Feeds in the order they were added; removed and retired ones only when asked."""
    with db.session() as session:
        query = select(FeedRow).order_by(FeedRow.id)
        if not include_retired:
            query = query.where(FeedRow.retired.is_(False))
        return [_feed(row) for row in session.scalars(query)]


def remove_feed(db: Database, url: str) -> bool:
    """Stop polling a feed. Its articles stay (their quotes still answer `/who-said`). False if unknown."""
    with db.session() as session:
        row = session.scalar(select(FeedRow).where(FeedRow.url == url.strip()))
        if row is None or row.retired:
            return False
        row.retired = True
        row.last_error = "removed"
        return True


def due_feeds(db: Database, now: datetime, *, limit: int | None = None) -> list[Feed]:
    """Feeds to poll now: not retired, next poll at or before `now` (or never polled), most overdue first."""
    with db.session() as session:
        query = (
            select(FeedRow)
            .where(FeedRow.retired.is_(False))
            .where((FeedRow.next_poll_at.is_(None)) | (FeedRow.next_poll_at <= _utc(now)))
            .order_by(FeedRow.next_poll_at.is_not(None), FeedRow.next_poll_at, FeedRow.id)
        )
        if limit is not None:
            query = query.limit(limit)
        return [_feed(row) for row in session.scalars(query)]


# --- a poll's outcome -----------------------------------------------------------------------------------


def record_poll_success(
    db: Database,
    feed_id: int,
    entries: Sequence[Entry],
    *,
    now: datetime,
    next_poll_at: datetime,
    body_came: bool,
    etag: str | None = None,
    last_modified: str | None = None,
    title: str | None = None,
) -> list[Article]:
    """Store a poll's new entries and the feed's bookkeeping in one transaction; return only new articles.

    An entry is new unless the feed already has its guid, or any feed has an article with its canonical URL or
    its content hash (duplicates inside `entries` count too). An entry whose text another feed already carried
    (same content hash) is kept as a copy of that article: one article, one more source. Failures are reset.

    Args:
        entries: normalised entries (empty on 304).
        now: the fetch time, stored as the articles' `fetched_at` and the feed's `last_polled_at`.
        next_poll_at: when to poll again (interval and jitter are the poller's choice).
        body_came: True for a 2xx with a body; only then are `etag`, `last_modified` and `title` stored, so a
            304 keeps the validators that earned it.
    """
    now = _utc(now)
    with db.session() as session:
        # Locks the feed row on PostgreSQL, so two pollers of one feed store its entries one after the other.
        feed = session.scalar(select(FeedRow).where(FeedRow.id == feed_id).with_for_update())
        if feed is None:
            raise LookupError(f"feed {feed_id} does not exist")
        fresh, repeats = _new_entries(session, feed_id, entries)
        _record_copies(session, feed_id, repeats)
        rows = [
            ArticleRow(feed_id=feed_id, guid=e.guid, url=e.url, title=e.title, published_at=_utc(e.published_at),
                       fetched_at=now, text=e.text, text_source="feed", content_hash=e.content_hash)
            for e in fresh
        ]
        session.add_all(rows)
        if body_came:
            feed.etag = _fits(etag, 500)
            feed.last_modified = _fits(last_modified, 100)
            if title:
                feed.title = title[:500]
        feed.last_polled_at = now
        feed.next_poll_at = _utc(next_poll_at)
        feed.consecutive_failures = 0
        feed.last_error = None
        session.flush()
        return [_article(row) for row in rows]


def _fits(value: str | None, width: int) -> str | None:
    """A validator is useful whole or not at all: one too long for its column is dropped."""
    return value if value is not None and len(value) <= width else None


def _new_entries(session: Session, feed_id: int, entries: Sequence[Entry]) -> tuple[list[Entry], list[Entry]]:
    """The entries that are not yet stored, by (feed, guid), canonical URL and content hash; and the entries new
    to this feed whose text is already stored (candidates for copies)."""
    if not entries:
        return [], []
    known_guids: set[str] = set()
    known_urls: set[str] = set()
    known_hashes: set[str] = set()
    guids = sorted({e.guid for e in entries})
    urls = sorted({e.url for e in entries if e.url})
    hashes = sorted({e.content_hash for e in entries})
    for chunk in _chunks(guids):
        known_guids.update(session.scalars(
            select(ArticleRow.guid).where(ArticleRow.feed_id == feed_id, ArticleRow.guid.in_(chunk))))
    for chunk in _chunks(urls):
        known_urls.update(session.scalars(select(ArticleRow.url).where(ArticleRow.url.in_(chunk))))
    for chunk in _chunks(hashes):
        known_hashes.update(session.scalars(
            select(ArticleRow.content_hash).where(ArticleRow.content_hash.in_(chunk))))
    fresh, repeats = [], []
    for entry in entries:
        if entry.guid in known_guids:
            continue
        if entry.content_hash in known_hashes or (entry.url and entry.url in known_urls):
            if entry.content_hash in known_hashes:
                repeats.append(entry)
            continue
        fresh.append(entry)
        known_guids.add(entry.guid)
        known_hashes.add(entry.content_hash)
        if entry.url:
            known_urls.add(entry.url)
    return fresh, repeats


def _record_copies(session: Session, feed_id: int, entries: Sequence[Entry]) -> None:
    """Entries of `feed_id` that repeat another feed's article (same content hash): that article's copies."""
    for entry in entries:
        session.flush()  # this poll's own new rows count as originals too
        original = session.scalar(select(ArticleRow).where(ArticleRow.content_hash == entry.content_hash)
                                  .order_by(ArticleRow.id).limit(1))
        if original is None or original.feed_id == feed_id:
            continue  # a repeat within the feed (or of nothing stored): nothing to add
        known = session.scalar(select(ArticleCopyRow.id).where(ArticleCopyRow.feed_id == feed_id,
                                                               ArticleCopyRow.guid == entry.guid))
        if known is None:
            session.add(ArticleCopyRow(article_id=original.id, feed_id=feed_id, guid=entry.guid, url=entry.url,
                                       published_at=_utc(entry.published_at)))


def article_for_entry(db: Database, feed_id: int, guid: str) -> Article | None:
    """The stored article a feed's entry became: its own, or the one it is a copy of."""
    with db.session() as session:
        row = session.scalar(select(ArticleRow).where(ArticleRow.feed_id == feed_id, ArticleRow.guid == guid))
        if row is None:
            row = session.scalar(select(ArticleRow).join(ArticleCopyRow, ArticleCopyRow.article_id == ArticleRow.id)
                                 .where(ArticleCopyRow.feed_id == feed_id, ArticleCopyRow.guid == guid))
        return _article(row) if row is not None else None


def record_poll_failure(
    db: Database,
    feed_id: int,
    error: str,
    *,
    now: datetime,
    next_poll_at: datetime,
    retire: bool = False,
) -> Feed:
    """Count one more consecutive failure, keep the error, and set the (backed-off) next poll.

    `retire=True` (the feed answered 410 Gone) stops polling it for good.
    """
    with db.session() as session:
        feed = session.scalar(select(FeedRow).where(FeedRow.id == feed_id).with_for_update())
        if feed is None:
            raise LookupError(f"feed {feed_id} does not exist")
        feed.consecutive_failures = (feed.consecutive_failures or 0) + 1
        feed.last_error = error[:MAX_ERROR_LENGTH]
        feed.last_polled_at = _utc(now)
        feed.next_poll_at = _utc(next_poll_at)
        if retire:
            feed.retired = True
        session.flush()
        return _feed(feed)


# --- articles -------------------------------------------------------------------------------------------


def get_articles(db: Database, article_ids: Iterable[int]) -> list[Article]:
    """The articles with these ids, in id order (unknown ids are left out)."""
    ids = sorted(set(article_ids))
    found: list[Article] = []
    with db.session() as session:
        for chunk in _chunks(ids):
            found.extend(_article(row) for row in session.scalars(select(ArticleRow).where(ArticleRow.id.in_(chunk))))
    return sorted(found, key=lambda a: a.id)


def unanalyzed_articles(db: Database, *, limit: int | None = None) -> list[Article]:
    """Articles not yet analyzed (nor failed), oldest stored first."""
    with db.session() as session:
        query = select(ArticleRow).where(ArticleRow.analyzed_at.is_(None)).order_by(ArticleRow.id)
        if limit is not None:
            query = query.limit(limit)
        return [_article(row) for row in session.scalars(query)]


def list_articles(db: Database, *, feed_id: int | None = None, limit: int | None = None) -> list[Article]:
    """Stored articles, newest published first, optionally of one feed."""
    with db.session() as session:
        query = select(ArticleRow).order_by(ArticleRow.published_at.desc(), ArticleRow.id.desc())
        if feed_id is not None:
            query = query.where(ArticleRow.feed_id == feed_id)
        if limit is not None:
            query = query.limit(limit)
        return [_article(row) for row in session.scalars(query)]


def count_articles(db: Database, *, feed_id: int | None = None) -> int:
    with db.session() as session:
        query = select(func.count(ArticleRow.id))
        if feed_id is not None:
            query = query.where(ArticleRow.feed_id == feed_id)
        return session.scalar(query) or 0
