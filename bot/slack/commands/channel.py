"""`/diplo schedule [asap | daily HH:MM]`, `/diplo resume`, `/diplo layout [compact | full]` and
`/diplo weekly-chart [on | off]`: when this channel gets its stories, and how they look."""

from __future__ import annotations

from dataclasses import dataclass

from bot.app.subscriptions import change_schedule
from bot.config import Settings
from bot.domain.channels import Channel
from bot.domain.schedule import DeliverySchedule, InvalidSchedule, parse_schedule
from bot.slack.blocks import SlackMessage
from bot.slack.commands.answer import CommandContext, UsageError, plain_answer
from bot.slack.commands.feedtext import code, safe
from bot.storage import Database
from bot.storage.delivery import get_channel, set_display, unpause_channel

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


LAYOUT_USAGE = ("Try `/diplo layout compact` (one line per story, details on a button) or `/diplo layout full` "
                "(every story with its summary, a quote and its deadlines).")
LAYOUT_WORDS = {"compact": "compact", "short": "compact", "full": "full", "long": "full"}
CHART_USAGE = "Try `/diplo weekly-chart on` or `/diplo weekly-chart off`."
CHART_WORDS = {"on": True, "yes": True, "true": True, "off": False, "no": False, "false": False}


@dataclass
class LayoutArgs:
    layout: str | None = None  # None: show the current one


@dataclass
class WeeklyChartArgs:
    on: bool | None = None  # None: show the current setting


def parse_layout_args(text: str) -> LayoutArgs:
    words = text.strip().casefold()
    if not words:
        return LayoutArgs()
    if words not in LAYOUT_WORDS:
        raise UsageError(f"diplobot has no layout {code(words[:40])}. {LAYOUT_USAGE}")
    return LayoutArgs(LAYOUT_WORDS[words])


def parse_weekly_chart_args(text: str) -> WeeklyChartArgs:
    words = text.strip().casefold()
    if not words:
        return WeeklyChartArgs()
    if words not in CHART_WORDS:
        raise UsageError(f"{code(words[:40])} is neither on nor off. {CHART_USAGE}")
    return WeeklyChartArgs(CHART_WORDS[words])


def describe_display(channel: Channel | None) -> str:
    """"Layout: compact · weekly chart: off", as /subscriptions and App Home show it."""
    layout = channel.layout if channel else "compact"
    chart = "on" if channel and channel.weekly_chart else "off"
    return f"Layout: *{layout}* · weekly coverage chart: *{chart}*"


def answer_layout(db: Database, settings: Settings, args: LayoutArgs, ctx: CommandContext) -> SlackMessage:
    if args.layout is None:
        channel = get_channel(db, ctx.team_id, ctx.channel_id)
        layout = channel.layout if channel else "compact"
        return plain_answer(f"This channel's digests use the *{layout}* layout. {LAYOUT_USAGE}")
    set_display(db, ctx.team_id, ctx.channel_id, now=ctx.now, layout=args.layout)
    what = ("one line per story with a Details button, ten stories before Show more" if args.layout == "compact"
            else "every story with its summary, a quote and its deadlines")
    return plain_answer(f"This channel's digests now use the *{args.layout}* layout: {what}.")


def answer_weekly_chart(db: Database, settings: Settings, args: WeeklyChartArgs,
                        ctx: CommandContext) -> SlackMessage:
    if args.on is None:
        channel = get_channel(db, ctx.team_id, ctx.channel_id)
        state = "on" if channel and channel.weekly_chart else "off"
        return plain_answer(f"The weekly coverage chart is *{state}* in this channel. {CHART_USAGE}")
    set_display(db, ctx.team_id, ctx.channel_id, now=ctx.now, weekly_chart=args.on)
    if args.on:
        return plain_answer("On Mondays this channel's digest now comes with a chart of the week's stories per "
                            "country and actor against the week before. `/diplo weekly-chart off` stops it.")
    return plain_answer("This channel no longer gets the weekly coverage chart.")
