"""Saving analyses and reading stories.

Which story an article joins, and which article leads a story, are decided above storage (`bot.domain.grouping`
called by `bot.app.stories`): this module reads what grouping compares (the articles of nearby stories, the
document frequencies of words) and saves an analysis together with the story it was told to join.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TypeVar, cast

from sqlalchemy import Row, Table, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.analysis.dates.timex import last_day
from bot.analysis.records import Actor, Analysis, Deadline, Quote
from bot.domain.stories import LeadCandidate, Story, StoryArticle, StoryChoice, StorySource
from bot.storage import Database
from bot.storage import as_utc as _utc
from bot.storage import in_chunks as _chunks
from bot.storage.models import (
    ActorRow,
    ArticleRow,
    DateMentionRow,
    DeadlineRow,
    FeedRow,
    QuoteRow,
    StoryRow,
    TermDocumentsRow,
)
from bot.storage.people import forget_article_speakers, link_article_speakers

DOCUMENTS_TERM = ""  # the term_documents row counting the articles themselves
MAX_TERM_LENGTH = 320
# Bounds on what one article is compared with: enough for a busy news day within the window.
MAX_CANDIDATE_STORIES = 500


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
        if text is not None:
            article.text = text
            article.text_source = text_source or "feed"
        if text is not None or page_error is not None:
            article.page_error = page_error[:2000] if page_error else None
        forget_article_speakers(session, article_id)
        _replace_analysis(session, article_id, analysis)
        link_article_speakers(session, article_id)
        article.summary = list(analysis.summary)
        article.analyzed_at = now
        article.analysis_error = None
        if article.story_id is None:
            article.terms = dict(choice.terms)
            _count_documents(session, choice.document_terms)
            article.story_id = choice.story_id if choice.story_id is not None else _new_story(session, article, now)
            session.flush()
        _update_story(session, article.story_id, choice.lead_article_id, now)
        return article.story_id


def _replace_analysis(session: Session, article_id: int, analysis: Analysis) -> None:
    for table in (ActorRow, QuoteRow, DateMentionRow, DeadlineRow):
        session.execute(delete(table).where(table.article_id == article_id))
    session.add_all(ActorRow(article_id=article_id, name=a.name[:300], kind=a.kind, mentions=a.mentions,
                             aliases=list(a.aliases), role=a.role) for a in analysis.actors)
    session.add_all(QuoteRow(article_id=article_id, text=q.text, start=q.start, end=q.end, direct=q.direct,
                             speaker=q.speaker[:300] if q.speaker else None,
                             speaker_text=q.speaker_text[:300] if q.speaker_text else None,
                             speaker_start=q.speaker_start, speaker_end=q.speaker_end, cue=q.cue)
                    for q in analysis.quotes)
    session.add_all(DateMentionRow(article_id=article_id, text=d.text, start=d.start, end=d.end,
                                   value=d.value) for d in analysis.dates)
    session.add_all(DeadlineRow(article_id=article_id, text=d.text, start=d.start, end=d.end, due=d.due,
                                due_date=last_day(d.due), kind=d.kind, action=d.action,
                                actor=d.actor[:300] if d.actor else None) for d in analysis.deadlines)


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
    if dialect in ("postgresql", "sqlite"):
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
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


def nearby_story_articles(db: Database, article_id: int, published: datetime, window: timedelta, *,
                          limit: int = MAX_CANDIDATE_STORIES) -> list[StoryArticle]:
    """The articles (but `article_id`) of the at most `limit` most recent stories with an article published within
    `window` of `published`, oldest first."""
    with db.session() as session:
        story_ids = list(session.scalars(
            select(ArticleRow.story_id)
            .where(ArticleRow.story_id.is_not(None), ArticleRow.id != article_id,
                   ArticleRow.published_at >= published - window,
                   ArticleRow.published_at <= published + window)
            .group_by(ArticleRow.story_id)
            .order_by(func.max(ArticleRow.published_at).desc())
            .limit(limit)))
        if not story_ids:
            return []
        rows: list[Row[int, int | None, int, str, str, datetime, dict[str, int] | None]] = []
        for chunk in _chunks(story_ids):
            rows += session.execute(
                select(ArticleRow.id, ArticleRow.story_id, ArticleRow.feed_id, ArticleRow.title, ArticleRow.text,
                       ArticleRow.published_at, ArticleRow.terms)
                .where(ArticleRow.story_id.in_(chunk), ArticleRow.id != article_id)
                .order_by(ArticleRow.published_at, ArticleRow.id)).all()
        actors: dict[int, list[str]] = defaultdict(list)
        for chunk in _chunks([row.id for row in rows]):
            for actor_article, name in session.execute(
                    select(ActorRow.article_id, ActorRow.name).where(ActorRow.article_id.in_(chunk))):
                actors[actor_article].append(name)
    return [StoryArticle(row.id, row.story_id, row.feed_id, _utc(row.published_at), row.title, row.text,
                         row.terms if isinstance(row.terms, dict) else None, tuple(actors[row.id]))
            for row in rows if row.story_id is not None]  # always: the query asked for these stories


def story_lead_candidates(db: Database, story_id: int) -> list[LeadCandidate]:
    """The story's articles as the choice of its lead reads them (keyed by article id)."""
    with db.session() as session:
        articles = list(session.scalars(select(ArticleRow).where(ArticleRow.story_id == story_id)))
        if not articles:
            return []
        quotes = dict(session.execute(
            select(QuoteRow.article_id, func.count(QuoteRow.id))
            .where(QuoteRow.article_id.in_([a.id for a in articles])).group_by(QuoteRow.article_id)).all())
        return [LeadCandidate(a.id, _utc(a.published_at), len(a.text or ""),
                              has_summary=a.analyzed_at is not None and not a.analysis_error and bool(a.summary),
                              quotes=quotes.get(a.id, 0))
                for a in articles]


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
        return [_story(s, articles_by_story[s.id], actors, quotes, deadlines) for s in stories]


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
           quotes: dict[int, list[QuoteRow]], deadlines: dict[int, list[DeadlineRow]]) -> Story:
    lead = next((a for a, _ in articles if a.id == row.lead_article_id), articles[0][0] if articles else None)
    story = Story(id=row.id, title=row.title, url=lead.url if lead else None, published=row.first_published_at,
                  summary=list(lead.summary or []) if lead else [], text=lead.text if lead else "")
    merged_actors: dict[str, Actor] = {}
    for article, source in articles:
        story.sources.append(StorySource(name=source, url=article.url))
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
    story.quotes = unique_quotes(
        Quote(q.text, q.start, q.end, q.direct, q.speaker, q.speaker_text, q.speaker_start, q.speaker_end, q.cue)
        for article, _ in ordered for q in quotes[article.id])
    story.deadlines = unique_deadlines(
        Deadline(d.text, d.start, d.end, d.due, d.kind, d.action, d.actor)
        for article, _ in ordered for d in deadlines[article.id])
    story.actors = sorted(merged_actors.values(), key=lambda a: (-a.mentions, a.name))
    return story


# --- the union of a story's quotes and deadlines -------------------------------------------------------------

_NOT_WORD = re.compile(r"[^\w]+")
# A quote inside another counts as the same quote only when it is at least this long (folded characters).
MIN_CONTAINED_QUOTE = 20


def _fold(text: str) -> str:
    return _NOT_WORD.sub(" ", text.casefold()).strip()


def unique_quotes(quotes: Iterable[Quote]) -> list[Quote]:
    """Quotes without repeats: the same words (ignoring case and punctuation), or a long part of another quote,
    count once, in the place of their first telling. The telling kept names a speaker if any does, and is the
    longest of those."""
    kept: list[tuple[str, Quote]] = []
    for quote in quotes:
        folded = _fold(quote.text)
        if not folded:
            continue
        for index, (known, kept_quote) in enumerate(kept):
            same = folded == known or (min(len(folded), len(known)) >= MIN_CONTAINED_QUOTE
                                       and (folded in known or known in folded))
            if same:
                if (quote.speaker is not None, len(folded)) > (kept_quote.speaker is not None, len(known)):
                    kept[index] = (folded, quote)
                break
        else:
            kept.append((folded, quote))
    return [quote for _, quote in kept]


def unique_deadlines(deadlines: Iterable[Deadline]) -> list[Deadline]:
    """Deadlines without repeats: one per (kind, due date, actor) when a date is known, else per wording."""
    kept: dict[tuple[str, ...], Deadline] = {}
    for deadline in deadlines:
        key: tuple[str, ...]
        if deadline.due:
            key = (deadline.kind, deadline.due, _fold(deadline.actor or ""))
        else:
            key = (deadline.kind, _fold(deadline.action or deadline.text))
        kept.setdefault(key, deadline)
    return list(kept.values())


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
