"""`diplobot run`: the Bolt app (HTTP or Socket Mode), the scheduler and the poster in one process."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.config import Settings
from bot.storage import Database

log = logging.getLogger(__name__)

RESYNC_SECONDS = 60  # how soon a feed added with /feeds add or a new daily channel gets its job


class FeedReader:
    """Polls one feed, then analyses and queues what is new; the spaCy model loads once, on first need."""

    def __init__(self, db: Database, settings: Settings, nlp_loader: Callable[[], Any] | None = None) -> None:
        self.db = db
        self.settings = settings
        self._nlp_loader = nlp_loader or self._load_model
        self._nlp: Any = None
        self._analysis_lock = threading.Lock()  # one analysis at a time: the model is shared
        self._client: Any = None

    def _load_model(self) -> Any:
        from bot.analysis.pipeline import load_pipeline

        return load_pipeline(self.settings.spacy_model)

    def poll(self, feed_id: int) -> None:
        from bot.feeds.fetch import build_client
        from bot.feeds.poll import poll_feed
        from bot.storage.articles import get_feed

        feed = get_feed(self.db, feed_id)
        if feed is None or feed.retired:
            return
        if self._client is None:
            self._client = build_client(self.settings)
        outcome = poll_feed(self.db, self.settings, feed, datetime.now(UTC), self._client)
        if outcome.new_articles:
            self.analyse_pending()

    def analyse_pending(self) -> None:
        from bot.app.ingest import read_pending

        with self._analysis_lock:
            report = read_pending(self.db, self.settings, self._model, datetime.now(UTC))
            if report.analyzed or report.queued:
                log.info("analysed %d article(s), %d failed, %d message(s) queued", report.analyzed,
                         len(report.failures), report.queued)

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
    server: Any = None  # SlackHTTPServer in HTTP mode
    socket: Any = None  # SocketModeHandler in Socket Mode
    stopped: threading.Event = field(default_factory=threading.Event)

    @property
    def port(self) -> int | None:
        return self.server.port if self.server is not None else None

    def stop(self) -> None:
        if self.stopped.is_set():
            return
        log.info("shutting down: no new requests, letting running jobs finish")
        if self.server is not None:
            self.server.stop()
        if self.socket is not None:
            self.socket.close()
        self.scheduler.shutdown(wait=True)
        self.reader.close()
        self.db.dispose()
        self.stopped.set()
        log.info("stopped")


def start(settings: Settings, *, db: Database | None = None, nlp_loader: Callable[[], Any] | None = None,
          host: str = "0.0.0.0") -> Running:
    """Start everything in the background and return a handle on it.

    Args:
        settings: the whole configuration; SLACK_APP_TOKEN chooses Socket Mode over HTTP on `slack_port`.
        db: the database (default: `settings.database_url`, migrated here).
        nlp_loader: loads the spaCy pipeline on first need (tests pass a small one).
        host: the address the HTTP server listens on.
    """
    from apscheduler.triggers.interval import IntervalTrigger

    from bot.app.jobs import build_scheduler, sync_channel_jobs, sync_feed_jobs
    from bot.slack.app import build_app
    from bot.slack.outbox.poster import Poster

    if db is None:
        db = Database.connect(settings.database_url)
    db.upgrade()
    if settings.feeds_file is not None:
        from bot.app.ingest import add_feeds, feed_urls_from_file

        for problem in add_feeds(db, settings, feed_urls_from_file(settings.feeds_file), datetime.now(UTC)):
            log.error("FEEDS_FILE %s: %s", settings.feeds_file, problem)
    app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token is not None else None
    socket_mode = app_token is not None
    app = build_app(settings, db, socket_mode=socket_mode)
    token_for_team = _installation_token(app) if app.installation_store else _settings_token(settings)
    poster = Poster(db, settings, token_for_team=token_for_team)
    reader = FeedReader(db, settings, nlp_loader)

    def deliver_channel(team_id: str, channel_id: str) -> None:
        poster.send_due(team_id=team_id, channel_id=channel_id)

    scheduler = build_scheduler(poll_feed=reader.poll, feeds=feed_jobs(db, settings), send_due=poster.send_due,
                                channels=channel_jobs(db), deliver_channel=deliver_channel,
                                remind_deadlines=poster.remind_deadlines, settings=settings)

    def resync() -> None:
        sync_feed_jobs(scheduler, feed_jobs(db, settings), reader.poll, jitter_seconds=settings.poll_jitter_seconds)
        sync_channel_jobs(scheduler, channel_jobs(db), deliver_channel)

    scheduler.add_job(resync, IntervalTrigger(seconds=RESYNC_SECONDS), id="sync-jobs", max_instances=1,
                      coalesce=True, replace_existing=True)
    scheduler.start()
    running = Running(db=db, app=app, scheduler=scheduler, reader=reader)
    try:
        if app_token is not None:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            running.socket = SocketModeHandler(app, app_token)
            running.socket.connect()
            log.info("connected to Slack over Socket Mode")
        else:
            from bot.slack.server import SlackHTTPServer

            running.server = SlackHTTPServer(app, host, settings.slack_port).start()
    except BaseException:
        running.stop()
        raise
    return running


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
