"""Event listeners: the App Home tab."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import App

from handlers.events.app_home import home_opened

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.storage import Database


def register(app: App, db: Database, settings: Settings) -> None:
    app.event("app_home_opened")(home_opened(db, settings))
