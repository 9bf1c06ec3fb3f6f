"""Slash commands: the one registry (`REGISTRY`), from which help, App Home, the manifest test and the admin
check are derived; each command's module parses its words and answers from the database with Block Kit.

`run_command` is what Slack listeners call; `ask` is the same from a terminal (`diplobot ask "/who-said Nauert"`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from bot.config import Settings
from bot.slack.blocks import SlackMessage
from bot.slack.commands import channel, deadlines, digest, feeds, subscriptions, who_said
from bot.slack.commands import help as help_command
from bot.slack.commands.answer import CommandContext, UsageError, plain_answer
from bot.slack.mrkdwn import code
from bot.storage import Database

MAX_COMMAND_CHARS = 4000
SHARE_WORDS = {"share", "public"}
ADMIN_ONLY = "Only workspace admins and owners can do that. See `/diplo help`."

__all__ = ["COMMANDS", "DIPLO_COMMANDS", "REGISTRY", "Command", "CommandContext", "SlackMessage", "UsageError", "ask",
           "run_command", "split_share"]


def _never(args: Any) -> bool:
    return False


@dataclass(frozen=True)
class Command:
    """A command: how it is written, what it does, how its words are read, how it answers and who may run it.

    Args:
        name: the slash command without `/` (`who-said`), or the word after `/diplo` when `slash` is False.
        usage: how it is written, as `/diplo help` shows it.
        help: what it does, in one line.
        example: a command line that works.
        parse: the command's words (and who asked) → its arguments; raises `UsageError` on words it cannot read.
        answer: (database, settings, arguments, who asked) → the reply.
        needs_admin: for these arguments, only workspace admins and owners may run it (Slack is asked who asks).
        needs_timezone: these arguments need the asking user's time zone (Slack is asked).
        admin_refusal: the reply to anyone else when `needs_admin`.
        slash: it has a slash command of its own (listed in deploy/slack-app-manifest.yml).
    """

    name: str
    usage: str
    help: str
    example: str
    parse: Callable[[str, CommandContext], Any]
    answer: Callable[[Database, Settings, Any, CommandContext], SlackMessage]
    needs_admin: Callable[[Any], bool] = _never
    needs_timezone: Callable[[Any], bool] = _never
    admin_refusal: str = ADMIN_ONLY
    slash: bool = True


def _help(db: Database, settings: Settings, args: help_command.HelpArgs, ctx: CommandContext) -> SlackMessage:
    return help_command.help_message(REGISTRY)


# Every command, in the order `/diplo help` lists them. A new command: its module, and one entry here.
REGISTRY: tuple[Command, ...] = (
    Command("who-said", "/who-said <person> [since <date>]",
            "Quotes from a person, newest first, with the article and source.", "/who-said Nauert since 2018-10-01",
            lambda text, ctx: who_said.parse(text, ctx.now.date()), who_said.answer),
    Command("deadlines", "/deadlines [topic|actor|country] [overdue|upcoming]", "Stated deadlines sorted by due date.",
            "/deadlines North Korea upcoming", lambda text, ctx: deadlines.parse(text), deadlines.answer),
    Command("digest", "/digest [topic]", "The digest for this channel's subscriptions, right now.",
            "/digest sanctions", lambda text, ctx: digest.parse(text), digest.answer),
    Command("subscribe", "/subscribe <topic> [-exclusion]", "Follow a keyword, actor or country in this channel.",
            "/subscribe north korea -sports", lambda text, ctx: subscriptions.parse_topic_args(text),
            subscriptions.answer_subscribe),
    Command("unsubscribe", "/unsubscribe <topic>", "Stop following a topic in this channel.",
            "/unsubscribe north korea", lambda text, ctx: subscriptions.parse_topic_args(text),
            subscriptions.answer_unsubscribe),
    Command("subscriptions", "/subscriptions", "This channel's topics, with buttons to remove them.",
            "/subscriptions", lambda text, ctx: subscriptions.parse_nothing(text), subscriptions.answer_list),
    Command("feeds", "/feeds list | add <url> | remove <url>",
            "The news sources; workspace admins add and remove them.", "/feeds add https://example.org/world.rss",
            lambda text, ctx: feeds.parse(text), feeds.answer, needs_admin=feeds.needs_admin,
            admin_refusal=feeds.ADMIN_ONLY),
    Command("schedule", "/diplo schedule [asap | daily HH:MM]",
            "When this channel gets its stories: as they come, or once a day in your time zone.",
            "/diplo schedule daily 08:00", lambda text, ctx: channel.parse_schedule_args(text),
            channel.answer_schedule, needs_timezone=lambda args: args.schedule is not None, slash=False),
    Command("layout", "/diplo layout [compact | full]",
            "How this channel's digests look: one line per story with details on a button, or every story in full.",
            "/diplo layout full", lambda text, ctx: channel.parse_layout_args(text), channel.answer_layout,
            slash=False),
    Command("weekly-chart", "/diplo weekly-chart [on | off]",
            "A chart of the week's stories per country and actor with this channel's Monday digest.",
            "/diplo weekly-chart on", lambda text, ctx: channel.parse_weekly_chart_args(text),
            channel.answer_weekly_chart, slash=False),
    Command("resume", "/diplo resume",
            "Restart delivery to a channel that was paused (for example after the bot was removed).",
            "/diplo resume", lambda text, ctx: channel.parse_resume_args(text), channel.answer_resume, slash=False),
    Command("diplo", "/diplo help", "This list.", "/diplo help", lambda text, ctx: help_command.parse(text), _help),
)
# The slash commands, and the `/diplo <word>` commands that have no slash command of their own.
COMMANDS: dict[str, Command] = {command.name: command for command in REGISTRY if command.slash}
DIPLO_COMMANDS: dict[str, Command] = {command.name: command for command in REGISTRY if not command.slash}


def clean_words(text: str) -> str:
    """Command words without control characters, with single spaces."""
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\n\t")
    return re.sub(r"\s+", " ", text).strip()


def split_share(text: str) -> tuple[str, bool]:
    """Take a leading or trailing `share`/`public` off the words: the answer then goes to the channel."""
    words = text.split(" ")
    public = False
    if words and words[-1].casefold() in SHARE_WORDS:
        words.pop()
        public = True
    elif len(words) > 1 and words[0].casefold() in SHARE_WORDS:
        words.pop(0)
        public = True
    return " ".join(words).strip(), public


def run_command(db: Database, settings: Settings, name: str, text: str, ctx: CommandContext, *,
                identify: Callable[[], tuple[bool, str | None]] | None = None) -> SlackMessage:
    """Answer `/name text` for `ctx`; words it cannot read get an answer saying how to write them.

    Args:
        identify: asks Slack (is the user an admin, their time zone) when the command needs to know; without it,
            `ctx.is_admin` and `ctx.timezone` are taken as they are.
    """
    name = name.strip().lstrip("/").casefold()
    if len(text) > MAX_COMMAND_CHARS:
        return plain_answer(f"That is {len(text):,} characters; diplobot commands take a few words. "
                            "See `/diplo help`.")
    words, public = split_share(clean_words(text))
    command = COMMANDS.get(name)
    if name == "diplo":
        # `/diplo who-said Nauert` works like `/who-said Nauert`; `/diplo` and `/diplo help` give the help.
        first, _, rest = words.partition(" ")
        first = first.lstrip("/").casefold()
        if first in DIPLO_COMMANDS:
            command, words = DIPLO_COMMANDS[first], rest
        elif first in COMMANDS and first != "diplo":
            command, words = COMMANDS[first], rest
    if command is None:
        return plain_answer(f"diplobot has no command {code('/' + name[:50])}. See `/diplo help`.")
    try:
        args = command.parse(words, ctx)
        needs_admin = command.needs_admin(args)
        if identify is not None and (needs_admin or command.needs_timezone(args)):
            is_admin, timezone = identify()
            ctx = replace(ctx, is_admin=is_admin, timezone=timezone)
        if needs_admin and not ctx.is_admin:
            return plain_answer(command.admin_refusal)
        answer = command.answer(db, settings, args, ctx)
    except UsageError as exc:
        return plain_answer(str(exc))
    answer.public = public
    return answer


def ask(settings: Settings, db: Database, command_line: str) -> SlackMessage:
    """Run a slash command as the local demo workspace's admin would: `ask(s, db, "/who-said Nauert")`."""
    line = command_line.strip()
    name, _, text = line.partition(" ")
    if not name:
        name = "diplo"
    ctx = CommandContext(team_id="local", channel_id="demo", user_id="local", is_admin=True,
                         timezone=settings.timezone)
    return run_command(db, settings, name, text, ctx)
