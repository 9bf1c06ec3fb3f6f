import pytest

from bot.feeds.addresses import (
    PrivateAddressRefused,
    UnresolvedFeedHost,
    UnsupportedFeedURL,
    check_feed_url,
    refusal_kind,
)


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("172.31.255.254", "private"),
        ("192.168.1.20", "private"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("169.254.10.10", "link-local"),
        ("fe80::1", "link-local"),
        ("169.254.169.254", "cloud metadata"),
        ("fd00:ec2::254", "cloud metadata"),
        ("100.100.100.200", "cloud metadata"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("100.64.0.1", "shared (carrier NAT)"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped IPv6
        ("::ffff:10.0.0.1", "private"),
        ("64:ff9b::a9fe:a9fe", "cloud metadata"),  # NAT64 of 169.254.169.254
        ("2002:c0a8:0101::1", "private"),  # 6to4 of 192.168.1.1
    ],
)
def test_non_public_addresses_are_refused(address: str, kind: str) -> None:
    assert refusal_kind(address) == kind


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "172.32.0.1"])
def test_public_addresses_pass(address: str) -> None:
    assert refusal_kind(address) is None


def fake_dns(answers: dict[str, list[str]]):
    return lambda host, port: answers[host]


def test_a_name_resolving_to_metadata_is_refused_with_the_url_named() -> None:
    resolve = fake_dns({"news.rebind.example": ["169.254.169.254"]})
    with pytest.raises(PrivateAddressRefused, match=r"https://news.rebind.example/feed.*169.254.169.254"):
        check_feed_url("https://news.rebind.example/feed", allow_private=False, resolve=resolve)


def test_one_private_answer_among_public_ones_is_enough_to_refuse() -> None:
    resolve = fake_dns({"wire.example": ["93.184.215.14", "10.0.0.7"]})
    with pytest.raises(PrivateAddressRefused):
        check_feed_url("http://wire.example/rss", allow_private=False, resolve=resolve)


def test_literal_private_addresses_are_refused_without_dns() -> None:
    with pytest.raises(PrivateAddressRefused, match="loopback"):
        check_feed_url("http://127.0.0.1:8765/feed.xml", allow_private=False, resolve=fake_dns({}))
    with pytest.raises(PrivateAddressRefused):
        check_feed_url("http://[::1]/feed.xml", allow_private=False, resolve=fake_dns({}))


def test_public_names_pass() -> None:
    check_feed_url("https://wire.example/rss", allow_private=False, resolve=fake_dns({"wire.example": ["93.184.215.14"]}))


def test_the_setting_allows_the_demo_server() -> None:
    check_feed_url("http://127.0.0.1:8765/feed.xml", allow_private=True)


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://wire.example/rss", "gopher://x", "http:///nohost", "https://u:p@wire.example/"],
)
def test_only_plain_http_urls_can_be_feeds(url: str) -> None:
    with pytest.raises(UnsupportedFeedURL):
        check_feed_url(url, allow_private=True)


def test_a_name_that_does_not_resolve_is_refused_with_a_reason() -> None:
    def no_such_host(host: str, port: int) -> list[str]:
        raise OSError(f"cannot resolve {host}: Name or service not known")

    with pytest.raises(UnresolvedFeedHost, match="cannot resolve"):
        check_feed_url("https://wire.invalid/rss", allow_private=False, resolve=no_such_host)


@pytest.mark.parametrize("address", ["169.254.169.254", "fd00:ec2::254", "169.254.170.2", "100.100.100.200",
                                     "169.254.10.10", "fe80::1", "0.0.0.0", "224.0.0.1"])
def test_allowing_private_feeds_never_opens_metadata_or_link_local(address: str) -> None:
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(PrivateAddressRefused) as refused:
        check_feed_url(f"http://{host}/latest/meta-data/", allow_private=True)
    assert "ALLOW_PRIVATE_FEEDS" not in str(refused.value)  # the message must not suggest a way to open it
    assert "never fetched" in str(refused.value)


def test_the_private_refusal_names_the_setting_that_opens_it() -> None:
    with pytest.raises(PrivateAddressRefused, match="ALLOW_PRIVATE_FEEDS=true"):
        check_feed_url("http://10.0.0.7/rss", allow_private=False)
    check_feed_url("http://10.0.0.7/rss", allow_private=True)
