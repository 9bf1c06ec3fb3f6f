"""/diplo schedule and /diplo resume: when a channel gets its stories, and restarting a paused one."""

from datetime import UTC, datetime

import pytest

from bot.slack.commands import run_command
from bot.slack.commands.answer import CommandContext, UsageError
from bot.slack.commands.channel import ScheduleArgs, parse_schedule_args
from bot.storage.delivery import add_subscription, get_channel, pause_channel

CTX = CommandContext(team_id="T1", channel_id="C1", user_id="U1", timezone="Asia/Tokyo",
                     now=datetime(2018, 10, 20, 9, tzinfo=UTC))


def test_schedule_words_are_read() -> None:
    assert parse_schedule_args("") == ScheduleArgs(None)
    assert parse_schedule_args("daily 07:30") == ScheduleArgs("daily 07:30")
    assert parse_schedule_args("Daily at 7:30") == ScheduleArgs("daily 7:30")
    assert parse_schedule_args("ASAP") == ScheduleArgs("asap")
    for bad in ("weekly", "daily 25:00", "x" * 100):
        with pytest.raises(UsageError, match="schedule"):
            parse_schedule_args(bad)


def test_schedule_is_set_in_the_users_time_zone_and_shown(settings, db) -> None:
    assert "/subscribe" in run_command(db, settings, "/diplo", "schedule", CTX).text
    add_subscription(db, "T1", "C1", "iran", created_by="U1", now=CTX.now)
    answer = run_command(db, settings, "/diplo", "schedule daily 07:30", CTX)
    assert "once a day at 07:30 (Asia/Tokyo)" in answer.text
    channel = get_channel(db, "T1", "C1")
    assert (channel.schedule.text, channel.timezone) == ("daily@07:30", "Asia/Tokyo")
    assert "once a day at 07:30" in run_command(db, settings, "/diplo", "schedule", CTX).text
    assert "as stories come in" in run_command(db, settings, "/diplo", "schedule asap", CTX).text
    at_nine = settings.model_copy(update={"digest_time": "09:15"})
    assert "once a day at 09:15" in run_command(db, at_nine, "/diplo", "schedule daily", CTX).text


def test_resume_restarts_a_paused_channel(settings, db) -> None:
    add_subscription(db, "T1", "C1", "iran", created_by="U1", now=CTX.now)
    assert "not paused" in run_command(db, settings, "/diplo", "resume", CTX).text
    pause_channel(db, "T1", "C1", "channel_not_found")
    assert "paused: channel_not_found" in run_command(db, settings, "/diplo", "schedule", CTX).text
    assert "Delivery resumed" in run_command(db, settings, "/diplo", "resume", CTX).text
    assert get_channel(db, "T1", "C1").paused is False
