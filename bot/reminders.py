"""Deadline reminders: once a day, each channel hears of its topics' deadlines due today, tomorrow or in a week."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.commands.deadlines import deadline_blocks, fallback_text
from bot.schedule import zone
from bot.storage import Database
from bot.storage.delivery import list_channels, list_subscriptions
from bot.storage.search import DeadlineHit, find_deadlines
from bot.storage.stories import load_stories
from bot.topics import matches_any

log = logging.getLogger(__name__)

DAYS_AHEAD = (0, 1, 7)
MOST_PER_MESSAGE = 20  # 1 + 2 blocks each: well inside 50


@dataclass
class Reminder:
    """One reminder message for one channel."""

    team_id: str
    channel_id: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)


def reminder_message(team_id: str, channel_id: str, hits: list[DeadlineHit], today: date) -> Reminder:
    """The reminder for `hits` (pure): a heading, then each deadline with its article."""
    hits = hits[:MOST_PER_MESSAGE]
    heading = f":alarm_clock: *{len(hits)} deadline{'s' if len(hits) != 1 else ''} coming up* for this channel's topics"
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": heading}}]
    for hit in hits:
        blocks.extend(deadline_blocks(hit, today))
    # Feed text: escaped, so an action such as "<!channel> must answer" can never ping anyone.
    return Reminder(team_id, channel_id, fallback_text("Deadlines coming up: ", hits), blocks)


def plan_reminders(db: Database, *, now: datetime) -> list[Reminder]:
    """Every running channel's reminder for today in its own time zone (channels with nothing due get none)."""
    reminders = []
    for channel in list_channels(db, paused=False):
        topics = [s.topic for s in list_subscriptions(db, team_id=channel.team_id, channel_id=channel.channel_id)]
        if not topics:
            continue
        today = now.astimezone(zone(channel.timezone)).date()
        hits = find_deadlines(db, today=today, due_on=[today + timedelta(days=d) for d in DAYS_AHEAD], limit=100)
        stories = {s.id: s for s in load_stories(db, story_ids={h.story_id for h in hits if h.story_id})}
        chosen = [h for h in hits if h.story_id in stories and matches_any(stories[h.story_id], topics)]
        if chosen:
            reminders.append(reminder_message(channel.team_id, channel.channel_id, chosen, today))
    return reminders


def send_reminders(db: Database, client_for_team: Callable[[str], WebClient | None], *, now: datetime) -> int:
    """Post today's reminders; a channel that fails is logged and the others still get theirs."""
    sent = 0
    for reminder in plan_reminders(db, now=now):
        client = client_for_team(reminder.team_id)
        if client is None:
            log.warning("deadline reminder for %s/%s: no token for the workspace", reminder.team_id,
                        reminder.channel_id)
            continue
        try:
            client.chat_postMessage(channel=reminder.channel_id, text=reminder.text, blocks=reminder.blocks,
                                    unfurl_links=False, unfurl_media=False)
            sent += 1
        except (SlackApiError, OSError) as exc:
            error = exc.response.get("error") if isinstance(exc, SlackApiError) else repr(exc)
            log.error("deadline reminder for %s/%s failed: %s", reminder.team_id, reminder.channel_id, error)
    return sent
