"""/who-said: quotes newest first, paraphrases marked, paging, suggestions, dates, hostile feed text."""

import json
from datetime import UTC, date, datetime

import pytest

from bot.slack.commands.answer import CommandContext, UsageError
from bot.slack.commands.who_said import PAGE_SIZE, WhoSaidArgs, answer, args_from_button, parse, parse_day
from tests.stored_news import add_article, add_demo_news, add_feed

TODAY = date(2018, 10, 20)
CTX = CommandContext(now=datetime(2018, 10, 20, 9, tzinfo=UTC))


def blocks_text(result) -> str:
    return json.dumps(result.blocks, ensure_ascii=False)


def test_since_is_split_from_the_name() -> None:
    assert parse("Mike Pompeo since 2018-10-06", TODAY) == WhoSaidArgs("Mike Pompeo", date(2018, 10, 6))
    assert parse("Pompeo SINCE last week", TODAY).since == date(2018, 10, 13)
    assert parse("Pompeo", TODAY).since is None
    assert parse("Pompeo since 2030-01-01", TODAY).since == TODAY  # never in the future


def test_unreadable_dates_and_empty_names_say_how_to_write_them() -> None:
    with pytest.raises(UsageError, match="as a date"):
        parse("Pompeo since the dawn of diplomacy", TODAY)
    with pytest.raises(UsageError, match="Whose quotes"):
        parse("   ", TODAY)
    with pytest.raises(UsageError, match="surname is enough"):
        parse("A" * 500, TODAY)
    assert parse_day("October 2018", TODAY) == date(2018, 10, 1)


def test_quotes_newest_first_with_date_link_source_and_paraphrase_marked(settings, db) -> None:
    add_demo_news(db)
    result = answer(db, settings, WhoSaidArgs("Secretary Pompeo"), CTX)
    text = blocks_text(result)
    assert text.index("good, productive meeting") < text.index("making progress on denuclearization")
    assert "_paraphrase:_ the talks would continue" in text
    assert "2018-10-08" in text and "Capital Dispatch" in text and "<https://news.example/" in text
    assert "Show more" not in text


def test_show_more_pages_through_every_quote(settings, db) -> None:
    feed = add_feed(db)
    for day in range(1, 8):
        add_article(db, feed, f"Briefing number {day}", datetime(2018, 10, day, tzinfo=UTC),
                    quotes=[(f"Remark of day {day}", "Heather Nauert", True)])
    first = answer(db, settings, WhoSaidArgs("Nauert"), CTX)
    assert "quotes 1–5 of 7" in blocks_text(first)
    more = first.blocks[-1]["elements"][0]
    assert more["text"]["text"] == "Show more"
    second = answer(db, settings, args_from_button(more["value"]), CTX)
    assert "quotes 6–7 of 7" in blocks_text(second)
    assert "Remark of day 1" in blocks_text(second) and "Show more" not in blocks_text(second)
    assert PAGE_SIZE == 5
    [previous] = second.blocks[-1]["elements"]
    assert previous["text"]["text"] == "Previous"
    back = answer(db, settings, args_from_button(previous["value"]), CTX)
    assert "quotes 1–5 of 7" in blocks_text(back) and "Remark of day 7" in blocks_text(back)


def test_unknown_name_suggests_close_ones_as_buttons(settings, db) -> None:
    add_demo_news(db)
    result = answer(db, settings, WhoSaidArgs("Mogreni"), CTX)
    buttons = result.blocks[1]["elements"]
    assert [b["text"]["text"] for b in buttons] == ["Federica Mogherini"]
    assert json.loads(buttons[0]["value"])["person"] == "Federica Mogherini"
    nobody = answer(db, settings, WhoSaidArgs("Zzyzx"), CTX)
    assert "no name close to it" in nobody.text


def test_empty_database_says_nothing_is_stored_yet(settings, db) -> None:
    assert "No quotes are stored yet" in answer(db, settings, WhoSaidArgs("Pompeo"), CTX).text


def test_feed_text_cannot_ping_or_link(settings, db) -> None:
    feed = add_feed(db, title="<!here> Wire")
    add_article(db, feed, "Title with <https://evil.example|click me>", datetime(2018, 10, 2, tzinfo=UTC),
                quotes=[("Hello <!channel> and <@U123>", "Jane Doe", True)], url="https://ok.example/a>b")
    text = blocks_text(answer(db, settings, WhoSaidArgs("Jane Doe"), CTX))
    for dangerous in ("<!channel>", "<@U123>", "<!here>", "<https://evil.example|"):
        assert dangerous not in text
    assert "&lt;!channel&gt;" in text


def test_a_stale_button_is_explained() -> None:
    with pytest.raises(UsageError, match="out of date"):
        args_from_button("{not json")
    assert args_from_button('{"person": "Nauert", "offset": 1e300}').offset == 100_000
    for broken in ('{"person": "Nauert", "offset": Infinity}', '[1, 2]', '{"person": "N", "since": "yesterday"}'):
        with pytest.raises(UsageError):
            args_from_button(broken)
