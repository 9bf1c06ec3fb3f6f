from datetime import date

import pytest

from bot.analysis.dates.timex import last_day


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-01-15", date(2021, 1, 15)),
        ("2021-01", date(2021, 1, 31)),
        ("2020-02", date(2020, 2, 29)),
        ("2018-W40", date(2018, 10, 7)),
        ("2018-Q4", date(2018, 12, 31)),
        ("2021", date(2021, 12, 31)),
        ("2019-H1", date(2019, 6, 30)),
        ("2018-10-03TMO", date(2018, 10, 3)),
        ("2018-W40-WE", date(2018, 10, 7)),
        ("2021-WXX", date(2021, 12, 31)),
        ("2021-QX", date(2021, 12, 31)),
    ],
)
def test_due_value_maps_to_the_last_day_it_covers(value: str, expected: date) -> None:
    assert last_day(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-SP", date(2021, 5, 31)),
        ("2021-SU", date(2021, 8, 31)),
        ("2021-FA", date(2021, 11, 30)),
        ("2023-WI", date(2024, 2, 29)),  # the winter that begins in December 2023
    ],
)
def test_a_season_lasts_until_its_last_month_ends(value: str, expected: date) -> None:
    assert last_day(value) == expected


@pytest.mark.parametrize("value", [None, "", "P30D", "FUTURE_REF", "2021-13", "garbage"])
def test_values_without_a_calendar_day_give_none(value: str | None) -> None:
    assert last_day(value) is None
