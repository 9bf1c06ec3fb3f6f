"""`/subscribe <topic>`, `/unsubscribe <topic>` and `/subscriptions` (with remove buttons) for this channel."""

from __future__ import annotations

from dataclasses import dataclass

from bot.app.subscriptions import subscribe
from bot.config import Settings
from bot.domain.channels import Subscription
from bot.domain.topics import InvalidTopic, Topic, parse_topic
from bot.slack.blocks import SlackMessage, button, context, section
from bot.slack.commands.answer import CommandContext, UsageError, plain_answer
from bot.slack.commands.channel import describe_display
from bot.slack.commands.feedtext import code, fallback, safe
from bot.storage import Database
from bot.storage.delivery import (
    get_channel,
    list_subscriptions,
    remove_subscription,
    remove_subscription_by_id,
)

REMOVE_ACTION = "subscription_remove"
SYNTAX = "Example: `/subscribe north korea, iran -sports` (commas between alternatives, `-` to leave words out)."


@dataclass
class TopicArgs:
    topic: Topic


@dataclass
class NoArgs:
    pass


def parse_topic_args(text: str) -> TopicArgs:
    try:
        return TopicArgs(topic=parse_topic(text))
    except InvalidTopic as exc:
        raise UsageError(f"{exc} {SYNTAX}") from exc


def parse_nothing(text: str) -> NoArgs:
    return NoArgs()


def answer_subscribe(db: Database, settings: Settings, args: TopicArgs, ctx: CommandContext) -> SlackMessage:
    result = subscribe(db, ctx.team_id, ctx.channel_id, args.topic, created_by=ctx.user_id, now=ctx.now,
                       backfill=settings.backfill_stories)
    shown = topic_words(result.subscription.text)
    if not result.created:
        return plain_answer(f"This channel already follows {shown}. See `/subscriptions`.")
    if result.backfilled:
        recent = f" The {result.backfilled} most recent matching "
        recent += "story is" if result.backfilled == 1 else "stories are"
        recent += " on their way."
    else:
        recent = " New stories will appear here as they are read."
    return plain_answer(f"This channel now follows {shown}.{recent}")


def answer_unsubscribe(db: Database, settings: Settings, args: TopicArgs, ctx: CommandContext) -> SlackMessage:
    if remove_subscription(db, ctx.team_id, ctx.channel_id, args.topic):
        return plain_answer(f"This channel no longer follows {topic_words(args.topic.text)}.")
    current = list_subscriptions(db, team_id=ctx.team_id, channel_id=ctx.channel_id)
    known = ", ".join(code(s.text) for s in current) or "nothing yet"
    return plain_answer(f"This channel does not follow {topic_words(args.topic.text)}. It follows: {known}.")


def answer_list(db: Database, settings: Settings, args: NoArgs, ctx: CommandContext) -> SlackMessage:
    return subscriptions_answer(list_subscriptions(db, team_id=ctx.team_id, channel_id=ctx.channel_id),
                                display=_display(db, ctx))


def _display(db: Database, ctx: CommandContext) -> str:
    return describe_display(get_channel(db, ctx.team_id, ctx.channel_id)) + " (`/diplo layout`, `/diplo weekly-chart`)"


def subscriptions_answer(subscriptions: list[Subscription], note: str | None = None,
                         display: str | None = None) -> SlackMessage:
    """The channel's topics, each with a Remove button, and how its digests look (`display`)."""
    blocks = [section(note)] if note else []
    if not subscriptions:
        blocks.append(section(f"This channel follows no topics. {SYNTAX}"))
        if display:
            blocks.append(context(display))
        return SlackMessage(text=(note + " " if note else "") + "This channel follows no topics.", blocks=blocks)
    blocks.append(section(f"*This channel follows {len(subscriptions)} "
                          f"topic{'s' if len(subscriptions) != 1 else ''}:*"))
    for sub in subscriptions[:45]:
        shown = "every story (`*`)" if sub.text == "*" else code(sub.text)
        blocks.append(section(shown,
                              accessory=button("Remove", f"{REMOVE_ACTION}:{sub.id}", str(sub.id), style="danger")))
    if len(subscriptions) > 45:
        blocks.append(context(f"…and {len(subscriptions) - 45} more; remove one with `/unsubscribe &lt;topic&gt;`."))
    if display:
        blocks.append(context(display))
    text = fallback("This channel follows: " + ", ".join(s.text for s in subscriptions))
    return SlackMessage(text=text, blocks=blocks)


def topic_words(text: str) -> str:
    """A topic in a sentence: in bold, escaped; the catch-all `*` as "every story"."""
    return "every story (`*`)" if text == "*" else f"*{safe(text)}*"


def remove_by_button(db: Database, value: str, ctx: CommandContext) -> SlackMessage:
    """A Remove button was pressed: drop that subscription and show the list again in place."""
    readable = value.isascii() and value.isdigit() and len(value) <= 9  # fits every database's integer
    removed = remove_subscription_by_id(db, ctx.team_id, int(value)) if readable else None
    note = f"Removed {topic_words(removed.text)}." if removed else "That topic was already removed."
    answer = subscriptions_answer(list_subscriptions(db, team_id=ctx.team_id, channel_id=ctx.channel_id), note,
                                  display=_display(db, ctx))
    answer.replace_original = True
    return answer
