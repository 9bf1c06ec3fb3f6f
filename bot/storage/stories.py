"""Saving analyses and reading stories.

Which story an article joins, and which article leads a story, are decided above storage (`bot.domain.grouping`
called by `bot.app.stories`): this module reads what grouping compares (the grouping states of the open stories,
the document frequencies of words) and saves an analysis together with the story it was told to join and that
story's new state.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar, cast

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from bot.analysis.dates.timex import last_day
from bot.analysis.records import Actor, Analysis, DateMention, Deadline, Quote
from bot.domain.stories import (
    LeadCandidate,
    Story,
    StoryChoice,
    StorySource,
    StoryState,
    copy_edited,
    fold_words,
)
from bot.storage import Database
from bot.storage import as_utc as _utc
from bot.storage import in_chunks as _chunks
from bot.storage.deadline_index import deadline_search_text
from bot.storage.models import (
    ActorRow,
    ArticleCopyRow,
    ArticleRow,
    DateMentionRow,
    DeadlineRow,
    FeedRow,
    FollowupRow,
    OutboxRow,
    QuoteRow,
    StoryRow,
    TermDocumentsRow,
)
from bot.storage.people import forget_article_speakers, link_speakers

DOCUMENTS_TERM = ""  # the term_documents row counting the articles themselves
MAX_TERM_LENGTH = 320


# --- saving ---------------------------------------------------------------------------------------------


def save_article_analysis(db: Database, article_id: int, analysis: Analysis, now: datetime, choice: StoryChoice, *,
                          text: str | None = None, text_source: str | None = None,
                          page_error: str | None = None) -> int:
    """Store one article's analysis and its story in one transaction; returns the story id.

    Args:
        db: the database.
        article_id: the analysed article.
        analysis: what the analysis found in `text` (or in the stored text when `text` is None).
        now: the time of the analysis.
        choice: the story the article joins (or a new one) and that story's lead; an article that has a story
            already keeps it, and its words are counted in the document frequencies only the first time.
        text, text_source: the text that was analysed when it is not the stored one (the article page's text,
            source "page"); it replaces the stored text, so every offset points into what is stored.
        page_error: why the article's page was not used (the teaser was kept), or None.
    """
    with db.session() as session:
        article = session.get(ArticleRow, article_id)
        if article is None:
            raise LookupError(f"article {article_id} does not exist")
        _write_analysis(session, article, analysis, text=text, text_source=text_source, page_error=page_error)
        return _write_story(session, article, now, choice)


def save_analysis_rows(db: Database, article_id: int, analysis: Analysis, *, text: str | None = None,
                       text_source: str | None = None, page_error: str | None = None,
                       holds: Callable[[Session], bool] | None = None,
                       then: Callable[[Session], None] | None = None) -> bool:
    """Store one article's analysis (actors, quotes, dates, deadlines, speakers, summary) without its story: the
    job engine's analysis step, run in parallel, before the grouping step files the article
    (`save_article_story`). Rows of an earlier analysis are replaced, never added to.

    `holds(session)` is asked inside the transaction, before anything is written: False (the caller's lease on
    the article has passed to someone else) writes nothing and returns False. `then(session)` runs after the
    writes, in the same transaction (the job engine defers the grouping job there).
    """
    with db.session() as session:
        if holds is not None and not holds(session):
            return False
        # The article's row locked (PostgreSQL) until commit: a second writer waits, then replaces these rows.
        article = session.get(ArticleRow, article_id, with_for_update=True)
        if article is None:
            raise LookupError(f"article {article_id} does not exist")
        _write_analysis(session, article, analysis, text=text, text_source=text_source, page_error=page_error)
        if then is not None:
            then(session)
        return True


def save_article_story(db: Database, article_id: int, now: datetime, choice: StoryChoice, *,
                       then: Callable[[Session, int], None] | None = None) -> int:
    """File an article whose analysis rows are stored (`save_analysis_rows`) in its story, and mark it analysed;
    returns the story id. `then(session, story id)` runs after the writes, in the same transaction."""
    with db.session() as session:
        article = session.get(ArticleRow, article_id)
        if article is None:
            raise LookupError(f"article {article_id} does not exist")
        story_id = _write_story(session, article, now, choice)
        if then is not None:
            then(session, story_id)
        return story_id


def _write_analysis(session: Session, article: ArticleRow, analysis: Analysis, *, text: str | None,
                    text_source: str | None, page_error: str | None) -> None:
    if text is not None:
        article.text = text
        article.text_source = text_source or "feed"
    if text is not None or page_error is not None:
        article.page_error = page_error[:2000] if page_error else None
    forget_article_speakers(session, article.id)
    _replace_analysis(session, article, analysis)
    article.summary = list(analysis.summary)


class FoldRefused(Exception):
    """A story grouping wanted to fold was offered to a channel (or vanished) since it was chosen: nothing of the
    filing was written; choose again without these stories."""

    def __init__(self, story_ids: Sequence[int]) -> None:
        super().__init__(f"stories {list(story_ids)} can no longer be folded")
        self.story_ids = frozenset(story_ids)


def offered_stories(db: Database, story_ids: Iterable[int]) -> set[int]:
    """Those of `story_ids` that may not be folded into another story: offered to the channels (queued, or with
    an outbox or follow-up row: queued, posted or to be updated), or no longer stored."""
    wanted = sorted(set(story_ids))
    if not wanted:
        return set()
    with db.session() as session:
        return _offered(session, wanted)


def _offered(session: Session, story_ids: Sequence[int]) -> set[int]:
    ids = list(story_ids)
    free = set(session.scalars(select(StoryRow.id).where(StoryRow.id.in_(ids), StoryRow.queued_at.is_(None))))
    free -= set(session.scalars(select(OutboxRow.story_id).where(OutboxRow.story_id.in_(ids))))
    free -= {i for i in session.scalars(select(FollowupRow.story_id).where(FollowupRow.story_id.in_(ids)))
             if i is not None}
    return set(ids) - free


def _fold_stories(session: Session, kept: int, folded: Sequence[int]) -> None:
    """Move the articles of `folded` into `kept` and drop their rows, in the filing transaction. Each folded
    story's row is locked first (PostgreSQL: a poster queueing it meanwhile waits, then finds it gone) and checked
    again: one offered to a channel since grouping chose it refuses the whole filing (`FoldRefused`), so a story
    queued or posted is never folded away and exactly-once posting holds."""
    ids = sorted(set(folded) - {kept})
    if not ids:
        return
    session.execute(select(StoryRow.id).where(StoryRow.id.in_(ids)).order_by(StoryRow.id).with_for_update())
    refused = _offered(session, ids)
    if refused:
        raise FoldRefused(sorted(refused))
    session.execute(update(ArticleRow).where(ArticleRow.story_id.in_(ids)).values(story_id=kept)
                    .execution_options(synchronize_session=False))
    session.execute(delete(StoryRow).where(StoryRow.id.in_(ids)).execution_options(synchronize_session=False))


def _write_story(session: Session, article: ArticleRow, now: datetime, choice: StoryChoice) -> int:
    article.analyzed_at = now
    article.analysis_error = None
    if article.story_id is None:
        article.terms = dict(choice.terms)
        _count_documents(session, choice.document_terms)
        article.story_id = choice.story_id if choice.story_id is not None else _new_story(session, article, now)
        session.flush()
        if choice.folded:
            _fold_stories(session, article.story_id, choice.folded)
        if choice.state is not None:
            _save_state(session, article.story_id, choice.state)
    _update_story(session, article.story_id, choice.lead_article_id, now)
    return article.story_id


def _save_state(session: Session, story_id: int, state: StoryState) -> None:
    story = session.get_one(StoryRow, story_id)
    story.grouping_state = {"terms": {t: round(w, 4) for t, w in state.terms.items()}, "marks": state.marks,
                            "lead_marks": state.lead_marks, "articles": state.articles,
                            **({"details": state.details} if state.details else {}),
                            **({"salient": state.salient} if state.salient else {}),
                            **({"vectors": {t: round(w, 4) for t, w in state.vectors.items()}}
                               if state.vectors is not None else {}),
                            "first": _utc(state.first).isoformat(), "last": _utc(state.last).isoformat()}
    story.last_published_at = _utc(state.last)


def _replace_analysis(session: Session, article: ArticleRow, analysis: Analysis) -> None:
    article_id = article.id
    for table in (ActorRow, QuoteRow, DateMentionRow, DeadlineRow):
        session.execute(delete(table).where(table.article_id == article_id))
    actors = [ActorRow(article_id=article_id, name=a.name[:300], kind=a.kind, mentions=a.mentions,
                       aliases=list(a.aliases), role=a.role) for a in analysis.actors]
    quotes = [QuoteRow(article_id=article_id, text=q.text, start=q.start, end=q.end, direct=q.direct,
                       speaker=q.speaker[:300] if q.speaker else None,
                       speaker_text=q.speaker_text[:300] if q.speaker_text else None,
                       speaker_start=q.speaker_start, speaker_end=q.speaker_end, cue=q.cue)
                for q in analysis.quotes]
    # Speakers linked before the quotes are inserted: each row goes in with its person, no update after.
    link_speakers(session, article, quotes, actors)
    session.add_all(actors)
    session.add_all(quotes)
    session.add_all(DateMentionRow(article_id=article_id, text=d.text, start=d.start, end=d.end,
                                   value=d.value) for d in analysis.dates)
    actor_names = [a.name[:300] for a in analysis.actors]
    session.add_all(DeadlineRow(article_id=article_id, text=d.text, start=d.start, end=d.end, due=d.due,
                                due_date=last_day(d.due), kind=d.kind, action=d.action, actor=actor,
                                setter=d.setter[:300] if d.setter else None,
                                published_at=article.published_at,
                                search_text=deadline_search_text(d.text, d.action, actor, article.title, actor_names))
                    for d, actor in ((d, d.actor[:300] if d.actor else None) for d in analysis.deadlines))


def _new_story(session: Session, article: ArticleRow, now: datetime) -> int:
    story = StoryRow(title=article.title, lead_article_id=article.id,
                     first_published_at=article.published_at, updated_at=now)
    session.add(story)
    session.flush()
    return story.id


def _count_documents(session: Session, terms: Iterable[str]) -> None:
    """Add one article to the document frequencies of its terms (and to the article count)."""
    table = cast(Table, TermDocumentsRow.__table__)
    rows = [{"term": term, "documents": 1} for term in sorted({t[:MAX_TERM_LENGTH] for t in terms} | {DOCUMENTS_TERM})]
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":  # one statement for all the terms (a row each took a statement each: 3-4x slower)
        session.execute(sql_text(
            "INSERT INTO term_documents (term, documents) SELECT t, 1 FROM unnest(CAST(:terms AS text[])) AS t"
            " ON CONFLICT (term) DO UPDATE SET documents = term_documents.documents + 1"),
            {"terms": [row["term"] for row in rows]})
        return
    if dialect == "sqlite":
        insert = sqlite.insert
        statement = insert(table).on_conflict_do_update(index_elements=[table.c.term],
                                                        set_={"documents": table.c.documents + 1})
        for chunk in _chunks(rows):
            session.execute(statement, list(chunk))
        return
    for row in rows:  # any other database: slower, same result
        found = session.get(TermDocumentsRow, row["term"])
        if found is None:
            session.add(TermDocumentsRow(term=row["term"], documents=1))
        else:
            found.documents += 1
    session.flush()


def _update_story(session: Session, story_id: int, lead_article_id: int, now: datetime) -> None:
    """Give the story its lead article (whose title and summary lead the story) and its first publication time.

    A lead that is not (or no longer) one of the story's articles is ignored: the story keeps its lead.
    """
    story = session.get(StoryRow, story_id)
    if story is None:
        return
    lead = session.get(ArticleRow, lead_article_id)
    if lead is not None and lead.story_id == story_id:
        story.lead_article_id = lead.id
        story.title = lead.title
    first = session.scalar(select(func.min(ArticleRow.published_at)).where(ArticleRow.story_id == story_id))
    if first is not None:
        story.first_published_at = _utc(first)
    story.updated_at = now


# --- what grouping reads ----------------------------------------------------------------------------------


def term_documents(db: Database, terms: Iterable[str]) -> tuple[int, dict[str, int]]:
    """How many articles were counted, and in how many of them each of `terms` appears (terms never seen are
    left out)."""
    wanted = sorted({t[:MAX_TERM_LENGTH] for t in terms} | {DOCUMENTS_TERM})
    frequencies: dict[str, int] = {}
    with db.session() as session:
        for chunk in _chunks(wanted):
            frequencies.update(session.execute(
                select(TermDocumentsRow.term, TermDocumentsRow.documents)
                .where(TermDocumentsRow.term.in_(chunk))).all())
    return frequencies.pop(DOCUMENTS_TERM, 0), frequencies


def open_story_states(db: Database, since: datetime, before: datetime | None = None) -> list[StoryState]:
    """The grouping states of the stories whose latest article was published at or after `since` (and before
    `before` when given): the stories a new article may still join."""
    query = select(StoryRow.id, StoryRow.grouping_state).where(StoryRow.grouping_state.is_not(None),
                                                                StoryRow.last_published_at >= _utc(since))
    if before is not None:
        query = query.where(StoryRow.last_published_at < _utc(before))
    with db.session() as session:
        rows = session.execute(query.order_by(StoryRow.id)).all()
    states = []
    for story_id, state in rows:
        try:
            states.append(StoryState(story_id, {str(t): float(w) for t, w in state["terms"].items()},
                                     {str(m): int(n) for m, n in state["marks"].items()}, int(state["articles"]),
                                     datetime.fromisoformat(state["first"]), datetime.fromisoformat(state["last"]),
                                     {str(m): int(n) for m, n in state.get("lead_marks", {}).items()},
                                     {str(t): float(w) for t, w in state["vectors"].items()}
                                     if state.get("vectors") is not None else None,
                                     {str(d): int(n) for d, n in state.get("details", {}).items()},
                                     {str(m): float(v) for m, v in state.get("salient", {}).items()}))
        except (KeyError, TypeError, ValueError, AttributeError):
            continue  # a state this version cannot read: the story is simply not offered to new articles
    return states


@dataclass(frozen=True)
class StoredTelling:
    """An analysed article of a story, with what grouping reads of its analysis (actors, dates)."""

    article_id: int
    feed_id: int
    title: str
    text: str
    published: datetime
    analysis: Analysis


def stateless_story_tellings(db: Database, since: datetime, before: datetime | None = None
                             ) -> dict[int, list[StoredTelling]]:
    """The analysed articles of the stories that have no grouping state (stored before the state was kept on the
    story) and an article published at or after `since` (and before `before` when given), by story, oldest
    first: what their state is rebuilt from, so that new articles can join them."""
    window = (select(ArticleRow.story_id).join(StoryRow, StoryRow.id == ArticleRow.story_id)
              .where(StoryRow.grouping_state.is_(None), ArticleRow.published_at >= _utc(since)))
    if before is not None:
        window = window.where(ArticleRow.published_at < _utc(before))
    found: dict[int, list[StoredTelling]] = defaultdict(list)
    with db.session() as session:
        story_ids = sorted({i for i in session.scalars(window.distinct()) if i is not None})
        for chunk in _chunks(story_ids):
            rows = list(session.scalars(
                select(ArticleRow).where(ArticleRow.story_id.in_(chunk), ArticleRow.analyzed_at.is_not(None),
                                         ArticleRow.analysis_error.is_(None))
                .order_by(ArticleRow.published_at, ArticleRow.id)))
            ids = [row.id for row in rows]
            actors = _by_article(session, ActorRow, ids)
            dates: dict[int, list[DateMention]] = defaultdict(list)
            for inner in _chunks(ids):
                for mention in session.scalars(select(DateMentionRow).where(DateMentionRow.article_id.in_(inner))
                                               .order_by(DateMentionRow.id)):
                    dates[mention.article_id].append(DateMention(mention.text, mention.start, mention.end,
                                                                 mention.value))
            for row in rows:
                assert row.story_id is not None
                analysis = Analysis(actors=[Actor(a.name, a.kind, a.mentions, list(a.aliases or []), a.role)
                                            for a in actors[row.id]], dates=dates[row.id])
                found[row.story_id].append(StoredTelling(row.id, row.feed_id, row.title, row.text or "",
                                                         _utc(row.published_at), analysis))
    return dict(found)


def save_story_states(db: Database, states: Mapping[int, StoryState]) -> None:
    """Keep these grouping states on their stories (rebuilt for stories stored without one)."""
    with db.session() as session:
        for story_id, state in states.items():
            _save_state(session, story_id, state)


def story_lead_candidates(db: Database, story_id: int) -> list[LeadCandidate]:
    """The story's articles as the choice of its lead reads them (keyed by article id)."""
    with db.session() as session:
        articles = session.execute(
            select(ArticleRow.id, ArticleRow.published_at, func.length(ArticleRow.text), ArticleRow.analyzed_at,
                   ArticleRow.analysis_error, ArticleRow.summary)
            .where(ArticleRow.story_id == story_id)).all()
        if not articles:
            return []
        quotes = dict(session.execute(
            select(QuoteRow.article_id, func.count(QuoteRow.id))
            .where(QuoteRow.article_id.in_([a.id for a in articles])).group_by(QuoteRow.article_id)).all())
        return [LeadCandidate(article_id, _utc(published), length or 0,
                              has_summary=analyzed_at is not None and not error and bool(summary),
                              quotes=quotes.get(article_id, 0))
                for article_id, published, length, analyzed_at, error, summary in articles]


def record_analysis_failure(db: Database, article_id: int, error: str, now: datetime, *,
                            page_error: str | None = None) -> None:
    """Mark the article as analysed with an error, so it is not retried on every cycle."""
    with db.session() as session:
        article = session.get(ArticleRow, article_id)
        if article is not None:
            article.analyzed_at = now
            article.analysis_error = error[:2000]
            if page_error is not None:
                article.page_error = page_error[:2000]


# --- reading --------------------------------------------------------------------------------------------


def load_stories(db: Database, *, story_ids: Iterable[int] | None = None, since: datetime | None = None,
                 limit: int | None = None) -> list[Story]:
    """Stories with their articles' analyses, newest first."""
    with db.session() as session:
        query = select(StoryRow).order_by(StoryRow.first_published_at.desc(), StoryRow.id.desc())
        if story_ids is not None:
            query = query.where(StoryRow.id.in_(list(story_ids)))
        if since is not None:
            query = query.where(StoryRow.first_published_at >= since)
        if limit is not None:
            query = query.limit(limit)
        stories = list(session.scalars(query))
        if not stories:
            return []
        ids = [s.id for s in stories]
        rows = session.execute(
            select(ArticleRow, FeedRow.title, FeedRow.url)
            .join(FeedRow, FeedRow.id == ArticleRow.feed_id)
            .where(ArticleRow.story_id.in_(ids))
            .order_by(ArticleRow.published_at, ArticleRow.id)
        ).all()
        articles_by_story: dict[int | None, list[tuple[ArticleRow, str]]] = defaultdict(list)
        for article, feed_title, feed_url in rows:
            articles_by_story[article.story_id].append((article, feed_title or feed_url))
        article_ids = [article.id for article, _, _ in rows]
        actors = _by_article(session, ActorRow, article_ids)
        quotes = _by_article(session, QuoteRow, article_ids)
        deadlines = _by_article(session, DeadlineRow, article_ids)
        copies: dict[int, list[StorySource]] = defaultdict(list)
        for chunk in _chunks(article_ids):
            for article_id, copy_url, feed_title, feed_url in session.execute(
                    select(ArticleCopyRow.article_id, ArticleCopyRow.url, FeedRow.title, FeedRow.url)
                    .join(FeedRow, FeedRow.id == ArticleCopyRow.feed_id)
                    .where(ArticleCopyRow.article_id.in_(chunk)).order_by(ArticleCopyRow.id)):
                copies[article_id].append(StorySource(name=feed_title or feed_url, url=copy_url))
        return [_story(s, articles_by_story[s.id], actors, quotes, deadlines, copies) for s in stories]


_AnalysisRow = TypeVar("_AnalysisRow", ActorRow, QuoteRow, DeadlineRow)


def _by_article(
    session: Session, table: type[_AnalysisRow], article_ids: Sequence[int]
) -> dict[int, list[_AnalysisRow]]:
    found: dict[int, list[_AnalysisRow]] = defaultdict(list)
    for chunk in _chunks(list(article_ids)):
        for row in session.scalars(select(table).where(table.article_id.in_(chunk)).order_by(table.id)):
            found[row.article_id].append(row)
    return found


def _story(row: StoryRow, articles: list[tuple[ArticleRow, str]], actors: dict[int, list[ActorRow]],
           quotes: dict[int, list[QuoteRow]], deadlines: dict[int, list[DeadlineRow]],
           copies: dict[int, list[StorySource]]) -> Story:
    lead = next((a for a, _ in articles if a.id == row.lead_article_id), articles[0][0] if articles else None)
    story = Story(id=row.id, title=row.title, url=lead.url if lead else None, published=row.first_published_at,
                  summary=list(lead.summary or []) if lead else [], text=lead.text if lead else "")
    merged_actors: dict[str, Actor] = {}
    for article, source in articles:
        story.sources.append(StorySource(name=source, url=article.url))
        story.sources += copies.get(article.id, [])  # the same text carried by other feeds
        for a in actors[article.id]:
            known = merged_actors.get(a.name)
            if known:
                known.mentions += a.mentions
                known.aliases = sorted(set(known.aliases) | set(a.aliases or []))
                known.role = known.role or a.role
            else:
                merged_actors[a.name] = Actor(a.name, a.kind, a.mentions, list(a.aliases or []), a.role)
    # The lead's quotes and deadlines first: their offsets point into `story.text`.
    ordered = sorted(articles, key=lambda pair: pair[0].id != (lead.id if lead else None))
    told_quotes = [(Quote(q.text, q.start, q.end, q.direct, q.speaker, q.speaker_text, q.speaker_start,
                          q.speaker_end, q.cue), teller)
                   for article, source in ordered for q in quotes[article.id]
                   for teller in [source, *(c.name for c in copies.get(article.id, []))]]
    quote_groups = _quote_groups([q for q, _ in told_quotes])
    story.quotes = [_best_quote([told_quotes[i][0] for i in group]) for group in quote_groups]
    story.quote_sources = _tellers(told_quotes, quote_groups)
    told_deadlines = [(Deadline(d.text, d.start, d.end, d.due, d.kind, d.action, d.actor, d.setter), teller)
                      for article, source in ordered for d in deadlines[article.id]
                      for teller in [source, *(c.name for c in copies.get(article.id, []))]]
    telling_articles = [article.id for article, _ in ordered for _ in deadlines[article.id]
                        for _ in range(1 + len(copies.get(article.id, [])))]
    told_groups = deadline_groups([d for d, _ in told_deadlines], telling_articles)
    story.deadlines = [_best_deadline([told_deadlines[i][0] for i in group]) for group in told_groups]
    story.deadline_sources = _tellers(told_deadlines, told_groups)
    story.deadline_tellings = [[told_deadlines[i][0] for i in group] for group in told_groups]
    first_told: dict[str, int] = {}  # sources in the story's order (of publication), not lead-first
    for index, told_by in enumerate(story.sources):
        first_told.setdefault(told_by.name, index)
    for tellers in (*story.quote_sources, *story.deadline_sources):
        tellers.sort(key=lambda name: first_told.get(name, len(first_told)))
    story.actors = sorted(merged_actors.values(), key=lambda a: (-a.mentions, a.name))
    return story


# --- the union of a story's quotes and deadlines -------------------------------------------------------------

# A quote inside another counts as the same quote only when it is at least this long (folded characters); copy
# edits of a long quote: `bot.domain.stories.copy_edited`.
MIN_CONTAINED_QUOTE = 20
_fold = fold_words


def _same_words(first: str, first_speaker: str, second: str, second_speaker: str) -> bool:
    """Folded quotes and speakers ("" unnamed): the same words, a long part of the other, or a copy edit of it by
    the same (or an unnamed) speaker."""
    if first == second or (min(len(first), len(second)) >= MIN_CONTAINED_QUOTE
                           and (first in second or second in first)):
        return True
    return (not first_speaker or not second_speaker or first_speaker == second_speaker) and copy_edited(first, second)


def _quote_groups(quotes: Sequence[Quote]) -> list[list[int]]:
    """The tellings of each quote (indexes into `quotes`), in the order of first telling: a telling joins the
    first quote any of whose tellings it repeats (`_same_words`)."""
    groups: list[list[int]] = []
    wordings: list[dict[tuple[str, str], None]] = []  # each quote's distinct (words, speaker), compared once
    for index, quote in enumerate(quotes):
        told = (_fold(quote.text), _fold(quote.speaker or ""))
        if not told[0]:
            continue
        found = next((n for n, seen in enumerate(wordings) if told in seen), None)
        if found is None:
            found = next((n for n, seen in enumerate(wordings) if any(_same_words(*told, *known) for known in seen)),
                         None)
        if found is None:
            groups.append([index])
            wordings.append({told: None})
        else:
            groups[found].append(index)
            wordings[found].setdefault(told, None)
    return groups


def _best_quote(tellings: Sequence[Quote]) -> Quote:
    """The telling shown: one naming a speaker if any does, the longest of those, the first of equals."""
    return max(tellings, key=lambda q: (q.speaker is not None, len(_fold(q.text))))


def unique_quotes(quotes: Iterable[Quote]) -> list[Quote]:
    """Quotes without repeats: the same words (ignoring case and punctuation), a long part of another quote, or
    a copy-edited telling of it (`_same_words`) count once, in the place of their first telling. The telling kept
    names a speaker if any does, and is the longest of those."""
    told = list(quotes)
    return [_best_quote([told[i] for i in group]) for group in _quote_groups(told)]


# Words an action or a deadline's wording shares with another that say nothing about what is to be done.
_PLAIN_WORDS = frozenset(
    "the a an and or of to for by on in at from with without its his her their our this that these those "
    "must should will would shall has have had be been is are was were not no any all than then before after "
    "until till deadline deadlines date due end next last later latest".split())


def _content_words(*texts: str | None) -> set[str]:
    return {w for text in texts if text for w in _fold(text).split()
            if len(w) > 2 and w not in _PLAIN_WORDS and not w.isdigit()}


def _same_deadline(a: Deadline, b: Deadline) -> bool:
    """Two tellings of one story's deadline: the same kind and due date, and plausibly the same act; two parties
    named with acts that share no word are two deadlines that fall on one day. Undated ones: the same wording."""
    if not a.due or not b.due:
        return not a.due and not b.due and a.kind == b.kind and _fold(a.action or a.text) == _fold(b.action or b.text)
    if (a.kind, a.due) != (b.kind, b.due):
        return False
    first, second = _fold(a.actor or ""), _fold(b.actor or "")
    if not first or not second or first == second:
        return True
    return bool(_content_words(a.action, a.actor) & _content_words(b.action, b.actor))


def _named_apart(a: Deadline, b: Deadline) -> bool:
    """Two parties named, with acts that share no word."""
    return bool(a.actor and b.actor) and not _same_deadline(a, b)


def deadline_groups(deadlines: Sequence[Deadline], articles: Sequence[Hashable] | None = None) -> list[list[int]]:
    """The tellings of each deadline (indexes into `deadlines`), in the order of first telling.

    Tellings are joined through each other: a telling that names no party ("the deadline for the boy") joins
    those on its day that name one, and so joins them ("the agency" and "his father" then tell one deadline).
    Never, though, two tellings one article (`articles`, beside `deadlines`) gives with two parties and acts that
    share no word: that article tells two deadlines of one day.
    """
    members = {i: [i] for i in range(len(deadlines))}
    root = list(range(len(deadlines)))

    def apart(i: int, j: int) -> bool:
        return articles is not None and articles[i] == articles[j] and _named_apart(deadlines[i], deadlines[j])

    def join(i: int, j: int) -> None:
        first, second = sorted((root[i], root[j]))
        if first == second or any(apart(x, y) for x in members[first] for y in members[second]):
            return
        for k in members.pop(second):
            root[k] = first
            members[first].append(k)

    pairs = [(j, i) for i in range(len(deadlines)) for j in range(i) if _same_deadline(deadlines[i], deadlines[j])]
    # Tellings that both name a party first: a telling without one joins them after.
    for j, i in sorted(pairs, key=lambda p: not (deadlines[p[0]].actor and deadlines[p[1]].actor)):
        join(i, j)
    return sorted((sorted(group) for group in members.values()), key=lambda g: g[0])


def best_deadline_telling(tellings: Sequence[Deadline]) -> int:
    """Which telling of one deadline to show: an action of a few words that most other tellings agree with (share
    a content word: one article's misreading, "gave no reason" for "the Jan. 14 deadline", agrees with none), then
    the best formed (names who must act), then the one whose party most tellings name, the first of equals."""
    named = [_fold(d.actor or "") for d in tellings]
    acts = [_content_words(d.action) for d in tellings]

    def formed(index: int) -> tuple[bool, int, bool, int, bool]:
        d = tellings[index]
        agreeing = sum(1 for other, words in enumerate(acts) if other != index and words & acts[index])
        return (len((d.action or "").split()) >= 2, agreeing, bool(d.actor), named.count(_fold(d.actor or "")),
                d.setter is not None)

    return max(range(len(tellings)), key=formed)  # max keeps the first of equals


def _best_deadline(tellings: Sequence[Deadline]) -> Deadline:
    """The telling shown (`best_deadline_telling`); a setter another telling names is kept."""
    best = tellings[best_deadline_telling(tellings)]
    setter = best.setter or next((d.setter for d in tellings if d.setter), None)
    if setter == best.setter:
        return best
    return Deadline(best.text, best.start, best.end, best.due, best.kind, best.action, best.actor, setter)


def unique_deadlines(deadlines: Iterable[Deadline]) -> list[Deadline]:
    """Deadlines without repeats (`_same_deadline`), each the best formed of its tellings, in the place of the
    first telling."""
    told = list(deadlines)
    return [_best_deadline([told[i] for i in group]) for group in deadline_groups(told)]


_Told = TypeVar("_Told", Quote, Deadline)


def _tellers(told: Sequence[tuple[_Told, str]], groups: Sequence[Sequence[int]]) -> list[list[str]]:
    """For each quote or deadline (its tellings' indexes into `told`), the sources that tell it (each once, in
    order of telling)."""
    sources: list[list[str]] = []
    for group in groups:
        names: list[str] = []
        for index in group:
            if told[index][1] not in names:
                names.append(told[index][1])
        sources.append(names)
    return sources


def unqueued_story_ids(db: Database) -> list[int]:
    """Stories not yet offered to the subscribed channels (new ones, or left so by a crash), oldest first."""
    with db.session() as session:
        return list(session.scalars(select(StoryRow.id).where(StoryRow.queued_at.is_(None)).order_by(StoryRow.id)))


def mark_queued(db: Database, story_ids: Iterable[int], now: datetime) -> None:
    """Remember that these stories were offered to the channels (queueing again would add nothing)."""
    ids = list(story_ids)
    with db.session() as session:
        for chunk in _chunks(ids):
            session.execute(update(StoryRow).where(StoryRow.id.in_(list(chunk))).values(queued_at=_utc(now)))
