"""Button listeners: "Show more" and name suggestions of /who-said, Remove buttons of /subscriptions, "Details"
and paging of compact digests."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from slack_bolt import App

from bot.slack.commands.deadlines import PAGE_ACTION as DEADLINES_PAGE_ACTION
from bot.slack.commands.subscriptions import REMOVE_ACTION
from bot.slack.commands.who_said import PAGE_ACTION
from bot.slack.digest import DETAILS_ACTION
from bot.slack.digest import PAGE_ACTION as DIGEST_PAGE_ACTION
from handlers.actions.buttons import (
    acknowledge,
    deadlines_page_pressed,
    digest_page_pressed,
    remove_subscription_pressed,
    story_details_pressed,
    who_said_page_pressed,
)

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.storage import Database


def register(app: App, db: Database, settings: Settings) -> None:
    app.action(re.compile(rf"^{re.escape(PAGE_ACTION)}:"))(ack=acknowledge,
                                                           lazy=[who_said_page_pressed(db, settings)])
    app.action(re.compile(rf"^{re.escape(REMOVE_ACTION)}:"))(ack=acknowledge,
                                                             lazy=[remove_subscription_pressed(db, settings)])
    app.action(re.compile(rf"^{re.escape(DETAILS_ACTION)}:"))(ack=acknowledge,
                                                              lazy=[story_details_pressed(db, settings)])
    app.action(re.compile(rf"^{re.escape(DIGEST_PAGE_ACTION)}:"))(ack=acknowledge,
                                                                  lazy=[digest_page_pressed(db, settings)])
    app.action(re.compile(rf"^{re.escape(DEADLINES_PAGE_ACTION)}:"))(ack=acknowledge,
                                                                     lazy=[deadlines_page_pressed(db, settings)])
