"""Slash command listeners: acknowledge at once, answer in a lazy listener; the commands come from the registry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import App

from bot.slack.commands import COMMANDS
from handlers.commands.slash import acknowledge, answerer

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.storage import Database


def register(app: App, db: Database, settings: Settings) -> None:
    answer = answerer(db, settings)
    for name in COMMANDS:
        app.command(f"/{name}")(ack=acknowledge, lazy=[answer])
