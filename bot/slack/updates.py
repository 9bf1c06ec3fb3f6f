"""The thread reply that tells a channel what a story it already has gained: new sources, quotes and deadlines.

Pure Block Kit, like `bot.slack.digest`: the story's compact entry marked "updated", then only what is new.
"""

from __future__ import annotations

from bot.domain.updates import StoryChange
from bot.slack.blocks import Block, SlackMessage, button, context, section
from bot.slack.digest import DETAILS_ACTION, HEADLINE_CHARS, deadline_line, gist, quote_line
from bot.slack.mrkdwn import escape_within, link

UPDATE_QUOTES = 3
UPDATE_DEADLINES = 3
UPDATE_SOURCES = 5


def _plural(count: int, noun: str) -> str:
    return f"{count} new {noun}{'s' if count != 1 else ''}"


def _new_sources(change: StoryChange) -> str:
    """'2 new sources: NYT ×2': each outlet once, linked to its first new article, with how many."""
    outlets: dict[str, list[str | None]] = {}
    for source in change.sources:
        outlets.setdefault(source.name or "source", []).append(source.url)
    shown = list(outlets.items())[:UPDATE_SOURCES]
    names = [link(urls[0], name, 80) + (f" ×{len(urls)}" if len(urls) > 1 else "") for name, urls in shown]
    more = len(change.sources) - sum(len(urls) for _, urls in shown)
    return _plural(len(change.sources), "source") + ": " + ", ".join(names) + (f" and {more} more" if more else "")


def update_reply(change: StoryChange) -> SlackMessage:
    """The reply in a story's thread: its headline with "updated" and a Details button, what it gained (every
    new source, up to three new quotes and deadlines, "and N more" for the rest)."""
    story = change.story
    title = story.title if story.title and escape_within(story.title, 10).strip() else "Untitled story"
    headline = link(story.url, title, HEADLINE_CHARS)
    story_gist = gist(story)
    text = f"*Updated:* *{headline}*" + (f"\n{story_gist}" if story_gist.strip() else "")
    blocks: list[Block] = [section(text, accessory=button("Details", f"{DETAILS_ACTION}:{story.id}", str(story.id)))]
    said = [":arrows_counterclockwise: updated"]
    if change.sources:
        said.append(_new_sources(change))
    if change.quotes:
        said.append(f":speech_balloon: {_plural(len(change.quotes), 'quote')}")
    if change.deadlines:
        said.append(f":alarm_clock: {_plural(len(change.deadlines), 'deadline')}")
    blocks.append(context(*said))
    if change.quotes:
        lines = [quote_line(q, actors=story.actors) for q in change.quotes[:UPDATE_QUOTES]]
        extra = len(change.quotes) - UPDATE_QUOTES
        blocks.append(section("\n\n".join(lines) + (f"\n_and {extra} more in Details_" if extra > 0 else "")))
    if change.deadlines:
        lines = [deadline_line(d) for d in change.deadlines[:UPDATE_DEADLINES]]
        extra = len(change.deadlines) - UPDATE_DEADLINES
        blocks.append(section("*New deadlines*\n" + "\n".join(lines) + (f"\n_and {extra} more_" if extra > 0 else "")))
    news = [part for part, count in (("source", len(change.sources)), ("quote", len(change.quotes)),
                                     ("deadline", len(change.deadlines))) if count]
    fallback = escape_within(f"Update: {title} — new {', '.join(news)}", 500)
    return SlackMessage(fallback, blocks, [story.id])
