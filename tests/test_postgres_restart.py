"""PostgreSQL restarted under a running bot: the pool pings, reconnects, and the bot carries on.

The shared server on 127.0.0.1:5432 is never touched: the test starts a private PostgreSQL of its own
(initdb into a temporary folder, a free port on 127.0.0.1), restarts it with `pg_ctl restart -m fast`
(which cuts every open connection) while the bot runs, and removes it afterwards.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from bot.app.ingest import add_feeds
from bot.app.runner import start
from bot.config import Settings
from bot.storage import Database
from bot.storage.articles import count_articles, list_feeds
from bot.storage.delivery import add_subscription
from tests.conftest import Route


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivatePostgres:
    """A throw-away PostgreSQL cluster run as the `postgres` OS user (or as ourselves when not root)."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="diplobot-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.log = self.root / "server.log"
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]
        else:
            self._as = []

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self._as, str(self.bin_dir / tool), *args], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")

    def _ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", action, "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", *extra)

    def start(self) -> None:
        self._ctl("start")

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    bin_dir = _postgres_bin()
    if bin_dir is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        pytest.skip("needs the PostgreSQL server binaries (initdb, pg_ctl) to run a private PostgreSQL")
    server = PrivatePostgres(bin_dir)
    server.init()
    server.start()
    yield server
    server.stop()


def wire(*titles: str) -> bytes:
    items = "".join(
        f"<item><title>{title}</title><guid>pg-{n}</guid><link>https://lissa-wire.example/{n}</link>"
        f"<description>Foreign Minister Anna Kovar of Lissa said on Monday that {title.lower()}. "
        f'"We will not stop until the monitors are in place," Kovar said in Geneva.</description></item>'
        for n, title in enumerate(titles))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Lissa wire</title>{items}</channel></rss>'.encode()


def slash(slack_api, text: str, reply: str) -> str:
    return urlencode({"token": "x", "team_id": "T0001", "channel_id": "C0001", "user_id": "U1",
                      "command": "/who-said", "text": text, "response_url": slack_api.response_url(reply),
                      "trigger_id": "1.2.3", "api_app_id": "A0001"})


def test_the_bot_reconnects_after_postgres_restarts_and_carries_on(private_postgres: PrivatePostgres,
                                                                   slack_settings: Settings, slack_api, signed,
                                                                   feed_server, nlp) -> None:
    settings = slack_settings.model_copy(update={"database_url": private_postgres.url, "slack_port": 0})
    feed_server.routes["/wire.xml"] = Route(body=wire("Talks on the Kessel Strait resume"))
    db = Database.connect(private_postgres.url)
    db.upgrade()
    now = datetime.now(UTC)
    add_feeds(db, settings, [feed_server.url("/wire.xml")], now)
    add_subscription(db, "T0001", "C0001", "*", created_by="U1", now=now)
    running = start(settings, db=db, nlp_loader=lambda: nlp, host="127.0.0.1")
    events = f"http://127.0.0.1:{running.port}/slack/events"
    try:
        [feed] = list_feeds(db)
        running.reader.poll(feed.id)
        assert count_articles(db) == 1
        body = slash(slack_api, "Kovar", "before")
        assert httpx.post(events, content=body, headers={**FORM, **signed(body)}, timeout=10).status_code == 200
        assert slack_api.wait_for("response_url:/response/before", 1)
        assert slack_api.wait_for("chat.postMessage", 1, timeout=20)  # the poster's job sent the first story

        control = create_engine(private_postgres.url)  # a pool without pre-ping, to prove the cut is real
        with control.connect() as conn:
            conn.execute(text("SELECT 1"))
        private_postgres.restart()  # every pooled connection is now dead
        with pytest.raises(OperationalError), control.connect() as conn:
            conn.execute(text("SELECT 1"))
        control.dispose()

        feed_server.routes["/wire.xml"] = Route(body=wire("Talks on the Kessel Strait resume",
                                                          "Monitors reach the strait"))
        running.reader.poll(feed.id)  # pre-ping finds the dead connection and opens a new one
        assert count_articles(db) == 2
        body = slash(slack_api, "Kovar", "after")
        assert httpx.post(events, content=body, headers={**FORM, **signed(body)}, timeout=10).status_code == 200
        [answer] = slack_api.wait_for("response_url:/response/after", 1)
        assert "Kovar" in json.dumps(answer.params)
        posted = slack_api.wait_for("chat.postMessage", 2, timeout=30)  # the scheduler's jobs carry on
        assert len(posted) >= 2
        assert not running.stopped.is_set()
    finally:
        running.stop()


FORM = {"content-type": "application/x-www-form-urlencoded"}
