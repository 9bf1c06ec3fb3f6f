"""Feeds and their articles in the database: `Feed` and `Article` records in, records out, never rows.

Feed bookkeeping (validators, failures, next poll) lives on the feed row. A poll's result is stored in one
transaction, entries and bookkeeping together (several feeds' polls may share it), so a crash leaves either all of
it or none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Result, Table, func, select
from sqlalchemy import text as sql_text
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


@dataclass(frozen=True)
class FeedPoll:
    """One feed's successful poll, to store: its entries (empty on 304) and bookkeeping.

    `now` is the fetch time (the articles' `fetched_at`, the feed's `last_polled_at`); `next_poll_at` when to poll
    again; only when `body_came` (a 2xx with a body) are `etag`, `last_modified` and `title` stored, so a 304
    keeps the validators that earned it.
    """

    feed_id: int
    entries: Sequence[Entry]
    next_poll_at: datetime
    body_came: bool = True
    etag: str | None = None
    last_modified: str | None = None
    title: str | None = None


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
    then: Callable[[Session, list[list[Article]]], None] | None = None,
) -> list[Article]:
    """Store one poll's new entries and the feed's bookkeeping in one transaction; return only new articles
    (see `record_poll_successes`)."""
    poll = FeedPoll(feed_id, entries, next_poll_at, body_came, etag, last_modified, title)
    return record_poll_successes(db, [poll], now=now, then=then)[0]


def record_poll_successes(db: Database, polls: Sequence[FeedPoll], *, now: datetime,
                          then: Callable[[Session, list[list[Article]]], None] | None = None) -> list[list[Article]]:
    """Store several feeds' polls in one transaction, in the order given; each feed's new articles.

    An entry is new unless the feed already has its guid, or any feed has an article with its canonical URL or
    its content hash (duplicates inside the polls count too, the earlier poll keeping the article). An entry
    whose text another feed already carried (same content hash) is kept as a copy of that article: one article,
    one more source. Failures are reset. Known guids, URLs and hashes are looked up for all the polls at once,
    and the new articles inserted together (`INSERT … ON CONFLICT DO NOTHING RETURNING`: a guid another poller
    stored meanwhile is not an error).

    `then(session, new articles of each poll)` runs in the same transaction before it commits (the job engine
    defers the articles' analysis jobs there, so no article is ever stored without its job, nor a job without
    its article).
    """
    if not polls:
        return []
    now = _utc(now)
    with db.session() as session:
        # Locks the feed rows on PostgreSQL (in id order), so two pollers of one feed store its entries in turn.
        ids = sorted({poll.feed_id for poll in polls})
        feeds = {row.id: row for row in session.scalars(select(FeedRow).where(FeedRow.id.in_(ids))
                                                        .order_by(FeedRow.id).with_for_update())}
        missing = [i for i in ids if i not in feeds]
        if missing:
            raise LookupError(f"feed {missing[0]} does not exist")
        if session.get_bind().dialect.name == "postgresql":
            known = _Known(set(), set(), set())
            if _lock_entry_keys(session, polls):
                known = _known_entries_postgresql(session, polls)
                session.execute(_SEQUENTIAL_SCANS_BACK)
        else:
            known = _known_entries(session, polls)
        fresh_of: list[list[Entry]] = []
        waiting: list[tuple[int, Entry]] = []  # new entries not inserted yet
        inserted: dict[tuple[int, str], Article] = {}
        for poll in polls:
            fresh, repeats = _split_entries(poll.feed_id, poll.entries, known)
            if repeats:  # a repeat may be a copy of an article new in an earlier poll: those go in first
                inserted.update(_insert_articles(session, waiting, now))
                waiting = []
                _record_copies(session, poll.feed_id, repeats)
            waiting += [(poll.feed_id, entry) for entry in fresh]
            fresh_of.append(fresh)
        inserted.update(_insert_articles(session, waiting, now))
        for poll in polls:
            feed = feeds[poll.feed_id]
            if poll.body_came:
                feed.etag = _fits(poll.etag, 500)
                feed.last_modified = _fits(poll.last_modified, 100)
                if poll.title:
                    feed.title = poll.title[:500]
            feed.last_polled_at = now
            feed.next_poll_at = _utc(poll.next_poll_at)
            feed.consecutive_failures = 0
            feed.last_error = None
        session.flush()
        new = [[inserted[(poll.feed_id, e.guid)] for e in fresh if (poll.feed_id, e.guid) in inserted]
               for poll, fresh in zip(polls, fresh_of, strict=True)]
        if then is not None:
            then(session, new)
        return new


def _fits(value: str | None, width: int) -> str | None:
    """A validator is useful whole or not at all: one too long for its column is dropped."""
    return value if value is not None and len(value) <= width else None


@dataclass
class _Known:
    """What is stored already: each feed's guids, canonical URLs and content hashes."""

    guids: set[tuple[int, str]]
    urls: set[str]
    hashes: set[str]


def _known_entries(session: Session, polls: Sequence[FeedPoll]) -> _Known:
    """The stored guids (per feed), URLs and hashes among the polls' entries: a few queries for all of them."""
    known = _Known(set(), set(), set())
    feed_ids = sorted({poll.feed_id for poll in polls if poll.entries})
    guids = sorted({e.guid for poll in polls for e in poll.entries})
    urls = sorted({e.url for poll in polls for e in poll.entries if e.url})
    hashes = sorted({e.content_hash for poll in polls for e in poll.entries})
    for chunk in _chunks(guids):
        known.guids.update((feed_id, guid) for feed_id, guid in session.execute(
            select(ArticleRow.feed_id, ArticleRow.guid).where(ArticleRow.feed_id.in_(feed_ids),
                                                              ArticleRow.guid.in_(chunk))))
    for chunk in _chunks(urls):
        known.urls.update(u for u in session.scalars(select(ArticleRow.url).where(ArticleRow.url.in_(chunk))) if u)
    for chunk in _chunks(hashes):
        known.hashes.update(session.scalars(select(ArticleRow.content_hash).where(ArticleRow.content_hash.in_(chunk))))
    return known


# Transaction-level advisory locks (the two-number form, apart from `bot.storage.holders`' one-number locks) on
# the entries' content hashes and URLs, in one order: two transactions storing the same article, from two feeds
# in two processes, look it up and insert it in turn, so it is stored once and the second one records a copy.
# Transactions whose entries share nothing do not wait for each other.
_ENTRY_LOCK_SPACE = 13013
# The same statement turns sequential scans off until the lookup that follows is planned: a table never analysed
# yet (a new deployment's first polls, 20,000 articles in a minute) has no statistics, and with the default
# estimate for "url = ANY(…)" the planner read the whole articles table twice a feed (23 ms at 20,000 articles)
# where the indexes find the few rows at once.
_LOCK_ENTRY_KEYS = sql_text(
    "SELECT set_config('enable_seqscan', 'off', true), count(pg_advisory_xact_lock(:space, k))"
    " FROM (SELECT DISTINCT hashtext(current_schema() || e) AS k FROM unnest(CAST(:keys AS text[])) AS e ORDER BY k)"
    " AS s")
_SEQUENTIAL_SCANS_BACK = sql_text("SELECT set_config('enable_seqscan', 'on', true)")
# Three index lookups in one statement (an OR of the three would read the whole table).
_KNOWN_ENTRIES = sql_text(
    "SELECT feed_id, guid, NULL, NULL FROM articles WHERE feed_id = ANY(CAST(:feeds AS integer[]))"
    " AND guid = ANY(CAST(:guids AS text[]))"
    " UNION ALL SELECT NULL, NULL, url, NULL FROM articles WHERE url = ANY(CAST(:urls AS text[]))"
    " UNION ALL SELECT NULL, NULL, NULL, content_hash FROM articles WHERE content_hash = ANY(CAST(:hashes AS text[]))")


def _lock_entry_keys(session: Session, polls: Sequence[FeedPoll]) -> bool:
    """PostgreSQL: lock the polls' content hashes and URLs until the transaction ends (a statement of its own,
    before the lookup, whose snapshot must see what a transaction that held them committed); False when the
    polls have no entries (nothing locked, nothing to look up)."""
    keys = sorted({"h:" + e.content_hash for poll in polls for e in poll.entries}
                  | {"u:" + e.url for poll in polls for e in poll.entries if e.url})
    if keys:
        session.execute(_LOCK_ENTRY_KEYS, {"space": _ENTRY_LOCK_SPACE, "keys": keys})
    return bool(keys)


def _known_entries_postgresql(session: Session, polls: Sequence[FeedPoll]) -> _Known:
    """`_known_entries` in one statement (each value list one array parameter: the same statement every time)."""
    feed_ids = sorted({poll.feed_id for poll in polls if poll.entries})
    guids = {e.guid for poll in polls for e in poll.entries}
    urls = {e.url for poll in polls for e in poll.entries if e.url}
    hashes = {e.content_hash for poll in polls for e in poll.entries}
    known = _Known(set(), set(), set())
    if not feed_ids:
        return known
    rows = session.execute(_KNOWN_ENTRIES, {"feeds": feed_ids, "guids": sorted(guids), "urls": sorted(urls),
                                            "hashes": sorted(hashes)})
    for feed_id, guid, url, content_hash in rows:
        if guid is not None:
            known.guids.add((feed_id, guid))
        elif url is not None:
            known.urls.add(url)
        else:
            known.hashes.add(content_hash)
    return known


def _split_entries(feed_id: int, entries: Sequence[Entry], known: _Known) -> tuple[list[Entry], list[Entry]]:
    """The entries that are not yet stored, by (feed, guid), canonical URL and content hash; and the entries new
    to this feed whose text is already stored (candidates for copies). `known` takes in the new ones."""
    fresh, repeats = [], []
    for entry in entries:
        if (feed_id, entry.guid) in known.guids:
            continue
        if entry.content_hash in known.hashes or (entry.url and entry.url in known.urls):
            if entry.content_hash in known.hashes:
                repeats.append(entry)
            continue
        fresh.append(entry)
        known.guids.add((feed_id, entry.guid))
        known.hashes.add(entry.content_hash)
        if entry.url:
            known.urls.add(entry.url)
    return fresh, repeats


# psycopg's own placeholders, the arrays in binary (%(…)b): as text, every element is scanned for characters to
# quote and escape, 0.8 ms of client CPU for a feed of 20 articles of 550 words; in binary, 0.02.
_UNNEST_INSERT = (
    "INSERT INTO articles (feed_id, guid, url, title, published_at, fetched_at, text, text_source, content_hash)"
    " SELECT f, g, u, t, p, %(fetched)s, x, 'feed', h FROM unnest(CAST(%(feeds)b AS integer[]),"
    " CAST(%(guids)b AS text[]), CAST(%(urls)b AS text[]), CAST(%(titles)b AS text[]),"
    " CAST(%(published)b AS timestamptz[]), CAST(%(texts)b AS text[]), CAST(%(hashes)b AS text[]))"
    " AS e(f, g, u, t, p, x, h) ON CONFLICT (feed_id, guid) DO NOTHING RETURNING id, feed_id, guid")


def _insert_articles(session: Session, entries: Sequence[tuple[int, Entry]],
                     now: datetime) -> dict[tuple[int, str], Article]:
    """Insert new entries (feed id, entry) as articles in one statement (INSERT … ON CONFLICT
    DO NOTHING RETURNING: a guid another poller stored meanwhile is skipped); (feed id, guid) → article."""
    if not entries:
        return {}
    rows: list[dict[str, Any]] = [
        {"feed_id": feed_id, "guid": e.guid, "url": e.url, "title": e.title, "published_at": _utc(e.published_at),
         "fetched_at": now, "text": e.text, "text_source": "feed", "content_hash": e.content_hash,
         "analyzed_at": None, "analysis_error": None, "story_id": None}
        for feed_id, e in entries]
    by_key = {(row["feed_id"], row["guid"]): row for row in rows}
    if session.get_bind().dialect.name == "postgresql":
        # One short statement with a column of values each, whatever the number of rows: a multi-row VALUES of
        # 20 entries is a 4 kB statement that psycopg parses anew every time (a fifth of storing a feed).
        inserted: Result[int, int, str] = session.connection().exec_driver_sql(_UNNEST_INSERT, {
            "feeds": [row["feed_id"] for row in rows], "guids": [row["guid"] for row in rows],
            "urls": [row["url"] for row in rows], "titles": [row["title"] for row in rows],
            "published": [row["published_at"] for row in rows], "fetched": now,
            "texts": [row["text"] for row in rows], "hashes": [row["content_hash"] for row in rows]})
    else:
        table = cast(Table, ArticleRow.__table__)
        statement = (sqlite.insert(table).on_conflict_do_nothing(index_elements=["feed_id", "guid"])
                     .returning(table.c.id, table.c.feed_id, table.c.guid))
        inserted = session.execute(statement, rows)
    stored: dict[tuple[int, str], Article] = {}
    for article_id, feed_id, guid in inserted:
        row = by_key[(feed_id, guid)]
        stored[(feed_id, guid)] = Article(id=article_id, **row)
    return stored


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


def article_an_entry_is(db: Database, feed_id: int, guid: str, content_hash: str,
                        url: str | None) -> tuple[Article, str] | None:
    """The stored article a feed's entry (its guid, content hash and canonical URL) is, by the rules a poll
    stores entries by (`_split_entries`), and by which: "guid" (the feed's article of that guid, or the article
    that entry is a copy of; its text may differ from the entry's), "text" (the earliest article of the entry's
    content hash: a repeat, stored once, even within one feed) or "link" (the earliest article at the entry's
    canonical URL, with another text: a poll keeps one text a link). None when none is stored."""
    article = article_for_entry(db, feed_id, guid)
    if article is not None:
        return article, "guid"
    with db.session() as session:
        row = session.scalar(select(ArticleRow).where(ArticleRow.content_hash == content_hash)
                             .order_by(ArticleRow.id).limit(1))
        if row is not None:
            return _article(row), "text"
        if url:
            row = session.scalar(select(ArticleRow).where(ArticleRow.url == url).order_by(ArticleRow.id).limit(1))
            if row is not None:
                return _article(row), "link"
    return None


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
