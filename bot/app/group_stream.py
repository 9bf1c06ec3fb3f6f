"""`diplobot group`: the grouping contract beside `analyze`.

JSON Lines of articles in (`{"id", "title", "text", "published", "feed", "link"}`), read in input order as a
stream; each article goes through the steps of a poll (stored as an entry of its feed, so a text two feeds
carry is one article with two sources, and a text sent again, even by one feed under another id, is that same
article; analysed; given its story by the same `OpenStories` a poll uses), and one line `{"id", "story"}` comes
out per article, in input order, once the stream has ended: a later article may fold a story into another
(`bot.domain.grouping.StoryIndex.folds`), so an article's story is read at the end.

A line without a story is named on stderr with its reason, never left out silently: not an article of the
contract; its id (in its feed) or its link already named another title or text (a poll keeps the first text, so
this one was not grouped); or its analysis failed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import IO, Any

from spacy.language import Language

from bot.app.ingest import analyze_articles
from bot.app.stories import OpenStories
from bot.config import Settings
from bot.domain.articles import Entry, bounded_guid, canonical_url, content_hash, one_line
from bot.storage import Database
from bot.storage.articles import Feed, add_feed, article_an_entry_is, record_poll_success, remove_feed

FEED_URL_PREFIX = "stream:"  # the stream's feeds are named, not fetched: they are never polled
CHUNK = 32  # articles stored, then analysed together (spaCy batches them)


class BadGroupLine(ValueError):
    """A line that is not an article of the grouping contract."""


@dataclass
class StreamArticle:
    where: str
    id: str | int
    feed: str
    entry: Entry


@dataclass
class GroupRun:
    answered: int = 0
    problems: list[str] = field(default_factory=list)


def parse_line(where: str, raw: str, now: datetime) -> StreamArticle:
    """One input line as an article, or BadGroupLine saying what is wrong with it."""
    try:
        row: Any = json.loads(raw)
    except ValueError as exc:
        raise BadGroupLine(f"not JSON ({exc})") from exc
    if not isinstance(row, dict):
        raise BadGroupLine("not a JSON object")
    ident = row.get("id")
    if not isinstance(ident, (str, int)) or isinstance(ident, bool) or ident == "":
        raise BadGroupLine('no "id" (a string or a number)')
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        raise BadGroupLine('no "text" string')
    title = row.get("title") or ""
    feed = row.get("feed") or "stream"
    if not isinstance(title, str) or not isinstance(feed, str):
        raise BadGroupLine('"title" and "feed" must be strings')
    published = now
    if row.get("published"):
        value = row["published"]
        try:
            published = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError as exc:
            raise BadGroupLine(f'"published" is not an ISO date: {str(value)[:40]!r}') from exc
        if published.tzinfo is None:
            published = published.replace(tzinfo=UTC)
    link = row.get("link")
    url = canonical_url(link) if isinstance(link, str) else None
    entry = Entry(guid=bounded_guid(str(ident)), url=url, title=one_line(title), text=text,
                  published_at=published.astimezone(UTC), content_hash=content_hash(title, text))
    return StreamArticle(where, ident, feed, entry)


def _chunks(lines: Iterable[tuple[str, str]], now: datetime, run: GroupRun,
            err: IO[str]) -> Iterator[list[StreamArticle]]:
    chunk: list[StreamArticle] = []
    for where, raw in lines:
        if not raw.strip():
            continue
        try:
            chunk.append(parse_line(where, raw, now))
        except BadGroupLine as exc:
            run.problems.append(f"{where}: {exc}")
            err.write(f"{where}: {exc}; line skipped\n")
            continue
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _story_of(db: Database, feed_id: int, feed: str, entry: Entry,
              stored_by: dict[int, str]) -> tuple[int | None, str]:
    """A line's story as a poll stored its entry (the feed's article of its id; or, for a text stored
    already, even in the same feed under another id, that article: one article, however often it is sent), or
    why it has none: its id names another text in its feed, or its link another text (a poll keeps the first),
    or its analysis gave it no story."""
    found = article_an_entry_is(db, feed_id, entry.guid, entry.content_hash, entry.url)
    if found is None:
        return None, "was not stored"
    article, by = found
    earlier = stored_by.get(article.id, f"article {article.id}, stored before this run")
    if by == "guid" and article.content_hash != entry.content_hash:
        return None, (f"its id is that of {earlier} in feed {feed!r}, with another title or text; a feed's id "
                      "names one article, the first text it came with, so this text was not grouped")
    if by == "link":
        return None, (f"its link {entry.url} is that of {earlier}, with another title or text; a link names one "
                      "article, the first text it came with, so this text was not grouped")
    if article.story_id is None:
        reason = f" (analysis failed: {article.analysis_error})" if article.analysis_error else ""
        return None, f"its article got no story{reason}"
    return article.story_id, ""


def run_group_stream(db: Database, settings: Settings, nlp: Language, lines: Iterable[tuple[str, str]],
                     out: IO[str], err: IO[str]) -> GroupRun:
    """Group a stream of articles as a poll would, writing `{"id", "story"}` per article in input order (at the
    end: a story may be folded into another by a later article)."""
    now = datetime.now(UTC)
    run = GroupRun()
    feeds: dict[str, Feed] = {}
    stories = OpenStories(db)
    read: list[tuple[str, str | int, str, Entry]] = []  # where, id, feed, the entry without its text
    stored_by: dict[int, str] = {}  # article id → the line that stored it
    try:
        for chunk in _chunks(lines, now, run, err):
            new = []
            for item in chunk:
                feed = feeds.get(item.feed)
                if feed is None:
                    feed = feeds[item.feed] = add_feed(db, FEED_URL_PREFIX + item.feed, now=now)
                stored = record_poll_success(db, feed.id, [item.entry], now=now, title=item.feed,
                                             next_poll_at=now + timedelta(days=3650), body_came=True)
                stored_by.update((article.id, item.where) for article in stored)
                new += stored
            _, failures = analyze_articles(db, nlp, new, settings, now, read_pages=False, open_stories=stories)
            for failure in failures:
                err.write(f"analysis failed: {failure}\n")
            read += [(item.where, item.id, item.feed, replace(item.entry, text="")) for item in chunk]
        for where, article_id, feed_name, entry in read:
            story_id, problem = _story_of(db, feeds[feed_name].id, feed_name, entry, stored_by)
            if story_id is None:
                run.problems.append(f"{where}: {problem}")
                err.write(f"{where}: article {article_id!r}: {problem}; no story given\n")
                continue
            out.write(json.dumps({"id": article_id, "story": story_id}) + "\n")
            run.answered += 1
        out.flush()
    finally:
        for feed in feeds.values():
            remove_feed(db, feed.url)  # named feeds of a stream are never polled
    return run
