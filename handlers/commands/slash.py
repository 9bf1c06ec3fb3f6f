"""One listener for every slash command: ack within Slack's 3 seconds, then answer to the response_url."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.config import Settings
from bot.slack.commands import run_command
from bot.storage import Database
from handlers.context import answer_or_apologise, command_context, user_profile

ADMIN_ACTIONS = ("add", "remove", "rm", "delete")


def acknowledge(ack: Ack) -> None:
    """Empty acknowledgement: the answer follows on the response_url."""
    ack()


def needs_user_profile(command: dict[str, Any]) -> bool:
    """Only changing feeds (admins only) and setting a schedule (the user's time zone) ask Slack about the user."""
    words = (command.get("text") or "").casefold().split()
    if command.get("command") == "/feeds":
        return bool(words) and words[0] in ADMIN_ACTIONS
    return command.get("command") == "/diplo" and len(words) > 1 and words[0] == "schedule"


def answerer(db: Database, settings: Settings) -> Callable[..., None]:
    """The lazy listener that runs the command and responds."""

    def answer_command(body: dict[str, Any], command: dict[str, Any], respond: Callable[..., Any],
                       client: WebClient, logger: logging.Logger) -> None:
        def make_answer():  # noqa: ANN202 - an Answer
            is_admin, timezone = False, None
            if needs_user_profile(command):
                is_admin, timezone = user_profile(client, command.get("user_id", ""), logger)
            ctx = command_context(command, is_admin=is_admin, timezone=timezone)
            return run_command(db, settings, command.get("command", ""), command.get("text") or "", ctx)

        answer_or_apologise(body, logger, respond, make_answer)

    return answer_command
