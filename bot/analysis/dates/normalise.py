"""TIMEX3 values of temporal expressions, from their text and the article's published date.

A rule-based normaliser: explicit dates as written, relative ones ("last month", "Tuesday", "in two
weeks") against `published`, with the verb's tense choosing the direction of a bare weekday or month.
When `published` is None, anything that needs an anchor gets the value None; REF values, durations and
fully written dates are still given. Pure text in, value out: finding the expressions in a doc is `spans`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.analysis.dates.timex import last_day

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
PARTS_OF_DAY = {"morning": "TMO", "afternoon": "TAF", "evening": "TEV", "night": "TNI", "tonight": "TNI"}
UNITS = {
    "second": "S", "minute": "M", "hour": "H", "day": "D", "week": "W", "weekend": "WE", "month": "M",
    "quarter": "Q", "year": "Y", "decade": "DE", "century": "CE",
}
TIME_UNITS = {"second", "minute", "hour"}
SMALL_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "couple": 2,
    "a couple of": 2, "couple of": 2, "a dozen": 12, "dozen": 12,
}
VAGUE_NUMBERS = {"several", "few", "a few", "many", "some", "the", "", "recent", "coming", "the coming",
                 "the past few", "the last few", "the next few", "the next several", "the past several",
                 "past", "the past", "the last", "the next", "these"}
DAY_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}

PRESENT_WORDS = {"now", "right now", "currently", "current", "these days", "nowadays", "at present", "presently",
                 "the present", "present", "today's", "this time", "the moment", "this moment", "the current"}
PAST_WORDS = {"recently", "recent", "previously", "the past", "past", "earlier", "formerly", "once", "more recently",
              "in the past", "lately", "then current", "the old days", "years ago", "months ago", "long ago",
              "the past few years", "past years", "several years ago", "a few years ago"}
FUTURE_WORDS = {"the future", "future", "soon", "the near future", "the near term", "the short term", "shortly",
                "the long term", "the longer term", "in the future", "later", "as soon as possible",
                "the years ahead", "the months ahead", "from time to time",
                "a later date", "a future date", "some future date"}
SET_WORDS = {"daily": "P1D", "weekly": "P1W", "monthly": "P1M", "annually": "P1Y", "yearly": "P1Y", "hourly": "PT1H"}


@dataclass
class DocContext:
    """What earlier expressions in the same article tell later ones (the fiscal quarter under discussion)."""

    quarter: tuple[int, int] | None = None
    seen: dict[str, str] = field(default_factory=dict)


# A clock time at either end of an expression ("5 p.m. Friday", "Friday at 5 p.m.", "noon on Sunday").
CLOCK = re.compile(r"^(?:(\d{1,2})(?::(\d\d))? ?([ap])\.?m\.?|noon|midnight|midday)(?: [a-z]{2,3}\b)?,?(?: on)? ?"
                   r"|,? (?:at |on )?(?:(\d{1,2})(?::(\d\d))? ?([ap])\.?m\.?|noon|midnight|midday)(?: [a-z]{2,3})?$",
                   re.IGNORECASE)


def normalize(text: str, published: date | None, tense: str = "present", context: DocContext | None = None) -> str | None:
    """The TIMEX3 value of a temporal expression ("last month" → "2018-09" when published 2018-10-03).

    Args:
        text: the expression as written.
        published: the article's date, the anchor of relative expressions (None leaves them unresolved).
        tense: 'past', 'future' or 'present', from the governing verb; picks the direction of "Tuesday".
            'ahead' is a due point ("by January"): as 'future', and never before `published`.
        context: state shared by one article's expressions (the quarter under discussion).
    """
    context = context if context is not None else DocContext()
    s = _clean_text(text)
    if not s:
        return None
    ahead = tense == "ahead"
    tense = "future" if ahead else tense
    try:
        value = _resolve(s, published, tense, context)
    except (ValueError, OverflowError):  # "1,000,000 days ago" lands outside the calendar
        return None
    if ahead and value and published is not None:
        value = _not_before(value, s, published)
    if value and re.match(r"\d{4}\b", value) and re.search(r"\d{4}", s):
        context.seen["year"] = value[:4]  # what a later "that year" or "the following year" refers to
    if value and re.match(r"\d{4}-\d\d(?:-\d\d)?(?:T|$)", value) and _NAMED_MONTH.search(s):
        context.seen["month"] = value[:7]  # "the following month" after "in March"
    if value and re.match(r"\d{4}-\d\d-\d\d(?:T|$)", value):
        context.seen["day"] = value[:10]  # "that day", "the next morning": the day last talked about
    return value


def _reference_day(ctx: DocContext, dct: date) -> date:
    """The day the article last placed an event on (as HeidelTime's reference time), else its published date."""
    seen = ctx.seen.get("day")
    return date.fromisoformat(seen) if seen else dct


RECENT_DUE_DAYS = 30


def _not_before(value: str, s: str, published: date) -> str:
    """A due point named without its year ("by January", "before the spring") is the next one still to come."""
    if re.search(r"\d{4}|\b(?:last|this|next|ago)\b", s) or not re.fullmatch(r"\d{4}-(?:\d\d(?:-\d\d)?|SP|SU|FA|WI)",
                                                                                value):
        return value
    end = last_day(value)
    if end is None or (published - end).days <= RECENT_DUE_DAYS:
        return value  # "repatriate the child by Jan. 14" in the paper of Jan. 15: news of a deadline just passed
    shifted = f"{int(value[:4]) + 1}{value[4:]}"
    return shifted if last_day(shifted) is not None else value


def _clean_text(text: str) -> str:
    s = text.lower().replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-")
    s = re.sub(r"\s+", " ", s).strip(" .,;:!?\"'()")
    s = re.sub(r"\bthe the\b", "the", s)
    s = re.sub(r"'s$|s'$", "", s).strip()
    # "an additional year", "another week": more time, not this year or week; "later in the day": that day
    s = re.sub(r"\b(?:an additional|another|a further|an extra) (?=(?:" + _UNIT_RE + r")\b)", "a ", s)
    s = re.sub(r"^(?:early|earlier|late|later) in the day$", "that day", s)
    s = re.sub(r"\b(about|around|nearly|almost|roughly|approximately|some|just|only|barely|over|under|"
               r"more than|less than|at least|at most|up to|no more than|fewer than|as many as|as much as|"
               r"as long as|as early as|as late as|as recently as|within|a further|another|"
               r"an additional|an extra|additional|a full|a good part of|each of|much of|all of|most of|part of)\b\s*", "", s)
    s = re.sub(r"^(the |an? )(?=\d|(?:" + "|".join(MONTHS) + r")\b|(?:first|second|third|fourth)-quarter)", "", s)
    s = re.sub(r"^(sometime|some time|later in|earlier in|early in|late in|at|on|in|the day|the early hours of|"
               r"the late hours of|the small hours of) ", "", s)
    s = re.sub(r"^the (previous|prior|preceding) (?=" + "|".join(WEEKDAYS) + ")", "previous ", s)
    s = re.sub(r"\b(trading|business|working|calendar|full)\b ", "", s)
    s = re.sub(r"^(.+?) of (\d{4}|the year|this year|last year)$", r"\1", s) if re.match(
        r"^(the )?(first|last|latest|past|next|final) \w+ (months|weeks|days|years)", s) else s
    s = re.sub(r"year's end", "year-end", s)
    s = re.sub(r"^the full year$|^earlier in the year$|^later in the year$", "this year", s)
    s = re.sub(r"^(" + "|".join(MONTHS) + r") month$", r"\1", s)
    s = re.sub(r"\s+", " ", s).strip()
    return _spelled_out(s)


def _spelled_out(s: str) -> str:
    """Dates read out in broadcast transcripts: 'march eighth' → 'march 8', 'nineteen ninety-seven' → '1997'."""
    def year(m: re.Match[str]) -> str:
        tens = SMALL_NUMBERS.get(m[2], -1) + SMALL_NUMBERS.get(m[3] or "", 0)
        return f"{m[1]}{19 * 100 + tens}" if 0 <= tens < 100 and m[2] in SMALL_NUMBERS else m[0]

    def day(m: re.Match[str]) -> str:
        tens = SMALL_NUMBERS[m[2]] if m[2] else 0
        return f"{m[1]}{tens + DAY_ORDINALS[m[3]]}"

    s = re.sub(r"(^|[a-z]\.?,? )nineteen (\w+)(?:[- ](\w+))?$", year, s)
    months = "|".join(sorted(MONTHS, key=len, reverse=True))
    return re.sub(r"\b((?:" + months + r")\.? (?:the )?)(?:(twenty|thirty)[- ])?(" + "|".join(DAY_ORDINALS) + r")\b",
                  lambda m: day(m).replace(" the ", " "), s)


def _resolve(s: str, dct: date | None, tense: str, ctx: DocContext) -> str | None:
    # Fixed phrases first.
    if s in PRESENT_WORDS:
        return "PRESENT_REF"
    if s in ("today", "tonight", "this day"):
        return dct.isoformat() if dct else None
    if s in PAST_WORDS:
        return "PAST_REF"
    if s in FUTURE_WORDS:
        return "FUTURE_REF"
    if s in SET_WORDS:
        return SET_WORDS[s]
    m = re.fullmatch(r"(?:the )?(coming|future|recent|past) (days|weeks|months|quarters|years|decades)", s)
    if m:
        if m[1] == "coming" and m[2] not in ("quarters", "decades"):
            return "PX" + UNITS[m[2][:-1]][-1]  # "in coming weeks": some weeks from now, as "recent weeks"
        if m[1] in ("coming", "future"):
            return "FUTURE_REF"
        if m[1] == "past":
            return "PAST_REF"
        return "PX" + UNITS[m[2][:-1]][-1] if m[2] not in ("quarters", "decades") else "PAST_REF"
    if dct is None and re.fullmatch(r"(?:early |late |earlier |later )?(?:last|next|this|coming|previous|following) "
                                    r"(?:week|weekend|month|year|quarter|spring|summer|fall|autumn|winter)", s):
        return None  # relative to a date the article does not give
    clock = CLOCK.search(s)
    if clock and clock.end() - clock.start() < len(s):
        rest = (s[:clock.start()] + " " + s[clock.end():]).strip(" ,")
        day = _resolve(rest, dct, tense, ctx) if rest else None
        if day and re.fullmatch(r"\d{4}-\d\d-\d\d", day):
            return f"{day}T{_clock_of(clock)}"
    for resolver in (_holiday, _explicit_date, _anaphoric_day, _relative_day, _weekday, _month, _month_relative, _year_like, _quarter_like, _week_like,
                     _season, _ago, _set, _duration, _time_of_day):
        value = resolver(s, dct, tense, ctx)
        if value is not None:
            return value
    return None


# --- explicit calendar dates ----------------------------------------------------------------------

_MONTH_RE = r"(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_NAMED_MONTH = re.compile(r"\b" + _MONTH_RE + r"(?:\s|$)")
_DAY_RE = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR_RE = r"(\d{4})"


def _explicit_date(s: str, dct: date | None, tense: str, ctx: DocContext) -> str | None:
    s = re.sub(r"^(?:this coming |this past |this |next |last )?(the )?(" + "|".join(WEEKDAYS) + r")\.?,? (the )?", "",
               s) if re.search(r"\d", s) else s
    s = re.sub(r"^(early|late|mid|the middle of|the end of|the beginning of|the start of)[- ]", "", s)
    patterns = (
        (_MONTH_RE + r" " + _DAY_RE + r",? " + _YEAR_RE + r"$", "mdy"),
        (_DAY_RE + r" (?:of )?" + _MONTH_RE + r",? " + _YEAR_RE + r"$", "dmy"),
        (r"(\d{4})-(\d{2})-(\d{2})$", "iso"),
        (r"(\d{1,2})/(\d{1,2})/(\d{2,4})$", "us"),
    )
    for pattern, shape in patterns:
        m = re.match(pattern, s)
        if not m:
            continue
        if shape == "mdy":
            y, mo, d = int(m[3]), MONTHS[m[1]], int(m[2])
        elif shape == "dmy":
            y, mo, d = int(m[3]), MONTHS[m[2]], int(m[1])
        elif shape == "iso":
            y, mo, d = int(m[1]), int(m[2]), int(m[3])
        else:
            mo, d, y = int(m[1]), int(m[2]), int(m[3])
            y += 1900 if y < 100 and y > 30 else (2000 if y < 100 else 0)
        return _safe_day(y, mo, d)
    relative = re.match(r"(last|next|this|this coming|this past) ", s)
    if relative:
        s = s[relative.end():]
        tense = "past" if relative[1] in ("last", "this past") else "future"
    m = re.match(_MONTH_RE + r" " + _DAY_RE + r"$", s) or re.match(_DAY_RE + r" (?:of )?" + _MONTH_RE + r"$", s)
    if m:
        if m[1].isdigit():
            d, mo = int(m[1]), MONTHS[m[2]]
        else:
            mo, d = MONTHS[m[1]], int(m[2])
        if dct is None:
            return f"XXXX-{mo:02d}-{d:02d}"
        y = _year_for_month(mo, dct, tense, day=d)
        this_year = _safe_day(dct.year, mo, d)
        if relative and this_year:
            later = date.fromisoformat(this_year) > dct
            y = dct.year + (0 if later else 1) if tense == "future" else dct.year - (1 if later else 0)
        return _safe_day(y, mo, d)
    m = re.match(_MONTH_RE + r",? (?:of )?" + _YEAR_RE + r"$", s)
    if m:
        return f"{int(m[2]):04d}-{MONTHS[m[1]]:02d}"
    return None


def _safe_day(y: int, mo: int, d: int) -> str | None:
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


# A month named without a year lies in the published year unless the tense points across the new year by more
# than TENSE_FLIP_DAYS, or it would lie more than NEAREST_FLIP_DAYS away (tuned on TimeBank/AQUAINT).
TENSE_FLIP_DAYS = 150
NEAREST_FLIP_DAYS = 300


def _year_for_month(month: int, dct: date, tense: str, day: int = 15) -> int:
    """The year of a month named without one: the same year unless the tense points across the new year."""
    try:
        same = date(dct.year, month, min(day, 28))
    except ValueError:
        same = date(dct.year, month, 1)
    gap = (same - dct).days
    if tense == "past" and gap > TENSE_FLIP_DAYS:
        return dct.year - 1
    if tense == "future" and gap < -TENSE_FLIP_DAYS:
        return dct.year + 1
    if gap > NEAREST_FLIP_DAYS:
        return dct.year - 1
    if gap < -NEAREST_FLIP_DAYS:
        return dct.year + 1
    return dct.year


def _holiday(s: str, dct: date | None, tense: str, ctx: DocContext) -> str | None:
    m = re.fullmatch(r"(?:last |next |this )?(christmas(?: day| eve)?|new year's(?: day| eve)?|new year|"
                     r"thanksgiving(?: day)?|election day|independence day|valentine's day|halloween)"
                     r"(?:,? (\d{4}))?", s)
    if not m:
        return None
    if m[2]:
        year = int(m[2])
    elif dct is None:
        year = None
    elif s.startswith("last "):
        year = dct.year - 1
    elif s.startswith("next "):
        year = dct.year + 1
    else:
        year = dct.year
    name = m[1]
    if name.startswith("thanksgiving"):
        if year is None:
            return None
        first = date(year, 11, 1)
        day = first + timedelta(days=(3 - first.weekday()) % 7 + 21)
    elif name == "election day":
        if year is None:
            return None
        first = date(year, 11, 2)
        day = first + timedelta(days=(1 - first.weekday()) % 7)
    else:
        month_day = {"christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
                     "new year's": (1, 1), "new year's day": (1, 1), "new year": (1, 1), "new year's eve": (12, 31),
                     "independence day": (7, 4), "valentine's day": (2, 14), "halloween": (10, 31)}[name]
        if year is None:
            return f"XXXX-{month_day[0]:02d}-{month_day[1]:02d}"
        day = date(year, *month_day)
    if dct is not None and not m[2] and not s.startswith(("last ", "next ")):
        if tense != "future" and day > dct + timedelta(days=30):
            return _holiday(f"last {name}", dct, tense, ctx)
        if tense == "future" and day < dct:
            return _holiday(f"next {name}", dct, tense, ctx)
    return day.isoformat()


# --- today, yesterday, weekdays -------------------------------------------------------------------

def _relative_day(s: str, dct: date | None, tense: str, ctx: DocContext) -> str | None:
    m = re.fullmatch(r"(?:early |late |earlier |later |mid-?|just )?(today|yesterday|tomorrow|tonight|last night|"
                     r"the day before yesterday|the day after tomorrow)(?: (morning|afternoon|evening|night))?", s)
    if not m:
        m2 = re.fullmatch(r"(?:early |late |earlier |later )?(?:this|this past) (morning|afternoon|evening)|"
                          r"(?:the )?(morning|afternoon|evening|mid-?afternoon|mid afternoon|midday|noon|midnight)", s)
        if not m2 or dct is None:
            return None
        part = (m2[1] or m2[2]).replace("mid-", "").replace("mid ", "").replace("mid", "")
        if part in ("day", "noon", "midday"):
            return f"{dct.isoformat()}T12:00"
        if part == "night":
            return f"{dct.isoformat()}T24:00"
        return f"{dct.isoformat()}{PARTS_OF_DAY.get(part, 'TAF')}"
    if dct is None:
        return None
    word, part = m[1], m[2]
    shift = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1, "last night": -1,
             "the day before yesterday": -2, "the day after tomorrow": 2}[word]
    day = (dct + timedelta(days=shift)).isoformat()
    if word == "last night":
        return f"{day}TNI"
    if part:
        return f"{day}{PARTS_OF_DAY[part]}"
    return day


def _anaphoric_day(s: str, dct: date | None, tense: str, ctx: DocContext) -> str | None:
    """'earlier that day', 'the next morning', 'the day before': counted from the day last talked about."""
    m = re.fullmatch(r"(?:earlier |later )?(?:(that|that same|the same)|the (next|following|previous|preceding|prior)) "
                     r"(day|morning|afternoon|evening|night)|the day (before|after)", s)
    if not m or dct is None:
        return None
    shift = {"next": 1, "following": 1, "after": 1, "previous": -1, "preceding": -1, "prior": -1, "before": -1}.get(
        m[2] or m[4] or "", 0)
    day = (_reference_day(ctx, dct) + timedelta(days=shift)).isoformat()
    part = m[3]
    return day + PARTS_OF_DAY[part] if part and part != "day" else day


def _weekday(s: str, dct: date | None, tense: str, ctx: DocContext) -> str | None:
    m = re.fullmatch(r"(?:(last|next|this|this coming|this past|coming|early|late|earlier|later|on|previous) )?"
                     r"(" + "|".join(WEEKDAYS) + r")s?(?: (morning|afternoon|evening|night)s?)?"
                     r"(?:,? (?:at )?(\d{1,2})(?::(\d\d))? ?([ap])\.?m\.?)?", s)
    clock = None
    if not m:
        m0 = re.fullmatch(r"(\d{1,2})(?::(\d\d))? ?([ap])\.?m\.?(?: \w+)? (?:on )?(" + "|".join(WEEKDAYS) + r")", s)
        m1 = re.fullmatch(r"(noon|midnight|midday) (?:on )?(" + "|".join(WEEKDAYS) + r")", s)
        if m0:
            clock = _clock(m0[1], m0[2], m0[3])
            mod, name, part = None, m0[4], None
        elif m1:
            clock = "24:00" if m1[1] == "midnight" else "12:00"
            mod, name, part = None, m1[2], None
        else:
            return None
    else:
        mod, name, part = m[1], m[2], m[3]
        if m[4]:
            clock = _clock(m[4], m[5], m[6])
        plural = re.fullmatch(r"(?:on )?\w+day(s?)(?: (?:morning|afternoon|evening|night)(s?))?", s)
        if plural and (plural[1] or plural[2]):  # "Tuesday nights", "on Mondays": every week
            part_of_day = re.search(r"(morning|afternoon|evening|night)s?$", s)
            return f"XXXX-WXX-{WEEKDAYS[name] + 1}" + (PARTS_OF_DAY[part_of_day[1]] if part_of_day else "")
    if dct is None:
        return None
    target = WEEKDAYS[name]
    if mod == "previous":  # "down from the previous Friday": the one before the day under discussion
        dct = _reference_day(ctx, dct)
        mod = "last"
    if mod in ("last", "this past"):
        direction = "past"
    elif mod in ("next", "this coming", "coming"):
        direction = "future"
    elif target == dct.weekday():
        direction = "same"
    elif tense == "present" and (target - dct.weekday()) % 7 <= PRESENT_LOOKAHEAD_DAYS:
        direction = "future"  # "talks begin Tuesday" in Monday's paper
    else:
        direction = "future" if tense == "future" else "past"
    if direction == "same":
        day = dct
    elif direction == "past":
        back = (dct.weekday() - target) % 7 or 7
        day = dct - timedelta(days=back)
    else:
        ahead = (target - dct.weekday()) % 7 or 7
        day = dct + timedelta(days=ahead)
    if clock:
        return f"{day.isoformat()}T{clock}"
    if part and part != "night":
        return f"{day.isoformat()}{PARTS_OF_DAY[part]}"
    return day.isoformat()


PRESENT_LOOKAHEAD_DAYS = 1


def _clock_of(match: re.Match[str]) -> str:
    """HH:MM of a CLOCK match ("5 p.m." → 17:00, "noon" → 12:00)."""
    text = match.group(0).lower()
    if "midnight" in text:
        return "24:00"
    if "noon" in text or "midday" in text:
        return "12:00"
    hour, minute, half = (match.group(1), match.group(2), match.group(3)) if match.group(1) else (
        match.group(4), match.group(5), match.group(6))
    return _clock(hour, minute, half.lower())


def _clock(hour: str, minute: str | None, half: str) -> str:
    h = int(hour) % 12 + (12 if half == "p" else 0)  # "m" (in the morning) counts as a.m.
    return f"{h:02d}:{int(minute or 0):02d}"


def _time_of_day(s: str, dct: date | None, tense: str, ctx: DocContext) -> str | None:
    m = re.fullmatch(r"(\d{1,2})(?::(\d\d))? ?([ap])\.?m\.?(?: \w{2,3})?", s) or re.fullmatch(
        r"(\d{1,2})(?::(\d\d))? (?:o'clock )?in the (m)orning", s) or re.fullmatch(
        r"(\d{1,2}):(\d\d)()", s)
    if m and dct is not None:
        if m[3]:
            return f"{dct.isoformat()}T{_clock(m[1], m[2], m[3])}"
        return f"{dct.isoformat()}T{int(m[1]):02d}:{m[2]}"
    return None


# --- months, years, quarters, weeks, seasons ------------------------------------------------------

def _month(s: str, dct: date | None, tense: str, ctx: DocContext) -> str | None:
    m = re.fullmatch(r"(?:(last|next|this|this past|this coming|early|late|mid|the end of|the middle of|the "
                     r"beginning of|the start of|the first half of|the second half of|the rest of|"
                     r"the remainder of)[- ])?" + _MONTH_RE + r"(?:,? (?:of )?(this|last|next) year)?", s)
    if not m:
        return None  # "March of next year" and "March next year" name one month
    mod, month, year_word = m[1], MONTHS[m[2]], m[3]
    if month == 5 and mod is None and year_word is None and s != "may":
        return None
    if dct is None:
        return f"XXXX-{month:02d}"
    if year_word:
        year = dct.year + {"this": 0, "last": -1, "next": 1}[year_word]
    elif mod in ("last", "this past"):
        year = dct.year if month < dct.month - 1 else dct.year - 1
    elif mod in ("next", "this coming"):
        year = dct.year if month > dct.month else dct.year + 1
    elif mod == "this":
        year = dct.year
    else:
        year = _year_for_month(month, dct, tense)
    return f"{year:04d}-{month:02d}"


def _month_relative(s: str, dct: date | None, tense: str, ctx: DocContext) -> str | None:
    m = re.fullmatch(r"(?:earlier |later |early |late |mid-?|the end of |the start of |the rest of |the remainder of |"
                     r"the beginning of |the middle of |by the end of |the first half of |the second half of )?"
                     r"(this|last|next|the past|the coming|the previous|the following|the current|the same|that|the) "
                     r"month", s)
    if not m or dct is None:
        return None
    word = m[1]
    if word in ("the", "that", "the same"):
        return ctx.seen.get("month") or f"{dct.year:04d}-{dct.month:02d}"
    shift = {"last": -1, "the past": -1, "the previous": -1, "next": 1, "the coming": 1, "the following": 1}.get(
        word, 0)
    total = dct.year * 12 + dct.month - 1 + shift
    if word in ("the previous", "the following") and "month" in ctx.seen:  # "the following month" after "in March"
        total = int(ctx.seen["month"][:4]) * 12 + int(ctx.seen["month"][5:7]) - 1 + shift
    value = f"{total // 12:04d}-{total % 12 + 1:02d}"
    ctx.seen["month"] = value
    return value


_DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
                 "eighties": 8, "nineties": 9}


def _half_year(s: str, dct: date | None) -> str | None:
    """'the first half of 2018', 'the second half of next year': a half (2018-H1, 2019-H2), not the whole year."""
    half = re.fullmatch(r"(?:the )?(first|second|last|latter) half of (\d{4}|the year|this year|last year|next year)", s)
    if half is None:
        return None
    number = 1 if half[1] == "first" else 2
    if half[2][0].isdigit():
        return f"{half[2]}-H{number}"
    if dct is None:
        return None
    return f"{dct.year + {'last': -1, 'next': 1}.get(half[2].split()[0], 0)}-H{number}"


def _year_like(s: str, dct: date | None, tense: str, ctx: DocContext) -> str | None:
    half = _half_year(s, dct)
    if half is not None:
        return half
    s = re.sub(r"^(early|late|mid|the end of|the middle of|the beginning of|the start of|the first half of|"
               r"the second half of|the rest of|the remainder of|the early|the late|the mid|the first|"
               r"the last half of|the latter half of)[- ]", "", s).strip()
    s = re.sub(r" (or later|or earlier|and beyond|or so)$", "", s)
    m = re.fullmatch(r"(?:the |calendar |fiscal |the fiscal |fy ?)*(?:year )?(\d{4})(?: period| fiscal year)?", s)
    if m and 1000 <= int(m[1]) <= 2199:
        return m[1]
    m = re.fullmatch(r"(?:the )?(\d{2})(\d)0'?s", s) or re.fullmatch(r"(?:the )?'(\d)0s()()", s)
    if m:
        if m[2] == "" and m[3] == "":
            century = (dct.year // 100) if dct else 19
            return f"{century}{m[1]}"
        return f"{m[1]}{m[2]}"
    m = re.fullmatch(r"(?:the )?(twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)", s)
    if m:
        century = 19 if dct is None or dct.year < 2030 else dct.year // 100
        return f"{century}{_DECADE_WORDS[m[1]]}"
    m = re.fullmatch(r"(?:the |a )?(\d{1,2})(?:st|nd|rd|th) century", s)
    if m:
        return f"{int(m[1]) - 1:02d}"
    m = re.fullmatch(r"(?:the )?year (two thousand)(?: and (\w+))?", s)
    if m:
        return str(2000 + SMALL_NUMBERS.get(m[2] or "", 0))
    m = re.fullmatch(r"nineteen (\w+)(?:[- ](\w+))?", s)
    if m and m[1] in SMALL_NUMBERS:
        return str(1900 + SMALL_NUMBERS[m[1]] + SMALL_NUMBERS.get(m[2] or "", 0))
    if dct is None:
        return None
    m = re.fullmatch(r"(?:earlier |later |early |late |mid-?|the end of |the start of |the rest of |"
                     r"the remainder of |the beginning of |the first half of |the second half of |"
                     r"the middle of |by the end of )?(this|last|next|the current|the past|the coming|the previous|"
                     r"the following|the same|the current fiscal|the|that) (?:fiscal |calendar )?year", s)
    if m:
        word = m[1]
        if word in ("that", "the same"):
            return ctx.seen.get("year") or str(dct.year)
        if word in ("the following", "the previous") and "year" in ctx.seen:
            return str(int(ctx.seen["year"]) + (1 if word == "the following" else -1))
        shift = {"last": -1, "the previous": -1, "the past": -1, "next": 1, "the coming": 1,
                 "the following": 1}.get(word, 0)
        value = str(dct.year + shift)
        ctx.seen["year"] = value
        return value
    if s in ("year-end", "year end", "end of year", "the year-end", "the year end"):
        return f"{dct.year}-12-31"
    if s == "year":
        return str(dct.year)
    if re.fullmatch(r"(?:the )?past decade", s):
        return "P10Y"
    m = re.fullmatch(r"(?:the )?last decade", s)
    if m:
        return str(dct.year // 10 - 1)
    m = re.fullmatch(r"(?:this|the current) decade", s)
    if m:
        return str(dct.year // 10)
    m = re.fullmatch(r"(?:a|one) year (?:ago|earlier|before)|year-ago|year-earlier|the year-ago(?: period)?|"
                     r"the year-earlier(?: period)?|the previous year|the prior year|the year before|"
                     r"the corresponding period (?:a year earlier|last year|a year ago)|the same period (?:a year "
                     r"earlier|last year|a year ago)|(?:the )?(?:comparable )?year-(?:ago|earlier) quarter|"
                     r"last year's quarter|the (?:same )?quarter (?:a year earlier|last year|a year ago)|"
                     r"the (?:year-ago|year-earlier) (?:third|second|first|fourth) quarter", s)
    if m:
        quarter = _discussed_quarter(ctx, dct)
        if quarter and ("quarter" in s or "period" in s or "year-" in s or "ago" in s or "earlier" in s):
            return f"{quarter[0] - 1}-Q{quarter[1]}"
        return str(dct.year - 1)
    return None


def _quarter_like(s: str, dct: date | None, tense: str, ctx: DocContext) -> str | None:
    if re.fullmatch(r"(?:that|the same) (?:fiscal )?quarter", s):
        return f"{ctx.quarter[0]}-Q{ctx.quarter[1]}" if ctx.quarter else None  # the quarter under discussion
    s2 = re.sub(r"^(a |an )?(flat|strong|weak|disappointing|difficult|tough|record|good|poor|solid) ", "", s)
    m = re.fullmatch(r"(?:the )?(?:(\d{4}) |(this|last|next|the current|the latest|the past|the most recent|"
                     r"next year's|last year's|this year's|the recent|the just-completed|the just-ended) )?"
                     r"(?:fiscal |calendar )?(?:(first|second|third|fourth|1st|2nd|3rd|4th)[- ])?"
                     r"(quarter|period|half)s?(?: (?:of |in )?(\d{4}))?", s2)
    if m:
        year_text, word, ordinal, unit, year_after = m[1], m[2], m[3], m[4], m[5]
        if unit == "period" and not (ordinal or word in ("the latest", "the current") or year_text):
            return None
        if unit == "period" and year_text and not ordinal:
            return year_text
        explicit_year = int(year_text or year_after) if (year_text or year_after) else None
        if unit == "half":
            if not ordinal:
                return None
            half = 1 if ORDINALS[ordinal] == 1 else 2
            year = explicit_year or (dct.year if dct else None)
            return f"{year}-H{half}" if year else f"XXXX-H{half}"
        if ordinal:
            return _numbered_quarter(ORDINALS[ordinal], explicit_year, word, dct, tense, ctx)
        if s.endswith("s"):
            return None
        if unit == "quarter" and explicit_year:
            return f"{explicit_year}-Q{ctx.quarter[1]}" if ctx.quarter else f"{explicit_year}-QX"
        quarter = _discussed_quarter(ctx, dct)
        if quarter and word in (None, "the latest", "the most recent", "the recent", "the just-completed",
                                "the just-ended"):
            if word is None and not s.startswith("the"):
                return None
            return f"{quarter[0]}-Q{quarter[1]}"
        if dct is None:
            return None
        current_q = (dct.month - 1) // 3 + 1
        if word in ("this", "the current"):
            return f"{dct.year}-Q{current_q}"
        if word in ("last", "the latest", "the past", "the most recent", "the recent", "the just-completed",
                    "the just-ended") or (word is None and s.startswith("the")):
            q, y = (current_q - 1, dct.year) if current_q > 1 else (4, dct.year - 1)
            if word != "last":
                ctx.quarter = (y, q)
            return f"{y}-Q{q}"
        if word == "next":
            q, y = (current_q + 1, dct.year) if current_q < 4 else (1, dct.year + 1)
            return f"{y}-Q{q}"
    return None


def _numbered_quarter(q: int, explicit_year: int | None, word: str | None, dct: date | None, tense: str,
                      ctx: DocContext) -> str:
    """'the third quarter', 'last year's fourth quarter': quarter `q` of the year the words or tense point to."""
    if explicit_year:
        year = explicit_year
    elif dct is None:
        return f"XXXX-Q{q}"
    elif word in ("last year's",):
        year = dct.year - 1
    elif word in ("next year's",):
        year = dct.year + 1
    else:
        current_q = (dct.month - 1) // 3 + 1
        year = dct.year
        if word == "last" or (tense == "past" and q > current_q):
            year = dct.year - 1 if q >= current_q else dct.year
        elif word == "next":
            year = dct.year + 1 if q <= current_q else dct.year
    ctx.quarter = (year, q)
    return f"{year}-Q{q}"


def _discussed_quarter(ctx: DocContext, dct: date | None) -> tuple[int, int] | None:
    """The quarter the article is reporting on, if one was named and it had ended by publication."""
    if ctx.quarter is None:
        return None
    year, q = ctx.quarter
    if dct is not None and date(year, q * 3, 1) > dct:
        return None
    return ctx.quarter


def _week_like(s: str, dct: date | None, tense: str, ctx: DocContext) -> str | None:
    of = re.fullmatch(r"the week of (.+)", s)
    if of:  # "the week of March 6": the ISO week that day falls in
        day = _explicit_date(of[1], dct, tense, ctx)
        return _iso_week(date.fromisoformat(day), "") if day and re.fullmatch(r"\d{4}-\d\d-\d\d", day) else None
    m = re.fullmatch(r"(?:early |late |earlier |later |the end of |the start of |the beginning of |"
                     r"the rest of |by the end of )?(this|last|next|the past|the coming|the previous|the following|"
                     r"that|the) (week|weekend)", s)
    if not m:
        if s in ("the weekend", "weekend") and dct is not None:
            return _iso_week(dct + timedelta(days=-((dct.weekday() + 2) % 7) if dct.weekday() < 4 else 0), "WE")
        return None
    if dct is None:
        return None
    word, unit = m[1], m[2]
    # "the end of the week" in a present or future sentence is the week the article is written in.
    edge_of_this_week = word == "the" and unit == "week" and m.start(1) > 0 and tense != "past"
    if word in ("the", "that") and not edge_of_this_week:
        if unit == "weekend" and tense in ("past", "future"):
            # "(met) over the weekend": the one just gone; "(will travel) over the weekend": the one ahead
            saturday = (dct - timedelta(days=dct.weekday() + 2) if dct.weekday() < 5 else dct) if tense == "past" else (
                dct + timedelta(days=(5 - dct.weekday()) % 7))
            return _iso_week(saturday, "WE")
        if unit == "week":
            return f"{dct.year}-WXX"
        word = "last" if tense == "past" else ("next" if tense == "future" else "this")
    shift = {"last": -7, "the past": -7, "the previous": -7, "next": 7, "the coming": 7, "the following": 7}.get(
        word, 0)
    return _iso_week(dct + timedelta(days=shift), "WE" if unit == "weekend" else "")


def _iso_week(day: date, suffix: str) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}" + (f"-{suffix}" if suffix else "")


def _season(s: str, dct: date | None, tense: str, ctx: DocContext) -> str | None:
    m = re.fullmatch(r"(?:(this|last|next|this past|this coming|the|early|late|mid|the past|the coming)[- ])?"
                     r"(spring|summer|fall|autumn|winter)(?: (?:of )?(\d{4}|nineteen \S+))?", s)
    if not m:
        return None
    word, season, year_text = m[1], SEASONS[m[2]], m[3]
    if year_text:
        year = year_text if year_text.isdigit() else _year_like(year_text, dct, tense, ctx)
        return f"{year}-{season}" if year else None
    if dct is None:
        return f"XXXX-{season}"
    # "last spring" is the previous year's, as TimeBank reads it; a due point ("before the spring" in November)
    # is moved to the next one by `_not_before`.
    if word in ("last", "the past"):
        return f"{dct.year - 1}-{season}"
    if word in ("next", "the coming"):
        return f"{dct.year + 1}-{season}"
    return f"{dct.year}-{season}"


# --- "two weeks ago", "within 30 days", "every day" -------------------------------------------------

def _number(word: str) -> int | None:
    word = word.strip()
    if word.isdigit():
        return int(word)
    if word in SMALL_NUMBERS:
        return SMALL_NUMBERS[word]
    parts = re.split(r"[- ]", word)
    if parts and all(p in SMALL_NUMBERS for p in parts) and not any(p in ("a", "an") for p in parts[1:]):
        if len(parts) == 2 and SMALL_NUMBERS[parts[1]] == 100:
            return SMALL_NUMBERS[parts[0]] * 100
        return sum(SMALL_NUMBERS[p] for p in parts)
    m = re.fullmatch(r"(\d+) ?(?:1/2|and a half)", word)
    if m:
        return int(m[1])
    return None


_UNIT_RE = r"(second|minute|hour|day|week|weekend|month|quarter|year|decade|century|centurie)s?"


def _split_count_unit(s: str) -> tuple[str, str] | None:
    m = re.fullmatch(r"(.*?)[- ]?" + _UNIT_RE, s)
    if not m:
        return None
    unit = "century" if m[2] == "centurie" else m[2]
    return m[1].strip(), unit


def _ago(s: str, dct: date | None, tense: str, ctx: DocContext) -> str | None:
    m = re.fullmatch(r"(.*?) (ago|earlier|before|later|from now|hence)", s)
    if not m:
        return None
    split = _split_count_unit(re.sub(r" or so$", "", m[1]))  # "a week or so ago"
    if split is None:
        return None
    count_text, unit = split
    count_text = re.sub(r"\bor so\b", "", count_text).strip()
    count_text = re.sub(r"^\w+ (an?)$", r"\1", count_text)  # "(up from) seven a year ago": the count is "a"
    n = _number(count_text) if count_text not in VAGUE_NUMBERS else None
    future = m[2] in ("later", "from now", "hence")
    if m[2] in ("later", "earlier", "before") and unit in ("second", "minute", "hour", "day", "week"):
        return None
    if n is None:
        return "FUTURE_REF" if future else "PAST_REF"
    if dct is None:
        return None
    sign = 1 if future else -1
    if unit in ("day", "weekend"):
        return (dct + timedelta(days=sign * n)).isoformat()
    if unit == "week":
        return _iso_week(dct + timedelta(days=sign * 7 * n), "")
    if unit == "month":
        total = dct.year * 12 + dct.month - 1 + sign * n
        return f"{total // 12:04d}-{total % 12 + 1:02d}"
    if unit == "quarter":
        total = dct.year * 12 + dct.month - 1 + sign * 3 * n
        return f"{total // 12:04d}-Q{(total % 12) // 3 + 1}"
    if unit == "year":
        return str(dct.year + sign * n)
    if unit == "decade":
        return str((dct.year + sign * 10 * n) // 10)
    if unit in TIME_UNITS:
        return dct.isoformat()
    return None


def _set(s: str, dct: date | None, tense: str, ctx: DocContext) -> str | None:
    m = re.fullmatch(r"(?:every|each|per|once a|twice a) (other )?" + _UNIT_RE, s)
    if m:
        unit = "century" if m[2] == "centurie" else m[2]
        code = UNITS[unit]
        n = 2 if m[1] else 1
        if unit in ("decade", "century"):
            code, n = "Y", n * (10 if unit == "decade" else 100)
        return f"PT{n}{code}" if unit in TIME_UNITS else f"P{n}{code}"
    m = re.fullmatch(r"(?:every|each) (" + "|".join(WEEKDAYS) + r")", s)
    if m:
        return f"XXXX-WXX-{WEEKDAYS[m[1]] + 1}"
    m = re.fullmatch(r"(?:every|each) " + _MONTH_RE, s)
    if m:
        return f"XXXX-{MONTHS[m[1]]:02d}"
    return None


def _duration(s: str, dct: date | None, tense: str, ctx: DocContext) -> str | None:
    s = re.sub(r"^(for |in |the |a period of |a span of |the period of |a term of )", "", s)
    s = re.sub(r"^(past|last|next|first|following|coming|previous|final|preceding|remaining|same|latest)\b ?",
               "", s)
    s = re.sub(r"^(\w+) (?:to|or) \w+ ", r"\1 ", s) if not s.startswith("a year") else s
    s = re.sub(r" (more|longer|or so|old|long|running|straight|in a row|or more|or less|later|earlier|before|"
               r"after|ahead|following)$", "", s)
    s = re.sub(r"-(long|old)$", "", s)
    s = re.sub(r" (term|period|span|stretch|program|plan|contract|deal|lease|extension|window|pause|ban|"
               r"moratorium|truce|ceasefire|freeze|delay|stay|visit|trip|tour|mission|sentence|high|low)$", "", s)
    half = _half_duration(s)
    if half is not None:
        return half
    m = re.fullmatch(r"(.*?)[- ]?(?:(\d+) ?1/2|and a half)?[- ]?" + _UNIT_RE, s)
    if not m:
        return None
    count_text = m[1].strip()
    unit = "century" if m[3] == "centurie" else m[3]
    if unit == "weekend":
        return None
    if count_text in ("", "the") and s.endswith("s"):
        n = None
    elif count_text in VAGUE_NUMBERS or count_text in ("a few", "a couple of", "many", "several", "few", "some"):
        n = None if count_text not in ("", "a couple of") else (2 if count_text == "a couple of" else 1)
        if count_text == "" and not s.endswith("s"):
            n = 1
    else:
        n = _number(count_text.replace(" or two", "").replace(" or so", ""))
        if n is None or (n >= 1000 and unit not in TIME_UNITS):
            return None
    code = UNITS[unit]
    if unit == "decade":
        code, n = "Y", (n * 10 if n else None)
    elif unit == "century":
        code, n = "Y", (n * 100 if n else None)
    amount = "X" if n is None else str(n)
    if unit in TIME_UNITS:
        return f"PT{amount}{code}"
    return f"P{amount}{code}"


# Half a unit written in the next smaller one, as ISO 8601 durations do ("2 1/2 years" → P2Y6M).
_HALF_OF = {"year": "6M", "month": "15D", "day": "T12H", "hour": "30M", "minute": "30S"}


def _half_duration(s: str) -> str | None:
    """'2 1/2 years', 'two and a half years', 'a minute and a half', 'half an hour': whole units and a half."""
    m = (re.fullmatch(r"(\d+) ?(?:1/2|\u00bd)[- ]?" + _UNIT_RE, s)
         or re.fullmatch(r"(\S+?(?:[- ]\S+)?)[- ]and[- ]a[- ]half[- ]" + _UNIT_RE, s)
         or re.fullmatch(r"(an?|one|\S+) " + _UNIT_RE + r" and a half", s))
    if m:
        n = _number(m[1])
    else:
        m = re.fullmatch(r"()half an? " + _UNIT_RE, s)
        n = 0 if m else None
    if m is None or n is None:
        return None
    unit = "century" if m[2] == "centurie" else m[2]
    if unit in _HALF_OF:
        whole = f"{n}{UNITS[unit]}" if n else ""
        if unit in TIME_UNITS:
            return f"PT{whole}{_HALF_OF[unit]}"
        return f"P{whole}{_HALF_OF[unit]}"
    if unit in ("decade", "century"):
        return f"P{(2 * n + 1) * (5 if unit == 'decade' else 50)}Y"
    if unit == "quarter":
        return f"P{3 * n + 1}M15D"
    if unit == "week":
        return f"P{n}.5W"
    return None
