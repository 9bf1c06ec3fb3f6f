"""Delivery storage: channels and their schedules, topic subscriptions, and the outbox.

The outbox holds one row per (team, channel, story), its memory of what was posted: a story is enqueued once
(the unique constraint makes a second enqueue a no-op, also across restarts) and moves
pending → sending → sent (with the message ts), or → failed / skipped; a row left in "sending" by a crash is
resolved by the poster, which looks for its own message before sending again.

Records: `Channel`, `Subscription`, `OutboxItem`, `SubscribeResult`.
Channels:
- `ensure_channel(db, team_id, channel_id, *, now, schedule=None, timezone=None) -> Channel`
- `get_channel(db, team_id, channel_id) -> Channel | None`
- `list_channels(db, *, team_id=None, paused=None) -> list[Channel]`
- `set_schedule(db, team_id, channel_id, schedule, timezone=None, *, now, default_time="08:00") -> Channel`
- `pause_channel(db, team_id, channel_id, reason) -> bool`; `pause_team(db, team_id, reason) -> list[str]`
- `unpause_channel(db, team_id, channel_id, *, keep_latest, now) -> int`;
  `unpause_team(db, team_id, *, keep_latest, now) -> int` (older pending rows become skipped: no flood)
Subscriptions:
- `add_subscription(db, team_id, channel_id, topic, *, created_by, now) -> tuple[Subscription, bool]`
- `subscribe(db, team_id, channel_id, topic, *, created_by, now, backfill, stories=None) -> SubscribeResult`
  (also resumes a channel paused by a channel error such as `not_in_channel`)
- `remove_subscription(db, team_id, channel_id, topic) -> bool`;
  `remove_subscription_by_id(db, team_id, subscription_id) -> Subscription | None`
- `list_subscriptions(db, *, team_id=None, channel_id=None) -> list[Subscription]`
- `subscribers(db, team_id, channel_id) -> list[str]` (user ids that subscribed the channel)
Outbox:
- `enqueue(db, team_id, channel_id, story_ids, *, now, not_before=None) -> int` (rows added)
- `enqueue_stories(db, stories, *, now) -> int`: new stories to every channel whose subscriptions match
- `backfill_subscription(db, subscription, *, limit, now, stories=None) -> int`
- `due_items(db, *, now, limit=100, team_id=None, channel_id=None) -> list[OutboxItem]` (pending and due)
- `claim(db, item_id) -> OutboxItem | None` (pending → sending, just before sending);
  `claim_all(db, item_ids) -> list[OutboxItem]` (the rows of one message, together);
  `claim_due(db, *, now, limit=100, team_id=None, channel_id=None) -> list[OutboxItem]` (claims all due)
- `interrupted(db, *, team_id=None, channel_id=None) -> list[OutboxItem]` (rows left in "sending")
- `record_message(db, item_id, ts)`, `mark_sent(db, item_id, ts, *, now)`,
  `mark_all_sent(db, item_ids, ts, *, now)` (the rows of one digest message), `mark_failed(db, item_id, error)`,
  `mark_skipped(db, item_id, reason)`, `release(db, item_id, *, not_before, error=None)` (back to pending)
- `outbox_items(db, *, team_id=None, channel_id=None, states=None) -> list[OutboxItem]`
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.domain.schedule import next_delivery, parse_schedule, zone
from bot.domain.stories import Story
from bot.domain.topics import InvalidTopic, Topic, parse_topic, story_matches, topic_from_terms
from bot.storage import Database
from bot.storage import as_utc as _utc
from bot.storage.models import ChannelRow, OutboxRow, SubscriptionRow

log = logging.getLogger(__name__)

STATES = ("pending", "sending", "sent", "failed", "skipped")
# Slack errors that pause one channel (the poster stores the error as the reason); `subscribe` resumes them.
CHANNEL_ERRORS = frozenset({"channel_not_found", "not_in_channel", "is_archived", "channel_is_archived"})
# How many recent stories a new subscription looks through for its back-fill.
BACKFILL_WINDOW = 200


class UnknownChannel(LookupError):
    """diplobot does not know that channel yet (no subscription was ever made there)."""


@dataclass
class Channel:
    team_id: str
    channel_id: str
    schedule: str  # "asap" or "daily@HH:MM"
    timezone: str
    paused: bool
    paused_reason: str | None


@dataclass
class Subscription:
    id: int
    team_id: str
    channel_id: str
    topic: Topic
    created_by: str | None
    created_at: datetime

    @property
    def text(self) -> str:
        return self.topic.text


@dataclass
class OutboxItem:
    id: int
    team_id: str
    channel_id: str
    story_id: int
    state: str
    attempts: int
    message_ts: str | None
    last_error: str | None
    not_before: datetime | None
    created_at: datetime
    sent_at: datetime | None


@dataclass
class SubscribeResult:
    subscription: Subscription
    created: bool  # False when the channel already had this topic
    backfilled: int  # stories queued for the channel right away
    resumed: bool = False  # the channel had been paused by a channel error and delivers again


def _channel(row: ChannelRow) -> Channel:
    return Channel(row.team_id, row.channel_id, row.schedule, row.timezone, bool(row.paused), row.paused_reason)


def _subscription(row: SubscriptionRow) -> Subscription:
    return Subscription(row.id, row.team_id, row.channel_id, topic_from_terms(row.include_terms, row.exclude_terms),
                        row.created_by, _utc(row.created_at))


def _item(row: OutboxRow) -> OutboxItem:
    return OutboxItem(row.id, row.team_id, row.channel_id, row.story_id, row.state, row.attempts, row.message_ts,
                      row.last_error, _utc(row.not_before), _utc(row.created_at), _utc(row.sent_at))


def _insert(session: Session):  # noqa: ANN202 - a dialect's insert construct
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


# --- channels ----------------------------------------------------------------------------------------------


def _channel_row(session: Session, team_id: str, channel_id: str) -> ChannelRow | None:
    return session.scalar(select(ChannelRow).where(ChannelRow.team_id == team_id,
                                                   ChannelRow.channel_id == channel_id))


def ensure_channel(db: Database, team_id: str, channel_id: str, *, now: datetime, schedule: str | None = None,
                   timezone: str | None = None) -> Channel:
    """The channel's record, created ("asap", UTC unless given) when diplobot has not seen it yet."""
    with db.session() as session:
        insert = _insert(session)
        session.execute(insert(ChannelRow).values(
            team_id=team_id, channel_id=channel_id,
            schedule=parse_schedule(schedule).text if schedule else "asap",
            timezone=zone(timezone).key if timezone else "UTC",
            paused=False, created_at=now.astimezone(UTC),
        ).on_conflict_do_nothing(index_elements=["team_id", "channel_id"]))
        return _channel(_channel_row(session, team_id, channel_id))


def get_channel(db: Database, team_id: str, channel_id: str) -> Channel | None:
    with db.session() as session:
        row = _channel_row(session, team_id, channel_id)
        return _channel(row) if row else None


def list_channels(db: Database, *, team_id: str | None = None, paused: bool | None = None) -> list[Channel]:
    with db.session() as session:
        query = select(ChannelRow).order_by(ChannelRow.team_id, ChannelRow.channel_id)
        if team_id is not None:
            query = query.where(ChannelRow.team_id == team_id)
        if paused is not None:
            query = query.where(ChannelRow.paused == paused)
        return [_channel(row) for row in session.scalars(query)]


def set_schedule(db: Database, team_id: str, channel_id: str, schedule: str, timezone: str | None = None, *,
                 now: datetime, default_time: str = "08:00") -> Channel:
    """Change when a channel gets its stories; pending rows move to the new schedule.

    Raises `InvalidSchedule` for an unreadable schedule or time zone.
    """
    parsed = parse_schedule(schedule, default_time)
    ensure_channel(db, team_id, channel_id, now=now)
    with db.session() as session:
        row = _channel_row(session, team_id, channel_id)
        row.schedule = parsed.text
        if timezone:
            row.timezone = zone(timezone).key
        due = next_delivery(parsed, row.timezone, now)
        session.execute(update(OutboxRow).where(
            OutboxRow.team_id == team_id, OutboxRow.channel_id == channel_id, OutboxRow.state == "pending",
        ).values(not_before=due))
        return _channel(row)


def pause_channel(db: Database, team_id: str, channel_id: str, reason: str) -> bool:
    """Stop delivery to a channel; True when it was running until now."""
    with db.session() as session:
        row = _channel_row(session, team_id, channel_id)
        if row is None:
            row = ChannelRow(team_id=team_id, channel_id=channel_id, schedule="asap", timezone="UTC",
                             created_at=datetime.now(UTC))
            session.add(row)
        was_running = not row.paused
        row.paused = True
        row.paused_reason = reason[:1000]
        return was_running


def pause_team(db: Database, team_id: str, reason: str) -> list[str]:
    """Stop delivery to every channel of a workspace; the ids of the channels that were running."""
    with db.session() as session:
        rows = list(session.scalars(select(ChannelRow).where(ChannelRow.team_id == team_id)))
        stopped = [row.channel_id for row in rows if not row.paused]
        for row in rows:
            row.paused = True
            row.paused_reason = reason[:1000]
        return stopped


def _skip_backlog(session: Session, team_id: str, channel_id: str, keep_latest: int) -> int:
    pending = list(session.scalars(
        select(OutboxRow).where(OutboxRow.team_id == team_id, OutboxRow.channel_id == channel_id,
                                OutboxRow.state == "pending")
        .order_by(OutboxRow.created_at.desc(), OutboxRow.id.desc())))
    for row in pending[keep_latest:]:
        row.state = "skipped"
        row.last_error = "left out: queued while the channel was paused"
    return max(0, len(pending) - keep_latest)


def unpause_channel(db: Database, team_id: str, channel_id: str, *, keep_latest: int, now: datetime) -> int:
    """Resume a channel; of the stories queued meanwhile only the `keep_latest` newest go out. Returns skipped."""
    with db.session() as session:
        row = _channel_row(session, team_id, channel_id)
        if row is None:
            raise UnknownChannel(f"channel {channel_id} of team {team_id} is not known to diplobot")
        row.paused = False
        row.paused_reason = None
        return _skip_backlog(session, team_id, channel_id, keep_latest)


def unpause_team(db: Database, team_id: str, *, keep_latest: int, now: datetime) -> int:
    """Resume every channel of a workspace (after it installed the app again). Returns skipped rows."""
    with db.session() as session:
        skipped = 0
        for row in session.scalars(select(ChannelRow).where(ChannelRow.team_id == team_id)):
            row.paused = False
            row.paused_reason = None
            skipped += _skip_backlog(session, team_id, row.channel_id, keep_latest)
        return skipped


# --- subscriptions -----------------------------------------------------------------------------------------


def add_subscription(db: Database, team_id: str, channel_id: str, topic: str | Topic, *,
                     created_by: str | None, now: datetime) -> tuple[Subscription, bool]:
    """Subscribe a channel to a topic; (subscription, False) when it already had it. Raises `InvalidTopic`."""
    parsed = topic if isinstance(topic, Topic) else parse_topic(topic)
    ensure_channel(db, team_id, channel_id, now=now)
    with db.session() as session:
        result = session.execute(_insert(session)(SubscriptionRow).values(
            team_id=team_id, channel_id=channel_id, topic=parsed.text, include_terms=list(parsed.include),
            exclude_terms=list(parsed.exclude), created_by=created_by, created_at=now.astimezone(UTC),
        ).on_conflict_do_nothing(index_elements=["team_id", "channel_id", "topic"]).returning(SubscriptionRow.id))
        created = len(result.all()) == 1
        row = session.scalar(select(SubscriptionRow).where(
            SubscriptionRow.team_id == team_id, SubscriptionRow.channel_id == channel_id,
            SubscriptionRow.topic == parsed.text))
        return _subscription(row), created


def remove_subscription(db: Database, team_id: str, channel_id: str, topic: str | Topic) -> bool:
    """Remove a channel's topic (written any way that parses to the same topic); False when it had none."""
    parsed = topic if isinstance(topic, Topic) else parse_topic(topic)
    with db.session() as session:
        row = session.scalar(select(SubscriptionRow).where(
            SubscriptionRow.team_id == team_id, SubscriptionRow.channel_id == channel_id,
            SubscriptionRow.topic == parsed.text))
        if row is None:
            return False
        session.delete(row)
        return True


def remove_subscription_by_id(db: Database, team_id: str, subscription_id: int) -> Subscription | None:
    """Remove one subscription by id (a button's value), only within `team_id`; the removed one or None."""
    with db.session() as session:
        row = session.get(SubscriptionRow, subscription_id)
        if row is None or row.team_id != team_id:
            return None
        removed = _subscription(row)
        session.delete(row)
        return removed


def list_subscriptions(db: Database, *, team_id: str | None = None,
                       channel_id: str | None = None) -> list[Subscription]:
    """Subscriptions, oldest first; a stored topic that no longer parses is logged and left out."""
    with db.session() as session:
        query = select(SubscriptionRow).order_by(SubscriptionRow.created_at, SubscriptionRow.id)
        if team_id is not None:
            query = query.where(SubscriptionRow.team_id == team_id)
        if channel_id is not None:
            query = query.where(SubscriptionRow.channel_id == channel_id)
        found = []
        for row in session.scalars(query):
            try:
                found.append(_subscription(row))
            except InvalidTopic as exc:
                log.error("subscription %s (%s/%s) has an unreadable topic %r: %s",
                          row.id, row.team_id, row.channel_id, row.topic, exc)
        return found


def subscribers(db: Database, team_id: str, channel_id: str) -> list[str]:
    """The users who subscribed a channel to something, in the order they did."""
    with db.session() as session:
        rows = session.scalars(select(SubscriptionRow.created_by).where(
            SubscriptionRow.team_id == team_id, SubscriptionRow.channel_id == channel_id,
            SubscriptionRow.created_by.is_not(None)).order_by(SubscriptionRow.created_at, SubscriptionRow.id))
        return list(dict.fromkeys(rows))


# --- outbox --------------------------------------------------------------------------------------------------


def _enqueue(session: Session, team_id: str, channel_id: str, story_ids: Iterable[int], *, now: datetime,
             not_before: datetime | None) -> int:
    insert = _insert(session)
    added = 0
    for story_id in dict.fromkeys(story_ids):
        result = session.execute(insert(OutboxRow).values(
            team_id=team_id, channel_id=channel_id, story_id=story_id, state="pending", attempts=0,
            not_before=not_before.astimezone(UTC) if not_before else None, created_at=now.astimezone(UTC),
        ).on_conflict_do_nothing(index_elements=["team_id", "channel_id", "story_id"]).returning(OutboxRow.id))
        # RETURNING, not rowcount: psycopg reports -1 for an INSERT … ON CONFLICT DO NOTHING.
        added += len(result.all())
    return added


def enqueue(db: Database, team_id: str, channel_id: str, story_ids: Iterable[int], *, now: datetime,
            not_before: datetime | None = None) -> int:
    """Queue stories for a channel, each at most once ever; the number of rows actually added."""
    with db.session() as session:
        return _enqueue(session, team_id, channel_id, story_ids, now=now, not_before=not_before)


def enqueue_stories(db: Database, stories: Sequence[Story], *, now: datetime) -> int:
    """Queue newly stored stories for every channel with a matching subscription, timed by its schedule.

    Paused channels get nothing. Calling this again with the same stories adds nothing.
    """
    if not stories:
        return 0
    channels = {(c.team_id, c.channel_id): c for c in list_channels(db)}
    wanted: dict[tuple[str, str], list[int]] = {}
    for sub in list_subscriptions(db):
        key = (sub.team_id, sub.channel_id)
        channel = channels.get(key)
        if channel is not None and channel.paused:
            continue
        for story in stories:
            if story_matches(story, sub.topic):
                wanted.setdefault(key, []).append(story.id)
    added = 0
    with db.session() as session:
        for (team_id, channel_id), story_ids in wanted.items():
            channel = channels.get((team_id, channel_id))
            due = None
            if channel is not None and channel.schedule != "asap":
                due = next_delivery(parse_schedule(channel.schedule), channel.timezone, now)
            added += _enqueue(session, team_id, channel_id, story_ids, now=now, not_before=due)
    return added


def backfill_subscription(db: Database, subscription: Subscription, *, limit: int, now: datetime,
                          stories: Sequence[Story] | None = None) -> int:
    """Queue at most `limit` of the newest stories matching a new subscription, to go out now.

    Args:
        subscription: the subscription just made.
        limit: `settings.backfill_stories`; 0 turns back-fill off.
        stories: candidates; by default the newest stored stories.
    """
    if limit <= 0:
        return 0
    if stories is None:
        from bot.storage.stories import load_stories

        stories = load_stories(db, limit=BACKFILL_WINDOW)
    matching = sorted((s for s in stories if story_matches(s, subscription.topic)),
                      key=lambda s: (s.published, s.id), reverse=True)[:limit]
    # Oldest first, so the channel reads them in the order they happened.
    return enqueue(db, subscription.team_id, subscription.channel_id, [s.id for s in reversed(matching)],
                   now=now, not_before=now)


def subscribe(db: Database, team_id: str, channel_id: str, topic: str | Topic, *, created_by: str | None,
              now: datetime, backfill: int, stories: Sequence[Story] | None = None) -> SubscribeResult:
    """`/subscribe`: add the topic and, when it is new, back-fill at most `backfill` recent stories.

    Raises `InvalidTopic` with a message fit for the user.
    """
    subscription, created = add_subscription(db, team_id, channel_id, topic, created_by=created_by, now=now)
    channel = get_channel(db, team_id, channel_id)
    resumed = False
    if channel is not None and channel.paused and channel.paused_reason in CHANNEL_ERRORS:
        # Someone works with this channel again (after inviting diplobot back): try delivering again.
        unpause_channel(db, team_id, channel_id, keep_latest=backfill, now=now)
        channel, resumed = get_channel(db, team_id, channel_id), True
    queued = 0
    if created and channel is not None and not channel.paused:
        queued = backfill_subscription(db, subscription, limit=backfill, now=now, stories=stories)
    return SubscribeResult(subscription, created, queued, resumed)


def _due_query(now: datetime, limit: int, team_id: str | None, channel_id: str | None):  # noqa: ANN202
    query = (
        select(OutboxRow)
        .outerjoin(ChannelRow, and_(ChannelRow.team_id == OutboxRow.team_id,
                                    ChannelRow.channel_id == OutboxRow.channel_id))
        .where(OutboxRow.state == "pending",
               or_(OutboxRow.not_before.is_(None), OutboxRow.not_before <= now.astimezone(UTC)),
               or_(ChannelRow.id.is_(None), ChannelRow.paused.is_(False)))
        .order_by(OutboxRow.created_at, OutboxRow.id)
        .limit(limit)
    )
    if team_id is not None:
        query = query.where(OutboxRow.team_id == team_id)
    if channel_id is not None:
        query = query.where(OutboxRow.channel_id == channel_id)
    return query


def due_items(db: Database, *, now: datetime, limit: int = 100, team_id: str | None = None,
              channel_id: str | None = None) -> list[OutboxItem]:
    """Pending rows of running channels whose time has come, oldest first (not claimed)."""
    with db.session() as session:
        return [_item(row) for row in session.scalars(_due_query(now, limit, team_id, channel_id))]


def claim(db: Database, item_id: int) -> OutboxItem | None:
    """Move one pending row to "sending" (attempts + 1) just before sending it; None if it is not pending.

    A conditional update, so two posters never claim the same row.
    """
    with db.session() as session:
        result = session.execute(update(OutboxRow).where(OutboxRow.id == item_id, OutboxRow.state == "pending")
                                 .values(state="sending", attempts=OutboxRow.attempts + 1))
        if result.rowcount != 1:
            return None
        return _item(session.get(OutboxRow, item_id, populate_existing=True))


def claim_all(db: Database, item_ids: Sequence[int]) -> list[OutboxItem]:
    """Claim the rows of one message together (see `claim`), in one transaction; the ones that were pending."""
    if not item_ids:
        return []
    with db.session() as session:
        wanted = list(dict.fromkeys(item_ids))
        # RETURNING names exactly the rows this update moved, so a row another poster took is never ours.
        claimed = list(session.scalars(
            update(OutboxRow).where(OutboxRow.id.in_(wanted), OutboxRow.state == "pending")
            .values(state="sending", attempts=OutboxRow.attempts + 1).returning(OutboxRow.id)))
        rows = session.scalars(select(OutboxRow).where(OutboxRow.id.in_(claimed))
                               .execution_options(populate_existing=True))
        by_id = {row.id: _item(row) for row in rows}
        return [by_id[i] for i in wanted if i in by_id]


def claim_due(db: Database, *, now: datetime, limit: int = 100, team_id: str | None = None,
              channel_id: str | None = None) -> list[OutboxItem]:
    """Claim every due row at once (see `claim`); the poster claims one row at a time instead."""
    claimed = (claim(db, item.id) for item in due_items(db, now=now, limit=limit, team_id=team_id,
                                                         channel_id=channel_id))
    return [item for item in claimed if item is not None]


def interrupted(db: Database, *, team_id: str | None = None, channel_id: str | None = None) -> list[OutboxItem]:
    """Rows left in "sending" (by a crash): their message may or may not have reached Slack."""
    return outbox_items(db, team_id=team_id, channel_id=channel_id, states=["sending"])


def outbox_items(db: Database, *, team_id: str | None = None, channel_id: str | None = None,
                 states: Sequence[str] | None = None) -> list[OutboxItem]:
    with db.session() as session:
        query = select(OutboxRow).order_by(OutboxRow.created_at, OutboxRow.id)
        if team_id is not None:
            query = query.where(OutboxRow.team_id == team_id)
        if channel_id is not None:
            query = query.where(OutboxRow.channel_id == channel_id)
        if states is not None:
            query = query.where(OutboxRow.state.in_(list(states)))
        return [_item(row) for row in session.scalars(query)]


def _set(db: Database, item_id: int, **values: object) -> None:
    with db.session() as session:
        session.execute(update(OutboxRow).where(OutboxRow.id == item_id).values(**values))


def record_message(db: Database, item_id: int, ts: str) -> None:
    """The story's message is in Slack (its ts); the row stays "sending" until its thread reply is done."""
    _set(db, item_id, message_ts=ts)


def mark_sent(db: Database, item_id: int, ts: str, *, now: datetime) -> None:
    _set(db, item_id, state="sent", message_ts=ts, sent_at=now.astimezone(UTC), last_error=None)


def mark_all_sent(db: Database, item_ids: Sequence[int], ts: str, *, now: datetime) -> None:
    """The rows of one message (a digest) are in Slack as message `ts`: all sent, in one transaction."""
    if not item_ids:
        return
    with db.session() as session:
        session.execute(update(OutboxRow).where(OutboxRow.id.in_(list(item_ids))).values(
            state="sent", message_ts=ts, sent_at=now.astimezone(UTC), last_error=None))


def mark_failed(db: Database, item_id: int, error: str) -> None:
    """Give up on a row for good (it will not be retried)."""
    _set(db, item_id, state="failed", last_error=error[:2000])


def mark_skipped(db: Database, item_id: int, reason: str) -> None:
    _set(db, item_id, state="skipped", last_error=reason[:2000])


def release(db: Database, item_id: int, *, not_before: datetime, error: str | None = None) -> None:
    """Put a claimed row back to "pending", to be tried again from `not_before`."""
    _set(db, item_id, state="pending", not_before=not_before.astimezone(UTC),
         last_error=error[:2000] if error else None)
