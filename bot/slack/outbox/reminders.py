"""Deadline reminders: which running channel is told about which deadlines coming due. Pure: records in,
messages out; the poster loads the records and posts the messages."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain.channels import Channel, Subscription
from bot.domain.schedule import zone
from bot.domain.stories import Story
from bot.domain.topics import Topic
from bot.slack.blocks import SlackMessage
from bot.slack.digest import choose_stories, deadline_reminder, upcoming_deadlines


@dataclass(frozen=True)
class Reminder:
    """One reminder message for one channel."""

    team_id: str
    channel_id: str
    message: SlackMessage


def deadline_reminders(stories: Sequence[Story], channels: Iterable[Channel],
                       subscriptions: Iterable[Subscription], *, now: datetime, days: int = 7) -> list[Reminder]:
    """For every running subscribed channel with deadlines of its stories due within `days` days, its reminder.

    "Today" is the channel's own date at `now`.
    """
    by_key = {(c.team_id, c.channel_id): c for c in channels}
    topics: dict[tuple[str, str], list[Topic]] = {}
    for sub in subscriptions:
        topics.setdefault((sub.team_id, sub.channel_id), []).append(sub.topic)
    reminders = []
    for (team_id, channel_id), channel_topics in topics.items():
        channel = by_key.get((team_id, channel_id))
        if channel is None or channel.paused:
            continue
        today = now.astimezone(zone(channel.timezone)).date()
        items = upcoming_deadlines(choose_stories(stories, channel_topics), today=today, days=days)
        message = deadline_reminder(items, today=today, days=days)
        if message is not None:
            reminders.append(Reminder(team_id, channel_id, message))
    return reminders
