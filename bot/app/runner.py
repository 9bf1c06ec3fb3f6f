"""`diplobot run`: the Bolt app (HTTP or Socket Mode), the scheduler and the poster in one process."""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from bot import metrics
from bot.app.health import Health, HealthServer, answer, watch_backlog
from bot.app.preflight import (
    StartupFailure,
    check_slack_token,
    load_model,
    migrate,
    open_database,
    port_failure,
    safe_database_url,
    slack_mode,
)
from bot.config import Settings
from bot.storage import Database
from bot.storage.holders import HeldName, claim_holder_name

log = logging.getLogger(__name__)

RESYNC_SECONDS = 60  # how soon a feed added with /feeds add or a new daily channel gets its job


class AnalysisFailed(RuntimeError):
    """Every pending article failed its analysis: the poll job counts as failed."""


class FeedReader:
    """Polls one feed, then analyses and queues what is new; the spaCy model loads once, on first need."""

    def __init__(self, db: Database, settings: Settings, nlp_loader: Callable[[], Any] | None = None,
                 health: Health | None = None) -> None:
        self.db = db
        self.settings = settings
        self._nlp_loader = nlp_loader or self._load_model
        self._nlp: Any = None
        self._analysis_lock = threading.Lock()  # one analysis at a time: the model is shared
        self._client: Any = None
        self.health = health
        self._analysis_owed = False  # the last analysis raised: the next poll tries the unread articles again

    @property
    def model_loaded(self) -> bool:
        return self._nlp is not None

    def _load_model(self) -> Any:
        from bot.analysis.pipeline import load_pipeline

        return load_pipeline(self.settings.spacy_model)

    def poll(self, feed_id: int) -> None:
        """Poll the feed and analyse what is new; health and metrics learn whether the job worked."""
        try:
            self._poll(feed_id)
        except Exception as exc:
            metrics.POLL_JOB_FAILURES.inc()
            if self.health is not None:
                self.health.poll_finished(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}")
            raise
        if self.health is not None:
            self.health.poll_finished()

    def _poll(self, feed_id: int) -> None:
        from bot.feeds.fetch import build_client
        from bot.feeds.poll import poll_feed
        from bot.storage.articles import get_feed

        feed = get_feed(self.db, feed_id)
        if feed is None or feed.retired:
            return
        if self._client is None:
            self._client = build_client(self.settings)
        outcome = poll_feed(self.db, self.settings, feed, datetime.now(UTC), self._client)
        if outcome.error is not None:
            metrics.FEED_POLLS.labels(outcome="failed").inc()
        elif outcome.not_modified:
            metrics.FEED_POLLS.labels(outcome="not_modified").inc()
        else:
            metrics.FEED_POLLS.labels(outcome="new" if outcome.new_articles else "no_new").inc()
            metrics.ARTICLES_FETCHED.inc(len(outcome.new_articles))
        if outcome.new_articles or self._analysis_owed:
            self.analyse_pending()

    def analyse_pending(self) -> None:
        from bot.app.ingest import read_pending

        with self._analysis_lock:
            started = time.monotonic()
            self._analysis_owed = True
            report = read_pending(self.db, self.settings, self._model, datetime.now(UTC))
            self._analysis_owed = False
            metrics.ANALYSIS_SECONDS.observe(time.monotonic() - started)
            metrics.ARTICLES_ANALYSED.inc(report.analyzed - len(report.failures))
            metrics.ANALYSIS_FAILURES.inc(len(report.failures))
            metrics.STORIES_QUEUED.inc(report.queued)
            if report.analyzed or report.queued:
                log.info("analysed %d article(s), %d failed, %d message(s) queued", report.analyzed,
                         len(report.failures), report.queued)
            if report.failures and len(report.failures) >= report.analyzed:
                raise AnalysisFailed(f"{len(report.failures)} article(s) could not be analysed: {report.failures[0]}")

    def _model(self) -> Any:
        if self._nlp is None:
            self._nlp = self._nlp_loader()
        return self._nlp

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


def feed_jobs(db: Database, settings: Settings) -> list[Any]:
    from bot.app.jobs import FeedJob
    from bot.storage.articles import list_feeds

    return [FeedJob(feed.id, settings.poll_interval_seconds) for feed in list_feeds(db)]


def channel_jobs(db: Database) -> list[Any]:
    from bot.app.jobs import ChannelJob
    from bot.storage.delivery import list_channels

    return [ChannelJob(c.team_id, c.channel_id, c.schedule, c.timezone) for c in list_channels(db, paused=False)]


@dataclass
class Running:
    """A started bot: stop() shuts it down in order (requests, then jobs, then the database)."""

    db: Database
    app: Any
    scheduler: Any
    reader: FeedReader
    health: Health
    server: Any = None  # SlackHTTPServer in HTTP mode
    socket: Any = None  # SocketModeHandler in Socket Mode
    health_server: HealthServer | None = None
    worker: Any = None  # the in-process job worker (JOB_ENGINE=procrastinate, RUN_WORKER=true)
    work: Any = None  # bot.app.engine.Work: defers jobs (JOB_ENGINE=procrastinate)
    holder: HeldName | None = None  # the poster's lease holder name
    stopped: threading.Event = field(default_factory=threading.Event)

    @property
    def port(self) -> int | None:
        return self.server.port if self.server is not None else None

    @property
    def health_port(self) -> int | None:
        return self.health_server.port if self.health_server is not None else None

    def stop(self) -> None:
        if self.stopped.is_set():
            return
        log.info("shutting down: no new requests, letting running jobs finish")
        if self.server is not None:
            self.server.stop()
        if self.socket is not None:
            _close_socket_mode(self.socket)
        if self.health_server is not None:
            self.health_server.stop()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        if self.worker is not None:
            self.worker.stop()
        if self.work is not None:
            self.work.close()
        self.reader.close()
        if self.holder is not None:
            self.holder.release()
        self.db.dispose()
        self.stopped.set()
        log.info("stopped")


def start(settings: Settings, *, db: Database | None = None, nlp_loader: Callable[[], Any] | None = None,
          host: str | None = None) -> Running:
    """Check everything, then start everything in the background and return a handle on it.

    Before anything starts, each setting it depends on is tried, in this order: the Slack settings of the
    chosen mode, DATABASE_URL (connect, with retries for DATABASE_WAIT_SECONDS, then migrate),
    the bot token (auth.test at SLACK_API_URL), SPACY_MODEL (loaded now), HEALTH_PORT and SLACK_PORT. The first that fails
    raises `StartupFailure` naming it.

    Args:
        settings: the whole configuration; SLACK_APP_TOKEN chooses Socket Mode over HTTP on `slack_port`.
        db: the database (default: `settings.database_url`, connected and migrated here).
        nlp_loader: loads the spaCy pipeline on first need (tests pass a small one); by default SPACY_MODEL is
            loaded before anything starts.
        host: the address the HTTP servers listen on (default LISTEN_HOST).
    """
    host = host if host is not None else settings.listen_host
    mode = slack_mode(settings)  # before anything is imported or touched: a missing secret is named at once

    from apscheduler.triggers.interval import IntervalTrigger

    from bot.app.jobs import build_scheduler, sync_channel_jobs, sync_feed_jobs
    from bot.slack.app import build_app
    from bot.slack.outbox.poster import Poster
    from bot.storage.articles import list_feeds

    if db is None:
        db = open_database(settings.database_url, wait_seconds=settings.database_wait_seconds)
    migrate(db)
    if not mode.oauth:
        check_slack_token(settings)
    if nlp_loader is None:
        nlp = load_model(settings)
        nlp_loader = lambda: nlp  # noqa: E731 - loaded above, before anything started
        loaded_at_start = True
    else:
        loaded_at_start = False
    if settings.feeds_file is not None:
        from bot.app.ingest import add_feeds, feed_urls_from_file

        for problem in add_feeds(db, settings, feed_urls_from_file(settings.feeds_file), datetime.now(UTC)):
            log.error("FEEDS_FILE %s: %s", settings.feeds_file, problem)
    app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token is not None else None
    app = build_app(settings, db, socket_mode=mode.socket_mode)
    token_for_team = _installation_token(app) if app.installation_store else _settings_token(settings)
    # A name that a restart of this process keeps (host, role, slot): it takes back its own leases at once.
    holder = claim_holder_name(db, "run")
    poster = Poster(db, settings, token_for_team=token_for_team, holder=holder.name)
    health = Health(db, settings.poll_interval_seconds, has_feeds=lambda: bool(list_feeds(db)))
    reader = FeedReader(db, settings, nlp_loader, health)
    if loaded_at_start:
        reader._model()
    health.model_loaded = lambda: reader.model_loaded
    watch_backlog(db)

    work = _engine_work(settings, db, nlp_loader, poster)

    def send_due(**only: str) -> Any:
        report = poster.send_due(**only)
        metrics.POSTS.inc(report.messages)
        health.send_finished()
        return report

    def deliver_channel(team_id: str, channel_id: str) -> None:
        send_due(team_id=team_id, channel_id=channel_id)

    def feeds_to_schedule() -> list[Any]:
        return [] if work is not None else feed_jobs(db, settings)  # the engine's tick defers due feeds

    if work is not None:
        # Posting is a job per channel (one poster per channel at a time across replicas), deferred here.
        def send_due(**only: str) -> Any:
            health.send_finished()
            return work.defer_due_posts(datetime.now(UTC))

        def deliver_channel(team_id: str, channel_id: str) -> None:
            work.defer_post(team_id, channel_id)

    scheduler = build_scheduler(poll_feed=reader.poll, feeds=feeds_to_schedule(), send_due=send_due,
                                channels=channel_jobs(db), deliver_channel=deliver_channel,
                                remind_deadlines=poster.remind_deadlines, settings=settings)
    health.scheduler = scheduler

    def resync() -> None:
        sync_feed_jobs(scheduler, feeds_to_schedule(), reader.poll, jitter_seconds=settings.poll_jitter_seconds)
        sync_channel_jobs(scheduler, channel_jobs(db), deliver_channel)

    scheduler.add_job(resync, IntervalTrigger(seconds=RESYNC_SECONDS), id="sync-jobs", max_instances=1,
                      coalesce=True, replace_existing=True)
    health_server, server = _listen(settings, host, app, health)
    running = Running(db=db, app=app, scheduler=scheduler, reader=reader, health=health, server=server,
                      health_server=health_server, work=work, holder=holder)
    try:
        if work is not None and settings.run_worker:
            from bot.app.engine import WorkerThread

            running.worker = WorkerThread(work)
            running.worker.start()
            health.model_loaded = lambda: work.model_loaded or reader.model_loaded
        health_server.start()
        if app_token is not None:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            running.socket = SocketModeHandler(app, app_token)
            try:
                running.socket.connect()
            except Exception as exc:
                raise StartupFailure("SLACK_APP_TOKEN", f"Socket Mode could not connect to Slack "
                                     f"({str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__}); "
                                     "check the app-level token (connections:write) and the network") from exc
            log.info("connected to Slack over Socket Mode")
        elif server is not None:
            server.start()
        scheduler.start()
    except BaseException:
        running.stop()
        raise
    log.info("diplobot %s started: %s mode, database %s, jobs %s, model %s, %d feed(s), health on port %d",
             _version(), mode.describe(), safe_database_url(db.url),
             "in this process" if work is None else
             "by procrastinate workers" + (" (one in this process)" if running.worker is not None else ""),
             settings.spacy_model if loaded_at_start else "(loaded on first need)", len(list_feeds(db)),
             running.health_port or 0)
    return running


def _engine_work(settings: Settings, db: Database, nlp_loader: Callable[[], Any], poster: Any) -> Any:
    """JOB_ENGINE=procrastinate: the process's `Work` (deferring jobs, and working them with RUN_WORKER); else None."""
    if settings.job_engine != "procrastinate":
        return None
    from bot.app.engine import EngineUnavailable, Work

    try:
        return Work(db, settings, nlp_loader=nlp_loader, poster_factory=lambda: poster)
    except EngineUnavailable as exc:
        setting, _, why = str(exc).partition(": ")
        raise StartupFailure(setting, why) from exc


def _listen(settings: Settings, host: str, app: Any, health: Health) -> tuple[HealthServer, Any]:
    """Both ports bound (not yet serving): HEALTH_PORT always, SLACK_PORT in HTTP mode; a busy port is named."""
    from bot.slack.server import SlackHTTPServer

    try:
        health_server = HealthServer(health, host, settings.health_port)
    except OSError as exc:
        raise port_failure("HEALTH_PORT", host, settings.health_port, exc) from exc
    if settings.slack_app_token is not None:
        return health_server, None
    try:
        return health_server, SlackHTTPServer(app, host, settings.slack_port,
                                              status_pages=lambda path: answer(health, path))
    except OSError as exc:
        health_server.stop()
        raise port_failure("SLACK_PORT", host, settings.slack_port, exc) from exc


def _version() -> str:
    try:
        return version("diplobot")
    except PackageNotFoundError:
        return "(not installed)"


def _settings_token(settings: Settings) -> Callable[[str], str | None]:
    """Single-workspace mode: the one bot token, whatever the team."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return lambda team_id: token


def _installation_token(app: Any) -> Callable[[str], str | None]:
    """Multi-workspace mode: a team's bot token from the installation store."""
    store = app.installation_store

    def token_for_team(team_id: str) -> str | None:
        bot = store.find_bot(enterprise_id=None, team_id=team_id)
        return bot.bot_token if bot else None

    return token_for_team


def run(settings: Settings) -> None:
    """Run until SIGTERM or SIGINT, then shut down gracefully."""
    stop_requested = threading.Event()

    def request_stop(signum: int, _frame: object) -> None:
        log.info("received %s", signal.Signals(signum).name)
        stop_requested.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    running = start(settings)
    try:
        while not stop_requested.wait(1.0):  # a timed wait lets the signal handler run promptly
            pass
    finally:
        running.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


SOCKET_CLOSE_SECONDS = 10.0


def _close_socket_mode(handler: Any) -> None:
    """Close the Socket Mode link without letting a stuck client hold up shutdown.

    slack_sdk's built-in client can keep its session thread reading after `close()` when a reconnect
    raced it, and then `close()` waits on that thread for ever; its threads are daemons, so the process
    can still exit once the rest has stopped.
    """
    closer = threading.Thread(target=handler.close, name="socket-mode-close", daemon=True)
    closer.start()
    closer.join(SOCKET_CLOSE_SECONDS)
    if closer.is_alive():
        log.warning("the Socket Mode link did not close within %.0f s; shutting down without it",
                    SOCKET_CLOSE_SECONDS)
