"""Failures while answering Slack: logged with the payload (secrets blanked), told to the user in one line."""

from __future__ import annotations

import logging
from typing import Any

FAILURE_LINE = "Sorry, something went wrong on diplobot's side while answering that. It has been logged."
# Fields of a Slack payload that grant something and must never reach a log.
SECRET_FIELDS = {"token", "response_url", "trigger_id", "bot_access_token", "enterprise_token"}


def loggable(payload: Any) -> Any:
    """The payload with tokens, response URLs and trigger ids blanked, fit for a log line."""
    if isinstance(payload, dict):
        return {k: "…" if k in SECRET_FIELDS else loggable(v) for k, v in payload.items()}
    if isinstance(payload, list):
        return [loggable(v) for v in payload]
    return payload


def report_error(error: Exception, body: dict[str, Any], logger: logging.Logger) -> None:
    """The app-wide error handler: the exception and payload to the log, one short line to the user."""
    logger.error("listener failed: %r; payload: %s", error, loggable(body), exc_info=error)
    tell_user_it_failed(body, logger)


def tell_user_it_failed(body: dict[str, Any], logger: logging.Logger) -> None:
    """Send FAILURE_LINE to the request's response_url, if it has one."""
    url = body.get("response_url") if isinstance(body, dict) else None
    if not url:
        return
    from slack_sdk.webhook import WebhookClient

    try:
        WebhookClient(url, timeout=5).send(text=FAILURE_LINE, response_type="ephemeral", replace_original=False)
    except Exception as exc:  # noqa: BLE001 - the user cannot be told; the log still has the original failure
        logger.warning("could not tell the user about the failure: %r", exc)
