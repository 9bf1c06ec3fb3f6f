"""The Bolt app: request signatures checked, one workspace by bot token or many by OAuth, one error handler."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from slack_bolt import App
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient

from bot.config import Settings
from bot.metrics import COMMAND_SECONDS
from bot.slack.errors import report_error
from bot.storage import Database
from handlers import register_handlers

log = logging.getLogger(__name__)

# Every scope the app uses; deploy/slack-app-manifest.yml lists the same.
BOT_SCOPES = [
    "commands",          # the slash commands
    "chat:write",        # digests, replies, App Home links
    "chat:write.public",  # digests to public channels the bot was not invited to
    "channels:history",  # find our own message after a crash (message metadata)
    "groups:history",
    "users:read",        # is the user a workspace admin (/feeds add|remove), their time zone
    "files:write",       # charts: /deadlines … chart and the weekly coverage chart (files_upload_v2)
]


class _TokenFromEnvironmentUnused(logging.Filter):
    """Drops Bolt's warning that the SLACK_BOT_TOKEN it found in the environment is unused: we pass our client
    (or the OAuth store) on purpose, so the warning is noise at every start."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not ("`token` will be unused" in message or "SLACK_BOT_TOKEN env variable) will be ignored" in message)


_bolt_app_log = logging.getLogger("slack_bolt.App")
if not any(isinstance(f, _TokenFromEnvironmentUnused) for f in _bolt_app_log.filters):
    _bolt_app_log.addFilter(_TokenFromEnvironmentUnused())


class SlackNotConfigured(RuntimeError):
    """The Slack settings are incomplete: set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN (or the OAuth pair)."""


def oauth_credentials(settings: Settings) -> tuple[str, str] | None:
    """The OAuth client id and secret when both are set (installs in many workspaces), else None."""
    if settings.slack_client_id and settings.slack_client_secret:
        return settings.slack_client_id, settings.slack_client_secret.get_secret_value()
    return None


def build_app(settings: Settings, db: Database, *, client: WebClient | None = None,
              socket_mode: bool = False, listener_executor: Executor | None = None) -> App:
    """The Bolt app with every listener registered.

    Args:
        settings: Slack tokens and secrets, `slack_api_url` for the Web API base URL.
        db: the database the commands read and where OAuth installations and states are kept.
        client: a Web API client to use instead of one built from the settings (tests).
        socket_mode: requests arrive over Socket Mode, so no HTTP signature to check when no secret is set.
        listener_executor: where lazy listeners run after the answer (Bolt's own thread pool when None).
    """
    # slack_sdk's WebhookClient logs each response_url at DEBUG: a 30-minute capability to post in the channel.
    webhook_log = logging.getLogger("slack_sdk.webhook")
    webhook_log.setLevel(max(webhook_log.getEffectiveLevel(), logging.INFO))
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    if not secret and not socket_mode:
        raise SlackNotConfigured("SLACK_SIGNING_SECRET is not set: it is needed to check that requests come from Slack")
    base_url = client.base_url if client is not None else settings.slack_api_url
    credentials = oauth_credentials(settings)
    if credentials is not None:
        client_id, client_secret = credentials
        installation_store, state_store = oauth_stores(client_id, db)
        app = App(
            signing_secret=secret,
            request_verification_enabled=bool(secret), listener_executor=listener_executor,
            client=client or WebClient(base_url=base_url),
            oauth_settings=OAuthSettings(
                client_id=client_id,
                client_secret=client_secret,
                scopes=BOT_SCOPES,
                installation_store=installation_store,
                state_store=state_store,
            ),
        )
    else:
        if settings.slack_bot_token is None:
            raise SlackNotConfigured(
                "SLACK_BOT_TOKEN is not set (single workspace), nor SLACK_CLIENT_ID/SLACK_CLIENT_SECRET (OAuth)")
        token = settings.slack_bot_token.get_secret_value()
        if client is None or client.token is None:
            client = WebClient(token=token, base_url=base_url)
        app = App(signing_secret=secret, request_verification_enabled=bool(secret), client=client,
                  listener_executor=listener_executor)
    app.use(_time_requests)
    register_handlers(app, db, settings)
    app.error(report_error)
    return app


def _time_requests(body: dict[str, Any], next: Callable[[], Any]) -> Any:  # noqa: A002 - Bolt's argument name
    """diplobot_command_seconds: how long answering (acknowledging) a request took, by command or kind."""
    started = time.monotonic()
    try:
        return next()
    finally:
        kind = body.get("command") or (body.get("event") or {}).get("type") or body.get("type") or "other"
        COMMAND_SECONDS.labels(kind=str(kind)[:40]).observe(time.monotonic() - started)


def oauth_stores(client_id: str, db: Database) -> tuple[Any, Any]:
    """slack_sdk's SQLAlchemy installation and OAuth state stores on our engine, their tables created if missing."""
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    installation_store = SQLAlchemyInstallationStore(client_id=client_id, engine=db.engine)
    state_store = SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=db.engine)
    # metadata.create_all checks first, so this is safe on every start.
    installation_store.metadata.create_all(db.engine)
    state_store.metadata.create_all(db.engine)
    return installation_store, state_store
