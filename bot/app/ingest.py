"""One cycle of the pipeline: poll feeds → full text for teasers → analyze → stories → queue for channels."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from spacy.language import Language

from bot.analysis.pipeline import ArticleText, analyze_texts
from bot.app.stories import OpenStories, store_analysis
from bot.app.subscriptions import enqueue_stories
from bot.app.updates import queue_story_updates
from bot.config import Settings
from bot.feeds.addresses import FeedURLRefused, check_feed_url
from bot.feeds.pages import PageRequest, PageText, fetch_pages, is_teaser
from bot.feeds.poll import PollReport, poll_feeds
from bot.storage import Database
from bot.storage.articles import Article, add_feed, feed_by_url, unanalyzed_articles
from bot.storage.stories import load_stories, mark_queued, record_analysis_failure, unqueued_story_ids

log = logging.getLogger(__name__)

# Called after each analysed article with (done, total): the demo's progress bar.
Progress = Callable[[int, int], None]


@dataclass
class CycleReport:
    """What one cycle did, for logs and the terminal."""

    poll: PollReport
    analyzed: int = 0
    analysis_failures: list[str] = field(default_factory=list)
    new_story_ids: list[int] = field(default_factory=list)
    queued: int = 0

    def describe(self) -> str:
        lines = [outcome.describe() for outcome in self.poll.outcomes] or ["no feeds to poll"]
        if not self.poll.new_articles:
            lines.append("no new articles")
        lines.append(f"analyzed {self.analyzed} article(s), {len(self.new_story_ids)} new story(ies), "
                     f"{self.queued} queued for channels")
        lines += [f"analysis failed: {failure}" for failure in self.analysis_failures]
        return "\n".join(lines)


def feed_urls_from_file(path: Path) -> list[str]:
    """Feed URLs, one a line; blank lines and # comments are skipped."""
    urls = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            urls.append(line)
    return urls


def add_feeds(db: Database, settings: Settings, urls: Iterable[str], now: datetime, *,
              added_by: str | None = None) -> list[str]:
    """Add the feeds not known yet; a refused URL is logged and skipped. Returns the problems."""
    problems = []
    for url in urls:
        if feed_by_url(db, url) is not None:
            continue
        try:
            check_feed_url(url, allow_private=settings.allow_private_feeds)
        except FeedURLRefused as exc:
            problems.append(f"{url}: {exc}")
            log.error("feed not added: %s: %s", url, exc)
            continue
        add_feed(db, url, now=now, added_by=added_by)
    return problems


def full_texts(articles: list[Article], settings: Settings) -> dict[int, PageText]:
    """The article page's text for each teaser-only article not read from its page yet; failures keep the teaser."""
    wanted = [PageRequest(a.id, a.url, a.title, a.text) for a in articles
              if a.url and a.text_source == "feed" and is_teaser(a.text, a.url)]
    if not wanted:
        return {}
    try:
        pages = fetch_pages(wanted, settings, min_delay=settings.page_min_delay_seconds)
    except Exception:  # without pages the teasers are still analysed
        log.exception("fetching %d article page(s) failed; their teasers are analysed", len(wanted))
        return {}
    kept = sum(1 for page in pages.values() if page.error)
    log.info("article pages: %d read, %d kept their teaser", len(pages) - kept, kept)
    return pages


def analyze_articles(db: Database, nlp: Language, articles: list[Article], settings: Settings, now: datetime,
                     progress: Progress | None = None, *, read_pages: bool = True,
                     open_stories: OpenStories | None = None) -> tuple[list[int], list[str]]:
    """Analyze and store each article; one failure is recorded on its article and never stops the others.

    Teaser-only articles are first read from their page (`bot.feeds.pages`) unless `read_pages` or the
    FETCH_PAGES setting is off. `open_stories` carries the open stories from one call to the next (a stream);
    without it they are loaded once for these articles.
    """
    pages = full_texts(articles, settings) if read_pages and settings.fetch_pages else {}
    story_ids: list[int] = []
    failures: list[str] = []
    stories = open_stories or OpenStories(db)  # the open stories' states, loaded once for all these articles
    done = 0
    while done < len(articles):
        # Restarted after a failure so that the articles behind a broken one are still read in this cycle.
        remaining = articles[done:]
        texts = (ArticleText(pages[a.id].text if a.id in pages else a.text, a.published_at.date(), a.title)
                 for a in remaining)
        results = analyze_texts(nlp, texts, batch_size=settings.analysis_batch_size)
        for article in remaining:
            done += 1
            page = pages.get(article.id)
            try:
                story_ids.append(store_analysis(
                    db, article.id, next(results), now, text=page.text if page else None,
                    text_source=page.source if page else None, page_error=page.error if page else None,
                    stories=stories))
            except Exception as exc:  # contained to this article
                message = f"article {article.id} ({article.url or article.guid}): {type(exc).__name__}: {exc}"
                log.exception("analysis failed: %s", message)
                failures.append(message)
                record_analysis_failure(db, article.id, f"{type(exc).__name__}: {exc}", now,
                                        page_error=page.error if page else None)
                break
            finally:
                if progress:
                    progress(done, len(articles))
    return story_ids, failures


@dataclass
class ReadReport:
    """What reading the pending articles did: analysed, failed, the stories they made, rows queued."""

    analyzed: int = 0
    failures: list[str] = field(default_factory=list)
    story_ids: list[int] = field(default_factory=list)
    queued: int = 0
    updates: int = 0  # update replies owed to channels whose stories grew


def queue_new_stories(db: Database, now: datetime) -> int:
    """Offer every story not offered yet to the channels whose topics match; returns outbox rows added.

    Stories are marked only after they were queued, so a crash in between loses none; queueing them again
    adds nothing (one outbox row per channel and story).
    """
    story_ids = unqueued_story_ids(db)
    if not story_ids:
        return 0
    queued = enqueue_stories(db, load_stories(db, story_ids=story_ids), now=now)
    mark_queued(db, story_ids, now)
    return queued


def read_pending(db: Database, settings: Settings, nlp_loader: Callable[[], Language], now: datetime,
                 progress: Progress | None = None) -> ReadReport:
    """Analyze every article not read yet and queue the stories; the model is loaded only when needed."""
    report = ReadReport()
    pending = unanalyzed_articles(db)
    if pending:
        story_ids, report.failures = analyze_articles(db, nlp_loader(), pending, settings, now, progress)
        report.analyzed = len(pending)
        report.story_ids = sorted(set(story_ids))
    report.queued = queue_new_stories(db, now)
    # After every read, not only one that analysed articles: a crash right after analysis loses no update.
    report.updates = queue_story_updates(db, now)
    return report


def run_cycle(settings: Settings, nlp_loader: Callable[[], Language], *, db: Database | None = None,
              force: bool = False, now: datetime | None = None, progress: Progress | None = None) -> CycleReport:
    """Poll, analyze and queue once. The model is loaded only when there is something to read."""
    now = now or datetime.now(UTC)
    database = db or Database.connect(settings.database_url)
    if db is None:
        database.upgrade()
    if settings.feeds_file is not None:
        add_feeds(database, settings, feed_urls_from_file(settings.feeds_file), now)
    report = CycleReport(poll=poll_feeds(database, settings, now, force=force))
    read = read_pending(database, settings, nlp_loader, now, progress)
    report.analyzed, report.analysis_failures = read.analyzed, read.failures
    report.new_story_ids, report.queued = read.story_ids, read.queued
    return report
