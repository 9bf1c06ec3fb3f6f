"""What the buttons of a compact digest show: a story's details (a modal, or a private message where no
modal can open) and another page of the digest."""

from __future__ import annotations

from typing import Any

from bot.slack.blocks import MAX_BLOCKS, MAX_MODAL_BLOCKS, SlackMessage, modal
from bot.slack.commands.answer import UsageError, plain_answer
from bot.slack.digest import compact_digest, page_from_button, story_details
from bot.slack.mrkdwn import escape_within
from bot.storage import Database
from bot.storage.stories import load_stories

GONE = "That story is no longer stored; it may have been removed since the digest was posted."
MAX_STORY_ID_CHARS = 9  # fits every database's integer


def _story_id(value: str) -> int:
    value = value.strip()
    if not (value.isascii() and value.isdigit() and len(value) <= MAX_STORY_ID_CHARS):
        raise UsageError("That button is out of date. Try `/digest`.")
    return int(value)


def details_view(db: Database, value: str) -> dict[str, Any]:
    """The `views.open` modal of the story a Details button names: summary, quotes, deadlines, sources."""
    stories = load_stories(db, story_ids=[_story_id(value)])
    if not stories:
        raise UsageError(GONE)
    return modal("Story details", story_details(stories[0], max_blocks=MAX_MODAL_BLOCKS))


def details_message(db: Database, value: str) -> SlackMessage:
    """The same details as a message only the asker sees (where no modal can open)."""
    try:
        stories = load_stories(db, story_ids=[_story_id(value)])
    except UsageError as exc:
        return plain_answer(str(exc))
    if not stories:
        return plain_answer(GONE)
    story = stories[0]
    return SlackMessage(escape_within(f"Details: {story.title}", 500), story_details(story, max_blocks=MAX_BLOCKS),
                        [story.id])


def page_answer(db: Database, value: str) -> SlackMessage:
    """The page of a compact digest a "Show more" or "Previous" button asks for, in the digest's order."""
    try:
        page = page_from_button(value)
    except ValueError:
        return plain_answer("That button is out of date. Try `/digest`.")
    by_id = {story.id: story for story in load_stories(db, story_ids=page.story_ids)}
    stories = [by_id[story_id] for story_id in page.story_ids if story_id in by_id]
    if not stories:
        return plain_answer("Those stories are no longer stored. Try `/digest`.")
    return compact_digest(stories, title=page.title, start=min(page.start, len(stories) - 1))
