"""Dates: temporal expressions found in invented diplomacy news, with TIMEX3 values against the published date."""

from __future__ import annotations

from datetime import date

import pytest

from bot.analysis.dates.normalise import normalize
from bot.analysis.dates.spans import extract_dates

PUBLISHED = date(2018, 10, 3)  # a Wednesday, ISO week 40


def values(nlp, text: str, published: date | None = PUBLISHED) -> dict[str, str | None]:
    return {d.text: d.value for d in extract_dates(nlp(text), published)}


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("January 15, 2021", "2021-01-15"),
        ("15 January 2021", "2021-01-15"),
        ("January 2021", "2021-01"),
        ("2021", "2021"),
        ("last month", "2018-09"),
        ("next month", "2018-11"),
        ("this week", "2018-W40"),
        ("next week", "2018-W41"),
        ("the fourth quarter", "2018-Q4"),
        ("last year", "2017"),
        ("the end of the year", "2018"),
        ("year-end", "2018-12-31"),
        ("yesterday", "2018-10-02"),
        ("tomorrow", "2018-10-04"),
        ("today", "2018-10-03"),
        ("30 days", "P30D"),
        ("two weeks", "P2W"),
        ("the past decade", "P10Y"),
        ("three years ago", "2015"),
        ("the 1990s", "199"),
        ("now", "PRESENT_REF"),
        ("recently", "PAST_REF"),
        ("the future", "FUTURE_REF"),
        ("this summer", "2018-SU"),
        ("every day", "P1D"),
    ],
)
def test_expression_resolves_against_published_date(expression, value):
    assert normalize(expression, PUBLISHED) == value


def test_bare_weekday_looks_back_for_past_tense_and_forward_for_future(nlp):
    assert values(nlp, "Pompeo met Kim Jong Un on Tuesday.") == {"Tuesday": "2018-10-02"}
    assert values(nlp, "Pompeo will meet Kim Jong Un on Tuesday.") == {"Tuesday": "2018-10-09"}


def test_weekday_after_a_deadline_cue_lies_ahead(nlp):
    assert values(nlp, "Tehran was given until Friday to respond.") == {"Friday": "2018-10-05"}


def test_in_two_weeks_with_future_verb_is_a_date(nlp):
    assert values(nlp, "The envoys will meet again in two weeks.") == {"two weeks": "2018-W42"}


def test_month_without_year_follows_the_tense_across_new_year(nlp):
    assert values(nlp, "The talks collapsed in December.", date(2019, 2, 6)) == {"December": "2018-12"}
    assert values(nlp, "Elections will be held in February.", date(2018, 11, 20)) == {"February": "2019-02"}


def test_written_date_the_model_misses_is_found(nlp):
    found = values(nlp, "The European Union told Britain to submit its proposals no later than April 15.")
    assert found == {"April 15": "2019-04-15"}


def test_cue_words_are_not_part_of_the_date(nlp):
    assert values(nlp, "Iran must hand over the records no later than March 1, 2022.") == {"March 1, 2022": "2022-03-01"}


def test_ages_and_model_numbers_are_not_dates(nlp):
    assert values(nlp, "Amir, 27, is serving a life sentence, a spokesman, 52 years old, said.") == {}


def test_time_words_the_model_leaves_untagged_are_found(nlp):
    found = values(nlp, "Sanctions are now in force and were recently tightened.")
    assert found == {"now": "PRESENT_REF", "recently": "PAST_REF"}


def test_offsets_point_into_the_text(nlp):
    text = "The summit, held last month in Singapore, ended without a deal."
    [mention] = extract_dates(nlp(text), PUBLISHED)
    assert text[mention.start:mention.end] == "last month"


def test_without_published_date_relative_values_stay_unknown(nlp):
    found = values(nlp, "Sales fell last month, after the accord of January 15, 2021.", published=None)
    assert found["last month"] is None
    assert found["January 15, 2021"] == "2021-01-15"


def test_quarter_under_discussion_carries_to_a_year_ago(nlp):
    found = values(nlp, "Profit rose in the third quarter. A year ago, the company lost money.", date(1989, 10, 26))
    assert found["the third quarter"] == "1989-Q3"
    assert found["A year ago"] == "1988-Q3"


def test_absurd_expression_gives_no_value_instead_of_crashing(nlp):
    assert normalize("1000000000 days ago", PUBLISHED) is None


def test_anaphoric_days_and_months_count_from_the_date_last_talked_about(nlp):
    found = values(nlp, "The envoys met in Geneva on Sept. 12, 2018. Earlier that day, the ministers had spoken by phone.")
    assert found["Earlier that day"] == "2018-09-12"
    assert normalize("the following month", PUBLISHED) == "2018-11"  # nothing named yet: from the published date
    found = values(nlp, "The embassy closed in March. The following month, the ambassador was recalled.")
    assert found["The following month"] == "2018-04"


def test_the_previous_weekday_is_the_one_before_the_day_under_discussion(nlp):
    found = values(nlp, "The rouble closed lower on Friday, down 3% from the previous Friday.", date(2018, 10, 8))
    assert found["Friday"] == "2018-10-05" and found["the previous Friday"] == "2018-09-28"


def test_a_timetable_points_ahead_even_when_reported_in_the_past(nlp):
    found = values(nlp, "The talks, which stalled in June, were set to resume Monday in Vienna.", date(2018, 10, 7))
    assert found["Monday"] == "2018-10-08"


def test_dates_read_out_in_a_broadcast_transcript():
    assert normalize("this coming Sunday, March eighth", date(1998, 3, 5)) == "1998-03-08"
    assert normalize("January nineteen ninety-seven", PUBLISHED) == "1997-01"
    assert normalize("October twenty-fourth, nineteen ninety-eight", PUBLISHED) == "1998-10-24"


def test_a_plan_agreed_in_the_past_points_ahead(nlp):
    found = values(nlp, "Iran agreed to ship its enriched uranium to Russia in February.")
    assert found["February"] == "2019-02"
    assert values(nlp, "The sanctions would be lifted in January, the envoy said.")["January"] == "2019-01"


def test_a_past_participle_after_its_noun_reports_a_past_day(nlp):
    found = values(nlp, "Tehran will ask the court to suspend the ruling issued Thursday.")
    assert found["Thursday"] == "2018-09-27"
    found = values(nlp, "The opposition wants new elections held before December.")
    assert found["December"] == "2018-12"  # a result still wanted, not an event done


def test_a_second_day_listed_after_a_month_day(nlp):
    found = values(nlp, "Foreign ministers will meet in Vienna on April 24 and 25.")
    assert found == {"April 24": "2019-04-24", "25": "2019-04-25"}


def test_weeks_quarters_and_later_dates_named_by_reference():
    assert normalize("the week of March 6", date(2000, 2, 24)) == "2000-W10"
    assert normalize("a later date", PUBLISHED) == "FUTURE_REF"


def test_the_end_of_the_week_ahead_is_the_week_of_publication_and_a_past_one_stays_unnamed(nlp):
    found = values(nlp, "Iran must answer the inspectors' questions by the end of the week, the envoy said.")
    assert found["the end of the week"] == "2018-W40"
    found = values(nlp, "The talks had collapsed at the end of the week, diplomats said.")
    assert found["the end of the week"] == "2018-WXX"


def test_half_units_are_written_in_the_next_smaller_unit(nlp):
    assert normalize("2 1/2 years", PUBLISHED) == "P2Y6M"
    assert normalize("two and a half months", PUBLISHED) == "P2M15D"
    assert normalize("half an hour", PUBLISHED) == "PT30M"
    found = values(nlp, "A minute and a half later, the envoy left the room.")
    assert found == {"A minute and a half later": "PT1M30S"}  # one span: "and a half" is no range
    found = values(nlp, "The foreign minister stayed about 5 1/2 hours in Kabul.")
    assert list(found.values()) == ["PT5H30M"]  # a count of hours the model calls a quantity


def test_coming_weeks_are_some_weeks_ahead_and_a_year_ago_quarter_follows_the_quarter_discussed(nlp):
    assert normalize("coming weeks", PUBLISHED) == "PXW"
    assert normalize("the coming years", PUBLISHED) == "PXY"
    found = values(nlp, "Exports rose in the third quarter, up from the quarter a year ago.", date(1989, 10, 26))
    assert found["the quarter a year ago"] == "1988-Q3"


def test_a_plan_denied_with_did_not_still_points_ahead(nlp):
    found = values(nlp, "Officials said they did not plan to expel the envoy on Thursday, whatever happened.")
    assert found["Thursday"] == "2018-10-04"


def test_more_time_is_a_duration_and_later_in_the_day_is_the_day_told_about(nlp):
    assert normalize("an additional year", PUBLISHED) == "P1Y"
    assert normalize("another two weeks", PUBLISHED) == "P2W"
    found = values(nlp, "The envoys met in Geneva on Sept. 12, 2018. Later in the day, the talks collapsed.")
    assert found["Later in the day"] == "2018-09-12"


def test_counted_ago_expressions_keep_their_count(nlp):
    assert normalize("a week or so ago", PUBLISHED) == "2018-W39"
    assert normalize("seven a year ago", PUBLISHED) == "2017"  # "(up from) seven a year ago"
    found = values(nlp, "The ministers talked a week or so ago.")
    assert found == {"a week or so ago": "2018-W39"}  # one span: "or so" is no range


def test_each_named_month_is_every_year(nlp):
    found = values(nlp, "The marchers parade through the town each July.")
    assert found == {"each July": "XXXX-07"}


def test_a_word_the_model_puts_before_last_year_is_left_out(nlp):
    found = values(nlp, "The prime minister fled the capital after a coup d'etat last year, officials said.")
    assert found == {"last year": "2017"}


def test_a_day_at_a_clock_time_is_one_expression(nlp):
    found = values(nlp, "The ceasefire between the two militias expires on Sunday at midnight.")
    assert found == {"Sunday at midnight": "2018-10-07T24:00"}


def test_the_weekend_is_the_one_ahead_or_the_one_gone_by_the_tense(nlp):
    assert values(nlp, "The envoy will travel to Cairo over the weekend.") == {"the weekend": "2018-W40-WE"}
    assert values(nlp, "The envoy travelled to Cairo over the weekend.") == {"the weekend": "2018-W39-WE"}


def test_a_half_of_a_named_year_is_a_half(nlp):
    assert values(nlp, "Exports fell in the first half of the year.") == {"the first half of the year": "2018-H1"}
    assert values(nlp, "Talks will resume in the second half of next year.") == {
        "the second half of next year": "2019-H2"}


def test_time_someone_had_until_a_day_ran_out_in_the_past(nlp):
    assert values(nlp, "He had until Monday to respond but did not.") == {"Monday": "2018-10-01"}
    assert values(nlp, "He has until Monday to respond.") == {"Monday": "2018-10-08"}


def test_a_programme_named_in_quotation_marks_is_no_time(nlp):
    assert values(nlp, 'The foreign minister told CBS\'s "60 Minutes" that the talks would resume.') == {}
    assert values(nlp, 'Speaking on ABC\'s "This Week," the envoy said the talks had stalled.') == {}
    assert values(nlp, 'The envoy said the talks would resume "this week".') == {"this week": "2018-W40"}


def test_a_noun_the_model_puts_before_a_count_of_time_is_left_out(nlp):
    found = values(nlp, "The envoy said so in an interview several months before the ceasefire collapsed.")
    assert found == {"several months": "PXM"}


def test_the_day_a_deadline_falls_on_lies_ahead(nlp):
    assert values(nlp, "The deadline for the two sides to agree on a ceasefire is Monday.") == {"Monday": "2018-10-08"}


def test_the_day_of_a_deadline_someone_set_lies_ahead(nlp):
    assert values(nlp, "The EU set a Friday deadline for Athens to present its plan.") == {"Friday": "2018-10-05"}
    assert values(nlp, "The rebels missed the Sunday deadline to lay down their arms.") == {"Sunday": "2018-09-30"}
