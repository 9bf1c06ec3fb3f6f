"""Delivery schedules as values: "asap" or "daily@HH:MM" in a channel's time zone, and when a story may go out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_DAILY = re.compile(r"^daily(?:\s*[@ ]\s*(\d{1,2}):(\d{2}))?$")


class InvalidSchedule(ValueError):
    """That schedule cannot be read: use "asap" or "daily@HH:MM" (24-hour clock)."""


@dataclass(frozen=True)
class DeliverySchedule:
    """"asap": each story as it comes; "daily": stories wait for `at` in the channel's time zone."""

    kind: Literal["asap", "daily"]
    at: time | None = None

    @property
    def text(self) -> str:
        return "asap" if self.kind == "asap" else f"daily@{self.at:%H:%M}"


ASAP = DeliverySchedule("asap")


def parse_schedule(text: str, default_time: str = "08:00") -> DeliverySchedule:
    """Read "asap", "daily" (at `default_time`) or "daily@08:30"."""
    value = " ".join((text or "").strip().lower().split())
    if value in ("asap", "as it happens", "now", "live"):
        return ASAP
    found = _DAILY.match(value)
    if not found:
        raise InvalidSchedule(f'Schedule {text!r} is not "asap" or "daily@HH:MM" (for example daily@08:00).')
    if found.group(1) is None:
        return parse_schedule(f"daily@{default_time}")
    hour, minute = int(found.group(1)), int(found.group(2))
    if hour > 23 or minute > 59:
        raise InvalidSchedule(f"Schedule {text!r}: {hour:02d}:{minute:02d} is not a time of day.")
    return DeliverySchedule("daily", time(hour, minute))


def zone(name: str | None) -> ZoneInfo:
    """The IANA time zone `name`; raises `InvalidSchedule` naming it when unknown."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidSchedule(f"Time zone {name!r} is not a known IANA time zone (for example Europe/Berlin).") from exc


def next_delivery(schedule: DeliverySchedule, timezone: str, now: datetime) -> datetime:
    """The first moment at or after `now` (aware) when the schedule lets a story out, in UTC."""
    now = now.astimezone(UTC)
    if schedule.kind == "asap" or schedule.at is None:
        return now
    tz = zone(timezone)
    local_now = now.astimezone(tz)
    day = local_now.date()
    for offset in range(3):
        candidate = datetime.combine(day + timedelta(days=offset), schedule.at, tzinfo=tz)
        # Round-trip through UTC so a wall time skipped by a DST change moves forward, not back.
        candidate = candidate.astimezone(UTC)
        if candidate >= now:
            return candidate
    raise AssertionError("unreachable: a daily time recurs within three days")
