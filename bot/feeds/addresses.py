"""The address guard: feed URLs may not reach loopback, private, link-local or cloud-metadata addresses.

ALLOW_PRIVATE_FEEDS opens loopback and private ranges only (the demo's local server, an intranet feed);
cloud metadata, link-local, multicast, unspecified and reserved addresses are refused whatever the setting,
because no feed lives there and a metadata service hands out the host's credentials.

A user who can add a feed must not be able to make diplobot read its own host or network. The check runs
twice: on the URL before anything is fetched (`check_feed_url`, with a clear message for `/feeds add`), and on
the very address a connection is opened to (`bot.feeds.fetch` resolves once, checks, and connects to that
address), so neither a redirect nor a DNS answer that changes between the two (rebinding) gets through.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from bot.feeds.problems import AddressProblem

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Resolves a host name and port to the IP addresses (as text) a connection may use.
Resolver = Callable[[str, int], list[str]]

_SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")  # carrier NAT; Alibaba Cloud's metadata lives here
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_METADATA = {
    ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack
    ipaddress.ip_address("169.254.170.2"),  # AWS ECS task metadata
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
    ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
}


class FeedURLRefused(AddressProblem):
    """The feed URL may not be fetched."""


class UnsupportedFeedURL(FeedURLRefused):
    """Only http and https URLs with a host name can be feeds."""


class UnresolvedFeedHost(FeedURLRefused):
    """The feed's host name does not resolve."""


# The kinds ALLOW_PRIVATE_FEEDS may open; every other non-public kind is refused always.
OPENABLE_KINDS = frozenset({"loopback", "private", "shared (carrier NAT)"})


class PrivateAddressRefused(FeedURLRefused):
    """The feed URL leads to a loopback, private, link-local or metadata address."""

    def __init__(self, url: str, address: str, kind: str) -> None:
        if kind in OPENABLE_KINDS:
            hint = "set ALLOW_PRIVATE_FEEDS=true to allow loopback and private addresses"
        else:
            hint = "never fetched, whatever the settings"
        super().__init__(url, f"refused: {address} is a {kind} address ({hint})")
        self.address = address
        self.kind = kind


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address hidden in an IPv4-mapped, 6to4 or NAT64 IPv6 address, if any."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal_kind(address: str | IPAddress) -> str | None:
    """Why this address may not be fetched ("loopback", "private", ...), or None when it is public."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        return refusal_kind(embedded)
    if ip in _METADATA:
        return "cloud metadata"
    if ip.is_loopback:
        return "loopback"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_private:
        return "private"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED_ADDRESS_SPACE:
        return "shared (carrier NAT)"
    if ip.is_reserved or not ip.is_global:
        return "reserved"
    return None


def resolve_host(host: str, port: int) -> list[str]:
    """Every address `host` resolves to, in the resolver's order, without duplicates."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise OSError(f"cannot resolve {host}: {exc}") from exc
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def checked_addresses(host: str, port: int, *, allow_private: bool, resolve: Resolver = resolve_host,
                      url: str | None = None) -> list[str]:
    """Resolve `host` and refuse it when any of its addresses is not public.

    `allow_private` lets loopback and private addresses through, never metadata or link-local ones.
    All addresses are checked, not just the first: a name with one public and one private answer is refused.
    """
    host = host.strip("[]")
    try:
        addresses = [str(ipaddress.ip_address(host.split("%")[0]))]
    except ValueError:
        addresses = resolve(host, port)
    for address in addresses:
        kind = refusal_kind(address.split("%")[0])
        if kind is not None and not (allow_private and kind in OPENABLE_KINDS):
            raise PrivateAddressRefused(url or host, address, kind)
    return addresses


def url_host_port(url: str) -> tuple[str, int]:
    """Host and port of an http(s) URL; `UnsupportedFeedURL` for anything else."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UnsupportedFeedURL(url, f"not a valid URL ({exc})") from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise UnsupportedFeedURL(url, "only http:// and https:// feeds are supported")
    if not parts.hostname:
        raise UnsupportedFeedURL(url, "the URL has no host name")
    if parts.username or parts.password:
        raise UnsupportedFeedURL(url, "credentials in feed URLs are not supported")
    return parts.hostname, port or (443 if parts.scheme.lower() == "https" else 80)


def check_feed_url(url: str, *, allow_private: bool, resolve: Resolver = resolve_host) -> None:
    """Refuse a feed URL that is not http(s) or that resolves to a non-public address.

    Call it before storing a user-added feed; fetching checks again at every connection.
    Raises `UnsupportedFeedURL`, `PrivateAddressRefused` or `UnresolvedFeedHost`, all `FeedURLRefused`.
    """
    host, port = url_host_port(url)
    try:
        checked_addresses(host, port, allow_private=allow_private, resolve=resolve, url=url)
    except OSError as exc:
        if allow_private:
            return  # a name only the private network resolves: the fetch checks it again on connect
        raise UnresolvedFeedHost(url, str(exc)) from exc
