"""The APScheduler jobs of `diplobot run`: poll each feed, send what is due, post daily digests, remind deadlines.

Jobs only call the functions passed in, so a scheduler is built and inspected in tests without Slack.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler

    from bot.config import Settings

from bot.domain.schedule import DeliverySchedule, InvalidSchedule, parse_schedule, zone

log = logging.getLogger(__name__)

FEED_JOB_PREFIX = "feed:"
CHANNEL_JOB_PREFIX = "digest:"



@dataclass(frozen=True)
class FeedJob:
    """A feed to poll every `interval_seconds` (plus jitter)."""

    feed_id: int
    interval_seconds: int


@dataclass(frozen=True)
class ChannelJob:
    """A channel whose digest goes out on a daily schedule."""

    team_id: str
    channel_id: str
    schedule: DeliverySchedule
    timezone: str = "UTC"


def _logged(name: str, function: Callable[..., object]) -> Callable[..., None]:
    """A job body that logs its failure with what it was working on and lets the next run happen."""

    def run(*args: object) -> None:
        try:
            function(*args)
        except Exception:
            log.exception("scheduled job %s failed (args %r); it runs again at its next time", name, args)

    run.__name__ = f"{name}_job"
    return run


def sync_feed_jobs(scheduler: BackgroundScheduler, feeds: Iterable[FeedJob],
                   poll_feed: Callable[[int], object], *, jitter_seconds: int) -> None:
    """Make the scheduler poll exactly `feeds`, each on its own interval, with jitter."""
    from apscheduler.triggers.interval import IntervalTrigger

    wanted = {f"{FEED_JOB_PREFIX}{feed.feed_id}": feed for feed in feeds}
    for job in scheduler.get_jobs():
        if job.id.startswith(FEED_JOB_PREFIX) and job.id not in wanted:
            job.remove()
    for job_id, feed in wanted.items():
        trigger = IntervalTrigger(seconds=max(1, feed.interval_seconds), jitter=jitter_seconds or None)
        existing = scheduler.get_job(job_id)
        if existing is not None and getattr(existing.trigger, "interval", None) == trigger.interval:
            continue
        # A new feed is polled at once; a changed interval counts from now.
        first_run = {"next_run_time": datetime.now(UTC)} if existing is None else {}
        if existing is not None:
            existing.remove()  # before start, replace_existing would leave the old pending job first
        scheduler.add_job(
            _logged(f"poll feed {feed.feed_id}", poll_feed), trigger, args=[feed.feed_id], id=job_id,
            replace_existing=True, max_instances=1, coalesce=True, misfire_grace_time=None, **first_run,
        )


def sync_channel_jobs(scheduler: BackgroundScheduler, channels: Iterable[ChannelJob],
                      deliver_channel: Callable[[str, str], object]) -> None:
    """One cron job per daily channel at its time in its time zone; "asap" channels need none."""
    from apscheduler.triggers.cron import CronTrigger

    wanted: dict[str, tuple[ChannelJob, time]] = {}
    for channel in channels:
        if channel.schedule.at is None:
            continue
        try:
            zone(channel.timezone)
        except InvalidSchedule as exc:
            log.error("channel %s/%s: %s", channel.team_id, channel.channel_id, exc)
            continue
        wanted[f"{CHANNEL_JOB_PREFIX}{channel.team_id}:{channel.channel_id}"] = (channel, channel.schedule.at)
    for job in scheduler.get_jobs():
        if job.id.startswith(CHANNEL_JOB_PREFIX) and job.id not in wanted:
            job.remove()
    for job_id, (channel, at) in wanted.items():
        trigger = CronTrigger(hour=at.hour, minute=at.minute, timezone=zone(channel.timezone))
        existing = scheduler.get_job(job_id)
        if existing is not None and str(existing.trigger) == str(trigger):
            continue
        if existing is not None:
            existing.remove()
        scheduler.add_job(
            _logged(f"digest {channel.team_id}/{channel.channel_id}", deliver_channel), trigger,
            args=[channel.team_id, channel.channel_id], id=job_id, replace_existing=True,
            max_instances=1, coalesce=True, misfire_grace_time=3600,
        )


def build_scheduler(*, poll_feed: Callable[[int], object], feeds: Iterable[FeedJob],
                    send_due: Callable[[], object], channels: Iterable[ChannelJob],
                    deliver_channel: Callable[[str, str], object], remind_deadlines: Callable[[], object],
                    settings: Settings, send_every_seconds: int = 5) -> BackgroundScheduler:
    """A BackgroundScheduler (not started) with every job of `diplobot run`.

    Args:
        poll_feed: called with a feed id; polls, analyses and enqueues that feed's new stories.
        feeds: the feeds to poll, each with its interval; jitter is `settings.poll_jitter_seconds`.
        send_due: sends every due outbox row ("asap" channels, and daily ones whose time has come).
        channels: channels with a daily schedule get a cron job in their own time zone.
        deliver_channel: called with (team_id, channel_id) at a daily channel's time.
        remind_deadlines: called daily at `settings.digest_time` in `settings.timezone`.
        settings: the run's settings.
        send_every_seconds: how often `send_due` runs.
    """
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    scheduler = BackgroundScheduler(timezone=zone(settings.timezone))
    sync_feed_jobs(scheduler, feeds, poll_feed, jitter_seconds=settings.poll_jitter_seconds)
    scheduler.add_job(_logged("send due messages", send_due), IntervalTrigger(seconds=send_every_seconds),
                      id="send-due", max_instances=1, coalesce=True, replace_existing=True)
    sync_channel_jobs(scheduler, channels, deliver_channel)
    reminder_at = parse_schedule(f"daily@{settings.digest_time}").at
    if reminder_at is None:  # a "daily@" schedule always has its time; this tells the type checker so
        raise InvalidSchedule(f"DIGEST_TIME {settings.digest_time!r} is not a time of day")
    scheduler.add_job(
        _logged("deadline reminders", remind_deadlines),
        CronTrigger(hour=reminder_at.hour, minute=reminder_at.minute, timezone=zone(settings.timezone)),
        id="deadline-reminders", max_instances=1, coalesce=True, replace_existing=True, misfire_grace_time=3600,
    )
    return scheduler
