import socket

import httpx
import pytest

from bot.dev.demo_server import DemoPortInUse, demo_feed_files, serve_demo_feeds


def test_bundled_feeds_are_served_and_answer_304_to_their_etag() -> None:
    assert len(demo_feed_files()) >= 3
    with serve_demo_feeds(0) as urls:
        first = httpx.get(urls[0])
        assert first.status_code == 200 and b"<" in first.content
        again = httpx.get(urls[0], headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304
        by_date = httpx.get(urls[0], headers={"If-Modified-Since": first.headers["Last-Modified"]})
        assert by_date.status_code == 304
        assert httpx.get(urls[0].rsplit("/", 1)[0] + "/missing.xml").status_code == 404


def test_taken_port_names_the_setting() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(DemoPortInUse, match="DEMO_PORT="), serve_demo_feeds(taken.getsockname()[1]):
            pass
