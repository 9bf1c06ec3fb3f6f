"""What a command hands back (an `Answer`: Block Kit plus fallback text), who asked, and small block builders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.slack.mrkdwn import plain

MAX_SECTION_CHARS = 2900  # Slack allows 3,000 characters in a section's text
MAX_BLOCKS = 50


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


@dataclass
class Answer:
    """A command's reply: Block Kit blocks and the plain text shown in notifications and terminals."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    public: bool = False
    replace_original: bool = False
    followups: list[Answer] = field(default_factory=list)  # further messages when one is not enough

    def as_message(self) -> dict[str, Any]:
        """The body for a response_url (Bolt's `respond(**answer.as_message())`)."""
        message: dict[str, Any] = {"text": self.text, "blocks": self.blocks[:MAX_BLOCKS],
                                   "response_type": "in_channel" if self.public else "ephemeral"}
        if self.replace_original:
            message["replace_original"] = True
        return message

    def messages(self) -> list[Answer]:
        """This answer and its follow-ups, each sent as its own message with the same visibility."""
        for followup in self.followups:
            followup.public = self.public
        return [self, *self.followups]


def clip(text: str, limit: int = MAX_SECTION_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def section(mrkdwn: str, accessory: dict[str, Any] | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": clip(mrkdwn)}}
    if accessory:
        block["accessory"] = accessory
    return block


def header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": plain(text, 150), "emoji": True}}


def context(*mrkdwn: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(m)} for m in mrkdwn if m][:10]}


def divider() -> dict[str, Any]:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "text": {"type": "plain_text", "text": plain(text, 75)},
                               "action_id": action_id, "value": value[:2000]}
    if style:
        element["style"] = style
    return element


def actions(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "actions", "elements": list(elements)[:25]}


def plain_answer(text: str) -> Answer:
    """A one-paragraph answer; `text` is our own mrkdwn (escape anything from a feed before)."""
    return Answer(text=text, blocks=[section(text)])
