"""Which channel is reminded of which deadlines, without Slack or a database: records in, messages out."""

from datetime import UTC, datetime, timedelta

from bot.analysis.records import Deadline
from bot.domain.channels import Channel, Subscription
from bot.domain.schedule import ASAP
from bot.domain.stories import Story
from bot.domain.topics import parse_topic
from bot.slack.outbox.reminders import deadline_reminders

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def channel(channel_id: str, *, paused: bool = False, timezone: str = "UTC") -> Channel:
    return Channel("T1", channel_id, ASAP, timezone, paused, "not_in_channel" if paused else None)


def subscription(channel_id: str, topic: str) -> Subscription:
    return Subscription(1, "T1", channel_id, parse_topic(topic), "U1", NOW)


def story(story_id: int, title: str, due_in_days: int) -> Story:
    due = (NOW + timedelta(days=due_in_days)).date().isoformat()
    return Story(id=story_id, title=title, url=None, published=NOW - timedelta(days=1),
                 deadlines=[Deadline("by Friday", 0, 1, due, "date", "answer the proposal", "Iran")])


def test_each_running_channel_is_reminded_of_its_own_stories_deadlines_coming_due() -> None:
    stories = [story(1, "Geneva talks resume", 2), story(2, "Vienna talks stall", 30)]
    channels = [channel("C_GENEVA"), channel("C_VIENNA"), channel("C_PAUSED", paused=True), channel("C_NONE")]
    subscriptions = [subscription("C_GENEVA", "geneva"), subscription("C_VIENNA", "vienna"),
                     subscription("C_PAUSED", "geneva")]
    reminders = deadline_reminders(stories, channels, subscriptions, now=NOW, days=7)
    # Vienna's deadline is a month away; the paused channel and the one without subscriptions hear nothing.
    assert [r.channel_id for r in reminders] == ["C_GENEVA"]
    assert "answer the proposal" in str(reminders[0].message.blocks)


def test_nothing_coming_due_means_no_reminder() -> None:
    reminders = deadline_reminders([story(1, "Geneva talks resume", 30)], [channel("C_GENEVA")],
                                   [subscription("C_GENEVA", "geneva")], now=NOW, days=7)
    assert reminders == []
