"""`diplobot run` with one bad setting, run as an operator would: exit status 2 and one line on stderr naming it.

Each case starts the real command in a process of its own, in an empty folder (no `.env`), with only the
settings it names. Nothing but 127.0.0.1 is reached: Slack is the local stand-in, or a closed port.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SIGNING_SECRET

REPO = Path(__file__).resolve().parent.parent


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def diplobot_run(tmp_path: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "PYTHONPATH": str(REPO),
           "LISTEN_HOST": "127.0.0.1", "HEALTH_PORT": "0", "SLACK_PORT": "0", **settings}
    return subprocess.run([sys.executable, "-m", "bot", *args, "run"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def good(tmp_path: Path, slack_api) -> dict[str, str]:
    """Settings that would start: SQLite in the test folder, a token the stand-in accepts."""
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}", "SLACK_BOT_TOKEN": "xoxb-preflight-test",
            "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": slack_api.base_url}


def assert_one_line_naming(result: subprocess.CompletedProcess[str], setting: str) -> None:
    lines = result.stderr.splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1, result.stderr
    assert setting in lines[0], lines[0]
    assert "Traceback" not in result.stderr


def test_http_mode_without_signing_secret_stops_before_touching_the_database(tmp_path: Path, good) -> None:
    del good["SLACK_SIGNING_SECRET"]
    result = diplobot_run(tmp_path, **good)
    assert_one_line_naming(result, "SLACK_SIGNING_SECRET")
    assert not (tmp_path / "run.db").exists()  # nothing migrated first


def test_no_bot_token_and_no_oauth_pair(tmp_path: Path, good) -> None:
    del good["SLACK_BOT_TOKEN"]
    assert_one_line_naming(diplobot_run(tmp_path, **good), "SLACK_BOT_TOKEN")


@pytest.mark.parametrize("url", ["postgres//user:pw@@db", "mysql+nodriver://x@127.0.0.1/db", "not a url"])
def test_unparsable_database_url(tmp_path: Path, good, url: str) -> None:
    result = diplobot_run(tmp_path, **{**good, "DATABASE_URL": url})
    assert_one_line_naming(result, "DATABASE_URL")


def test_postgresql_down_is_retried_for_a_bounded_time_then_named(tmp_path: Path, good) -> None:
    url = f"postgresql+psycopg://diplobot:hunter2secret@127.0.0.1:{closed_port()}/diplobot"
    result = diplobot_run(tmp_path, **{**good, "DATABASE_URL": url, "DATABASE_WAIT_SECONDS": "1"})
    assert_one_line_naming(result, "DATABASE_URL")
    assert "tries" in result.stderr and "hunter2secret" not in result.stderr  # retried; password never shown


def test_slack_unreachable_at_start(tmp_path: Path, good) -> None:
    result = diplobot_run(tmp_path, **{**good, "SLACK_API_URL": f"http://127.0.0.1:{closed_port()}/api/"})
    assert_one_line_naming(result, "SLACK_API_URL")
    assert "xoxb-preflight-test" not in result.stderr


def test_a_token_slack_refuses(tmp_path: Path, good, slack_api) -> None:
    slack_api.script("auth.test", body={"ok": False, "error": "invalid_auth"})
    result = diplobot_run(tmp_path, **good)
    assert_one_line_naming(result, "SLACK_BOT_TOKEN")
    assert "invalid_auth" in result.stderr and "xoxb-preflight-test" not in result.stderr


def test_wrong_spacy_model_stops_the_start_not_every_poll(tmp_path: Path, good) -> None:
    result = diplobot_run(tmp_path, **{**good, "SPACY_MODEL": "xx_no_such_model"})
    assert_one_line_naming(result, "SPACY_MODEL")


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield int(taken.getsockname()[1])


@pytest.mark.parametrize("setting", ["SLACK_PORT", "HEALTH_PORT"])
def test_port_in_use(tmp_path: Path, good, busy_port: int, setting: str) -> None:
    result = diplobot_run(tmp_path, **{**good, setting: str(busy_port)})
    assert_one_line_naming(result, setting)
    assert str(busy_port) in result.stderr


def test_verbose_adds_the_traceback_on_one_line_per_record(tmp_path: Path, good) -> None:
    del good["SLACK_BOT_TOKEN"]
    result = diplobot_run(tmp_path, "-v", **good)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith("Error: SLACK_BOT_TOKEN")
    assert "Traceback" in result.stderr
    assert all(" DEBUG " in line or line.startswith("Error:") for line in result.stderr.splitlines())


@pytest.mark.parametrize("command", [["db", "upgrade"], ["poll"], ["ask", "/diplo help"]])
def test_other_commands_name_a_bad_database_url_too(tmp_path: Path, command: list[str]) -> None:
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "PYTHONPATH": str(REPO),
           "DATABASE_URL": "postgres//user:pw@@db"}
    result = subprocess.run([sys.executable, "-m", "bot", *command], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=120)
    assert_one_line_naming(result, "DATABASE_URL")
