"""The one Block Kit toolkit: Slack's limits, block builders that respect them, and the message record.

Builders take finished mrkdwn (escape feed text with `bot.slack.mrkdwn` first) and cut it with
`bot.slack.mrkdwn.truncate`, which never splits an escape, a link or a word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.slack.mrkdwn import plain, truncate

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_HEADER_CHARS = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_BUTTON_CHARS = 75
MAX_BUTTON_VALUE_CHARS = 2000
MAX_ACTION_ELEMENTS = 25
MAX_TEXT_CHARS = 3000  # a message's plain `text` fallback: notifications show little of it anyway
# Slack rejects very large block payloads (msg_blocks_too_long) well before 50 full sections.
MAX_MESSAGE_CHARS = 12000
MAX_MODAL_BLOCKS = 100
MAX_MODAL_TITLE_CHARS = 24

Block = dict[str, Any]


@dataclass(frozen=True)
class SlackFile:
    """A file an answer uploads with `files_upload_v2` (a chart): its bytes, name, title and the alt text that
    describes it to people who cannot see it."""

    filename: str
    content: bytes
    title: str
    alt_text: str


@dataclass
class SlackMessage:
    """One Slack message: its plain-text fallback and blocks, the stories it shows, and how it is sent.

    `story_ids` matter to the poster (which outbox rows a post covers); `public`, `replace_original` and
    `followups` to a command's reply through its response_url.
    """

    text: str
    blocks: list[Block] = field(default_factory=list)
    story_ids: list[int] = field(default_factory=list)
    public: bool = False  # a command's reply posted to the channel, not shown to the asker alone
    replace_original: bool = False
    followups: list[SlackMessage] = field(default_factory=list)  # further messages when one is not enough
    files: list[SlackFile] = field(default_factory=list)  # uploaded to the channel after the message

    def payload(self) -> dict[str, Any]:
        """Keyword arguments for chat.postMessage (without channel and metadata)."""
        return {"text": self.text, "blocks": self.blocks}

    def as_message(self) -> dict[str, Any]:
        """The body for a response_url (Bolt's `respond(**message.as_message())`)."""
        message: dict[str, Any] = {"text": self.text, "blocks": self.blocks[:MAX_BLOCKS],
                                   "response_type": "in_channel" if self.public else "ephemeral"}
        if self.replace_original:
            message["replace_original"] = True
        return message

    def messages(self) -> list[SlackMessage]:
        """This message and its follow-ups, each sent on its own with the same visibility."""
        for followup in self.followups:
            followup.public = self.public
        return [self, *self.followups]


def section(mrkdwn: str, accessory: Block | None = None) -> Block:
    """A mrkdwn section, cut to Slack's 3,000 characters at a safe place."""
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": truncate(mrkdwn, MAX_SECTION_CHARS)}}
    if accessory:
        block["accessory"] = accessory
    return block


def header(text: str) -> Block:
    """A header: plain text (shown as typed, not escaped), one line, at most 150 characters."""
    return {"type": "header", "text": {"type": "plain_text", "text": plain(text, MAX_HEADER_CHARS), "emoji": True}}


def context(*mrkdwn: str) -> Block:
    """A context line of up to ten small mrkdwn elements; empty texts are left out."""
    elements = [{"type": "mrkdwn", "text": truncate(m, MAX_SECTION_CHARS)} for m in mrkdwn if m]
    return {"type": "context", "elements": elements[:MAX_CONTEXT_ELEMENTS]}


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    """A button element; `value` comes back in the action payload (at most 2,000 characters)."""
    element: Block = {"type": "button", "text": {"type": "plain_text", "text": plain(text, MAX_BUTTON_CHARS)},
                      "action_id": action_id, "value": value[:MAX_BUTTON_VALUE_CHARS]}
    if style:
        element["style"] = style
    return element


def actions(*elements: Block) -> Block:
    return {"type": "actions", "elements": list(elements)[:MAX_ACTION_ELEMENTS]}


def modal(title: str, blocks: list[Block]) -> dict[str, Any]:
    """A `views.open` modal: a short plain title (24 characters) and at most 100 blocks."""
    return {"type": "modal", "title": {"type": "plain_text", "text": plain(title, MAX_MODAL_TITLE_CHARS)},
            "close": {"type": "plain_text", "text": "Close"}, "blocks": blocks[:MAX_MODAL_BLOCKS]}


def block_chars(block: Block) -> int:
    """The characters of text a block carries (what Slack's payload size limit counts)."""
    total = len(block.get("text", {}).get("text", ""))
    total += sum(len(e.get("text", "")) for e in block.get("elements", []))
    return total


def limit_problems(message: SlackMessage) -> list[str]:
    """Each Block Kit limit `message` breaks, as a readable line; empty when it respects them all."""
    problems = []
    if len(message.blocks) > MAX_BLOCKS:
        problems.append(f"{len(message.blocks)} blocks (max {MAX_BLOCKS})")
    if not message.text:
        problems.append("no fallback text")
    for index, block in enumerate(message.blocks):
        kind = block.get("type")
        if kind == "header" and len(block["text"]["text"]) > MAX_HEADER_CHARS:
            problems.append(f"block {index}: header of {len(block['text']['text'])} characters")
        if kind == "section" and len(block["text"]["text"]) > MAX_SECTION_CHARS:
            problems.append(f"block {index}: section of {len(block['text']['text'])} characters")
        if kind in ("section", "header") and not block["text"]["text"].strip():
            problems.append(f"block {index}: empty {kind} text")
        buttons = [block["accessory"]] if block.get("accessory", {}).get("type") == "button" else []
        if kind == "actions":
            if not block["elements"] or len(block["elements"]) > MAX_ACTION_ELEMENTS:
                problems.append(f"block {index}: actions with {len(block['elements'])} elements")
            buttons += [e for e in block["elements"] if e.get("type") == "button"]
        for element in buttons:
            label = element["text"]["text"]
            if not label.strip() or len(label) > MAX_BUTTON_CHARS:
                problems.append(f"block {index}: button text of {len(label)} characters")
            if len(element.get("value", "")) > MAX_BUTTON_VALUE_CHARS:
                problems.append(f"block {index}: button value of {len(element['value'])} characters")
        if kind == "context":
            if not block["elements"] or len(block["elements"]) > MAX_CONTEXT_ELEMENTS:
                problems.append(f"block {index}: context with {len(block['elements'])} elements")
            for element in block["elements"]:
                if not element.get("text", "").strip():
                    problems.append(f"block {index}: empty context element")
                if len(element.get("text", "")) > MAX_SECTION_CHARS:
                    problems.append(f"block {index}: context element of {len(element['text'])} characters")
    return problems
