"""Stories: what a digest shows. A story is one event as told by one or more feeds (`bot.domain.grouping`)."""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from rapidfuzz import fuzz

from bot.analysis.records import Actor, Deadline, Quote

# Two tellings of a quote that differ by copy edits ("did not" / "does not", "allowed" / "permitted", "theU.S.")
# are one quote when their folded words are this similar (rapidfuzz ratio, 0-100) and the shorter is at least
# MIN_COPY_EDITED characters long: about one changed word in eight. Shorter quotes must match exactly (a
# "will" / "won't" is most of a short quote).
COPY_EDITED_RATIO = 88.0
MIN_COPY_EDITED = 40
_NOT_WORD = re.compile(r"[^\w]+")


def fold_words(text: str) -> str:
    """The words of `text`, casefolded, without punctuation."""
    return _NOT_WORD.sub(" ", text.casefold()).strip()


def copy_edited(first: str, second: str) -> bool:
    """Whether two long quotes (`fold_words`) are one quote as two copy desks left it."""
    return (min(len(first), len(second)) >= MIN_COPY_EDITED
            and fuzz.ratio(first, second) >= COPY_EDITED_RATIO)


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
    # Beside each of `quotes` and `deadlines`: the outlets whose articles carry it (a repeat is shown once).
    quote_sources: list[list[str]] = field(default_factory=list)
    deadline_sources: list[list[str]] = field(default_factory=list)
    # Beside each of `deadlines`: every telling of it (the one shown is the best-formed, which a later article may
    # change); empty when the story was built without them (each deadline is then its only telling).
    deadline_tellings: list[list[Deadline]] = field(default_factory=list)
    # It grew after its message was posted (an update reply went, or is going, to its thread): digests say so.
    updated: bool = False

    @property
    def gist(self) -> str:
        """The one-sentence summary for compact digests."""
        return self.summary[0] if self.summary else ""


# --- what giving an article its story reads and decides (`bot.domain.grouping`, `bot.app.stories`) ----------


@dataclass
class StoryState:
    """A story as grouping sees it (`bot.domain.grouping`): the running sum of its articles' word weights (its
    centroid) and of their unit TF-IDF vectors, in how many of its articles each mark (participant, place, number, year) appears and in how many
    titles or openings, how many articles it has and the span of their publication times.

    Storage keeps it on the story, so that grouping never re-reads a story's articles.
    """

    story_id: Hashable
    terms: dict[str, float]
    marks: dict[str, int]
    articles: int
    first: datetime
    last: datetime
    lead_marks: dict[str, int] = field(default_factory=dict)
    # The sum of its articles' unit TF-IDF vectors (each under the frequencies of when it joined): divided by
    # `articles`, an article's dot product with it is its mean cosine with the story's articles. None for a
    # state kept before this was.
    vectors: dict[str, float] | None = None
    # The incident details its articles' openings state (`bot.domain.grouping.incident_details`): how many of its
    # articles give each ("dead:10", "usd:2.6e6") and each kind of detail ("dead", "usd").
    details: dict[str, int] = field(default_factory=dict)
    # How much of its articles' naming went to each person, place or organisation (`bot.domain.grouping.salience`):
    # the sum of their shares, for its most salient names.
    salient: dict[str, float] = field(default_factory=dict)

    def gap_hours(self, published: datetime) -> float:
        """Hours from `published` to the nearest of the story's articles (0 within their span)."""
        if published < self.first:
            return (self.first - published).total_seconds() / 3600
        if published > self.last:
            return (published - self.last).total_seconds() / 3600
        return 0.0


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
        state: the story's grouping state once the article has joined (its `story_id` is ignored: a new story
            gets its id when it is saved); None keeps the stored state.
        folded: stories folded into the one the article joins (`bot.domain.grouping.StoryIndex.folds`; `state`
            counts their articles): storage moves their articles there and drops them, in the same transaction,
            unless one was offered to a channel meanwhile (`bot.storage.stories.FoldRefused`).
    """

    story_id: int | None
    lead_article_id: int
    terms: Mapping[str, int]
    document_terms: frozenset[str]
    state: StoryState | None = None
    folded: tuple[int, ...] = ()
