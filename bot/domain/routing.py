"""Which channel gets which story, and when: pure rules over stories, subscriptions and channels."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from bot.domain.channels import CHANNEL_ERRORS, Channel, Delivery, Subscription
from bot.domain.schedule import ASAP, next_delivery
from bot.domain.stories import Story
from bot.domain.topics import Topic, story_matches


def route_stories(stories: Sequence[Story], subscriptions: Iterable[Subscription], channels: Iterable[Channel],
                  now: datetime) -> list[Delivery]:
    """New stories for every channel with a matching subscription, timed by the channel's schedule.

    Paused channels get nothing; a channel without a record (never configured) gets its stories at once.
    Each channel appears once, its stories in the order given and without repeats.
    """
    known = {(c.team_id, c.channel_id): c for c in channels}
    wanted: dict[tuple[str, str], dict[int, None]] = {}
    for sub in subscriptions:
        key = (sub.team_id, sub.channel_id)
        channel = known.get(key)
        if channel is not None and channel.paused:
            continue
        for story in stories:
            if story_matches(story, sub.topic):
                wanted.setdefault(key, {})[story.id] = None
    deliveries = []
    for (team_id, channel_id), story_ids in wanted.items():
        channel = known.get((team_id, channel_id))
        due = None
        if channel is not None and channel.schedule != ASAP:
            due = next_delivery(channel.schedule, channel.timezone, now)
        deliveries.append(Delivery(team_id, channel_id, tuple(story_ids), due))
    return deliveries


def backfill(stories: Iterable[Story], topic: Topic, limit: int) -> list[int]:
    """The ids of at most `limit` of the newest stories matching a new subscription, oldest first (the order the
    channel reads them in); none when `limit` is 0."""
    if limit <= 0:
        return []
    matching = sorted((s for s in stories if story_matches(s, topic)),
                      key=lambda s: (s.published, s.id), reverse=True)[:limit]
    return [s.id for s in reversed(matching)]


def resumes_on_subscribe(channel: Channel | None) -> bool:
    """A channel paused by a channel error (diplobot was removed, the channel archived) delivers again when
    someone subscribes there: they work with it again. A workspace-wide pause (token refused) stays."""
    return channel is not None and channel.paused and channel.paused_reason in CHANNEL_ERRORS
