"""Turning TIMEX3 values ("2021-01", "2018-W40", "2018-Q4") into calendar dates for sorting and filters."""

from __future__ import annotations

import calendar
import re
from datetime import date

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_HALF = re.compile(r"^(\d{4})-H([12])$")
_SEASON = {"SP": 5, "SU": 8, "FA": 11, "WI": 2}
_SEASONAL = re.compile(r"^(\d{4})-(SP|SU|FA|WI)$")
_YEAR = re.compile(r"^(\d{4})$")


def last_day(value: str | None) -> date | None:
    """The last calendar day a TIMEX3 date value covers ("2021-01" → 2021-01-31), or None if it has none."""
    if not value:
        return None
    try:
        if m := _DAY.match(value):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _MONTH.match(value):
            year, month = int(m[1]), int(m[2])
            return date(year, month, calendar.monthrange(year, month)[1])
        if m := _WEEK.match(value):
            return date.fromisocalendar(int(m[1]), int(m[2]), 7)
        if m := _QUARTER.match(value):
            year, month = int(m[1]), int(m[2]) * 3
            return date(year, month, calendar.monthrange(year, month)[1])
        if m := _HALF.match(value):
            return date(int(m[1]), 6, 30) if m[2] == "1" else date(int(m[1]), 12, 31)
        if m := _SEASONAL.match(value):
            year, month = int(m[1]), _SEASON[m[2]]
            return date(year, month, calendar.monthrange(year, month)[1])
        if m := _YEAR.match(value):
            return date(int(m[1]), 12, 31)
    except ValueError:
        return None
    return None

