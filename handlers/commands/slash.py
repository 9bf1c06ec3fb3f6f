"""One listener for every slash command: ack within Slack's 3 seconds, then answer to the response_url."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.slack.commands import run_command
from handlers.context import answer_or_apologise, command_context, upload_files, user_profile

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.slack.blocks import SlackMessage
    from bot.storage import Database


def acknowledge(ack: Ack) -> None:
    """Empty acknowledgement: the answer follows on the response_url."""
    ack()


def answerer(db: Database, settings: Settings) -> Callable[..., None]:
    """The lazy listener that runs the command and responds; Slack is asked about the user only when the
    command's registry entry needs an admin or a time zone."""

    def answer_command(body: dict[str, Any], command: dict[str, Any], respond: Callable[..., Any],
                       client: WebClient, logger: logging.Logger) -> None:
        def make_answer() -> SlackMessage:
            return run_command(db, settings, command.get("command", ""), command.get("text") or "",
                               command_context(command),
                               identify=lambda: user_profile(client, command.get("user_id", ""), logger))

        answer_or_apologise(body, logger, respond, make_answer,
                            upload=lambda answer: upload_files(client, command.get("channel_id", ""), answer,
                                                               respond, logger))

    return answer_command
