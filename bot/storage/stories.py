"""Saving analyses and reading stories.

- `save_article_analysis(db, article_id, analysis, now)`: replace the article's actors, quotes, dates and
  deadlines, store its summary, and give it a story (one article per story for now). Returns the story id.
- `record_analysis_failure(db, article_id, error, now)`: mark an article whose analysis failed.
- `load_stories(db, *, story_ids=None, since=None, limit=None)`: `Story` records, newest first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, select

from bot.analysis.records import Actor, Analysis, Deadline, Quote
from bot.storage import Database
from bot.storage.models import (
    ActorRow,
    ArticleRow,
    DateMentionRow,
    DeadlineRow,
    FeedRow,
    QuoteRow,
    StoryRow,
)
from bot.stories import Story, StorySource
from bot.timex import last_day


def save_article_analysis(db: Database, article_id: int, analysis: Analysis, now: datetime) -> int:
    """Store one article's analysis in one transaction and return its story id."""
    with db.session() as session:
        article = session.get(ArticleRow, article_id)
        if article is None:
            raise LookupError(f"article {article_id} does not exist")
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
        article.summary = list(analysis.summary)
        article.analyzed_at = now
        article.analysis_error = None
        if article.story_id is None:
            story = StoryRow(title=article.title, lead_article_id=article.id,
                             first_published_at=article.published_at, updated_at=now)
            session.add(story)
            session.flush()
            article.story_id = story.id
        return article.story_id


def record_analysis_failure(db: Database, article_id: int, error: str, now: datetime) -> None:
    """Mark the article as analysed with an error, so it is not retried on every cycle."""
    with db.session() as session:
        article = session.get(ArticleRow, article_id)
        if article is not None:
            article.analyzed_at = now
            article.analysis_error = error[:2000]


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
        articles_by_story: dict[int, list[tuple[ArticleRow, str]]] = defaultdict(list)
        for article, feed_title, feed_url in rows:
            articles_by_story[article.story_id].append((article, feed_title or feed_url))
        article_ids = [article.id for article, _, _ in rows]
        actors = _by_article(session, ActorRow, article_ids)
        quotes = _by_article(session, QuoteRow, article_ids)
        deadlines = _by_article(session, DeadlineRow, article_ids)
        return [_story(s, articles_by_story[s.id], actors, quotes, deadlines) for s in stories]


def _by_article(session, table, article_ids: Sequence[int]) -> dict[int, list]:  # noqa: ANN001
    found: dict[int, list] = defaultdict(list)
    if article_ids:
        for row in session.scalars(select(table).where(table.article_id.in_(article_ids)).order_by(table.id)):
            found[row.article_id].append(row)
    return found


def _story(row: StoryRow, articles: list[tuple[ArticleRow, str]], actors: dict, quotes: dict,
           deadlines: dict) -> Story:
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
        story.quotes.extend(Quote(q.text, q.start, q.end, q.direct, q.speaker, q.speaker_text, q.speaker_start,
                                  q.speaker_end, q.cue) for q in quotes[article.id])
        story.deadlines.extend(Deadline(d.text, d.start, d.end, d.due, d.kind, d.action, d.actor)
                               for d in deadlines[article.id])
    story.actors = sorted(merged_actors.values(), key=lambda a: (-a.mentions, a.name))
    return story
