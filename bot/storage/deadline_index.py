"""What a /deadlines topic is looked up in: one search text per deadline, and the trigram index over it.

A deadline matches a topic when the topic is part of its words, its action, its actor, its article's title or a
name among its article's actors. Those fields are folded (casefold) and joined into `deadlines.search_text` when the
analysis is saved, with the article's publication time beside it (`deadlines.published_at`), so that a topic is
one substring test on one row and the answer's order (due date, newest article first) is one index
(`ix_deadlines_due_order`). The substring test goes through pg_trgm's GIN index on PostgreSQL and an FTS5
trigram table (`deadline_search`, kept by triggers) on SQLite.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import ColumnElement, Table, bindparam, or_, select, text, update
from sqlalchemy.orm import Session

from bot.storage import in_chunks
from bot.storage.models import ActorRow, ArticleRow, DeadlineRow

FIELD_SEPARATOR = "\n"  # between fields, so that a topic never matches across two of them (topics are one line)
SHORTEST_INDEXED = 3  # a topic of fewer characters has no trigram: it is tested row by row


def deadline_search_text(text: str, action: str | None, actor: str | None, title: str,
                         actor_names: Iterable[str]) -> str:
    """The folded fields a topic is looked for in, one per line (each actor name once)."""
    fields = [text, action or "", actor or "", title, *sorted(set(actor_names))]
    return FIELD_SEPARATOR.join(f.replace(FIELD_SEPARATOR, " ").casefold() for f in fields)


def index_article_deadlines(session: Session, article_ids: Sequence[int]) -> None:
    """Recompute the search text and publication time of these articles' deadlines from the stored rows (for
    rows written without `bot.storage.stories`, and for the migration that introduced them)."""
    for chunk in in_chunks(list(article_ids)):
        articles = {row.id: row for row in session.execute(
            select(ArticleRow.id, ArticleRow.title, ArticleRow.published_at).where(ArticleRow.id.in_(chunk)))}
        names: dict[int, list[str]] = defaultdict(list)
        for article_id, name in session.execute(select(ActorRow.article_id, ActorRow.name)
                                                .where(ActorRow.article_id.in_(chunk))):
            names[article_id].append(name)
        rows: list[dict[str, Any]] = []
        for deadline in session.execute(select(DeadlineRow.id, DeadlineRow.article_id, DeadlineRow.text,
                                               DeadlineRow.action, DeadlineRow.actor)
                                        .where(DeadlineRow.article_id.in_(chunk))):
            article = articles[deadline.article_id]
            rows.append({"deadline_id": deadline.id, "published": article.published_at,
                         "search": deadline_search_text(deadline.text, deadline.action, deadline.actor,
                                                        article.title, names[deadline.article_id])})
        if rows:
            table = cast(Table, DeadlineRow.__table__)
            session.connection().execute(
                update(table).where(table.c.id == bindparam("deadline_id"))
                .values(search_text=bindparam("search"), published_at=bindparam("published")), rows)


def like_pattern(term: str) -> str:
    """`term` folded, as a LIKE pattern matching it anywhere (escape character: backslash)."""
    escaped = term.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def topic_filter(terms: Sequence[str], column: ColumnElement[str] | None = None) -> ColumnElement[bool]:
    """Deadlines whose search text holds any of `terms`, tested row by row as the rows come in due order: the
    text is written `search_text || ''` so that PostgreSQL does not take the trigram index for it (it collected
    and sorted every match of a frequent topic instead of reading the first few in due order)."""
    text = DeadlineRow.search_text if column is None else column
    return or_(*(text.concat("").like(like_pattern(t), escape="\\") for t in terms))


class DueKey(NamedTuple):
    """What orders a deadline in an answer: due date (None last), its article's publication (newest first), id."""

    id: int
    due_date: date | None
    published_at: datetime | None


def indexed_matches(session: Session, terms: Sequence[str], bound: int) -> list[DueKey] | None:
    """The deadlines holding any of `terms`, found through the trigram index; None when there are more than
    `bound` of them or a term is too short for trigrams (then testing the rows in due order finds the first ones
    sooner)."""
    if not terms or any(len(t.casefold()) < SHORTEST_INDEXED for t in terms):
        return None
    found: dict[int, DueKey] = {}
    sqlite = session.get_bind().dialect.name == "sqlite"
    for term in terms:
        query = (select(DeadlineRow.id, DeadlineRow.due_date, DeadlineRow.published_at)
                 .where(DeadlineRow.search_text.like(like_pattern(term), escape="\\")))
        if sqlite:  # the FTS5 trigram table answers a quoted phrase as a substring; the LIKE above rechecks it
            phrase = '"' + term.casefold().replace('"', '""') + '"'
            query = query.where(DeadlineRow.id.in_(
                select(text("rowid")).select_from(text("deadline_search"))
                .where(text("deadline_search MATCH :phrase").bindparams(phrase=phrase))))
        found.update((row.id, DueKey(*row)) for row in session.execute(query.limit(bound + 1)))
        if len(found) > bound:
            return None
    return list(found.values())
