"""One pipeline cycle: poll → analyze → story → queued for the channels whose topics match."""

from datetime import UTC, datetime

from bot.app.ingest import add_feeds, analyze_articles, feed_urls_from_file, run_cycle
from bot.app.subscriptions import subscribe
from bot.domain.schedule import ASAP
from bot.feeds.poll import poll_feeds
from bot.storage import Database
from bot.storage.articles import list_feeds, unanalyzed_articles
from bot.storage.delivery import ensure_channel, outbox_items
from bot.storage.stories import load_stories
from tests.conftest import Route

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test Wire</title><link>https://testwire.example/</link>
<description>t</description>
<item><title>Seoul and Pyongyang agree to reopen liaison office</title>
<link>https://testwire.example/liaison?utm_source=rss</link><guid>tw-1</guid>
<pubDate>Thu, 26 Nov 2026 08:00:00 GMT</pubDate>
<description>&lt;p&gt;South Korean Unification Minister Han Ji-woo said on Thursday that the office would reopen
within 30 days. "We have waited long enough," Han said.&lt;/p&gt;</description></item>
<item><title>Iran deal talks stall in Vienna</title>
<link>https://testwire.example/vienna</link><guid>tw-2</guid>
<pubDate>Wed, 25 Nov 2026 08:00:00 GMT</pubDate>
<description>&lt;p&gt;Negotiators left Vienna without agreement. "There is no deal yet," said
EU envoy Clara Moretti, adding that talks must conclude by December 31.&lt;/p&gt;</description></item>
</channel></rss>"""


def test_cycle_stores_analyzes_and_queues_matching_stories(db: Database, settings, feed_server, nlp) -> None:
    feed_server.routes["/wire.xml"] = Route(body=RSS.encode(), etag='"v1"',
                                            headers={"Content-Type": "application/rss+xml"})
    add_feeds(db, settings, [feed_server.url("/wire.xml")], NOW)
    ensure_channel(db, "T1", "C1", now=NOW, schedule=ASAP)
    subscribe(db, "T1", "C1", "iran", created_by="U1", now=NOW, backfill=3)

    report = run_cycle(settings, lambda: nlp, db=db, force=True, now=NOW)
    assert len(report.poll.new_articles) == 2 and report.analyzed == 2
    assert len(report.new_story_ids) == 2
    stories = load_stories(db)
    assert {s.title for s in stories} == {"Seoul and Pyongyang agree to reopen liaison office",
                                          "Iran deal talks stall in Vienna"}
    queued = outbox_items(db, team_id="T1", channel_id="C1")
    assert [load_stories(db, story_ids=[q.story_id])[0].title for q in queued] == ["Iran deal talks stall in Vienna"]

    again = run_cycle(settings, lambda: (_ for _ in ()).throw(AssertionError("model not needed")), db=db,
                      force=True, now=NOW)
    assert again.poll.not_modified and not again.poll.new_articles and again.analyzed == 0
    assert "no new articles" in again.describe()


def test_one_broken_article_does_not_stop_the_others(db: Database, settings, feed_server, nlp,
                                                     monkeypatch) -> None:
    feed_server.routes["/wire.xml"] = Route(body=RSS.encode())
    add_feeds(db, settings, [feed_server.url("/wire.xml")], NOW)

    poll_feeds(db, settings, NOW, force=True)
    pending = unanalyzed_articles(db)
    import bot.analysis.pipeline as pipeline

    real = pipeline.analyze_doc

    def broken_on_vienna(doc, published):
        if "Vienna" in doc.text:
            raise ValueError("simulated analysis bug")
        return real(doc, published)

    monkeypatch.setattr(pipeline, "analyze_doc", broken_on_vienna)
    story_ids, failures = analyze_articles(db, nlp, sorted(pending, key=lambda a: "Vienna" not in a.text),
                                           settings, NOW)
    assert len(story_ids) == 1 and len(failures) == 1
    assert "simulated analysis bug" in failures[0]
    assert unanalyzed_articles(db) == []


def test_feeds_file_lines_and_comments(tmp_path) -> None:
    path = tmp_path / "feeds.txt"
    path.write_text("# diplomacy\nhttps://a.example/rss\n\n  https://b.example/atom  # EU\n", encoding="utf-8")
    assert feed_urls_from_file(path) == ["https://a.example/rss", "https://b.example/atom"]


def test_private_feed_url_is_refused_outside_the_demo(db: Database, settings) -> None:
    strict = settings.model_copy(update={"allow_private_feeds": False})
    problems = add_feeds(db, strict, ["http://127.0.0.1:9/feed.xml"], NOW)
    assert problems and "127.0.0.1" in problems[0]
    assert list_feeds(db) == []


def test_a_feed_another_process_adds_meanwhile_is_added_once(db: Database, settings) -> None:
    """Two processes adding the same URL: the second waits on the first's insert and then shares its feed."""
    import threading

    import pytest
    from sqlalchemy import text

    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks between connections are PostgreSQL's; SQLite has one writer")
    url = "http://127.0.0.1/wire.xml"
    problems: list[object] = []
    with db.engine.connect() as other_process:
        other_process.execute(text("INSERT INTO feeds (url, created_at, next_poll_at, consecutive_failures, retired) "
                                   "VALUES (:url, :now, :now, 0, false)"), {"url": url, "now": NOW})

        def add() -> None:
            try:
                problems.extend(add_feeds(db, settings, [url], NOW))
            except Exception as exc:  # noqa: BLE001  # the failure this test is about
                problems.append(exc)

        adding = threading.Thread(target=add)
        adding.start()
        # Until our insert waits on the other process's uncommitted row (a lock wait, not a fixed delay).
        while adding.is_alive() and other_process.execute(text("SELECT pg_stat_clear_snapshot()")) and not \
                other_process.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()")).scalar():
            adding.join(0.01)
        other_process.commit()
    adding.join()
    assert problems == []
    assert [feed.url for feed in list_feeds(db)] == [url]
