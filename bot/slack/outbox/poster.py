"""The poster: the outbox state machine that sends due rows to Slack, each story once, whatever Slack or a
crash does meanwhile.

How stories are grouped into messages is `batching`; the Web API calls, pacing and Slack's errors are
`transport`; which deadlines a channel is reminded of is `reminders`. Here: the rows of one message are
claimed together ("sending") just before it is sent and marked sent with its ts after; before any retry, and
before sending rows claimed in an earlier pass (a crash, a deferral), it looks in conversations.history for
its own messages by their metadata, so an ambiguous failure or a crash never posts a story twice. Slack
refusing a batch (invalid_blocks, say) sends its stories one by one, so only a bad one fails. A channel gone
(`channel_not_found`, `not_in_channel`, `is_archived`) is paused and whoever subscribed it gets a DM; a
workspace token refused stops that workspace. None of these stops other channels.

Several posters may run against one database (replicas, `diplobot worker`s): each claims rows under its own
name with a lease and takes a channel's lease before sending to it, so two posters never send the same row nor
to one channel at once, and Slack's pace per channel holds across them. Each pass puts back in the queue only
rows whose lease has passed (their poster died or hung), and looks in Slack for them before sending again.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from slack_sdk import WebClient

from bot.config import Settings
from bot.domain.channels import Channel
from bot.domain.schedule import ASAP, zone
from bot.domain.stories import Story
from bot.domain.updates import seen_in
from bot.slack.blocks import SlackMessage
from bot.slack.mrkdwn import code
from bot.slack.outbox.batching import (
    BATCH_STORIES,
    DIGEST_EVENT,
    DIGEST_MOST,
    QUOTES_EVENT,
    REMINDER_EVENT,
    STORY_EVENT,
    MessagePlan,
    plan_messages,
    quotes_metadata,
    quotes_reply_of,
    story_ids_listed,
    story_plan,
)
from bot.slack.outbox.followups import FollowupSender
from bot.slack.outbox.reminders import deadline_reminders
from bot.slack.outbox.transport import (
    CHANNEL_GONE_WHY,
    ChannelGone,
    ChannelKey,
    Deferred,
    Rejected,
    SlackTransport,
    WorkspaceGone,
)
from bot.storage import Database, delivery, followups
from bot.storage.delivery import OutboxItem
from bot.storage.followups import WEEKLY_CHART

log = logging.getLogger(__name__)

__all__ = ["BATCH_STORIES", "DIGEST_EVENT", "DIGEST_MOST", "QUOTES_EVENT", "REMINDER_EVENT", "STORY_EVENT",
           "DeliveryReport", "Poster", "story_ids_listed"]
HISTORY_PAGES = 5


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
    followups: int = 0  # update replies and charts sent after earlier messages
    followups_recovered: int = 0  # found already in Slack after a crash: not sent again


@dataclass
class _Found:
    """Where a story already is in Slack: the message's ts, and whether that message is a digest."""

    ts: str
    digest: bool


@dataclass
class _Parcel:
    """The outbox rows one message carries, in the order its plan shows their stories."""

    items: list[OutboxItem]
    plan: MessagePlan
    found: bool = False  # the story's message was found in Slack before this pass: only its thread may be missing


class Poster:
    """Sends due outbox rows; one instance per process, one pass at a time."""

    def __init__(self, db: Database, settings: Settings, *,
                 load_stories: Callable[..., list[Story]] | None = None,
                 token_for_team: Callable[[str], str | None] | None = None,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
                 now: Callable[[], datetime] | None = None, min_interval: float = 1.0, max_attempts: int = 4,
                 backoff_base: float = 1.0, max_backoff: float = 30.0, max_inline_wait: float = 10.0,
                 max_claims: int = 8, batch: int = 100, timeout: float = 15.0, lease_seconds: float = 300.0,
                 holder: str | None = None, channel_wait: float = 60.0) -> None:
        """
        Args:
            db: the database with the outbox.
            settings: `slack_api_url` and, in single-workspace mode, `slack_bot_token`.
            load_stories: `load_stories(db, story_ids=...)`; by default `bot.storage.stories.load_stories`.
            token_for_team: the bot token of a workspace (multi-workspace mode); default: the settings' token.
            sleep, clock, now: injectable for tests.
            min_interval, max_attempts, backoff_base, max_backoff, max_inline_wait, timeout: the transport's
                pacing and retries (see `SlackTransport`); a longer Retry-After than `max_inline_wait` defers
                the rows to a later pass.
            max_claims: a row claimed this many times without success is marked failed.
            batch: rows claimed per pass.
            lease_seconds: how long a claimed row and a channel stay this poster's without it settling them;
                another poster takes them back only after that (far longer than sending one message takes).
            holder: this poster's name in the leases; by default host, process id and a random part. A name
                from `bot.storage.holders.claim_holder_name` is kept across restarts, so a restarted poster
                takes back its own rows and channels at once instead of waiting for their leases to run out.
            channel_wait: how long a message outside the outbox (a deadline reminder) waits for the channel's
                lease while another poster sends there.
        """
        if load_stories is None:
            from bot.storage.stories import load_stories as stored

            load_stories = stored
        self.db = db
        self.settings = settings
        self._load_stories = load_stories
        self._now = now or (lambda: datetime.now(UTC))
        self.max_claims = max_claims
        self.batch = batch
        self.lease_seconds = lease_seconds
        self.channel_wait = channel_wait
        self.holder = holder or f"{socket.gethostname()[:100]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._leased: dict[ChannelKey, delivery.ChannelLease] = {}
        self.transport = SlackTransport(
            settings.slack_api_url, token_for_team or self._settings_token, sleep=sleep, clock=clock,
            min_interval=min_interval, max_attempts=max_attempts, backoff_base=backoff_base,
            max_backoff=max_backoff, max_inline_wait=max_inline_wait, timeout=timeout)
        self.followups = FollowupSender(db, self.transport, load_stories, self._now, max_claims=max_claims)
        self._lock = threading.Lock()
        self._channels: dict[ChannelKey, Channel] = {}
        # Stories Slack refused inside a batch: from then on each goes alone, so only a bad one fails.
        self._alone: set[int] = set()

    def _settings_token(self, team_id: str) -> str | None:
        token = self.settings.slack_bot_token
        return token.get_secret_value() if token else None

    # --- finding our own messages ------------------------------------------------------------------------------

    def _find_posted(self, client: WebClient, channel_id: str, items: list[OutboxItem]) -> dict[int, _Found]:
        """Our top-level messages in the channel that show these rows' stories: story id → where it is."""
        wanted = {item.story_id for item in items}
        oldest = (min(item.created_at for item in items) - timedelta(minutes=5)).timestamp()
        found: dict[int, _Found] = {}
        cursor = None
        for _ in range(HISTORY_PAGES):
            try:
                response = self.transport.history(client, channel_id, oldest=oldest, cursor=cursor)
            except (Rejected, ChannelGone) as exc:
                # Without the history (missing_scope, say, or not_in_channel: chat:write.public posts to public
                # channels the bot is not a member of, whose history it cannot read) we cannot know: wait rather
                # than risk a double, and never pause a channel that can still receive our messages.
                raise Deferred(300, f"cannot look for our earlier message: {exc}") from exc
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
        response = self.transport.replies(client, item.channel_id, thread_ts)
        return any(quotes_reply_of(m) == item.story_id for m in response.get("messages") or [])

    # --- one message -------------------------------------------------------------------------------------------

    def _deliver_story(self, client: WebClient, item: OutboxItem, plan: MessagePlan) -> bool:
        """Post one story and its quotes thread; True when the story's message was already in Slack."""
        key = (item.team_id, item.channel_id)
        ts = item.message_ts
        already_there = ts is not None
        if ts is None:
            def find_after_failure() -> dict[str, Any] | None:
                found = self._find_posted(client, item.channel_id, [item]).get(item.story_id)
                return {"ts": found.ts, "found": True} if found else None

            response = self.transport.post(client, key, plan.message, plan.metadata, before_retry=find_after_failure)
            ts = response["ts"]
            already_there = bool(response.get("found"))
        delivery.record_message(self.db, item.id, ts)
        # The thread reply can only have gone out if the main message had been recorded before: look then.
        try:
            if plan.reply is not None and not (item.message_ts and self._find_quotes_reply(client, item, ts)):
                self.transport.post(client, key, plan.reply, quotes_metadata(item.story_id), thread_ts=ts,
                                    before_retry=lambda: True if self._find_quotes_reply(client, item, ts) else None)
        except Rejected as exc:
            # The story itself is posted; a refused quotes thread must not make it look unsent.
            log.warning("Slack refused the quotes thread of story %s in %s: %s", item.story_id, item.channel_id, exc)
        delivery.mark_sent(self.db, item.id, ts, now=self._now())
        return already_there

    def _deliver_digest(self, client: WebClient, items: list[OutboxItem], plan: MessagePlan,
                        report: DeliveryReport) -> None:
        """Post one message of several stories and mark all its rows sent with its ts."""
        first = items[0]

        def find_after_failure() -> dict[str, Any] | None:
            found = self._find_posted(client, first.channel_id, items)
            return {"found": found} if found else None

        response = self.transport.post(client, (first.team_id, first.channel_id), plan.message, plan.metadata,
                                       before_retry=find_after_failure)
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
                self.transport.tell(client, user, text)
            except Exception as exc:  # noqa: BLE001 - one unreachable user does not stop the others
                log.warning("could not tell %s that channel %s is paused: %s", user, channel_id, exc)

    # --- passes --------------------------------------------------------------------------------------------------

    def recover(self) -> int:
        """Settle rows a crash left in "sending" whose lease has passed, or that are this poster's own (a restart
        under the same name): they go back to the queue and are checked in Slack before sending. Rows another
        poster is sending (its lease runs) are left alone."""
        now = self._now()
        # Rows under this poster's own name are from its previous life (a restart under the same stable name,
        # `bot.storage.holders`): nothing of this process is sending while a pass starts, so they need no wait.
        rows = [item for item in delivery.interrupted(self.db)
                if item.lease_until is None or item.lease_until <= now or item.claimed_by == self.holder]
        for item in rows:
            delivery.release(self.db, item.id, not_before=self._now(), error="interrupted while sending")
        if rows:
            log.info("%d outbox rows were interrupted while sending; checking Slack before sending them", len(rows))
        return len(rows)

    def _lease_until(self) -> datetime:
        return self._now() + timedelta(seconds=self.lease_seconds)

    def _claim_all(self, item_ids: list[int]) -> list[OutboxItem]:
        return delivery.claim_all(self.db, item_ids, holder=self.holder, lease_until=self._lease_until())

    def _claim(self, item_id: int) -> OutboxItem | None:
        return delivery.claim(self.db, item_id, holder=self.holder, lease_until=self._lease_until())

    def _lease_channel(self, key: ChannelKey) -> bool:
        """Take or extend this poster's lease on a channel; False while another poster sends to it. A new lease
        carries on the pace the previous holder left (`next_post_at`)."""
        lease = delivery.lease_channel(self.db, *key, holder=self.holder, now=self._now(), until=self._lease_until())
        if lease is None:
            self._leased.pop(key, None)
            return False
        if key not in self._leased and lease.next_post_at is not None:
            wait = (lease.next_post_at - self._now()).total_seconds()
            if wait > self.transport.wait_left(key):
                self.transport.hold(key, wait)
        self._leased[key] = lease
        return True

    def _release_channels(self) -> None:
        """Give up this pass's channel leases, each with when the channel may take its next message."""
        for key in list(self._leased):
            self._release_channel(key)

    def _release_channel(self, key: ChannelKey) -> None:
        wait = max(0.0, self.transport.wait_left(key))
        try:
            delivery.release_channel(self.db, *key, holder=self.holder,
                                     next_post_at=self._now() + timedelta(seconds=wait))
        except Exception:  # the lease then runs out by itself
            log.exception("could not give up the lease on %s/%s", *key)
        self._leased.pop(key, None)

    def _wait_for_channel(self, key: ChannelKey) -> bool:
        """Take the channel's lease, waiting up to `channel_wait` seconds while another poster sends to it."""
        deadline = time.monotonic() + self.channel_wait
        while not self._lease_channel(key):
            if time.monotonic() >= deadline:
                return False
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
        return True

    def send_due(self, *, team_id: str | None = None, channel_id: str | None = None) -> DeliveryReport:
        """Send every due row (of one team or channel when given); one pass, never two at once."""
        with self._lock:
            self.recover()
            self.followups.recover()  # only follow-ups whose lease has passed: safe with other posters running
            report = DeliveryReport()
            self._channels = {(c.team_id, c.channel_id): c for c in delivery.list_channels(self.db)}
            items = delivery.due_items(self.db, now=self._now(), limit=self.batch, team_id=team_id,
                                       channel_id=channel_id)
            if items:
                try:
                    self._send(self._complete_digests(items), report)
                finally:
                    self._release_channels()
            report.followups, report.followups_recovered = self.followups.send_due(team_id=team_id,
                                                                                   channel_id=channel_id)
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
        rows: OrderedDict[ChannelKey, list[OutboxItem]] = OrderedDict()
        for item in items:
            rows.setdefault((item.team_id, item.channel_id), []).append(item)
        queues: OrderedDict[ChannelKey, deque[_Parcel]] = OrderedDict()
        stopped_teams: set[str] = set()
        for key, channel_items in rows.items():
            if key[0] in stopped_teams:
                continue
            if not self._lease_channel(key):
                log.info("another poster is sending to %s/%s; its %d due rows wait", *key, len(channel_items))
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
            key = min(queues, key=self.transport.ready_at)
            if self.transport.wait_left(key) > self.transport.max_inline_wait:
                del queues[key]  # Slack asked this channel to wait long: its rows go in a later pass
                continue
            if not self._lease_channel(key):  # our lease ran out and another poster took the channel
                del queues[key]
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

    # --- a channel's due rows as messages ----------------------------------------------------------------------

    def _parcels(self, key: ChannelKey, items: list[OutboxItem], stories: dict[int, Story],
                 report: DeliveryReport) -> tuple[list[_Parcel], str]:
        """The messages that carry a channel's due rows, after settling rows that may already be in Slack.

        Returns the parcels and "ok", or "channel"/"team" when that channel/team must wait (nothing claimed).
        """
        team_id, channel_id = key
        client = self.transport.client(team_id)
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
                parcels.append(_Parcel([item], story_plan(story)))  # its message is there; the thread may be not
            else:
                fresh.append((item, story))
        # A row claimed before (attempts > 0) may have reached Slack last time: look before posting it again.
        again = [item for item, _ in fresh if item.attempts > 0]
        if again:
            try:
                found = self._find_posted(client, channel_id, again)
            except Deferred as exc:
                self._defer(again, exc, report)
                return [], "channel"
            except ChannelGone as exc:
                self._channel_gone(client, key, exc, report)
                return [], "channel"
            except WorkspaceGone as exc:
                self._workspace_gone(team_id, exc, report)
                return [], "team"
            single = {sid for sid, where in found.items() if not where.digest}
            digest_found = {sid: where for sid, where in found.items() if where.digest}
            if digest_found:
                rows = [i for i, _ in fresh if i.story_id in digest_found]
                self._claim_all([i.id for i in rows])
                self._settle_found(rows, digest_found, report)
                log.info("%d stories for %s were already in Slack; recorded without sending again",
                         len(rows), channel_id)
            for item, story in fresh:
                if item.story_id in single:
                    item.message_ts = found[item.story_id].ts
                    parcels.append(_Parcel([item], story_plan(story), found=True))
            fresh = [(i, s) for i, s in fresh if i.story_id not in found]
        return parcels + self._group(key, fresh), "ok"

    def _group(self, key: ChannelKey, fresh: list[tuple[OutboxItem, Story]]) -> list[_Parcel]:
        """The channel's fresh rows in the messages `plan_messages` groups their stories into."""
        if not fresh:
            return []
        channel = self._channels.get(key)
        digest_day = None
        if channel is not None and channel.schedule != ASAP:
            digest_day = self._now().astimezone(zone(channel.timezone)).date()
        item_of = {story.id: item for item, story in fresh}
        layout = channel.layout if channel is not None else "compact"
        topics = [sub.topic for sub in delivery.list_subscriptions(self.db, team_id=key[0], channel_id=key[1])]
        plans = plan_messages([story for _, story in fresh], digest_day=digest_day, alone=self._alone,
                              layout=layout, topics=topics)
        parcels = [_Parcel([item_of[sid] for sid in plan.story_ids], plan) for plan in plans]
        if channel is not None and channel.weekly_chart and digest_day is not None and digest_day.weekday() == 0:
            self._owe_weekly_chart(key, parcels, digest_day)
        return parcels

    def _owe_weekly_chart(self, key: ChannelKey, parcels: list[_Parcel], today: date) -> None:
        """Remember, before the Monday digest goes, that its weekly coverage chart follows it once it is sent
        (`FollowupSender`), so a crash between the digest and the upload does not lose the chart."""
        first = next((parcel for parcel in parcels if parcel.plan.digest), None)
        if first is not None:
            followups.add_followup(self.db, *key, WEEKLY_CHART, f"chart:{today.isoformat()}", now=self._now(),
                                   day=today, payload={"items": [item.id for item in first.items]}, state="waiting")

    def _renders(self, story: Story, item: OutboxItem) -> bool:
        """Whether the story can be drawn at all; a broken one must not take its batch down with it."""
        try:
            story_plan(story)
            return True
        except Exception:
            log.exception("could not draw story %s for %s/%s; trying again later", story.id, item.team_id,
                          item.channel_id)
            return False

    def _settle_unsendable(self, item: OutboxItem, why: str, report: DeliveryReport, *, skip: bool) -> None:
        if self._claim(item.id) is None:
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
        client = self.transport.client(first.team_id)
        if client is None:
            log.error("no bot token for workspace %s: %s waits", first.team_id, where)
            return "team", []
        claimed = self._claim_all([i.id for i in parcel.items])
        if len(claimed) != len(parcel.items):  # another poster took some: leave the rest for the next pass
            for item in claimed:
                delivery.release(self.db, item.id, not_before=self._now(), error="regrouped")
            return "ok", []
        if parcel.found:
            for item, was in zip(claimed, parcel.items, strict=True):
                item.message_ts = was.message_ts
        else:
            # What the message is about to show, so that what its stories gain later is told in its thread.
            by_story = {story.id: story for story in parcel.plan.stories}
            followups.set_shown(self.db, {item.id: seen_in(by_story[item.story_id]).as_json() for item in claimed
                                          if item.story_id in by_story})
        try:
            if not parcel.plan.digest:
                if self._deliver_story(client, claimed[0], parcel.plan) or parcel.found:
                    report.recovered += 1
                    log.info("%s was already in Slack; recorded it without sending again", where)
                else:
                    report.sent += 1
                    report.messages += 1
            else:
                self._deliver_digest(client, claimed, parcel.plan, report)
            return "ok", []
        except Deferred as exc:
            self._defer(claimed, exc, report)
            return "channel", []
        except Rejected as exc:
            if len(claimed) > 1:
                # One story may hold what Slack refuses: send them one by one so only that one fails.
                for item in claimed:
                    delivery.release(self.db, item.id, not_before=self._now(), error=f"batch refused: {exc}")
                    self._alone.add(item.story_id)
                log.warning("Slack refused a batch of %s: %s; sending them one by one", where, exc)
                return "ok", [_Parcel([item], story_plan(story))
                              for item, story in zip(claimed, parcel.plan.stories, strict=True)]
            delivery.mark_failed(self.db, claimed[0].id, f"Slack refused the message: {exc}")
            report.failed += 1
            log.error("Slack refused %s: %s", where, exc)
            return "ok", []
        except ChannelGone as exc:
            for item in claimed:
                delivery.release(self.db, item.id, not_before=self._now(), error=exc.error)
            self._channel_gone(client, key, exc, report)
            return "channel", []
        except WorkspaceGone as exc:
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

    def _defer(self, items: list[OutboxItem], exc: Deferred, report: DeliveryReport) -> None:
        """Slack asked to wait or kept failing: back to the queue, or failed after `max_claims` claims."""
        for item in items:
            # A row seen before this pass's claim counts the claim it is about to need.
            attempts = item.attempts if item.state == "sending" else item.attempts + 1
            if item.state != "sending":
                self._claim(item.id)
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
            self.transport.hold((items[0].team_id, items[0].channel_id), exc.wait_seconds)

    def _channel_gone(self, client: WebClient, key: ChannelKey, exc: ChannelGone,
                      report: DeliveryReport | None = None) -> None:
        team_id, channel_id = key
        if delivery.pause_channel(self.db, team_id, channel_id, exc.error):
            log.warning("paused channel %s/%s: %s", team_id, channel_id, exc.error)
            if report is not None:
                report.paused_channels.append(channel_id)
            self._notify_paused(client, team_id, channel_id, exc.error)

    def _workspace_gone(self, team_id: str, exc: WorkspaceGone, report: DeliveryReport | None = None) -> None:
        delivery.pause_team(self.db, team_id, f"workspace token refused: {exc}")
        if report is not None:
            report.stopped_teams.append(team_id)
        log.error("stopped delivery to workspace %s: %s", team_id, exc)

    # --- messages outside the outbox: deadline reminders ----------------------------------------------------

    def post_message(self, team_id: str, channel_id: str, message: SlackMessage,
                     event_type: str = REMINDER_EVENT) -> str | None:
        """Post one message with the same pacing and error rules, without outbox memory; its ts, or None.

        It is sent under the channel's lease, like the outbox's messages: never while another poster (a replica)
        sends to that channel, and at the pace the channel's last message left."""
        client = self.transport.client(team_id)
        if client is None:
            log.error("no bot token for workspace %s: message to %s not sent", team_id, channel_id)
            return None
        key = (team_id, channel_id)
        if not self._wait_for_channel(key):
            log.error("message to %s/%s not sent: another poster held the channel for %.0f s", team_id, channel_id,
                      self.channel_wait)
            return None
        metadata = {"event_type": event_type, "event_payload": {"story_ids": message.story_ids}}
        try:
            return str(self.transport.post(client, key, message, metadata)["ts"])
        except ChannelGone as exc:
            self._channel_gone(client, key, exc)
        except WorkspaceGone as exc:
            self._workspace_gone(team_id, exc)
        except (Deferred, Rejected) as exc:
            log.error("message to %s/%s not sent: %s", team_id, channel_id, exc)
        finally:
            self._release_channel(key)
        return None

    def remind_deadlines(self, *, days: int = 7, lookback_days: int = 90) -> int:
        """Post, to every running subscribed channel, the deadlines of its stories due within `days` days.

        Deadlines come from stories of the last `lookback_days` days; "today" is the channel's own date.
        Returns the number of reminders posted.
        """
        with self._lock:
            now = self._now()
            stories = self._load_stories(self.db, since=now - timedelta(days=lookback_days))
            reminders = deadline_reminders(stories, delivery.list_channels(self.db),
                                           delivery.list_subscriptions(self.db), now=now, days=days)
            return sum(1 for r in reminders if self.post_message(r.team_id, r.channel_id, r.message))
