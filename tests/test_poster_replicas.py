"""Two posters side by side on one database (replicas, or a second `diplobot run` started while the first one
sends) against the Slack stand-in: each story posted once per channel, and Slack's pace per channel kept across
them."""

import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from bot.storage import Database
from bot.storage import delivery as d
from bot.storage.holders import claim_holder_name
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


def test_a_restarted_poster_takes_back_its_own_leases_at_once(db: Database, slack_api, slack_settings) -> None:
    """`diplobot run` killed while sending, then started again alone: it posts at once (after looking in Slack),
    not five minutes later when its old leases run out; a second replica alive beside it gets a name of its own
    and leaves those rows alone."""
    stories = add_stories(db, 2)
    queue(db, "C1", stories)
    first_life = claim_holder_name(db, "run", host="box1")
    crashed = make_poster(db, slack_settings, stories, lease_seconds=300, holder=first_life.name)
    d.claim_all(db, [i.id for i in d.outbox_items(db)], holder=crashed.holder,
                lease_until=datetime.now(UTC) + timedelta(seconds=300))
    assert crashed._lease_channel((TEAM, "C1"))
    replica = claim_holder_name(db, "run", host="box1")  # alive beside it: never the same name
    assert replica.name != first_life.name
    assert make_poster(db, slack_settings, stories, lease_seconds=300, holder=replica.name).send_due().sent == 0
    first_life.release()  # the process died: its lock on the name goes with it
    second_life = claim_holder_name(db, "run", host="box1")
    assert second_life.name == first_life.name
    report = make_poster(db, slack_settings, stories, lease_seconds=300, holder=second_life.name).send_due()
    assert report.sent == 2  # at once: not when the 300 s leases of its first life run out
    assert _posted(slack_api) == {("C1", story.id): 1 for story in stories}
    second_life.release()
    replica.release()


def test_a_reminder_waits_while_another_poster_sends_to_its_channel(db: Database, slack_api,
                                                                     slack_settings) -> None:
    from bot.analysis.records import Deadline

    stories = add_stories(db, 1)
    soon = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    stories[0].deadlines = [Deadline("by Friday", 0, 1, soon, "date", "answer the proposal", "Iran")]
    d.add_subscription(db, TEAM, "C_GENEVA", "round 1", created_by="U1", now=datetime.now(UTC))
    now = datetime.now(UTC)
    assert d.lease_channel(db, TEAM, "C_GENEVA", holder="replica-2", now=now, until=now + timedelta(seconds=60))
    poster = make_poster(db, slack_settings, stories, lease_seconds=60, channel_wait=20)
    sent: list[int] = []
    reminding = threading.Thread(target=lambda: sent.append(poster.remind_deadlines(days=7)))
    reminding.start()
    time.sleep(0.8)
    assert slack_api.calls_to("chat.postMessage") == []  # the other replica is sending there
    pace = 0.5  # its last message asks the channel to wait this long before the next one
    released = time.time()
    d.release_channel(db, TEAM, "C_GENEVA", holder="replica-2", next_post_at=datetime.now(UTC) + timedelta(seconds=pace))
    reminding.join(timeout=30)
    assert sent == [1]
    [reminder] = slack_api.calls_to("chat.postMessage")
    assert "answer the proposal" in str(reminder.params["blocks"])
    assert reminder.at >= released + pace - 0.05
    assert d.lease_channel(db, TEAM, "C_GENEVA", holder="replica-2", now=datetime.now(UTC),
                           until=datetime.now(UTC) + timedelta(seconds=60))  # the reminder gave the channel back
