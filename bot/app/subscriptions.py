"""Delivery use cases: subscribing a channel, changing its schedule, and queueing new stories for channels.

The rules (which channel gets which story and when) are pure functions in `bot.domain.routing`; these
functions read what the rules need from storage and write what they decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain import routing
from bot.domain.channels import Channel, Subscription
from bot.domain.schedule import DeliverySchedule, next_delivery, zone
from bot.domain.stories import Story
from bot.domain.topics import Topic
from bot.storage import Database
from bot.storage.delivery import (
    add_subscription,
    enqueue,
    enqueue_deliveries,
    get_channel,
    list_channels,
    list_subscriptions,
    set_schedule,
    unpause_channel,
)
from bot.storage.stories import load_stories

# How many recent stories a new subscription looks through for its back-fill.
BACKFILL_WINDOW = 200


@dataclass
class SubscribeResult:
    subscription: Subscription
    created: bool  # False when the channel already had this topic
    backfilled: int  # stories queued for the channel right away
    resumed: bool = False  # the channel had been paused by a channel error and delivers again


def enqueue_stories(db: Database, stories: Sequence[Story], *, now: datetime) -> int:
    """Queue newly stored stories for every channel with a matching subscription, timed by its schedule.

    Paused channels get nothing. Calling this again with the same stories adds nothing.
    """
    if not stories:
        return 0
    deliveries = routing.route_stories(stories, list_subscriptions(db), list_channels(db), now)
    return enqueue_deliveries(db, deliveries, now=now)


def backfill_subscription(db: Database, subscription: Subscription, *, limit: int, now: datetime,
                          stories: Sequence[Story] | None = None) -> int:
    """Queue at most `limit` of the newest stories matching a new subscription, to go out now.

    Args:
        subscription: the subscription just made.
        limit: `settings.backfill_stories`; 0 turns back-fill off.
        stories: candidates; by default the newest stored stories.
    """
    if limit <= 0:
        return 0
    if stories is None:
        stories = load_stories(db, limit=BACKFILL_WINDOW)
    return enqueue(db, subscription.team_id, subscription.channel_id, routing.backfill(stories, subscription.topic, limit),
                   now=now, not_before=now)


def subscribe(db: Database, team_id: str, channel_id: str, topic: str | Topic, *, created_by: str | None,
              now: datetime, backfill: int, stories: Sequence[Story] | None = None) -> SubscribeResult:
    """`/subscribe`: add the topic and, when it is new, back-fill at most `backfill` recent stories.

    Also resumes a channel paused by a channel error such as `not_in_channel`.
    Raises `InvalidTopic` with a message fit for the user.
    """
    subscription, created = add_subscription(db, team_id, channel_id, topic, created_by=created_by, now=now)
    channel = get_channel(db, team_id, channel_id)
    resumed = False
    if routing.resumes_on_subscribe(channel):
        # Someone works with this channel again (after inviting diplobot back): try delivering again.
        unpause_channel(db, team_id, channel_id, keep_latest=backfill, now=now)
        channel, resumed = get_channel(db, team_id, channel_id), True
    queued = 0
    if created and channel is not None and not channel.paused:
        queued = backfill_subscription(db, subscription, limit=backfill, now=now, stories=stories)
    return SubscribeResult(subscription, created, queued, resumed)


def change_schedule(db: Database, team_id: str, channel_id: str, schedule: DeliverySchedule,
                    timezone: str | None = None, *, now: datetime) -> Channel:
    """Change when a channel gets its stories (in `timezone`, else its own); its pending stories move to the
    schedule's next time. Raises `InvalidSchedule` for an unknown time zone."""
    if timezone:
        timezone = zone(timezone).key
    else:
        known = get_channel(db, team_id, channel_id)
        timezone = known.timezone if known is not None else "UTC"
    return set_schedule(db, team_id, channel_id, schedule, timezone, now=now,
                        pending_not_before=next_delivery(schedule, timezone, now))
