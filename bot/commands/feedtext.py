"""Feed-derived strings made safe for mrkdwn: the one door through which commands put feed text in blocks."""

from __future__ import annotations

import re

_UNSAFE_URL = re.compile(r"[\s<>|`]")


def safe(text: str | None) -> str:
    """Feed text as inert mrkdwn: no mentions, links or formatting survive."""
    return _escape(text or "")


def link(url: str | None, text: str | None) -> str:
    """A mrkdwn link to a feed URL with escaped text; just the text when the URL is not plain http(s)."""
    label = safe(text) or safe(url)
    if not url or not url.lower().startswith(("http://", "https://")) or _UNSAFE_URL.search(url):
        return label
    return f"<{url.replace('&', '&amp;')}|{label}>"


def _escape(text: str) -> str:
    try:
        from bot.mrkdwn import escape
    except ImportError:  # bot/mrkdwn.py lands with the delivery half; until then escape the essentials
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return re.sub(r"([*_~`])", "\u200b\\1\u200b", text)
    return escape(text)
