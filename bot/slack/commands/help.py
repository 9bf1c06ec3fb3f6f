"""`/diplo help`: what each command does, with an example."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.slack.commands.answer import Answer, CommandContext, context, header, section
from bot.slack.commands.feedtext import code, fallback
from bot.storage import Database

COMMANDS: list[tuple[str, str, str]] = [
    ("/who-said <person> [since <date>]", "Quotes from a person, newest first, with the article and source.",
     "/who-said Nauert since 2018-10-01"),
    ("/deadlines [topic|actor|country] [overdue|upcoming]", "Stated deadlines sorted by due date.",
     "/deadlines North Korea upcoming"),
    ("/digest [topic]", "The digest for this channel's subscriptions, right now.", "/digest sanctions"),
    ("/subscribe <topic> [-exclusion]", "Follow a keyword, actor or country in this channel.",
     "/subscribe north korea -sports"),
    ("/unsubscribe <topic>", "Stop following a topic in this channel.", "/unsubscribe north korea"),
    ("/subscriptions", "This channel's topics, with buttons to remove them.", "/subscriptions"),
    ("/feeds list | add <url> | remove <url>", "The news sources; workspace admins add and remove them.",
     "/feeds add https://example.org/world.rss"),
    ("/diplo schedule [asap | daily HH:MM]", "When this channel gets its stories: as they come, or once a day "
     "in your time zone.", "/diplo schedule daily 08:00"),
    ("/diplo resume", "Restart delivery to a channel that was paused (for example after the bot was removed).",
     "/diplo resume"),
    ("/diplo help", "This list.", "/diplo help"),
]


@dataclass
class HelpArgs:
    topic: str = ""


def parse(text: str) -> HelpArgs:
    return HelpArgs(topic=text.strip()[:100])


def answer(db: Database, settings: Settings, args: HelpArgs, ctx: CommandContext) -> Answer:
    blocks = [header("diplobot: diplomacy news in Slack")]
    for usage, what, example in COMMANDS:
        # The usage lines hold `<person>`-style placeholders: escaped, or Slack would read them as links.
        blocks.append(section(f"*{code(usage)}*\n{what}\nExample: {code(example)}"))
    blocks.append(context("Answers are visible only to you; add `share` at the end to post one to the channel."))
    text = "diplobot commands: " + "; ".join(f"{usage} — {what}" for usage, what, _ in COMMANDS)
    return Answer(text=fallback(text), blocks=blocks)
