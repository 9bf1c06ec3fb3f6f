"""Schedules and the scheduler of `diplobot run`, built from plain functions: no Slack, no network."""

import logging
import threading
from datetime import UTC, datetime, time

import pytest

from bot.app.jobs import ChannelJob, FeedJob, build_scheduler, sync_channel_jobs, sync_feed_jobs
from bot.domain.schedule import ASAP, DeliverySchedule, InvalidSchedule, next_delivery, parse_schedule


@pytest.mark.parametrize(("text", "expected"), [
    ("asap", DeliverySchedule("asap")),
    ("  ASAP ", DeliverySchedule("asap")),
    ("daily@08:30", DeliverySchedule("daily", time(8, 30))),
    ("daily 7:05", DeliverySchedule("daily", time(7, 5))),
    ("daily", DeliverySchedule("daily", time(9, 15))),
])
def test_schedules_people_write_are_read(text: str, expected: DeliverySchedule) -> None:
    assert parse_schedule(text, default_time="09:15") == expected
    assert parse_schedule(expected.text) == expected


@pytest.mark.parametrize("text", ["hourly", "daily@25:00", "daily@08:61", "", "daily@8"])
def test_unreadable_schedules_are_refused_with_the_syntax(text: str) -> None:
    with pytest.raises(InvalidSchedule, match="daily@"):
        parse_schedule(text)


def test_daily_delivery_is_the_next_local_time_in_the_channel_zone() -> None:
    daily = parse_schedule("daily@08:00")
    winter_morning = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)  # 07:00 in Berlin
    assert next_delivery(daily, "Europe/Berlin", winter_morning) == datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
    after = datetime(2026, 11, 27, 7, 0, 1, tzinfo=UTC)
    assert next_delivery(daily, "Europe/Berlin", after) == datetime(2026, 11, 28, 7, 0, tzinfo=UTC)
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert next_delivery(daily, "Europe/Berlin", summer) == datetime(2026, 7, 2, 6, 0, tzinfo=UTC)
    assert next_delivery(parse_schedule("asap"), "Europe/Berlin", summer) == summer


def test_a_time_skipped_by_daylight_saving_moves_forward() -> None:
    # 02:30 does not exist in Berlin on 29 March 2026 (clocks jump from 02:00 to 03:00).
    due = next_delivery(parse_schedule("daily@02:30"), "Europe/Berlin", datetime(2026, 3, 28, 23, 0, tzinfo=UTC))
    assert due == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 local, after the jump


FEEDS = (FeedJob(1, 600), FeedJob(2, 60))


def scheduler_for_test(settings, calls: list, feeds=FEEDS, channels=()):
    return build_scheduler(
        poll_feed=lambda feed_id: calls.append(("poll", feed_id)),
        feeds=list(feeds),
        send_due=lambda: calls.append(("send",)),
        channels=list(channels),
        deliver_channel=lambda team, channel: calls.append(("digest", team, channel)),
        remind_deadlines=lambda: calls.append(("remind",)),
        settings=settings,
    )


def test_scheduler_has_a_job_per_feed_daily_channel_sender_and_reminder(settings) -> None:
    calls: list = []
    channels = [ChannelJob("T1", "C_DAILY", parse_schedule("daily@08:00"), "Asia/Tokyo"), ChannelJob("T1", "C_LIVE", ASAP)]
    scheduler = scheduler_for_test(settings.model_copy(update={"poll_jitter_seconds": 30}), calls, channels=channels)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"feed:1", "feed:2", "send-due", "digest:T1:C_DAILY", "deadline-reminders"}
    assert jobs["feed:1"].trigger.interval.total_seconds() == 600
    assert jobs["feed:2"].trigger.jitter == 30
    digest = jobs["digest:T1:C_DAILY"].trigger
    # 22:00 UTC is 07:00 the next morning in Tokyo: the digest is due an hour later, at 08:00 Tokyo time.
    next_fire = digest.get_next_fire_time(None, datetime(2026, 11, 26, 22, 0, tzinfo=UTC))
    assert next_fire.astimezone(UTC) == datetime(2026, 11, 26, 23, 0, tzinfo=UTC)
    for job in jobs.values():
        job.func(*job.args)
    assert sorted(calls, key=str) == sorted(
        [("poll", 1), ("poll", 2), ("send",), ("digest", "T1", "C_DAILY"), ("remind",)], key=str)


def test_a_failing_job_is_logged_and_does_not_raise(settings, caplog) -> None:
    def broken(feed_id: int) -> None:
        raise RuntimeError("feed exploded")

    scheduler = build_scheduler(poll_feed=broken, feeds=[FeedJob(7, 60)], send_due=lambda: None, channels=[],
                                deliver_channel=lambda t, c: None, remind_deadlines=lambda: None, settings=settings)
    job = scheduler.get_job("feed:7")
    with caplog.at_level(logging.ERROR):
        job.func(*job.args)
    assert "poll feed 7" in caplog.text and "feed exploded" in caplog.text


def test_sync_adds_changes_and_drops_jobs(settings) -> None:
    calls: list = []
    scheduler = scheduler_for_test(settings, calls, channels=[ChannelJob("T1", "C1", parse_schedule("daily@08:00"), "UTC")])
    sync_feed_jobs(scheduler, [FeedJob(2, 120), FeedJob(3, 60)], lambda f: None, jitter_seconds=0)
    sync_channel_jobs(scheduler, [ChannelJob("T1", "C2", parse_schedule("daily@09:00"), "UTC"),
                                  ChannelJob("T1", "C3", parse_schedule("daily@09:00"), "Mars/Olympus")], lambda t, c: None)
    ids = {job.id for job in scheduler.get_jobs()}
    assert ids == {"feed:2", "feed:3", "send-due", "digest:T1:C2", "deadline-reminders"}
    assert scheduler.get_job("feed:2").trigger.interval.total_seconds() == 120


def test_started_scheduler_polls_a_new_feed_at_once(settings) -> None:
    polled = threading.Event()
    scheduler = build_scheduler(poll_feed=lambda feed_id: polled.set(), feeds=[FeedJob(1, 3600)],
                                send_due=lambda: None, channels=[], deliver_channel=lambda t, c: None,
                                remind_deadlines=lambda: None, settings=settings)
    scheduler.start()
    try:
        assert polled.wait(timeout=10)
    finally:
        scheduler.shutdown(wait=False)
