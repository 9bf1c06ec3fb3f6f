"""Slack Web API calls for the outbox: one client per token, pacing per channel, retries, and Slack's errors
sorted into what the poster does about them.

Rules: at most one message per `min_interval` per channel; 429 → wait `Retry-After` (or defer when the wait
is long); connection errors and 5xx → bounded exponential backoff, with a look (`before_retry`) before each
retry so an ambiguous failure never posts twice. The client itself never retries: a blind retry of
chat.postMessage could post twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from http.client import HTTPException
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain.channels import CHANNEL_ERRORS
from bot.metrics import count_rate_limit, count_slack_call
from bot.slack.blocks import SlackMessage

log = logging.getLogger(__name__)

CHANNEL_GONE = CHANNEL_ERRORS
WORKSPACE_GONE = {"invalid_auth", "token_revoked", "account_inactive", "not_authed", "token_expired",
                  "team_access_not_granted", "org_login_required"}
CHANNEL_GONE_WHY = {
    "channel_not_found": "the channel no longer exists or diplobot cannot see it",
    "not_in_channel": "diplobot is not a member of the channel",
    "is_archived": "the channel is archived",
    "channel_is_archived": "the channel is archived",
}
SERVER_TROUBLE = {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}

ChannelKey = tuple[str, str]  # (team id, channel id)


class ChannelGone(Exception):
    """Slack says this channel cannot receive our messages."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class WorkspaceGone(Exception):
    """Slack no longer accepts this workspace's token."""


class Deferred(Exception):
    """Try this later: Slack asked us to wait, or kept failing."""

    def __init__(self, wait_seconds: float, error: str) -> None:
        super().__init__(error)
        self.wait_seconds = wait_seconds
        self.error = error


class Rejected(Exception):
    """Slack refused this message for good (bad blocks, too long, restricted)."""


def _header(response: Any, name: str) -> str | None:
    headers = getattr(response, "headers", None) or {}
    for key, value in headers.items():
        if key.lower() == name.lower():
            return str(value[0] if isinstance(value, list) else value)
    return None


def retry_after(value: str | None) -> float:
    """Seconds from a Retry-After header; 1 when missing or unreadable, at most an hour."""
    try:
        return min(3600.0, max(0.0, float(value))) if value else 1.0
    except ValueError:
        return 1.0


class SlackTransport:
    """Paced, retried Web API calls for several workspaces; one instance per poster."""

    def __init__(self, api_url: str, token_for_team: Callable[[str], str | None], *,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
                 min_interval: float = 1.0, max_attempts: int = 4, backoff_base: float = 1.0,
                 max_backoff: float = 30.0, max_inline_wait: float = 10.0, timeout: float = 15.0) -> None:
        """
        Args:
            api_url: the Web API base URL.
            token_for_team: the bot token of a workspace, or None when it has none.
            sleep, clock: injectable for tests.
            min_interval: seconds between two messages to one channel (Slack allows about one a second).
            max_attempts: tries of one call for connection errors, 5xx and short 429s.
            backoff_base, max_backoff: exponential backoff between those tries, in seconds.
            max_inline_wait: a longer Retry-After raises `Deferred` instead of waiting.
            timeout: seconds to wait for one Web API answer.
        """
        self.api_url = api_url
        self._token_for_team = token_for_team
        self._sleep = sleep
        self._clock = clock
        self.min_interval = min_interval
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.max_backoff = max_backoff
        self.max_inline_wait = max_inline_wait
        self.timeout = timeout
        self._clients: dict[str, WebClient] = {}
        self._next_post: dict[ChannelKey, float] = {}

    def client(self, team_id: str) -> WebClient | None:
        """The Web API client of a workspace; None when it has no token."""
        token = self._token_for_team(team_id)
        if not token:
            return None
        if token not in self._clients:
            # No retry handlers: a blind retry of chat.postMessage could post twice; we retry ourselves.
            # slack_sdk annotates `timeout` as int; it goes to urllib, which takes fractions of a second.
            self._clients[token] = WebClient(token=token, base_url=self.api_url,
                                             timeout=self.timeout,  # type: ignore[arg-type]
                                             retry_handlers=[])
        return self._clients[token]

    # --- pacing --------------------------------------------------------------------------------------------------

    def ready_at(self, key: ChannelKey) -> float:
        """When, on the transport's clock, the channel may take its next message."""
        return self._next_post.get(key, 0.0)

    def wait_left(self, key: ChannelKey) -> float:
        """Seconds until the channel may take its next message (0 or less: now)."""
        return self.ready_at(key) - self._clock()

    def hold(self, key: ChannelKey, seconds: float) -> None:
        """Let the channel take no message for `seconds` from now."""
        self._next_post[key] = self._clock() + seconds

    def _pace(self, key: ChannelKey) -> None:
        wait = self.wait_left(key)
        if wait > 0:
            self._sleep(wait)

    # --- calls ---------------------------------------------------------------------------------------------------

    def call(self, key: ChannelKey | None, call: Callable[[], Any],
             before_retry: Callable[[], Any] | None = None) -> Any:
        """Run one Web API call: pace it (when `key` names a channel), retry what can be retried, and raise
        `ChannelGone`, `WorkspaceGone`, `Deferred` or `Rejected` for the rest.

        `before_retry` runs before each retry that follows an ambiguous failure; a result other than None
        means the first try did reach Slack, and is returned instead of calling again.
        """
        ambiguous = False
        last_error = ""
        for attempt in range(self.max_attempts):
            if ambiguous and before_retry is not None:
                found = before_retry()
                if found is not None:
                    return found
            if key is not None:
                self._pace(key)
            try:
                try:
                    answer = call()
                    count_slack_call(getattr(answer, "api_url", None), "ok")
                    return answer
                finally:
                    # Counted from Slack's answer, so two messages never reach Slack closer than min_interval.
                    if key is not None:
                        self.hold(key, self.min_interval)
            except SlackApiError as exc:
                response = exc.response
                status = getattr(response, "status_code", 200)
                error = (response.get("error") if hasattr(response, "get") else None) or f"HTTP {status}"
                count_slack_call(getattr(response, "api_url", None), str(error))
                if status == 429 or error == "ratelimited":
                    wait = retry_after(_header(response, "Retry-After"))
                    count_rate_limit(wait)
                    last_error = f"rate limited (Retry-After {wait:g} s)"
                    if wait > self.max_inline_wait or attempt == self.max_attempts - 1:
                        raise Deferred(wait, last_error) from exc
                    log.info("Slack asked us to wait %g s (channel %s)", wait, key[1] if key else "-")
                    self._sleep(wait)
                    continue
                if error in CHANNEL_GONE:
                    raise ChannelGone(error) from exc
                if error in WORKSPACE_GONE:
                    raise WorkspaceGone(error) from exc
                if status >= 500 or error in SERVER_TROUBLE:
                    ambiguous, last_error = True, f"Slack error {error} (HTTP {status})"
                else:
                    raise Rejected(error) from exc
            except (OSError, ValueError, HTTPException) as exc:  # URLError, timeouts, resets, a garbled body
                count_slack_call(None, "connection_error")
                ambiguous, last_error = True, f"connection error: {exc}"
            delay = min(self.max_backoff, self.backoff_base * 2 ** attempt)
            log.warning("%s; trying again in %.1f s", last_error, delay)
            self._sleep(delay)
        raise Deferred(self.backoff_base * 2 ** self.max_attempts, last_error)

    def post(self, client: WebClient, key: ChannelKey, message: SlackMessage, metadata: dict[str, Any],
             thread_ts: str | None = None, before_retry: Callable[[], Any] | None = None) -> Any:
        """chat.postMessage of one message with its metadata, paced and retried as `call` does; Slack's answer."""
        return self.call(
            key,
            lambda: client.chat_postMessage(channel=key[1], thread_ts=thread_ts, metadata=metadata,
                                            unfurl_links=False, unfurl_media=False, **message.payload()),
            before_retry,
        )

    def history(self, client: WebClient, channel_id: str, *, oldest: float, cursor: str | None) -> Any:
        """One page of conversations.history with message metadata, unpaced."""
        return self.call(None, lambda: client.conversations_history(
            channel=channel_id, oldest=f"{oldest:.6f}", limit=200, include_all_metadata=True, cursor=cursor))

    def replies(self, client: WebClient, channel_id: str, thread_ts: str) -> Any:
        """The first page of a thread's replies with message metadata, unpaced."""
        return self.call(None, lambda: client.conversations_replies(
            channel=channel_id, ts=thread_ts, limit=200, include_all_metadata=True))

    def tell(self, client: WebClient, user_id: str, text: str) -> None:
        """A plain direct message, once, without pacing or retries (a notice, not news)."""
        client.chat_postMessage(channel=user_id, text=text)
