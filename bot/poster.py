"""The poster: sends due outbox rows to Slack, each story once, whatever Slack or a crash does meanwhile.

Public names:
- `Poster(db, settings, *, load_stories=None, token_for_team=None, sleep=time.sleep, clock=time.monotonic,
  now=None, min_interval=1.0, max_attempts=4, backoff_base=1.0, max_backoff=30.0, max_inline_wait=10.0,
  max_claims=8, batch=100, timeout=15.0)`
  - `Poster.send_due(*, team_id=None, channel_id=None) -> DeliveryReport`: one pass over due rows.
  - `Poster.recover() -> int`: settle rows a crash left in "sending" (done by the first `send_due`).
  - `Poster.remind_deadlines(*, days=7, lookback_days=90) -> int`: the daily deadline-reminder job's body.
  - `Poster.post_message(team_id, channel_id, message, event_type=REMINDER_EVENT) -> str | None`: one paced
    message outside the outbox (reminders).
- `DeliveryReport`: counts of what one pass did.
- `STORY_EVENT = "diplobot_story"`, `QUOTES_EVENT = "diplobot_story_quotes"`: our message metadata types.

Rules it keeps: at most one message a second per channel; 429 → wait `Retry-After` (or defer the row when
the wait is long); connection errors and 5xx → bounded exponential backoff, and before any retry it looks in
conversations.history for its own message (metadata `{event_type: "diplobot_story", event_payload:
{story_id}}`) so an ambiguous failure or a crash never posts twice. `channel_not_found`, `not_in_channel`,
`is_archived` pause that channel and DM whoever subscribed it; `invalid_auth`, `token_revoked` stop the
workspace. None of these stops other channels.

Run one poster per database: its first pass puts rows left in "sending" back in the queue, which is only
right when no other poster is sending at that moment.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.client import HTTPException
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.digest import SlackMessage, quotes_reply, story_message
from bot.mrkdwn import code
from bot.storage import Database, delivery
from bot.storage.delivery import OutboxItem
from bot.stories import Story

log = logging.getLogger(__name__)

STORY_EVENT = "diplobot_story"
QUOTES_EVENT = "diplobot_story_quotes"
REMINDER_EVENT = "diplobot_deadline_reminder"
CHANNEL_GONE = delivery.CHANNEL_ERRORS
WORKSPACE_GONE = {"invalid_auth", "token_revoked", "account_inactive", "not_authed", "token_expired",
                  "team_access_not_granted", "org_login_required"}
CHANNEL_GONE_WHY = {
    "channel_not_found": "the channel no longer exists or diplobot cannot see it",
    "not_in_channel": "diplobot is not a member of the channel",
    "is_archived": "the channel is archived",
    "channel_is_archived": "the channel is archived",
}
HISTORY_PAGES = 5


class _ChannelGone(Exception):
    """Slack says this channel cannot receive our messages."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class _WorkspaceGone(Exception):
    """Slack no longer accepts this workspace's token."""


class _Deferred(Exception):
    """Try this row again later: Slack asked us to wait, or kept failing."""

    def __init__(self, wait_seconds: float, error: str) -> None:
        super().__init__(error)
        self.wait_seconds = wait_seconds
        self.error = error


class _Rejected(Exception):
    """Slack refused this message for good (bad blocks, too long, restricted)."""


@dataclass
class DeliveryReport:
    """What one `send_due` pass did."""

    sent: int = 0
    recovered: int = 0  # found already in Slack after a crash or an ambiguous error: not sent again
    deferred: int = 0  # back to pending for a later pass
    failed: int = 0
    skipped: int = 0
    paused_channels: list[str] = field(default_factory=list)
    stopped_teams: list[str] = field(default_factory=list)


def _header(response: Any, name: str) -> str | None:
    headers = getattr(response, "headers", None) or {}
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value[0] if isinstance(value, list) else value
    return None


def _retry_after(value: str | None) -> float:
    """Seconds from a Retry-After header; 1 when missing or unreadable, at most an hour."""
    try:
        return min(3600.0, max(0.0, float(value))) if value else 1.0
    except ValueError:
        return 1.0


def _story_id_of(message: dict[str, Any], event_type: str) -> int | None:
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != event_type:
        return None
    try:
        return int((metadata.get("event_payload") or {}).get("story_id"))
    except (TypeError, ValueError):
        return None


class Poster:
    """Sends due outbox rows; one instance per process, one pass at a time."""

    def __init__(self, db: Database, settings: Settings, *,
                 load_stories: Callable[..., list[Story]] | None = None,
                 token_for_team: Callable[[str], str | None] | None = None,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
                 now: Callable[[], datetime] | None = None, min_interval: float = 1.0, max_attempts: int = 4,
                 backoff_base: float = 1.0, max_backoff: float = 30.0, max_inline_wait: float = 10.0,
                 max_claims: int = 8, batch: int = 100, timeout: float = 15.0) -> None:
        """
        Args:
            db: the database with the outbox.
            settings: `slack_api_url` and, in single-workspace mode, `slack_bot_token`.
            load_stories: `load_stories(db, story_ids=...)`; by default `bot.storage.stories.load_stories`.
            token_for_team: the bot token of a workspace (multi-workspace mode); default: the settings' token.
            sleep, clock, now: injectable for tests.
            min_interval: seconds between two messages to one channel (Slack allows about one a second).
            max_attempts: tries of one call within a pass for connection errors, 5xx and short 429s.
            backoff_base, max_backoff: exponential backoff between those tries, in seconds.
            max_inline_wait: a longer Retry-After defers the row to a later pass instead of waiting.
            max_claims: a row claimed this many times without success is marked failed.
            batch: rows claimed per pass.
            timeout: seconds to wait for one Web API answer.
        """
        if load_stories is None:
            from bot.storage.stories import load_stories as stored

            load_stories = stored
        self.db = db
        self.settings = settings
        self._load_stories = load_stories
        self._token_for_team = token_for_team or self._settings_token
        self._sleep = sleep
        self._clock = clock
        self._now = now or (lambda: datetime.now(UTC))
        self.min_interval = min_interval
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.max_backoff = max_backoff
        self.max_inline_wait = max_inline_wait
        self.max_claims = max_claims
        self.batch = batch
        self.timeout = timeout
        self._clients: dict[str, WebClient] = {}
        self._next_post: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()
        self._recovered_once = False

    # --- Slack clients ---------------------------------------------------------------------------------------

    def _settings_token(self, team_id: str) -> str | None:
        token = self.settings.slack_bot_token
        return token.get_secret_value() if token else None

    def _client(self, team_id: str) -> WebClient | None:
        token = self._token_for_team(team_id)
        if not token:
            return None
        if token not in self._clients:
            # No retry handlers: a blind retry of chat.postMessage could post twice; we retry ourselves.
            self._clients[token] = WebClient(token=token, base_url=self.settings.slack_api_url,
                                             timeout=self.timeout,
                                             retry_handlers=[])
        return self._clients[token]

    # --- one Slack call, with pacing and the error rules -------------------------------------------------------

    def _pace(self, key: tuple[str, str]) -> None:
        wait = self._next_post.get(key, 0.0) - self._clock()
        if wait > 0:
            self._sleep(wait)

    def _call(self, key: tuple[str, str] | None, call: Callable[[], Any],
              before_retry: Callable[[], Any] | None = None) -> Any:
        """Run one Web API call: pace it, retry what can be retried, turn the rest into our exceptions.

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
                    return call()
                finally:
                    # Counted from Slack's answer, so two messages never reach Slack closer than min_interval.
                    if key is not None:
                        self._next_post[key] = self._clock() + self.min_interval
            except SlackApiError as exc:
                response = exc.response
                status = getattr(response, "status_code", 200)
                error = (response.get("error") if hasattr(response, "get") else None) or f"HTTP {status}"
                if status == 429 or error == "ratelimited":
                    wait = _retry_after(_header(response, "Retry-After"))
                    last_error = f"rate limited (Retry-After {wait:g} s)"
                    if wait > self.max_inline_wait or attempt == self.max_attempts - 1:
                        raise _Deferred(wait, last_error) from exc
                    log.info("Slack asked us to wait %g s (channel %s)", wait, key[1] if key else "-")
                    self._sleep(wait)
                    continue
                if error in CHANNEL_GONE:
                    raise _ChannelGone(error) from exc
                if error in WORKSPACE_GONE:
                    raise _WorkspaceGone(error) from exc
                if status >= 500 or error in ("internal_error", "fatal_error", "service_unavailable",
                                              "request_timeout"):
                    ambiguous, last_error = True, f"Slack error {error} (HTTP {status})"
                else:
                    raise _Rejected(error) from exc
            except (OSError, ValueError, HTTPException) as exc:  # URLError, timeouts, resets, a garbled body
                ambiguous, last_error = True, f"connection error: {exc}"
            delay = min(self.max_backoff, self.backoff_base * 2 ** attempt)
            log.warning("%s; trying again in %.1f s", last_error, delay)
            self._sleep(delay)
        raise _Deferred(self.backoff_base * 2 ** self.max_attempts, last_error)

    # --- finding our own messages ------------------------------------------------------------------------------

    def _find_story_message(self, client: WebClient, item: OutboxItem) -> str | None:
        """The ts of our message for this story in the channel, when it is there."""
        oldest = (item.created_at - timedelta(minutes=5)).timestamp()
        cursor = None
        for _ in range(HISTORY_PAGES):
            try:
                response = self._call(None, lambda c=cursor: client.conversations_history(
                    channel=item.channel_id, oldest=f"{oldest:.6f}", limit=200, include_all_metadata=True,
                    cursor=c))
            except _Rejected as exc:
                # Without the history (missing_scope, say) we cannot know: wait rather than risk a double.
                raise _Deferred(300, f"cannot look for our earlier message: {exc}") from exc
            for message in response.get("messages") or []:
                if _story_id_of(message, STORY_EVENT) == item.story_id:
                    return message.get("ts")
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not response.get("has_more") or not cursor:
                return None
        return None

    def _find_quotes_reply(self, client: WebClient, item: OutboxItem, thread_ts: str) -> bool:
        response = self._call(None, lambda: client.conversations_replies(
            channel=item.channel_id, ts=thread_ts, limit=200, include_all_metadata=True))
        return any(_story_id_of(m, QUOTES_EVENT) == item.story_id for m in response.get("messages") or [])

    # --- one row -------------------------------------------------------------------------------------------------

    def _post(self, client: WebClient, item: OutboxItem, message: SlackMessage, event_type: str,
              thread_ts: str | None = None, before_retry: Callable[[], Any] | None = None) -> Any:
        metadata = {"event_type": event_type, "event_payload": {"story_id": item.story_id}}
        return self._call(
            (item.team_id, item.channel_id),
            lambda: client.chat_postMessage(channel=item.channel_id, thread_ts=thread_ts, metadata=metadata,
                                            unfurl_links=False, unfurl_media=False, **message.payload()),
            before_retry,
        )

    def _deliver(self, client: WebClient, item: OutboxItem, story: Story, *, check_first: bool) -> bool:
        """Post the story and its quotes thread; True when the story's message was already in Slack."""
        ts = item.message_ts
        if ts is None and check_first:
            ts = self._find_story_message(client, item)
        already_there = ts is not None
        if ts is None:
            def find_after_failure() -> dict[str, Any] | None:
                existing = self._find_story_message(client, item)
                return {"ts": existing, "found": True} if existing else None

            response = self._post(client, item, story_message(story), STORY_EVENT, before_retry=find_after_failure)
            ts = response["ts"]
            already_there = bool(response.get("found"))
        delivery.record_message(self.db, item.id, ts)
        reply = quotes_reply(story)
        # The thread reply can only have gone out if the main message had been recorded before: look then.
        try:
            if reply is not None and not (item.message_ts and self._find_quotes_reply(client, item, ts)):
                self._post(client, item, reply, QUOTES_EVENT, thread_ts=ts,
                           before_retry=lambda: True if self._find_quotes_reply(client, item, ts) else None)
        except _Rejected as exc:
            # The story itself is posted; a refused quotes thread must not make it look unsent.
            log.warning("Slack refused the quotes thread of story %s in %s: %s", item.story_id, item.channel_id, exc)
        delivery.mark_sent(self.db, item.id, ts, now=self._now())
        return already_there

    def _notify_paused(self, client: WebClient, team_id: str, channel_id: str, error: str) -> None:
        why = CHANNEL_GONE_WHY.get(error, error)
        text = (f"diplobot paused its digests for <#{channel_id}>: {why} (`{error}`). "
                f"To resume, add diplobot to the channel again (`/invite @diplobot`) and run "
                f"{code('/diplo resume')} (or {code('/subscribe <topic>')}) there.")
        for user in delivery.subscribers(self.db, team_id, channel_id):
            try:
                client.chat_postMessage(channel=user, text=text)
            except Exception as exc:  # one unreachable user does not stop the others
                log.warning("could not tell %s that channel %s is paused: %s", user, channel_id, exc)

    # --- passes --------------------------------------------------------------------------------------------------

    def recover(self) -> int:
        """Settle rows a crash left in "sending": they go back to the queue and are checked before sending."""
        rows = delivery.interrupted(self.db)
        for item in rows:
            delivery.release(self.db, item.id, not_before=self._now(), error="interrupted while sending")
        if rows:
            log.info("%d outbox rows were interrupted while sending; checking Slack before sending them", len(rows))
        return len(rows)

    def send_due(self, *, team_id: str | None = None, channel_id: str | None = None) -> DeliveryReport:
        """Send every due row (of one team or channel when given); one pass, never two at once."""
        with self._lock:
            if not self._recovered_once:
                self.recover()
                self._recovered_once = True
            report = DeliveryReport()
            items = delivery.due_items(self.db, now=self._now(), limit=self.batch, team_id=team_id,
                                       channel_id=channel_id)
            if items:
                self._send(items, report)
            return report

    def _send(self, items: list[OutboxItem], report: DeliveryReport) -> None:
        stories = {s.id: s for s in self._load_stories(self.db, story_ids=sorted({i.story_id for i in items}))}
        queues: OrderedDict[tuple[str, str], deque[OutboxItem]] = OrderedDict()
        for item in items:
            queues.setdefault((item.team_id, item.channel_id), deque()).append(item)
        while queues:
            # Round-robin over channels: the one allowed to post soonest goes next.
            key = min(queues, key=lambda k: self._next_post.get(k, 0.0))
            if self._next_post.get(key, 0.0) - self._clock() > self.max_inline_wait:
                del queues[key]  # Slack asked this channel to wait long: its rows go in a later pass
                continue
            item = queues[key].popleft()
            if not queues[key]:
                del queues[key]
            outcome = self._send_one(item, stories.get(item.story_id), report)
            # Rows left in a dropped queue were never claimed: they stay pending for a later pass.
            if outcome == "channel":
                queues.pop(key, None)
            elif outcome == "team":
                for other in [k for k in queues if k[0] == item.team_id]:
                    del queues[other]

    # --- messages outside the outbox: deadline reminders ----------------------------------------------------

    def post_message(self, team_id: str, channel_id: str, message: SlackMessage,
                     event_type: str = REMINDER_EVENT) -> str | None:
        """Post one message with the same pacing and error rules, without outbox memory; its ts, or None."""
        client = self._client(team_id)
        if client is None:
            log.error("no bot token for workspace %s: message to %s not sent", team_id, channel_id)
            return None
        metadata = {"event_type": event_type, "event_payload": {"story_ids": message.story_ids}}
        try:
            response = self._call((team_id, channel_id), lambda: client.chat_postMessage(
                channel=channel_id, metadata=metadata, unfurl_links=False, unfurl_media=False, **message.payload()))
            return response["ts"]
        except _ChannelGone as exc:
            if delivery.pause_channel(self.db, team_id, channel_id, exc.error):
                log.warning("paused channel %s/%s: %s", team_id, channel_id, exc.error)
                self._notify_paused(client, team_id, channel_id, exc.error)
        except _WorkspaceGone as exc:
            delivery.pause_team(self.db, team_id, f"workspace token refused: {exc}")
            log.error("stopped delivery to workspace %s: %s", team_id, exc)
        except (_Deferred, _Rejected) as exc:
            log.error("message to %s/%s not sent: %s", team_id, channel_id, exc)
        return None

    def remind_deadlines(self, *, days: int = 7, lookback_days: int = 90) -> int:
        """Post, to every running subscribed channel, the deadlines of its stories due within `days` days.

        Deadlines come from stories of the last `lookback_days` days; "today" is the channel's own date.
        Returns the number of reminders posted.
        """
        from bot.digest import choose_stories, deadline_reminder, upcoming_deadlines
        from bot.schedule import zone

        with self._lock:
            now = self._now()
            stories = self._load_stories(self.db, since=now - timedelta(days=lookback_days))
            channels = {(c.team_id, c.channel_id): c for c in delivery.list_channels(self.db)}
            topics: dict[tuple[str, str], list] = {}
            for sub in delivery.list_subscriptions(self.db):
                topics.setdefault((sub.team_id, sub.channel_id), []).append(sub.topic)
            posted = 0
            for (team_id, channel_id), channel_topics in topics.items():
                channel = channels.get((team_id, channel_id))
                if channel is None or channel.paused:
                    continue
                today = now.astimezone(zone(channel.timezone)).date()
                items = upcoming_deadlines(choose_stories(stories, channel_topics), today=today, days=days)
                message = deadline_reminder(items, today=today, days=days)
                if message is not None and self.post_message(team_id, channel_id, message):
                    posted += 1
            return posted

    def _send_one(self, item: OutboxItem, story: Story | None, report: DeliveryReport) -> str:
        """Claim and send one row; "ok", or "channel"/"team" when the rest of that channel/team must wait."""
        where = f"story {item.story_id} to {item.team_id}/{item.channel_id}"
        client = self._client(item.team_id)
        if client is None:
            log.error("no bot token for workspace %s: %s waits", item.team_id, where)
            return "team"
        claimed = delivery.claim(self.db, item.id)
        if claimed is None:  # another poster took it
            return "ok"
        item = claimed
        if story is None:
            delivery.mark_skipped(self.db, item.id, "story no longer stored")
            report.skipped += 1
            return "ok"
        try:
            # A row claimed before (attempts > 1) may have reached Slack last time: look before posting.
            if self._deliver(client, item, story, check_first=item.attempts > 1):
                report.recovered += 1
                log.info("%s was already in Slack; recorded it without sending again", where)
            else:
                report.sent += 1
            return "ok"
        except _Deferred as exc:
            if item.attempts >= self.max_claims:
                delivery.mark_failed(self.db, item.id, f"gave up after {item.attempts} tries: {exc.error}")
                report.failed += 1
                log.error("gave up on %s: %s", where, exc.error)
            else:
                delivery.release(self.db, item.id, not_before=self._now() + timedelta(seconds=exc.wait_seconds),
                                 error=exc.error)
                report.deferred += 1
                log.warning("%s deferred by %.0f s: %s", where, exc.wait_seconds, exc.error)
            self._next_post[(item.team_id, item.channel_id)] = self._clock() + exc.wait_seconds
            return "channel"
        except _Rejected as exc:
            delivery.mark_failed(self.db, item.id, f"Slack refused the message: {exc}")
            report.failed += 1
            log.error("Slack refused %s: %s", where, exc)
            return "ok"
        except _ChannelGone as exc:
            delivery.release(self.db, item.id, not_before=self._now(), error=exc.error)
            if delivery.pause_channel(self.db, item.team_id, item.channel_id, exc.error):
                log.warning("paused channel %s/%s: %s", item.team_id, item.channel_id, exc.error)
                report.paused_channels.append(item.channel_id)
                self._notify_paused(client, item.team_id, item.channel_id, exc.error)
            return "channel"
        except _WorkspaceGone as exc:
            delivery.release(self.db, item.id, not_before=self._now(), error=str(exc))
            delivery.pause_team(self.db, item.team_id, f"workspace token refused: {exc}")
            report.stopped_teams.append(item.team_id)
            log.error("stopped delivery to workspace %s: %s", item.team_id, exc)
            return "team"
        except Exception:
            # A bug or a broken story must not stop the other rows, nor leave this one stuck in "sending".
            log.exception("could not send %s; trying again later", where)
            delivery.release(self.db, item.id, not_before=self._now() + timedelta(minutes=1),
                             error="unexpected error, see the log")
            report.deferred += 1
            return "ok"
