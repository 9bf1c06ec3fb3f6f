"""/deadlines topics through the stored search text and its trigram index, on SQLite and PostgreSQL: every field a
topic may be found in, re-analysis and deletion keeping the index right, both ways of ordering the answer giving the
same deadlines, and deadlines stored before the search text existed."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, text

from bot.analysis.records import Actor, Analysis, Deadline
from bot.app.stories import store_analysis
from bot.storage import Database, search
from bot.storage.models import ArticleRow
from bot.storage.search import find_deadlines
from tests.test_storage_stories import add_article

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
TODAY = NOW.date()


def _analysis(*deadlines: Deadline, actors: tuple[str, ...] = ("North Korea",)) -> Analysis:
    return Analysis(actors=[Actor(name, "country") for name in actors], deadlines=list(deadlines))


def test_a_topic_is_found_in_each_field_a_deadline_is_searched_in(db: Database) -> None:
    article = add_article(db, title="Envoys meet in Vientiane")
    store_analysis(db, article, _analysis(Deadline("by Friday 4 December", 0, 20, "2026-12-04", "date",
                                                   "hand over the enrichment data", "Ministry of Unification"),
                                          actors=("North Korea", "Kofi Mensah")), NOW)
    for topic in ("friday", "ENRICHMENT", "unification", "vientiane", "mensah", "north korea", "Ko"):
        assert [h.action for h in find_deadlines(db, today=TODAY, topic=topic)] == [
            "hand over the enrichment data"], topic
    for topic in ("pyongyang", "korea vientiane", "100%_", '"', "'; DROP TABLE deadlines; --", "\\"):
        assert find_deadlines(db, today=TODAY, topic=topic) == [], topic


def test_analysing_again_and_deleting_the_article_keep_the_index_right(db: Database) -> None:
    article = add_article(db)
    store_analysis(db, article, _analysis(Deadline("within 30 days", 0, 14, "2026-12-27", "duration",
                                                   "answer the inspectors", "Iran"), actors=("Iran",)), NOW)
    store_analysis(db, article, _analysis(Deadline("by 1 March", 0, 10, "2027-03-01", "date",
                                                   "ratify the treaty", "Norway"), actors=("Norway",)), NOW)
    assert find_deadlines(db, today=TODAY, topic="inspectors") == []
    assert find_deadlines(db, today=TODAY, topic="iran") == []
    assert [h.due for h in find_deadlines(db, today=TODAY, topic="norway")] == ["2027-03-01"]
    with db.session() as session:
        session.execute(delete(ArticleRow).where(ArticleRow.id == article))
    assert find_deadlines(db, today=TODAY, topic="norway") == []
    if db.engine.dialect.name == "sqlite":
        with db.engine.begin() as conn:  # raises when the FTS5 table and deadlines disagree
            conn.execute(text("INSERT INTO deadline_search (deadline_search) VALUES ('integrity-check')"))


def _many_deadlines(db: Database) -> None:
    """Forty articles over ten due days (several on one day), every fourth one about Geneva, a few undated."""
    for n in range(40):
        published = NOW - timedelta(days=40 - n, hours=n % 3)
        article = add_article(db, title=f"Talks round {n}" + (" in Geneva" if n % 4 == 0 else ""), guid=f"g{n}",
                              published=published)
        due = None if n % 9 == 0 else (TODAY + timedelta(days=(n * 7) % 10 - 5)).isoformat()
        store_analysis(db, article, _analysis(Deadline(f"deadline {n}", 0, 10, due, "date" if due else "condition",
                                                       f"step {n}", "Iran")), NOW)


@pytest.mark.parametrize("when", [None, "upcoming", "overdue"])
def test_few_and_many_matches_come_in_the_same_order(db: Database, monkeypatch: pytest.MonkeyPatch,
                                                     when: str | None) -> None:
    _many_deadlines(db)
    answers = {}
    # All matches sorted at once, or read in due order through the index: walked (PostgreSQL; a walk too short
    # to fill the page is read again) or tested row by row.
    for sorted_whole, walked in ((1_000, 50_000), (3, 50_000), (3, 4)):
        monkeypatch.setattr(search, "CANDIDATES_SORTED", sorted_whole)
        monkeypatch.setattr(search, "WALKED", walked)
        answers[sorted_whole, walked] = [[h.action for h in find_deadlines(db, today=TODAY, topic=topic, when=when,
                                                                            limit=limit)]
                                         for topic in ("geneva", "talks", "iran") for limit in (5, 50)]
    assert answers[1_000, 50_000] == answers[3, 50_000] == answers[3, 4]
    geneva = find_deadlines(db, today=TODAY, topic="geneva", when=when, limit=50)
    keys = [(h.due_date is None, h.due_date or date.min, -h.published.timestamp(), h.id) for h in geneva]
    due_ahead = {n: (n * 7) % 10 - 5 >= 0 for n in range(0, 40, 4) if n % 9}
    expected = [n for n in range(0, 40, 4) if when is None or (n in due_ahead and due_ahead[n] == (when == "upcoming"))]
    assert keys == sorted(keys) and len(geneva) == len(expected)


@pytest.fixture
def db_at_0009(db_at: Callable[[str], Database]) -> Database:
    """A database migrated up to 0009, before deadlines had a search text."""
    return db_at("0009")


def test_migration_indexes_the_deadlines_already_stored(db_at_0009: Database) -> None:
    with db_at_0009.engine.begin() as conn:
        feed = conn.scalar(text("INSERT INTO feeds (url, created_at, consecutive_failures, retired) "
                                "VALUES ('http://127.0.0.1/wire.xml', '2026-01-01 00:00:00', 0, false) RETURNING id"))
        for day, title, actor in ((2, "EU sets a deadline", "Iran"), (3, "Ministers meet", "Serbia")):
            article = conn.scalar(text(
                "INSERT INTO articles (feed_id, guid, title, published_at, fetched_at, text, text_source, "
                "content_hash) VALUES (:f, :g, :t, :p, :p, 'x', 'feed', :g) RETURNING id"),
                {"f": feed, "g": f"g{day}", "t": title, "p": datetime(2026, 11, day, 12, tzinfo=UTC)})
            conn.execute(text("INSERT INTO actors (article_id, name, kind, mentions, aliases) "
                              "VALUES (:a, :n, 'country', 1, '[]')"), {"a": article, "n": actor})
            conn.execute(text("INSERT INTO deadlines (article_id, text, start, \"end\", due, due_date, kind, action) "
                              "VALUES (:a, 'by 4 December', 0, 13, '2026-12-04', :d, 'date', 'reply')"),
                         {"a": article, "d": date(2026, 12, 4)})
    db_at_0009.upgrade()
    assert [h.title for h in find_deadlines(db_at_0009, today=TODAY, topic="iran")] == ["EU sets a deadline"]
    assert [h.title for h in find_deadlines(db_at_0009, today=TODAY, topic="deadline")] == ["EU sets a deadline"]
    # same due day: the newer article first
    assert [h.title for h in find_deadlines(db_at_0009, today=TODAY, topic="december")] == [
        "Ministers meet", "EU sets a deadline"]
