"""What went wrong with a feed or article address: the base of the feed package's errors."""

from __future__ import annotations


class AddressProblem(Exception):
    """Something about a URL went wrong: `url` names it, `reason` says what (the message is "url: reason")."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
