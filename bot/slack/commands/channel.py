"""`/diplo schedule [asap | daily HH:MM]` and `/diplo resume`: when this channel gets its stories."""

from __future__ import annotations

from dataclasses import dataclass

from bot.app.subscriptions import change_schedule
from bot.config import Settings
from bot.domain.schedule import DeliverySchedule, InvalidSchedule, parse_schedule
from bot.slack.blocks import SlackMessage
from bot.slack.commands.answer import CommandContext, UsageError, plain_answer
from bot.slack.commands.feedtext import safe
from bot.storage import Database
from bot.storage.delivery import get_channel, unpause_channel

USAGE = "Try `/diplo schedule daily 08:00` (your time zone) or `/diplo schedule asap` (as stories come)."


@dataclass
class ScheduleArgs:
    schedule: str | None = None  # None: show the current one


def parse_schedule_args(text: str, default_time: str = "08:00") -> ScheduleArgs:
    words = text.strip()
    if not words:
        return ScheduleArgs()
    if len(words) > 40:
        raise UsageError(f"That schedule is too long. {USAGE}")
    words = " ".join(words.casefold().replace(" at ", " ").split())
    try:
        parse_schedule(words, default_time)  # checked here; stored with the settings' DIGEST_TIME for "daily"
        return ScheduleArgs(words)
    except InvalidSchedule as exc:
        raise UsageError(f"{safe(str(exc))} {USAGE}") from exc


def describe(schedule: DeliverySchedule, timezone: str) -> str:
    if schedule.at is None:
        return "as stories come in"
    return f"once a day at {schedule.at:%H:%M} ({timezone})"


def answer_schedule(db: Database, settings: Settings, args: ScheduleArgs, ctx: CommandContext) -> SlackMessage:
    if args.schedule is None:
        channel = get_channel(db, ctx.team_id, ctx.channel_id)
        if channel is None:
            return plain_answer(f"This channel gets no stories yet: `/subscribe &lt;topic&gt;` first. {USAGE}")
        paused = f" Delivery is paused: {safe(channel.paused_reason or 'unknown reason')}." if channel.paused else ""
        return plain_answer(f"This channel gets its stories {describe(channel.schedule, channel.timezone)}.{paused}")
    channel = change_schedule(db, ctx.team_id, ctx.channel_id, parse_schedule(args.schedule, settings.digest_time),
                              ctx.timezone, now=ctx.now)
    return plain_answer(f"This channel now gets its stories {describe(channel.schedule, channel.timezone)}.")


@dataclass
class ResumeArgs:
    pass


def parse_resume_args(text: str) -> ResumeArgs:
    return ResumeArgs()


def answer_resume(db: Database, settings: Settings, args: ResumeArgs, ctx: CommandContext) -> SlackMessage:
    channel = get_channel(db, ctx.team_id, ctx.channel_id)
    if channel is None or not channel.paused:
        return plain_answer("Delivery to this channel is not paused.")
    unpause_channel(db, ctx.team_id, ctx.channel_id, keep_latest=settings.backfill_stories, now=ctx.now)
    return plain_answer(f"Delivery resumed: the {settings.backfill_stories} latest waiting stories come next; "
                        "older ones are skipped so the channel is not flooded.")
