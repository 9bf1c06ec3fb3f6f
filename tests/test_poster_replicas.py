"""Two posters side by side on one database (replicas, or a second `diplobot run` started while the first one
sends) against the Slack stand-in: each story posted once per channel, and Slack's pace per channel kept across
them."""

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

from bot.storage import Database
from bot.storage import delivery as d
from tests.test_poster import TEAM, add_stories, make_poster, queue


def _posted(slack_api) -> Counter[tuple[str, int]]:
    """(channel, story id) → how many top-level messages show that story."""
    counts: Counter[tuple[str, int]] = Counter()
    for channel, messages in slack_api.messages.items():
        for message in messages:
            if message.get("thread_ts"):
                continue
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            for story_id in payload.get("story_ids") or [payload.get("story_id")]:
                counts[(channel, story_id)] += 1
    return counts


def test_a_second_poster_started_meanwhile_leaves_the_first_ones_rows_alone(db: Database, slack_api,
                                                                             slack_settings) -> None:
    stories = add_stories(db, 5)
    channels = [f"C{n}" for n in range(1, 6)]
    for channel, story in zip(channels, stories, strict=True):
        queue(db, channel, [story])
    slack_api.script("chat.postMessage", delay=0.6, times=5)  # Slack is slow today: the first poster takes a while
    first = make_poster(db, slack_settings, stories, lease_seconds=60)
    sending = threading.Thread(target=first.send_due)
    sending.start()
    slack_api.wait_for("chat.postMessage", 1)
    # The second poster starts while the first one's message is on its way.
    second = make_poster(db, slack_settings, stories, lease_seconds=60)
    report = second.send_due()
    sending.join(timeout=30)
    assert report.recovered == report.sent == 0
    assert [i for i in d.interrupted(db) if i.claimed_by == second.holder] == []
    make_poster(db, slack_settings, stories, lease_seconds=60).send_due()  # anything left over
    assert _posted(slack_api) == {(channel, story.id): 1 for channel, story in zip(channels, stories, strict=True)}
    assert all(i.state == "sent" for i in d.outbox_items(db))


def test_two_posters_at_once_post_each_story_once_at_slacks_pace(db: Database, slack_api, slack_settings) -> None:
    stories = add_stories(db, 12)
    channels = ["C1", "C2", "C3"]
    pace = 0.4
    posters = [make_poster(db, slack_settings, stories, lease_seconds=60, min_interval=pace) for _ in range(2)]
    for channel in channels:
        d.add_subscription(db, TEAM, channel, "geneva", created_by="U1", now=datetime.now(UTC))
    for round_stories in (stories[0:3], stories[3:6], stories[6:9], stories[9:12]):
        for channel in channels:  # each round brings every channel a story, which either poster may send
            d.enqueue(db, TEAM, channel, [s.id for s in round_stories], now=datetime.now(UTC))
        both = [threading.Thread(target=p.send_due) for p in posters]
        for thread in both:
            thread.start()
        for thread in both:
            thread.join(timeout=60)
    for poster in posters:  # whatever one of them left to the other
        poster.send_due()
    assert _posted(slack_api) == {(channel, story.id): 1 for channel in channels for story in stories}
    for channel in channels:
        times = sorted(call.at for call in slack_api.calls_to("chat.postMessage")
                       if call.params.get("channel") == channel and not call.params.get("thread_ts"))
        assert len(times) >= 4
        assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= pace - 0.05, channel


def test_rows_another_poster_is_sending_come_back_only_when_its_lease_runs_out(db: Database, slack_api,
                                                                                slack_settings) -> None:
    stories = add_stories(db, 2)
    queue(db, "C1", stories)
    now = datetime.now(UTC)
    first = make_poster(db, slack_settings, stories, lease_seconds=60, now=lambda: now)
    [item] = d.claim_all(db, [d.outbox_items(db)[0].id], holder=first.holder, lease_until=now + timedelta(seconds=60))
    assert make_poster(db, slack_settings, stories, lease_seconds=60, now=lambda: now).recover() == 0
    assert [i.id for i in d.interrupted(db)] == [item.id]
    # The first poster died: a minute later its row goes back to the queue, to be looked for in Slack first.
    later = make_poster(db, slack_settings, stories, lease_seconds=60, now=lambda: now + timedelta(seconds=61))
    assert later.recover() == 1
    later.send_due()
    assert _posted(slack_api) == {("C1", story.id): 1 for story in stories}
