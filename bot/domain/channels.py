"""Delivery records: a channel and its schedule, a topic subscription, and one delivery for the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.schedule import DeliverySchedule
from bot.domain.topics import Topic

# Slack errors that pause one channel (the poster stores the error as the reason); subscribing resumes them.
CHANNEL_ERRORS = frozenset({"channel_not_found", "not_in_channel", "is_archived", "channel_is_archived"})


@dataclass
class Channel:
    team_id: str
    channel_id: str
    schedule: DeliverySchedule
    timezone: str
    paused: bool
    paused_reason: str | None
    layout: str = "compact"  # how its digests look: "compact" (one line per story) or "full"
    weekly_chart: bool = False  # a coverage chart with the Monday digest


@dataclass
class Subscription:
    id: int
    team_id: str
    channel_id: str
    topic: Topic
    created_by: str | None
    created_at: datetime

    @property
    def text(self) -> str:
        return self.topic.text


@dataclass(frozen=True)
class Delivery:
    """Stories to queue for one channel, none before `not_before` (None: as soon as possible)."""

    team_id: str
    channel_id: str
    story_ids: tuple[int, ...]
    not_before: datetime | None = None
