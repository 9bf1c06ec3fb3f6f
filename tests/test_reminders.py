"""Deadline reminders: each channel hears of its own topics' deadlines due today, tomorrow and in a week."""

import json
from datetime import UTC, date, datetime

from slack_sdk import WebClient

from bot.reminders import plan_reminders, send_reminders
from bot.storage.delivery import add_subscription
from tests.stored_news import add_article, add_feed

NOW = datetime(2018, 10, 20, 6, 0, tzinfo=UTC)


def store_deadlines(db) -> None:
    feed = add_feed(db)
    add_article(db, feed, "Iran given days to answer inspectors", datetime(2018, 10, 1, tzinfo=UTC),
                deadlines=[{"text": f"by {d}", "due": d, "action": f"answer {i}", "actor": "IAEA"}
                           for i, d in enumerate(["2018-10-20", "2018-10-21", "2018-10-23", "2018-10-27"])])
    add_article(db, feed, "Cuba embassy to reopen", datetime(2018, 10, 2, tzinfo=UTC),
                deadlines=[{"text": "by Sunday", "due": "2018-10-21", "action": "reopen the embassy"}])


def test_each_channel_gets_its_topics_deadlines_due_today_tomorrow_and_in_a_week(db) -> None:
    store_deadlines(db)
    add_subscription(db, "T1", "C-iran", "iran", created_by="U1", now=NOW)
    add_subscription(db, "T1", "C-cuba", "cuba", created_by="U1", now=NOW)
    add_subscription(db, "T1", "C-chile", "chile", created_by="U1", now=NOW)
    reminders = {r.channel_id: r for r in plan_reminders(db, now=NOW)}
    assert set(reminders) == {"C-iran", "C-cuba"}
    iran = json.dumps(reminders["C-iran"].blocks)
    assert "answer 0" in iran and "answer 1" in iran and "answer 3" in iran and "answer 2" not in iran
    assert "reopen the embassy" in json.dumps(reminders["C-cuba"].blocks)
    assert date(2018, 10, 20).isoformat() in iran


def test_a_failing_channel_does_not_stop_the_others(db, slack_api) -> None:
    store_deadlines(db)
    add_subscription(db, "T1", "C-iran", "iran", created_by="U1", now=NOW)
    add_subscription(db, "T1", "C-cuba", "cuba", created_by="U1", now=NOW)
    slack_api.script("chat.postMessage", body={"ok": False, "error": "channel_not_found"})
    client = WebClient(token="xoxb-test", base_url=slack_api.base_url)
    assert send_reminders(db, lambda team: client, now=NOW) == 1
    assert len(slack_api.calls_to("chat.postMessage")) == 2


def test_reminder_fallback_text_from_feed_text_can_never_ping_the_channel(db) -> None:
    feed = add_feed(db)
    add_article(db, feed, "Iran told to answer inspectors", datetime(2018, 10, 1, tzinfo=UTC),
                deadlines=[{"text": "by Sunday", "due": "2018-10-21",
                            "action": "<!channel> answer <@U123> and <https://evil.example|click>"}])
    add_subscription(db, "T1", "C-iran", "iran", created_by="U1", now=NOW)
    [reminder] = plan_reminders(db, now=NOW)
    assert "answer" in reminder.text
    assert "<!channel>" not in reminder.text and "<@U123>" not in reminder.text and "<https:" not in reminder.text
    assert "&lt;!channel&gt;" in reminder.text
