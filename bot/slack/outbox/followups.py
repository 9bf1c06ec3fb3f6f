"""Follow-ups: what the poster owes a channel after one of its messages, each sent once whatever Slack or a crash
does meanwhile.

- A story update: a reply in the thread of the story's message (thread_ts = the ts its outbox row recorded)
  telling what the story gained since the channel saw it. It carries metadata naming the follow-up, so after a
  crash between Slack's answer and the record (or an ambiguous failure) the thread is read and the reply that
  is already there is recorded instead of being sent again.
- The weekly coverage chart of a Monday digest, uploaded once the digest is sent; after a crash between the
  upload and its record, the channel's history shows the chart's file and it is not uploaded again.

A follow-up claimed `max_claims` times without success is given up (failed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.domain.stories import Story
from bot.domain.updates import Seen, seen_in, story_change
from bot.slack.charts import weekly_chart_file
from bot.slack.outbox.batching import metadata_number
from bot.slack.outbox.transport import ChannelGone, Deferred, Rejected, SlackTransport, WorkspaceGone
from bot.slack.updates import update_reply
from bot.storage import Database, delivery, followups
from bot.storage.followups import STORY_UPDATE, WEEKLY_CHART, Followup

log = logging.getLogger(__name__)

UPDATE_EVENT = "diplobot_story_update"  # a story's update reply: {"story_id": id, "update": follow-up id}
HISTORY_PAGES = 5


def update_metadata(followup: Followup) -> dict[str, Any]:
    return {"event_type": UPDATE_EVENT, "event_payload": {"story_id": followup.story_id, "update": followup.id}}


def update_of(message: dict[str, Any]) -> int | None:
    """The follow-up id a Slack thread reply of ours tells; None for other messages."""
    return metadata_number(message, UPDATE_EVENT, "update")


class FollowupSender:
    """Sends due follow-ups with the poster's transport; the poster calls it after each pass of the outbox."""

    def __init__(self, db: Database, transport: SlackTransport, load_stories: Callable[..., list[Story]],
                 now: Callable[[], datetime], *, max_claims: int = 8, lease_seconds: float = 300.0) -> None:
        self.db = db
        self.lease_seconds = lease_seconds
        self.transport = transport
        self._load_stories = load_stories
        self._now = now
        self.max_claims = max_claims

    def _lease_until(self) -> datetime:
        return self._now() + timedelta(seconds=self.lease_seconds)

    def recover(self) -> int:
        """Follow-ups a crash left in "sending" go back to the queue once their lease has passed; they are looked
        for in Slack before sending. Those another poster is sending (its lease runs) are left alone."""
        rows = followups.interrupted_followups(self.db, now=self._now())
        for row in rows:
            followups.release_followup(self.db, row.id, not_before=self._now(), error="interrupted while sending")
        return len(rows)

    def send_due(self, *, team_id: str | None = None, channel_id: str | None = None) -> tuple[int, int]:
        """Send every due follow-up (of one team or channel when given); (sent, found already in Slack)."""
        followups.release_waiting_charts(self.db)
        sent = found = 0
        stopped: set[tuple[str, str]] = set()
        for row in followups.due_followups(self.db, now=self._now(), team_id=team_id, channel_id=channel_id):
            key = (row.team_id, row.channel_id)
            client = self.transport.client(row.team_id)
            if key in stopped or client is None:
                continue
            try:
                outcome = self._send(client, row)
            except Deferred as exc:
                self._again(row, exc.wait_seconds, exc.error)
                stopped.add(key)
                continue
            except (ChannelGone, WorkspaceGone) as exc:
                # The outbox pauses the channel or the workspace when its own messages meet this; here, wait.
                self._again(row, 300, str(exc))
                stopped.add(key)
                continue
            except Rejected as exc:
                followups.end_followup(self.db, row.id, "failed", f"Slack refused it: {exc}")
                log.error("Slack refused the %s %s for %s/%s: %s", row.kind, row.key, *key, exc)
                continue
            except Exception:
                log.exception("could not send the %s %s to %s/%s; trying again later", row.kind, row.key, *key)
                self._again(row, 60, "unexpected error, see the log")
                continue
            sent += outcome == "sent"
            found += outcome == "found"
        return sent, found

    def _again(self, row: Followup, wait_seconds: float, error: str) -> None:
        if row.attempts + 1 >= self.max_claims:
            followups.end_followup(self.db, row.id, "failed", f"gave up after {row.attempts + 1} tries: {error}")
            return
        # A try that failed before its claim counts too (a claim already made leaves this a no-op).
        followups.claim_followup(self.db, row.id, lease_until=self._lease_until())
        followups.release_followup(self.db, row.id, not_before=self._now() + timedelta(seconds=wait_seconds),
                                   error=error)

    def _record_found(self, row: Followup, ts: str) -> str:
        """A follow-up an earlier try did get into Slack (message `ts`): recorded as sent, not sent again."""
        # The claim keeps the payload that try was sending.
        claimed = followups.claim_followup(self.db, row.id, lease_until=self._lease_until())
        if claimed is not None:
            followups.mark_followup_sent(self.db, claimed, ts, now=self._now())
        log.info("the %s %s was already in %s/%s; recorded it", row.kind, row.key, row.team_id, row.channel_id)
        return "found"

    def _send(self, client: WebClient, row: Followup) -> str:
        if row.kind == STORY_UPDATE:
            return self._send_update(client, row)
        if row.kind == WEEKLY_CHART:
            return self._send_chart(client, row)
        followups.end_followup(self.db, row.id, "skipped", f"unknown kind {row.kind!r}")
        return "skipped"

    # --- a story's update reply ------------------------------------------------------------------------------------

    def _reply_in_thread(self, client: WebClient, row: Followup, thread_ts: str) -> str | None:
        response = self.transport.replies(client, row.channel_id, thread_ts)
        return next((str(m["ts"]) for m in response.get("messages") or [] if update_of(m) == row.id), None)

    def _send_update(self, client: WebClient, row: Followup) -> str:
        assert row.story_id is not None
        posted = followups.posted_story(self.db, row.team_id, row.channel_id, row.story_id)
        if posted is None:
            followups.end_followup(self.db, row.id, "skipped", "the story's message is not recorded")
            return "skipped"
        if row.attempts > 0:
            # Claimed before: the reply may be in the thread already (a crash, an ambiguous failure).
            ts = self._reply_in_thread(client, row, posted.message_ts)
            if ts is not None:
                return self._record_found(row, ts)
        stories = self._load_stories(self.db, story_ids=[row.story_id])
        seen = Seen.from_json(posted.shown)
        change = story_change(stories[0], seen) if stories else None
        if change is None:
            followups.end_followup(self.db, row.id, "skipped", "nothing new to tell")
            return "skipped"
        claimed = followups.claim_followup(self.db, row.id, lease_until=self._lease_until(),
                                           payload={"seen": (seen | seen_in(change.story)).as_json()})
        if claimed is None:
            return "skipped"  # another poster took it

        def find_after_failure() -> dict[str, Any] | None:
            ts = self._reply_in_thread(client, claimed, posted.message_ts)
            return {"ts": ts} if ts else None

        response = self.transport.post(client, (row.team_id, row.channel_id), update_reply(change),
                                       update_metadata(claimed), thread_ts=posted.message_ts,
                                       before_retry=find_after_failure)
        followups.mark_followup_sent(self.db, claimed, str(response["ts"]), now=self._now())
        return "sent"

    # --- the weekly coverage chart ---------------------------------------------------------------------------------

    def _chart_in_channel(self, client: WebClient, row: Followup, filename: str) -> str | None:
        """The ts of our message in the channel that carries the chart's file, if it is there."""
        oldest = (row.created_at - timedelta(minutes=5)).timestamp()
        cursor = None
        for _ in range(HISTORY_PAGES):
            response = self.transport.history(client, row.channel_id, oldest=oldest, cursor=cursor)
            for message in response.get("messages") or []:
                if any(f.get("name") == filename for f in message.get("files") or []):
                    return str(message.get("ts") or "")
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not response.get("has_more") or not cursor:
                break
        return None

    def _send_chart(self, client: WebClient, row: Followup) -> str:
        assert row.day is not None
        topics = [sub.topic for sub in delivery.list_subscriptions(self.db, team_id=row.team_id,
                                                                    channel_id=row.channel_id)]
        since = datetime.combine(row.day - timedelta(days=15), datetime.min.time(), tzinfo=UTC)
        chart = weekly_chart_file(self._load_stories(self.db, since=since), topics, today=row.day)
        if row.attempts > 0:
            ts = self._chart_in_channel(client, row, chart.filename)
            if ts is not None:
                return self._record_found(row, ts)
        claimed = followups.claim_followup(self.db, row.id, lease_until=self._lease_until())
        if claimed is None:
            return "skipped"
        try:
            client.files_upload_v2(channel=row.channel_id, content=chart.content, filename=chart.filename,
                                   title=chart.title, alt_txt=chart.alt_text, initial_comment=chart.alt_text[:500])
        except (SlackApiError, SlackRequestError, OSError) as exc:
            # Whether the file reached the channel is unknown: the next try looks in the history first.
            response = getattr(exc, "response", None)
            error = str(response.get("error") if response is not None else exc)
            raise Deferred(60, f"could not upload {chart.filename}: {error}") from exc
        followups.mark_followup_sent(self.db, claimed, None, now=self._now())
        return "sent"
