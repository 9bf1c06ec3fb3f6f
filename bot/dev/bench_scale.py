"""`diplobot bench scale`: the job engine under load, on PostgreSQL, with separate `diplobot worker` processes.

Serves N local feeds of generated articles (the demo's invented dispatches, three to an article, each article made
unique), registers them in a fresh schema, then:

1. polling: P poller processes (`--queues fetch`) take one fetch job per feed; timed from the defer until every
   feed is stored, for the first poll (every entry new) and a second one (every feed answers 304);
2. analysis: W = 1, 2, 4 … worker processes (`--queues analysis,grouping,stories`) work the waiting analysis
   jobs; after each has warmed up (model loaded), articles analysed in a fixed window give articles/minute;
3. the duplicate and loss counts: articles analysed twice (term_documents' article count against analysed
   articles), duplicated quote, actor and outbox rows, failed jobs.
"""

from __future__ import annotations

import html
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from bot.config import Settings
from bot.storage import Database, normalise_url

WARM_UP_ARTICLES = 2  # analysed by each worker before its window starts
DISPATCHES_PER_ARTICLE = 3
ANALYSED = "SELECT count(*) FROM articles WHERE analyzed_at IS NOT NULL"


class FeedFarm:
    """N RSS feeds of `per_feed` unique articles on 127.0.0.1, each with an ETag (a second poll gets 304)."""

    def __init__(self, feeds: int, per_feed: int, texts: Sequence[tuple[str, str]], now: datetime) -> None:
        self.bodies: dict[str, bytes] = {}
        for feed in range(feeds):
            items = []
            for item in range(per_feed):
                title, body = texts[(feed * per_feed + item) % len(texts)]
                published = now - timedelta(minutes=feed % 60 + item * 7)
                unique = f"Filed by desk {feed} as dispatch {item} at {published:%H:%M} UTC."
                items.append(
                    f"<item><title>{html.escape(title)} ({feed}-{item})</title>"
                    f"<guid isPermaLink=\"false\">bench-{feed}-{item}</guid>"
                    f"<link>https://desk{feed}.example/{item}</link>"
                    f"<pubDate>{format_datetime(published)}</pubDate>"
                    f"<description>{html.escape(body + ' ' + unique)}</description></item>")
            self.bodies[f"/feed/{feed}.xml"] = (
                '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>Desk {feed}</title>{''.join(items)}</channel></rss>").encode()
        bodies = self.bodies

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                body = bodies.get(self.path)
                etag = f'"{self.path}"'
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{self.port}{path}" for path in self.bodies]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class WorkerProcesses:
    """`diplobot worker` processes of one role, their output in files."""

    def __init__(self, env: dict[str, str], folder: Path, name: str, count: int, queues: str,
                 concurrency: int) -> None:
        self.logs = [folder / f"{name}-{n}.log" for n in range(count)]
        self.processes = []
        for log in self.logs:
            with log.open("wb") as out:
                self.processes.append(subprocess.Popen(
                    [sys.executable, "-m", "bot", "worker", "--queues", queues, "--concurrency", str(concurrency)],
                    env=env, stdout=out, stderr=subprocess.STDOUT))

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not all("worker ready" in log.read_text(errors="replace") for log in self.logs):
            dead = [p for p in self.processes if p.poll() is not None]
            if dead or time.monotonic() > deadline:
                raise RuntimeError("a worker did not start:\n" + self.tail())
            time.sleep(0.1)

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the processes have used so far (0 where /proc is missing: not Linux)."""
        return sum(process_cpu_seconds(p.pid) for p in self.processes)

    def tail(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-2000:]}" for log in self.logs)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a live process, from /proc (0 when unreadable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _scalar(db: Database, query: str, **values: object) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text(query), values).scalar_one())


def _wait(condition: Callable[[], bool], timeout: float, what: str, workers: WorkerProcesses) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not within {timeout:.0f} s\n{workers.tail()}")
        time.sleep(0.2)


def _poll_round(db: Database, work: Any, pollers: WorkerProcesses) -> tuple[float, float]:
    """Defer a fetch job for every feed; seconds until every feed was polled and no fetch job is left, and the
    pollers' CPU seconds meanwhile."""
    started_at = datetime.now(UTC)
    cpu = pollers.cpu_seconds()
    started = time.monotonic()
    with db.engine.connect() as conn:
        feed_ids = [row[0] for row in conn.execute(text("SELECT id FROM feeds ORDER BY id"))]
    work.defer_fetches(feed_ids, force=True)

    def polled() -> bool:
        return (_scalar(db, "SELECT count(*) FROM feeds WHERE last_polled_at >= :at", at=started_at) == len(feed_ids)
                and _scalar(db, "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'fetch_feed'"
                                " AND status IN ('todo', 'doing')") == 0)

    _wait(polled, 600, "polling", pollers)
    return time.monotonic() - started, pollers.cpu_seconds() - cpu


def _analysis_window(db: Database, count: int, window: float, workers: WorkerProcesses,
                     grouper: WorkerProcesses) -> tuple[int, float, float, float]:
    """Once `count` workers have warmed up: articles filed during `window` seconds, the seconds measured, and the
    CPU seconds the workers and the grouper used meanwhile."""
    workers.wait_ready()
    warm = _scalar(db, ANALYSED) + WARM_UP_ARTICLES * count
    _wait(lambda: _scalar(db, ANALYSED) >= warm, 300, "warm-up", workers)
    start_count = _scalar(db, ANALYSED)
    started = time.monotonic()
    cpu, grouping_cpu = workers.cpu_seconds(), grouper.cpu_seconds()
    time.sleep(window)
    return (_scalar(db, ANALYSED) - start_count, time.monotonic() - started, workers.cpu_seconds() - cpu,
            grouper.cpu_seconds() - grouping_cpu)


def _load() -> str:
    """The machine's load average (1 min), to read a wall-clock figure by."""
    return f"load {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "load unknown"


def _texts() -> list[tuple[str, str]]:
    """(title, text) of wire-story length: three of the demo's dispatches (about 180 words each) to an article,
    about 550 words, so analysis costs what it costs on real news, not on short dispatches."""
    from bot.dev.demo import demo_articles

    demo = demo_articles()
    return [(a.title, "\n\n".join(demo[(n + k) % len(demo)].text for k in range(DISPATCHES_PER_ARTICLE)))
            for n, a in enumerate(demo)]


def run_scale_bench(database_url: str, *, feeds: int, per_feed: int, pollers: int, poller_concurrency: int,
                    worker_counts: Sequence[int], window: float, keep: bool = False,
                    out: Callable[[str], None] = print) -> int:
    """Run the three phases in a fresh schema of `database_url` (PostgreSQL) and print their figures."""
    from bot.app.engine import Work
    from bot.app.ingest import add_feeds
    from bot.storage.jobs import failed_jobs
    from bot.storage.stories import DOCUMENTS_TERM

    url = normalise_url(database_url)
    if not url.startswith("postgresql"):
        out("diplobot bench scale needs PostgreSQL: --database-url postgresql+psycopg://…")
        return 2
    schema = "bench_" + uuid.uuid4().hex[:10]
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    child_url = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    db = Database(create_engine(child_url, pool_pre_ping=True))
    folder = Path(tempfile.mkdtemp(prefix="diplobot-scale-"))
    farm = FeedFarm(feeds, per_feed, _texts(), datetime.now(UTC))
    settings = Settings().model_copy(update={"database_url": child_url, "job_engine": "procrastinate",
                                             "allow_private_feeds": True, "fetch_pages": False,
                                             "poll_jitter_seconds": 0})
    keep_env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PYTHONPATH", "SPACY_MODEL")}
    env = {**keep_env, "DATABASE_URL": child_url, "JOB_ENGINE": "procrastinate", "ALLOW_PRIVATE_FEEDS": "true",
           "FETCH_PAGES": "false", "POLL_JITTER_SECONDS": "0", "LOG_FORMAT": "plain", "LOG_LEVEL": "INFO",
           "FETCH_TIMEOUT_SECONDS": "30", "PYTHONUNBUFFERED": "1"}
    work: Work | None = None
    try:
        db.upgrade()
        add_feeds(db, settings, farm.urls(), datetime.now(UTC))
        with db.engine.begin() as conn:  # not due: only the bench's own fetch jobs poll them, when it says
            conn.execute(text("UPDATE feeds SET next_poll_at = now() + interval '1 day'"))
        work = Work(db, settings)
        out(f"diplobot bench scale: {feeds} feeds x {per_feed} articles on 127.0.0.1, PostgreSQL schema {schema}, "
            f"{os.cpu_count()} cores; logs in {folder}")

        pollers_running = WorkerProcesses(env, folder, "poller", pollers, "fetch", poller_concurrency)
        try:
            pollers_running.wait_ready()
            for round_name in ("first poll (all new)", "second poll (all 304)"):
                took, cpu = _poll_round(db, work, pollers_running)
                stored = _scalar(db, "SELECT count(*) FROM articles")
                out(f"  {round_name}: {feeds} feeds in {took:.1f} s ({feeds / took * 60:,.0f} feeds/min) by "
                    f"{pollers} poller process(es) x {poller_concurrency}, pollers' CPU {cpu / feeds * 1000:.1f} ms "
                    f"a feed; {stored:,} articles stored; {_load()}")
        finally:
            pollers_running.stop()

        baseline: float | None = None
        # One grouping process (filing is one job at a time anyway): its open stories stay current between jobs.
        grouper = WorkerProcesses(env, folder, "grouper", 1, "grouping,stories", 1)
        try:
            grouper.wait_ready()
            for count in worker_counts:
                workers = WorkerProcesses(env, folder, f"worker{count}", count, "analysis", 1)
                try:
                    done, took, cpu, grouping_cpu = _analysis_window(db, count, window, workers, grouper)
                finally:
                    workers.stop()
                rate = done / took * 60
                baseline = baseline or rate
                out(f"  analysis, {count} worker process(es) + 1 grouper: {rate:,.0f} articles/min ({done} in "
                    f"{took:.0f} s), x{rate / baseline:.2f} one worker; CPU an article: workers "
                    f"{cpu / max(done, 1) * 1000:.0f} ms, grouper {grouping_cpu / max(done, 1) * 1000:.0f} ms; {_load()}")
        finally:
            grouper.stop()

        analysed = _scalar(db, ANALYSED)
        counted = _scalar(db, "SELECT coalesce(max(documents), 0) FROM term_documents WHERE term = :t", t=DOCUMENTS_TERM)
        duplicate_quotes = _scalar(db, "SELECT count(*) - count(DISTINCT (article_id, start, \"end\")) FROM quotes")
        duplicate_actors = _scalar(db, "SELECT count(*) - count(DISTINCT (article_id, name, kind)) FROM actors")
        orphans = _scalar(db, "SELECT count(*) FROM stories s WHERE NOT EXISTS "
                              "(SELECT 1 FROM articles a WHERE a.story_id = s.id)")
        failed = failed_jobs(db)
        out(f"  rows: {analysed:,} articles analysed, counted {counted:,} times in term_documents; "
            f"duplicate quote rows {duplicate_quotes}, duplicate actor rows {duplicate_actors}, orphan stories "
            f"{orphans}, failed jobs {len(failed)}")
        return 0 if counted == analysed and not duplicate_quotes and not duplicate_actors and not orphans else 1
    finally:
        if work is not None:
            work.close()
        farm.stop()
        db.dispose()
        if not keep:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
