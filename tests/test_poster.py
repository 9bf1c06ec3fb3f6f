"""The poster against the local Slack stand-in: each story once, through 429s, errors, crashes and restarts."""

from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient

from bot.analysis.records import Quote
from bot.app.subscriptions import change_schedule, enqueue_stories, subscribe
from bot.domain.schedule import parse_schedule
from bot.domain.stories import Story, StorySource
from bot.slack.outbox import poster as poster_module
from bot.slack.outbox.poster import DIGEST_EVENT, QUOTES_EVENT, STORY_EVENT, Poster, story_ids_listed
from bot.storage import Database
from bot.storage import delivery as d
from bot.storage.models import StoryRow

TEAM = "T0001"


class Crash(BaseException):
    """Stands for the process dying: nothing after it runs, nothing catches it."""


def add_stories(db: Database, count: int, quotes: int = 1) -> list[Story]:
    now = datetime.now(UTC)
    stories = []
    with db.session() as session:
        for n in range(count):
            title = f"Envoys meet in Geneva, round {n + 1}"
            row = StoryRow(title=title, first_published_at=now, updated_at=now)
            session.add(row)
            session.flush()
            stories.append(Story(
                id=row.id, title=title, url=f"https://meridianwire.example/geneva-{n + 1}", published=now,
                summary=["Negotiators met again in Geneva.", "No date was set for the next round."],
                quotes=[Quote(f"We made progress, point {q}", 0, 10, True, "Heather Nauert") for q in range(quotes)],
                sources=[StorySource("Meridian Wire", f"https://meridianwire.example/geneva-{n + 1}")]))
    return stories


def make_poster(db: Database, settings, stories: list[Story], **options) -> Poster:
    by_id = {s.id: s for s in stories}

    def load(_db: Database, *, story_ids=None, **_ignored) -> list[Story]:
        return list(by_id.values()) if story_ids is None else [by_id[i] for i in story_ids if i in by_id]

    # lease_seconds 0: a poster made after another one "crashed" is a restart after the crashed one's leases ran
    # out (posters side by side, with leases that run, are tests/test_poster_replicas.py).
    options = {"min_interval": 0.05, "backoff_base": 0.05, "lease_seconds": 0, **options}
    return Poster(db, settings, load_stories=load, **options)


def queue(db: Database, channel: str, stories: list[Story], team: str = TEAM, subscriber: str = "U1") -> None:
    d.add_subscription(db, team, channel, "geneva", created_by=subscriber, now=datetime.now(UTC))
    d.enqueue(db, team, channel, [s.id for s in stories], now=datetime.now(UTC))


def posts_to(slack_api, channel: str) -> list:
    return [c for c in slack_api.calls_to("chat.postMessage") if c.params.get("channel") == channel]


def test_each_story_is_posted_once_with_its_metadata_and_never_again(db, slack_api, slack_settings) -> None:
    stories = add_stories(db, 2)
    queue(db, "C1", stories)
    queue(db, "C2", stories[:1])
    report = make_poster(db, slack_settings, stories).send_due()
    assert (report.sent, report.messages) == (3, 2)
    posted = sorted((c.params["channel"], c.params["metadata"]) for c in slack_api.calls_to("chat.postMessage"))
    # Two stories due together share one message (newest first); a lone story keeps its own message.
    assert posted == [
        ("C1", {"event_type": DIGEST_EVENT, "event_payload": {"story_ids": [stories[1].id, stories[0].id]}}),
        ("C2", {"event_type": STORY_EVENT, "event_payload": {"story_id": stories[0].id}}),
    ]
    assert all(i.state == "sent" and i.message_ts for i in d.outbox_items(db))
    # Another pass, and a restart (a new poster), send nothing more.
    make_poster(db, slack_settings, stories).send_due()
    d.enqueue(db, TEAM, "C1", [s.id for s in stories], now=datetime.now(UTC))
    make_poster(db, slack_settings, stories).send_due()
    assert len(slack_api.calls_to("chat.postMessage")) == 2


def test_crash_after_slack_got_the_message_does_not_post_it_twice(db, slack_api, slack_settings,
                                                                  monkeypatch) -> None:
    stories = add_stories(db, 2)
    queue(db, "C1", stories[:1])

    def die(*_args, **_kwargs) -> None:
        raise Crash

    # The first process dies between Slack's answer and recording it.
    monkeypatch.setattr(poster_module.delivery, "record_message", die)
    with pytest.raises(Crash):
        make_poster(db, slack_settings, stories).send_due()
    monkeypatch.undo()
    assert len(slack_api.calls_to("chat.postMessage")) == 1
    [left] = d.interrupted(db)
    assert left.message_ts is None
    first_ts = slack_api.messages["C1"][0]["ts"]
    d.enqueue(db, TEAM, "C1", [stories[1].id], now=datetime.now(UTC))  # news arrives meanwhile

    # Restart: the new poster finds its message by metadata, records it, and sends only the other story.
    report = make_poster(db, slack_settings, stories).send_due()
    assert (report.recovered, report.sent) == (1, 1)
    assert len(slack_api.calls_to("chat.postMessage")) == 2
    assert slack_api.calls_to("conversations.history")
    items = {i.story_id: i for i in d.outbox_items(db)}
    assert items[left.story_id].state == "sent" and items[left.story_id].message_ts == first_ts

    # And a second restart changes nothing.
    make_poster(db, slack_settings, stories).send_due()
    assert len(slack_api.calls_to("chat.postMessage")) == 2
    story_ids = [m["metadata"]["event_payload"]["story_id"] for m in slack_api.messages["C1"]]
    assert sorted(story_ids) == sorted(s.id for s in stories)


def test_crash_before_slack_got_the_message_posts_it_once(db, slack_api, slack_settings) -> None:
    stories = add_stories(db, 1)
    queue(db, "C1", stories)
    d.claim_due(db, now=datetime.now(UTC))  # claimed, then the process died before calling Slack
    report = make_poster(db, slack_settings, stories).send_due()
    assert report.sent == 1
    assert len(slack_api.calls_to("chat.postMessage")) == 1
    assert d.outbox_items(db)[0].state == "sent"


def test_quotes_go_to_a_thread_reply_and_survive_a_crash_between_the_two(db, slack_api, slack_settings,
                                                                          monkeypatch) -> None:
    stories = add_stories(db, 1, quotes=3)
    queue(db, "C1", stories)

    record_message = d.record_message

    def record_then_die(*args, **kwargs) -> None:
        record_message(*args, **kwargs)
        raise Crash

    # Crash after the story's message was recorded, before the thread reply.
    monkeypatch.setattr(poster_module.delivery, "record_message", record_then_die)
    with pytest.raises(Crash):
        make_poster(db, slack_settings, stories).send_due()
    monkeypatch.undo()
    main_ts = d.interrupted(db)[0].message_ts
    assert main_ts

    make_poster(db, slack_settings, stories).send_due()
    main, reply = slack_api.calls_to("chat.postMessage")
    assert reply.params["thread_ts"] == main_ts
    assert reply.params["metadata"]["event_type"] == QUOTES_EVENT
    assert "point 2" in str(reply.params["blocks"])
    assert d.outbox_items(db)[0].state == "sent"


def test_thread_reply_already_in_slack_is_not_sent_again(db, slack_api, slack_settings) -> None:
    stories = add_stories(db, 1, quotes=3)
    queue(db, "C1", stories)
    [item] = d.claim_due(db, now=datetime.now(UTC))
    d.record_message(db, item.id, "1700000001.000100")
    slack_api.script("conversations.replies", body={"ok": True, "messages": [
        {"ts": "1700000002.000100", "metadata": {"event_type": QUOTES_EVENT,
                                                  "event_payload": {"story_id": item.story_id}}}]})
    make_poster(db, slack_settings, stories).send_due()
    assert slack_api.calls_to("chat.postMessage") == []
    assert d.outbox_items(db)[0].state == "sent"


def test_429_retry_after_is_honoured(db, slack_api, slack_settings) -> None:
    stories = add_stories(db, 1)
    queue(db, "C1", stories)
    slack_api.script("chat.postMessage", status=429, body={"ok": False, "error": "ratelimited"},
                     headers={"Retry-After": "1"})
    report = make_poster(db, slack_settings, stories).send_due()
    first, second = slack_api.calls_to("chat.postMessage")
    assert second.at - first.at >= 1.0
    assert report.sent == 1
    assert len(slack_api.messages["C1"]) == 1


def test_long_retry_after_defers_the_row_and_other_channels_go_on(db, slack_api, slack_settings) -> None:
    stories = add_stories(db, 1)
    queue(db, "C_SLOW", stories)
    queue(db, "C_FAST", stories)
    slack_api.script("chat.postMessage", status=429, body={"ok": False, "error": "ratelimited"},
                     headers={"Retry-After": "120"})
    report = make_poster(db, slack_settings, stories).send_due()
    assert (report.sent, report.deferred) == (1, 1)
    assert len(posts_to(slack_api, "C_FAST")) == 1
    [slow] = d.outbox_items(db, channel_id="C_SLOW")
    assert slow.state == "pending"
    assert slow.not_before > datetime.now(UTC) + timedelta(seconds=100)


def test_server_errors_are_retried_with_backoff_until_it_works(db, slack_api, slack_settings) -> None:
    stories = add_stories(db, 1)
    queue(db, "C1", stories)
    slack_api.script("chat.postMessage", status=503, body={"ok": False, "error": "service_unavailable"}, times=2)
    report = make_poster(db, slack_settings, stories).send_due()
    assert report.sent == 1
    assert len(slack_api.calls_to("chat.postMessage")) == 3
    # Before each retry it looked whether the failed call had posted after all.
    assert len(slack_api.calls_to("conversations.history")) == 2
    assert len(slack_api.messages["C1"]) == 1


def test_timeout_after_slack_posted_is_found_instead_of_posting_again(db, slack_api, slack_settings) -> None:
    stories = add_stories(db, 1)
    queue(db, "C1", stories)
    # Slack stores the message but answers too late: the poster sees a timeout.
    slack_api.script("chat.postMessage", delay=2.0)
    poster = make_poster(db, slack_settings, stories, timeout=0.5)
    report = poster.send_due()
    assert report.recovered == 1
    assert len(slack_api.calls_to("chat.postMessage")) == 1
    assert len(slack_api.messages["C1"]) == 1
    assert d.outbox_items(db)[0].state == "sent"


def test_errors_that_never_heal_give_up_without_losing_the_row(db, slack_api, slack_settings) -> None:
    stories = add_stories(db, 1)
    queue(db, "C1", stories)
    slack_api.script("chat.postMessage", status=500, body={"ok": False, "error": "internal_error"}, times=10)
    report = make_poster(db, slack_settings, stories, max_attempts=3).send_due()
    assert report.deferred == 1
    assert len(slack_api.calls_to("chat.postMessage")) == 3
    assert d.outbox_items(db)[0].state == "pending"


def test_channel_not_found_pauses_only_that_channel_and_tells_the_subscriber(db, slack_api,
                                                                             slack_settings) -> None:
    stories = add_stories(db, 2)
    queue(db, "C_GONE", stories, subscriber="U_ALICE")
    queue(db, "C_OK", stories[:1])
    slack_api.script("chat.postMessage", body={"ok": False, "error": "channel_not_found"})
    report = make_poster(db, slack_settings, stories).send_due()
    assert report.paused_channels == ["C_GONE"]
    assert len(posts_to(slack_api, "C_OK")) == 1
    [notice] = posts_to(slack_api, "U_ALICE")
    assert "<#C_GONE>" in notice.params["text"] and "channel_not_found" in notice.params["text"]
    assert "`/subscribe &lt;topic&gt;`" in notice.params["text"] and "<topic>" not in notice.params["text"]
    channel = d.get_channel(db, TEAM, "C_GONE")
    assert channel.paused and channel.paused_reason == "channel_not_found"
    assert {i.state for i in d.outbox_items(db, channel_id="C_GONE")} == {"pending"}
    # Later passes leave the paused channel alone.
    make_poster(db, slack_settings, stories).send_due()
    assert len(posts_to(slack_api, "C_GONE")) == 1
    assert slack_api.messages["C_GONE"] == []


@pytest.mark.parametrize("error", ["not_in_channel", "is_archived"])
def test_other_channel_errors_pause_too(db, slack_api, slack_settings, error: str) -> None:
    stories = add_stories(db, 1)
    queue(db, "C1", stories)
    slack_api.script("chat.postMessage", body={"ok": False, "error": error})
    make_poster(db, slack_settings, stories).send_due()
    assert d.get_channel(db, TEAM, "C1").paused_reason == error


def test_revoked_token_stops_that_workspace_only(db, slack_api, slack_settings) -> None:
    stories = add_stories(db, 1)
    queue(db, "C_A1", stories, team="T_A")
    queue(db, "C_A2", stories, team="T_A")
    queue(db, "C_B", stories, team="T_B")
    slack_api.script("chat.postMessage", body={"ok": False, "error": "token_revoked"})
    tokens = {"T_A": "xoxb-team-a", "T_B": "xoxb-team-b"}
    report = make_poster(db, slack_settings, stories, token_for_team=tokens.get).send_due()
    assert report.stopped_teams == ["T_A"]
    assert len(posts_to(slack_api, "C_B")) == 1
    assert posts_to(slack_api, "C_A2") == []
    assert {c.channel_id for c in d.list_channels(db, paused=True)} == {"C_A1", "C_A2"}
    assert posts_to(slack_api, "C_B")[0].headers.get("Authorization") == "Bearer xoxb-team-b"


def test_refused_message_fails_alone(db, slack_api, slack_settings) -> None:
    stories = add_stories(db, 2)
    queue(db, "C1", stories)
    # Slack refuses the batch of both, then the first story sent alone: only that one fails.
    slack_api.script("chat.postMessage", body={"ok": False, "error": "invalid_blocks"}, times=2)
    report = make_poster(db, slack_settings, stories).send_due()
    assert (report.failed, report.sent) == (1, 1)
    assert len(slack_api.calls_to("chat.postMessage")) == 3
    failed = d.outbox_items(db, states=["failed"])[0]
    assert "invalid_blocks" in failed.last_error


def test_story_gone_from_storage_is_skipped(db, slack_api, slack_settings) -> None:
    stories = add_stories(db, 1)
    queue(db, "C1", stories)
    report = make_poster(db, slack_settings, []).send_due()
    assert report.skipped == 1
    assert slack_api.calls_to("chat.postMessage") == []


def test_at_most_one_message_per_interval_per_channel(db, slack_api, slack_settings) -> None:
    stories = add_stories(db, 11)  # three batches of 4, 4 and 3 in each channel
    queue(db, "C1", stories)
    queue(db, "C2", stories)
    make_poster(db, slack_settings, stories, min_interval=0.4).send_due()
    for channel in ("C1", "C2"):
        times = [c.at for c in posts_to(slack_api, channel)]
        assert len(times) == 3
        assert all(b - a >= 0.39 for a, b in zip(times, times[1:], strict=False))


def test_messages_are_real_block_kit_for_the_web_client(slack_api, slack_settings) -> None:
    # The stand-in receives JSON: blocks and metadata arrive as structures, not strings.
    WebClient(token="xoxb-x", base_url=slack_settings.slack_api_url).chat_postMessage(
        channel="C1", text="t", blocks=[{"type": "divider"}], metadata={"event_type": STORY_EVENT,
                                                                        "event_payload": {"story_id": 1}})
    [call] = slack_api.calls_to("chat.postMessage")
    assert call.params["blocks"] == [{"type": "divider"}]


def test_stored_stories_flow_from_subscription_to_slack_once(db, slack_api, slack_settings) -> None:
    from bot.analysis.records import Actor, Analysis
    from bot.app.stories import store_analysis
    from bot.storage.models import ArticleRow, FeedRow
    from bot.storage.stories import load_stories

    now = datetime.now(UTC)
    with db.session() as session:
        feed = FeedRow(url="http://127.0.0.1/wire.xml", title="Meridian Wire", created_at=now,
                       consecutive_failures=0, retired=False)
        session.add(feed)
        session.flush()
        articles = []
        for n, title in enumerate(["Pyongyang agrees to new round of talks", "Brexit vote delayed again"]):
            article = ArticleRow(feed_id=feed.id, guid=f"g{n}", url=f"https://meridianwire.example/{n}",
                                 title=title, published_at=now - timedelta(minutes=n), fetched_at=now,
                                 text=title + ".", text_source="feed", content_hash=f"h{n}")
            session.add(article)
            session.flush()
            articles.append(article.id)
    korea = Analysis(actors=[Actor("North Korea", "country", 2, ["Pyongyang"])],
                     summary=["North Korea agreed to a new round of talks."])
    store_analysis(db, articles[0], korea, now)
    store_analysis(db, articles[1], Analysis(summary=["The vote was delayed."]), now)

    result = subscribe(db, TEAM, "C1", "north korea", created_by="U1", now=now, backfill=3)
    assert result.backfilled == 1
    assert enqueue_stories(db, load_stories(db), now=now) == 0  # already queued by the back-fill
    poster = Poster(db, slack_settings, min_interval=0.05)
    assert poster.send_due().sent == 1
    assert Poster(db, slack_settings, min_interval=0.05).send_due().sent == 0
    [message] = slack_api.messages["C1"]
    assert "Pyongyang agrees to new round of talks" in message["text"]


def test_refused_quotes_thread_does_not_unsend_the_story(db, slack_api, slack_settings) -> None:
    stories = add_stories(db, 1, quotes=3)
    queue(db, "C1", stories)
    slack_api.script("chat.postMessage")  # the story goes through as usual
    slack_api.script("chat.postMessage", body={"ok": False, "error": "invalid_blocks"})
    report = make_poster(db, slack_settings, stories).send_due()
    assert report.sent == 1
    assert d.outbox_items(db)[0].state == "sent"


def test_without_history_access_a_crashed_row_waits_instead_of_risking_a_double(db, slack_api,
                                                                                slack_settings) -> None:
    stories = add_stories(db, 1)
    queue(db, "C1", stories)
    d.claim_due(db, now=datetime.now(UTC))  # left in "sending" by a crash
    slack_api.script("conversations.history", body={"ok": False, "error": "missing_scope"})
    report = make_poster(db, slack_settings, stories).send_due()
    assert report.deferred == 1
    assert slack_api.calls_to("chat.postMessage") == []
    assert d.outbox_items(db)[0].state == "pending"


def test_history_unreadable_in_a_public_channel_defers_instead_of_pausing_it(db, slack_api, slack_settings) -> None:
    # chat:write.public posts to a public channel the bot is not in; its history answers not_in_channel.
    stories = add_stories(db, 1)
    queue(db, "C1", stories)
    slack_api.script("chat.postMessage", status=500, body={"ok": False, "error": "internal_error"})
    slack_api.script("conversations.history", body={"ok": False, "error": "not_in_channel"})
    report = make_poster(db, slack_settings, stories).send_due()
    assert report.paused_channels == [] and report.deferred == 1
    assert not d.get_channel(db, TEAM, "C1").paused
    assert d.outbox_items(db)[0].state == "pending"  # tried again later, when the history may be readable


def test_one_broken_story_does_not_stop_the_others(db, slack_api, slack_settings) -> None:
    stories = add_stories(db, 2)
    stories[0].quotes = ["not a quote record"]
    queue(db, "C1", stories)
    report = make_poster(db, slack_settings, stories).send_due()
    assert (report.sent, report.deferred) == (1, 1)
    states = {i.story_id: i.state for i in d.outbox_items(db)}
    assert states == {stories[0].id: "pending", stories[1].id: "sent"}


def test_deadline_reminders_go_to_each_running_channel_with_deadlines_coming_due(db, slack_api,
                                                                                 slack_settings) -> None:
    from bot.analysis.records import Deadline

    stories = add_stories(db, 2)
    soon = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    stories[0].deadlines = [Deadline("by Friday", 0, 1, soon, "date", "answer the proposal", "Iran")]
    d.add_subscription(db, TEAM, "C_GENEVA", "round 1", created_by="U1", now=datetime.now(UTC))
    d.add_subscription(db, TEAM, "C_OTHER", "round 2", created_by="U1", now=datetime.now(UTC))
    d.add_subscription(db, TEAM, "C_PAUSED", "round 1", created_by="U1", now=datetime.now(UTC))
    d.pause_channel(db, TEAM, "C_PAUSED", "not_in_channel")
    assert make_poster(db, slack_settings, stories).remind_deadlines(days=7) == 1
    [reminder] = slack_api.calls_to("chat.postMessage")
    assert reminder.params["channel"] == "C_GENEVA"
    assert "answer the proposal" in str(reminder.params["blocks"])
    assert d.outbox_items(db) == []  # reminders leave the story outbox alone


def test_storm_of_errors_and_a_crash_still_delivers_every_story_to_every_channel_once(
        db, slack_api, slack_settings, monkeypatch) -> None:
    stories = add_stories(db, 4, quotes=2)
    channels = ["C1", "C2", "C3"]
    for channel in channels:
        queue(db, channel, stories)
    # What Slack answers, in order: rate limits, outages, a late answer after storing the message, a crash.
    slack_api.script("chat.postMessage", status=429, body={"ok": False, "error": "ratelimited"},
                     headers={"Retry-After": "0"})
    slack_api.script("chat.postMessage", status=503, body={"ok": False, "error": "service_unavailable"}, times=2)
    slack_api.script("chat.postMessage", delay=0.6)
    slack_api.script("chat.postMessage")
    slack_api.script("chat.postMessage", status=429, body={"ok": False, "error": "ratelimited"},
                     headers={"Retry-After": "600"})
    slack_api.script("chat.postMessage", status=500, body={"ok": False, "error": "internal_error"}, times=5)
    clock = [datetime.now(UTC)]
    options = {"now": lambda: clock[0], "timeout": 0.3, "max_attempts": 3}

    calls_before_crash = 9

    def or_die(record):
        def record_or_die(*args, **kwargs) -> None:
            if len(slack_api.calls_to("chat.postMessage")) >= calls_before_crash:
                raise Crash
            record(*args, **kwargs)

        return record_or_die

    # The process dies after Slack took a message, before recording it (one story's or a batch's).
    for name in ("record_message", "mark_all_sent"):
        monkeypatch.setattr(poster_module.delivery, name, or_die(getattr(poster_module.delivery, name)))
    with pytest.raises(Crash):
        for _ in range(10):
            make_poster(db, slack_settings, stories, **options).send_due()
            clock[0] += timedelta(minutes=15)
    monkeypatch.undo()

    for _ in range(10):  # restarts, each a new process
        make_poster(db, slack_settings, stories, **options).send_due()
        clock[0] += timedelta(minutes=15)

    for channel in channels:
        top = [m for m in slack_api.messages[channel] if not m.get("thread_ts")]
        replies = [m for m in slack_api.messages[channel] if m.get("thread_ts")]
        assert sorted(sid for m in top for sid in story_ids_listed(m)) == [s.id for s in stories]
        # Quotes threads hang under single-story messages only, each at most once.
        alone = {m["ts"]: story_ids_listed(m)[0] for m in top if m["metadata"]["event_type"] == STORY_EVENT}
        threads = [(m["thread_ts"], m["metadata"]["event_payload"]["story_id"]) for m in replies]
        assert sorted(threads) == sorted(alone.items())
    items = d.outbox_items(db)
    assert {i.state for i in items} == {"sent"}
    for item in items:  # every row points at the message that shows its story
        [message] = [m for m in slack_api.messages[item.channel_id] if m["ts"] == item.message_ts]
        assert item.story_id in story_ids_listed(message)


# --- digests and batches ---------------------------------------------------------------------------------

EVENING = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)  # 19:00 in Berlin
MORNING = datetime(2026, 11, 28, 7, 0, 30, tzinfo=UTC)  # just after 08:00 in Berlin


def queue_daily(db: Database, channel: str, stories: list[Story], layout: str = "compact") -> None:
    """A channel on "daily@08:00" Berlin time whose stories arrived in the evening."""
    d.add_subscription(db, TEAM, channel, "geneva", created_by="U1", now=EVENING)
    change_schedule(db, TEAM, channel, parse_schedule("daily@08:00"), "Europe/Berlin", now=EVENING)
    d.set_display(db, TEAM, channel, now=EVENING, layout=layout)
    assert enqueue_stories(db, stories, now=EVENING) == len(stories)


def top_messages(slack_api, channel: str) -> list[dict]:
    return [m for m in slack_api.messages[channel] if not m.get("thread_ts")]


@pytest.mark.parametrize("layout", ["compact", "full"])
def test_daily_channel_gets_one_digest_at_its_time_not_a_message_per_story(db, slack_api, slack_settings,
                                                                          layout: str) -> None:
    from bot.slack.digest import build_digest

    stories = add_stories(db, 12)
    for n, story in enumerate(stories):
        story.published = EVENING - timedelta(hours=12 - n)  # the last one is the newest
    queue_daily(db, "C_DAILY", stories, layout)
    assert make_poster(db, slack_settings, stories, now=lambda: EVENING).send_due().sent == 0
    assert slack_api.calls_to("chat.postMessage") == []

    report = make_poster(db, slack_settings, stories, now=lambda: MORNING).send_due()
    newest_first = [s.id for s in reversed(stories)]
    fewest = len(build_digest(list(reversed(stories)))) if layout == "full" else 1
    messages = top_messages(slack_api, "C_DAILY")
    assert len(messages) == fewest <= 2 and (report.sent, report.messages) == (12, fewest)
    # Newest first across the parts, each story in exactly one part, listed in that part's metadata.
    assert [sid for m in messages for sid in story_ids_listed(m)] == newest_first
    assert all(m["metadata"]["event_type"] == DIGEST_EVENT for m in messages)
    assert "Daily digest, 28 Nov 2026" in str(slack_api.calls_to("chat.postMessage")[0].params["blocks"])
    for item in d.outbox_items(db):
        [message] = [m for m in messages if m["ts"] == item.message_ts]
        assert item.state == "sent" and item.story_id in story_ids_listed(message)
    assert not [m for m in slack_api.messages["C_DAILY"] if m.get("thread_ts")]  # no thread under a digest
    make_poster(db, slack_settings, stories, now=lambda: MORNING + timedelta(hours=1)).send_due()
    assert len(slack_api.calls_to("chat.postMessage")) == fewest


def test_crash_after_slack_stored_a_digest_message_posts_nothing_again(db, slack_api, slack_settings,
                                                                       monkeypatch) -> None:
    stories = add_stories(db, 6)
    queue_daily(db, "C_DAILY", stories)

    def die(*_args, **_kwargs) -> None:
        raise Crash

    # Slack stored the digest; the process died before the rows were marked sent.
    monkeypatch.setattr(poster_module.delivery, "mark_all_sent", die)
    with pytest.raises(Crash):
        make_poster(db, slack_settings, stories, now=lambda: MORNING).send_due()
    monkeypatch.undo()
    assert {i.state for i in d.outbox_items(db)} == {"sending"}
    [digest] = slack_api.messages["C_DAILY"]

    report = make_poster(db, slack_settings, stories, now=lambda: MORNING).send_due()
    assert (report.sent, report.recovered) == (0, 6)
    assert len(slack_api.calls_to("chat.postMessage")) == 1
    assert slack_api.calls_to("conversations.history")
    assert {(i.state, i.message_ts) for i in d.outbox_items(db)} == {("sent", digest["ts"])}
    make_poster(db, slack_settings, stories, now=lambda: MORNING).send_due()
    assert len(slack_api.calls_to("chat.postMessage")) == 1


def test_crash_between_two_parts_of_a_digest_sends_only_the_missing_part(db, slack_api, slack_settings,
                                                                         monkeypatch) -> None:
    stories = add_stories(db, 14)  # too many blocks for one message in the full layout: two parts
    queue_daily(db, "C_DAILY", stories, "full")

    def die(*_args, **_kwargs) -> None:
        raise Crash

    monkeypatch.setattr(poster_module.delivery, "mark_all_sent", die)
    with pytest.raises(Crash):
        make_poster(db, slack_settings, stories, now=lambda: MORNING).send_due()
    monkeypatch.undo()
    [first] = slack_api.messages["C_DAILY"]
    in_first = set(story_ids_listed(first))
    assert 0 < len(in_first) < 14

    make_poster(db, slack_settings, stories, now=lambda: MORNING).send_due()
    messages = top_messages(slack_api, "C_DAILY")
    assert len(messages) == 2
    assert sorted(sid for m in messages for sid in story_ids_listed(m)) == sorted(s.id for s in stories)
    items = d.outbox_items(db)
    assert {i.state for i in items} == {"sent"}
    assert {i.story_id for i in items if i.message_ts == first["ts"]} == in_first


def test_asap_channel_gets_stories_due_together_in_small_batches(db, slack_api, slack_settings) -> None:
    stories = add_stories(db, 7)
    queue(db, "C1", stories)
    report = make_poster(db, slack_settings, stories).send_due()
    messages = top_messages(slack_api, "C1")
    assert (report.sent, report.messages, len(messages)) == (7, 2, 2)
    sizes = [len(story_ids_listed(m)) for m in messages]
    assert sizes == [4, 3] and max(sizes) <= poster_module.BATCH_STORIES
    assert sorted(sid for m in messages for sid in story_ids_listed(m)) == [s.id for s in stories]
    # A story arriving alone later keeps its own message and its quotes thread.
    [late] = add_stories(db, 1, quotes=2)
    d.enqueue(db, TEAM, "C1", [late.id], now=datetime.now(UTC))
    make_poster(db, slack_settings, [*stories, late]).send_due()
    alone, reply = slack_api.messages["C1"][2:]
    assert alone["metadata"] == {"event_type": STORY_EVENT, "event_payload": {"story_id": late.id}}
    assert reply["thread_ts"] == alone["ts"] and reply["metadata"]["event_type"] == QUOTES_EVENT


@pytest.mark.parametrize("layout", ["compact", "full"])
def test_a_digest_of_60_stories_respects_block_kit_limits(db, slack_api, slack_settings, layout: str) -> None:
    from bot.analysis.records import Actor, Deadline
    from bot.slack.blocks import limit_problems

    stories = add_stories(db, 60, quotes=2)
    for n, story in enumerate(stories):
        story.summary = [f"Sentence {k} of a long summary about the Geneva round {n}. " * 12 for k in range(3)]
        story.actors = [Actor(f"Minister Number{k}", "person", 3, [], "foreign minister") for k in range(6)]
        story.deadlines = [Deadline("by March 1", 0, 1, "2027-03-01", "date", "sign the accord " * 20, "Lissa")]
    queue_daily(db, "C_DAILY", stories, layout)
    report = make_poster(db, slack_settings, stories, now=lambda: MORNING).send_due()
    calls = slack_api.calls_to("chat.postMessage")
    assert report.sent == 60 and (1 < len(calls) < 60 if layout == "full" else len(calls) == 1)
    for call in calls:
        blocks = call.params["blocks"]
        assert len(blocks) <= 50
        from bot.slack.blocks import SlackMessage

        assert limit_problems(SlackMessage(call.params["text"], blocks)) == []
        assert len(str(blocks)) < 16000
    listed = [sid for m in top_messages(slack_api, "C_DAILY") for sid in story_ids_listed(m)]
    assert sorted(listed) == sorted(s.id for s in stories)
    assert {i.state for i in d.outbox_items(db)} == {"sent"}


def test_timeout_after_slack_stored_a_batch_is_found_instead_of_posting_again(db, slack_api,
                                                                             slack_settings) -> None:
    stories = add_stories(db, 3)
    queue(db, "C1", stories)
    slack_api.script("chat.postMessage", delay=2.0)  # stored, but the answer comes too late
    report = make_poster(db, slack_settings, stories, timeout=0.5).send_due()
    assert (report.sent, report.recovered) == (0, 3)
    assert len(slack_api.calls_to("chat.postMessage")) == 1
    [batch] = slack_api.messages["C1"]
    assert {(i.state, i.message_ts) for i in d.outbox_items(db)} == {("sent", batch["ts"])}


def test_rate_limited_digest_waits_whole_and_goes_out_once(db, slack_api, slack_settings) -> None:
    stories = add_stories(db, 4)
    queue_daily(db, "C_DAILY", stories)
    slack_api.script("chat.postMessage", status=429, body={"ok": False, "error": "ratelimited"},
                     headers={"Retry-After": "120"})
    report = make_poster(db, slack_settings, stories, now=lambda: MORNING).send_due()
    assert report.deferred == 4
    assert {i.state for i in d.outbox_items(db)} == {"pending"}
    later = MORNING + timedelta(minutes=3)
    report = make_poster(db, slack_settings, stories, now=lambda: later).send_due()
    assert (report.sent, report.messages) == (4, 1)
    assert len(slack_api.messages["C_DAILY"]) == 1


def test_a_daily_digest_is_not_cut_by_the_rows_one_pass_takes(db, slack_api, slack_settings) -> None:
    stories = add_stories(db, 8)
    queue_daily(db, "C_DAILY", stories)
    report = make_poster(db, slack_settings, stories, now=lambda: MORNING, batch=5).send_due()
    assert (report.sent, report.messages) == (8, 1)
    [digest] = slack_api.messages["C_DAILY"]
    assert len(story_ids_listed(digest)) == 8


def test_each_daily_channel_gets_its_digest_in_its_own_layout(db, slack_api, slack_settings) -> None:
    stories = add_stories(db, 14)
    queue_daily(db, "C_COMPACT", stories)
    queue_daily(db, "C_FULL", stories, "full")
    report = make_poster(db, slack_settings, stories, now=lambda: MORNING).send_due()
    assert report.sent == 28
    [compact] = posts_to(slack_api, "C_COMPACT")
    details = [b for b in compact.params["blocks"] if b.get("accessory", {}).get("text", {}).get("text") == "Details"]
    assert len(details) == 10 and "Show more (4)" in str(compact.params["blocks"])
    full = posts_to(slack_api, "C_FULL")
    assert len(full) == 2 and "Details" not in str([c.params["blocks"] for c in full])


def test_a_monday_digest_comes_with_the_weekly_coverage_chart_when_the_channel_asked(db, slack_api,
                                                                                     slack_settings) -> None:
    from bot.analysis.records import Actor

    monday = datetime(2026, 11, 30, 7, 0, 30, tzinfo=UTC)  # just after 08:00 in Berlin
    stories = add_stories(db, 4)
    for n, story in enumerate(stories):
        story.published = monday - timedelta(days=n * 3 + 1)  # this week and the week before
        story.actors = [Actor("Switzerland", "country", 2), Actor("Heather Nauert", "person", 1)]
    queue_daily(db, "C_WEEKLY", stories)
    queue_daily(db, "C_PLAIN", stories)
    d.set_display(db, TEAM, "C_WEEKLY", now=EVENING, weekly_chart=True)
    make_poster(db, slack_settings, stories, now=lambda: monday).send_due()
    assert len(posts_to(slack_api, "C_WEEKLY")) == 1 and len(posts_to(slack_api, "C_PLAIN")) == 1
    [asked] = slack_api.calls_to("files.getUploadURLExternal")
    [done] = slack_api.calls_to("files.completeUploadExternal")
    assert done.params["channel_id"] == "C_WEEKLY" and asked.params["filename"] == "weekly-coverage-2026-11-30.png"
    assert "Switzerland 3 (last week 1)" in asked.params["alt_txt"]
    [png] = [data for data in slack_api.uploads.values() if data]
    assert png.startswith(b"\x89PNG") and len(png) == int(asked.params["length"])


def test_no_weekly_chart_on_other_days(db, slack_api, slack_settings) -> None:
    stories = add_stories(db, 2)
    queue_daily(db, "C_WEEKLY", stories)
    d.set_display(db, TEAM, "C_WEEKLY", now=EVENING, weekly_chart=True)
    make_poster(db, slack_settings, stories, now=lambda: MORNING).send_due()  # a Saturday
    assert len(posts_to(slack_api, "C_WEEKLY")) == 1
    assert slack_api.calls_to("files.getUploadURLExternal") == []
