"""The job engine (JOB_ENGINE=procrastinate) in one process: each step is a job, and a worker taking them turns
feeds into posted stories, each article analysed once and each story posted once per subscribed channel."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr
from sqlalchemy import text

from bot.analysis.pipeline import ArticleText, analyze_texts
from bot.app.engine import EngineUnavailable, Work, work_jobs, worker_queues
from bot.app.ingest import add_feeds
from bot.config import Settings
from bot.slack.outbox.poster import Poster, story_ids_listed
from bot.storage import Database
from bot.storage.articles import list_articles, list_feeds
from bot.storage.delivery import add_subscription, ensure_channel, outbox_items
from bot.storage.jobs import articles_without_job, failed_jobs, unfinished_jobs
from bot.storage.stories import load_stories
from tests.conftest import FeedServer, Route, _postgres_schema_database
from tests.slack_standin import SlackStandIn
from tests.test_crash_recovery import feed as crash_feed

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_db() -> Iterator[Database]:
    yield from _postgres_schema_database()


def engine_settings(settings: Settings, slack: SlackStandIn, database: Database) -> Settings:
    return settings.model_copy(update={"job_engine": "procrastinate", "database_url": database.url,
                                       "slack_bot_token": SecretStr("xoxb-engine-test"),
                                       "slack_api_url": slack.base_url, "fetch_pages": False})


def drain(work: Work) -> None:
    """Run a worker on every queue until no job is left."""
    asyncio.run(work_jobs(work, wait=False, install_signal_handlers=False))


def posted(slack: SlackStandIn) -> Counter:
    counts: Counter = Counter()
    for channel, messages in slack.messages.items():
        for message in messages:
            if not message.get("thread_ts"):
                counts.update((channel, story_id) for story_id in story_ids_listed(message))
    return counts


def test_feeds_become_posted_stories_through_jobs(pg_db: Database, settings: Settings, feed_server: FeedServer,
                                                  slack_api: SlackStandIn, nlp) -> None:
    published = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    for path, numbers in (("/even.xml", [0, 2, 4]), ("/odd.xml", [1, 3])):
        feed_server.routes[path] = Route(body=crash_feed(numbers, published), etag=f'"{path}"',
                                         headers={"Content-Type": "application/rss+xml"})
    ensure_channel(pg_db, "T0001", "CALL", now=published)
    add_subscription(pg_db, "T0001", "CALL", "*", created_by="U0ADMIN", now=published)
    config = engine_settings(settings, slack_api, pg_db)
    add_feeds(pg_db, config, [feed_server.url("/even.xml"), feed_server.url("/odd.xml")], published)
    work = Work(pg_db, config, nlp_loader=lambda: nlp,
                poster_factory=lambda: Poster(pg_db, config, min_interval=0.01, timeout=5))
    try:
        assert work.tick()["feeds"] == 2
        assert work.tick()["feeds"] == 0  # their fetch jobs wait: nothing deferred twice
        drain(work)
    finally:
        work.close()
    articles = list_articles(pg_db)
    assert len(articles) == 5 and all(a.analyzed_at and not a.analysis_error for a in articles)
    stories = load_stories(pg_db)
    assert len(stories) == 5
    assert posted(slack_api) == Counter({("CALL", story.id): 1 for story in stories})
    assert {row.state for row in outbox_items(pg_db)} == {"sent"}
    assert unfinished_jobs(pg_db) == 0 and failed_jobs(pg_db) == []


def test_an_article_already_analysed_is_not_written_again(pg_db: Database, settings: Settings,
                                                          slack_api: SlackStandIn, nlp, feed_server) -> None:
    """A second grouping job for one article (its first worker looked dead, then came back) writes nothing."""
    published = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    feed_server.routes["/even.xml"] = Route(body=crash_feed([0], published),
                                            headers={"Content-Type": "application/rss+xml"})
    config = engine_settings(settings, slack_api, pg_db)
    add_feeds(pg_db, config, [feed_server.url("/even.xml")], published)
    work = Work(pg_db, config, nlp_loader=lambda: nlp)
    try:
        work.fetch_feed(list_feeds(pg_db)[0].id)
        article = list_articles(pg_db)[0]
        work.analyse_article(article.id)
        work.analyse_article(article.id)  # both analyses wait for grouping
        expected = next(analyze_texts(nlp, [ArticleText(article.text, article.published_at.date(), article.title)]))
        drain(work)
    finally:
        work.close()
    assert len(load_stories(pg_db)) == 1
    with pg_db.engine.connect() as conn:
        count = {table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                 for table in ("quotes", "actors", "deadlines")}
        documents = conn.execute(text("SELECT max(documents) FROM term_documents")).scalar_one()
    assert count == {"quotes": len(expected.quotes), "actors": len(expected.actors),
                     "deadlines": len(expected.deadlines)}
    assert count["quotes"] > 0 and documents == 1


def test_workers_refuse_sqlite_and_the_inline_engine(settings: Settings, slack_api: SlackStandIn, pg_db) -> None:
    sqlite = Database.connect(settings.database_url)
    with pytest.raises(EngineUnavailable, match="DATABASE_URL"):
        Work(sqlite, settings.model_copy(update={"job_engine": "procrastinate"}))
    with pytest.raises(EngineUnavailable, match="JOB_ENGINE"):
        Work(pg_db, settings)
    assert worker_queues(["analysis", "grouping"]) == ["analysis", "grouping", "schedule"]
    with pytest.raises(ValueError, match="unknown queue"):
        worker_queues(["analyse"])


def test_a_job_that_lost_its_article_writes_nothing(pg_db: Database, settings: Settings, slack_api: SlackStandIn,
                                                     nlp, feed_server) -> None:
    """A worker declared dead (its job handed to another) that comes back: its analysis is not stored."""
    published = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    feed_server.routes["/even.xml"] = Route(body=crash_feed([0], published),
                                            headers={"Content-Type": "application/rss+xml"})
    config = engine_settings(settings, slack_api, pg_db)
    add_feeds(pg_db, config, [feed_server.url("/even.xml")], published)
    work = Work(pg_db, config, nlp_loader=lambda: nlp)
    try:
        work.fetch_feed(list_feeds(pg_db)[0].id)
        article = list_articles(pg_db)[0]
        work.analyse_article(article.id, holder=(10**9, 0))  # no such job running: the lease is not ours
        with pg_db.engine.connect() as conn:
            quotes = conn.execute(text("SELECT count(*) FROM quotes")).scalar_one()
            grouping = conn.execute(text("SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'group_article'")
                                    ).scalar_one()
        assert (quotes, grouping) == (0, 0)
        drain(work)  # its own analysis job, which holds the article, does the work
    finally:
        work.close()
    assert [a.analyzed_at is not None for a in list_articles(pg_db)] == [True]


def test_diplobot_run_alone_works_the_jobs_itself(pg_db: Database, settings: Settings, feed_server: FeedServer,
                                                   slack_api: SlackStandIn, nlp) -> None:
    from bot.app.runner import start

    published = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    feed_server.routes["/even.xml"] = Route(body=crash_feed([0, 2], published),
                                            headers={"Content-Type": "application/rss+xml"})
    ensure_channel(pg_db, "T0001", "CALL", now=published)
    add_subscription(pg_db, "T0001", "CALL", "*", created_by="U0ADMIN", now=published)
    config = engine_settings(settings, slack_api, pg_db).model_copy(update={
        "slack_signing_secret": SecretStr("s" * 32), "slack_port": 0, "job_tick_seconds": 1})
    add_feeds(pg_db, config, [feed_server.url("/even.xml")], published)
    bot = start(config, db=pg_db, host="127.0.0.1", nlp_loader=lambda: nlp)
    try:
        assert bot.worker is not None and bot.scheduler.get_job("feed:1") is None  # the engine polls, not APScheduler
        deadline = time.monotonic() + 60
        while sum(posted(slack_api).values()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        bot.stop()
    stories = load_stories(pg_db)
    assert posted(slack_api) == Counter({("CALL", story.id): 1 for story in stories}) and len(stories) == 2


def test_diplobot_poll_defers_fetch_jobs_for_the_workers(pg_db: Database, settings: Settings, feed_server: FeedServer,
                                                          slack_api: SlackStandIn, monkeypatch) -> None:
    from click.testing import CliRunner

    from bot.cli import cli

    feed_server.routes["/even.xml"] = Route(body=crash_feed([0], datetime.now(UTC)),
                                            headers={"Content-Type": "application/rss+xml"})
    with pg_db.engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    feeds_file = settings.database_url.removeprefix("sqlite:///").replace("diplobot.db", "feeds.txt")
    with open(feeds_file, "w", encoding="utf-8") as out:
        out.write(feed_server.url("/even.xml") + "\n")
    monkeypatch.setenv("DATABASE_URL", f"{pg_db.url}?options=-csearch_path%3D{schema}")
    monkeypatch.setenv("JOB_ENGINE", "procrastinate")
    monkeypatch.setenv("ALLOW_PRIVATE_FEEDS", "true")
    result = CliRunner().invoke(cli, ["poll", "--feeds-file", feeds_file, "--all"])
    assert result.exit_code == 0, result.output
    assert "deferred 1 fetch job(s) for 1 feed(s)" in result.output
    assert list_articles(pg_db) == []  # nothing fetched here: the workers do it
    again = CliRunner().invoke(cli, ["poll", "--all"])
    assert "deferred 0 fetch job(s) for 1 feed(s) (1 already waiting)" in again.output


def test_the_tick_hands_back_a_dead_workers_job(pg_db: Database, settings: Settings, slack_api: SlackStandIn) -> None:
    """A job left running by a worker whose heartbeat stopped goes back to the queue on the next tick."""
    config = engine_settings(settings, slack_api, pg_db).model_copy(update={"job_lease_seconds": 2})
    work = Work(pg_db, config)
    try:
        with pg_db.engine.begin() as conn:
            worker = conn.execute(text("INSERT INTO procrastinate_workers (last_heartbeat) "
                                       "VALUES (now() - interval '1 hour') RETURNING id")).scalar_one()
            conn.execute(text("INSERT INTO procrastinate_jobs (queue_name, task_name, lock, args, status, worker_id) "
                              "VALUES ('stories', 'queue_story', 'story:999', '{\"story_id\": 999}', 'doing', :w)"),
                         {"w": worker})
        work.deferrer.app.configure_task("tick", queue="schedule").defer(timestamp=0)  # 0: the hourly clean-up too
        drain(work)  # the tick retries the job; the retried job finds no story 999 and ends
    finally:
        work.close()
    assert unfinished_jobs(pg_db) == 0 and failed_jobs(pg_db) == []


def jobs_of(db: Database, task: str) -> list[dict]:
    with db.engine.connect() as conn:
        return [row[0] for row in conn.execute(text("SELECT args FROM procrastinate_jobs WHERE task_name = :t "
                                                    "ORDER BY id"), {"t": task})]


def test_stored_work_and_its_next_job_are_committed_together(pg_db: Database, settings: Settings,
                                                             slack_api: SlackStandIn, nlp, feed_server,
                                                             monkeypatch) -> None:
    """A worker dying after it deferred the next job but before its own transaction committed leaves neither:
    no article without its analysis job, no analysis without its grouping job, and no job for work not stored."""
    published = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    feed_server.routes["/even.xml"] = Route(body=crash_feed([0, 2], published),
                                            headers={"Content-Type": "application/rss+xml"})
    config = engine_settings(settings, slack_api, pg_db)
    add_feeds(pg_db, config, [feed_server.url("/even.xml")], published)
    work = Work(pg_db, config, nlp_loader=lambda: nlp)
    defer_in = work.deferrer.defer_in

    def defer_then_die(*args, **kwargs):
        defer_in(*args, **kwargs)
        raise RuntimeError("the process died before its commit")

    try:
        feed = list_feeds(pg_db)[0]
        monkeypatch.setattr(work.deferrer, "defer_in", defer_then_die)
        work.fetch_feed(feed.id)
        assert list_articles(pg_db) == [] and jobs_of(pg_db, "analyse_article") == []
        monkeypatch.setattr(work.deferrer, "defer_in", defer_in)
        work.fetch_feed(feed.id, force=True)
        articles = list_articles(pg_db)
        assert len(articles) == 2  # stored with their jobs: nothing waits for the tick
        assert sorted(job["article_id"] for job in jobs_of(pg_db, "analyse_article")) == sorted(a.id for a in articles)
        assert articles_without_job(pg_db, limit=10) == []

        monkeypatch.setattr(work.deferrer, "defer_in", defer_then_die)
        with pytest.raises(RuntimeError, match="died"):
            work.analyse_article(articles[0].id)
        with pg_db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM quotes")).scalar_one() == 0
        assert jobs_of(pg_db, "group_article") == []
        monkeypatch.setattr(work.deferrer, "defer_in", defer_in)
        work.analyse_article(articles[0].id)
        assert [job["article_id"] for job in jobs_of(pg_db, "group_article")] == [articles[0].id]
        drain(work)
    finally:
        work.close()
    assert all(a.analyzed_at and not a.analysis_error for a in list_articles(pg_db))
    assert unfinished_jobs(pg_db) == 0 and failed_jobs(pg_db) == []


def test_the_grouping_job_reads_the_same_facts_as_a_poll() -> None:
    """The grouping job's argument keeps how often each actor is named: a mediator named three times is what the
    article is about (`ArticleFacts.lead_subjects`), through a job as in a poll."""
    from bot.analysis.records import Actor, Analysis, DateMention
    from bot.app.engine import analysis_from_json, grouping_facts
    from bot.app.stories import article_facts

    text = ("Mediator Ilse Varnholt opened a second round of border talks in Tallinn on Monday. Varnholt said both "
            "delegations had agreed an agenda. The talks resume on Tuesday, Varnholt added.")
    analysis = Analysis(actors=[Actor("Ilse Varnholt", "person", 3, ["Varnholt"], "Mediator"),
                                Actor("Tallinn", "place", 1)],
                        dates=[DateMention("Monday", 63, 69, "2026-11-30")], summary=["Talks opened."])
    published = datetime(2026, 11, 30, 12, tzinfo=UTC)
    polled = article_facts(7, "Border talks resume", text, published, analysis, 1)
    queued = article_facts(7, "Border talks resume", text, published, analysis_from_json(grouping_facts(analysis)), 1)
    assert polled.lead_subjects == {"who:ilse varnholt"}
    assert queued == polled
