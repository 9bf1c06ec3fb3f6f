"""app_uninstalled and tokens_revoked: forget the workspace's tokens and pause its channels."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import App

from bot.slack.installations import forget_user_tokens, forget_workspace

if TYPE_CHECKING:
    from bot.storage import Database


def _workspace(body: dict[str, Any]) -> tuple[str, str | None]:
    return str(body.get("team_id") or ""), body.get("enterprise_id") or None


def app_uninstalled(app: App, db: Database) -> Callable[..., None]:
    def forget(body: dict[str, Any]) -> None:
        team_id, enterprise_id = _workspace(body)
        forget_workspace(db, app.installation_store, team_id, enterprise_id, "diplobot was removed from the workspace")

    return forget


def tokens_revoked(app: App, db: Database) -> Callable[..., None]:
    def forget(body: dict[str, Any], event: dict[str, Any]) -> None:
        team_id, enterprise_id = _workspace(body)
        tokens = event.get("tokens") or {}
        if tokens.get("bot"):
            forget_workspace(db, app.installation_store, team_id, enterprise_id, "the bot token was revoked")
        forget_user_tokens(app.installation_store, team_id, enterprise_id, tokens.get("oauth") or [])

    return forget
