"""How a channel's due stories become messages: pure, no Slack, no database, no clock.

A daily channel gets, at its time, one digest of every due story. In the channel's "compact" layout (the
default) that is one message: the most important stories first, one short entry each with a "Details" button,
at most ten before "Show more". In the "full" layout every story shows its summary, quote and deadlines,
newest first, in several messages when Block Kit limits need them. An "asap" channel gets a story that comes
alone as its own message with a thread reply holding all its quotes, and stories due together in balanced
batches of at most `BATCH_STORIES` per message (7 go as 4 + 3), compact or full as the channel's layout says.
Digests and batches carry no quotes threads.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.domain.stories import Story
from bot.domain.topics import Topic
from bot.slack.blocks import SlackMessage
from bot.slack.digest import build_digest, by_importance, compact_digest, quotes_reply, story_message

# The metadata our messages carry, so the poster can find them again in the channel's history.
STORY_EVENT = "diplobot_story"  # one story: {"story_id": id}
DIGEST_EVENT = "diplobot_digest"  # several stories: {"story_ids": [id, ...]}
QUOTES_EVENT = "diplobot_story_quotes"  # the quotes thread under a one-story message: {"story_id": id}
REMINDER_EVENT = "diplobot_deadline_reminder"

# "asap" channels: stories due together share a message, at most this many to one message.
BATCH_STORIES = 5
# Daily channels: at most this many stories in one pass's digest (the rest follow in the next pass).
DIGEST_MOST = 200


@dataclass(frozen=True)
class MessagePlan:
    """One message to post: the stories it shows, in order, and for a lone story its quotes thread reply."""

    stories: tuple[Story, ...]
    message: SlackMessage
    digest: bool  # a digest or batch message (DIGEST_EVENT); otherwise one story's own message (STORY_EVENT)
    reply: SlackMessage | None = None

    @property
    def story_ids(self) -> list[int]:
        return [story.id for story in self.stories]

    @property
    def metadata(self) -> dict[str, Any]:
        """The message metadata that names the stories shown, as `story_ids_listed` reads it back."""
        if self.digest:
            return {"event_type": DIGEST_EVENT, "event_payload": {"story_ids": self.story_ids}}
        return {"event_type": STORY_EVENT, "event_payload": {"story_id": self.stories[0].id}}


def quotes_metadata(story_id: int) -> dict[str, Any]:
    """The metadata of a story's quotes thread reply."""
    return {"event_type": QUOTES_EVENT, "event_payload": {"story_id": story_id}}


def story_ids_listed(message: dict[str, Any]) -> list[int]:
    """The story ids a Slack message of ours shows, read from its metadata (story or digest); [] for others."""
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    try:
        if metadata.get("event_type") == STORY_EVENT:
            return [int(payload["story_id"])]
        if metadata.get("event_type") == DIGEST_EVENT:
            return [int(story_id) for story_id in payload.get("story_ids") or []]
    except (KeyError, TypeError, ValueError):
        pass
    return []


def metadata_number(message: dict[str, Any], event_type: str, name: str) -> int | None:
    """The number `name` in the metadata payload of a Slack message of ours of `event_type`; None otherwise."""
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != event_type:
        return None
    try:
        return int((metadata.get("event_payload") or {})[name])
    except (KeyError, TypeError, ValueError):
        return None


def quotes_reply_of(message: dict[str, Any]) -> int | None:
    """The story id whose quotes a Slack thread reply of ours holds; None for other messages."""
    return metadata_number(message, QUOTES_EVENT, "story_id")


def story_plan(story: Story) -> MessagePlan:
    """A story's own message and, when it has quotes to show, their thread reply."""
    return MessagePlan((story,), story_message(story), digest=False, reply=quotes_reply(story))


def batch_sizes(count: int, most: int = BATCH_STORIES) -> list[int]:
    """Balanced batch sizes of at most `most`, differing by one at most: 7 go as 4 + 3, 6 as 3 + 3, 21 as
    5 + 4 + 4 + 4 + 4 (never 5 + a lone 1)."""
    if count <= 0:
        return []
    batches = -(-count // most)
    size, larger = divmod(count, batches)
    return [size + 1 if n < larger else size for n in range(batches)]


def digest_plans(stories: Sequence[Story], title: str, *, layout: str = "full",
                 topics: Sequence[Topic] = ()) -> list[MessagePlan]:
    """The stories as one digest message ("compact": most important first, the rest behind "Show more"), or as
    full stories in the given order, in several messages when Block Kit limits need them ("full")."""
    by_id = {story.id: story for story in stories}
    if layout == "compact":
        messages = [compact_digest(by_importance(stories, topics), title=title)]
    else:
        messages = build_digest(list(stories), title=title)
    return [MessagePlan(tuple(by_id[sid] for sid in message.story_ids), message, digest=True)
            for message in messages]


def plan_messages(stories: Sequence[Story], *, digest_day: date | None, alone: Collection[int] = (),
                  layout: str = "compact", topics: Sequence[Topic] = ()) -> list[MessagePlan]:
    """The messages that show a channel's due stories, each story in exactly one.

    Args:
        stories: the channel's due stories, in any order.
        digest_day: the channel's own date when it takes a daily digest; None for an "asap" channel.
        alone: ids of stories Slack refused inside a batch: each goes as its own message from then on.
        layout: the channel's layout, "compact" or "full".
        topics: the channel's topics (a story whose headline names one ranks higher in a compact digest).
    """
    newest_first = sorted(stories, key=lambda story: (story.published, story.id), reverse=True)
    plans = [story_plan(story) for story in newest_first if story.id in alone]
    rest = [story for story in newest_first if story.id not in alone]
    if not rest:
        return plans
    if digest_day is not None:
        return plans + digest_plans(rest, f"Daily digest, {digest_day:%d %b %Y}", layout=layout, topics=topics)
    if len(rest) == 1:
        return plans + [story_plan(rest[0])]
    start = 0
    for size in batch_sizes(len(rest)):
        plans += digest_plans(rest[start:start + size], "New stories", layout=layout, topics=topics)
        start += size
    return plans
