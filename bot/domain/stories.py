"""Stories: what a digest shows. A story is one event as told by one or more feeds (`bot.domain.grouping`)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
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


# --- what giving an article its story reads and decides (`bot.domain.grouping`, `bot.app.stories`) ----------


@dataclass(frozen=True)
class StoryArticle:
    """An article of a stored story, as grouping compares a new article with it."""

    id: int
    story_id: int
    feed_id: int
    published: datetime
    title: str
    text: str
    terms: Mapping[str, int] | None  # word counts kept when it was grouped; None on rows from before they were
    actors: tuple[str, ...] = ()


@dataclass(frozen=True)
class LeadCandidate:
    """What choosing a story's lead article looks at."""

    key: Hashable
    published: datetime
    text_length: int
    has_summary: bool = True
    quotes: int = 0


@dataclass(frozen=True)
class StoryChoice:
    """What grouping decided for a newly analysed article, for storage to write with its analysis.

    Args:
        story_id: the story the article joins; None starts a new story.
        lead_article_id: the article the story is summarised from afterwards.
        terms: the article's word counts, kept so later articles are compared with it.
        document_terms: what the article adds, once, to the document frequencies.
    """

    story_id: int | None
    lead_article_id: int
    terms: Mapping[str, int]
    document_terms: frozenset[str]
