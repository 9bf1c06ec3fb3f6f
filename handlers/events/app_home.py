"""app_home_opened → views.publish with the workspace's subscriptions, upcoming deadlines and latest digest."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient

from bot.slack.commands.answer import CommandContext
from bot.slack.commands.home import home_view

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.storage import Database


def home_opened(db: Database, settings: Settings) -> Callable[..., None]:
    def publish_home(event: dict[str, Any], body: dict[str, Any], client: WebClient,
                     logger: logging.Logger) -> None:
        if event.get("tab", "home") != "home":
            return
        user = event.get("user", "")
        ctx = CommandContext(team_id=body.get("team_id") or "", channel_id="", user_id=user)
        client.views_publish(user_id=user, view=home_view(db, settings, ctx))

    return publish_home
