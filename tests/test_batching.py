"""How a channel's due stories become messages, without Slack or a database: stories in, message plans out."""

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.analysis.records import Actor, Deadline, Quote
from bot.domain.stories import Story, StorySource
from bot.slack.blocks import limit_problems
from bot.slack.digest import build_digest
from bot.slack.outbox.batching import (
    BATCH_STORIES,
    DIGEST_EVENT,
    QUOTES_EVENT,
    STORY_EVENT,
    batch_sizes,
    plan_messages,
    quotes_reply_of,
    story_ids_listed,
)

NOON = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
DAY = date(2026, 11, 28)


def stories(count: int, quotes: int = 1) -> list[Story]:
    """`count` invented stories, one hour apart; the one with the highest id is the newest."""
    return [Story(
        id=100 + n, title=f"Envoys meet in Geneva, round {n + 1}", url=f"https://meridianwire.example/{n}",
        published=NOON + timedelta(hours=n), summary=["Negotiators met again in Geneva."],
        quotes=[Quote(f"We made progress, point {q}", 0, 10, True, "Heather Nauert") for q in range(quotes)],
        sources=[StorySource("Meridian Wire", f"https://meridianwire.example/{n}")]) for n in range(count)]


def shown(plans) -> list[int]:
    return [sid for plan in plans for sid in plan.story_ids]


def newest_first(due: list[Story]) -> list[int]:
    return [s.id for s in sorted(due, key=lambda s: s.published, reverse=True)]


def test_twelve_stories_due_together_in_an_asap_channel_go_as_three_batches_of_four() -> None:
    due = stories(12)
    plans = plan_messages(due, digest_day=None)
    assert [len(plan.story_ids) for plan in plans] == [4, 4, 4]
    assert all(len(plan.story_ids) <= BATCH_STORIES for plan in plans)
    assert shown(plans) == newest_first(due)  # newest first, each story once
    for plan in plans:
        assert plan.digest and plan.reply is None  # batches carry no quotes threads
        assert plan.metadata == {"event_type": DIGEST_EVENT, "event_payload": {"story_ids": plan.story_ids}}
        assert plan.message.story_ids == plan.story_ids
        assert "New stories" in str(plan.message.blocks)


@pytest.mark.parametrize("count", range(2, 24))
def test_batches_are_balanced_and_never_drop_or_repeat_a_story(count: int) -> None:
    due = stories(count, quotes=0)
    plans = plan_messages(list(reversed(due)), digest_day=None)
    sizes = [len(plan.story_ids) for plan in plans]
    assert max(sizes) <= BATCH_STORIES and max(sizes) - min(sizes) <= 1
    assert sorted(shown(plans)) == sorted(s.id for s in due)
    assert shown(plans) == newest_first(due)


@pytest.mark.parametrize(("count", "sizes"), [(0, []), (1, [1]), (5, [5]), (6, [3, 3]), (7, [4, 3]),
                                               (11, [4, 4, 3]), (21, [5, 4, 4, 4, 4])])
def test_batch_sizes(count: int, sizes: list[int]) -> None:
    assert batch_sizes(count) == sizes


def test_a_story_due_alone_gets_its_own_message_and_a_thread_reply_with_all_its_quotes() -> None:
    [story] = stories(1, quotes=3)
    [plan] = plan_messages([story], digest_day=None)
    assert not plan.digest and plan.story_ids == [story.id]
    assert plan.metadata == {"event_type": STORY_EVENT, "event_payload": {"story_id": story.id}}
    assert plan.reply is not None
    assert all(f"point {q}" in str(plan.reply.blocks) for q in range(3))


def test_a_story_without_quotes_gets_no_thread_reply() -> None:
    [story] = stories(1, quotes=0)
    [plan] = plan_messages([story], digest_day=None)
    assert not plan.digest and plan.reply is None


def test_a_compact_daily_digest_is_one_message_of_every_story_the_most_important_first() -> None:
    due = stories(18)
    due[0].sources.append(StorySource("Harbour Gazette", "https://gazette.example/geneva"))  # told twice
    [plan] = plan_messages(due, digest_day=DAY)
    assert plan.digest and plan.reply is None and limit_problems(plan.message) == []
    assert sorted(plan.story_ids) == sorted(s.id for s in due)  # every story covered, shown or behind a button
    assert plan.story_ids[0] == due[0].id  # two sources outrank being newest
    assert plan.story_ids[1:] == newest_first(due[1:])
    blocks = plan.message.blocks
    assert blocks[0]["text"]["text"] == "Daily digest, 28 Nov 2026 — 18 stories"
    details = [b["accessory"] for b in blocks if b.get("accessory", {}).get("text", {}).get("text") == "Details"]
    assert len(details) == 10
    [paging] = [b for b in blocks if b["type"] == "actions"]
    assert [e["text"]["text"] for e in paging["elements"]] == ["Show more (8)"]


def test_a_full_daily_digest_shows_every_story_newest_first() -> None:
    due = stories(12)
    plans = plan_messages(due, digest_day=DAY, layout="full")
    # One digest, in as few parts as Block Kit limits allow (not a message per story, nor batches).
    assert len(plans) == len(build_digest(due)) <= 2
    assert all(plan.digest and plan.reply is None for plan in plans)
    assert shown(plans) == newest_first(due)
    assert "Daily digest, 28 Nov 2026" in str(plans[0].message.blocks)


def test_a_single_story_in_a_daily_channel_still_comes_as_the_digest() -> None:
    [plan] = plan_messages(stories(1, quotes=2), digest_day=DAY, layout="full")
    assert plan.digest and plan.reply is None
    assert plan.metadata["event_type"] == DIGEST_EVENT


def test_a_digest_too_big_for_one_message_is_split_within_block_kit_limits_keeping_every_story_once() -> None:
    due = stories(60, quotes=2)
    for n, story in enumerate(due):
        story.summary = [f"Sentence {k} of a long summary about the Geneva round {n}. " * 12 for k in range(3)]
        story.actors = [Actor(f"Minister Number{k}", "person", 3, [], "foreign minister") for k in range(6)]
        story.deadlines = [Deadline("by March 1", 0, 1, "2027-03-01", "date", "sign the accord " * 20, "Lissa")]
    plans = plan_messages(due, digest_day=DAY, layout="full")
    assert 1 < len(plans) < 60
    assert shown(plans) == newest_first(due)
    for plan in plans:
        assert plan.digest and limit_problems(plan.message) == []


def test_stories_slack_refused_in_a_batch_go_alone_and_the_rest_are_batched() -> None:
    due = stories(5, quotes=2)
    refused = {due[1].id, due[3].id}
    plans = plan_messages(due, digest_day=None, alone=refused)
    alone = [plan for plan in plans if not plan.digest]
    assert sorted(sid for plan in alone for sid in plan.story_ids) == sorted(refused)
    assert all(plan.reply is not None for plan in alone)
    [batch] = [plan for plan in plans if plan.digest]
    assert batch.story_ids == [due[4].id, due[2].id, due[0].id]
    assert sorted(shown(plans)) == sorted(s.id for s in due)


def test_nothing_due_plans_no_message() -> None:
    assert plan_messages([], digest_day=None) == []
    assert plan_messages([], digest_day=DAY) == []


def test_the_metadata_of_a_plan_reads_back_as_the_stories_it_shows() -> None:
    due = stories(3)
    for plan in [*plan_messages(due, digest_day=None), *plan_messages(due[:1], digest_day=None)]:
        assert story_ids_listed({"metadata": plan.metadata}) == plan.story_ids
    reply = {"metadata": {"event_type": QUOTES_EVENT, "event_payload": {"story_id": 7}}}
    assert story_ids_listed(reply) == [] and quotes_reply_of(reply) == 7
    assert story_ids_listed({"text": "someone else's message"}) == []
    assert story_ids_listed({"metadata": {"event_type": DIGEST_EVENT, "event_payload": {"story_ids": ["x"]}}}) == []
    assert quotes_reply_of({"metadata": {"event_type": STORY_EVENT, "event_payload": {"story_id": 7}}}) is None
