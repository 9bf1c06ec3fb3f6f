"""`/digest [topic]`: the most important stories right now, compact, ten at a time with paging buttons.

Without a topic it is today's top stories (of this channel's topics when it follows some): the stories of
the last 24 hours, or, when nothing came in that long, of the latest day with news.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.config import Settings
from bot.domain.stories import Story
from bot.domain.topics import InvalidTopic, Topic, parse_topic
from bot.slack.blocks import SlackMessage
from bot.slack.commands.answer import CommandContext, UsageError
from bot.slack.commands.feedtext import safe
from bot.slack.digest import by_importance, choose_stories, compact_digest
from bot.storage import Database
from bot.storage.delivery import list_subscriptions
from bot.storage.followups import updated_stories
from bot.storage.stories import load_stories

STORIES_LOOKED_AT = 300
DAY = timedelta(hours=24)


@dataclass
class DigestArgs:
    topic: Topic | None = None


def parse(text: str) -> DigestArgs:
    if not text.strip():
        return DigestArgs()
    try:
        return DigestArgs(topic=parse_topic(text))
    except InvalidTopic as exc:
        raise UsageError(f"{exc} Try `/digest` or `/digest north korea`.") from exc


def latest_day(stories: list[Story], now: datetime) -> list[Story]:
    """The stories of the 24 hours before `now`, or of the 24 hours before the newest one when none is that new."""
    recent = [s for s in stories if now - DAY <= _aware(s.published) <= now + timedelta(minutes=5)]
    if recent or not stories:
        return recent
    newest = max(_aware(s.published) for s in stories)
    return [s for s in stories if newest - DAY <= _aware(s.published)]


def _aware(when: datetime) -> datetime:
    """A stored time in UTC (SQLite gives it back without its zone)."""
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def mark_updated(db: Database, stories: list[Story], ctx: CommandContext, *, whole_team: bool = False) -> None:
    """Mark the stories that grew after their message was posted in this channel (in any channel of the
    workspace with `whole_team`), so that the digest says "updated"."""
    grown = updated_stories(db, [s.id for s in stories], team_id=ctx.team_id,
                            channel_id=None if whole_team else ctx.channel_id)
    for story in stories:
        story.updated = story.id in grown


def answer(db: Database, settings: Settings, args: DigestArgs, ctx: CommandContext) -> SlackMessage:
    stored = load_stories(db, limit=STORIES_LOOKED_AT)
    if args.topic is not None:
        topics = [args.topic]
        stories = choose_stories(stored, topics)
        mark_updated(db, stories, ctx)
        return compact_digest(by_importance(stories, topics), title=f"Digest: {args.topic.text}",
                              empty=f"No stories about *{safe(args.topic.text)}* yet. Try another word or a country.")
    topics = [s.topic for s in list_subscriptions(db, team_id=ctx.team_id, channel_id=ctx.channel_id)]
    chosen = choose_stories(stored, topics) if topics else stored
    today = latest_day(chosen, ctx.now)
    mark_updated(db, today, ctx)
    if today and max(_aware(s.published) for s in today) < ctx.now - DAY:
        title = f"Latest stories, {max(s.published for s in today):%d %b %Y}"
    else:
        title = f"Top stories today, {ctx.now:%d %b %Y}"
    if topics:
        title += " (this channel's topics)"
    empty = ("No stories yet: diplobot has not read any articles." if not topics else
             "No stories match this channel's topics yet. See `/subscriptions`, or try `/digest iran`.")
    return compact_digest(by_importance(today, topics), title=title, empty=empty)
