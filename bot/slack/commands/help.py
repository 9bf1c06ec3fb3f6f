"""`/diplo help`: what each command of the registry (`bot.slack.commands.REGISTRY`) does, with an example."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.slack.blocks import SlackMessage, context, header, section
from bot.slack.commands.feedtext import code, fallback

if TYPE_CHECKING:
    from bot.slack.commands import Command


@dataclass
class HelpArgs:
    topic: str = ""


def parse(text: str) -> HelpArgs:
    return HelpArgs(topic=text.strip()[:100])


def help_message(commands: Sequence[Command]) -> SlackMessage:
    """What each of `commands` does, how to write it, and an example."""
    blocks = [header("diplobot: diplomacy news in Slack")]
    for command in commands:
        # The usage lines hold `<person>`-style placeholders: escaped, or Slack would read them as links.
        blocks.append(section(f"*{code(command.usage)}*\n{command.help}\nExample: {code(command.example)}"))
    blocks.append(context("Answers are visible only to you; add `share` at the end to post one to the channel."))
    text = "diplobot commands: " + "; ".join(f"{command.usage} — {command.help}" for command in commands)
    return SlackMessage(text=fallback(text), blocks=blocks)
