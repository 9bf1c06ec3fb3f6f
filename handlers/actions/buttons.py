"""Buttons on command answers: acknowledged at once, answered in a lazy listener."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.commands import deadlines, story_views, who_said
from bot.slack.commands.answer import UsageError, plain_answer
from bot.slack.commands.subscriptions import remove_by_button
from bot.slack.errors import FAILURE_LINE, loggable
from handlers.context import answer_or_apologise, command_context, send

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
    """"Show more", "Previous" or a suggested name: that page of quotes, in place on a private answer, else
    as a message only the user sees."""

    def show_page(body: dict[str, Any], respond: Callable[..., Any], logger: logging.Logger) -> None:
        def make_answer() -> SlackMessage:
            try:
                args = who_said.args_from_button(_pressed_value(body))
            except UsageError as exc:
                return plain_answer(str(exc))
            answer = who_said.answer(db, settings, args, command_context(body))
            answer.replace_original = _on_ephemeral(body)  # pages in place on a private answer
            return answer

        answer_or_apologise(body, logger, respond, make_answer)

    return show_page


def remove_subscription_pressed(db: Database, settings: Settings) -> Callable[..., None]:
    """A Remove button: drop the subscription and redraw the list in place."""

    def remove(body: dict[str, Any], respond: Callable[..., Any], logger: logging.Logger) -> None:
        answer_or_apologise(body, logger, respond,
                            lambda: remove_by_button(db, _pressed_value(body), command_context(body)))

    return remove


def _on_ephemeral(body: dict[str, Any]) -> bool:
    """Whether the pressed button sits on a message only the user sees (a command's answer)."""
    return bool((body.get("container") or {}).get("is_ephemeral"))


def story_details_pressed(db: Database, settings: Settings) -> Callable[..., None]:
    """"Details": the story's summary, quotes, deadlines and sources in a modal (views.open with the press's
    trigger_id); where no modal opens (no trigger, or Slack refuses it), as a message only the user sees: an
    ephemeral answer under a message, a direct message from App Home (which has no response_url)."""

    def show_details(body: dict[str, Any], client: WebClient, respond: Callable[..., Any],
                     logger: logging.Logger) -> None:
        value = _pressed_value(body)
        trigger_id = body.get("trigger_id")
        if trigger_id:
            try:
                client.views_open(trigger_id=trigger_id, view=story_views.details_view(db, value))
                return
            except UsageError as exc:
                send(respond, plain_answer(str(exc)))
                return
            except SlackApiError as exc:
                logger.info("views.open failed (%s); showing the details as a message", exc.response.get("error"))

        def make_answer() -> SlackMessage:
            answer = story_views.details_message(db, value)
            answer.replace_original = False
            return answer

        if body.get("response_url"):
            answer_or_apologise(body, logger, respond, make_answer)
        else:
            _direct_message(body, client, logger, make_answer)

    return show_details


def _direct_message(body: dict[str, Any], client: WebClient, logger: logging.Logger,
                    make_answer: Callable[[], SlackMessage]) -> None:
    """Send `make_answer()` to the user who pressed as a direct message (a press on App Home has no
    response_url); on any failure log it with the payload and tell them in one line, if Slack lets us."""
    user = command_context(body).user_id
    try:
        for message in make_answer().messages():
            client.chat_postMessage(channel=user, text=message.text, blocks=message.blocks,
                                    unfurl_links=False, unfurl_media=False)
    except Exception as exc:
        logger.error("answering failed: %r; payload: %s", exc, loggable(body), exc_info=exc)
        try:
            client.chat_postMessage(channel=user, text=FAILURE_LINE)
        except SlackApiError as again:
            logger.warning("could not tell %s about the failure: %s", user, again.response.get("error"))


def digest_page_pressed(db: Database, settings: Settings) -> Callable[..., None]:
    """"Show more" / "Previous" on a compact digest: that page, in place on a private answer, or as a message
    only the user sees under a digest posted to the channel (which stays as everybody saw it)."""

    def show_page(body: dict[str, Any], respond: Callable[..., Any], logger: logging.Logger) -> None:
        def make_answer() -> SlackMessage:
            answer = story_views.page_answer(db, _pressed_value(body))
            answer.replace_original = _on_ephemeral(body)
            return answer

        answer_or_apologise(body, logger, respond, make_answer)

    return show_page


def deadlines_page_pressed(db: Database, settings: Settings) -> Callable[..., None]:
    """"Next" / "Previous" on /deadlines: that page, in place on a private answer, else privately."""

    def show_page(body: dict[str, Any], respond: Callable[..., Any], logger: logging.Logger) -> None:
        def make_answer() -> SlackMessage:
            try:
                args = deadlines.args_from_button(_pressed_value(body))
            except UsageError as exc:
                return plain_answer(str(exc))
            answer = deadlines.answer(db, settings, args, command_context(body))
            answer.replace_original = _on_ephemeral(body)
            return answer

        answer_or_apologise(body, logger, respond, make_answer)

    return show_page
