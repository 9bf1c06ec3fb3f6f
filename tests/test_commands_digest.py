"""/digest: this channel's subscriptions (or one topic) as a digest right now, split to fit Block Kit."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.slack.blocks import MAX_BLOCKS
from bot.slack.commands.answer import CommandContext, UsageError
from bot.slack.commands.digest import DigestArgs, answer, parse
from bot.storage.delivery import add_subscription
from tests.stored_news import add_article, add_demo_news, add_feed

CTX = CommandContext(team_id="T1", channel_id="C1", user_id="U1", now=datetime(2018, 10, 20, 9, tzinfo=UTC))


def test_a_channel_without_topics_is_told_how_to_follow_one(settings, db) -> None:
    add_demo_news(db)
    assert "/subscribe" in answer(db, settings, DigestArgs(), CTX).text


def test_digest_shows_only_the_channels_topics(settings, db) -> None:
    add_demo_news(db)
    add_subscription(db, "T1", "C1", "iran", created_by="U1", now=CTX.now)
    text = json.dumps(answer(db, settings, DigestArgs(), CTX).blocks, ensure_ascii=False)
    assert "EU sets Iran deadline" in text and "Pyongyang" not in text


def test_a_topic_argument_gives_that_topics_digest(settings, db) -> None:
    add_demo_news(db)
    result = answer(db, settings, parse("pyongyang -iran"), CTX)
    text = json.dumps(result.blocks, ensure_ascii=False)
    assert "Pompeo heads to Pyongyang" in text and "EU sets Iran" not in text


def test_bad_topic_says_how_to_write_one() -> None:
    with pytest.raises(UsageError, match="/digest north korea"):
        parse("-sports")


def test_many_stories_are_split_into_messages_within_limits(settings, db) -> None:
    feed = add_feed(db)
    start = datetime(2018, 10, 1, tzinfo=UTC)
    for i in range(12):
        add_article(db, feed, f"Sanctions talks round {i}", start + timedelta(hours=i),
                    quotes=[(f"Round {i} was useful", "Jane Doe", True)], summary=["x" * 900, "y" * 900])
    result = answer(db, settings, parse("sanctions"), CTX)
    for message in result.messages():
        assert len(message.blocks) <= MAX_BLOCKS
        assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in message.blocks)
    assert len(result.messages()) >= 1
