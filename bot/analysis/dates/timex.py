"""Turning TIMEX3 values ("2021-01", "2018-W40", "2018-Q4") into calendar dates for sorting and filters.

One meaning for every part of a year, shared by the normaliser (which spring "before the spring" is), the
deadline reader (is it already past) and what people are shown ("spring 2027 (by 31 May 2027)"): seasons are
meteorological, northern hemisphere (spring March to May, summer June to August, autumn September to
November, winter YYYY December YYYY to February YYYY+1); weeks are ISO weeks, Monday to Sunday.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_HALF = re.compile(r"^(\d{4})-H([12])$")
_SEASONAL = re.compile(r"^(\d{4})-(SP|SU|FA|WI)$")
_YEAR = re.compile(r"^(\d{4})$")
_IN_A_YEAR = re.compile(r"^(\d{4})-(?:WXX|QX|HX|XX)\b")
# The month a season's last day falls in, and how many years after the named one (winter runs into February).
_SEASON_END = {"SP": (5, 0), "SU": (8, 0), "FA": (11, 0), "WI": (2, 1)}
_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def season_bounds(year: int, season: str) -> tuple[date, date]:
    """The first and last day of `season` ("SP", "SU", "FA", "WI") of `year`; winter YYYY ends in YYYY+1."""
    month, years_on = _SEASON_END[season]
    return date(year, _SEASON_START[season], 1), _month_end(year + years_on, month)


def last_day(value: str | None) -> date | None:
    """The last calendar day a TIMEX3 date value covers ("2021-01" → 2021-01-31), or None if it has none.

    A season ends with its last meteorological month (northern hemisphere): spring May 31, summer Aug 31,
    autumn Nov 30, and winter YYYY (December YYYY to February) on the last day of February YYYY+1; so a
    deadline "by the summer" falls due when the summer is over. A part of a year that is not known
    ("2021-WXX", "2021-QX") ends with the year.
    """
    if not value:
        return None
    try:
        if m := _DAY.match(value):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _MONTH.match(value):
            return _month_end(int(m[1]), int(m[2]))
        if m := _WEEK.match(value):
            return date.fromisocalendar(int(m[1]), int(m[2]), 7)
        if m := _QUARTER.match(value):
            return _month_end(int(m[1]), int(m[2]) * 3)
        if m := _HALF.match(value):
            return date(int(m[1]), 6, 30) if m[2] == "1" else date(int(m[1]), 12, 31)
        if m := _SEASONAL.match(value):
            return season_bounds(int(m[1]), m[2])[1]
        if m := _YEAR.match(value) or _IN_A_YEAR.match(value):
            return date(int(m[1]), 12, 31)
    except ValueError:
        return None
    return None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])
