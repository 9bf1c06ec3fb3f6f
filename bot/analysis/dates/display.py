"""TIMEX3 values in the words people read: "by the end of May 1998", "spring 2027 (by 31 May 2027)".

People never see a TIMEX3 code ("1998-W19", "2026-SP", "P30D"). Pure functions, value in, plain text out;
the caller escapes the text for where it shows it (Slack mrkdwn, the terminal).
"""

from __future__ import annotations

import re
from datetime import date

from bot.analysis.dates.timex import last_day, season_bounds

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")
SEASON_NAMES = {"SP": "spring", "SU": "summer", "FA": "autumn", "WI": "winter"}
PART_NAMES = {"MO": "morning", "AF": "afternoon", "EV": "evening", "NI": "night", "DT": "daytime"}
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
QUARTER_NAMES = {"1": "first", "2": "second", "3": "third", "4": "fourth"}
UNIT_NAMES = {"Y": "year", "M": "month", "W": "week", "D": "day", "Q": "quarter", "DE": "decade",
              "CE": "century", "WE": "weekend", "H": "hour", "S": "second"}
TIME_UNIT_NAMES = {"H": "hour", "M": "minute", "S": "second"}
REFERENCES = {"PRESENT_REF": "now", "PAST_REF": "in the past", "FUTURE_REF": "in the future"}
UNCLEAR = "an unclear date"

_DAY = re.compile(r"(\d{4}|XXXX)-(\d\d)-(\d\d)(?:T(?:(\d\d):(\d\d)|(MO|AF|EV|NI|DT)))?$")
_MONTH = re.compile(r"(\d{4}|XXXX)-(\d\d)$")
_WEEK = re.compile(r"(\d{4})-W(\d\d)(-WE)?$")
_WEEKDAY_SET = re.compile(r"XXXX-WXX-([1-7])(MO|AF|EV|NI)?$")
_QUARTER = re.compile(r"(\d{4}|XXXX)-Q([1-4X])$")
_HALF = re.compile(r"(\d{4}|XXXX)-H([12])$")
_SEASON = re.compile(r"(\d{4}|XXXX)-(SP|SU|FA|WI)$")
_YEAR = re.compile(r"(\d{4})$")
_DECADE = re.compile(r"(\d{3})X?$")
_CENTURY = re.compile(r"(\d{2})X{0,2}$")
_SOME_PART = re.compile(r"(\d{4})-(WXX|XX)$")
_DURATION = re.compile(r"P(T?)(\d+(?:\.\d+)?|X)(DE|CE|WE|[YMWDQHS])$")
# Two or more parts: "P2Y6M", "P1DT12H", "PT5H30M".
_COMPOUND = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


def day_words(day: date) -> str:
    """'26 Dec 2026'."""
    return f"{day.day} {MONTH_NAMES[day.month - 1][:3]} {day.year}"


def date_words(value: str | None) -> str:
    """A TIMEX3 value as a reader says it: '2021-01' → 'January 2021', '1998-W19' → 'the week of 4 May 1998'.

    Any value this does not know comes out as 'an unclear date', never as the code itself.
    """
    if not value:
        return UNCLEAR
    value = value.strip()
    if value in REFERENCES:
        return REFERENCES[value]
    try:
        return _words(value) or UNCLEAR
    except (ValueError, IndexError):  # "2021-02-30", "2021-W60", "2021-13": a code that names no calendar day
        return UNCLEAR


# A part of a month or year named by the deadline's words ("by mid-2027", "in late December", "early next year").
_PART_OF = re.compile(r"\b(early|mid|late|the middle of|the beginning of|the start of)(?:[- ]|$)", re.IGNORECASE)
# Words that already say how a span of time counts toward the due point ("within 30 days", "in two weeks").
_SPAN_LEAD = re.compile(r"(?:within|in|inside|by|before|after|under|over|for|during|no later than|not later than|"
                        r"less than|up to)\b", re.IGNORECASE)
_PART_WORDS = {"early": "early ", "mid": "mid-", "late": "late ", "the middle of": "mid-", "the beginning of": "early ",
               "the start of": "early "}


def due_words(due: str | None, kind: str = "date", text: str = "") -> str:
    """When a deadline falls due, for people: 'by 15 Jan 2021', 'by the end of May 1998',
    'spring 2027 (by 31 May 2027)', 'within 30 days (by 26 Dec 2026)', 'open-ended' for a condition.

    Args:
        due: the deadline's TIMEX3 value (for a duration, the calendar day it ends on).
        kind: 'date', 'duration' or 'condition'.
        text: the deadline's words ("within 30 days"), shown before the day a duration ends on.
    """
    if kind == "condition":
        return "open-ended"
    if not due:
        return "no date given"
    if kind == "duration":
        end = last_day(due)
        words = text.strip()
        if words and not _SPAN_LEAD.match(words):  # "gave it 30 days", "have two weeks to": the time allowed
            words = f"within {words}"
        if end is None:
            return words or UNCLEAR
        return f"{words} (by {day_words(end)})" if words else f"by {day_words(end)}"
    if _DAY.match(due) and not due.startswith("XXXX"):
        return f"by {date_words(due)}"
    if _MONTH.match(due) and not due.startswith("XXXX") or _YEAR.match(due):
        part = _PART_OF.search(text)
        if part is not None:  # "by mid-2027", "in late December": the part of the month or year the words name
            return f"by {_PART_WORDS[part[1].lower()]}{date_words(due)}"
        return f"by the end of {date_words(due)}"
    end = last_day(due)
    words = date_words(due)
    if end is None or words == UNCLEAR:
        return words
    return f"{words} (by {day_words(end)})"


def _words(value: str) -> str | None:
    if m := _DAY.match(value):
        year, month, day = m[1], int(m[2]), int(m[3])
        if year == "XXXX":
            text = f"{day} {MONTH_NAMES[month - 1]}"
        else:
            text = day_words(date(int(year), month, day))
        if m[4]:
            text += f", {m[4]}:{m[5]}"
        elif m[6]:
            text += f" ({PART_NAMES[m[6]]})"
        return text
    if m := _MONTH.match(value):
        month_name = MONTH_NAMES[int(m[2]) - 1]
        return month_name if m[1] == "XXXX" else f"{month_name} {m[1]}"
    if m := _WEEK.match(value):
        monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        if m[3]:
            return f"the weekend of {day_words(date.fromisocalendar(int(m[1]), int(m[2]), 6))}"
        return f"the week of {day_words(monday)}"
    if m := _WEEKDAY_SET.match(value):
        return f"{WEEKDAY_NAMES[int(m[1]) - 1]}s" + (f" ({PART_NAMES[m[2]]})" if m[2] else "")
    if m := _QUARTER.match(value):
        if m[2] == "X":
            return f"a quarter of {m[1]}"
        quarter = f"the {QUARTER_NAMES[m[2]]} quarter"
        return quarter if m[1] == "XXXX" else f"{quarter} of {m[1]}"
    if m := _HALF.match(value):
        half = f"the {'first' if m[2] == '1' else 'second'} half"
        return half if m[1] == "XXXX" else f"{half} of {m[1]}"
    if m := _SEASON.match(value):
        name = SEASON_NAMES[m[2]]
        if m[1] == "XXXX":
            return name
        if m[2] == "WI":
            first, last = season_bounds(int(m[1]), "WI")
            return f"winter {first.year}–{last.year % 100:02d}"
        return f"{name} {m[1]}"
    if m := _YEAR.match(value):
        return m[1]
    if m := _SOME_PART.match(value):
        return f"a {'week' if m[2] == 'WXX' else 'time'} in {m[1]}"
    if m := _DECADE.fullmatch(value):
        return f"the {m[1]}0s"
    if m := _CENTURY.fullmatch(value):
        return f"the {_ordinal(int(m[1]) + 1)} century"
    if m := _DURATION.match(value):
        return _duration_words(bool(m[1]), m[2], m[3])
    return _compound_words(value)


def _compound_words(value: str) -> str | None:
    """'P2Y6M' → '2 years and 6 months'."""
    m = _COMPOUND.match(value)
    if m is None or sum(part is not None for part in m.groups()) < 2:
        return None
    units = ("year", "month", "day", "hour", "minute", "second")
    parts = [f"{int(n)} {unit}" + ("" if int(n) == 1 else "s") for n, unit in zip(m.groups(), units, strict=True)
             if n]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _duration_words(is_time: bool, amount: str, unit: str) -> str:
    name = TIME_UNIT_NAMES[unit] if is_time and unit in TIME_UNIT_NAMES else UNIT_NAMES.get(unit, "")
    if not name:
        return UNCLEAR
    if amount == "X":
        return f"{name}s"
    number = float(amount)
    shown = str(int(number)) if number.is_integer() else amount
    return f"{shown} {name}" + ("" if number == 1 else "s")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
