"""The App Home tab: the commands, the workspace's subscriptions, the upcoming deadlines and the latest digest."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from bot.config import Settings
from bot.slack.blocks import MAX_BLOCKS, context, divider, header, section
from bot.slack.commands import REGISTRY
from bot.slack.commands.answer import CommandContext
from bot.slack.commands.channel import describe_display
from bot.slack.commands.deadlines import due_words
from bot.slack.commands.digest import mark_updated
from bot.slack.commands.feedtext import code, link, safe
from bot.slack.digest import by_importance, choose_stories, compact_entry
from bot.storage import Database
from bot.storage.delivery import list_channels, list_subscriptions
from bot.storage.search import find_deadlines
from bot.storage.stories import load_stories

DEADLINES_SHOWN = 5
STORIES_SHOWN = 5


def home_view(db: Database, settings: Settings, ctx: CommandContext) -> dict[str, Any]:
    """The `views.publish` view for the team in `ctx`."""
    blocks: list[dict[str, Any]] = [header("diplobot"), context("Diplomacy news: quotes, deadlines, digests. "
                                                                "Type `/diplo help` in any channel.")]
    blocks.append(section("*Commands*\n" + "\n".join(f"{code(command.usage)} {command.help}"
                                                       for command in REGISTRY)))
    subscriptions = list_subscriptions(db, team_id=ctx.team_id)
    blocks += [divider(), section("*Subscriptions in this workspace*")]
    if subscriptions:
        by_channel: dict[str, list[str]] = defaultdict(list)
        for sub in subscriptions:
            by_channel[sub.channel_id].append(code(sub.text))
        channels = {channel.channel_id: channel for channel in list_channels(db, team_id=ctx.team_id)}
        for channel_id, followed in list(by_channel.items())[:10]:
            where = f"<#{channel_id}>" if channel_id.isalnum() else safe(channel_id)
            blocks.append(section(f"{where}: {', '.join(followed)}\n{describe_display(channels.get(channel_id))}"))
    else:
        blocks.append(section("No channel follows a topic yet. In a channel, type `/subscribe north korea`."))

    blocks += [divider(), section("*Upcoming deadlines*")]
    deadlines = find_deadlines(db, today=ctx.now.date(), when="upcoming", limit=DEADLINES_SHOWN)
    for hit in deadlines:
        blocks.append(section(f"*{safe(due_words(hit, ctx.now.date()))}* — {safe(hit.action or hit.text)}"
                              f"\n{link(hit.url, hit.title)}"))
    if not deadlines:
        blocks.append(section("No upcoming deadlines in the articles read so far."))

    blocks += [divider(), section("*Latest digest*")]
    topics = [sub.topic for sub in subscriptions]
    stories = load_stories(db, limit=200)
    latest = choose_stories(stories, topics, limit=STORIES_SHOWN) if topics else stories[:STORIES_SHOWN]
    mark_updated(db, latest, ctx, whole_team=True)
    room = MAX_BLOCKS - len(blocks) - 1
    for story in by_importance(latest, topics):
        part = compact_entry(story)
        if len(part) > room:
            break
        blocks.extend(part)
        room -= len(part)
    if not latest:
        blocks.append(section("No stories yet: diplobot has not read any articles."))
    return {"type": "home", "blocks": blocks[:MAX_BLOCKS]}
