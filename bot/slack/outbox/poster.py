"""The poster: sends due outbox rows to Slack, each story once, whatever Slack or a crash does meanwhile.

What a channel sees: on a daily schedule, at its time, one digest of every due story, newest first (several
messages only when Block Kit limits need them); "asap", a story that comes alone as its own message with a
thread reply holding all its quotes, and stories due together in balanced batches of at most
`BATCH_STORIES` per message (7 go as 4 + 3). Digests and batches carry no quotes threads.

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
- `story_ids_listed(message) -> list[int]`: the story ids one of our Slack messages shows, from its metadata.
- Our message metadata types: `STORY_EVENT = "diplobot_story"` (`{story_id}`), `DIGEST_EVENT =
  "diplobot_digest"` (`{story_ids: [...]}`), `QUOTES_EVENT = "diplobot_story_quotes"` (`{story_id}`).

Rules it keeps: the rows of one message are claimed together ("sending") just before it is sent and marked
sent with its ts after; at most one message a second per channel; 429 → wait `Retry-After` (or defer the
rows when the wait is long); connection errors and 5xx → bounded exponential backoff, and before any retry,
and before sending rows claimed in an earlier pass (a crash, a deferral), it looks in conversations.history
for its own messages by their metadata, so an ambiguous failure or a crash never posts a story twice. Slack
refusing a batch (invalid_blocks, say) sends its stories one by one, so only a bad one fails. `channel_not_found`, `not_in_channel`,
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
from bot.domain.channels import CHANNEL_ERRORS, Channel
from bot.domain.schedule import ASAP, zone
from bot.domain.stories import Story
from bot.slack.blocks import SlackMessage
from bot.slack.digest import build_digest, quotes_reply, story_message
from bot.slack.mrkdwn import code
from bot.storage import Database, delivery
from bot.storage.delivery import OutboxItem

log = logging.getLogger(__name__)

STORY_EVENT = "diplobot_story"  # one story: {"story_id": id}
DIGEST_EVENT = "diplobot_digest"  # several stories: {"story_ids": [id, ...]}
QUOTES_EVENT = "diplobot_story_quotes"
REMINDER_EVENT = "diplobot_deadline_reminder"
CHANNEL_GONE = CHANNEL_ERRORS
WORKSPACE_GONE = {"invalid_auth", "token_revoked", "account_inactive", "not_authed", "token_expired",
                  "team_access_not_granted", "org_login_required"}
CHANNEL_GONE_WHY = {
    "channel_not_found": "the channel no longer exists or diplobot cannot see it",
    "not_in_channel": "diplobot is not a member of the channel",
    "is_archived": "the channel is archived",
    "channel_is_archived": "the channel is archived",
}
HISTORY_PAGES = 5
# "asap" channels: stories due together share a message, at most this many to one message.
BATCH_STORIES = 5
# Daily channels: at most this many stories in one pass's digest (the rest follow in the next pass).
DIGEST_MOST = 200


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

    sent: int = 0  # stories (outbox rows) posted in this pass
    recovered: int = 0  # found already in Slack after a crash or an ambiguous error: not sent again
    deferred: int = 0  # back to pending for a later pass
    failed: int = 0
    skipped: int = 0
    messages: int = 0  # messages posted (a digest or batch carries several stories)
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


def story_ids_listed(message: dict[str, Any]) -> list[int]:
    """The story ids a Slack message of ours shows, read from its metadata (story or digest); [] for others."""
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    try:
        if metadata.get("event_type") == STORY_EVENT:
            return [int(payload.get("story_id"))]
        if metadata.get("event_type") == DIGEST_EVENT:
            return [int(story_id) for story_id in payload.get("story_ids") or []]
    except (TypeError, ValueError):
        pass
    return []


@dataclass
class _Found:
    """Where a story already is in Slack: the message's ts, and whether that message is a digest."""

    ts: str
    digest: bool


@dataclass
class _Parcel:
    """The outbox rows one message carries, their stories, and the message (None: one story with its thread)."""

    items: list[OutboxItem]
    stories: list[Story]
    message: SlackMessage | None
    found: bool = False  # the story's message was found in Slack before this pass: only its thread may be missing


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
        self._channels: dict[tuple[str, str], Channel] = {}
        # Stories Slack refused inside a batch: from then on each goes alone, so only a bad one fails.
        self._alone: set[int] = set()

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

    def _find_posted(self, client: WebClient, channel_id: str, items: list[OutboxItem]) -> dict[int, _Found]:
        """Our top-level messages in the channel that show these rows' stories: story id → where it is."""
        wanted = {item.story_id for item in items}
        oldest = (min(item.created_at for item in items) - timedelta(minutes=5)).timestamp()
        found: dict[int, _Found] = {}
        cursor = None
        for _ in range(HISTORY_PAGES):
            try:
                response = self._call(None, lambda c=cursor: client.conversations_history(
                    channel=channel_id, oldest=f"{oldest:.6f}", limit=200, include_all_metadata=True,
                    cursor=c))
            except _Rejected as exc:
                # Without the history (missing_scope, say) we cannot know: wait rather than risk a double.
                raise _Deferred(300, f"cannot look for our earlier message: {exc}") from exc
            for message in response.get("messages") or []:
                event_type = (message.get("metadata") or {}).get("event_type")
                for story_id in story_ids_listed(message):
                    if story_id in wanted and story_id not in found and message.get("ts"):
                        found[story_id] = _Found(message["ts"], event_type == DIGEST_EVENT)
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if wanted <= found.keys() or not response.get("has_more") or not cursor:
                break
        return found

    def _find_quotes_reply(self, client: WebClient, item: OutboxItem, thread_ts: str) -> bool:
        response = self._call(None, lambda: client.conversations_replies(
            channel=item.channel_id, ts=thread_ts, limit=200, include_all_metadata=True))
        return any(_story_id_of(m, QUOTES_EVENT) == item.story_id for m in response.get("messages") or [])

    # --- one message -------------------------------------------------------------------------------------------

    def _post(self, client: WebClient, item: OutboxItem, message: SlackMessage, metadata: dict[str, Any],
              thread_ts: str | None = None, before_retry: Callable[[], Any] | None = None) -> Any:
        return self._call(
            (item.team_id, item.channel_id),
            lambda: client.chat_postMessage(channel=item.channel_id, thread_ts=thread_ts, metadata=metadata,
                                            unfurl_links=False, unfurl_media=False, **message.payload()),
            before_retry,
        )

    def _deliver_story(self, client: WebClient, item: OutboxItem, story: Story) -> bool:
        """Post one story and its quotes thread; True when the story's message was already in Slack."""
        ts = item.message_ts
        already_there = ts is not None
        if ts is None:
            def find_after_failure() -> dict[str, Any] | None:
                found = self._find_posted(client, item.channel_id, [item]).get(item.story_id)
                return {"ts": found.ts, "found": True} if found else None

            metadata = {"event_type": STORY_EVENT, "event_payload": {"story_id": item.story_id}}
            response = self._post(client, item, story_message(story), metadata, before_retry=find_after_failure)
            ts = response["ts"]
            already_there = bool(response.get("found"))
        delivery.record_message(self.db, item.id, ts)
        reply = quotes_reply(story)
        # The thread reply can only have gone out if the main message had been recorded before: look then.
        try:
            if reply is not None and not (item.message_ts and self._find_quotes_reply(client, item, ts)):
                metadata = {"event_type": QUOTES_EVENT, "event_payload": {"story_id": item.story_id}}
                self._post(client, item, reply, metadata, thread_ts=ts,
                           before_retry=lambda: True if self._find_quotes_reply(client, item, ts) else None)
        except _Rejected as exc:
            # The story itself is posted; a refused quotes thread must not make it look unsent.
            log.warning("Slack refused the quotes thread of story %s in %s: %s", item.story_id, item.channel_id, exc)
        delivery.mark_sent(self.db, item.id, ts, now=self._now())
        return already_there

    def _deliver_digest(self, client: WebClient, items: list[OutboxItem], message: SlackMessage,
                        report: DeliveryReport) -> None:
        """Post one message of several stories and mark all its rows sent with its ts."""
        first = items[0]
        metadata = {"event_type": DIGEST_EVENT, "event_payload": {"story_ids": [i.story_id for i in items]}}

        def find_after_failure() -> dict[str, Any] | None:
            found = self._find_posted(client, first.channel_id, items)
            return {"found": found} if found else None

        response = self._post(client, first, message, metadata, before_retry=find_after_failure)
        if "found" not in response:
            delivery.mark_all_sent(self.db, [i.id for i in items], response["ts"], now=self._now())
            report.sent += len(items)
            report.messages += 1
            return
        # The failed try did reach Slack after all: record what it shows, and queue the rest again.
        self._settle_found(items, response["found"], report)

    def _settle_found(self, items: list[OutboxItem], found: dict[int, _Found], report: DeliveryReport) -> None:
        """Rows whose story is already in Slack become sent; the others go back to the queue."""
        by_ts: dict[str, list[int]] = {}
        for item in items:
            if item.story_id in found:
                by_ts.setdefault(found[item.story_id].ts, []).append(item.id)
            else:
                delivery.release(self.db, item.id, not_before=self._now(), error="regrouped after a failed try")
        for ts, ids in by_ts.items():
            delivery.mark_all_sent(self.db, ids, ts, now=self._now())
            report.recovered += len(ids)

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
            self._channels = {(c.team_id, c.channel_id): c for c in delivery.list_channels(self.db)}
            items = delivery.due_items(self.db, now=self._now(), limit=self.batch, team_id=team_id,
                                       channel_id=channel_id)
            if items:
                self._send(self._complete_digests(items), report)
            return report

    def _complete_digests(self, items: list[OutboxItem]) -> list[OutboxItem]:
        """When the pass's row limit may have cut a daily channel's rows, fetch all of them: one digest."""
        if len(items) < self.batch:
            return items
        kept = [item for item in items if not self._is_daily(item.team_id, item.channel_id)]
        for team_id, channel_id in dict.fromkeys((i.team_id, i.channel_id) for i in items):
            if self._is_daily(team_id, channel_id):
                kept += delivery.due_items(self.db, now=self._now(), limit=DIGEST_MOST, team_id=team_id,
                                           channel_id=channel_id)
        return kept

    def _is_daily(self, team_id: str, channel_id: str) -> bool:
        channel = self._channels.get((team_id, channel_id))
        return channel is not None and channel.schedule != ASAP

    def _send(self, items: list[OutboxItem], report: DeliveryReport) -> None:
        stories = {s.id: s for s in self._load_stories(self.db, story_ids=sorted({i.story_id for i in items}))}
        rows: OrderedDict[tuple[str, str], list[OutboxItem]] = OrderedDict()
        for item in items:
            rows.setdefault((item.team_id, item.channel_id), []).append(item)
        queues: OrderedDict[tuple[str, str], deque[_Parcel]] = OrderedDict()
        stopped_teams: set[str] = set()
        for key, channel_items in rows.items():
            if key[0] in stopped_teams:
                continue
            try:
                parcels, outcome = self._parcels(key, channel_items, stories, report)
            except Exception:
                # A bug while grouping one channel must not stop the others; its rows stay pending.
                log.exception("could not group the due stories of %s/%s; trying again later", *key)
                continue
            if outcome == "team":
                stopped_teams.add(key[0])
                for other in [k for k in queues if k[0] == key[0]]:
                    del queues[other]
            elif outcome == "ok" and parcels:
                queues[key] = deque(parcels)
        while queues:
            # Round-robin over channels: the one allowed to post soonest goes next.
            key = min(queues, key=lambda k: self._next_post.get(k, 0.0))
            if self._next_post.get(key, 0.0) - self._clock() > self.max_inline_wait:
                del queues[key]  # Slack asked this channel to wait long: its rows go in a later pass
                continue
            parcel = queues[key].popleft()
            outcome, again = self._send_parcel(parcel, report)
            queues[key].extendleft(reversed(again))
            if not queues[key]:
                del queues[key]
            # Rows left in a dropped queue were never claimed: they stay pending for a later pass.
            if outcome == "channel":
                queues.pop(key, None)
            elif outcome == "team":
                for other in [k for k in queues if k[0] == key[0]]:
                    del queues[other]

    # --- grouping a channel's due rows into messages -----------------------------------------------------------

    def _parcels(self, key: tuple[str, str], items: list[OutboxItem], stories: dict[int, Story],
                 report: DeliveryReport) -> tuple[list[_Parcel], str]:
        """The messages that carry a channel's due rows, after settling rows that may already be in Slack.

        Returns the parcels and "ok", or "channel"/"team" when that channel/team must wait (nothing claimed).
        """
        team_id, channel_id = key
        client = self._client(team_id)
        if client is None:
            log.error("no bot token for workspace %s: %d stories for %s wait", team_id, len(items), channel_id)
            return [], "team"
        parcels: list[_Parcel] = []
        fresh: list[tuple[OutboxItem, Story]] = []
        for item in items:
            story = stories.get(item.story_id)
            if story is None:
                self._settle_unsendable(item, "story no longer stored", report, skip=True)
            elif not self._renders(story, item):
                self._settle_unsendable(item, "unexpected error, see the log", report, skip=False)
            elif item.message_ts is not None:
                parcels.append(_Parcel([item], [story], None))  # its message is there; the thread may be not
            else:
                fresh.append((item, story))
        # A row claimed before (attempts > 0) may have reached Slack last time: look before posting it again.
        again = [item for item, _ in fresh if item.attempts > 0]
        if again:
            try:
                found = self._find_posted(client, channel_id, again)
            except _Deferred as exc:
                self._defer(again, exc, report)
                return [], "channel"
            except _ChannelGone as exc:
                self._channel_gone(client, key, exc, report)
                return [], "channel"
            except _WorkspaceGone as exc:
                self._workspace_gone(team_id, exc, report)
                return [], "team"
            single = {sid for sid, where in found.items() if not where.digest}
            digest_found = {sid: where for sid, where in found.items() if where.digest}
            if digest_found:
                rows = [i for i, _ in fresh if i.story_id in digest_found]
                delivery.claim_all(self.db, [i.id for i in rows])
                self._settle_found(rows, digest_found, report)
                log.info("%d stories for %s were already in Slack; recorded without sending again",
                         len(rows), channel_id)
            for item, story in fresh:
                if item.story_id in single:
                    item.message_ts = found[item.story_id].ts
                    parcels.append(_Parcel([item], [story], None, found=True))
            fresh = [(i, s) for i, s in fresh if i.story_id not in found]
        return parcels + self._group(key, fresh), "ok"

    def _group(self, key: tuple[str, str], fresh: list[tuple[OutboxItem, Story]]) -> list[_Parcel]:
        """Daily: one digest of everything due, newest first; asap: a lone story alone, else small batches."""
        if not fresh:
            return []
        newest_first = sorted(fresh, key=lambda pair: (pair[1].published, pair[1].id), reverse=True)
        alone = [pair for pair in newest_first if pair[1].id in self._alone]
        rest = [pair for pair in newest_first if pair[1].id not in self._alone]
        parcels = [_Parcel([item], [story], None) for item, story in alone]
        if not rest:
            return parcels
        channel = self._channels.get(key)
        if channel is not None and channel.schedule != ASAP:
            today = self._now().astimezone(zone(channel.timezone)).date()
            return parcels + self._digest_parcels(rest, f"Daily digest, {today:%d %b %Y}")
        if len(rest) == 1:
            return parcels + [_Parcel([rest[0][0]], [rest[0][1]], None)]
        # Balanced batches of at most BATCH_STORIES: 7 stories go as 4 + 3, 6 as 3 + 3 (never 5 + a lone 1).
        count = -(-len(rest) // BATCH_STORIES)
        size = -(-len(rest) // count)
        for start in range(0, len(rest), size):
            parcels += self._digest_parcels(rest[start:start + size], "New stories")
        return parcels

    @staticmethod
    def _digest_parcels(pairs: list[tuple[OutboxItem, Story]], title: str) -> list[_Parcel]:
        by_story = {story.id: (item, story) for item, story in pairs}
        parcels = []
        for message in build_digest([story for _, story in pairs], title=title):
            shown = [by_story[sid] for sid in message.story_ids]
            parcels.append(_Parcel([i for i, _ in shown], [s for _, s in shown], message))
        return parcels

    def _renders(self, story: Story, item: OutboxItem) -> bool:
        """Whether the story can be drawn at all; a broken one must not take its batch down with it."""
        try:
            story_message(story)
            return True
        except Exception:
            log.exception("could not draw story %s for %s/%s; trying again later", story.id, item.team_id,
                          item.channel_id)
            return False

    def _settle_unsendable(self, item: OutboxItem, why: str, report: DeliveryReport, *, skip: bool) -> None:
        if delivery.claim(self.db, item.id) is None:
            return
        if skip:
            delivery.mark_skipped(self.db, item.id, why)
            report.skipped += 1
        else:
            delivery.release(self.db, item.id, not_before=self._now() + timedelta(minutes=1), error=why)
            report.deferred += 1

    # --- sending one parcel and its outcomes -------------------------------------------------------------------

    def _send_parcel(self, parcel: _Parcel, report: DeliveryReport) -> tuple[str, list[_Parcel]]:
        """Claim a parcel's rows and send its message; the outcome ("ok", "channel", "team") and parcels to
        send next in this channel (the stories of a refused batch, one by one)."""
        first = parcel.items[0]
        key = (first.team_id, first.channel_id)
        where = (f"story {first.story_id}" if len(parcel.items) == 1 else
                 f"{len(parcel.items)} stories") + f" to {first.team_id}/{first.channel_id}"
        client = self._client(first.team_id)
        if client is None:
            log.error("no bot token for workspace %s: %s waits", first.team_id, where)
            return "team", []
        claimed = delivery.claim_all(self.db, [i.id for i in parcel.items])
        if len(claimed) != len(parcel.items):  # another poster took some: leave the rest for the next pass
            for item in claimed:
                delivery.release(self.db, item.id, not_before=self._now(), error="regrouped")
            return "ok", []
        if parcel.found:
            for item, was in zip(claimed, parcel.items, strict=True):
                item.message_ts = was.message_ts
        try:
            if parcel.message is None:
                if self._deliver_story(client, claimed[0], parcel.stories[0]) or parcel.found:
                    report.recovered += 1
                    log.info("%s was already in Slack; recorded it without sending again", where)
                else:
                    report.sent += 1
                    report.messages += 1
            else:
                self._deliver_digest(client, claimed, parcel.message, report)
            return "ok", []
        except _Deferred as exc:
            self._defer(claimed, exc, report)
            return "channel", []
        except _Rejected as exc:
            if len(claimed) > 1:
                # One story may hold what Slack refuses: send them one by one so only that one fails.
                for item in claimed:
                    delivery.release(self.db, item.id, not_before=self._now(), error=f"batch refused: {exc}")
                    self._alone.add(item.story_id)
                log.warning("Slack refused a batch of %s: %s; sending them one by one", where, exc)
                return "ok", [_Parcel([item], [story], None)
                              for item, story in zip(claimed, parcel.stories, strict=True)]
            delivery.mark_failed(self.db, claimed[0].id, f"Slack refused the message: {exc}")
            report.failed += 1
            log.error("Slack refused %s: %s", where, exc)
            return "ok", []
        except _ChannelGone as exc:
            for item in claimed:
                delivery.release(self.db, item.id, not_before=self._now(), error=exc.error)
            self._channel_gone(client, key, exc, report)
            return "channel", []
        except _WorkspaceGone as exc:
            for item in claimed:
                delivery.release(self.db, item.id, not_before=self._now(), error=str(exc))
            self._workspace_gone(first.team_id, exc, report)
            return "team", []
        except Exception:
            # A bug or a broken story must not stop the other rows, nor leave these stuck in "sending".
            log.exception("could not send %s; trying again later", where)
            for item in claimed:
                delivery.release(self.db, item.id, not_before=self._now() + timedelta(minutes=1),
                                 error="unexpected error, see the log")
            report.deferred += len(claimed)
            return "ok", []

    def _defer(self, items: list[OutboxItem], exc: _Deferred, report: DeliveryReport) -> None:
        """Slack asked to wait or kept failing: back to the queue, or failed after `max_claims` claims."""
        for item in items:
            # A row seen before this pass's claim counts the claim it is about to need.
            attempts = item.attempts if item.state == "sending" else item.attempts + 1
            if item.state != "sending":
                delivery.claim(self.db, item.id)
            where = f"story {item.story_id} to {item.team_id}/{item.channel_id}"
            if attempts >= self.max_claims:
                delivery.mark_failed(self.db, item.id, f"gave up after {attempts} tries: {exc.error}")
                report.failed += 1
                log.error("gave up on %s: %s", where, exc.error)
            else:
                delivery.release(self.db, item.id, not_before=self._now() + timedelta(seconds=exc.wait_seconds),
                                 error=exc.error)
                report.deferred += 1
                log.warning("%s deferred by %.0f s: %s", where, exc.wait_seconds, exc.error)
        if items:
            self._next_post[(items[0].team_id, items[0].channel_id)] = self._clock() + exc.wait_seconds

    def _channel_gone(self, client: WebClient, key: tuple[str, str], exc: _ChannelGone,
                      report: DeliveryReport) -> None:
        team_id, channel_id = key
        if delivery.pause_channel(self.db, team_id, channel_id, exc.error):
            log.warning("paused channel %s/%s: %s", team_id, channel_id, exc.error)
            report.paused_channels.append(channel_id)
            self._notify_paused(client, team_id, channel_id, exc.error)

    def _workspace_gone(self, team_id: str, exc: _WorkspaceGone, report: DeliveryReport) -> None:
        delivery.pause_team(self.db, team_id, f"workspace token refused: {exc}")
        report.stopped_teams.append(team_id)
        log.error("stopped delivery to workspace %s: %s", team_id, exc)

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
        from bot.domain.schedule import zone
        from bot.slack.digest import choose_stories, deadline_reminder, upcoming_deadlines

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
