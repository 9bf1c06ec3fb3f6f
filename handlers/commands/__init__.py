"""Slash command listeners: acknowledge at once, answer in a lazy listener."""

from __future__ import annotations

from slack_bolt import App

from bot.config import Settings
from bot.slack.commands import COMMANDS
from bot.storage import Database
from handlers.commands.slash import acknowledge, answerer


def register(app: App, db: Database, settings: Settings) -> None:
    answer = answerer(db, settings)
    for name in COMMANDS:
        app.command(f"/{name}")(ack=acknowledge, lazy=[answer])
