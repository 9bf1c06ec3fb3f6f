"""Feed- and user-derived strings made safe for Slack: the one door through which commands put such text in
blocks (`safe`, `code`, `link`) and in an answer's plain fallback `text` (`fallback`)."""

from __future__ import annotations

from bot.slack.blocks import MAX_TEXT_CHARS
from bot.slack.mrkdwn import code as _code
from bot.slack.mrkdwn import escape, escape_within, truncate
from bot.slack.mrkdwn import link as _link

MAX_LABEL_CHARS = 300
MAX_CODE_CHARS = 1000


def safe(text: str | None) -> str:
    """Feed text as inert mrkdwn: no mention, link or markup in it survives (`bot.slack.mrkdwn.escape`)."""
    return escape(text)


def code(text: str | None) -> str:
    """Feed or user text (a URL, a topic) as an inline code span, shown verbatim and copyable."""
    return _code(truncate(text or "", MAX_CODE_CHARS))


def link(url: str | None, text: str | None) -> str:
    """`<url|text>` for a plain http(s) feed URL with the text escaped; just the text otherwise."""
    return _link(url, text, MAX_LABEL_CHARS)


def fallback(text: str) -> str:
    """An answer's plain `text` (notifications, shared posts) written from raw pieces: escaped whole and cut.

    Slack reads this text as mrkdwn too, so it gets the same escaping as the blocks; write no markup into it.
    """
    return escape_within(text, MAX_TEXT_CHARS)
