"""Requests to /slack/events over real HTTP: only Slack-signed, fresh requests get in, and no secret is logged.

The Bolt app (`bot.slack.app.build_app`) is served by `bot.slack.server.SlackHTTPServer` on 127.0.0.1 and
answers through the Slack stand-in; requests are signed as Slack signs them (the `signed` fixture).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlencode

import httpx
import pytest
import slack_sdk.signature
from pydantic import SecretStr

from bot.config import Settings
from bot.slack.app import build_app
from bot.slack.server import SlackHTTPServer
from bot.storage import Database
from bot.storage.delivery import list_subscriptions
from tests.conftest import SIGNING_SECRET, ListenerWork
from tests.stored_news import add_demo_news

FORM = {"content-type": "application/x-www-form-urlencoded"}
JSON = {"content-type": "application/json"}
# A response_url carries a secret of its own (whoever holds it can answer in the channel for 30 minutes).
RESPONSE_SECRET = "hookpart-Zq81xLw0"


@pytest.fixture
def app_db(slack_settings: Settings) -> Iterator[Database]:
    database = Database.connect(slack_settings.database_url)
    database.upgrade()
    add_demo_news(database)
    yield database
    database.dispose()


@pytest.fixture
def server(slack_settings: Settings, app_db: Database, listener_work: ListenerWork) -> Iterator[str]:
    """The real HTTP front on a free port of 127.0.0.1; its events URL."""
    app = build_app(slack_settings, app_db, listener_executor=listener_work)
    running = SlackHTTPServer(app, "127.0.0.1", 0).start()
    yield f"http://127.0.0.1:{running.port}/slack/events"
    running.stop()


def post(url: str, body: str | bytes, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(url, content=body, headers=headers, timeout=10)


def slash_body(slack_api, command: str = "/subscribe", text: str = "iran") -> str:
    return urlencode({**SLASH_COMMAND, "command": command, "text": text,
                      "response_url": slack_api.response_url(f"T0001/B0001/{RESPONSE_SECRET}")})


def request_kinds(slack_api) -> dict[str, tuple[str, dict[str, str]]]:
    """One request of each kind Slack sends: a command, a button press, an event, the URL check."""
    action = {**BLOCK_ACTION, "response_url": slack_api.response_url(f"T0001/B0001/{RESPONSE_SECRET}"),
              "actions": [{"action_id": "who_said_page:more", "block_id": "b1", "type": "button",
                           "value": json.dumps({"name": "Mike Pompeo", "since": None, "offset": 0}),
                           "action_ts": "1700000000.1"}]}
    return {
        "slash command": (slash_body(slack_api), FORM),
        "button press": (urlencode({"payload": json.dumps(action)}), FORM),
        "event": (json.dumps(APP_HOME_OPENED), JSON),
        "url verification": (json.dumps({"token": "x", "challenge": "c-123", "type": "url_verification"}), JSON),
    }


KINDS = ["slash command", "button press", "event", "url verification"]


def forged(signed, body: str) -> dict[str, dict[str, str]]:
    """Every way a request can fail to prove it comes from Slack, now."""
    good = signed(body)
    now = int(time.time())
    return {
        "wrong secret": signed(body, secret="not-the-signing-secret"),
        "no signature": {"x-slack-request-timestamp": good["x-slack-request-timestamp"]},
        "no timestamp": {"x-slack-signature": good["x-slack-signature"]},
        "no headers at all": {},
        "older than 5 minutes": signed(body, timestamp=now - 5 * 60 - 5),
        "an hour old": signed(body, timestamp=now - 3600),
        "from the future": signed(body, timestamp=now + 5 * 60 + 5),
        "timestamp not a number": {**good, "x-slack-request-timestamp": "yesterday"},
        "signature of another body": signed(body + "&text=other"),
        "other signature version": {**good, "x-slack-signature": "v1=" + good["x-slack-signature"][3:]},
        "empty signature": {**good, "x-slack-signature": ""},
        "signature without prefix": {**good, "x-slack-signature": good["x-slack-signature"][3:]},
    }


FORGERIES = ["wrong secret", "no signature", "no timestamp", "no headers at all", "older than 5 minutes",
             "an hour old", "from the future", "signature of another body",
             "other signature version", "empty signature", "signature without prefix"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_correctly_signed_request_gets_in(kind: str, server: str, slack_api, signed) -> None:
    body, content_type = request_kinds(slack_api)[kind]
    response = post(server, body, {**content_type, **signed(body)})
    assert response.status_code == 200
    if kind == "url verification":
        assert "c-123" in response.text


@pytest.mark.parametrize("kind", KINDS)
def test_an_unsigned_stale_or_forged_request_gets_401_and_runs_nothing(kind: str, server: str, slack_api, signed,
                                                                       app_db: Database,
        listener_work: ListenerWork) -> None:
    body, content_type = request_kinds(slack_api)[kind]
    forgeries = forged(signed, body)
    answers = {name: post(server, body, {**content_type, **forgeries[name]}) for name in FORGERIES}
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(FORGERIES, 401)
    assert not any("c-123" in r.text for r in answers.values())
    listener_work.settle()  # lazy listeners run after the answer: one started wrongly has shown itself now
    assert list_subscriptions(app_db) == []
    assert [c.method for c in slack_api.calls if c.method != "auth.test"] == []  # Bolt's own start-up check


@pytest.mark.parametrize("kind", KINDS)
def test_a_timestamp_that_is_not_a_number_gets_401_and_no_request_goes_out(kind: str, server: str, slack_api,
                                                                          signed,
        listener_work: ListenerWork) -> None:
    body, content_type = request_kinds(slack_api)[kind]
    headers = {**signed(body), "x-slack-request-timestamp": "yesterday"}
    status = post(server, body, {**content_type, **headers}).status_code
    listener_work.settle()
    sent = [c.method for c in slack_api.calls if c.method != "auth.test"]
    assert (status, sent) == (401, [])


def test_an_unsigned_request_leaves_no_trace_after_its_listener_could_have_run(server: str, slack_api, signed,
                                                                               app_db: Database) -> None:
    """Lazy listeners run after the answer: wait a little, so one started wrongly would show itself."""
    body = slash_body(slack_api)
    assert post(server, body, {**FORM, **signed(body, secret="wrong")}).status_code == 401
    assert slack_api.wait_for("response_url:/response/T0001/B0001/" + RESPONSE_SECRET, 1, timeout=0.5) == []
    assert list_subscriptions(app_db) == []


def test_a_request_captured_and_replayed_after_5_minutes_gets_401(server: str, slack_api, signed,
                                                                 app_db: Database,
                                                                 monkeypatch: pytest.MonkeyPatch,
        listener_work: ListenerWork) -> None:
    body = slash_body(slack_api, "/who-said", "Pompeo")
    headers = {**FORM, **signed(body)}
    assert post(server, body, headers).status_code == 200  # the original, as Slack sent it
    slack_api.wait_for("response_url:/response/T0001/B0001/" + RESPONSE_SECRET, 1)
    later = time.time() + 5 * 60 + 1
    monkeypatch.setattr(slack_sdk.signature.Clock, "now", lambda self: later)
    assert post(server, body, headers).status_code == 401  # the same bytes, byte for byte, too late
    listener_work.settle()
    assert len(slack_api.calls_to("response_url:/response/T0001/B0001/" + RESPONSE_SECRET)) == 1


def raw_status(server: str, head: bytes) -> bytes:
    """The status line the server answers to a hand-written request head (no body sent)."""
    host, port = server.split("//")[1].split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        raw.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\n" + head + b"\r\n")
        return raw.recv(100).split(b"\r\n")[0]


def test_oversized_and_malformed_bodies_are_refused_before_any_check(server: str, signed) -> None:
    # Refused on the declared length, before a byte of the body is read.
    assert raw_status(server, b"Content-Length: 1100000\r\n") == b"HTTP/1.0 413 Request Entity Too Large"
    assert raw_status(server, b"Content-Length: -5\r\n") == b"HTTP/1.0 400 Bad Request"
    assert raw_status(server, b"Content-Length: lots\r\n") == b"HTTP/1.0 400 Bad Request"
    garbage = b"\xff\xfe not utf-8"
    assert post(server, garbage, {**FORM, **signed("x")}).status_code == 401


@pytest.mark.parametrize("body, content_type", [
    ("{not json", JSON),
    ("payload=%7Bnot+json", FORM),
], ids=["json body", "form payload"])
def test_an_unparseable_unsigned_body_gets_a_4xx_answer(body: str, content_type: dict[str, str], server: str,
                                                        signed) -> None:
    try:
        status = post(server, body, {**content_type, **signed(body, secret="wrong")}).status_code
    except httpx.RemoteProtocolError as exc:
        pytest.fail(f"the server dropped the connection: {exc}")
    assert 400 <= status < 500


def test_only_the_events_path_is_served(server: str, slack_api, signed) -> None:
    body, content_type = request_kinds(slack_api)["slash command"]
    other = server.replace("/slack/events", "/slack/events/../admin")
    assert post(other, body, {**content_type, **signed(body)}).status_code == 404
    assert httpx.get(server.replace("/slack/events", "/healthz"), timeout=10).text == "ok"


# --- secrets and logs ------------------------------------------------------------------------------------------

def test_a_full_cycle_logged_at_debug_never_shows_a_secret(slack_settings: Settings, app_db: Database, slack_api,
                                                            signed, feed_server, nlp, caplog,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Poll, analyse, queue, post (with Slack failing once), and answer signed, forged and failing requests."""
    from bot.app.ingest import add_feeds, run_cycle
    from bot.slack.blocks import SlackMessage
    from bot.slack.commands import COMMANDS
    from bot.slack.outbox.poster import Poster
    from bot.storage.delivery import add_subscription
    from tests.conftest import Route

    settings = slack_settings.model_copy(update={"slack_client_secret": SecretStr("client-secret-9f8e7d")})
    feed_server.routes["/wire.xml"] = Route(body=WIRE, headers={"Content-Type": "application/rss+xml"})
    with caplog.at_level(logging.DEBUG):
        now = datetime.now(UTC)
        add_feeds(app_db, settings, [feed_server.url("/wire.xml")], now)
        add_subscription(app_db, "T0001", "C0001", "*", created_by="U1", now=now)
        run_cycle(settings, lambda: nlp, db=app_db, force=True)
        poster = Poster(app_db, settings, sleep=lambda s: None, min_interval=0)
        slack_api.script("chat.postMessage", status=500, body={"ok": False, "error": "internal_error"})
        assert poster.send_due().sent >= 1  # after one retry
        slack_api.script("chat.postMessage", status=200, body={"ok": False, "error": "invalid_auth"})
        poster.post_message("T0001", "C0001", SlackMessage("Deadline today", []))

        running = SlackHTTPServer(build_app(settings, app_db), "127.0.0.1", 0).start()
        url = f"http://127.0.0.1:{running.port}/slack/events"
        try:
            for body, content_type in request_kinds(slack_api).values():
                post(url, body, {**content_type, **signed(body)})
                post(url, body, {**content_type, **signed(body, secret="wrong")})
            monkeypatch.setitem(COMMANDS, "digest", dataclasses.replace(
                COMMANDS["digest"], parse=lambda text, ctx: (_ for _ in ()).throw(RuntimeError("boom"))))
            body = slash_body(slack_api, "/digest", "")
            post(url, body, {**FORM, **signed(body)})
            slack_api.wait_for("response_url:/response/T0001/B0001/" + RESPONSE_SECRET, 3)
        finally:
            running.stop()
    logged = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    assert "boom" in logged and "invalid_auth" in logged  # the failures were logged...
    for secret in (SIGNING_SECRET, settings.slack_bot_token.get_secret_value(), "client-secret-9f8e7d"):
        assert secret not in logged  # ...and no secret with them


def test_response_urls_never_reach_the_debug_logs(server: str, slack_api, signed, caplog,
        listener_work: ListenerWork) -> None:
    body = slash_body(slack_api, "/who-said", "Pompeo")
    with caplog.at_level(logging.DEBUG):
        assert post(server, body, {**FORM, **signed(body)}).status_code == 200
        assert slack_api.wait_for("response_url:/response/T0001/B0001/" + RESPONSE_SECRET, 1)
        listener_work.settle()  # the answer's own log lines are written
    assert RESPONSE_SECRET not in caplog.text


# --- payloads ----------------------------------------------------------------------------------------------------

SLASH_COMMAND = {
    "token": "verification-token-not-real", "team_id": "T0001", "team_domain": "example", "channel_id": "C0001",
    "channel_name": "diplomacy", "user_id": "U1", "user_name": "analyst", "api_app_id": "A0001",
    "trigger_id": "111.222.abc",
}
BLOCK_ACTION = {
    "type": "block_actions", "token": "verification-token-not-real", "team": {"id": "T0001", "domain": "example"},
    "user": {"id": "U1", "username": "analyst", "team_id": "T0001"}, "api_app_id": "A0001",
    "container": {"type": "message", "message_ts": "1700000000.000100", "channel_id": "C0001", "is_ephemeral": True},
    "channel": {"id": "C0001", "name": "diplomacy"}, "trigger_id": "111.222.abc",
}
APP_HOME_OPENED = {
    "token": "verification-token-not-real", "team_id": "T0001", "api_app_id": "A0001",
    "event": {"type": "app_home_opened", "user": "U1", "channel": "D0001", "tab": "home",
              "event_ts": "1700000000.000200"},
    "type": "event_callback", "event_id": "Ev0001", "event_time": 1700000000,
    "authorizations": [{"team_id": "T0001", "user_id": "UBOT", "is_bot": True}],
}
WIRE = b"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Lissa wire</title>
<item><title>Kovar and Reyes agree to resume Kessel talks</title><guid>w-1</guid>
<link>https://lissa-wire.example/kessel</link>
<description>Foreign Minister Anna Kovar of Lissa met Prime Minister Tomas Reyes in Geneva on Monday.
"We will meet again before the end of the month," Kovar said after the talks.</description></item>
</channel></rss>"""
