"""Logs of `diplobot run` as journald or `docker logs` get them: one line per record, JSON on request, LOG_LEVEL,
and no secret at any level, even with -v through an OAuth install."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.error import URLError

from bot.logs import redact
from tests.test_runner import OAUTH_ACCESS, NoRedirect

REPO = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "log-test-signing-secret-5d1e"
CLIENT_SECRET = "log-test-client-secret-93ab"
OAUTH_CODE = "oauth-code-7f3a9c"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_run(tmp_path: Path, *args: str, **settings: str) -> tuple[subprocess.Popen[str], int, int]:
    """`diplobot [args] run` in its own process, stderr piped (not a terminal); waits until /healthz answers."""
    slack_port, health_port = free_port(), free_port()
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "PYTHONPATH": str(REPO),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}", "LISTEN_HOST": "127.0.0.1",
           "SLACK_PORT": str(slack_port), "HEALTH_PORT": str(health_port), "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           **settings}
    process = subprocess.Popen([sys.executable, "-m", "bot", *args, "run"], cwd=tmp_path, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{health_port}/healthz", timeout=1).close()
            return process, slack_port, health_port
        except (URLError, OSError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise AssertionError(process.communicate()[1]) from None
            time.sleep(0.2)


def stop_run(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    return stderr


def test_oauth_install_with_verbose_logs_one_line_per_record_and_no_secret(tmp_path: Path, slack_api) -> None:
    slack_api.script("oauth.v2.access", body=OAUTH_ACCESS)
    process, port, _ = start_run(tmp_path, "-v", SLACK_CLIENT_ID="111.222", SLACK_CLIENT_SECRET=CLIENT_SECRET,
                                 SLACK_API_URL=slack_api.base_url)
    try:
        opener = urllib.request.build_opener(NoRedirect)
        with opener.open(f"http://127.0.0.1:{port}/slack/install", timeout=5) as response:
            cookie = response.headers["Set-Cookie"].split(";")[0]
            state = response.read().decode().split("state=")[1].split("&")[0]
        request = urllib.request.Request(f"http://127.0.0.1:{port}/slack/oauth_redirect?code={OAUTH_CODE}"
                                         f"&state={state}", headers={"Cookie": cookie})
        with opener.open(request, timeout=10) as response:
            assert response.status == 200
    finally:
        logged = stop_run(process)
    lines = logged.splitlines()
    assert any(" DEBUG " in line for line in lines)  # -v did log debug records
    assert all(line[:4].isdigit() and " " in line for line in lines), logged  # each record one timestamped line
    for secret in ("xoxb-installed-team-two", OAUTH_CODE, state, CLIENT_SECRET, SIGNING_SECRET):
        assert secret not in logged, secret


def test_json_logs_at_the_level_asked(tmp_path: Path, slack_api) -> None:
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"http://127.0.0.1:{free_port()}/closed.xml\n", encoding="utf-8")
    process, _, _ = start_run(tmp_path, LOG_FORMAT="json", LOG_LEVEL="warning", FEEDS_FILE=str(feeds),
                              ALLOW_PRIVATE_FEEDS="true", SLACK_BOT_TOKEN="xoxb-json-test",
                              SLACK_API_URL=slack_api.base_url)
    time.sleep(1.5)  # the feed is polled at once and fails: a WARNING
    records = [json.loads(line) for line in stop_run(process).splitlines()]
    assert records and all({"time", "level", "logger", "message"} <= set(r) for r in records)
    assert {r["level"] for r in records} <= {"WARNING", "ERROR"}
    assert any("closed.xml" in r["message"] and r.get("feed_url", "").endswith("/closed.xml") for r in records)


def test_redaction_covers_tokens_codes_states_and_response_urls() -> None:
    line = ("GET /slack/oauth_redirect?code=123.456&state=s-1 {'access_token': 'xoxb-1-2', 'ok': True} "
            "https://hooks.slack.com/commands/T1/2/3 xapp-1-A1-2 exit code: 2")
    masked = redact(line)
    for secret in ("123.456", "s-1", "xoxb-1-2", "hooks.slack.com", "xapp-1"):
        assert secret not in masked
    assert "exit code: 2" in masked
