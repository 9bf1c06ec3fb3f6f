"""Delivery storage: channels and their schedules, topic subscriptions, and the outbox.

The outbox holds one row per (team, channel, story), its memory of what was posted: a story is enqueued once
(the unique constraint makes a second enqueue a no-op, also across restarts) and moves
pending → sending → sent (with the message ts), or → failed / skipped. A poster claims a row with its name and
a lease (`claimed_by`, `lease_until`); a row left in "sending" by a poster that died is taken back once its lease
has passed, and the poster looks for its own message before sending it again. A channel is sent to by one poster
at a time (`lease_channel`), which keeps Slack's pace per channel across posters.

Which channel gets which story is decided above storage (`bot.domain.routing`, `bot.app.subscriptions`);
this module reads channels and subscriptions and writes what it is told. Schedules are `DeliverySchedule`
values here and text in the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Select, and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.domain.channels import Channel, Delivery, Subscription
from bot.domain.schedule import ASAP, DeliverySchedule, InvalidSchedule, parse_schedule, zone
from bot.domain.topics import InvalidTopic, Topic, parse_topic, topic_from_terms
from bot.storage import Database
from bot.storage import as_utc as _utc
from bot.storage.models import ChannelLeaseRow, ChannelRow, OutboxRow, StoryRow, SubscriptionRow

log = logging.getLogger(__name__)

STATES = ("pending", "sending", "sent", "failed", "skipped")


class UnknownChannel(LookupError):
    """diplobot does not know that channel yet (no subscription was ever made there)."""


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
    claimed_by: str | None = None
    lease_until: datetime | None = None


def _schedule(row: ChannelRow) -> DeliverySchedule:
    """The channel's stored schedule text as a value; an unreadable one (never written by diplobot) is logged
    and read as "asap", so that one bad row does not stop delivery to every channel."""
    try:
        return parse_schedule(row.schedule)
    except InvalidSchedule as exc:
        log.error("channel %s/%s: %s; delivering as stories come in", row.team_id, row.channel_id, exc)
        return ASAP


def _channel(row: ChannelRow) -> Channel:
    return Channel(row.team_id, row.channel_id, _schedule(row), row.timezone, bool(row.paused), row.paused_reason,
                   row.layout or "compact", bool(row.weekly_chart))


def _subscription(row: SubscriptionRow) -> Subscription:
    return Subscription(row.id, row.team_id, row.channel_id, topic_from_terms(row.include_terms, row.exclude_terms),
                        row.created_by, _utc(row.created_at))


def _item(row: OutboxRow) -> OutboxItem:
    return OutboxItem(row.id, row.team_id, row.channel_id, row.story_id, row.state, row.attempts, row.message_ts,
                      row.last_error, _utc(row.not_before), _utc(row.created_at), _utc(row.sent_at), row.claimed_by,
                      _utc(row.lease_until))


def _insert(session: Session) -> Callable[[type[Any]], postgresql.Insert | sqlite.Insert]:
    """The dialect's INSERT, which has ON CONFLICT DO NOTHING."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


# --- channels ----------------------------------------------------------------------------------------------


def _channel_query(team_id: str, channel_id: str) -> Select[ChannelRow]:
    return select(ChannelRow).where(ChannelRow.team_id == team_id, ChannelRow.channel_id == channel_id)


def _channel_row(session: Session, team_id: str, channel_id: str) -> ChannelRow | None:
    return session.scalar(_channel_query(team_id, channel_id))


def _stored_channel_row(session: Session, team_id: str, channel_id: str) -> ChannelRow:
    """The channel's row where `ensure_channel` has just stored it (NoResultFound otherwise)."""
    return session.scalars(_channel_query(team_id, channel_id)).one()


def ensure_channel(db: Database, team_id: str, channel_id: str, *, now: datetime,
                   schedule: DeliverySchedule | None = None, timezone: str | None = None) -> Channel:
    """The channel's record, created ("asap", UTC unless given) when diplobot has not seen it yet."""
    with db.session() as session:
        insert = _insert(session)
        session.execute(insert(ChannelRow).values(
            team_id=team_id, channel_id=channel_id,
            schedule=(schedule or ASAP).text,
            timezone=zone(timezone).key if timezone else "UTC",
            paused=False, created_at=now.astimezone(UTC),
        ).on_conflict_do_nothing(index_elements=["team_id", "channel_id"]))
        return _channel(_stored_channel_row(session, team_id, channel_id))


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


def set_schedule(db: Database, team_id: str, channel_id: str, schedule: DeliverySchedule, timezone: str, *,
                 now: datetime, pending_not_before: datetime) -> Channel:
    """Change when a channel gets its stories, and move its pending rows to `pending_not_before`, together.

    Raises `InvalidSchedule` for an unknown time zone.
    """
    timezone = zone(timezone).key
    ensure_channel(db, team_id, channel_id, now=now)
    with db.session() as session:
        row = _stored_channel_row(session, team_id, channel_id)
        row.schedule = schedule.text
        row.timezone = timezone
        session.execute(update(OutboxRow).where(
            OutboxRow.team_id == team_id, OutboxRow.channel_id == channel_id, OutboxRow.state == "pending",
        ).values(not_before=pending_not_before.astimezone(UTC)))
        return _channel(row)


def set_display(db: Database, team_id: str, channel_id: str, *, now: datetime, layout: str | None = None,
                weekly_chart: bool | None = None) -> Channel:
    """Change how a channel's digests look (`layout`, "compact" or "full") and whether a weekly coverage chart
    comes with its Monday digest; what is None stays as it was."""
    if layout is not None and layout not in ("compact", "full"):
        raise ValueError(f"unknown layout {layout!r}: 'compact' or 'full'")
    ensure_channel(db, team_id, channel_id, now=now)
    with db.session() as session:
        row = _stored_channel_row(session, team_id, channel_id)
        if layout is not None:
            row.layout = layout
        if weekly_chart is not None:
            row.weekly_chart = weekly_chart
        return _channel(row)


def pause_channel(db: Database, team_id: str, channel_id: str, reason: str) -> bool:
    """Stop delivery to a channel; True when it was running until now."""
    with db.session() as session:
        row = _channel_row(session, team_id, channel_id)
        if row is None:
            row = ChannelRow(team_id=team_id, channel_id=channel_id, schedule=ASAP.text, timezone="UTC",
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
        row = session.scalars(select(SubscriptionRow).where(
            SubscriptionRow.team_id == team_id, SubscriptionRow.channel_id == channel_id,
            SubscriptionRow.topic == parsed.text)).one()
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
        return [user for user in dict.fromkeys(rows) if user is not None]


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


def enqueue_deliveries(db: Database, deliveries: Iterable[Delivery], *, now: datetime) -> int:
    """Queue each delivery's stories for its channel, all in one transaction; the number of rows added.

    A story folded into another since it was read (`bot.storage.stories`: its row is gone) is skipped: its rows
    are locked here (PostgreSQL), so a fold in progress is waited for, and once a row is queued no fold takes it.
    """
    deliveries = list(deliveries)
    added = 0
    with db.session() as session:
        wanted = sorted({story_id for d in deliveries for story_id in d.story_ids})
        present: set[int] = set()
        for start in range(0, len(wanted), 500):
            present.update(session.scalars(select(StoryRow.id).where(StoryRow.id.in_(wanted[start:start + 500]))
                                           .order_by(StoryRow.id).with_for_update(key_share=True)))
        for d in deliveries:
            added += _enqueue(session, d.team_id, d.channel_id, [i for i in d.story_ids if i in present], now=now,
                              not_before=d.not_before)
    return added


def _due_query(now: datetime, limit: int, team_id: str | None, channel_id: str | None) -> Select[OutboxRow]:
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


def claim(db: Database, item_id: int, *, holder: str | None = None,
          lease_until: datetime | None = None) -> OutboxItem | None:
    """Move one pending row to "sending" (attempts + 1) just before sending it; None if it is not pending.

    A conditional update, so two posters never claim the same row. `holder` names the poster and `lease_until`
    says until when the row is its own (None: until it is settled, as a test's bare claim).
    """
    with db.session() as session:
        result = session.execute(update(OutboxRow).where(OutboxRow.id == item_id, OutboxRow.state == "pending")
                                 .values(state="sending", attempts=OutboxRow.attempts + 1, claimed_by=holder,
                                         lease_until=lease_until.astimezone(UTC) if lease_until else None))
        if cast("CursorResult[Any]", result).rowcount != 1:
            return None
        return _item(session.get_one(OutboxRow, item_id, populate_existing=True))


def claim_all(db: Database, item_ids: Sequence[int], *, holder: str | None = None,
              lease_until: datetime | None = None) -> list[OutboxItem]:
    """Claim the rows of one message together (see `claim`), in one transaction; the ones that were pending."""
    if not item_ids:
        return []
    with db.session() as session:
        wanted = list(dict.fromkeys(item_ids))
        if session.get_bind().dialect.name == "postgresql":
            # Rows another poster is claiming right now are passed over instead of waited for.
            wanted = list(session.scalars(select(OutboxRow.id).where(OutboxRow.id.in_(wanted),
                                                                     OutboxRow.state == "pending")
                                          .order_by(OutboxRow.id).with_for_update(skip_locked=True)))
        # RETURNING names exactly the rows this update moved, so a row another poster took is never ours.
        claimed = list(session.scalars(
            update(OutboxRow).where(OutboxRow.id.in_(wanted), OutboxRow.state == "pending")
            .values(state="sending", attempts=OutboxRow.attempts + 1, claimed_by=holder,
                    lease_until=lease_until.astimezone(UTC) if lease_until else None)
            .returning(OutboxRow.id)))
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


def interrupted(db: Database, *, team_id: str | None = None, channel_id: str | None = None,
                expired_at: datetime | None = None) -> list[OutboxItem]:
    """Rows left in "sending" (by a crash): their message may or may not have reached Slack. With `expired_at`,
    only the rows whose lease has passed by then (or that have none): others are being sent right now."""
    items = outbox_items(db, team_id=team_id, channel_id=channel_id, states=["sending"])
    if expired_at is None:
        return items
    return [item for item in items if item.lease_until is None or item.lease_until <= expired_at]


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
         last_error=error[:2000] if error else None, claimed_by=None, lease_until=None)


# --- channel leases ------------------------------------------------------------------------------------------


@dataclass
class ChannelLease:
    """A channel a poster may send to until `until`; not before `next_post_at` (the previous holder's pace)."""

    team_id: str
    channel_id: str
    until: datetime
    next_post_at: datetime | None


def lease_channel(db: Database, team_id: str, channel_id: str, *, holder: str, now: datetime,
                  until: datetime) -> ChannelLease | None:
    """Take (or extend) the channel's lease for `holder`; None while another poster's lease runs."""
    with db.session() as session:
        session.execute(_insert(session)(ChannelLeaseRow).values(team_id=team_id, channel_id=channel_id)
                        .on_conflict_do_nothing(index_elements=["team_id", "channel_id"]))
        next_post_at = session.execute(
            update(ChannelLeaseRow)
            .where(ChannelLeaseRow.team_id == team_id, ChannelLeaseRow.channel_id == channel_id,
                   or_(ChannelLeaseRow.holder.is_(None), ChannelLeaseRow.holder == holder,
                       ChannelLeaseRow.lease_until.is_(None), ChannelLeaseRow.lease_until <= now.astimezone(UTC)))
            .values(holder=holder, lease_until=until.astimezone(UTC))
            .returning(ChannelLeaseRow.next_post_at)).first()
        if next_post_at is None:
            return None
        return ChannelLease(team_id, channel_id, until, _utc(next_post_at[0]))


def release_channel(db: Database, team_id: str, channel_id: str, *, holder: str,
                    next_post_at: datetime | None) -> None:
    """Give the channel's lease up, saying when it may take its next message."""
    with db.session() as session:
        session.execute(update(ChannelLeaseRow).where(
            ChannelLeaseRow.team_id == team_id, ChannelLeaseRow.channel_id == channel_id,
            ChannelLeaseRow.holder == holder,
        ).values(holder=None, lease_until=None,
                 next_post_at=next_post_at.astimezone(UTC) if next_post_at else None))
