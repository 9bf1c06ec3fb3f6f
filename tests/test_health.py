"""/healthz, /readyz and /metrics of a running bot, read over HTTP on HEALTH_PORT as a monitor would."""

from __future__ import annotations

import json
import shutil
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.error import HTTPError

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from bot.analysis.model import ModelNotInstalled
from bot.app.health import Health, HealthServer
from bot.app.runner import start
from bot.storage import Database
from bot.storage import delivery as d
from bot.storage.articles import add_feed
from bot.storage.models import StoryRow
from tests.conftest import FeedServer, Route

FEED = (Path(__file__).parent / "fixtures" / "feeds" / "harbour_ministry_rss.xml").read_bytes()


def get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, response.read().decode()
    except HTTPError as exc:
        return exc.code, exc.read().decode()


def checks(port: int, path: str) -> tuple[int, dict]:
    status, body = get(port, path)
    return status, json.loads(body)


@pytest.fixture
def feed(db: Database, feed_server: FeedServer) -> int:
    feed_server.routes["/ministry.xml"] = Route(body=FEED, headers={"Content-Type": "application/rss+xml"})
    return add_feed(db, feed_server.url("/ministry.xml"), now=datetime.now(UTC)).id


def missing_model():
    raise ModelNotInstalled("SPACY_MODEL='xx_gone': no installed spaCy model package")


def test_polls_that_cannot_analyse_make_the_bot_not_ready_then_unhealthy(db, slack_settings, feed) -> None:
    bot = start(slack_settings.model_copy(update={"slack_port": 0, "fetch_pages": False}), db=db,
                host="127.0.0.1", nlp_loader=missing_model)
    try:
        # The scheduler polls the new feed at once: new articles arrive, the model cannot be loaded.
        deadline = time.monotonic() + 30
        while bot.health.failed_polls_in_a_row == 0:
            assert time.monotonic() < deadline, "the first poll did not happen"
            time.sleep(0.05)
        status, ready = checks(bot.health_port, "/readyz")
        assert status == 503 and "model" in ready["failing"]
        assert checks(bot.health_port, "/healthz")[0] == 200  # one failed poll is not yet a dead bot
        for _ in range(2):  # the next polls try the unread articles again, and fail again
            with pytest.raises(ModelNotInstalled):
                bot.reader.poll(feed)
        status, health = checks(bot.health_port, "/healthz")
        assert status == 503 and health["failing"] == ["polls"]
        assert "3 polls failed" in health["checks"]["polls"]["detail"]
        # The Slack port of HTTP mode answers the same.
        assert checks(bot.port, "/healthz")[0] == 503
    finally:
        bot.stop()


def test_database_gone_makes_the_bot_unhealthy(slack_settings, tmp_path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    db = Database.connect(f"sqlite:///{folder / 'bot.db'}")
    bot = start(slack_settings.model_copy(update={"slack_port": 0}), db=db, host="127.0.0.1",
                nlp_loader=missing_model)
    try:
        assert checks(bot.health_port, "/healthz")[0] == 200
        shutil.rmtree(folder)
        db.engine.dispose()  # connections already open would still read the deleted file
        status, health = checks(bot.health_port, "/healthz")
        assert status == 503 and "database" in health["failing"]
        assert "unreachable" in health["checks"]["database"]["detail"]
    finally:
        bot.stop()


def test_polls_that_stop_finishing_make_the_bot_not_ready(db) -> None:
    now = [1000.0]
    health = Health(db, poll_interval_seconds=60, clock=lambda: now[0])
    server = HealthServer(health, "127.0.0.1", 0).start()
    try:
        health.poll_finished()
        health.send_finished()
        assert checks(server.port, "/readyz")[0] == 200
        now[0] += 3 * 60 + 1  # three poll intervals without a finished poll
        health.send_finished()
        status, ready = checks(server.port, "/readyz")
        assert status == 503 and ready["failing"] == ["polls"]
        assert "no poll has finished" in ready["checks"]["polls"]["detail"]
        health.poll_finished()
        assert checks(server.port, "/readyz")[0] == 200
    finally:
        server.stop()


def sample(families: dict, name: str, **labels: str) -> float:
    return sum(s.value for s in families[name].samples
               if s.name == name + "_total" and all(s.labels.get(k) == v for k, v in labels.items()))


def scrape(port: int | None) -> dict:
    """The metrics as served on `port`, or as the process holds them now (None: before the bot starts)."""
    if port is None:
        from prometheus_client import generate_latest

        from bot.metrics import REGISTRY

        text = generate_latest(REGISTRY).decode()
    else:
        status, text = get(port, "/metrics")
        assert status == 200
    return {family.name: family for family in text_string_to_metric_families(text)}


def test_metrics_count_a_poll_a_post_and_a_429(db, slack_settings, slack_api, feed, nlp) -> None:
    at_start = scrape(None)
    bot = start(slack_settings.model_copy(update={"slack_port": 0, "fetch_pages": False}), db=db,
                host="127.0.0.1", nlp_loader=lambda: nlp)
    try:
        # The scheduler polls the new feed at once; wait for its analysis to be done.
        deadline = time.monotonic() + 60
        while bot.health.last_poll_finished is None:
            assert time.monotonic() < deadline and bot.health.failed_polls_in_a_row == 0, bot.health.last_poll_error
            time.sleep(0.05)
        after_poll = scrape(bot.health_port)
        assert sample(after_poll, "diplobot_feed_polls", outcome="new") == sample(at_start, "diplobot_feed_polls",
                                                                                  outcome="new") + 1
        before = scrape(bot.health_port)
        with db.session() as session:
            story_ids = list(session.scalars(select(StoryRow.id)))
        assert story_ids
        d.add_subscription(db, "T0001", "C0001", "kessel", created_by="U1", now=datetime.now(UTC))
        d.enqueue(db, "T0001", "C0001", story_ids[:1], now=datetime.now(UTC))
        slack_api.script("chat.postMessage", status=429, headers={"Retry-After": "1"})
        bot.scheduler.get_job("send-due").func()  # what the scheduler runs every few seconds
        after = scrape(bot.health_port)
        for counter in ("diplobot_articles_fetched", "diplobot_articles_analysed"):
            assert sample(after_poll, counter) >= sample(at_start, counter) + 3  # the feed's three articles
        assert sample(after, "diplobot_posts") == sample(before, "diplobot_posts") + 1
        assert sample(after, "diplobot_slack_rate_limited") == sample(before, "diplobot_slack_rate_limited") + 1
        assert sample(after, "diplobot_slack_calls", method="chat.postMessage", status="ok") >= 1
        assert after["diplobot_outbox_due"].samples[0].value == 0
        assert after["diplobot_feeds_active"].samples[0].value == 1
        assert after["diplobot_analysis_seconds"].samples  # a histogram with its buckets
    finally:
        bot.stop()


def test_a_slash_command_is_timed_in_the_metrics(running_bot, slack_api, signed) -> None:
    from urllib.parse import urlencode

    from tests.test_runner import post

    body = urlencode({"team_id": "T0001", "channel_id": "C0001", "user_id": "U1", "command": "/diplo",
                      "text": "help", "response_url": slack_api.response_url("m1")})
    before = scrape(running_bot.health_port)
    assert post(f"http://127.0.0.1:{running_bot.port}/slack/events", body,
                {"Content-Type": "application/x-www-form-urlencoded", **signed(body)}) == 200
    after = scrape(running_bot.health_port)

    def count(families: dict) -> float:
        return sum(s.value for s in families["diplobot_command_seconds"].samples
                   if s.name == "diplobot_command_seconds_count" and s.labels.get("kind") == "/diplo")

    assert count(after) == count(before) + 1


@pytest.fixture
def running_bot(slack_settings):
    db = Database.connect(slack_settings.database_url)
    bot = start(slack_settings.model_copy(update={"slack_port": 0}), db=db, host="127.0.0.1",
                nlp_loader=missing_model)
    yield bot
    bot.stop()


@pytest.fixture
def socket_mode_endpoint():
    """A WebSocket endpoint on 127.0.0.1 that completes the handshake as Slack's does and keeps the link open."""
    import base64
    import hashlib
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    links: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                link, _ = listener.accept()
            except OSError:
                return
            request = b""
            while b"\r\n\r\n" not in request:
                request += link.recv(4096)
            key = next(line.split(b":", 1)[1].strip() for line in request.split(b"\r\n")
                       if line.lower().startswith(b"sec-websocket-key:"))
            accept = base64.b64encode(hashlib.sha1(key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest())
            link.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")
            links.append(link)

    threading.Thread(target=serve, daemon=True).start()
    yield f"ws://127.0.0.1:{listener.getsockname()[1]}/link"
    listener.close()
    for link in links:
        link.close()


def test_socket_mode_serves_health_and_metrics_without_a_slack_port(settings, slack_api, socket_mode_endpoint) -> None:
    from pydantic import SecretStr

    slack_api.script("apps.connections.open", body={"ok": True, "url": socket_mode_endpoint}, times=5)
    socket_mode = settings.model_copy(update={"slack_bot_token": SecretStr("xoxb-socket-test"),
                                              "slack_app_token": SecretStr("xapp-1-socket-test"),
                                              "slack_api_url": slack_api.base_url})
    bot = start(socket_mode, host="127.0.0.1", nlp_loader=missing_model)
    try:
        assert bot.port is None and bot.socket is not None  # no Slack port in Socket Mode
        status, health = checks(bot.health_port, "/healthz")
        assert status == 200 and health["checks"]["scheduler"]["ok"]
        assert checks(bot.health_port, "/readyz")[0] == 503  # the model is not loaded
        assert "diplobot_feed_polls" in scrape(bot.health_port)
    finally:
        bot.stop()
