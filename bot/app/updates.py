"""Story updates: when a story a channel already has gains a source, a quote or a deadline, owe that channel
one reply in the story's thread (`bot.slack.outbox.followups` sends it), never a second post of the story."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.updates import Seen, story_change
from bot.storage import Database
from bot.storage.followups import grown_posted_stories, owe_updates
from bot.storage.stories import load_stories

# Stories that took an article longer ago than this are not looked at again (they were, when it came).
UPDATE_WINDOW = timedelta(days=2)
CHECKED_AT_ONCE = 500


def queue_story_updates(db: Database, now: datetime, *, window: timedelta = UPDATE_WINDOW) -> int:
    """Owe an update reply to every channel whose message of a story shows less than the story now holds;
    returns how many were added. Each story change is compared once; deciding again before the reply is sent
    adds nothing (one per story and what the channel had seen), and a change told already adds nothing."""
    added = 0
    while True:
        posted = grown_posted_stories(db, since=now - window, limit=CHECKED_AT_ONCE)
        if not posted:
            return added
        stories = {story.id: story for story in load_stories(db, story_ids={p.story_id for p in posted})}
        owed = {}
        for story_message in posted:
            story = stories.get(story_message.story_id)
            seen = Seen.from_json(story_message.shown)
            if story is not None and story_change(story, seen) is not None:
                owed[(story_message.team_id, story_message.channel_id, story.id)] = f"update:{story.id}:{seen.digest()}"
        added += owe_updates(db, posted, owed, now=now)
        if len(posted) < CHECKED_AT_ONCE:
            return added
