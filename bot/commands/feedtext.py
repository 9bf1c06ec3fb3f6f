"""Feed-derived strings made safe for mrkdwn: the one door through which commands put feed text in blocks."""

from __future__ import annotations

from bot.mrkdwn import escape
from bot.mrkdwn import link as _link

MAX_LABEL_CHARS = 300


def safe(text: str | None) -> str:
    """Feed text as inert mrkdwn: no mention, link or markup in it survives (`bot.mrkdwn.escape`)."""
    return escape(text)


def link(url: str | None, text: str | None) -> str:
    """`<url|text>` for a plain http(s) feed URL with the text escaped; just the text otherwise."""
    return _link(url, text, MAX_LABEL_CHARS)
