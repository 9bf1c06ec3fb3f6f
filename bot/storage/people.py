"""People across articles: quotes linked to stored persons when an analysis is saved, and names looked up
through the name-token index (pg_trgm or stored 3-grams for spelling mistakes) so that a lookup compares a
few dozen people, never every name."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any, cast
from weakref import WeakKeyDictionary

from rapidfuzz import fuzz
from sqlalchemy import (
    Connection,
    Engine,
    Select,
    Table,
    bindparam,
    case,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy import column as sa_column
from sqlalchemy import table as sa_table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.domain.people import (
    SUGGESTION_SCORE,
    Directory,
    Person,
    Query,
    Speaker,
    affiliation,
    count_role,
    identity_key,
    index_tokens,
    is_person_name,
    merge_into,
    name_key,
    name_tokens,
    only_them,
    trigrams,
)
from bot.storage import as_utc as _utc
from bot.storage import in_chunks as _chunks
from bot.storage.models import (
    ActorRow,
    ArticleRow,
    Base,
    PersonRow,
    PersonTokenRow,
    PersonWordRow,
    QuoteRow,
    StoryRow,
    TokenGramRow,
)

MAX_CANDIDATES = 60  # people compared with a typed name
MAX_SIMILAR_TOKENS = 10  # index words read as possible misspellings of one typed word
MAX_CLOSE_TOKENS = 4  # of which those kept (about as close as the closest)
SIMILARITY_MARGIN = 0.1  # pg_trgm similarity below the closest word's that still counts as as close
RATIO_MARGIN = 8  # the same in rapidfuzz ratio points (SQLite)
TRIGRAM_THRESHOLD = 0.25  # pg_trgm similarity of a misspelt word ("mogreni" ~ "mogherini" is 0.29)
MAX_TOKEN = 100
MAX_NAMESAKES = 10

_trigram_schemas: WeakKeyDictionary[Engine, tuple[str | None]] = WeakKeyDictionary()  # per engine (a search path)


# --- linking speakers when an analysis is saved ----------------------------------------------------------


def speaker_of(quote: QuoteRow | Any, actors: Sequence[ActorRow | Any]) -> Speaker | None:
    """Who a stored quote's speaker is, with the role the article's actor record gives them and the country
    and organisation that role names among the article's actors (rows or result rows with the same attribute
    names)."""
    name = quote.speaker
    if name is None or not is_person_name(name):
        return None
    actor = next((a for a in actors if a.name == name), None)
    if actor is None:
        holders = [a for a in actors if a.kind == "person" and name in (a.aliases or [])]
        if len(holders) == 1:
            actor = holders[0]
            name = actor.name
    role = getattr(quote, "speaker_role", None) or (actor.role if actor is not None else None)
    role = role[:300] if role else None
    named = {kind: [(a.name, list(getattr(a, "aliases", None) or [])) for a in actors if a.kind == kind]
             for kind in ("country", "organization")}
    country = affiliation(role, named["country"])
    organisation = affiliation(role, named["organization"])
    tokens = name_tokens(name)
    namesakes: tuple[str, ...] = ()
    if len(tokens) == 1:
        namesakes = tuple(sorted({a.name[:300] for a in actors if a.kind == "person" and a.name != name
                                  and name_tokens(a.name)[-1:] == tokens}))
    return Speaker(name=name[:300], role=role, organisation=organisation[:300] if organisation else None,
                   country=country[:100] if country else None, namesakes=namesakes[:MAX_NAMESAKES])


def forget_article_speakers(session: Session, article_id: int) -> None:
    """Take the article's stored quotes out of their people's counts (before the quotes are replaced): one
    statement, whatever the number of people."""
    quotes = QuoteRow.__table__.c
    of_person = (select(func.count()).where(quotes.article_id == article_id, quotes.speaker_id == _people.id)
                 .scalar_subquery())
    lowered = _people.quote_count - of_person
    floor = (func.greatest(lowered, 0) if session.get_bind().dialect.name == "postgresql"
             else func.max(lowered, 0))
    session.execute(update(_PEOPLE_TABLE)
                    .where(_people.id.in_(select(quotes.speaker_id).where(quotes.article_id == article_id,
                                                                          quotes.speaker_id.is_not(None))))
                    .values(quote_count=floor))


def _state(person: Person) -> tuple[Any, ...]:
    return (person.role, person.organisation, person.country, list(person.aliases), dict(person.role_words))


def link_article_speakers(session: Session, article_id: int) -> None:
    """Link each stored quote of the article to its person (found by name and role, or new), copy the
    article's publication time onto it, and fold a surname-only entry into a new full-name person it can only
    be."""
    session.flush()
    article = session.get(ArticleRow, article_id)
    if article is None:
        return
    quotes = list(session.scalars(select(QuoteRow).where(QuoteRow.article_id == article_id).order_by(QuoteRow.id)))
    if not quotes:
        return
    actors = list(session.scalars(select(ActorRow).where(ActorRow.article_id == article_id)))
    link_speakers(session, article, quotes, actors)
    session.flush()


def link_speakers(session: Session, article: ArticleRow, quotes: Sequence[QuoteRow],
                  actors: Sequence[ActorRow]) -> None:
    """Link quote rows of the article (stored or about to be) to their people: sets each row's `speaker_id` and
    `published_at`, and stores what the article teaches about its people, in a few statements for the whole
    article (one lookup of the candidates, one update of all their counts, in person order so that two
    articles naming the same people lock them in the same order)."""
    speakers = [speaker_of(q, actors) for q in quotes]
    for quote in quotes:
        quote.published_at = article.published_at
        quote.speaker_id = None
    distinct = sorted({s for s in speakers if s is not None}, key=lambda s: (-len(s.tokens), s.name))
    if not distinct:
        return
    directory = Directory(load_candidates(session, distinct))
    known = {id(p): _state(p) for p in directory.people}
    people_of: dict[Speaker, Person] = {}
    created: list[Person] = []
    counted: set[int] = set()  # people whose role words this article already counted
    for speaker in distinct:  # full names first: a surname of the same article may then join them
        person, is_new, _ = directory.link(speaker, new_article=False)
        people_of[speaker] = person
        if is_new:
            _insert_or_get(session, person, known)
            created.append(person)
        elif id(person) not in counted:
            count_role(person, speaker)
        counted.add(id(person))
    counts: dict[int, int] = defaultdict(int)
    linked: dict[int, Person] = {}
    for quote, said_by in zip(quotes, speakers, strict=True):
        if said_by is None:
            continue
        person = people_of[said_by]
        assert person.id is not None
        linked[person.id] = person
        quote.speaker_id = person.id
        counts[person.id] += 1
    counted_only: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for person_id in sorted(counts):
        person = linked[person_id]
        values: dict[str, Any] = {"person": person_id, "count": counts[person_id],
                                  "published": article.published_at, "article": article.id}
        if known.get(id(person)) != _state(person):
            values.update(role=person.role, organisation=person.organisation, country=person.country,
                          aliases=list(person.aliases), role_words=dict(person.role_words))
            changed.append(values)
        else:
            counted_only.append(values)
    for statement, rows in ((_COUNT_QUOTES, counted_only), (_COUNT_QUOTES_AND_LEARN, changed)):
        if rows:
            session.execute(statement, rows)
    _index_people(session, [linked[row["person"]] for row in changed])
    for person in created:
        if len(person.tokens) >= 2:
            _fold_surname_entries(session, person)


def _touch(session: Session, person_id: int, published: datetime | None, article_id: int | None) -> None:
    """Remember the article as the person's most recent when it is."""
    if published is None:
        return
    session.execute(update(PersonRow).where(PersonRow.id == person_id,
                                            (PersonRow.last_published_at.is_(None))
                                            | (PersonRow.last_published_at <= published))
                    .values(last_published_at=published, last_article_id=article_id))


MAX_SURNAME_HOLDERS = 200  # people sharing a surname read to decide whether a surname entry can only be one


def _fold_surname_entries(session: Session, person: Person) -> None:
    """A surname-only entry saved before this full-name person existed joins them now when they are the one
    compatible person with that surname (the rule a surname met later follows); otherwise it stays apart."""
    surname = person.tokens[-1][:MAX_TOKEN]
    current = {"populate_existing": True}  # the rows as stored now (this article's counts were updated in SQL)
    entries = [_person(row) for row in session.scalars(select(PersonRow).where(PersonRow.name_key == surname),
                                                       execution_options=current)]
    entries = [e for e in entries if e.surname_only]
    if not entries:
        return
    holder_ids = list(session.scalars(select(PersonTokenRow.person_id).where(PersonTokenRow.token == surname)
                                      .limit(MAX_SURNAME_HOLDERS + 1)))
    if len(holder_ids) > MAX_SURNAME_HOLDERS:
        return
    holders = [_person(row) for row in session.scalars(select(PersonRow).where(PersonRow.id.in_(holder_ids)),
                                                       execution_options=current)]
    holders = [person if h.id == person.id else h for h in holders]
    for entry in entries:
        if only_them(entry, holders) is not person or entry.id is None or person.id is None:
            continue
        row = session.get(PersonRow, entry.id)
        session.execute(update(QuoteRow).where(QuoteRow.speaker_id == entry.id).values(speaker_id=person.id))
        merge_into(person, entry)
        session.execute(update(PersonRow).where(PersonRow.id == person.id).values(
            quote_count=PersonRow.quote_count + entry.quote_count, role=person.role,
            organisation=person.organisation, country=person.country, aliases=list(person.aliases),
            role_words=dict(person.role_words)))
        if row is not None:
            _touch(session, person.id, row.last_published_at, row.last_article_id)
        session.execute(delete(PersonTokenRow).where(PersonTokenRow.person_id == entry.id))
        session.execute(delete(PersonRow).where(PersonRow.id == entry.id))
        if row is not None:
            session.expunge(row)
        _index_person(session, person)


def _insert_or_get(session: Session, person: Person, known: dict[int, tuple[Any, ...]]) -> None:
    """Store a new person, or, when another worker stored the same identity first, take theirs (learning what
    this one adds). Sets `person.id`."""
    key = identity_key(person)
    dialect = session.get_bind().dialect.name
    insert_for = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {"name": person.name[:300], "name_key": name_key(person.tokens)[:300], "aliases": list(person.aliases),
              "role": person.role, "organisation": person.organisation, "country": person.country,
              "quote_count": 0, "identity_key": key, "role_words": dict(person.role_words),
              "namesakes": list(person.namesakes)}
    new_id = session.execute(insert_for(PersonRow).values(**values)
                             .on_conflict_do_nothing(index_elements=["identity_key"])
                             .returning(PersonRow.id)).scalar()
    if new_id is not None:
        person.id = new_id
        known[id(person)] = _state(person)
        _index_person(session, person)
        return
    row = session.scalars(select(PersonRow).where(PersonRow.identity_key == key)).one()
    stored = _person(row)
    merge_into(stored, person)  # what this save adds to the stored person
    person.id, person.role, person.organisation, person.country = stored.id, stored.role, stored.organisation, \
        stored.country
    person.aliases, person.role_words, person.quote_count = stored.aliases, stored.role_words, row.quote_count or 0
    known[id(person)] = _state(_person(row))


def _index_person(session: Session, person: Person) -> None:
    """Add the person's words (and their 3-grams where pg_trgm is missing) to the name index."""
    _index_people(session, [person])


def _index_people(session: Session, people: Sequence[Person]) -> None:
    """Add these people's words (and their 3-grams where pg_trgm is missing) to the name index, one statement
    per table for all of them."""
    pairs = sorted({(t[:MAX_TOKEN], person.id) for person in people if person.id is not None
                    for t in index_tokens(person)})
    if not pairs:
        return
    words = sorted({t for t, _ in pairs if not t.startswith("role:")})
    insert_ignoring(session, PersonTokenRow, [{"token": t, "person_id": i} for t, i in pairs])
    insert_ignoring(session, PersonWordRow, [{"token": t} for t in words])
    if trigram_schema(session) is None:
        insert_ignoring(session, TokenGramRow, [{"gram": g, "token": t} for t in words for g in sorted(trigrams(t))])


def insert_ignoring(session: Session, table: type[Base], rows: list[dict[str, Any]]) -> None:
    """Insert rows, skipping those whose key is already stored."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table).on_conflict_do_nothing()
    for chunk in _chunks(rows):
        session.execute(statement, list(chunk))


def _person(row: PersonRow) -> Person:
    return Person(id=row.id, name=row.name, role=row.role, organisation=row.organisation, country=row.country,
                  aliases=list(row.aliases or []), quote_count=row.quote_count or 0,
                  role_words=dict(row.role_words or {}), namesakes=tuple(row.namesakes or ()))


def load_candidates(session: Session, speakers: Sequence[Speaker]) -> list[Person]:
    """The stored people these speakers may be: those with a full name's first and last words, and those
    with a lone surname's word."""
    wanted_of: list[set[str]] = []
    for speaker in set(speakers):
        tokens = [t[:MAX_TOKEN] for t in speaker.tokens]
        if tokens:
            wanted_of.append({tokens[0], tokens[-1]})
    holders: dict[str, set[int]] = defaultdict(set)  # the words wanted → people with that word, in one lookup
    for words in _chunks(sorted(set().union(*wanted_of))):
        for token, person_id in session.execute(select(PersonTokenRow.token, PersonTokenRow.person_id)
                                                .where(PersonTokenRow.token.in_(words))):
            holders[token].add(person_id)
    ids: set[int] = set()
    for wanted in wanted_of:  # those with all the words a speaker's name asks for
        ids.update(set.intersection(*(holders[w] for w in wanted)))
    people = []
    for chunk in _chunks(sorted(ids)):
        people += [_person(row) for row in session.scalars(select(PersonRow).where(PersonRow.id.in_(chunk)))]
    return people


# --- looking a typed name up -------------------------------------------------------------------------------


def trigram_schema(session: Session | Connection) -> str | None:
    """The schema of PostgreSQL's pg_trgm extension, or None (SQLite, or not installed)."""
    connection = session.connection() if isinstance(session, Session) else session
    if connection.dialect.name != "postgresql":
        return None
    engine = connection.engine
    if engine not in _trigram_schemas:
        _trigram_schemas[engine] = (connection.scalar(text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'")),)
    return _trigram_schemas[engine][0]


def similar_tokens(session: Session, token: str) -> list[str]:
    """Index words spelt like `token` (a misspelling of it), closest first: those about as close as the
    closest (each further word brings every person sharing it into the comparison)."""
    token = token[:MAX_TOKEN]
    if len(token) < 3:
        return []
    schema = trigram_schema(session)
    if schema is not None:
        session.execute(text(f"SET LOCAL pg_trgm.similarity_threshold = {TRIGRAM_THRESHOLD}"))
        quoted = '"' + schema.replace('"', '""') + '"'
        rows = session.execute(text(
            f"SELECT token, {quoted}.similarity(token, :t) AS score FROM person_words "
            f"WHERE token OPERATOR({quoted}.%) :t ORDER BY score DESC, token LIMIT :n"),
            {"t": token, "n": MAX_SIMILAR_TOKENS}).all()
        scored = [(float(score) * 100, found) for found, score in rows]
        margin = SIMILARITY_MARGIN * 100
    else:
        grams = sorted(trigrams(token))
        shared = func.count(TokenGramRow.gram)
        rows = session.execute(select(TokenGramRow.token, shared).where(TokenGramRow.gram.in_(grams))
                               .group_by(TokenGramRow.token).having(shared >= max(2, len(grams) // 3))
                               .order_by(shared.desc()).limit(MAX_SIMILAR_TOKENS * 4)).all()
        scored = sorted(((fuzz.ratio(token, t), t) for t, _ in rows if fuzz.ratio(token, t) >= SUGGESTION_SCORE),
                        reverse=True)
        margin = RATIO_MARGIN
    if not scored:
        return []
    best = scored[0][0]
    return [found for score, found in scored if score >= best - margin][:MAX_CLOSE_TOKENS]


def candidates_for(session: Session, query: Query) -> list[Person]:
    """The few dozen people a typed name may mean, in one indexed lookup: people sharing its words and, for a
    word no name has, words spelt like it; a bare title ("the spokeswoman") gives the people with that office."""
    words = [t[:MAX_TOKEN] for t in query.tokens]
    if not words:
        return _people_with_tokens(session, [f"role:{w}" for w in sorted(query.offices)])
    known = set(session.connection().scalars(_KNOWN_WORDS, {"words": sorted(set(words))}))
    similar = [t for w in words if w not in known for t in similar_tokens(session, w)]
    return _people_with_tokens(session, [w for w in words if w in known] + similar)


# The lookups of every /who-said, built once (Core statements on the tables: no ORM work per query).
_PEOPLE_TABLE = cast(Table, PersonRow.__table__)
_people, _tokens, _words = _PEOPLE_TABLE.c, PersonTokenRow.__table__.c, PersonWordRow.__table__.c
_KNOWN_WORDS = select(_words.token).where(_words.token.in_(bindparam("words", expanding=True)))
_MATCHED = (select(_tokens.person_id, func.count().label("words"))
            .where(_tokens.token.in_(bindparam("tokens", expanding=True))).group_by(_tokens.person_id).subquery())
_PEOPLE_WITH_TOKENS = (
    select(_people.id, _people.name, _people.role, _people.organisation, _people.country, _people.aliases,
           _people.quote_count, _people.role_words, _people.namesakes)
    .join_from(PersonRow.__table__, _MATCHED, _MATCHED.c.person_id == _people.id)
    .order_by(_MATCHED.c.words.desc(), _people.quote_count.desc(), _people.id).limit(MAX_CANDIDATES))


# A person's counts after an article quotes them (bound: person, count, published, article; the newest article
# is kept as their most recent), and the same with what the article taught about them (role, organisation,
# country, aliases, role_words): each executed once for all the people of an article.
_PUBLISHED = bindparam("published", type_=_people.last_published_at.type)
_NEWER = or_(_people.last_published_at.is_(None), _people.last_published_at <= _PUBLISHED)
_COUNT_QUOTES = (update(_PEOPLE_TABLE).where(_people.id == bindparam("person"))
                 .values(quote_count=_people.quote_count + bindparam("count", type_=_people.quote_count.type),
                         last_published_at=case((_NEWER, _PUBLISHED), else_=_people.last_published_at),
                         last_article_id=case((_NEWER, bindparam("article", type_=_people.last_article_id.type)),
                                              else_=_people.last_article_id)))
_COUNT_QUOTES_AND_LEARN = _COUNT_QUOTES.values(
    role=bindparam("role", type_=_people.role.type), organisation=bindparam("organisation", type_=_people.organisation.type),
    country=bindparam("country", type_=_people.country.type), aliases=bindparam("aliases", type_=_people.aliases.type),
    role_words=bindparam("role_words", type_=_people.role_words.type))


def _people_with_tokens(session: Session, tokens: Sequence[str]) -> list[Person]:
    if not tokens:
        return []
    rows = session.connection().execute(_PEOPLE_WITH_TOKENS, {"tokens": sorted(set(tokens))})
    return [Person(id=i, name=name, role=role, organisation=organisation, country=country,
                   aliases=list(aliases or []), quote_count=count or 0, role_words=dict(words or {}),
                   namesakes=tuple(namesakes or ()))
            for i, name, role, organisation, country, aliases, count, words, namesakes in rows]


@dataclass
class PersonSummary:
    """A person as a choice list shows them: name, role, quotes and the most recent story."""

    id: int
    name: str
    role: str | None
    country: str | None
    quote_count: int
    last_published: datetime | None
    last_story: str | None
    namesakes: list[str] = field(default_factory=list)  # a surname entry: whom its articles could not tell apart


def person_summaries(session: Session, ids: Sequence[int]) -> list[PersonSummary]:
    """Summaries of these people, in the order given."""
    if not ids:
        return []
    rows = session.connection().execute(_SUMMARIES, {"ids": list(ids)})
    found = {p.id: PersonSummary(p.id, p.name, p.role, p.country, p.quote_count or 0, _utc(p.last_published_at),
                                 p.story_title or p.article_title, list(p.namesakes or []))
             for p in rows}
    return [found[i] for i in ids if i in found]


_articles, _stories = ArticleRow.__table__.c, StoryRow.__table__.c
_SUMMARIES = (
    select(_people.id, _people.name, _people.role, _people.country, _people.quote_count, _people.last_published_at,
           _people.namesakes, _articles.title.label("article_title"), _stories.title.label("story_title"))
    .select_from(PersonRow.__table__.outerjoin(ArticleRow.__table__, _articles.id == _people.last_article_id)
                 .outerjoin(StoryRow.__table__, _stories.id == _articles.story_id))
    .where(_people.id.in_(bindparam("ids", expanding=True))))


def quote_ids_of(session: Session, person_ids: Iterable[int], *, since: date | datetime | None = None,
                 after: tuple[datetime, int] | None = None, offset: int = 0, limit: int = 5,
                 ) -> list[tuple[int, datetime]]:
    """(quote id, published) of these people's quotes, newest first, each person read through the
    (speaker_id, published_at desc, id) index and merged."""
    found: list[tuple[datetime, int]] = []
    query = _quote_page(since is not None, after is not None)
    values: dict[str, Any] = {"since": since, "limit": max(limit, 0) + (0 if after is not None else max(offset, 0))}
    if after is not None:
        values.update(after_published=after[0], after_id=after[1])
    connection = session.connection()
    for person_id in person_ids:
        found += [(when, quote_id) for quote_id, published in connection.execute(query, {**values, "person": person_id})
                  if (when := _utc(published)) is not None]
    found.sort(key=lambda pair: (-pair[0].timestamp(), pair[1]))
    start = 0 if after is not None else max(offset, 0)
    return [(quote_id, published) for published, quote_id in found[start:start + max(limit, 0)]]


@lru_cache(maxsize=4)
def _quote_page(since: bool, after: bool) -> Select[int, datetime | None]:
    """A person's quote ids newest first through ix_quotes_speaker_published (bound: person, limit, and
    since or after_published and after_id)."""
    quotes = QuoteRow.__table__.c
    query = select(quotes.id, quotes.published_at).where(quotes.speaker_id == bindparam("person"))
    if since:
        query = query.where(quotes.published_at >= bindparam("since", type_=quotes.published_at.type))
    if after:
        published = bindparam("after_published", type_=quotes.published_at.type)
        quote_id = bindparam("after_id", type_=quotes.id.type)
        query = query.where((quotes.published_at < published) | ((quotes.published_at == published)
                                                                  & (quotes.id > quote_id)))
    return query.order_by(quotes.published_at.desc(), quotes.id).limit(bindparam("limit"))


def count_quotes_of(session: Session, person_ids: Sequence[int], *, since: date | datetime | None = None,
                    cap: int = 1000) -> tuple[int, bool]:
    """How many quotes these people have (from the stored counts; with `since`, counted up to `cap`):
    (count, whether the count stopped at the cap)."""
    if since is None:
        return int(session.scalar(select(func.coalesce(func.sum(PersonRow.quote_count), 0))
                                  .where(PersonRow.id.in_(list(person_ids)))) or 0), False
    total = 0
    for person_id in person_ids:
        bounded = (select(QuoteRow.id).where(QuoteRow.speaker_id == person_id, QuoteRow.published_at >= since)
                   .limit(cap + 1 - total).subquery())
        total += int(session.scalar(select(func.count()).select_from(bounded)) or 0)
        if total > cap:
            return cap, True
    return total, False


@dataclass
class Tally:
    """What a person's row counts: quotes, and the newest article quoting them."""

    quotes: int = 0
    last_published: datetime | None = None
    last_article_id: int | None = None

    def add(self, published: datetime | None, article_id: int) -> None:
        self.quotes += 1
        if published is not None and (self.last_published is None or published >= self.last_published):
            self.last_published, self.last_article_id = published, article_id


def insert_people(connection: Connection, people: Sequence[Person], tallies: dict[int, Tally], *,
                  schema_0005: bool = False) -> None:
    """Bulk-write people linked in memory (ids already given) with their name index: for migrations and the
    benchmark, which link many quotes at once (`schema_0005`: the tables as migration 0005 left them, before
    person_words, identity keys and role words)."""
    with_grams = trigram_schema(connection) is None
    person_rows: list[dict[str, Any]] = []
    token_rows: list[dict[str, Any]] = []
    gram_rows: set[tuple[str, str]] = set()
    words: set[str] = set()
    keys: set[str] = set()
    for person in people:
        tally = tallies.get(person.id or 0, Tally())
        row: dict[str, Any] = {"id": person.id, "name": person.name[:300], "name_key": name_key(person.tokens)[:300],
               "aliases": list(person.aliases), "role": person.role, "organisation": person.organisation,
               "country": person.country, "quote_count": tally.quotes,
               "last_published_at": tally.last_published, "last_article_id": tally.last_article_id}
        if not schema_0005:
            key = identity_key(person)
            key = key if key not in keys else f"{key}|{person.id}"[-400:]
            keys.add(key)
            row.update(identity_key=key, role_words=dict(person.role_words), namesakes=list(person.namesakes))
        person_rows.append(row)
        for token in sorted({t[:MAX_TOKEN] for t in index_tokens(person)}):
            token_rows.append({"token": token, "person_id": person.id})
            if not token.startswith("role:"):
                words.add(token)
            if with_grams and not token.startswith("role:"):
                gram_rows.update((g, token) for g in trigrams(token))
    people_table: Any = PersonRow.__table__
    if schema_0005 and person_rows:  # only the columns 0005 created (the model's others have defaults)
        people_table = sa_table("people", *(sa_column(c, people_table.c[c].type) for c in person_rows[0]))
    tables: list[tuple[Any, list[dict[str, Any]]]] = [
        (people_table, person_rows), (PersonTokenRow.__table__, token_rows),
        (PersonWordRow.__table__, [] if schema_0005 else [{"token": w} for w in sorted(words)]),
        (TokenGramRow.__table__, [{"gram": g, "token": t} for g, t in sorted(gram_rows)])]
    for table, rows in tables:
        for chunk in _chunks(rows, 5000):
            connection.execute(insert(table), list(chunk))


def any_person(session: Session) -> bool:
    return session.scalar(select(PersonRow.id).limit(1)) is not None


def rebuild_people(session: Session) -> int:
    """Link every stored quote again from scratch, oldest article first; returns how many people there are."""
    session.execute(update(QuoteRow).values(speaker_id=None))
    for table in (TokenGramRow, PersonWordRow, PersonTokenRow, PersonRow):
        session.execute(delete(table))
    article_ids = list(session.scalars(select(ArticleRow.id).where(
        ArticleRow.id.in_(select(QuoteRow.article_id))).order_by(ArticleRow.published_at, ArticleRow.id)))
    for article_id in article_ids:
        link_article_speakers(session, article_id)
    return int(session.scalar(select(func.count(PersonRow.id))) or 0)
