"""What every command shares: who asked (`CommandContext`), words it cannot read (`UsageError`), a plain reply."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.slack.blocks import SlackMessage, section


class UsageError(ValueError):
    """The command's words could not be understood; the message says how to write them."""


@dataclass
class CommandContext:
    """Who asked, where, and when: everything a command needs from Slack besides its words."""

    team_id: str = "local"
    channel_id: str = "demo"
    user_id: str = "local"
    is_admin: bool = False
    timezone: str | None = None  # the asking user's IANA time zone, when Slack told us
    now: datetime = field(default_factory=lambda: datetime.now(UTC))


def plain_answer(text: str) -> SlackMessage:
    """A one-paragraph reply; `text` is our own mrkdwn (escape anything from a feed before)."""
    return SlackMessage(text=text, blocks=[section(text)])
