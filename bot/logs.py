"""Where log records go and how they look: one line per record for journald and `docker logs`, JSON on request,
coloured on a terminal; secrets masked in every record whatever the level.

LOG_FORMAT=auto writes rich's coloured records on a terminal and plain lines otherwise; `plain` and `json`
force one. A record with a traceback stays one line: its newlines are written as the two characters `\\n`.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

# Secrets that may pass through a log record: Slack tokens, OAuth codes and states, response URLs, and the
# access tokens of an OAuth answer. Each is replaced, whatever logger wrote it.
_SECRET_PATTERNS = [
    re.compile(r"\bxox[abeoprs]-[A-Za-z0-9-]+"),
    re.compile(r"\bxapp-[A-Za-z0-9-]+"),
    re.compile(r"https://hooks\.slack\.com/[^\s'\"<>]+"),
    re.compile(r"(?i)([?&](?:code|state|client_secret)=)[^&\s'\"]+"),
    re.compile(r"(?i)(['\"](?:code|state|client_secret|access_token|refresh_token|token|bot_token|signing_secret)"
               r"['\"]\s*:\s*\[?\s*['\"])[^'\"]+"),
]
MASK = "[redacted]"
# Context a record may carry (log.info(..., extra={"feed_url": ...})), written as JSON fields.
CONTEXT_FIELDS = ("feed_url", "channel", "team", "story_id", "command")
# Libraries whose DEBUG records carry request and response bodies (OAuth answers, response URLs).
# matplotlib and PIL say at INFO that they built their font cache, a line on each fresh container's start.
_CHATTY = ("slack_sdk", "slack_bolt", "httpx", "httpcore", "urllib3", "apscheduler", "alembic", "matplotlib", "PIL",
           "procrastinate")


def redact(text: str, known: Iterable[str] = ()) -> str:
    """`text` with every known secret value and every secret-looking token replaced by MASK."""
    for value in known:
        if value and len(value) >= 6:
            text = text.replace(value, MASK)
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.re.groups else "") + MASK, text)
    return text


class _Redacting(logging.Formatter):
    """A formatter whose output has secrets masked and, unless `multiline`, no line breaks."""

    def __init__(self, inner: logging.Formatter, known: list[str], *, multiline: bool = False) -> None:
        super().__init__()
        self._inner = inner
        self.known = known
        self._multiline = multiline

    def format(self, record: logging.LogRecord) -> str:
        text = redact(self._inner.format(record), self.known)
        return text if self._multiline else text.replace("\r", "").replace("\n", "\\n")


class JSONFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, context fields and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            if name in record.__dict__:
                entry[name] = record.__dict__[name]
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def choose_format(log_format: str, stream: TextIO) -> str:
    """"rich", "plain" or "json" for LOG_FORMAT on `stream`."""
    if log_format in ("plain", "json"):
        return log_format
    return "rich" if getattr(stream, "isatty", lambda: False)() else "plain"


def configure_logging(*, level: str = "INFO", log_format: str = "auto", verbose: bool = False,
                      secrets: Iterable[str] = (), stream: TextIO | None = None) -> None:
    """Send every record to `stream` (stderr), at LOG_LEVEL (DEBUG with -v), in LOG_FORMAT, secrets masked.

    Calling it again replaces the handler (the command line calls it once early, then with the settings).
    """
    stream = stream or sys.stderr
    chosen = choose_format(log_format, stream)
    known = [s for s in secrets if s]
    handler: logging.Handler
    if chosen == "rich":
        from rich.console import Console
        from rich.logging import RichHandler

        handler = RichHandler(console=Console(file=stream), show_path=False, markup=False)
        handler.setFormatter(_Redacting(logging.Formatter("%(message)s"), known, multiline=True))
    else:
        handler = logging.StreamHandler(stream)
        inner = JSONFormatter() if chosen == "json" else logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s: %(message)s")
        handler.setFormatter(_Redacting(inner, known))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    chosen_level = logging.DEBUG if verbose else getattr(logging, level.upper(), logging.INFO)
    root.setLevel(chosen_level)
    handler.setLevel(chosen_level)  # also for loggers that set a lower level of their own
    for chatty in _CHATTY:
        # Their DEBUG records carry whole request and response bodies; -v is for diplobot's own records.
        floor = logging.INFO if chatty in ("slack_sdk", "slack_bolt") else logging.WARNING
        logging.getLogger(chatty).setLevel(max(floor, chosen_level))
