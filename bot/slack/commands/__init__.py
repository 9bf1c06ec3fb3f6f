"""Slash commands: each module parses its words and answers from the database with Block Kit.

`run_command` is what Slack listeners call; `ask` is the same from a terminal (`diplobot ask "/who-said Nauert"`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.config import Settings
from bot.slack.commands import channel, deadlines, digest, feeds, subscriptions, who_said
from bot.slack.commands import help as help_command
from bot.slack.commands.answer import Answer, CommandContext, UsageError, plain_answer
from bot.slack.commands.feedtext import code
from bot.storage import Database

MAX_COMMAND_CHARS = 4000
SHARE_WORDS = {"share", "public"}

__all__ = ["COMMANDS", "DIPLO_COMMANDS", "Answer", "CommandContext", "UsageError", "ask", "run_command", "split_share"]


@dataclass(frozen=True)
class Command:
    """A slash command: how its words are read and how it answers."""

    name: str
    parse: Callable[[str, CommandContext], Any]
    answer: Callable[[Database, Settings, Any, CommandContext], Answer]


COMMANDS: dict[str, Command] = {
    "who-said": Command("who-said", lambda text, ctx: who_said.parse(text, ctx.now.date()), who_said.answer),
    "deadlines": Command("deadlines", lambda text, ctx: deadlines.parse(text), deadlines.answer),
    "digest": Command("digest", lambda text, ctx: digest.parse(text), digest.answer),
    "subscribe": Command("subscribe", lambda text, ctx: subscriptions.parse_topic_args(text),
                         subscriptions.answer_subscribe),
    "unsubscribe": Command("unsubscribe", lambda text, ctx: subscriptions.parse_topic_args(text),
                           subscriptions.answer_unsubscribe),
    "subscriptions": Command("subscriptions", lambda text, ctx: subscriptions.parse_nothing(text),
                             subscriptions.answer_list),
    "feeds": Command("feeds", lambda text, ctx: feeds.parse(text), feeds.answer),
    "diplo": Command("diplo", lambda text, ctx: help_command.parse(text), help_command.answer),
}
# `/diplo <word>` commands that have no slash command of their own.
DIPLO_COMMANDS: dict[str, Command] = {
    "schedule": Command("schedule", lambda text, ctx: channel.parse_schedule_args(text), channel.answer_schedule),
    "resume": Command("resume", lambda text, ctx: channel.parse_resume_args(text), channel.answer_resume),
}


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


def run_command(db: Database, settings: Settings, name: str, text: str, ctx: CommandContext) -> Answer:
    """Answer `/name text` for `ctx`; words it cannot read get an answer saying how to write them."""
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
        answer = command.answer(db, settings, command.parse(words, ctx), ctx)
    except UsageError as exc:
        return plain_answer(str(exc))
    answer.public = public
    return answer


def ask(settings: Settings, db: Database, command_line: str) -> Answer:
    """Run a slash command as the local demo workspace's admin would: `ask(s, db, "/who-said Nauert")`."""
    line = command_line.strip()
    name, _, text = line.partition(" ")
    if not name:
        name = "diplo"
    ctx = CommandContext(team_id="local", channel_id="demo", user_id="local", is_admin=True,
                         timezone=settings.timezone)
    return run_command(db, settings, name, text, ctx)
