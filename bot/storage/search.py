"""Read queries behind the slash commands: quotes by speaker (names matched loosely), deadlines, feeds.

Every function takes the `Database` first and returns records; nothing here writes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from rapidfuzz import fuzz
from sqlalchemy import and_, exists, func, or_, select

from bot.storage import Database
from bot.storage import as_utc as _utc
from bot.storage.models import ActorRow, ArticleRow, DeadlineRow, FeedRow, QuoteRow

# Words that say what a person is, not who: "Secretary Pompeo" is Pompeo.
TITLE_WORDS = frozenset("""
    mr mrs ms miss dr sir dame lord lady prof professor rev
    president vice prime minister ministers secretary deputy under assistant general chief
    foreign defence defense state interior finance trade home affairs
    ambassador envoy special spokesman spokeswoman spokesperson representative rep senator sen
    chancellor king queen prince princess crown emperor premier leader chairman chairwoman chair
    commissioner director head high undersecretary governor mayor supreme acting former
    of the for
""".split())

FUZZY_TOKEN_SCORE = 85  # one name token against another, typo tolerant ("Pompei" ~ "Pompeo")
SUGGESTION_SCORE = 60


@dataclass
class SpeakerMatch:
    """What a typed name resolved to: one person (with every spelling of them) or suggestions."""

    query: str
    name: str | None = None
    names: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)


@dataclass
class QuoteHit:
    id: int
    text: str
    direct: bool
    speaker: str
    published: datetime
    title: str
    url: str | None
    source: str


@dataclass
class DeadlineHit:
    id: int
    text: str
    due: str | None
    due_date: date | None
    kind: str
    action: str | None
    actor: str | None
    title: str
    url: str | None
    source: str
    published: datetime
    story_id: int | None = None


@dataclass
class FeedInfo:
    id: int
    url: str
    title: str | None
    last_polled_at: datetime | None
    consecutive_failures: int
    last_error: str | None
    retired: bool
    articles: int


# --- names -----------------------------------------------------------------------------------------


def name_tokens(name: str) -> tuple[str, ...]:
    """Lower-case name words without accents, punctuation or titles ("Secretary Pompeo" → ("pompeo",))."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    words = [w for w in re.split(r"[^\w]+", folded.replace("'s ", " ")) if w]
    kept = tuple(w for w in words if w not in TITLE_WORDS)
    return kept or tuple(words)


def _token_found(token: str, candidates: Iterable[str]) -> bool:
    return any(token == c or (len(token) >= 4 and fuzz.ratio(token, c) >= FUZZY_TOKEN_SCORE) for c in candidates)


def resolve_speaker(query: str, speakers: Iterable[str], aliases: dict[str, Iterable[str]] | None = None,
                    ) -> SpeakerMatch:
    """Find the one person `query` means among `speakers` (names seen on quotes).

    Args:
        query: what the user typed: "Pompeo", "mike pompeo", "Secretary Pompeo".
        speakers: distinct speaker names stored on quotes.
        aliases: person name → other names the analysis saw for them ("Heather Nauert" → ["Nauert"]).
    """
    match = SpeakerMatch(query=query)
    wanted = name_tokens(query)
    spoken = set(s for s in speakers if s and s.strip())
    if not wanted or not spoken:
        return match
    alias_of: dict[str, set[str]] = {}
    for person, other_names in (aliases or {}).items():
        for alias in other_names:
            if alias != person and alias in spoken:
                alias_of.setdefault(alias, set()).add(person)
    # Everyone a typed name could mean: the speakers, and the full names behind speakers' aliases.
    universe = sorted(spoken | set().union(*alias_of.values()) if alias_of else spoken)
    tokens = {s: set(name_tokens(s)) for s in universe}

    def spelling_of(short: str, full: str) -> bool:
        """`short` is another way of naming `full` ("Pompeo" of "Mike Pompeo")."""
        if short == full:
            return False
        return tokens[short] < tokens[full] or (full in alias_of.get(short, ()) and not tokens[full] < tokens[short])

    heads = [s for s in universe if not any(spelling_of(s, other) for other in universe)]
    members = {h: [s for s in universe if s == h or spelling_of(s, h)] for h in heads}
    known_words = {h: set().union(*(tokens[m] for m in members[h])) for h in heads}
    hit_heads = [h for h in heads if all(_token_found(t, known_words[h]) for t in wanted)]
    exact = [s for s in universe if tokens[s] == set(wanted)]
    if exact:
        owners = [h for h in heads if exact[0] in members[h]]
        if len(owners) == 1:
            hit_heads = owners
    if len(hit_heads) == 1:
        head = hit_heads[0]
        match.name = head
        match.names = sorted(s for s in members[head] if s in spoken)
        return match
    if hit_heads:
        match.suggestions = hit_heads[:5]
        return match
    # Close names: each typed word against the nearest word of the name, averaged.
    scores = {h: sum(max(fuzz.ratio(t, w) for w in known_words[h]) for t in wanted) / len(wanted) for h in heads}
    close = sorted((h for h in heads if scores[h] >= SUGGESTION_SCORE), key=lambda h: (-scores[h], h))
    match.suggestions = close[:5]
    return match


# --- quotes ----------------------------------------------------------------------------------------


def known_speakers(db: Database) -> list[str]:
    """Every distinct speaker name on a stored quote, sorted."""
    with db.session() as session:
        rows = session.scalars(select(QuoteRow.speaker).where(QuoteRow.speaker.is_not(None)).distinct())
        return sorted(set(rows))


def person_aliases(db: Database) -> dict[str, set[str]]:
    """Person actor name → other names the analysis saw for them, over all articles."""
    found: dict[str, set[str]] = {}
    with db.session() as session:
        for name, aliases in session.execute(select(ActorRow.name, ActorRow.aliases)
                                             .where(ActorRow.kind == "person")):
            found.setdefault(name, set()).update(a for a in (aliases or []) if isinstance(a, str))
    return found


def match_speaker(db: Database, query: str) -> SpeakerMatch:
    """Resolve a typed name against the stored speakers and person aliases."""
    return resolve_speaker(query, known_speakers(db), person_aliases(db))


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def quotes_by_speaker(db: Database, names: Iterable[str], *, since: date | None = None, limit: int = 5,
                      offset: int = 0) -> list[QuoteHit]:
    """Quotes whose speaker is one of `names`, newest article first."""
    names = list(names)
    if not names:
        return []
    query = (select(QuoteRow, ArticleRow.published_at, ArticleRow.title, ArticleRow.url, FeedRow.title,
                    FeedRow.url)
             .join(ArticleRow, ArticleRow.id == QuoteRow.article_id)
             .join(FeedRow, FeedRow.id == ArticleRow.feed_id)
             .where(QuoteRow.speaker.in_(names))
             .order_by(ArticleRow.published_at.desc(), ArticleRow.id.desc(), QuoteRow.start)
             .offset(max(offset, 0)).limit(max(limit, 0)))
    if since is not None:
        query = query.where(ArticleRow.published_at >= _start_of(since))
    with db.session() as session:
        return [QuoteHit(id=q.id, text=q.text, direct=q.direct, speaker=q.speaker or "", published=_utc(published),
                         title=title, url=url, source=feed_title or feed_url)
                for q, published, title, url, feed_title, feed_url in session.execute(query)]


def count_quotes_by_speaker(db: Database, names: Iterable[str], *, since: date | None = None) -> int:
    names = list(names)
    if not names:
        return 0
    query = (select(func.count(QuoteRow.id)).join(ArticleRow, ArticleRow.id == QuoteRow.article_id)
             .where(QuoteRow.speaker.in_(names)))
    if since is not None:
        query = query.where(ArticleRow.published_at >= _start_of(since))
    with db.session() as session:
        return int(session.scalar(query) or 0)


# --- deadlines -------------------------------------------------------------------------------------


def _like(term: str) -> str:
    escaped = term.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def find_deadlines(db: Database, *, today: date, topic: str | Iterable[str] | None = None, when: str | None = None,
                   due_on: Iterable[date] | None = None, limit: int = 20) -> list[DeadlineHit]:
    """Stated deadlines sorted by due date (those without a date last).

    Args:
        today: the day "overdue" and "upcoming" are measured from.
        topic: a word or name (or several, any of which may match) found in the deadline, its actor, its
            article's title or the article's actors.
        when: "overdue" (due before today), "upcoming" (due today or later), or None for all.
        due_on: only deadlines due on one of these days (reminders).
        limit: most deadlines returned.
    """
    query = (select(DeadlineRow, ArticleRow.title, ArticleRow.url, ArticleRow.published_at, FeedRow.title,
                    FeedRow.url, ArticleRow.story_id)
             .join(ArticleRow, ArticleRow.id == DeadlineRow.article_id)
             .join(FeedRow, FeedRow.id == ArticleRow.feed_id))
    terms = [topic] if isinstance(topic, str) else list(topic or [])
    matches = []
    for term in (t for t in terms if t):
        pattern = _like(term)
        actor_named = exists().where(and_(ActorRow.article_id == ArticleRow.id,
                                          func.lower(ActorRow.name).like(pattern, escape="\\")))
        matches += [func.lower(DeadlineRow.text).like(pattern, escape="\\"),
                    func.lower(DeadlineRow.action).like(pattern, escape="\\"),
                    func.lower(DeadlineRow.actor).like(pattern, escape="\\"),
                    func.lower(ArticleRow.title).like(pattern, escape="\\"),
                    actor_named]
    if matches:
        query = query.where(or_(*matches))
    if when == "overdue":
        query = query.where(DeadlineRow.due_date < today)
    elif when == "upcoming":
        query = query.where(DeadlineRow.due_date >= today)
    if due_on is not None:
        query = query.where(DeadlineRow.due_date.in_(list(due_on)))
    query = query.order_by(DeadlineRow.due_date.is_(None), DeadlineRow.due_date, ArticleRow.published_at.desc(),
                           DeadlineRow.id).limit(max(limit, 0))
    with db.session() as session:
        return [DeadlineHit(id=d.id, text=d.text, due=d.due, due_date=d.due_date, kind=d.kind, action=d.action,
                            actor=d.actor, title=title, url=url, source=feed_title or feed_url,
                            published=_utc(published), story_id=story_id)
                for d, title, url, published, feed_title, feed_url, story_id in session.execute(query)]


# --- feeds -----------------------------------------------------------------------------------------


def list_feeds(db: Database) -> list[FeedInfo]:
    """Every feed with its health and how many articles it gave, in URL order."""
    counts = (select(ArticleRow.feed_id, func.count(ArticleRow.id).label("n"))
              .group_by(ArticleRow.feed_id).subquery())
    query = (select(FeedRow, func.coalesce(counts.c.n, 0))
             .outerjoin(counts, counts.c.feed_id == FeedRow.id).order_by(FeedRow.url))
    with db.session() as session:
        return [FeedInfo(id=f.id, url=f.url, title=f.title, last_polled_at=f.last_polled_at,
                         consecutive_failures=f.consecutive_failures or 0, last_error=f.last_error,
                         retired=bool(f.retired), articles=int(n))
                for f, n in session.execute(query)]
