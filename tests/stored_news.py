"""Invented diplomacy articles written straight into the tables, for the command and search tests."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

from bot.storage import Database
from bot.storage.deadline_index import index_article_deadlines
from bot.storage.models import ActorRow, ArticleRow, DeadlineRow, FeedRow, QuoteRow, StoryRow
from bot.storage.people import link_article_speakers

NOW = datetime(2018, 10, 20, 9, 0, tzinfo=UTC)


def add_feed(db: Database, url: str = "http://127.0.0.1/wire.xml", title: str | None = "Diplomatic Wire") -> int:
    with db.session() as session:
        feed = FeedRow(url=url, title=title, created_at=NOW, consecutive_failures=0, retired=False)
        session.add(feed)
        session.flush()
        return feed.id


def add_article(db: Database, feed_id: int, title: str, published: datetime, *,
                quotes: list[tuple[str, str | None, bool]] = (),
                deadlines: list[dict] = (),
                actors: list[tuple[str, str, list[str]]] = (),
                summary: list[str] | None = None, url: str | None = None) -> int:
    """Store one analysed article and its story; quotes are (text, speaker, direct)."""
    text = title + ". " + " ".join(q for q, _, _ in quotes)
    with db.session() as session:
        article = ArticleRow(feed_id=feed_id, guid=f"{title}-{published.isoformat()}",
                             url=url or f"https://news.example/{abs(hash(title)) % 10**8}",
                             title=title, published_at=published, fetched_at=published, text=text,
                             content_hash=hashlib.sha256((title + published.isoformat()).encode()).hexdigest(),
                             analyzed_at=published, summary=summary or [title + "."])
        session.add(article)
        session.flush()
        story = StoryRow(title=title, lead_article_id=article.id, first_published_at=published, updated_at=published)
        session.add(story)
        session.flush()
        article.story_id = story.id
        for i, (quote, speaker, direct) in enumerate(quotes):
            session.add(QuoteRow(article_id=article.id, text=quote, start=i * 10, end=i * 10 + len(quote),
                                 direct=direct, speaker=speaker, speaker_text=speaker, cue="said"))
        for d in deadlines:
            due = d.get("due")
            session.add(DeadlineRow(article_id=article.id, text=d["text"], start=0, end=len(d["text"]), due=due,
                                    due_date=d.get("due_date") or (date.fromisoformat(due) if due and len(due) == 10
                                                                   else None),
                                    kind=d.get("kind", "date"), action=d.get("action"), actor=d.get("actor"),
                                    setter=d.get("setter")))
        for name, kind, aliases in actors:
            session.add(ActorRow(article_id=article.id, name=name, kind=kind, mentions=1, aliases=aliases))
        session.flush()
        link_article_speakers(session, article.id)
        index_article_deadlines(session, [article.id])
        return article.id


def add_demo_news(db: Database) -> None:
    """A small newsroom: Pompeo under two spellings, Nauert, two Kims, deadlines past and ahead."""
    wire = add_feed(db)
    dispatch = add_feed(db, "http://127.0.0.1/dispatch.atom", "Capital Dispatch")
    add_article(db, wire, "Pompeo heads to Pyongyang for fourth visit", datetime(2018, 10, 5, 8, tzinfo=UTC),
                quotes=[("We are making progress on denuclearization", "Mike Pompeo", True),
                        ("Everybody recognises that there is a ways to go", "Heather Nauert", True)],
                actors=[("Mike Pompeo", "person", ["Pompeo"]), ("Heather Nauert", "person", ["Nauert"]),
                        ("North Korea", "country", [])],
                deadlines=[{"text": "by January 2021", "due": "2021-01", "due_date": date(2021, 1, 31),
                            "action": "denuclearisation of North Korea", "actor": "North Korea"}])
    add_article(db, dispatch, "Secretary of State meets Kim in Pyongyang", datetime(2018, 10, 8, 12, tzinfo=UTC),
                quotes=[("It was a good, productive meeting", "Pompeo", True),
                        ("the talks would continue at a working level", "Pompeo", False),
                        ("We welcome the American delegation", "Kim Jong Un", True)],
                actors=[("Kim Jong Un", "person", ["Kim"]), ("Pompeo", "person", [])])
    add_article(db, wire, "EU sets Iran deadline on trade channel", datetime(2018, 10, 12, 7, tzinfo=UTC),
                quotes=[("The special purpose vehicle will be ready", "Federica Mogherini", True),
                        ("We expect answers quickly", "Kim Yo Jong", True)],
                actors=[("Iran", "country", []), ("European Union", "organization", ["EU"])],
                deadlines=[{"text": "by November 4", "due": "2018-11-04", "action": "set up the payment channel",
                            "actor": "European Union"},
                           {"text": "within 30 days", "due": "2018-10-15", "kind": "duration",
                            "action": "answer the inspectors", "actor": "Iran", "setter": "European Union"},
                           {"text": "until the process is complete", "due": None, "kind": "condition",
                            "action": "keep talking", "actor": None}])
