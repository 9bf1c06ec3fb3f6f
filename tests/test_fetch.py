import gzip
import shutil
import socket
import ssl
import subprocess
import threading
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import bot.feeds.addresses as addresses
from bot.config import Settings
from bot.feeds.fetch import (
    FeedConnectionError,
    FeedHTTPError,
    FeedTimeout,
    FeedTooBig,
    PrivateAddressRefused,
    TooManyRedirects,
    UnsupportedFeedURL,
    build_client,
    fetch_feed,
)
from tests.conftest import FeedServer, Route


def fetch(settings: Settings, url: str, **validators):
    with build_client(settings) as client:
        return fetch_feed(client, url, settings, **validators)


def test_body_and_validators_come_back(settings: Settings, feed_server: FeedServer) -> None:
    feed_server.routes["/rss"] = Route(body=FEED, etag='"v1"', headers={"Last-Modified": LAST_MODIFIED,
                                                                        "Content-Type": "application/rss+xml"})
    result = fetch(settings, feed_server.url("/rss"))
    assert (result.status, result.body, result.etag, result.last_modified) == (200, FEED, '"v1"', LAST_MODIFIED)
    assert result.content_type == "application/rss+xml"
    assert result.final_url == feed_server.url("/rss")


def test_requests_say_who_we_are(settings: Settings, feed_server: FeedServer) -> None:
    feed_server.routes["/rss"] = Route(body=FEED)
    fetch(settings, feed_server.url("/rss"))
    headers = feed_server.requests[0][2]
    assert headers["User-Agent"] == settings.user_agent
    assert "diplobot" in headers["User-Agent"]


def test_stored_validators_make_a_conditional_get_answered_304(settings: Settings, feed_server: FeedServer) -> None:
    feed_server.routes["/rss"] = Route(body=FEED, etag='"v1"')
    result = fetch(settings, feed_server.url("/rss"), etag='"v1"', last_modified=LAST_MODIFIED)
    assert result.not_modified and result.body is None
    headers = feed_server.requests[0][2]
    assert headers["If-None-Match"] == '"v1"'
    assert headers["If-Modified-Since"] == LAST_MODIFIED


def test_http_error_is_named_with_status_and_url(settings: Settings, feed_server: FeedServer) -> None:
    with pytest.raises(FeedHTTPError, match=r"/missing.xml: HTTP 404") as caught:
        fetch(settings, feed_server.url("/missing.xml"))
    assert caught.value.status == 404


def test_gzip_body_is_decompressed(settings: Settings, feed_server: FeedServer) -> None:
    feed_server.routes["/rss.gz"] = Route(body=gzip.compress(FEED), headers={"Content-Encoding": "gzip"})
    assert fetch(settings, feed_server.url("/rss.gz")).body == FEED


def test_raw_deflate_body_is_decompressed(settings: Settings, feed_server: FeedServer) -> None:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw_deflate = compressor.compress(FEED) + compressor.flush()
    feed_server.routes["/rss.z"] = Route(body=raw_deflate, headers={"Content-Encoding": "deflate"})
    assert fetch(settings, feed_server.url("/rss.z")).body == FEED


def test_too_large_body_is_refused(settings: Settings, feed_server: FeedServer) -> None:
    small = settings.model_copy(update={"fetch_max_bytes": 2048})
    feed_server.routes["/big"] = Route(body=b"<rss>" + b" " * 5000 + b"</rss>")
    with pytest.raises(FeedTooBig, match="/big"):
        fetch(small, feed_server.url("/big"))


def test_gzip_bomb_is_refused_on_decompressed_size(settings: Settings, feed_server: FeedServer) -> None:
    small = settings.model_copy(update={"fetch_max_bytes": 100_000})
    bomb = gzip.compress(b"\0" * 10_000_000)  # about 10 kB on the wire, 10 MB unpacked
    assert len(bomb) < small.fetch_max_bytes
    feed_server.routes["/bomb"] = Route(body=bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(FeedTooBig, match="once decompressed"):
        fetch(small, feed_server.url("/bomb"))


def test_endless_body_without_length_is_cut_at_the_cap(settings: Settings, rude_server: str) -> None:
    small = settings.model_copy(update={"fetch_max_bytes": 100_000})
    with pytest.raises(FeedTooBig):
        fetch(small, rude_server + "/endless")


def test_server_that_never_answers_times_out(settings: Settings, rude_server: str) -> None:
    quick = settings.model_copy(update={"fetch_timeout_seconds": 0.3})
    with pytest.raises(FeedTimeout, match="/silent"):
        fetch(quick, rude_server + "/silent")


def test_server_trickling_bytes_is_cut_off(settings: Settings, rude_server: str) -> None:
    quick = settings.model_copy(update={"fetch_timeout_seconds": 0.3})
    with pytest.raises(FeedTimeout, match="too long"):
        fetch(quick, rude_server + "/trickle")


def test_server_that_stalls_mid_body_times_out(settings: Settings, rude_server: str) -> None:
    quick = settings.model_copy(update={"fetch_timeout_seconds": 0.3})
    with pytest.raises(FeedTimeout, match="/stall"):
        fetch(quick, rude_server + "/stall")


def test_retry_after_is_reported_with_the_error(settings: Settings, feed_server: FeedServer) -> None:
    feed_server.routes["/busy"] = Route(status=429, headers={"Retry-After": "7200"})
    with pytest.raises(FeedHTTPError) as caught:
        fetch(settings, feed_server.url("/busy"))
    assert (caught.value.status, caught.value.retry_after) == (429, 7200)


def test_redirect_is_followed_and_final_url_reported(settings: Settings, feed_server: FeedServer) -> None:
    feed_server.routes["/old.xml"] = Route(status=301, headers={"Location": "/new.xml"})
    feed_server.routes["/new.xml"] = Route(body=FEED)
    result = fetch(settings, feed_server.url("/old.xml"))
    assert result.body == FEED
    assert result.url == feed_server.url("/old.xml")
    assert result.final_url == feed_server.url("/new.xml")


def test_redirect_loop_is_refused(settings: Settings, feed_server: FeedServer) -> None:
    feed_server.routes["/a"] = Route(status=302, headers={"Location": "/b"})
    feed_server.routes["/b"] = Route(status=302, headers={"Location": "/a"})
    with pytest.raises(TooManyRedirects, match="loop"):
        fetch(settings, feed_server.url("/a"))
    assert len(feed_server.requests) == 2


def test_redirect_chain_longer_than_the_cap_is_refused(settings: Settings, feed_server: FeedServer) -> None:
    capped = settings.model_copy(update={"fetch_max_redirects": 2})
    for hop in range(5):
        feed_server.routes[f"/hop{hop}"] = Route(status=307, headers={"Location": f"/hop{hop + 1}"})
    with pytest.raises(TooManyRedirects, match="more than 2 redirects"):
        fetch(capped, feed_server.url("/hop0"))
    assert len(feed_server.requests) == 3


def test_redirect_to_a_file_url_is_refused(settings: Settings, feed_server: FeedServer) -> None:
    feed_server.routes["/sneaky"] = Route(status=302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(UnsupportedFeedURL):
        fetch(settings, feed_server.url("/sneaky"))


def test_private_address_is_refused_before_any_request(settings: Settings, feed_server: FeedServer) -> None:
    strict = settings.model_copy(update={"allow_private_feeds": False})
    feed_server.routes["/rss"] = Route(body=FEED)
    with pytest.raises(PrivateAddressRefused, match=r"127.0.0.1.*loopback"):
        fetch(strict, feed_server.url("/rss"))
    assert feed_server.requests == []


def test_redirect_to_the_metadata_address_is_refused(settings: Settings, feed_server: FeedServer,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    strict = settings.model_copy(update={"allow_private_feeds": False})
    # Pretend the local test server is a public host, so only the redirect's target is private.
    real = addresses.refusal_kind
    monkeypatch.setattr(addresses, "refusal_kind", lambda a: None if a == "127.0.0.1" else real(a))
    feed_server.routes["/rss"] = Route(status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    with pytest.raises(PrivateAddressRefused, match=r"169.254.169.254.*cloud metadata"):
        fetch(strict, feed_server.url("/rss"))
    assert len(feed_server.requests) == 1


def test_the_demo_setting_does_not_follow_a_redirect_to_the_metadata_address(settings: Settings,
                                                                           feed_server: FeedServer) -> None:
    assert settings.allow_private_feeds  # the local test server itself is allowed
    feed_server.routes["/rss"] = Route(status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    with pytest.raises(PrivateAddressRefused, match=r"169.254.169.254.*cloud metadata") as refused:
        fetch(settings, feed_server.url("/rss"))
    assert "ALLOW_PRIVATE_FEEDS" not in str(refused.value)
    assert len(feed_server.requests) == 1


def test_dns_rebinding_after_the_check_is_refused_at_connect(settings: Settings, feed_server: FeedServer) -> None:
    strict = settings.model_copy(update={"allow_private_feeds": False})
    answers = iter([["93.184.215.14"], ["127.0.0.1"]])  # public when added, loopback when fetched
    resolve = lambda host, port: next(answers)  # noqa: E731
    url = f"http://feeds.rebind.example:{feed_server.port}/rss"
    addresses.check_feed_url(url, allow_private=False, resolve=resolve)
    with build_client(strict, resolve=resolve) as client, pytest.raises(PrivateAddressRefused, match="rebind"):
        fetch_feed(client, url, strict)
    assert feed_server.requests == []


def test_connections_go_to_the_address_the_guard_resolved(settings: Settings, feed_server: FeedServer) -> None:
    feed_server.routes["/rss"] = Route(body=FEED)
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]

    with build_client(settings, resolve=resolve) as client:
        result = fetch_feed(client, f"http://feeds.harbour.example:{feed_server.port}/rss", settings)
    assert result.body == FEED
    assert asked == ["feeds.harbour.example"]
    assert feed_server.requests[0][2]["Host"] == f"feeds.harbour.example:{feed_server.port}"


def test_closed_port_is_a_connection_error(settings: Settings) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FeedConnectionError, match=str(port)):
        fetch(settings, f"http://127.0.0.1:{port}/rss")


def test_untrusted_certificate_is_a_connection_error(settings: Settings, tls_server: tuple[int, Path]) -> None:
    port, _certificate = tls_server
    with pytest.raises(FeedConnectionError, match="CERTIFICATE_VERIFY_FAILED"):
        fetch(settings, f"https://127.0.0.1:{port}/rss")


def test_https_checks_the_certificate_against_the_name_not_the_address(settings: Settings,
                                                                       tls_server: tuple[int, Path]) -> None:
    port, certificate = tls_server
    trusted = ssl.create_default_context(cafile=str(certificate))
    with build_client(settings, resolve=lambda host, p: ["127.0.0.1"], ssl_context=trusted) as client:
        assert fetch_feed(client, f"https://feeds.harbour.example:{port}/rss", settings).body == FEED
        with pytest.raises(FeedConnectionError, match="CERTIFICATE_VERIFY_FAILED"):
            fetch_feed(client, f"https://other.harbour.example:{port}/rss", settings)


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """An HTTPS server on 127.0.0.1 (its port, and its self-signed certificate for feeds.harbour.example)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=feeds.harbour.example",
                    "-addext", "subjectAltName=DNS:feeds.harbour.example"],
                   check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(FEED)))
            self.end_headers()
            self.wfile.write(FEED)

        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield httpd.server_address[1], cert
    httpd.shutdown()
    httpd.server_close()


# --- a server that misbehaves on purpose ------------------------------------------------------------------


@pytest.fixture
def rude_server() -> Iterator[str]:
    """127.0.0.1 server: /endless never ends, /silent never answers, /stall stops mid-body, /trickle drips."""
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            try:
                if self.path == "/silent":
                    stop.wait(5)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Connection", "close")
                self.end_headers()
                if self.path == "/endless":
                    chunk = b"<item>" + b"x" * 8192 + b"</item>"
                    for _ in range(10_000):
                        self.wfile.write(chunk)
                elif self.path == "/stall":
                    self.wfile.write(b"<rss>")
                    self.wfile.flush()
                    stop.wait(5)
                elif self.path == "/trickle":
                    for byte in b"<rss>" + b" " * 200:
                        if stop.is_set():
                            return
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(0.05)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    stop.set()
    httpd.shutdown()
    httpd.server_close()


LAST_MODIFIED = "Thu, 26 Nov 2026 08:30:00 GMT"
FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Lissa Foreign Office</title>'
    b"<item><title>Kovar meets Reyes</title><link>https://lissa-fo.example/news/1</link></item>"
    b"</channel></rss>"
)



def test_a_server_dripping_header_lines_is_given_up_at_the_overall_deadline(settings: Settings,
                                                                           slow_header_server: str) -> None:
    # Each header line comes well within the read timeout; only the overall deadline can end this fetch.
    quick = settings.model_copy(update={"fetch_timeout_seconds": 0.5})
    with pytest.raises(FeedTimeout, match=r"too long: the whole fetch may take 1.5 s") as timed_out:
        fetch(quick, slow_header_server + "/feed")
    assert "/feed" in str(timed_out.value)
