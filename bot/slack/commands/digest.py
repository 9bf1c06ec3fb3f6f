"""`/digest [topic]`: the digest for this channel's subscriptions (or one topic), right now."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.domain.topics import InvalidTopic, Topic, parse_topic
from bot.slack.blocks import SlackMessage
from bot.slack.commands.answer import CommandContext, UsageError, plain_answer
from bot.slack.digest import build_digest, choose_stories
from bot.storage import Database
from bot.storage.delivery import list_subscriptions
from bot.storage.stories import load_stories

STORIES_SHOWN = 8
STORIES_LOOKED_AT = 300


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


def answer(db: Database, settings: Settings, args: DigestArgs, ctx: CommandContext) -> SlackMessage:
    if args.topic is not None:
        topics, title = [args.topic], f"Digest: {args.topic.text}"
    else:
        topics = [s.topic for s in list_subscriptions(db, team_id=ctx.team_id, channel_id=ctx.channel_id)]
        title = "Digest for this channel"
        if not topics:
            return plain_answer("This channel follows no topics yet. Follow one with `/subscribe north korea`, "
                                "or see one topic now with `/digest iran`.")
    stories = choose_stories(load_stories(db, limit=STORIES_LOOKED_AT), topics, limit=STORIES_SHOWN)
    first, *rest = build_digest(stories, title=title)
    first.followups = rest
    return first
