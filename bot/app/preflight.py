"""Start-up checks of `diplobot run`: every setting it depends on is tried before anything starts.

Each check either returns what it checked (a connected database, a loaded model, Slack's answer) or raises
`StartupFailure` naming the setting to fix and what to do, which the command line prints as one line.
"""

from __future__ import annotations

import errno
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.config import Settings
from bot.storage import Database

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

HTTP, SOCKET_MODE, OAUTH = "HTTP", "Socket Mode", "OAuth"


class StartupFailure(Exception):
    """A setting that keeps diplobot from starting: `setting` names it, `advice` says what is wrong and what to do."""

    def __init__(self, setting: str, advice: str) -> None:
        super().__init__(f"{setting}: {advice}")
        self.setting = setting
        self.advice = advice


@dataclass(frozen=True)
class SlackMode:
    """How Slack reaches us (HTTP or Socket Mode) and how we find a workspace's token (one token or OAuth)."""

    socket_mode: bool
    oauth: bool

    def describe(self) -> str:
        transport = SOCKET_MODE if self.socket_mode else HTTP
        return f"{transport}, {OAUTH}" if self.oauth else transport


def slack_mode(settings: Settings) -> SlackMode:
    """The mode the Slack settings choose, or the missing setting named (checked before the database is touched)."""
    socket_mode = settings.slack_app_token is not None and bool(settings.slack_app_token.get_secret_value())
    oauth = bool(settings.slack_client_id) or settings.slack_client_secret is not None
    if oauth and not (settings.slack_client_id and settings.slack_client_secret):
        missing = "SLACK_CLIENT_SECRET" if settings.slack_client_id else "SLACK_CLIENT_ID"
        raise StartupFailure(missing, "OAuth needs both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET; set it or unset the other")
    if socket_mode and not settings.slack_app_token.get_secret_value().startswith("xapp-"):  # type: ignore[union-attr]
        raise StartupFailure("SLACK_APP_TOKEN", "is not an app-level token (xapp-…); create one under Basic Information")
    if not socket_mode and settings.slack_signing_secret is None:
        raise StartupFailure("SLACK_SIGNING_SECRET", "is not set; it is needed in HTTP mode to check that requests "
                             "come from Slack (Basic Information → Signing Secret), or set SLACK_APP_TOKEN for Socket Mode")
    if not oauth and settings.slack_bot_token is None:
        raise StartupFailure("SLACK_BOT_TOKEN", "is not set; set the bot token (xoxb-…) of your workspace, "
                             "or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to install in many workspaces")
    return SlackMode(socket_mode=socket_mode, oauth=oauth)


def safe_database_url(url: str) -> str:
    """The database URL to show: password hidden, or the URL as given when it cannot be parsed."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "(unparsable)"


def open_database(url: str, *, wait_seconds: float, sleep: Callable[[float], None] = time.sleep) -> Database:
    """Connect to DATABASE_URL, retrying with backoff for `wait_seconds` while the server is still starting."""
    from sqlalchemy import text
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

    try:
        db = Database.connect(url)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise StartupFailure("DATABASE_URL", "cannot be read as a database URL; expected e.g. "
                             "postgresql+psycopg://user:password@host:5432/diplobot or sqlite:///diplobot.db "
                             f"({_first_line(exc)})") from exc
    shown = safe_database_url(url)
    give_up_at = time.monotonic() + wait_seconds
    delay, tries = 0.5, 0
    while True:
        tries += 1
        try:
            with db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return db
        except OperationalError as exc:
            left = give_up_at - time.monotonic()
            if left <= 0:
                db.dispose()
                raise StartupFailure("DATABASE_URL", f"cannot connect to {shown} after {tries} tries in "
                                     f"{wait_seconds:g} s ({_first_line(exc.orig or exc)}); is the server "
                                     "running and reachable? (DATABASE_WAIT_SECONDS sets how long to wait)") from exc
            log.debug("database %s not reachable yet (%s); trying again", shown, _first_line(exc.orig or exc))
            sleep(min(delay, left))
            delay = min(delay * 2, 8.0)


def migrate(db: Database) -> None:
    """Apply the migrations; a failure names DATABASE_URL with the reason."""
    try:
        db.upgrade()
    except Exception as exc:
        raise StartupFailure("DATABASE_URL", f"migrating the database at {safe_database_url(db.url)} failed: "
                             f"{_first_line(exc)}") from exc


def load_model(settings: Settings) -> Language:
    """Load SPACY_MODEL now, so a wrong name stops the start instead of failing every poll."""
    from bot.analysis.model import ModelNotInstalled
    from bot.analysis.pipeline import load_pipeline

    try:
        return load_pipeline(settings.spacy_model)
    except ModelNotInstalled as exc:
        raise StartupFailure("SPACY_MODEL", str(exc).removeprefix("SPACY_MODEL=")) from exc
    except (OSError, ValueError) as exc:
        raise StartupFailure("SPACY_MODEL", f"{settings.spacy_model!r} cannot be loaded: {_first_line(exc)}") from exc


def check_slack_token(settings: Settings) -> dict[str, Any]:
    """auth.test with SLACK_BOT_TOKEN: Slack reachable at SLACK_API_URL and the token valid; Slack's answer."""
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    if settings.slack_bot_token is None:
        return {}
    quiet = logging.getLogger("bot.app.preflight.auth_test")  # its failure is reported below, in one line
    quiet.setLevel(logging.CRITICAL)
    client = WebClient(token=settings.slack_bot_token.get_secret_value(), base_url=settings.slack_api_url,
                       timeout=10, logger=quiet)
    try:
        return dict(client.auth_test().data)  # type: ignore[arg-type]
    except SlackApiError as exc:
        error = exc.response.get("error", "error") if exc.response is not None else "error"
        raise StartupFailure("SLACK_BOT_TOKEN", f"Slack refused the token ({error}); copy the Bot User OAuth "
                             "Token (xoxb-…) from the app's OAuth & Permissions page") from None
    except (OSError, ValueError) as exc:
        raise StartupFailure("SLACK_API_URL", f"cannot reach Slack at {settings.slack_api_url} "
                             f"({_first_line(exc)}); check the network or proxy") from None


def port_failure(setting: str, host: str, port: int, exc: OSError) -> StartupFailure:
    """The failure to report when listening on host:port failed: in use, or not allowed."""
    reason = "is already in use" if exc.errno in (errno.EADDRINUSE,) else f"cannot be opened ({exc.strerror or exc})"
    return StartupFailure(setting, f"port {port} on {host} {reason}; stop the other program or choose another {setting}")


def _first_line(exc: BaseException | object) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]
