"""What every listener needs from a Slack payload: who asked where (a `CommandContext`), and failing politely."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.slack.blocks import SlackMessage
from bot.slack.commands.answer import CommandContext
from bot.slack.errors import loggable, tell_user_it_failed


def command_context(body: dict[str, Any], *, is_admin: bool = False, timezone: str | None = None) -> CommandContext:
    """The context of a slash command or block action payload."""
    team = body.get("team_id") or (body.get("team") or {}).get("id") or ""
    channel = body.get("channel_id") or (body.get("channel") or {}).get("id") or ""
    user = body.get("user_id") or (body.get("user") or {}).get("id") or ""
    return CommandContext(team_id=team, channel_id=channel, user_id=user, is_admin=is_admin, timezone=timezone)


def user_profile(client: WebClient, user_id: str, logger: logging.Logger) -> tuple[bool, str | None]:
    """(is the user a workspace admin or owner, their IANA time zone) from users.info; (False, None) on failure."""
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as exc:
        logger.warning("users.info for %s failed: %s", user_id, exc.response.get("error"))
        return False, None
    is_admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
    return is_admin, user.get("tz") or None


def send(respond: Callable[..., Any], answer: SlackMessage) -> None:
    for message in answer.messages():
        respond(**message.as_message())


def upload_files(client: WebClient, channel_id: str, answer: SlackMessage, respond: Callable[..., Any],
                 logger: logging.Logger) -> None:
    """Upload the answer's files (charts) to the channel with files_upload_v2, each described by its alt text;
    when Slack refuses (the bot is not in the channel, say), tell the asker why in one line."""
    for picture in answer.files:
        try:
            client.files_upload_v2(channel=channel_id, content=picture.content, filename=picture.filename,
                                   title=picture.title, alt_txt=picture.alt_text,
                                   initial_comment=picture.alt_text[:500])
        except (SlackApiError, SlackRequestError) as exc:
            response = getattr(exc, "response", None)
            error = str(response.get("error") if response is not None else "upload_failed")
            logger.warning("could not upload %s to %s: %s", picture.filename, channel_id, error)
            hint = " Invite diplobot to the channel (`/invite @diplobot`) and ask again." if error in (
                "not_in_channel", "channel_not_found") else ""
            respond(text=f"I could not upload the chart here (`{error}`).{hint}", response_type="ephemeral",
                    replace_original=False)


def answer_or_apologise(body: dict[str, Any], logger: logging.Logger, respond: Callable[..., Any],
                        make_answer: Callable[[], SlackMessage], *,
                        upload: Callable[[SlackMessage], None] | None = None) -> None:
    """Send `make_answer()` (and `upload` its files); on any failure log it with the payload and tell the user
    in one line."""
    try:
        answer = make_answer()
        send(respond, answer)
        if upload is not None and answer.files:
            upload(answer)
    except Exception as exc:
        logger.error("answering failed: %r; payload: %s", exc, loggable(body), exc_info=exc)
        tell_user_it_failed(body, logger)
