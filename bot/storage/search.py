"""Read queries behind the slash commands: quotes by person (names looked up in the people index), deadlines, feeds.

Every function takes the `Database` first and returns records; nothing here writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from bot.analysis.records import Deadline
from bot.domain.people import Choice, Directory, Query, Speaker, choose, name_tokens
from bot.storage import Database, in_chunks
from bot.storage import as_utc as _utc
from bot.storage.deadline_index import DueKey, indexed_matches, topic_filter
from bot.storage.models import ArticleCopyRow, ArticleRow, DeadlineRow, FeedRow, PersonRow, QuoteRow
from bot.storage.people import PersonSummary, candidates_for, count_quotes_of, person_summaries, quote_ids_of
from bot.storage.stories import best_deadline_telling, deadline_groups

MAX_QUERY_CHARS = 200

@dataclass
class SpeakerMatch:
    """What a typed name resolved to: one person (with every spelling of them), people sharing the name to
    choose from, or suggestions for a misspelt name."""

    query: str
    name: str | None = None
    role: str | None = None
    names: list[str] = field(default_factory=list)
    person_ids: list[int] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    choices: list[PersonSummary] = field(default_factory=list)
    shared: bool = False  # the choices share the typed name (not spelling suggestions)
    unresolved: bool = False  # the choices are surnames that articles naming this person left unresolved
    quote_count: int = 0  # the chosen people's stored quote counts, summed


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
    setter: str | None = None
    # The outlets that tell this deadline: its article's feed, the feeds carrying the same text, and those of the
    # story's other articles that repeat it (`find_deadlines` lists a story's deadline once).
    sources: list[str] = field(default_factory=list)
    article_id: int | None = None


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


# --- names ----------------------------------------------------------------------------------------


def _match(query: str, choice: Choice) -> SpeakerMatch:
    match = SpeakerMatch(query=query)
    if choice.chosen:
        head = choice.chosen[0]
        match.name, match.role = head.name, head.role
        match.person_ids = [p.id for p in choice.chosen if p.id is not None]
        match.names = sorted({alias for p in choice.chosen for alias in (p.aliases or [p.name])})
        match.quote_count = sum(p.quote_count for p in choice.chosen)
        return match
    match.suggestions = [p.name for p in choice.choices]
    match.shared = bool(choice.choices) and not choice.close and not choice.unresolved
    match.unresolved = choice.unresolved
    return match


def resolve_speaker(query: str, speakers: Iterable[str], aliases: dict[str, Iterable[str]] | None = None,
                    ) -> SpeakerMatch:
    """Find the person `query` means among speaker names, linked into people as analyses link them.

    Args:
        query: what the user typed: "Pompeo", "mike pompeo", "Secretary Pompeo".
        speakers: speaker names as stored on quotes.
        aliases: person name → other names the analysis saw for them ("Heather Nauert" → ["Nauert"]).
    """
    spoken = sorted({s for s in speakers if s and s.strip()}, key=lambda s: (-len(name_tokens(s)), s))
    owner = {alias: person for person, others in (aliases or {}).items() for alias in others if alias != person}
    directory = Directory()
    for name in spoken:
        person, is_new, _ = directory.link(Speaker(owner.get(name, name)))
        if is_new:
            person.id = len(directory.people)
            person.aliases = []
        if name not in person.aliases:
            person.aliases.append(name)
    return _match(query, choose(Query.of(query), directory.people))


def match_speaker(db: Database, query: str) -> SpeakerMatch:
    """Resolve a typed name against the stored people, through the name index."""
    with db.session() as session:
        return _match_speaker(session, query)


def _match_speaker(session: Session, query: str) -> SpeakerMatch:
    wanted = Query.of(query[:MAX_QUERY_CHARS])
    choice = choose(wanted, candidates_for(session, wanted))
    match = _match(query, choice)
    if choice.choices:
        match.choices = person_summaries(session, [p.id for p in choice.choices if p.id is not None])
    return match


def _people_by_ids(session: Session, person_ids: Iterable[int]) -> SpeakerMatch:
    """The people a button chose, as one match (the first named)."""
    ids = list(person_ids)
    rows = sorted(session.execute(select(PersonRow.id, PersonRow.name, PersonRow.role, PersonRow.aliases,
                                         PersonRow.quote_count).where(PersonRow.id.in_(ids))),
                  key=lambda row: ids.index(row.id))
    match = SpeakerMatch(query=rows[0].name if rows else "")
    if rows:
        match.name, match.role = rows[0].name, rows[0].role
        match.person_ids = [row.id for row in rows]
        match.names = sorted({alias for row in rows for alias in (row.aliases or [row.name])})
        match.quote_count = sum(row.quote_count or 0 for row in rows)
    return match


@dataclass
class QuoteTotal:
    count: int
    more: bool = False  # counting stopped at `count`: there are more


@dataclass
class SpeakerPage:
    """One /who-said answer: whom the name means, how many quotes they have, and one page of them."""

    match: SpeakerMatch
    total: QuoteTotal
    hits: list[QuoteHit]
    anyone: bool = True  # some quote has a known speaker (looked up only when the name found nobody)


def speaker_page(db: Database, query: str, person_ids: Sequence[int] = (), *, since: date | None = None,
                 limit: int = 5, offset: int = 0, after: tuple[datetime, int] | None = None) -> SpeakerPage:
    """Whom a typed name (or the people a button chose) means and one page of their quotes, newest first, read in
    one transaction: the total is the people's stored counts (counted up to a bound `since` a day)."""
    with db.session() as session:
        match = _people_by_ids(session, person_ids) if person_ids else _match_speaker(session, query)
        if match.name is None:
            anyone = bool(match.suggestions) or session.scalar(select(PersonRow.id).limit(1)) is not None
            return SpeakerPage(match, QuoteTotal(0), [], anyone)
        total = (QuoteTotal(match.quote_count) if since is None
                 else QuoteTotal(*count_quotes_of(session, match.person_ids, since=_start_of(since))))
        hits = _quote_hits(session, match.person_ids, since=since, limit=limit, offset=offset, after=after)
        return SpeakerPage(match, total, hits)


def known_speakers(db: Database, limit: int = 100) -> list[str]:
    """Names of the most quoted people, sorted (empty when no quote has a speaker yet)."""
    with db.session() as session:
        return sorted(session.scalars(select(PersonRow.name).where(PersonRow.quote_count > 0)
                                      .order_by(PersonRow.quote_count.desc()).limit(limit)))


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def quotes_by_speaker(db: Database, person_ids: Iterable[int], *, since: date | None = None, limit: int = 5,
                      offset: int = 0, after: tuple[datetime, int] | None = None) -> list[QuoteHit]:
    """Quotes of these people, newest first (a page starts `offset` quotes in, or after the quote `after` =
    (published, id) of the previous page)."""
    with db.session() as session:
        return _quote_hits(session, list(person_ids), since=since, limit=limit, offset=offset, after=after)


def _quote_hits(session: Session, ids: list[int], *, since: date | None, limit: int, offset: int,
                after: tuple[datetime, int] | None) -> list[QuoteHit]:
    if not ids:
        return []
    page = quote_ids_of(session, ids, since=_start_of(since) if since else None, after=after, offset=offset,
                        limit=limit)
    if not page:
        return []
    published_of = dict(page)
    rows = session.execute(
        select(QuoteRow.id, QuoteRow.text, QuoteRow.direct, QuoteRow.speaker, ArticleRow.title, ArticleRow.url,
               FeedRow.title, FeedRow.url)
        .join(ArticleRow, ArticleRow.id == QuoteRow.article_id)
        .join(FeedRow, FeedRow.id == ArticleRow.feed_id)
        .where(QuoteRow.id.in_(list(published_of)))).all()
    found = {quote_id: QuoteHit(id=quote_id, text=text, direct=direct, speaker=speaker or "",
                                published=published_of[quote_id], title=title, url=url, source=feed_title or feed_url)
             for quote_id, text, direct, speaker, title, url, feed_title, feed_url in rows}
    return [found[quote_id] for quote_id, _ in page if quote_id in found]


# --- deadlines -------------------------------------------------------------------------------------


MAX_TELLINGS_READ = 2000  # deadlines read at most to fill a list once a story's repeats are folded
CANDIDATES_SORTED = 2000  # a topic matching at most this many deadlines is sorted whole; more are read in order
PROBED = 1000  # deadlines first tested in due order for a topic: a frequent one needs no trigram lookup
# Deadlines walked in due order for a topic of many matches on PostgreSQL. Asked for its first rows with the topic
# test alone, it cannot estimate how many rows a substring test keeps (it guessed 14 of 335,000 for a country in
# 24,600) and scanned and sorted the whole table (155 ms at 390,000 deadlines); the walk's own LIMIT makes it read
# the index in order and stop at the last row needed.
WALKED = 50_000


def find_deadlines(db: Database, *, today: date, topic: str | Iterable[str] | None = None, when: str | None = None,
                   due_on: Iterable[date] | None = None, limit: int = 20) -> list[DeadlineHit]:
    """Stated deadlines sorted by due date (those without a date last), newest article first on one day.

    Args:
        today: the day "overdue" and "upcoming" are measured from.
        topic: a word or name (or several, any of which may match) found in the deadline, its actor, its
            article's title or the article's actors (`bot.storage.deadline_index`).
        when: "overdue" (due before today), "upcoming" (due today or later), or None for all.
        due_on: only deadlines due on one of these days (reminders).
        limit: most deadlines returned.
    """
    terms = [t for t in ([topic] if isinstance(topic, str) else list(topic or [])) if t]
    days = set(due_on) if due_on is not None else None
    conditions: list[ColumnElement[bool]] = []
    if when == "overdue":
        conditions.append(DeadlineRow.due_date < today)
    elif when == "upcoming":
        conditions.append(DeadlineRow.due_date >= today)
    if days is not None:
        conditions.append(DeadlineRow.due_date.in_(sorted(days)))

    def in_range(due: date | None) -> bool:  # the same conditions, for a topic's few matches
        return ((when is None or (due is not None and (due < today) == (when == "overdue")))
                and (days is None or due in days))

    if limit <= 0:
        return []
    with db.session() as session:
        order = _DueOrder(session, terms, conditions, in_range)
        read: dict[int, DeadlineHit] = {}
        wanted = limit
        while True:  # a story's repeats count once: read further while they leave the list short
            ids = order.first(wanted)
            read.update((hit.id, hit) for hit in _deadline_hits(session, [i for i in ids if i not in read]))
            hits = _once_per_story([read[i] for i in ids if i in read])
            if len(hits) >= limit or len(ids) < wanted or wanted >= MAX_TELLINGS_READ:
                return hits[:limit]
            wanted = min(wanted * 4, MAX_TELLINGS_READ)


def _once_per_story(hits: list[DeadlineHit]) -> list[DeadlineHit]:
    """Each deadline of a story once (`bot.storage.stories.deadline_groups`: the same kind and due date and
    plausibly the same act), in the place of its first hit, as its best-formed telling with the outlets of all."""
    by_story: dict[int, list[int]] = {}
    for index, hit in enumerate(hits):
        if hit.story_id is not None:
            by_story.setdefault(hit.story_id, []).append(index)
    replaced: dict[int, DeadlineHit] = {}
    dropped: set[int] = set()
    for indexes in by_story.values():
        tellings = [Deadline(hits[i].text, 0, 0, hits[i].due, hits[i].kind, hits[i].action, hits[i].actor,
                             hits[i].setter) for i in indexes]
        for group in deadline_groups(tellings, [hits[i].article_id for i in indexes]):
            members = [indexes[i] for i in group]
            best = hits[members[best_deadline_telling([tellings[i] for i in group])]]
            told = sorted(members, key=lambda i: (hits[i].published, hits[i].id))  # the outlets in order of telling
            sources = list(dict.fromkeys(name for i in told for name in hits[i].sources))
            setter = best.setter or next((hits[i].setter for i in members if hits[i].setter), None)
            replaced[members[0]] = replace(best, sources=sources, setter=setter)
            dropped.update(members[1:])
    return [replaced.get(i, hit) for i, hit in enumerate(hits) if i not in dropped]


class _DueOrder:
    """The deadlines meeting `conditions` (`in_range`) and holding a term, in due order, read further on request
    (`first`); read from the deadlines alone (the articles are joined for those few only). What one read learns
    about a topic is kept for the next: its few matches, sorted, or that it has many (`find_deadlines` reads
    again when folding a story's repeats leaves a page short, and looking the topic up again each time tripled
    the time of a middling topic such as a country in a few hundred stories)."""

    def __init__(self, session: Session, terms: list[str], conditions: list[ColumnElement[bool]],
                 in_range: Callable[[date | None], bool]) -> None:
        self.session, self.terms, self.conditions, self.in_range = session, terms, conditions, in_range
        self.matches: list[int] | None = None  # a topic's few matches, all of them in due order
        self.many = False  # the topic has too many matches to sort: they are tested row by row in due order

    def first(self, limit: int) -> list[int]:
        """The ids of the first `limit` deadlines."""
        if self.matches is not None:
            return self.matches[:limit]
        conditions = self.conditions
        if self.terms and not self.many:
            probed = _first_ids(self.session, [*conditions, DeadlineRow.due_date.is_not(None)], limit,
                                among=PROBED, terms=self.terms)
            if len(probed) == limit:  # a frequent topic: its first deadlines are among the first few hundred
                return probed
            # A topic's matches over all dates, through the trigram index alone: given the date range too,
            # PostgreSQL preferred walking the dates and testing each row (230 ms for an absent topic at 200,000
            # deadlines).
            found = indexed_matches(self.session, self.terms, CANDIDATES_SORTED)
            if found is not None:  # few: sort them all
                self.matches = [key.id for key in sorted((k for k in found if self.in_range(k.due_date)),
                                                         key=_due_order)]
                return self.matches[:limit]
            self.many = True
        if self.terms and self.session.get_bind().dialect.name == "postgresql":
            # Many: the first ones in due order come soon, walking the due order (SQLite walks it unasked, and
            # would sort the whole walk).
            walked = _first_ids(self.session, [*conditions, DeadlineRow.due_date.is_not(None)], limit,
                                among=WALKED, terms=self.terms)
            if len(walked) == limit:
                return walked
        if self.terms:
            conditions = [*conditions, topic_filter(self.terms)]
        ids = _in_due_order(self.session, [*conditions, DeadlineRow.due_date.is_not(None)], limit)
        if len(ids) < limit:
            ids += _in_due_order(self.session, [*conditions, DeadlineRow.due_date.is_(None)], limit - len(ids))
        return ids


def _due_order(key: DueKey) -> tuple[bool, date, float, int]:
    published = _utc(key.published_at)
    return key.due_date is None, key.due_date or date.min, -published.timestamp() if published else 0.0, key.id


def _in_due_order(session: Session, conditions: list[ColumnElement[bool]], limit: int) -> list[int]:
    """The first `limit` deadline ids meeting `conditions` in due order, through `ix_deadlines_due_order`."""
    return list(session.scalars(select(DeadlineRow.id).where(*conditions)
                                .order_by(DeadlineRow.due_date, DeadlineRow.published_at.desc(), DeadlineRow.id)
                                .limit(limit)))


def _first_ids(session: Session, conditions: list[ColumnElement[bool]], limit: int, *, among: int,
               terms: list[str]) -> list[int]:
    """The first `limit` deadline ids holding a term among the first `among` deadlines meeting `conditions`."""
    order = (DeadlineRow.due_date, DeadlineRow.published_at.desc(), DeadlineRow.id)
    first = (select(DeadlineRow.id, DeadlineRow.due_date, DeadlineRow.published_at, DeadlineRow.search_text)
             .where(*conditions).order_by(*order).limit(among).subquery())
    found = select(first.c.id).where(topic_filter(terms, first.c.search_text))
    found = found.order_by(first.c.due_date, first.c.published_at.desc(), first.c.id).limit(limit)
    return list(session.scalars(found))


def _deadline_hits(session: Session, ids: list[int]) -> list[DeadlineHit]:
    """These deadlines with their articles and feeds, in the order of `ids`."""
    found: dict[int, DeadlineHit] = {}
    for chunk in in_chunks(ids):
        query = (select(DeadlineRow, ArticleRow.title, ArticleRow.url, ArticleRow.published_at, FeedRow.title,
                        FeedRow.url, ArticleRow.story_id)
                 .join(ArticleRow, ArticleRow.id == DeadlineRow.article_id)
                 .join(FeedRow, FeedRow.id == ArticleRow.feed_id)
                 .where(DeadlineRow.id.in_(chunk)))
        for d, title, url, published, feed_title, feed_url, story_id in session.execute(query):
            found[d.id] = DeadlineHit(id=d.id, text=d.text, due=d.due, due_date=d.due_date, kind=d.kind,
                                      action=d.action, actor=d.actor, title=title, url=url,
                                      source=feed_title or feed_url, published=_utc(published), story_id=story_id,
                                      setter=d.setter, sources=[feed_title or feed_url], article_id=d.article_id)
        copies = (select(DeadlineRow.id, FeedRow.title, FeedRow.url)
                  .join(ArticleCopyRow, ArticleCopyRow.article_id == DeadlineRow.article_id)
                  .join(FeedRow, FeedRow.id == ArticleCopyRow.feed_id)
                  .where(DeadlineRow.id.in_(chunk)).order_by(ArticleCopyRow.id))
        for deadline_id, feed_title, feed_url in session.execute(copies):
            hit = found.get(deadline_id)
            if hit is not None and (feed_title or feed_url) not in hit.sources:
                hit.sources.append(feed_title or feed_url)
    return [found[i] for i in ids if i in found]


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
