import re

import pytest

from bot.analysis.dates.display import date_words, due_words

# Anything that looks like a TIMEX3 code: 1998-W19, 2026-SP, P30D, 2021-01, XXXX, PRESENT_REF, T09:00, TMO.
TIMEX_CODE = re.compile(r"\d{4}-\w|\bP(?:T?\d|X)|\bXX|_REF\b|\bT\d\d:|\bT(?:MO|AF|EV|NI)\b|\b\d{3}X?\b")

EVERY_KIND = [
    ("2021-01-15", "15 Jan 2021"),
    ("2021-01-15T09:00", "15 Jan 2021, 09:00"),
    ("2021-01-15TMO", "15 Jan 2021 (morning)"),
    ("2021-01", "January 2021"),
    ("2021", "2021"),
    ("1998-W19", "the week of 4 May 1998"),
    ("1998-W19-WE", "the weekend of 9 May 1998"),
    ("2018-Q4", "the fourth quarter of 2018"),
    ("2018-QX", "a quarter of 2018"),
    ("2019-H1", "the first half of 2019"),
    ("2026-SP", "spring 2026"),
    ("2026-SU", "summer 2026"),
    ("2026-FA", "autumn 2026"),
    ("2026-WI", "winter 2026–27"),
    ("XXXX-SP", "spring"),
    ("XXXX-12-25", "25 December"),
    ("XXXX-05", "May"),
    ("XXXX-WXX-2", "Tuesdays"),
    ("2021-WXX", "a week in 2021"),
    ("199", "the 1990s"),
    ("19", "the 20th century"),
    ("P30D", "30 days"),
    ("P1Y", "1 year"),
    ("PT48H", "48 hours"),
    ("PT30M", "30 minutes"),
    ("P2W", "2 weeks"),
    ("P2Y6M", "2 years and 6 months"),
    ("PT5H30M", "5 hours and 30 minutes"),
    ("P1DT12H", "1 day and 12 hours"),
    ("PXY", "years"),
    ("PRESENT_REF", "now"),
    ("PAST_REF", "in the past"),
    ("FUTURE_REF", "in the future"),
]


@pytest.mark.parametrize(("value", "words"), EVERY_KIND)
def test_every_value_kind_reads_as_words(value: str, words: str) -> None:
    assert date_words(value) == words
    assert not TIMEX_CODE.search(date_words(value)), date_words(value)


@pytest.mark.parametrize("value", [None, "", "garbage", "2021-13", "2021-02-30", "2021-W60", "P3Z", "XXXX-XX"])
def test_an_unknown_or_broken_value_is_never_shown_as_code(value: str | None) -> None:
    assert date_words(value) == "an unclear date"


@pytest.mark.parametrize(
    ("due", "kind", "text", "words"),
    [
        ("1998-05", "date", "by the end of May", "by the end of May 1998"),
        ("2021-01-15", "date", "by Jan. 15", "by 15 Jan 2021"),
        ("2021", "date", "by 2021", "by the end of 2021"),
        ("2027", "date", "by mid-2027", "by mid-2027"),
        ("2026-12", "date", "in late December", "by late December 2026"),
        ("2027", "date", "early next year", "by early 2027"),
        ("2027-SP", "date", "by next spring", "spring 2027 (by 31 May 2027)"),
        ("2026-WI", "date", "before the winter", "winter 2026–27 (by 28 Feb 2027)"),
        ("1998-W19", "date", "by next week", "the week of 4 May 1998 (by 10 May 1998)"),
        ("2018-Q4", "date", "by the fourth quarter", "the fourth quarter of 2018 (by 31 Dec 2018)"),
        ("2026-12-26", "duration", "within 30 days", "within 30 days (by 26 Dec 2026)"),
        ("2026-12-26", "duration", "", "by 26 Dec 2026"),
        ("2026-12-26", "duration", "30 days", "within 30 days (by 26 Dec 2026)"),  # "gave Mexico 30 days"
        ("2026-12-10", "duration", "two weeks", "within two weeks (by 10 Dec 2026)"),  # "have two weeks to"
        ("2026-12-10", "duration", "in two weeks", "in two weeks (by 10 Dec 2026)"),
        (None, "condition", "until the process is complete", "open-ended"),
        (None, "date", "by then", "no date given"),
        ("XXXX-12-25", "date", "by Christmas", "25 December"),
    ],
)
def test_a_due_point_reads_as_when_it_falls_due(due: str | None, kind: str, text: str, words: str) -> None:
    assert due_words(due, kind, text) == words


@pytest.mark.parametrize(("value", "_words"), EVERY_KIND)
def test_no_due_point_of_any_kind_shows_a_code(value: str, _words: str) -> None:
    for kind in ("date", "duration"):
        assert not TIMEX_CODE.search(due_words(value, kind, "")), (value, kind, due_words(value, kind, ""))


@pytest.mark.parametrize(("value", "_words"), EVERY_KIND)
def test_the_digest_marker_of_a_due_point_shows_no_code(value: str, _words: str) -> None:
    from bot.slack.digest import due_label

    assert not TIMEX_CODE.search(due_label(value)), due_label(value)
