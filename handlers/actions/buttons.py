"""Buttons on command answers: acknowledged at once, answered in a lazy listener."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack

from bot.slack.commands import who_said
from bot.slack.commands.answer import UsageError, plain_answer
from bot.slack.commands.subscriptions import remove_by_button
from handlers.context import answer_or_apologise, command_context

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.slack.blocks import SlackMessage
    from bot.storage import Database


def acknowledge(ack: Ack) -> None:
    ack()


def _pressed_value(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")


def who_said_page_pressed(db: Database, settings: Settings) -> Callable[..., None]:
    """"Show more" or a suggested name: the requested page of quotes as a new message."""

    def show_page(body: dict[str, Any], respond: Callable[..., Any], logger: logging.Logger) -> None:
        def make_answer() -> SlackMessage:
            try:
                args = who_said.args_from_button(_pressed_value(body))
            except UsageError as exc:
                return plain_answer(str(exc))
            answer = who_said.answer(db, settings, args, command_context(body))
            answer.replace_original = False
            return answer

        answer_or_apologise(body, logger, respond, make_answer)

    return show_page


def remove_subscription_pressed(db: Database, settings: Settings) -> Callable[..., None]:
    """A Remove button: drop the subscription and redraw the list in place."""

    def remove(body: dict[str, Any], respond: Callable[..., Any], logger: logging.Logger) -> None:
        answer_or_apologise(body, logger, respond,
                            lambda: remove_by_button(db, _pressed_value(body), command_context(body)))

    return remove
