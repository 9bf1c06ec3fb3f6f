"""The job engine (JOB_ENGINE=procrastinate, PostgreSQL): every step of the pipeline is a job that any worker
process on any machine takes, claimed through procrastinate's tables in the bot's own database.

    tick (every JOB_TICK_SECONDS) ──▶ fetch_feed ──▶ analyse_article ──▶ group_article ──▶ queue_story ──▶ post_channel
        feeds due; articles,          one feed       one article         one at a time     one story        one channel
        stories without a job;        (key feed:N)   (key article:N)     (lock grouping)   (lock story:N)   (lock post:T:C)
        channels with posts due;
        jobs of dead workers

A key's queueing lock keeps at most one job of that feed, article, story or channel waiting; story, channel and
grouping jobs also hold a lock, so one of them runs at a time across all workers. Grouping is one job at a time
for the whole deployment (story assignment is never concurrent) while spaCy runs in parallel in the analysis
jobs, which write an article's rows under its row lock and only while their job still holds it; filing first
checks that the article is not filed yet. Posting is one
job per channel at a time, so Slack is paced per channel across replicas, and rows a killed poster left
"sending" in that channel are its own to settle. A worker that stops sending heartbeats for JOB_LEASE_SECONDS
(killed, frozen, cut off) loses its jobs: the next tick gives them back to the queue. A job's next job is deferred
in the transaction that stores its input, on the same connection (`Deferrer.defer_in`): new articles and their
analysis jobs, analysis rows and the grouping job, a filed article and its story's queueing job are committed
together or not at all. The tick still finds work without a job (deferred by hand, or from before an upgrade).

`Work` holds what one process keeps between jobs (the database, the spaCy model, an HTTP client, the poster,
the open stories); `build_app` registers its methods as procrastinate tasks; `run_worker` runs them.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import procrastinate
from procrastinate import exceptions as procrastinate_errors
from procrastinate.job_context import JobContext
from psycopg.errors import DeadlockDetected
from spacy.language import Language
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.analysis.records import Actor, Analysis, DateMention, Deadline, Quote
from bot.config import Settings
from bot.storage import Database
from bot.storage.jobs import (
    ANALYSE_TASK,
    FETCH_TASK,
    GROUP_TASK,
    QUEUE_STORY_TASK,
    articles_without_job,
    feeds_due_without_job,
    next_grouping_turn,
    stories_without_job,
    story_queued,
)

log = logging.getLogger(__name__)

FETCH_QUEUE, ANALYSIS_QUEUE, GROUPING_QUEUE, STORIES_QUEUE, POST_QUEUE = "fetch", "analysis", "grouping", "stories", "post"
QUEUES = (FETCH_QUEUE, ANALYSIS_QUEUE, GROUPING_QUEUE, STORIES_QUEUE, POST_QUEUE)
SCHEDULE_QUEUE = "schedule"  # the tick; every worker takes it, whatever its --queues
POST_TASK = "post_channel"
TICK_TASK = "tick"
GROUPING_LOCK = "grouping"
SWEEP_LIMIT = 5000
WRITE_ATTEMPTS = 4  # an article's analysis rows, against deadlocks with parallel writers
FAILED_JOBS_KEPT_HOURS = 7 * 24  # for `SELECT … FROM procrastinate_jobs WHERE status = 'failed'`; succeeded ones go at once
TASK_QUEUES = {FETCH_TASK: FETCH_QUEUE, ANALYSE_TASK: ANALYSIS_QUEUE, GROUP_TASK: GROUPING_QUEUE,
               QUEUE_STORY_TASK: STORIES_QUEUE, POST_TASK: POST_QUEUE}  # feeds, articles or stories deferred by one tick at most


class EngineUnavailable(RuntimeError):
    """The job engine was asked for where it cannot run (SQLite, or JOB_ENGINE=inline)."""


def require_engine(settings: Settings, db: Database) -> None:
    """Raise `EngineUnavailable` naming the setting unless jobs can run here (PostgreSQL, JOB_ENGINE=procrastinate)."""
    if db.engine.dialect.name != "postgresql":
        raise EngineUnavailable("DATABASE_URL: workers need PostgreSQL (the jobs live in it); with SQLite "
                                "`diplobot run` does everything in one process")
    if settings.job_engine != "procrastinate":
        raise EngineUnavailable("JOB_ENGINE: set JOB_ENGINE=procrastinate on every process of the deployment "
                                "(`diplobot run` too), or its own in-process steps would do the work twice")


def connection_settings(db: Database) -> dict[str, Any]:
    """psycopg connection keywords for the database behind `db`, its search path included (a schema of its own)."""
    _, params = db.engine.dialect.create_connect_args(db.engine.url)
    with db.engine.connect() as conn:
        search_path = conn.execute(text("SELECT current_setting('search_path')")).scalar_one()
    return {**params, "options": f"-csearch_path={search_path}".replace(" ", "")}


def grouping_facts(analysis: Analysis) -> dict[str, Any]:
    """What grouping reads of an analysis, as a job argument: actors with their other names and how often the text
    names them (a person or place named often is what the article is about), date values, the summary's first
    line and the quotes (counted for the story's lead; their text is not needed)."""
    return {"actors": [{"name": a.name, "kind": a.kind, "mentions": a.mentions, "aliases": list(a.aliases)}
                       for a in analysis.actors],
            "dates": [{"text": "", "start": 0, "end": 0, "value": d.value} for d in analysis.dates],
            "summary": analysis.summary[:1],
            "quotes": [{"text": "", "start": 0, "end": 0} for _ in analysis.quotes]}


def holds_job(session: Session, job_id: int, attempts: int) -> bool:
    """Whether the job is still running in the attempt that started it (its row locked until the caller's commit,
    so the tick cannot hand it to someone else meanwhile)."""
    return session.execute(text("SELECT 1 FROM procrastinate_jobs WHERE id = :id AND status = 'doing' "
                                "AND attempts = :attempts FOR UPDATE"), {"id": job_id, "attempts": attempts}
                           ).first() is not None


def analysis_from_json(data: dict[str, Any]) -> Analysis:
    """The `Analysis` that `dataclasses.asdict` turned into a job argument."""
    return Analysis(actors=[Actor(**a) for a in data.get("actors", [])],
                    quotes=[Quote(**q) for q in data.get("quotes", [])],
                    dates=[DateMention(**d) for d in data.get("dates", [])],
                    deadlines=[Deadline(**d) for d in data.get("deadlines", [])],
                    summary=list(data.get("summary", [])))


class Deferrer:
    """Defers jobs from any thread, with a synchronous connection pool of its own; a job already waiting
    under the same queueing lock makes a second defer a no-op."""

    def __init__(self, db: Database) -> None:
        from procrastinate import SyncPsycopgConnector

        self.app = procrastinate.App(connector=SyncPsycopgConnector(kwargs=connection_settings(db), min_size=1,
                                                                    max_size=4))
        self.app.open()

    def defer(self, task: str, *, lock: str | None, queueing_lock: str | None, **arguments: Any) -> bool:
        """Defer `task` with `arguments`; False when the same work was already waiting."""
        try:
            self.app.configure_task(task, queue=TASK_QUEUES[task], lock=lock,
                                    queueing_lock=queueing_lock).defer(**arguments)
        except procrastinate_errors.AlreadyEnqueued:
            return False
        return True

    def defer_many(self, task: str, jobs: Sequence[tuple[str, dict[str, Any]]], *, locked: bool = True) -> int:
        """Defer one job of `task` per (key, arguments), the key its queueing lock (and its lock when `locked`),
        in one statement; when one of them waits already, one by one. Returns how many were deferred."""
        if not jobs:
            return 0
        made = [self.app.configure_task(task, queue=TASK_QUEUES[task], lock=key if locked else None,
                                        queueing_lock=key).make_new_job(**arguments) for key, arguments in jobs]
        try:
            self.app.job_manager.batch_defer_jobs(made)
        except procrastinate_errors.AlreadyEnqueued:
            return sum(self.defer(task, lock=key if locked else None, queueing_lock=key, **arguments)
                       for key, arguments in jobs)
        return len(made)

    def defer_in(self, session: Session, task: str, jobs: Sequence[tuple[str | None, str | None, dict[str, Any]]]
                 ) -> int:
        """Defer one job of `task` per (lock, queueing lock, arguments) in `session`'s transaction, on its own
        connection: the jobs exist when what they work on is committed, and not if it is rolled back. A job whose
        queueing lock is taken (the same work waits already) is left out. Returns how many were deferred."""
        if not jobs:
            return 0
        connection = session.connection().connection.driver_connection
        made = [self.app.configure_task(task, queue=TASK_QUEUES[task], lock=lock, queueing_lock=queueing_lock)
                .make_new_job(**arguments) for lock, queueing_lock, arguments in jobs]
        try:
            with session.begin_nested():  # a taken queueing lock fails the statement, not the transaction
                self.app.job_manager.batch_defer_jobs(made, connection=connection)
            return len(made)
        except procrastinate_errors.AlreadyEnqueued:
            if len(made) == 1:
                return 0
        deferred = 0
        for job in made:
            try:
                with session.begin_nested():
                    self.app.job_manager.batch_defer_jobs([job], connection=connection)
                deferred += 1
            except procrastinate_errors.AlreadyEnqueued:
                pass
        return deferred

    def close(self) -> None:
        self.app.close()


class Work:
    """What one process keeps between jobs, and the job bodies (each is a method, testable without a worker).

    Args:
        db: the database (PostgreSQL).
        settings: the deployment's settings.
        nlp_loader: loads the spaCy pipeline on the first analysis job (default: SPACY_MODEL).
        poster_factory: builds the `Poster` on the first post job (default: the settings' Slack token).
    """

    def __init__(self, db: Database, settings: Settings, *, nlp_loader: Callable[[], Language] | None = None,
                 poster_factory: Callable[[], Any] | None = None) -> None:
        require_engine(settings, db)
        self.db = db
        self.settings = settings
        self._nlp_loader = nlp_loader
        self._nlp: Language | None = None
        self._nlp_lock = threading.Lock()  # one analysis at a time in a process: the model is shared
        self._client: Any = None
        self._client_lock = threading.Lock()
        self._poster_factory = poster_factory
        self._poster: Any = None
        self._poster_lock = threading.Lock()
        self._holder: Any = None  # bot.storage.holders.HeldName of the default poster
        self._stories: Any = None  # OpenStories of this process, current while nobody else grouped since
        self._turn = 0
        self._deferrer: Deferrer | None = None
        self._deferrer_lock = threading.Lock()
        self.app = build_app(self)

    # --- process state ---------------------------------------------------------------------------------------

    @property
    def model_loaded(self) -> bool:
        return self._nlp is not None

    def model(self) -> Language:
        if self._nlp is None:
            if self._nlp_loader is None:
                from bot.analysis.pipeline import load_pipeline

                self._nlp = load_pipeline(self.settings.spacy_model)
            else:
                self._nlp = self._nlp_loader()
        return self._nlp

    def _http(self) -> Any:
        with self._client_lock:
            if self._client is None:
                from bot.feeds.fetch import build_client

                self._client = build_client(self.settings)
            return self._client

    def poster(self) -> Any:
        with self._poster_lock:
            if self._poster is None:
                if self._poster_factory is not None:
                    self._poster = self._poster_factory()
                else:
                    self._poster = self._default_poster()
            return self._poster

    def _default_poster(self) -> Any:
        """The poster with the settings' bot token, or (OAuth) each workspace's token from the installations."""
        from bot.slack.app import oauth_credentials, oauth_stores
        from bot.slack.outbox.poster import Poster

        options: dict[str, Any] = {}
        if "lease_seconds" in inspect.signature(Poster).parameters:
            # A poster that leases its rows and channels holds them as long as a job's lease: a killed poster's
            # channel is free again when its post job goes back to the queue.
            options["lease_seconds"] = self.settings.job_lease_seconds
        from bot.storage.holders import claim_holder_name

        # A name a restarted worker on this host takes again: the leases of its previous life are its own.
        self._holder = claim_holder_name(self.db, "worker")
        options["holder"] = self._holder.name
        credentials = oauth_credentials(self.settings)
        if credentials is None:
            return Poster(self.db, self.settings, **options)
        store, _ = oauth_stores(credentials[0], self.db)

        def token_for_team(team_id: str) -> str | None:
            bot = store.find_bot(enterprise_id=None, team_id=team_id)
            return bot.bot_token if bot else None

        return Poster(self.db, self.settings, token_for_team=token_for_team, **options)

    @property
    def deferrer(self) -> Deferrer:
        with self._deferrer_lock:
            if self._deferrer is None:
                self._deferrer = Deferrer(self.db)
            return self._deferrer

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        if self._deferrer is not None:
            self._deferrer.close()
        if self._holder is not None:
            self._holder.release()

    # --- deferring -----------------------------------------------------------------------------------------

    # Fetch and analysis jobs carry a queueing lock only (at most one waiting per feed or article), no lock:
    # procrastinate checks a lock against every earlier waiting job, and with 20,000 distinct article locks
    # waiting, taking a job took 17-23 s. An article's rows are guarded by its row lock instead
    # (`save_analysis_rows`), a feed's by its due time and the entries' unique key.

    def defer_analyses(self, article_ids: Sequence[int]) -> int:
        return self.deferrer.defer_many(ANALYSE_TASK, [(f"article:{i}", {"article_id": i}) for i in article_ids],
                                        locked=False)

    def defer_fetches(self, feed_ids: Sequence[int], *, force: bool = False) -> int:
        return self.deferrer.defer_many(FETCH_TASK, [(f"feed:{i}", {"feed_id": i, "force": force}) for i in feed_ids],
                                        locked=False)

    def defer_queueing(self, story_id: int) -> bool:
        return self.deferrer.defer(QUEUE_STORY_TASK, lock=f"story:{story_id}", queueing_lock=f"story:{story_id}",
                                   story_id=story_id)

    def defer_post(self, team_id: str, channel_id: str) -> bool:
        key = f"post:{team_id}:{channel_id}"
        return self.deferrer.defer(POST_TASK, lock=key, queueing_lock=key, team_id=team_id, channel_id=channel_id)

    # --- the jobs --------------------------------------------------------------------------------------------

    def fetch_feed(self, feed_id: int, force: bool = False) -> None:
        """Poll one feed if it is (still) due, then defer the analysis of each new article."""
        from bot.feeds.poll import poll_feed
        from bot.storage.articles import get_feed

        now = datetime.now(UTC)
        feed = get_feed(self.db, feed_id)
        if feed is None or feed.retired:
            return
        if not force and feed.next_poll_at is not None and feed.next_poll_at > now:
            return  # polled meanwhile by the job before this one
        poll_feed(self.db, self.settings, feed, now, self._http(), then=self._defer_analyses_in)

    def _defer_analyses_in(self, session: Session, articles: Sequence[Any]) -> None:
        self.deferrer.defer_in(session, ANALYSE_TASK, [(None, f"article:{a.id}", {"article_id": a.id})
                                                       for a in articles])

    def analyse_article(self, article_id: int, holder: tuple[int, int] | None = None) -> None:
        """Read the article's page if it is a teaser, run the analysis, store its rows, and hand the article to
        grouping. `holder` is this job's (id, attempts): the rows are written only while the job still holds the
        article (its worker looked dead meanwhile and the job went back to the queue: nothing is written)."""
        from bot.analysis.pipeline import ArticleText, analyze_texts
        from bot.app.ingest import full_texts
        from bot.storage.articles import get_articles
        from bot.storage.stories import save_analysis_rows

        found = get_articles(self.db, [article_id])
        if not found or found[0].analyzed_at is not None:
            return
        article = found[0]
        pages = full_texts([article], self.settings) if self.settings.fetch_pages else {}
        page = pages.get(article.id)
        body = page.text if page is not None else article.text
        try:
            with self._nlp_lock:
                analysis = next(analyze_texts(self.model(), [ArticleText(body, article.published_at.date(),
                                                                         article.title)], batch_size=1))
        except Exception as exc:  # contained to this article: recorded on it by the grouping job
            log.exception("analysis failed: article %d (%s)", article.id, article.url or article.guid)
            self.deferrer.defer(GROUP_TASK, lock=GROUPING_LOCK, queueing_lock=None, article_id=article_id,
                                analysis=None, error=f"{type(exc).__name__}: {exc}",
                                page_error=page.error if page else None)
            return
        facts = grouping_facts(analysis)

        def hand_to_grouping(session: Session) -> None:
            self.deferrer.defer_in(session, GROUP_TASK, [(GROUPING_LOCK, None, {
                "article_id": article_id, "analysis": facts, "error": None})])

        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                stored = save_analysis_rows(
                    self.db, article_id, analysis, text=page.text if page else None,
                    text_source=page.source if page else None, page_error=page.error if page else None,
                    holds=None if holder is None else lambda session: holds_job(session, *holder),
                    then=hand_to_grouping)
                break
            except OperationalError as exc:
                # Two analyses naming the same people update their rows in parallel: PostgreSQL may pick one as a
                # deadlock victim. Tried again; still failing, the job fails and the tick defers the article again.
                if attempt == WRITE_ATTEMPTS or not isinstance(exc.orig, DeadlockDetected):
                    raise
                log.info("article %d: deadlock while storing its analysis, attempt %d", article_id, attempt)
                time.sleep(random.uniform(0.05, 0.3) * attempt)
        if not stored:
            log.warning("article %d: this job no longer holds it (its lease passed on); nothing written", article_id)

    def group_article(self, article_id: int, analysis: dict[str, Any] | None, error: str | None = None,
                      page_error: str | None = None) -> None:
        """File an analysed article in its story (one grouping job at a time in the whole deployment), or
        record why its analysis failed. An article already filed (by an earlier job for it) is left as it is."""
        from bot.app.stories import OpenStories, store_analysis
        from bot.storage.articles import get_articles
        from bot.storage.stories import record_analysis_failure

        now = datetime.now(UTC)
        found = get_articles(self.db, [article_id])
        if not found or found[0].analyzed_at is not None:
            return
        if analysis is None:
            record_analysis_failure(self.db, article_id, error or "analysis failed", now, page_error=page_error)
            return
        turn = next_grouping_turn(self.db)
        if self._stories is None or turn != self._turn + 1:
            self._stories = OpenStories(self.db)  # someone else grouped since: what we remember may be stale
        self._turn = turn
        try:
            store_analysis(self.db, article_id, analysis_from_json(analysis), now, stories=self._stories,
                           rows_stored=True, then=self._defer_queueing_in, article=found[0])
        except Exception:
            self._stories = None  # it may hold the article's counts that were never stored
            raise

    def _defer_queueing_in(self, session: Session, story_id: int) -> None:
        """The story's queueing job, in the transaction that files an article in it, unless it was queued."""
        queued = session.execute(text("SELECT queued_at IS NOT NULL FROM stories WHERE id = :id"),
                                 {"id": story_id}).scalar()
        if not queued:
            key = f"story:{story_id}"
            self.deferrer.defer_in(session, QUEUE_STORY_TASK, [(key, key, {"story_id": story_id})])

    def queue_story(self, story_id: int) -> None:
        """Offer a story to the channels whose topics it matches, then defer the posts now due."""
        from bot.app.subscriptions import enqueue_stories
        from bot.storage.stories import load_stories, mark_queued

        if story_queued(self.db, story_id):
            return
        now = datetime.now(UTC)
        enqueue_stories(self.db, load_stories(self.db, story_ids=[story_id]), now=now)
        mark_queued(self.db, [story_id], now)
        self.defer_due_posts(now)

    def post_channel(self, team_id: str, channel_id: str) -> None:
        """Send the channel's due rows. Holding the channel's lock, rows left "sending" there are a dead
        poster's: they go back to the queue first, and the poster looks in Slack before sending them again."""
        from bot.storage import delivery

        now = datetime.now(UTC)
        for item in delivery.interrupted(self.db, team_id=team_id, channel_id=channel_id):
            delivery.release(self.db, item.id, not_before=now, error="interrupted while sending")
        self.poster().send_due(team_id=team_id, channel_id=channel_id)

    def defer_due_posts(self, now: datetime) -> int:
        """One post job for each channel with rows due now; returns how many were deferred."""
        from bot.storage.delivery import due_items

        channels = dict.fromkeys((item.team_id, item.channel_id) for item in due_items(self.db, now=now, limit=SWEEP_LIMIT))
        return sum(self.defer_post(team_id, channel_id) for team_id, channel_id in channels)

    def tick(self) -> dict[str, int]:
        """The periodic round: defer due feeds, articles and stories left without a job, and due posts."""
        now = datetime.now(UTC)
        done = {"feeds": self.defer_fetches(feeds_due_without_job(self.db, now, limit=SWEEP_LIMIT)),
                "articles": self.defer_analyses(articles_without_job(self.db, limit=SWEEP_LIMIT)),
                "stories": sum(self.defer_queueing(i) for i in stories_without_job(self.db, limit=SWEEP_LIMIT)),
                "posts": self.defer_due_posts(now)}
        if any(done.values()):
            log.debug("tick deferred %s", done)
        return done


@contextlib.contextmanager
def job_log(task: str, subject: object) -> Iterator[None]:
    """DEBUG lines when a job starts and ends (procrastinate's own, one per job and step, log at WARNING and up)."""
    log.debug("job %s %s started", task, subject)
    try:
        yield
    except BaseException:
        log.debug("job %s %s failed", task, subject)
        raise
    log.debug("job %s %s finished", task, subject)


def build_app(work: Work) -> procrastinate.App:
    """The procrastinate app whose tasks run `work`'s job bodies, with the tick as a periodic task."""
    from procrastinate import PsycopgConnector

    app = procrastinate.App(connector=PsycopgConnector(kwargs=connection_settings(work.db), min_size=1, max_size=8))

    @app.task(name=FETCH_TASK, queue=FETCH_QUEUE)
    def fetch_feed(feed_id: int, force: bool = False) -> None:
        with job_log(FETCH_TASK, feed_id):
            work.fetch_feed(feed_id, force)

    @app.task(name=ANALYSE_TASK, queue=ANALYSIS_QUEUE, pass_context=True)
    def analyse_article(context: JobContext, article_id: int) -> None:
        assert context.job.id is not None  # a job taken from the database has its id
        with job_log(ANALYSE_TASK, article_id):
            work.analyse_article(article_id, (context.job.id, context.job.attempts))

    @app.task(name=GROUP_TASK, queue=GROUPING_QUEUE, lock=GROUPING_LOCK)
    def group_article(article_id: int, analysis: dict[str, Any] | None, error: str | None = None,
                      page_error: str | None = None) -> None:
        with job_log(GROUP_TASK, article_id):
            work.group_article(article_id, analysis, error, page_error)

    @app.task(name=QUEUE_STORY_TASK, queue=STORIES_QUEUE)
    def queue_story(story_id: int) -> None:
        with job_log(QUEUE_STORY_TASK, story_id):
            work.queue_story(story_id)

    @app.task(name=POST_TASK, queue=POST_QUEUE)
    def post_channel(team_id: str, channel_id: str) -> None:
        with job_log(POST_TASK, f"{team_id}/{channel_id}"):
            work.post_channel(team_id, channel_id)

    @app.periodic(cron=f"* * * * * */{work.settings.job_tick_seconds}", periodic_id=TICK_TASK)
    @app.task(name=TICK_TASK, queue=SCHEDULE_QUEUE, queueing_lock=TICK_TASK, pass_context=True)
    async def tick(context: JobContext, timestamp: int) -> None:
        # Jobs whose worker stopped sending heartbeats go back to the queue (their locks with them).
        manager = context.app.job_manager
        for job in await manager.get_stalled_jobs(seconds_since_heartbeat=work.settings.job_lease_seconds):
            try:
                await manager.retry_job(job)
                log.warning("job %s %s of a worker silent for %.0f s went back to the queue", job.task_name,
                            job.task_kwargs, work.settings.job_lease_seconds)
            except procrastinate_errors.UniqueViolation:
                # The same work waits already (deferred again meanwhile under its queueing lock): this one ends.
                await manager.finish_job(job, procrastinate.jobs.Status.ABORTED, delete_job=False)
                log.warning("job %s %s of a silent worker ended: the same work waits in the queue", job.task_name,
                            job.task_kwargs)
        if timestamp % 3600 < work.settings.job_tick_seconds:  # once an hour: failed and aborted jobs kept a week
            await manager.delete_old_jobs(nb_hours=FAILED_JOBS_KEPT_HOURS, include_failed=True, include_aborted=True)
        await asyncio.to_thread(work.tick)

    return app


def worker_queues(queues: Sequence[str] | None) -> list[str] | None:
    """The queues a worker listens to: all (None), or those named plus the tick's."""
    if not queues:
        return None
    unknown = sorted(set(queues) - set(QUEUES))
    if unknown:
        raise ValueError(f"unknown queue(s) {', '.join(unknown)}; the queues are {', '.join(QUEUES)}")
    return [*dict.fromkeys(queues), SCHEDULE_QUEUE]


async def work_jobs(work: Work, *, queues: Sequence[str] | None = None, concurrency: int = 1, wait: bool = True,
                    install_signal_handlers: bool = True, ready: Callable[[], None] | None = None) -> None:
    """Take jobs until stopped (SIGTERM/SIGINT lets running jobs finish), or until none is left when not `wait`."""
    lease = work.settings.job_lease_seconds
    names = worker_queues(queues)
    async with work.app.open_async():
        if ready is not None:
            ready()
        run = functools.partial(
            work.app.run_worker_async, concurrency=concurrency, wait=wait,
            install_signal_handlers=install_signal_handlers, delete_jobs="successful",
            update_heartbeat_interval=max(0.5, lease / 6), stalled_worker_timeout=lease,
            name=f"diplobot-{threading.get_native_id()}")
        await (run() if names is None else run(queues=names))  # no queues named: every queue


def run_worker(work: Work, *, queues: Sequence[str] | None = None, concurrency: int = 1, wait: bool = True,
               ready: Callable[[], None] | None = None) -> None:
    """`diplobot worker`: take jobs in this process until SIGTERM or SIGINT."""
    try:
        asyncio.run(work_jobs(work, queues=queues, concurrency=concurrency, wait=wait, ready=ready))
    finally:
        work.close()


class WorkerThread:
    """An in-process worker for `diplobot run` (no separate worker configured): all queues, in a thread."""

    def __init__(self, work: Work, *, concurrency: int = 2) -> None:
        self.work = work
        self.concurrency = concurrency
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, name="job-worker", daemon=True)

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        try:
            self._task = self._loop.create_task(work_jobs(self.work, concurrency=self.concurrency,
                                                          install_signal_handlers=False, ready=self._started.set))
            self._loop.run_until_complete(self._task)
        except asyncio.CancelledError:
            pass
        except Exception:
            log.exception("the in-process job worker stopped")
        finally:
            self._started.set()
            self._loop.close()

    def start(self) -> None:
        self._thread.start()
        self._started.wait(timeout=30)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout: float = 30) -> None:
        """Stop taking jobs, let the running ones finish (up to `timeout`), close the process's resources."""
        if self._loop is not None and self._task is not None and not self._task.done():
            self._loop.call_soon_threadsafe(self._task.cancel)
        self._thread.join(timeout=timeout)
        self.work.close()
