"""Done means (issue 13): pollers, workers and posters as separate `diplobot worker` processes on PostgreSQL,
one worker and one poster killed with kill -9 midway, and still every article analysed once, every story posted
once per subscribed channel, no orphan or duplicate row."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.analysis.pipeline import ArticleText, analyze_texts
from bot.app.ingest import add_feeds
from bot.storage import Database
from bot.storage.articles import list_articles
from bot.storage.delivery import add_subscription, ensure_channel, outbox_items
from bot.storage.jobs import failed_jobs
from bot.storage.stories import DOCUMENTS_TERM, load_stories
from tests.conftest import POSTGRES_URL, FeedServer, Route, _postgres_schema_database
from tests.slack_standin import SlackStandIn
from tests.test_crash_recovery import ROOT, feed, posted, quote_threads

pytestmark = pytest.mark.postgres

FEEDS = 4
PER_FEED = 4  # 16 articles, three days apart: 16 stories
CHANNELS = (("T0001", "CALL", "*"), ("T0001", "CLISSA", "Lissa"))
ROLES = {"poller": (2, "fetch"), "worker": (3, "analysis,grouping,stories"), "poster": (2, "post")}


@pytest.fixture
def pg_db() -> Iterator[Database]:
    yield from _postgres_schema_database()


def child_url(db: Database) -> str:
    with db.engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    return f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"


class Processes:
    """`diplobot worker` processes by role, their output in files."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env = env
        self.folder = folder
        self.running: dict[str, list[subprocess.Popen[bytes]]] = {}

    def start(self, role: str, count: int, queues: str) -> None:
        for number in range(count):
            out = (self.folder / f"{role}-{number}.log").open("wb")
            self.running.setdefault(role, []).append(subprocess.Popen(
                [sys.executable, "-m", "bot", "worker", "--queues", queues], cwd=ROOT, env=self.env,
                stdout=out, stderr=subprocess.STDOUT))

    def busy(self, role: str) -> int | None:
        """The number of a process of `role` that has started a job it has not finished, if any."""
        for number, _ in enumerate(self.running[role]):
            running: set[str] = set()
            log = (self.folder / f"{role}-{number}.log").read_text(errors="replace")
            for job, state in re.findall(r"job (\w+ \S+) (started|finished|failed)", log):
                (running.add if state == "started" else running.discard)(job)
            if running:
                return number
        return None

    def kill_busy(self, role: str, timeout: float = 60) -> None:
        """kill -9 a process of `role` in the middle of a job."""
        deadline = time.monotonic() + timeout
        while (number := self.busy(role)) is None:
            assert time.monotonic() < deadline, f"no {role} was busy within {timeout} s\n{self.logs()}"
            time.sleep(0.02)
        process = self.running[role][number]
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(timeout=10) == -9

    def stop(self) -> None:
        for processes in self.running.values():
            for process in processes:
                if process.poll() is None:
                    process.terminate()
        for processes in self.running.values():
            for process in processes:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()

    def logs(self, tail: int | None = 3000) -> str:
        return "\n".join(f"--- {path.name}\n{path.read_text(errors='replace')[-(tail or 0):]}"
                         for path in sorted(self.folder.glob("*.log")))


def count(db: Database, query: str) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text(query)).scalar_one())


def wait_until(condition, timeout: float, what: str, processes: Processes) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not within {timeout} s\n{processes.logs()}")
        time.sleep(0.2)


def test_pollers_workers_and_posters_survive_kill_9(pg_db: Database, feed_server: FeedServer,
                                                    slack_api: SlackStandIn, settings, nlp, tmp_path: Path) -> None:
    published = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    urls = []
    for number in range(FEEDS):
        path = f"/wire-{number}.xml"
        feed_server.routes[path] = Route(body=feed(list(range(number * PER_FEED, (number + 1) * PER_FEED)), published),
                                         headers={"Content-Type": "application/rss+xml"})
        urls.append(feed_server.url(path))
    for team, channel, topic in CHANNELS:
        ensure_channel(pg_db, team, channel, now=published)
        add_subscription(pg_db, team, channel, topic, created_by="U0ADMIN", now=published)
    add_feeds(pg_db, settings, urls, published)
    for _ in range(400):  # Slack answers slowly, so a kill lands while a message is on its way
        slack_api.script("chat.postMessage", delay=0.3)
    keep = {name: value for name, value in os.environ.items() if name in ("PATH", "HOME", "LANG")}
    env = {**keep, "DATABASE_URL": child_url(pg_db), "JOB_ENGINE": "procrastinate", "JOB_LEASE_SECONDS": "3",
           "JOB_TICK_SECONDS": "1", "ALLOW_PRIVATE_FEEDS": "true", "FETCH_PAGES": "false",
           "POLL_JITTER_SECONDS": "0", "SLACK_API_URL": slack_api.base_url, "SLACK_BOT_TOKEN": "xoxb-engine-test",
           "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", "LOG_FORMAT": "plain",
           "LOG_LEVEL": "DEBUG"}  # the job lines tell which process is in the middle of a job
    processes = Processes(env, tmp_path)
    articles = FEEDS * PER_FEED
    try:
        for role, (how_many, queues) in ROLES.items():
            processes.start(role, how_many, queues)
        wait_until(lambda: count(pg_db, "SELECT count(*) FROM articles WHERE analyzed_at IS NOT NULL") >= 3, 120,
                   "three articles analysed", processes)
        processes.kill_busy("worker")
        wait_until(lambda: bool(slack_api.calls_to("chat.postMessage")), 60, "a first post", processes)
        processes.kill_busy("poster")

        def settled() -> bool:
            return (count(pg_db, "SELECT count(*) FROM articles WHERE analyzed_at IS NOT NULL") == articles
                    and count(pg_db, "SELECT count(*) FROM stories WHERE queued_at IS NULL") == 0
                    and count(pg_db, "SELECT count(*) FROM outbox WHERE state <> 'sent'") == 0
                    and count(pg_db, "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"
                                     " AND task_name <> 'tick'") == 0)

        wait_until(settled, 180, "every article analysed and every story posted", processes)
    finally:
        processes.stop()

    stored = list_articles(pg_db)
    assert len(stored) == articles and all(a.analysis_error is None for a in stored)
    # Once each: the rows are exactly those of one analysis of each article.
    expected = {a.id: next(analyze_texts(nlp, [ArticleText(a.text, a.published_at.date(), a.title)]))
                for a in stored}
    with pg_db.engine.connect() as conn:
        for table, field in (("quotes", "quotes"), ("actors", "actors"), ("date_mentions", "dates"),
                             ("deadlines", "deadlines")):
            rows = Counter({row[0]: row[1] for row in conn.execute(
                text(f"SELECT article_id, count(*) FROM {table} GROUP BY article_id"))})
            wanted = Counter({i: len(getattr(analysis, field)) for i, analysis in expected.items()})
            assert rows == +wanted, f"{table}: {rows} rows per article, one analysis gives {wanted}"
        documents = conn.execute(text("SELECT documents FROM term_documents WHERE term = :t"),
                                 {"t": DOCUMENTS_TERM}).scalar_one()
    assert documents == articles
    stories = load_stories(pg_db)
    assert len(stories) == articles  # three days apart: each article its own story, no orphan
    assert count(pg_db, "SELECT count(*) FROM stories s WHERE NOT EXISTS "
                        "(SELECT 1 FROM articles a WHERE a.story_id = s.id)") == 0
    rows = outbox_items(pg_db)
    assert {(r.channel_id, r.story_id) for r in rows} >= {("CALL", s.id) for s in stories}
    assert {r.state for r in rows} == {"sent"}
    messages = posted(slack_api)
    assert [key for key, times in messages.items() if times > 1] == [], "a story posted twice"
    assert set(messages) == {(r.channel_id, r.story_id) for r in rows}
    assert any(channel == "CLISSA" for channel, _ in messages)  # the topic channel got its stories too
    assert count(pg_db, "SELECT count(*) FROM outbox o WHERE NOT EXISTS "
                        "(SELECT 1 FROM articles a WHERE a.story_id = o.story_id)") == 0
    assert [key for key, times in quote_threads(slack_api).items() if times > 1] == []
    assert failed_jobs(pg_db) == []
    # The killed processes' jobs were taken back once their heartbeats stopped (or ended: the same work waited).
    assert len(re.findall(r"(went back to the queue|the same work waits)", processes.logs(tail=None))) >= 2
