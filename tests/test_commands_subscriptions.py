"""/subscribe, /unsubscribe and /subscriptions with Remove buttons."""

from datetime import UTC, datetime

import pytest

from bot.slack.commands.answer import CommandContext, UsageError
from bot.slack.commands.subscriptions import (
    REMOVE_ACTION,
    NoArgs,
    answer_list,
    answer_subscribe,
    answer_unsubscribe,
    parse_topic_args,
    remove_by_button,
)
from bot.storage.delivery import list_subscriptions, outbox_items
from tests.stored_news import add_demo_news

CTX = CommandContext(team_id="T1", channel_id="C1", user_id="U1", now=datetime(2018, 10, 20, 9, tzinfo=UTC))


def test_subscribe_with_an_exclusion_and_backfill(settings, db) -> None:
    add_demo_news(db)
    result = answer_subscribe(db, settings.model_copy(update={"backfill_stories": 1}),
                              parse_topic_args("pyongyang -iran"), CTX)
    assert "now follows *pyongyang -iran*" in result.text
    assert "most recent matching story is on their way" in result.text
    [sub] = list_subscriptions(db, team_id="T1", channel_id="C1")
    assert sub.topic.include == ("pyongyang",) and sub.topic.exclude == ("iran",)
    assert len(outbox_items(db, team_id="T1", channel_id="C1")) == 1  # never a flood
    again = answer_subscribe(db, settings, parse_topic_args("Pyongyang  -Iran"), CTX)
    assert "already follows" in again.text


def test_unsubscribe_names_what_the_channel_follows_when_the_topic_is_unknown(settings, db) -> None:
    answer_subscribe(db, settings, parse_topic_args("iran"), CTX)
    missing = answer_unsubscribe(db, settings, parse_topic_args("cuba"), CTX)
    assert "does not follow *cuba*" in missing.text and "`iran`" in missing.text
    assert "no longer follows *iran*" in answer_unsubscribe(db, settings, parse_topic_args("IRAN"), CTX).text


def test_list_has_a_remove_button_per_topic_and_the_button_removes_it(settings, db) -> None:
    for topic in ("iran", "north korea -sports"):
        answer_subscribe(db, settings, parse_topic_args(topic), CTX)
    listing = answer_list(db, settings, NoArgs(), CTX)
    buttons = [b["accessory"] for b in listing.blocks if "accessory" in b]
    assert [b["action_id"].split(":")[0] for b in buttons] == [REMOVE_ACTION, REMOVE_ACTION]
    redrawn = remove_by_button(db, buttons[0]["value"], CTX)
    assert redrawn.replace_original and "Removed *iran*" in redrawn.text + str(redrawn.blocks)
    assert [s.text for s in list_subscriptions(db, team_id="T1")] == ["north korea -sports"]
    assert "already removed" in str(remove_by_button(db, buttons[0]["value"], CTX).blocks)


def test_another_workspace_cannot_remove_our_topic(settings, db) -> None:
    answer_subscribe(db, settings, parse_topic_args("iran"), CTX)
    [sub] = list_subscriptions(db, team_id="T1")
    stranger = CommandContext(team_id="T2", channel_id="C9", user_id="U9", now=CTX.now)
    remove_by_button(db, str(sub.id), stranger)
    remove_by_button(db, "1; DROP TABLE subscriptions", stranger)
    remove_by_button(db, "9" * 40, CTX)
    assert len(list_subscriptions(db, team_id="T1")) == 1


def test_bad_topics_say_how_to_write_one() -> None:
    for text in ("", "-sports", "x" * 500):
        with pytest.raises(UsageError, match="Example"):
            parse_topic_args(text)


def test_the_catch_all_topic_reads_as_every_story(settings, db) -> None:
    result = answer_subscribe(db, settings, parse_topic_args("*"), CTX)
    assert "now follows every story" in result.text
    listing = answer_list(db, settings, NoArgs(), CTX)
    assert "every story" in str(listing.blocks)
