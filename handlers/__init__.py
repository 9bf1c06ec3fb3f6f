"""Slack listeners: parse the request, call `bot`, render the answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import App

from handlers import actions, commands, events

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.storage import Database


def register_handlers(app: App, db: Database, settings: Settings) -> None:
    """Every slash command, button and event listener of diplobot on `app`."""
    commands.register(app, db, settings)
    actions.register(app, db, settings)
    events.register(app, db, settings)
