"""Stories: what a digest shows. A story is one event as told by one or more feeds (`bot.domain.grouping`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.analysis.records import Actor, Deadline, Quote


@dataclass
class StorySource:
    """One article behind a story: the outlet (feed title) and its link."""

    name: str
    url: str | None


@dataclass
class Story:
    """A story as read by digests and slash commands."""

    id: int
    title: str
    url: str | None
    published: datetime
    summary: list[str] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    sources: list[StorySource] = field(default_factory=list)
    text: str = ""

    @property
    def gist(self) -> str:
        """The one-sentence summary for compact digests."""
        return self.summary[0] if self.summary else ""
