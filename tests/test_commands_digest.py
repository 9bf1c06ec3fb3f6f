"""/digest: today's top stories (of this channel's topics) or one topic's, compact, ten at a time."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.slack.blocks import limit_problems
from bot.slack.commands.answer import CommandContext, UsageError
from bot.slack.commands.digest import DigestArgs, answer, parse
from bot.slack.commands.story_views import page_answer
from bot.slack.digest import page_from_button
from bot.storage.delivery import add_subscription
from tests.stored_news import add_article, add_demo_news, add_feed

CTX = CommandContext(team_id="T1", channel_id="C1", user_id="U1", now=datetime(2018, 10, 20, 9, tzinfo=UTC))


def text_of(message) -> str:
    return json.dumps(message.blocks, ensure_ascii=False)


def entries(message) -> int:
    return sum(1 for b in message.blocks if b.get("accessory", {}).get("text", {}).get("text") == "Details")


def test_without_a_topic_it_is_todays_top_stories_not_everything_stored(settings, db) -> None:
    add_demo_news(db)
    feed = add_feed(db, "http://127.0.0.1/old.xml", "Old Wire")
    add_article(db, feed, "Envoys met last month in Vienna", CTX.now - timedelta(days=30))
    result = answer(db, settings, DigestArgs(), CTX)
    assert "Top stories today, 20 Oct 2018" in text_of(result) or "Latest stories" in text_of(result)
    assert "last month in Vienna" not in text_of(result)
    assert entries(result) >= 1 and limit_problems(result) == []


def test_digest_shows_only_the_channels_topics(settings, db) -> None:
    add_demo_news(db)
    add_subscription(db, "T1", "C1", "iran", created_by="U1", now=CTX.now)
    text = text_of(answer(db, settings, DigestArgs(), CTX))
    assert "EU sets Iran deadline" in text and "Pyongyang" not in text


def test_a_topic_argument_gives_that_topics_digest(settings, db) -> None:
    add_demo_news(db)
    result = answer(db, settings, parse("pyongyang -iran"), CTX)
    text = text_of(result)
    assert "Pompeo heads to Pyongyang" in text and "EU sets Iran" not in text


def test_bad_topic_says_how_to_write_one() -> None:
    with pytest.raises(UsageError, match="/digest north korea"):
        parse("-sports")


def test_many_stories_answer_one_screen_and_the_buttons_page_through_them(settings, db) -> None:
    feed = add_feed(db)
    start = CTX.now - timedelta(hours=23)
    for i in range(23):
        add_article(db, feed, f"Sanctions talks round {i}", start + timedelta(hours=i),
                    quotes=[(f"Round {i} was useful", "Jane Doe", True)], summary=["x" * 900, "y" * 900])
    first = answer(db, settings, parse("sanctions"), CTX)
    assert first.followups == [] and limit_problems(first) == [] and entries(first) == 10
    assert len(first.text) + len(text_of(first)) <= 8000
    assert "round 22" in text_of(first)  # the newest first among equals

    def buttons(message) -> dict[str, str]:
        return {e["text"]["text"]: e["value"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]}

    second = page_answer(db, buttons(first)["Show more (13)"])
    assert entries(second) == 10 and "Stories 11–20 of 23" in text_of(second)
    third = page_answer(db, buttons(second)["Show more (3)"])
    assert entries(third) == 3 and set(buttons(third)) == {"Previous"}
    back = page_answer(db, buttons(third)["Previous"])
    assert page_from_button(buttons(back)["Previous"]).start == 0 and "Stories 11–20 of 23" in text_of(back)
    assert "out of date" in page_answer(db, "not json").text


def test_a_story_that_grew_after_it_was_posted_says_updated_in_that_channel_and_in_app_home(settings, db) -> None:
    from bot.slack.commands.home import home_view
    from bot.storage.followups import STORY_UPDATE, add_followup
    from bot.storage.stories import load_stories

    feed = add_feed(db)
    add_article(db, feed, "Ceasefire talks resume in Doha", CTX.now - timedelta(hours=2))
    add_article(db, feed, "Border crossing reopens for aid convoys", CTX.now - timedelta(hours=1))
    grown = next(s.id for s in load_stories(db) if s.title.startswith("Ceasefire"))
    add_followup(db, "T1", "C1", STORY_UPDATE, f"update:{grown}:1", now=CTX.now, story_id=grown)

    def updated_lines(message_blocks) -> list[str]:
        return [json.dumps(b) for b in message_blocks if b["type"] == "context" and "updated" in json.dumps(b)]

    here = answer(db, settings, DigestArgs(), CTX).blocks
    assert len(updated_lines(here)) == 1
    entry = next(i for i, b in enumerate(here) if "Ceasefire talks" in json.dumps(b))
    assert "updated" in json.dumps(here[entry + 1])  # the marker sits under that story, not the other
    elsewhere = CommandContext(team_id="T1", channel_id="C2", user_id="U1", now=CTX.now)
    assert updated_lines(answer(db, settings, DigestArgs(), elsewhere).blocks) == []
    assert len(updated_lines(home_view(db, settings, CTX)["blocks"])) == 1
