import pytest

from bot.slack.quote_text import quoted, spoken_words


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ('We welcome the signatures, but signatures do not feed anyone," said Heather Nauert, the State '
         'Department spokeswoman. "We will judge this agreement by what happens next.',
         "We welcome the signatures, but signatures do not feed anyone … We will judge this agreement by what "
         "happens next."),
        ("This is a beginning and not an end,\u201d she said. \u201cThe people of Darfur have heard promises before.",
         "This is a beginning and not an end … The people of Darfur have heard promises before."),
        ("This is about steel, and only about steel,", "This is about steel, and only about steel"),
    ],
)
def test_attribution_inside_an_interrupted_quote_is_left_out(stored: str, shown: str) -> None:
    assert spoken_words(stored) == shown


def test_partial_quote_keeps_its_own_marks_and_gets_no_others() -> None:
    assert quoted("the talks had been \u201cproductive\u201d") == "the talks had been \u201cproductive\u201d"
    # a stored partial quote stops before its closing mark
    assert quoted("the talks had been \u201cproductive") == "the talks had been \u201cproductive\u201d"
    assert quoted('the mood was "businesslike') == 'the mood was "businesslike"'
    assert quoted("We will not be pushed,") == "\u201cWe will not be pushed\u201d"


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("It's more tinkering at the edges,'' said Alan Cole, an economist. ''I wouldn't call it reform.",
         "It's more tinkering at the edges … I wouldn't call it reform."),
        ("We are ready,' she said. 'The talks go on.", "We are ready … The talks go on."),
        ("Iran's envoy is ready,\u2019 she said. \u2018The talks go on.", "Iran's envoy is ready … The talks go on."),
    ],
)
def test_attribution_inside_a_quote_in_other_marks_is_left_out(stored: str, shown: str) -> None:
    assert spoken_words(stored) == shown
