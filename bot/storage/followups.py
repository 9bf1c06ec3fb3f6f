"""Follow-up storage: what a channel's message of a story showed, and what is owed to a channel after one of its
messages, each sent once.

`outbox.shown` holds the keys of the sources, quotes and deadlines a channel's message of a story showed (written
just before the message is posted, advanced when an update reply is sent). A follow-up row moves
pending → sending → sent (with its message ts) or → failed / skipped, like an outbox row; its key is unique per
channel, so deciding twice that the same thing is owed adds nothing. Kinds:

- "story_update": a reply in a posted story's thread telling what it gained; its key names the story and what
  the channel had seen when the update was decided, so the next change after it is sent is a new row.
- "weekly_chart": the coverage chart of a Monday digest; it waits ("waiting") until one of the outbox rows of
  that digest is sent, so a crash between the digest and the upload leaves the chart owed, not lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, and_, or_, select, update

from bot.storage import Database
from bot.storage import as_utc as _utc
from bot.storage.delivery import _insert
from bot.storage.models import ChannelRow, FollowupRow, OutboxRow, StoryRow

STORY_UPDATE = "story_update"
WEEKLY_CHART = "weekly_chart"


@dataclass
class Followup:
    id: int
    team_id: str
    channel_id: str
    kind: str
    key: str
    story_id: int | None
    day: date | None
    payload: dict[str, Any]
    state: str
    attempts: int
    message_ts: str | None
    created_at: datetime


def _followup(row: FollowupRow) -> Followup:
    return Followup(row.id, row.team_id, row.channel_id, row.kind, row.key, row.story_id, row.day,
                    dict(row.payload or {}), row.state, row.attempts, row.message_ts, _utc(row.created_at))


@dataclass(frozen=True)
class PostedStory:
    """A story a channel has a message of: where the message is, what it (and its updates) showed, and when the
    story last changed (`story_updated_at`, when it was read as a candidate for an update)."""

    team_id: str
    channel_id: str
    story_id: int
    message_ts: str
    shown: dict[str, Any]
    story_updated_at: datetime | None = None


# --- what a channel was shown ---------------------------------------------------------------------------------


def set_shown(db: Database, shown: Mapping[int, dict[str, Any]]) -> None:
    """Record, per outbox row id, what its message is about to show (written before posting it)."""
    with db.session() as session:
        for item_id, keys in shown.items():
            session.execute(update(OutboxRow).where(OutboxRow.id == item_id).values(shown=keys, story_checked_at=None))


def grown_posted_stories(db: Database, *, since: datetime, limit: int = 500) -> list[PostedStory]:
    """Posted stories (sent rows that know what they showed) whose story changed at or after `since` and since
    it was last compared with what the channel saw: the ones that may have something new to tell."""
    with db.session() as session:
        rows = session.execute(
            select(OutboxRow, StoryRow.updated_at)
            .join(StoryRow, StoryRow.id == OutboxRow.story_id)
            .where(OutboxRow.state == "sent", OutboxRow.message_ts.is_not(None), OutboxRow.shown.is_not(None),
                   StoryRow.updated_at >= since.astimezone(UTC),
                   or_(OutboxRow.story_checked_at.is_(None), StoryRow.updated_at > OutboxRow.story_checked_at))
            .order_by(OutboxRow.id).limit(limit))
        return [PostedStory(row.team_id, row.channel_id, row.story_id, str(row.message_ts), dict(row.shown or {}),
                            _utc(updated_at)) for row, updated_at in rows]


def owe_updates(db: Database, checked: Sequence[PostedStory], owed: Mapping[tuple[str, str, int], str], *,
                now: datetime) -> int:
    """In one transaction: the story updates `owed` ((team, channel, story) → key), each once per key, and every
    `checked` row marked compared up to the story change it was read with. Returns the updates added."""
    added = 0
    with db.session() as session:
        insert = _insert(session)
        for (team_id, channel_id, story_id), key in owed.items():
            result = session.execute(insert(FollowupRow).values(
                team_id=team_id, channel_id=channel_id, kind=STORY_UPDATE, key=key, story_id=story_id,
                state="pending", attempts=0, created_at=now.astimezone(UTC),
            ).on_conflict_do_nothing(index_elements=["team_id", "channel_id", "key"]).returning(FollowupRow.id))
            added += len(result.all())
        for story in checked:
            session.execute(update(OutboxRow).where(
                OutboxRow.team_id == story.team_id, OutboxRow.channel_id == story.channel_id,
                OutboxRow.story_id == story.story_id).values(story_checked_at=story.story_updated_at))
    return added


def updated_stories(db: Database, story_ids: Iterable[int], *, team_id: str,
                    channel_id: str | None = None) -> set[int]:
    """Of `story_ids`, the stories that grew after their message was posted: an update reply is owed or went to
    their thread in `channel_id` (in any channel of `team_id` when it is None)."""
    ids = list(story_ids)
    if not ids:
        return set()
    query = select(FollowupRow.story_id).where(FollowupRow.kind == STORY_UPDATE, FollowupRow.team_id == team_id,
                                               FollowupRow.story_id.in_(ids), FollowupRow.state != "failed")
    if channel_id is not None:
        query = query.where(FollowupRow.channel_id == channel_id)
    with db.session() as session:
        return {story_id for story_id in session.scalars(query.distinct()) if story_id is not None}


def posted_story(db: Database, team_id: str, channel_id: str, story_id: int) -> PostedStory | None:
    with db.session() as session:
        row = session.scalar(select(OutboxRow).where(OutboxRow.team_id == team_id, OutboxRow.channel_id == channel_id,
                                                     OutboxRow.story_id == story_id))
        if row is None or row.state != "sent" or not row.message_ts:
            return None
        return PostedStory(row.team_id, row.channel_id, row.story_id, row.message_ts, dict(row.shown or {}))


# --- follow-ups --------------------------------------------------------------------------------------------------


def add_followup(db: Database, team_id: str, channel_id: str, kind: str, key: str, *, now: datetime,
                 story_id: int | None = None, day: date | None = None, payload: dict[str, Any] | None = None,
                 state: str = "pending") -> bool:
    """Owe a channel something, once per key; True when the row is new."""
    with db.session() as session:
        result = session.execute(_insert(session)(FollowupRow).values(
            team_id=team_id, channel_id=channel_id, kind=kind, key=key, story_id=story_id, day=day,
            payload=payload, state=state, attempts=0, created_at=now.astimezone(UTC),
        ).on_conflict_do_nothing(index_elements=["team_id", "channel_id", "key"]).returning(FollowupRow.id))
        return bool(result.all())


def due_followups(db: Database, *, now: datetime, limit: int = 100, team_id: str | None = None,
                  channel_id: str | None = None) -> list[Followup]:
    """Pending follow-ups of running channels whose time has come, oldest first (not claimed)."""
    with db.session() as session:
        query = (select(FollowupRow)
                 .outerjoin(ChannelRow, and_(ChannelRow.team_id == FollowupRow.team_id,
                                             ChannelRow.channel_id == FollowupRow.channel_id))
                 .where(FollowupRow.state == "pending",
                        (FollowupRow.not_before.is_(None)) | (FollowupRow.not_before <= now.astimezone(UTC)),
                        (ChannelRow.id.is_(None)) | (ChannelRow.paused.is_(False)))
                 .order_by(FollowupRow.created_at, FollowupRow.id).limit(limit))
        if team_id is not None:
            query = query.where(FollowupRow.team_id == team_id)
        if channel_id is not None:
            query = query.where(FollowupRow.channel_id == channel_id)
        return [_followup(row) for row in session.scalars(query)]


def followups(db: Database, *, kind: str | None = None, states: Sequence[str] | None = None) -> list[Followup]:
    with db.session() as session:
        query = select(FollowupRow).order_by(FollowupRow.created_at, FollowupRow.id)
        if kind is not None:
            query = query.where(FollowupRow.kind == kind)
        if states is not None:
            query = query.where(FollowupRow.state.in_(list(states)))
        return [_followup(row) for row in session.scalars(query)]


def release_waiting_charts(db: Database) -> int:
    """Weekly charts waiting for their digest become pending once one of that digest's rows is sent, and are
    skipped when none of those rows can be sent any more (all failed or skipped); the number made pending."""
    made_due = 0
    with db.session() as session:
        for row in session.scalars(select(FollowupRow).where(FollowupRow.state == "waiting")):
            items = [int(i) for i in (row.payload or {}).get("items") or []]
            states = set(session.scalars(select(OutboxRow.state).where(OutboxRow.id.in_(items)))) if items else set()
            if "sent" in states:
                row.state = "pending"
                made_due += 1
            elif not states or states <= {"failed", "skipped"}:
                row.state, row.last_error = "skipped", "its digest was never sent"
    return made_due


def claim_followup(db: Database, followup_id: int, *, payload: dict[str, Any] | None = None,
                   lease_until: datetime | None = None) -> Followup | None:
    """Move a pending follow-up to "sending" (attempts + 1) until `lease_until`, keeping `payload` (what it is
    about to send); None if it is not pending. A conditional update, so two posters never claim the same row."""
    values: dict[str, Any] = {"state": "sending", "attempts": FollowupRow.attempts + 1,
                              "lease_until": lease_until.astimezone(UTC) if lease_until else None}
    if payload is not None:
        values["payload"] = payload
    with db.session() as session:
        result = session.execute(update(FollowupRow).where(FollowupRow.id == followup_id,
                                                           FollowupRow.state == "pending").values(**values))
        if cast("CursorResult[Any]", result).rowcount != 1:
            return None
        return _followup(session.get_one(FollowupRow, followup_id, populate_existing=True))


def interrupted_followups(db: Database, *, now: datetime) -> list[Followup]:
    """Follow-ups left in "sending" whose lease has passed (their poster died or hung): they may or may not have
    reached Slack. Those another poster is sending now are not among them."""
    with db.session() as session:
        query = select(FollowupRow).where(
            FollowupRow.state == "sending",
            or_(FollowupRow.lease_until.is_(None), FollowupRow.lease_until < now.astimezone(UTC)))
        return [_followup(row) for row in session.scalars(query.order_by(FollowupRow.id))]


def release_followup(db: Database, followup_id: int, *, not_before: datetime, error: str | None = None) -> None:
    with db.session() as session:
        session.execute(update(FollowupRow).where(FollowupRow.id == followup_id).values(
            state="pending", not_before=not_before.astimezone(UTC), last_error=error[:2000] if error else None))


def end_followup(db: Database, followup_id: int, state: str, error: str) -> None:
    """Give up on a follow-up for good: "failed" (Slack refused it) or "skipped" (nothing left to send)."""
    with db.session() as session:
        session.execute(update(FollowupRow).where(FollowupRow.id == followup_id).values(
            state=state, last_error=error[:2000]))


def mark_followup_sent(db: Database, followup: Followup, ts: str | None, *, now: datetime) -> None:
    """The follow-up is in Slack; for a story update, its story's outbox row now knows what the channel saw
    (the payload's "seen"), in the same transaction."""
    with db.session() as session:
        session.execute(update(FollowupRow).where(FollowupRow.id == followup.id).values(
            state="sent", message_ts=ts, sent_at=now.astimezone(UTC), last_error=None))
        seen = followup.payload.get("seen")
        if followup.kind == STORY_UPDATE and followup.story_id is not None and seen is not None:
            session.execute(update(OutboxRow).where(
                OutboxRow.team_id == followup.team_id, OutboxRow.channel_id == followup.channel_id,
                OutboxRow.story_id == followup.story_id).values(shown=seen))
