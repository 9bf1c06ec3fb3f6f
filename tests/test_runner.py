"""`diplobot run` in one process: HTTP requests reach the Bolt app, jobs are scheduled, shutdown is orderly."""

from __future__ import annotations

import json
import urllib.request
from urllib.error import HTTPError
from urllib.parse import urlencode

import pytest

from bot.app.runner import start
from bot.storage import Database
from tests.stored_news import add_demo_news


@pytest.fixture
def running(slack_settings):
    db = Database.connect(slack_settings.database_url)
    db.upgrade()
    add_demo_news(db)
    bot = start(slack_settings.model_copy(update={"slack_port": 0}), db=db, host="127.0.0.1",
                nlp_loader=lambda: pytest.fail("no article needs the model here"))
    yield bot
    bot.stop()


def post(url: str, body: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except HTTPError as exc:
        return exc.code


def test_signed_command_over_http_is_answered(running, slack_api, signed) -> None:
    body = urlencode({"team_id": "T0001", "channel_id": "C0001", "user_id": "U1", "command": "/who-said",
                      "text": "Nauert", "response_url": slack_api.response_url("r1")})
    url = f"http://127.0.0.1:{running.port}/slack/events"
    headers = {"Content-Type": "application/x-www-form-urlencoded", **signed(body)}
    assert post(url, body, headers) == 200
    [answer] = slack_api.wait_for("response_url:/response/r1", 1)
    assert "ways to go" in json.dumps(answer.params)
    assert post(url, body, {"Content-Type": "application/x-www-form-urlencoded"}) == 401


def test_health_and_unknown_paths(running) -> None:
    with urllib.request.urlopen(f"http://127.0.0.1:{running.port}/healthz", timeout=5) as response:
        assert json.loads(response.read())["status"] == "ok"
    with pytest.raises(HTTPError) as missing:
        urllib.request.urlopen(f"http://127.0.0.1:{running.port}/slack/install", timeout=5)
    assert missing.value.code == 404  # single-workspace mode has no install page


def test_feeds_file_feeds_are_added_and_get_a_poll_job(slack_settings, tmp_path) -> None:
    from bot.storage.articles import list_feeds

    feeds_file = tmp_path / "feeds.txt"
    feeds_file.write_text("# our sources\nhttp://127.0.0.1:9/world.rss\n\n", encoding="utf-8")
    db = Database.connect(slack_settings.database_url)
    bot = start(slack_settings.model_copy(update={"slack_port": 0, "feeds_file": feeds_file}), db=db,
                host="127.0.0.1")
    try:
        [feed] = list_feeds(db)
        assert feed.url == "http://127.0.0.1:9/world.rss"
        assert bot.scheduler.get_job(f"feed:{feed.id}") is not None
    finally:
        bot.stop()


def test_scheduler_runs_delivery_and_reminders_and_stops_cleanly(running) -> None:
    jobs = {job.id for job in running.scheduler.get_jobs()}
    assert {"send-due", "deadline-reminders", "sync-jobs"} <= jobs
    running.stop()
    assert not running.scheduler.running
    running.stop()  # twice is harmless


def test_oauth_install_page_is_served_over_http(settings, slack_api) -> None:
    from pydantic import SecretStr

    oauth = settings.model_copy(update={"slack_client_id": "111.222", "slack_client_secret": SecretStr("shh"),
                                        "slack_signing_secret": SecretStr("secret"), "slack_port": 0,
                                        "slack_api_url": slack_api.base_url})
    bot = start(oauth, host="127.0.0.1")
    try:
        opener = urllib.request.build_opener(NoRedirect)
        with opener.open(f"http://127.0.0.1:{bot.port}/slack/install", timeout=5) as response:
            page = response.read().decode() + str(response.headers)
        assert "https://slack.com/oauth/v2/authorize?state=" in page and "client_id=111.222" in page
        assert "chat%3Awrite" in page or "chat:write" in page
    finally:
        bot.stop()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_oauth_install_stores_the_workspace_and_its_commands_are_answered(settings, slack_api) -> None:
    from pydantic import SecretStr

    from tests.conftest import sign

    oauth = settings.model_copy(update={"slack_client_id": "111.222", "slack_client_secret": SecretStr("shh"),
                                        "slack_signing_secret": SecretStr("secret"), "slack_port": 0,
                                        "slack_api_url": slack_api.base_url})
    slack_api.script("oauth.v2.access", body=OAUTH_ACCESS)
    bot = start(oauth, host="127.0.0.1")
    try:
        base = f"http://127.0.0.1:{bot.port}"
        opener = urllib.request.build_opener(NoRedirect)
        with opener.open(f"{base}/slack/install", timeout=5) as response:
            cookie = response.headers["Set-Cookie"].split(";")[0]
            state = response.read().decode().split("state=")[1].split("&")[0]
        request = urllib.request.Request(f"{base}/slack/oauth_redirect?code=abc&state={state}",
                                         headers={"Cookie": cookie})
        with opener.open(request, timeout=5) as response:
            assert response.status == 200
        bot_row = bot.app.installation_store.find_bot(enterprise_id=None, team_id="T0002")
        assert bot_row.bot_token == "xoxb-installed-team-two"

        body = urlencode({"team_id": "T0002", "channel_id": "C2", "user_id": "U2", "command": "/diplo",
                          "text": "help", "response_url": slack_api.response_url("r9"), "api_app_id": "A0001"})
        headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body, secret="secret")}
        assert post(f"{base}/slack/events", body, headers) == 200
        [answer] = slack_api.wait_for("response_url:/response/r9", 1)
        assert "/who-said" in json.dumps(answer.params)
    finally:
        bot.stop()


OAUTH_ACCESS = {
    "ok": True,
    "app_id": "A0001",
    "authed_user": {"id": "U2"},
    "scope": "commands,chat:write",
    "token_type": "bot",
    "access_token": "xoxb-installed-team-two",
    "bot_user_id": "UBOT2",
    "team": {"id": "T0002", "name": "Second Embassy"},
    "enterprise": None,
    "is_enterprise_install": False,
}


def test_diplobot_run_answers_then_stops_on_sigterm(tmp_path, slack_api) -> None:
    """The real command in its own process: a signed command is answered, SIGTERM ends it cleanly."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    from tests.conftest import SIGNING_SECRET, sign

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    from pathlib import Path

    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path),
           "PYTHONPATH": str(Path(__file__).resolve().parent.parent),  # this checkout, whatever is installed
           "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}", "SLACK_BOT_TOKEN": "xoxb-run-test",
           "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": slack_api.base_url, "SLACK_PORT": str(port),
           "HEALTH_PORT": "0"}
    process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, process.stdout.read()
                time.sleep(0.2)
        body = urlencode({"team_id": "T0001", "channel_id": "C1", "user_id": "U1", "command": "/diplo",
                          "text": "help", "response_url": slack_api.response_url("run")})
        headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
        assert post(f"http://127.0.0.1:{port}/slack/events", body, headers) == 200
        assert slack_api.wait_for("response_url:/response/run", 1, timeout=20)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "stopped" in output and "xoxb-run-test" not in output and SIGNING_SECRET not in output
    # One start-up line says what runs: version, mode, database (no password), model, feeds, health port.
    [started] = [line for line in output.splitlines() if " started: " in line]
    assert "HTTP mode" in started and "run.db" in started and "en_core_web_sm" in started and "0 feed(s)" in started


def test_a_socket_mode_client_that_never_closes_does_not_hold_up_shutdown(monkeypatch, caplog) -> None:
    import threading

    from bot.app import runner

    class StuckClient:
        released = threading.Event()

        def close(self) -> None:  # slack_sdk's client waiting on a session thread that never ends
            self.released.wait()

    monkeypatch.setattr(runner, "SOCKET_CLOSE_SECONDS", 0.2)
    with caplog.at_level("WARNING", logger="bot.app.runner"):
        runner._close_socket_mode(StuckClient())
    StuckClient.released.set()
    assert "did not close" in caplog.text
