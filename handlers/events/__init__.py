"""Event listeners: the App Home tab; an uninstall or revoked tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import App

from handlers.events.app_home import home_opened
from handlers.events.uninstall import app_uninstalled, tokens_revoked

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.storage import Database


def register(app: App, db: Database, settings: Settings) -> None:
    app.event("app_home_opened")(home_opened(db, settings))
    app.event("app_uninstalled")(app_uninstalled(app, db))
    app.event("tokens_revoked")(tokens_revoked(app, db))
