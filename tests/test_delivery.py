"""Delivery storage on SQLite and PostgreSQL: channels, subscriptions and the outbox."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.schedule import parse_schedule
from bot.domain.stories import Story
from bot.domain.topics import InvalidTopic
from bot.storage import Database
from bot.storage import delivery as d
from bot.storage.models import StoryRow

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
TEAM = "T0001"


def add_stories(db: Database, titles: list[str]) -> list[Story]:
    """Stored stories (rows the outbox can point at) and their records, the newest last."""
    stories = []
    with db.session() as session:
        for n, title in enumerate(titles):
            published = NOW - timedelta(hours=len(titles) - n)
            row = StoryRow(title=title, first_published_at=published, updated_at=published)
            session.add(row)
            session.flush()
            stories.append(Story(id=row.id, title=title, url=None, published=published))
    return stories


def test_a_new_channel_is_asap_utc_and_running(db: Database) -> None:
    channel = d.ensure_channel(db, TEAM, "C1", now=NOW)
    assert (channel.schedule.text, channel.timezone, channel.paused) == ("asap", "UTC", False)
    assert d.ensure_channel(db, TEAM, "C1", now=NOW, schedule=parse_schedule("daily@07:00")) == channel
    assert d.list_channels(db) == [channel]


def test_subscriptions_add_list_remove(db: Database) -> None:
    sub, created = d.add_subscription(db, TEAM, "C1", "North Korea -sports", created_by="U1", now=NOW)
    again, created_again = d.add_subscription(db, TEAM, "C1", "north  korea -Sports", created_by="U2", now=NOW)
    assert created and not created_again and again.id == sub.id
    d.add_subscription(db, TEAM, "C1", "iran", created_by="U2", now=NOW)
    d.add_subscription(db, TEAM, "C2", "iran", created_by="U3", now=NOW)
    assert [s.text for s in d.list_subscriptions(db, team_id=TEAM, channel_id="C1")] == \
        ["north korea -sports", "iran"]
    assert d.subscribers(db, TEAM, "C1") == ["U1", "U2"]
    assert d.remove_subscription(db, TEAM, "C1", "NORTH KOREA -sports")
    assert not d.remove_subscription(db, TEAM, "C1", "north korea -sports")
    assert d.remove_subscription_by_id(db, "T_OTHER", sub.id) is None
    iran = d.list_subscriptions(db, channel_id="C2")[0]
    assert d.remove_subscription_by_id(db, TEAM, iran.id).text == "iran"
    assert [s.text for s in d.list_subscriptions(db)] == ["iran"]
    with pytest.raises(InvalidTopic):
        d.add_subscription(db, TEAM, "C1", "-only -exclusions", created_by="U1", now=NOW)


def test_enqueue_is_idempotent_across_calls(db: Database) -> None:
    stories = add_stories(db, ["A", "B"])
    ids = [s.id for s in stories]
    assert d.enqueue(db, TEAM, "C1", ids, now=NOW) == 2
    assert d.enqueue(db, TEAM, "C1", ids + ids, now=NOW) == 0
    assert d.enqueue(db, TEAM, "C2", ids[:1], now=NOW) == 1
    assert len(d.outbox_items(db)) == 3


def test_claim_moves_rows_to_sending_once(db: Database) -> None:
    stories = add_stories(db, ["A", "B"])
    d.enqueue(db, TEAM, "C1", [s.id for s in stories], now=NOW)
    first = d.claim_due(db, now=NOW, limit=1)
    assert [(i.state, i.attempts) for i in first] == [("sending", 1)]
    second = d.claim_due(db, now=NOW)
    assert [i.story_id for i in second] == [stories[1].id]
    assert d.claim_due(db, now=NOW) == []
    assert len(d.interrupted(db)) == 2


def test_row_states_sent_failed_skipped_and_release(db: Database) -> None:
    a, b, c = add_stories(db, ["A", "B", "C"])
    d.enqueue(db, TEAM, "C1", [a.id, b.id, c.id], now=NOW)
    x, y, z = d.claim_due(db, now=NOW)
    d.record_message(db, x.id, "1700000001.000100")
    assert d.interrupted(db)[0].message_ts == "1700000001.000100"
    d.mark_sent(db, x.id, "1700000001.000100", now=NOW)
    d.mark_failed(db, y.id, "invalid_blocks")
    d.release(db, z.id, not_before=NOW + timedelta(seconds=30), error="rate limited")
    states = {i.story_id: (i.state, i.last_error) for i in d.outbox_items(db)}
    assert states == {a.id: ("sent", None), b.id: ("failed", "invalid_blocks"), c.id: ("pending", "rate limited")}
    assert d.claim_due(db, now=NOW) == []
    assert [i.story_id for i in d.claim_due(db, now=NOW + timedelta(seconds=31))] == [c.id]
    d.mark_skipped(db, z.id, "story no longer stored")
    assert d.outbox_items(db, states=["skipped"])[0].story_id == c.id


def test_paused_channel_keeps_its_rows_and_unpause_sends_only_the_latest(db: Database) -> None:
    stories = add_stories(db, [f"Story {n}" for n in range(6)])
    d.enqueue(db, TEAM, "C1", [s.id for s in stories], now=NOW)
    d.enqueue(db, TEAM, "C2", [stories[0].id], now=NOW)
    assert d.pause_channel(db, TEAM, "C1", "channel_not_found")
    assert not d.pause_channel(db, TEAM, "C1", "channel_not_found")
    assert d.get_channel(db, TEAM, "C1").paused_reason == "channel_not_found"
    assert [i.channel_id for i in d.claim_due(db, now=NOW)] == ["C2"]
    assert d.unpause_channel(db, TEAM, "C1", keep_latest=2, now=NOW) == 4
    assert len(d.claim_due(db, now=NOW)) == 2
    assert len(d.outbox_items(db, channel_id="C1", states=["skipped"])) == 4


def test_pause_team_stops_every_channel_of_that_workspace(db: Database) -> None:
    for channel in ("C1", "C2"):
        d.ensure_channel(db, TEAM, channel, now=NOW)
    d.ensure_channel(db, "T_OTHER", "C9", now=NOW)
    assert sorted(d.pause_team(db, TEAM, "token_revoked")) == ["C1", "C2"]
    assert [c.channel_id for c in d.list_channels(db, paused=False)] == ["C9"]
    d.unpause_team(db, TEAM, keep_latest=3, now=NOW)
    assert d.list_channels(db, paused=True) == []


def test_rows_of_one_message_are_claimed_and_marked_sent_together(db: Database) -> None:
    stories = add_stories(db, ["Talks resume in Geneva", "Envoys leave Vienna", "Summit set for Oslo"])
    d.enqueue(db, TEAM, "C1", [s.id for s in stories], now=NOW)
    rows = d.due_items(db, now=NOW)
    already = d.claim(db, rows[0].id)  # another poster took one of them meanwhile
    claimed = d.claim_all(db, [r.id for r in rows])
    assert [(i.id, i.state, i.attempts) for i in claimed] == [(r.id, "sending", 1) for r in rows[1:]]
    assert d.claim_all(db, [r.id for r in rows]) == []
    d.mark_all_sent(db, [i.id for i in claimed], "1700000001.000100", now=NOW)
    states = {i.id: (i.state, i.message_ts) for i in d.outbox_items(db)}
    assert states == {already.id: ("sending", None),
                      **{i.id: ("sent", "1700000001.000100") for i in claimed}}
