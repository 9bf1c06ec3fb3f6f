"""Which story an analysed article joins: word overlap (TF-IDF cosine), shared actors, and time.

Pure: records in, a story id (or None) out (`bot.app.stories` reads the records and saves the choice). The
document frequencies that weigh words and actors come from every article seen so far (`TermStats`, counted in
the database by `bot/storage/stories.py`), so a word that every story uses
("talks", "minister") counts for little and a rare one ("Essequibo", "transshipment") for much.

Two articles tell the same event when they were published close together (`Rules.window`), their words are
alike (cosine of TF-IDF vectors, title words counted twice) and they name the same, rarer actors. Two events
about the same people a month apart never meet: the window keeps them apart before any word is compared.
An article joins the story it is most like on average over the story's articles (average linkage, so one
shared spokeswoman does not pull it in), and a story takes one article per source.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from bot.domain.stories import LeadCandidate, StoryArticle

ACTOR_PREFIX = "actor:"  # actors share the frequency table with words, under this prefix
TITLE_WEIGHT = 2
MAX_TERM_LENGTH = 60

_WORD = re.compile(r"[a-z0-9]+(?:[-'’][a-z0-9]+)*")
# English function words: they say nothing about which event an article tells. Our own list, so that grouping
# does not have to import spaCy.
STOP_WORDS = frozenset(
    """
    a about above across after afterwards again against all almost alone along already also although always am
    among amongst an and another any anyone anything anyway anywhere are around as at be became because become
    becomes been before beforehand behind being below beside besides between beyond both but by can cannot could
    did do does doing done down during each either else elsewhere enough even ever every everyone everything
    everywhere except few for former formerly from further had has have having he hence her here hereafter
    hereby herein hers herself him himself his how however i if in indeed into is it its itself just least less
    made make many may me meanwhile might mine more moreover most mostly much must my myself neither never
    nevertheless next no nobody none noone nor not nothing now nowhere of off often on once only onto or other
    others otherwise our ours ourselves out over own per perhaps please put quite rather re really same see seem
    seemed seeming seems several she should show side since so some somehow someone something sometime sometimes
    somewhere still such than that the their theirs them themselves then thence there thereafter thereby
    therefore therein thereupon these they this those though through throughout thru thus to together too
    toward towards under until up upon us used using various very via was we well were what whatever when
    whence whenever where whereafter whereas whereby wherein whereupon wherever whether which while whither who
    whoever whole whom whose why will with within without would yet you your yours yourself yourselves
    n't 's 'd 'll 'm 're 've
    """.split()
)
# Words every news report uses whatever it tells: as common as stop words once a few hundred articles are in.
_NEWS_WORDS = frozenset(
    {
        "said", "say", "says", "told", "added", "according", "reporter", "reported", "statement",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "week", "today",
        "yesterday", "tomorrow", "year", "month", "day", "time", "new", "mr", "ms", "dr", "also", "would",
        "could", "one", "two", "first", "last",
    }
)


@dataclass(frozen=True)
class Rules:
    """The thresholds of grouping; the defaults are tuned on eval/stories.jsonl (`bot/dev/evaluation/stories.py`).

    Args:
        window: articles further apart than this score nothing together; a story is a candidate for an article
            only when one of its articles is within the window.
        min_score: the similarity an article needs with a story to join it.
        actor_weight: how much shared actors add to the word cosine (never more than the cosine itself).
        hours_free: a gap of up to this many hours costs nothing ...
        penalty_per_day: ... beyond it, each further day lowers the score by this much.
        prior_documents: imagined documents added to the frequency table, so IDF is sane on a young database.
        warm_documents, cold_extra: while the table knows fewer than `warm_documents` articles its IDF cannot
            yet tell a rare word from a common one, so `min_score` is raised by up to `cold_extra`.
    """

    window: timedelta = timedelta(hours=48)
    min_score: float = 0.18
    actor_weight: float = 0.3
    hours_free: float = 12.0
    penalty_per_day: float = 0.05
    prior_documents: int = 20
    warm_documents: int = 50
    cold_extra: float = 0.1

    def threshold(self, documents: int) -> float:
        """`min_score`, raised while the frequency table is young."""
        coldness = max(0.0, 1 - documents / self.warm_documents) if self.warm_documents else 0.0
        return self.min_score + self.cold_extra * coldness


DEFAULT_RULES = Rules()


@dataclass(frozen=True)
class ArticleFacts:
    """What grouping reads of an article: its words, its actors (canonical names), when it appeared and in which
    source (feed or outlet)."""

    key: Hashable
    published: datetime
    terms: Mapping[str, int]
    actors: frozenset[str] = frozenset()
    source: Hashable | None = None

    @classmethod
    def of(cls, key: Hashable, title: str, text: str, published: datetime, actors: Iterable[str],
           source: Hashable | None = None) -> ArticleFacts:
        return cls(key, published, article_terms(title, text), frozenset(a for a in actors if a), source)


@dataclass
class StoryFacts:
    """A story as grouping sees it: its articles' facts."""

    story_id: Hashable
    articles: list[ArticleFacts] = field(default_factory=list)


@dataclass(frozen=True)
class TermStats:
    """Document frequencies: in how many of `documents` articles each word (or `actor:` name) appears."""

    documents: int = 0
    frequencies: Mapping[str, int] = field(default_factory=dict)

    def idf(self, term: str, prior: int) -> float:
        return math.log((self.documents + prior) / (self.frequencies.get(term, 0) + 1))

    def counting(self, article: ArticleFacts) -> TermStats:
        """These frequencies with one more article counted: the table as it is once `article` is stored."""
        frequencies = dict(self.frequencies)
        for term in document_terms(article):
            frequencies[term] = frequencies.get(term, 0) + 1
        return TermStats(self.documents + 1, frequencies)


def _stem(word: str) -> str:
    """A light plural and possessive fold, enough for "sanctions"/"sanction" and "Iran's"/"Iran"."""
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=200_000)
def _term(word: str) -> str | None:
    """The term a lower-case word counts as, or None for a stop word or reporting word."""
    if word in STOP_WORDS or len(word) > MAX_TERM_LENGTH:
        return None
    stem = _stem(word)
    if stem in STOP_WORDS or stem in _NEWS_WORDS or len(stem) < 2:
        return None
    return stem


def words(text: str) -> list[str]:
    """Content words of `text`, lower-cased and lightly stemmed; stop words and reporting words dropped."""
    return [term for term in map(_term, _WORD.findall(text.lower())) if term is not None]


def article_terms(title: str, text: str) -> dict[str, int]:
    """Term counts of an article, title words counted `TITLE_WEIGHT` times."""
    counts = Counter(words(text))
    for word in words(title):
        counts[word] += TITLE_WEIGHT
    return dict(counts)


def document_terms(facts: ArticleFacts) -> set[str]:
    """The entries an article adds to the frequency table: each word and actor once."""
    return set(facts.terms) | {ACTOR_PREFIX + actor for actor in facts.actors}


def story_facts(articles: Iterable[StoryArticle]) -> list[StoryFacts]:
    """Stored stories as grouping sees them, from their articles (word counts rebuilt where none were kept)."""
    stories: dict[int, StoryFacts] = {}
    for article in articles:
        story = stories.setdefault(article.story_id, StoryFacts(article.story_id))
        terms = article.terms if isinstance(article.terms, Mapping) else article_terms(article.title, article.text)
        story.articles.append(ArticleFacts(article.id, article.published, terms,
                                           frozenset(a for a in article.actors if a), article.feed_id))
    return list(stories.values())


def _vector(terms: Mapping[str, int], idf: Callable[[str], float]) -> dict[str, float]:
    weights = {t: (1 + math.log(n)) * idf(t) for t, n in terms.items() if n > 0}
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(b) < len(a):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def _actor_overlap(a: frozenset[str], b: frozenset[str], idf: Callable[[str], float]) -> float:
    """Weighted Jaccard of two actor sets: a rare shared actor counts more than "United States"."""
    union = a | b
    if not union:
        return 0.0
    weight = {name: idf(ACTOR_PREFIX + name) for name in union}
    total = sum(weight.values())
    return sum(weight[name] for name in a & b) / total if total else 0.0


def _gap_hours(a: ArticleFacts, b: ArticleFacts) -> float:
    return abs((a.published - b.published).total_seconds()) / 3600


class Scorer:
    """Pairwise similarity of articles under one frequency table, with IDF weights and vectors cached."""

    def __init__(self, stats: TermStats, rules: Rules = DEFAULT_RULES) -> None:
        self.stats = stats
        self.rules = rules
        self._vectors: dict[Hashable, dict[str, float]] = {}
        self._idf: dict[str, float] = {}

    def idf(self, term: str) -> float:
        weight = self._idf.get(term)
        if weight is None:
            weight = self._idf[term] = self.stats.idf(term, self.rules.prior_documents)
        return weight

    def vector(self, facts: ArticleFacts) -> dict[str, float]:
        if facts.key not in self._vectors:
            self._vectors[facts.key] = _vector(facts.terms, self.idf)
        return self._vectors[facts.key]

    def score(self, a: ArticleFacts, b: ArticleFacts) -> float:
        """How alike two articles are: cosine + shared actors − a cost for the time between them."""
        rules = self.rules
        gap = _gap_hours(a, b)
        if gap > rules.window.total_seconds() / 3600:
            return 0.0
        words_alike = _cosine(self.vector(a), self.vector(b))
        actors_shared = _actor_overlap(a.actors, b.actors, self.idf)
        late = max(0.0, gap - rules.hours_free) / 24 * rules.penalty_per_day
        # Shared actors at most double the word evidence: a spokeswoman and a country in common are not a story.
        return words_alike + min(rules.actor_weight * actors_shared, words_alike) - late

    def story_score(self, article: ArticleFacts, story: StoryFacts) -> float:
        """The mean score of `article` with the story's articles (average linkage).

        The mean, not the best: an article that shares a spokeswoman and a country with one telling of a story
        but nothing with the others does not join it.
        """
        scores = [self.score(article, other) for other in story.articles]
        return sum(scores) / len(scores) if scores else 0.0


def choose_story(article: ArticleFacts, stories: Sequence[StoryFacts], stats: TermStats,
                 rules: Rules = DEFAULT_RULES, scorer: Scorer | None = None) -> Hashable | None:
    """The id of the story `article` joins, or None when it starts a story of its own.

    A story never takes a second article from the same source: it gathers one event as told by different feeds.

    Args:
        article: the new article's facts.
        stories: candidate stories (those with an article near `article.published`); others are ignored.
        stats: document frequencies over the articles seen so far, `article` included.
        rules: thresholds.
        scorer: a scorer to reuse (its cached vectors), built from `stats` and `rules` when not given.
    """
    scorer = scorer or Scorer(stats, rules)
    best: tuple[float, Hashable] | None = None
    needed = rules.threshold(stats.documents)
    for story in stories:
        if article.source is not None and any(other.source == article.source for other in story.articles):
            continue  # a story gathers different sources; a feed's own items are separate reports
        score = scorer.story_score(article, story)
        if score >= needed and (best is None or score > best[0]):
            best = (score, story.story_id)
    return best[1] if best else None


def group(articles: Sequence[ArticleFacts], rules: Rules = DEFAULT_RULES) -> list[list[Hashable]]:
    """Group articles into stories as the bot would, reading them in order of publication.

    The frequency table grows article by article, as it does in the database. Returns the keys per story.
    """
    frequencies: Counter[str] = Counter()
    stories: dict[Hashable, StoryFacts] = {}  # by story id, in order of creation
    documents = 0
    for article in sorted(articles, key=lambda a: a.published):
        documents += 1
        frequencies.update(document_terms(article))
        stats = TermStats(documents, frequencies)
        window_hours = rules.window.total_seconds() / 3600
        nearby = [s for s in stories.values() if any(_gap_hours(article, a) <= window_hours for a in s.articles)]
        chosen = choose_story(article, nearby, stats, rules)
        if chosen is None:
            stories[len(stories)] = StoryFacts(len(stories), [article])
        else:
            stories[chosen].articles.append(article)
    return [[a.key for a in story.articles] for story in stories.values()]


# --- the article a story is summarised from --------------------------------------------------------------

# Text beyond this many characters does not make an article a better lead; lengths count in steps of this.
LEAD_FULL_CHARS = 3000
LEAD_LENGTH_STEP = 300


def choose_lead(candidates: Sequence[LeadCandidate]) -> Hashable | None:
    """The article to summarise a story from: analysed, the fullest text (a page beats a teaser), then the one
    with the most quotes, then the earliest."""
    if not candidates:
        return None

    def rank(c: LeadCandidate) -> tuple[bool, int, int, float]:
        return (c.has_summary, min(c.text_length, LEAD_FULL_CHARS) // LEAD_LENGTH_STEP, c.quotes,
                -c.published.timestamp())

    return max(candidates, key=rank).key
