"""What a story gained since a channel saw it: pure, over stories and what their messages showed.

A channel's message of a story shows its sources, quotes and deadlines; `seen` keeps their keys. When the story
later gains a source, a quote or a deadline, `story_change` names what is new, and the channel is told in the
message's thread (one reply per change, never a second post of the story). Keys are forgiving of what changes
between copies of one thing: case, spacing and quote marks.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from bot.analysis.records import Deadline, Quote
from bot.domain.stories import Story, StorySource, copy_edited, fold_words

_MARKS = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


def _words(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").translate(_MARKS)).strip().casefold()


def source_key(source: StorySource) -> str:
    return _words(source.url) or "name:" + _words(source.name)


def quote_key(quote: Quote) -> str:
    return _words(quote.text)


def deadline_key(deadline: Deadline) -> str:
    return f"{deadline.due or ''}|{_words(deadline.action or deadline.text)}"


@dataclass(frozen=True)
class Seen:
    """The keys of what a channel has been shown of a story: sources, quotes, deadlines."""

    sources: frozenset[str] = frozenset()
    quotes: frozenset[str] = frozenset()
    deadlines: frozenset[str] = frozenset()

    def as_json(self) -> dict[str, Any]:
        return {"sources": sorted(self.sources), "quotes": sorted(self.quotes), "deadlines": sorted(self.deadlines)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Seen:
        return cls(*(frozenset(str(key) for key in data.get(part) or ()) for part in ("sources", "quotes", "deadlines")))

    def digest(self) -> str:
        """A short fingerprint of what was seen: the same keys give the same text."""
        return hashlib.sha1(json.dumps(self.as_json(), sort_keys=True).encode(), usedforsecurity=False).hexdigest()[:16]

    def __or__(self, other: Seen) -> Seen:
        return Seen(self.sources | other.sources, self.quotes | other.quotes, self.deadlines | other.deadlines)


def _deadline_keys(story: Story, index: int) -> set[str]:
    """The keys of every telling of the story's `index`-th deadline: the one shown may change to a better-formed
    telling when an article joins, and that is not a new deadline."""
    tellings = story.deadline_tellings[index] if index < len(story.deadline_tellings) else []
    return {deadline_key(d) for d in [story.deadlines[index], *tellings]}


def seen_in(story: Story) -> Seen:
    """What a message of `story` as it is now shows (its Details show every source, quote and deadline, a
    deadline with all its tellings)."""
    return Seen(frozenset(source_key(s) for s in story.sources), frozenset(quote_key(q) for q in story.quotes),
                frozenset(key for index in range(len(story.deadlines)) for key in _deadline_keys(story, index)))


@dataclass(frozen=True)
class StoryChange:
    """What a story gained since the channel saw it, in the story's order."""

    story: Story
    sources: tuple[StorySource, ...]
    quotes: tuple[Quote, ...]
    deadlines: tuple[Deadline, ...]


def story_change(story: Story, seen: Seen) -> StoryChange | None:
    """What `story` holds that `seen` does not (each thing once), or None when nothing is new."""

    def new(items: list[Any], key: Any, known: frozenset[str]) -> tuple[Any, ...]:
        found: dict[str, Any] = {}
        for item in items:
            found.setdefault(key(item), item)
        return tuple(item for k, item in found.items() if k and k not in known)

    shown_quotes = [fold_words(k) for k in seen.quotes]
    # A quote the channel saw in another copy's wording (the story now shows a better-attributed telling) is not new.
    quotes = tuple(q for q in new(story.quotes, quote_key, seen.quotes)
                   if not any(copy_edited(fold_words(q.text), shown) for shown in shown_quotes))
    # A deadline the channel saw in another telling (the story now shows a better-formed one) is not new.
    told_before = {id(d) for index, d in enumerate(story.deadlines) if _deadline_keys(story, index) & seen.deadlines}
    deadlines = tuple(d for d in new(story.deadlines, deadline_key, seen.deadlines) if id(d) not in told_before)
    change = StoryChange(story, new(story.sources, source_key, seen.sources), quotes, deadlines)
    return change if change.sources or change.quotes or change.deadlines else None
