"""Figures an operator watches, read from the database: is it reachable, outbox depth, feeds in backoff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, text

from bot.storage import Database
from bot.storage import as_utc as _utc
from bot.storage.models import FeedRow, OutboxRow


@dataclass(frozen=True)
class Backlog:
    """What waits: outbox rows pending whose time has come, the oldest one's age, feeds failing in backoff."""

    outbox_due: int
    oldest_due_seconds: float
    feeds_active: int
    feeds_in_backoff: int


def ping(db: Database) -> None:
    """One round trip to the database; raises when it cannot be reached."""
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def backlog(db: Database, now: datetime) -> Backlog:
    """The outbox and feed figures at `now` (aware UTC)."""
    due = or_(OutboxRow.not_before.is_(None), OutboxRow.not_before <= now)
    with db.session() as session:
        count, oldest = session.execute(
            select(func.count(OutboxRow.id), func.min(OutboxRow.created_at)).where(OutboxRow.state == "pending", due)
        ).one()
        active, failing = session.execute(
            select(func.count(FeedRow.id), func.count(FeedRow.id).filter(FeedRow.consecutive_failures > 0))
            .where(FeedRow.retired.is_(False))
        ).one()
    age = max(0.0, (now - _utc(oldest)).total_seconds()) if oldest is not None else 0.0
    return Backlog(outbox_due=int(count), oldest_due_seconds=age, feeds_active=int(active),
                   feeds_in_backoff=int(failing))
