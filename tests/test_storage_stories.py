"""Saving an analysis and reading it back as a story, on SQLite and PostgreSQL."""

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from bot.analysis.records import Actor, Analysis, DateMention, Deadline, Quote
from bot.storage import Database
from bot.storage.models import ArticleRow, DeadlineRow, FeedRow, QuoteRow
from bot.storage.stories import load_stories, record_analysis_failure, save_article_analysis

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def add_article(db: Database, title: str = "Talks resume in Geneva", guid: str = "g1") -> int:
    with db.session() as session:
        feed = session.scalar(select(FeedRow).where(FeedRow.url == "http://127.0.0.1/wire.xml"))
        if feed is None:
            feed = FeedRow(url="http://127.0.0.1/wire.xml", title="Meridian Wire", created_at=NOW,
                           consecutive_failures=0, retired=False)
            session.add(feed)
            session.flush()
        article = ArticleRow(feed_id=feed.id, guid=guid, url=f"https://meridianwire.example/{guid}", title=title,
                             published_at=NOW, fetched_at=NOW, text="Body.", text_source="feed",
                             content_hash=guid)
        session.add(article)
        session.flush()
        return article.id


ANALYSIS = Analysis(
    actors=[Actor("Heather Nauert", "person", 3, ["Nauert"], "State Department spokeswoman"),
            Actor("North Korea", "country", 2, ["Pyongyang"])],
    quotes=[Quote("There is a ways to go", 10, 31, True, "Heather Nauert", "she", 33, 36, "said")],
    dates=[DateMention("January 2021", 40, 52, "2021-01")],
    deadlines=[Deadline("by January 2021", 37, 52, "2021-01", "date", "denuclearisation", "North Korea")],
    summary=["First sentence.", "Second sentence."],
)


def test_saved_analysis_comes_back_as_a_story(db: Database) -> None:
    article_id = add_article(db)
    story_id = save_article_analysis(db, article_id, ANALYSIS, NOW)
    [story] = load_stories(db)
    assert story.id == story_id
    assert story.title == "Talks resume in Geneva"
    assert story.summary == ["First sentence.", "Second sentence."]
    assert story.quotes[0].speaker == "Heather Nauert"
    assert story.actors[0].name == "Heather Nauert" and story.actors[0].aliases == ["Nauert"]
    assert [s.name for s in story.sources] == ["Meridian Wire"]


def test_deadline_due_date_is_queryable(db: Database) -> None:
    save_article_analysis(db, add_article(db), ANALYSIS, NOW)
    with db.session() as session:
        assert session.scalar(select(DeadlineRow.due_date)) == date(2021, 1, 31)


def test_analysing_again_replaces_rather_than_duplicates(db: Database) -> None:
    article_id = add_article(db)
    first = save_article_analysis(db, article_id, ANALYSIS, NOW)
    second = save_article_analysis(db, article_id, ANALYSIS, NOW)
    assert first == second
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(QuoteRow)) == 1


def test_stories_are_newest_first_and_limited(db: Database) -> None:
    ids = [save_article_analysis(db, add_article(db, f"Story {i}", f"g{i}"), ANALYSIS, NOW) for i in range(3)]
    assert [s.id for s in load_stories(db, limit=2)] == [ids[2], ids[1]]
    assert [s.id for s in load_stories(db, story_ids=[ids[0]])] == [ids[0]]


def test_failed_analysis_is_recorded(db: Database) -> None:
    article_id = add_article(db)
    record_analysis_failure(db, article_id, "ValueError: broken", NOW)
    with db.session() as session:
        article = session.get(ArticleRow, article_id)
        assert article.analysis_error == "ValueError: broken" and article.story_id is None
