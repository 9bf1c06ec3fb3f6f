"""Delivery use cases on SQLite and PostgreSQL: subscribing (back-fill, resuming), scheduling, queueing."""

from datetime import UTC, datetime

import pytest

from bot.app.subscriptions import change_schedule, enqueue_stories, subscribe
from bot.domain.schedule import InvalidSchedule, parse_schedule
from bot.storage import Database
from bot.storage import delivery as d
from tests.test_delivery import NOW, TEAM, add_stories


def test_schedule_is_checked_and_moves_pending_rows(db: Database) -> None:
    [story] = add_stories(db, ["Talks resume"])
    d.ensure_channel(db, TEAM, "C1", now=NOW)
    d.enqueue(db, TEAM, "C1", [story.id], now=NOW)
    channel = change_schedule(db, TEAM, "C1", parse_schedule("daily@08:30"), "Europe/Berlin", now=NOW)
    assert (channel.schedule.text, channel.timezone) == ("daily@08:30", "Europe/Berlin")
    [item] = d.outbox_items(db)
    assert item.not_before == datetime(2026, 11, 28, 7, 30, tzinfo=UTC)  # 08:30 in Berlin (UTC+1)
    assert d.claim_due(db, now=NOW) == []
    with pytest.raises(InvalidSchedule):
        change_schedule(db, TEAM, "C1", parse_schedule("hourly"), now=NOW)
    with pytest.raises(InvalidSchedule):
        change_schedule(db, TEAM, "C1", parse_schedule("daily@08:00"), "Mars/Olympus", now=NOW)


def test_new_subscription_backfills_at_most_the_setting(db: Database) -> None:
    stories = add_stories(db, [f"Iran talks round {n}" for n in range(1, 7)] + ["Brexit vote"])
    result = subscribe(db, TEAM, "C1", "iran", created_by="U1", now=NOW, backfill=3, stories=stories)
    assert result.created and result.backfilled == 3
    queued = [s.title for s in stories if s.id in {i.story_id for i in d.outbox_items(db)}]
    assert queued == ["Iran talks round 4", "Iran talks round 5", "Iran talks round 6"]
    again = subscribe(db, TEAM, "C1", "iran", created_by="U1", now=NOW, backfill=3, stories=stories)
    assert not again.created and again.backfilled == 0
    assert subscribe(db, TEAM, "C2", "iran", created_by="U1", now=NOW, backfill=0, stories=stories).backfilled == 0


def test_new_stories_go_to_matching_running_channels_only(db: Database) -> None:
    d.add_subscription(db, TEAM, "C_NK", "north korea", created_by="U1", now=NOW)
    d.add_subscription(db, TEAM, "C_IRAN", "iran", created_by="U1", now=NOW)
    d.add_subscription(db, TEAM, "C_PAUSED", "north korea", created_by="U1", now=NOW)
    d.pause_channel(db, TEAM, "C_PAUSED", "not_in_channel")
    change_schedule(db, TEAM, "C_IRAN", parse_schedule("daily@08:00"), "UTC", now=NOW)
    stories = add_stories(db, ["North Korea fires missile", "Iran deal talks", "Brexit vote"])
    assert enqueue_stories(db, stories, now=NOW) == 2
    assert enqueue_stories(db, stories, now=NOW) == 0
    by_channel = {i.channel_id: i for i in d.outbox_items(db)}
    assert set(by_channel) == {"C_NK", "C_IRAN"}
    assert by_channel["C_NK"].not_before is None
    assert by_channel["C_IRAN"].not_before == datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
    assert [i.channel_id for i in d.claim_due(db, now=NOW)] == ["C_NK"]


def test_subscribing_again_resumes_a_channel_paused_by_a_channel_error(db: Database) -> None:
    stories = add_stories(db, ["Iran talks 1", "Iran talks 2", "Iran talks 3"])
    subscribe(db, TEAM, "C1", "iran", created_by="U1", now=NOW, backfill=0, stories=stories)
    d.enqueue(db, TEAM, "C1", [s.id for s in stories], now=NOW)
    d.pause_channel(db, TEAM, "C1", "not_in_channel")
    result = subscribe(db, TEAM, "C1", "iran", created_by="U1", now=NOW, backfill=1, stories=stories)
    assert result.resumed and not result.created
    assert not d.get_channel(db, TEAM, "C1").paused
    assert len(d.outbox_items(db, states=["pending"])) == 1  # only the newest of the backlog goes out
    d.pause_team(db, TEAM, "workspace token refused: token_revoked")
    assert not subscribe(db, TEAM, "C1", "iran", created_by="U1", now=NOW, backfill=1, stories=stories).resumed
    assert d.get_channel(db, TEAM, "C1").paused


def test_a_schedule_change_without_a_zone_keeps_the_channels_own(db: Database) -> None:
    [story] = add_stories(db, ["Talks resume"])
    change_schedule(db, TEAM, "C1", parse_schedule("daily@08:30"), "Europe/Berlin", now=NOW)
    d.enqueue(db, TEAM, "C1", [story.id], now=NOW)
    channel = change_schedule(db, TEAM, "C1", parse_schedule("daily@09:00"), now=NOW)
    assert (channel.schedule.text, channel.timezone) == ("daily@09:00", "Europe/Berlin")
    [item] = d.outbox_items(db)
    assert item.not_before == datetime(2026, 11, 28, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
