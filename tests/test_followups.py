"""Follow-ups through the Slack stand-in: a posted story that grows gets one reply in its thread, and a Monday
digest its weekly chart, each once, through crashes between Slack's answer and the record."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.app.subscriptions import change_schedule, enqueue_stories
from bot.app.updates import queue_story_updates
from bot.domain.schedule import parse_schedule
from bot.slack.outbox import followups as followups_module
from bot.slack.outbox.followups import UPDATE_EVENT, update_of
from bot.slack.outbox.poster import Poster
from bot.storage import Database
from bot.storage import delivery as d
from bot.storage.followups import STORY_UPDATE, WEEKLY_CHART, followups
from bot.storage.models import ArticleRow, DeadlineRow, QuoteRow, StoryRow
from bot.storage.stories import load_stories
from tests.stored_news import add_article, add_feed

TEAM = "T0001"
POSTED = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
LATER = POSTED + timedelta(hours=5)


class Crash(BaseException):
    """Stands for the process dying: nothing after it runs, nothing catches it."""


def die(*_args, **_kwargs) -> None:
    raise Crash


def poster(db: Database, slack_settings, now: datetime = LATER) -> Poster:
    return Poster(db, slack_settings, now=lambda: now, min_interval=0.01, backoff_base=0.01)


def posted_story(db: Database, slack_api, slack_settings) -> tuple[int, str]:
    """A story of one article (one quote) posted to the "asap" channel C1 as its own message: (story id, ts)."""
    wire = add_feed(db)
    add_article(db, wire, "Envoys agree to resume Geneva talks on the strait", POSTED,
                quotes=[("We will be back at the table within weeks", "Anna Kovar", True)],
                actors=[("Anna Kovar", "person", ["Kovar"])])
    [story] = load_stories(db)
    d.add_subscription(db, TEAM, "C1", "geneva", created_by="U1", now=POSTED)
    assert enqueue_stories(db, [story], now=POSTED) == 1
    assert poster(db, slack_settings, POSTED).send_due().sent == 1
    [item] = d.outbox_items(db, states=["sent"])
    return story.id, str(item.message_ts)


def grow(db: Database, story_id: int) -> None:
    """A second outlet's article joins the story with a new quote and a new deadline."""
    dispatch = add_feed(db, "http://127.0.0.1/dispatch.atom", "Capital Dispatch")
    with db.session() as session:
        article = ArticleRow(feed_id=dispatch, guid="dispatch-1", url="https://dispatch.example/geneva",
                             title="Geneva talks set for January", published_at=LATER, fetched_at=LATER,
                             text="Geneva talks set for January.", content_hash="c" * 64, analyzed_at=LATER,
                             summary=["The talks will resume in January."], story_id=story_id)
        session.add(article)
        session.flush()
        session.add(QuoteRow(article_id=article.id, text="The draft must be signed by the end of January", start=0,
                             end=10, direct=True, speaker="Tomas Reyes", speaker_text="Reyes", cue="said"))
        session.add(DeadlineRow(article_id=article.id, text="by the end of January", start=0, end=10, due="2027-01",
                                due_date=None, kind="date", action="sign the draft treaty", actor="Lissa"))
        session.get_one(StoryRow, story_id).updated_at = LATER


def thread_replies(slack_api, channel: str, ts: str) -> list[dict]:
    return [m for m in slack_api.messages[channel] if m.get("thread_ts") == ts]


def top_level(slack_api, channel: str) -> list[dict]:
    return [m for m in slack_api.messages[channel] if not m.get("thread_ts") and not m.get("upload")]


def test_a_posted_story_that_grows_gets_one_reply_in_its_thread_never_a_second_post(db, slack_api,
                                                                                     slack_settings) -> None:
    story_id, ts = posted_story(db, slack_api, slack_settings)
    assert queue_story_updates(db, LATER) == 0  # nothing new yet
    grow(db, story_id)
    assert queue_story_updates(db, LATER) == 1
    assert queue_story_updates(db, LATER) == 0  # decided twice before it is sent: still one

    report = poster(db, slack_settings).send_due()
    assert report.followups == 1 and report.sent == 0
    [reply] = thread_replies(slack_api, "C1", ts)
    assert reply["metadata"]["event_type"] == UPDATE_EVENT
    assert reply["metadata"]["event_payload"]["story_id"] == story_id
    [call] = [c for c in slack_api.calls_to("chat.postMessage") if c.params.get("thread_ts")]
    shown = str(call.params["blocks"])
    assert "updated" in shown and "Capital Dispatch" in shown and "1 new source" in shown
    assert "The draft must be signed by the end of January" in shown and "Tomas Reyes" in shown
    assert "sign the draft treaty" in shown and "We will be back at the table" not in shown
    assert len(top_level(slack_api, "C1")) == 1

    # Told once: deciding again, and another pass, add nothing; the story is never posted again.
    assert queue_story_updates(db, LATER + timedelta(minutes=5)) == 0
    poster(db, slack_settings).send_due()
    assert len(thread_replies(slack_api, "C1", ts)) == 1 and len(top_level(slack_api, "C1")) == 1


def test_a_crash_between_the_updates_post_and_its_record_does_not_reply_twice(db, slack_api, slack_settings,
                                                                              monkeypatch) -> None:
    story_id, ts = posted_story(db, slack_api, slack_settings)
    grow(db, story_id)
    assert queue_story_updates(db, LATER) == 1

    # The process dies after Slack took the reply and before it was recorded.
    monkeypatch.setattr(followups_module.followups, "mark_followup_sent", die)
    with pytest.raises(Crash):
        poster(db, slack_settings).send_due()
    monkeypatch.undo()
    assert len(thread_replies(slack_api, "C1", ts)) == 1
    [left] = followups(db, kind=STORY_UPDATE)
    assert left.state == "sending"
    assert queue_story_updates(db, LATER) == 0  # still owed, not owed twice

    # A poster starting meanwhile leaves the row alone: its lease runs (another poster may be sending it).
    assert poster(db, slack_settings, LATER + timedelta(minutes=1)).send_due().followups_recovered == 0
    assert len(thread_replies(slack_api, "C1", ts)) == 1
    # Once the lease has passed, a poster reads the thread, finds the reply by metadata and records it.
    report = poster(db, slack_settings, LATER + timedelta(minutes=10)).send_due()
    assert (report.followups, report.followups_recovered) == (0, 1)
    [reply] = thread_replies(slack_api, "C1", ts)
    [done] = followups(db, kind=STORY_UPDATE)
    assert done.state == "sent" and done.message_ts == reply["ts"] and update_of(reply) == done.id
    assert slack_api.calls_to("conversations.replies")
    # What the reply told is now what the channel has seen: nothing more is owed, nothing posted again.
    assert queue_story_updates(db, LATER + timedelta(minutes=15)) == 0
    poster(db, slack_settings, LATER + timedelta(minutes=15)).send_due()
    assert len(thread_replies(slack_api, "C1", ts)) == 1 and len(top_level(slack_api, "C1")) == 1


# --- the weekly coverage chart of a Monday digest ------------------------------------------------------------

MONDAY = datetime(2026, 11, 30, 7, 0, 30, tzinfo=UTC)  # just after 08:00 in Berlin
SUNDAY_EVENING = datetime(2026, 11, 29, 18, 0, tzinfo=UTC)


def monday_digest_channel(db: Database) -> None:
    wire = add_feed(db)
    for n in range(3):
        add_article(db, wire, f"Geneva talks, round {n + 1}", MONDAY - timedelta(days=n * 3 + 1),
                    actors=[("Switzerland", "country", [])])
    d.add_subscription(db, TEAM, "C_WEEKLY", "geneva", created_by="U1", now=SUNDAY_EVENING)
    change_schedule(db, TEAM, "C_WEEKLY", parse_schedule("daily@08:00"), "Europe/Berlin", now=SUNDAY_EVENING)
    d.set_display(db, TEAM, "C_WEEKLY", now=SUNDAY_EVENING, weekly_chart=True)
    assert enqueue_stories(db, load_stories(db), now=SUNDAY_EVENING) == 3


def test_a_crash_between_the_monday_digest_and_its_chart_leaves_the_chart_owed(db, slack_api, slack_settings,
                                                                               monkeypatch) -> None:
    monday_digest_channel(db)
    # The process dies right after the digest is posted and recorded, before the chart is uploaded.
    monkeypatch.setattr(followups_module.FollowupSender, "send_due", die)
    with pytest.raises(Crash):
        poster(db, slack_settings, MONDAY).send_due()
    monkeypatch.undo()
    assert len(top_level(slack_api, "C_WEEKLY")) == 1
    assert slack_api.calls_to("files.completeUploadExternal") == []

    report = poster(db, slack_settings, MONDAY + timedelta(minutes=1)).send_due()
    assert report.followups == 1 and report.sent == 0
    [done] = slack_api.calls_to("files.completeUploadExternal")
    assert done.params["channel_id"] == "C_WEEKLY"
    [asked] = slack_api.calls_to("files.getUploadURLExternal")
    assert asked.params["filename"] == "weekly-coverage-2026-11-30.png"
    assert len(top_level(slack_api, "C_WEEKLY")) == 1
    poster(db, slack_settings, MONDAY + timedelta(minutes=2)).send_due()
    assert len(slack_api.calls_to("files.completeUploadExternal")) == 1


def test_a_crash_between_the_chart_upload_and_its_record_does_not_upload_it_twice(db, slack_api, slack_settings,
                                                                                   monkeypatch) -> None:
    monday_digest_channel(db)
    monkeypatch.setattr(followups_module.followups, "mark_followup_sent", die)
    with pytest.raises(Crash):
        poster(db, slack_settings, MONDAY).send_due()
    monkeypatch.undo()
    assert len(slack_api.calls_to("files.completeUploadExternal")) == 1

    report = poster(db, slack_settings, MONDAY + timedelta(minutes=10)).send_due()  # the lease has passed
    assert report.followups_recovered == 1
    assert len(slack_api.calls_to("files.completeUploadExternal")) == 1
    [chart] = followups(db, kind=WEEKLY_CHART)
    assert chart.state == "sent"


def test_a_story_grown_after_a_daily_digest_is_told_in_the_digests_thread(db, slack_api, slack_settings) -> None:
    monday_digest_channel(db)
    d.set_display(db, TEAM, "C_WEEKLY", now=SUNDAY_EVENING, weekly_chart=False)
    poster(db, slack_settings, MONDAY).send_due()
    [digest] = top_level(slack_api, "C_WEEKLY")
    assert {i.message_ts for i in d.outbox_items(db, channel_id="C_WEEKLY")} == {digest["ts"]}
    story_id = load_stories(db)[0].id
    grow(db, story_id)
    grow_again(db, story_id)  # grows twice before the reply goes: one reply tells both
    with db.session() as session:
        session.get_one(StoryRow, story_id).updated_at = MONDAY + timedelta(hours=1)
    assert queue_story_updates(db, MONDAY + timedelta(hours=1)) == 1
    poster(db, slack_settings, MONDAY + timedelta(hours=1)).send_due()
    [reply] = thread_replies(slack_api, "C_WEEKLY", digest["ts"])
    [call] = [c for c in slack_api.calls_to("chat.postMessage") if c.params.get("thread_ts")]
    assert "2 new sources" in str(call.params["blocks"]) and "Second Wire" in str(call.params["blocks"])
    assert update_of(reply) is not None and len(top_level(slack_api, "C_WEEKLY")) == 1


def grow_again(db: Database, story_id: int) -> None:
    second = add_feed(db, "http://127.0.0.1/second.xml", "Second Wire")
    with db.session() as session:
        session.add(ArticleRow(feed_id=second, guid="second-1", url="https://second.example/geneva",
                               title="Geneva round confirmed", published_at=LATER, fetched_at=LATER,
                               text="Geneva round confirmed.", content_hash="d" * 64, analyzed_at=LATER,
                               summary=["The round is confirmed."], story_id=story_id))
