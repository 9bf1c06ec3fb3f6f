import logging
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

import bot.feeds.poll as poll_module
from bot.config import Settings
from bot.domain.articles import Entry
from bot.feeds.parse import parse_feed
from bot.feeds.poll import backoff_seconds, next_poll_after_success, poll_feeds
from bot.storage import Database
from bot.storage.articles import (
    add_feed,
    article_an_entry_is,
    article_for_entry,
    count_articles,
    due_feeds,
    feed_by_url,
    get_articles,
    list_articles,
    list_feeds,
    record_poll_success,
    remove_feed,
    unanalyzed_articles,
)
from tests.conftest import FeedServer, Route

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
NOW = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)
MINISTRY = (FEEDS / "harbour_ministry_rss.xml").read_bytes()
WIRE = (FEEDS / "meridian_wire_atom.xml").read_bytes()


def serve(feed_server: FeedServer, path: str, body: bytes, etag: str | None = None, status: int = 200) -> str:
    feed_server.routes[path] = Route(status=status, body=body, etag=etag,
                                     headers={"Content-Type": "application/rss+xml"})
    return feed_server.url(path)


def test_first_poll_stores_every_entry_and_schedules_the_next(db: Database, settings: Settings,
                                                              feed_server: FeedServer) -> None:
    url = serve(feed_server, "/ministry.xml", MINISTRY, etag='"m1"')
    add_feed(db, url, now=NOW)
    report = poll_feeds(db, settings, NOW)
    assert [len(o.new_articles) for o in report.outcomes] == [3]
    feed = feed_by_url(db, url)
    assert feed.title == "Harbour Ministry & Friends — Press Room"
    assert feed.etag == '"m1"'
    assert feed.last_polled_at == NOW
    assert feed.next_poll_at == NOW + timedelta(seconds=settings.poll_interval_seconds)
    stored = {a.title: a for a in list_articles(db)}
    kessel = stored["Ministers agree to resume talks on the Kessel Strait"]
    assert kessel.url == "https://press.harbour-ministry.example/2026/11/kessel-talks?id=42"
    assert kessel.published_at == datetime(2026, 11, 26, 8, 30, tzinfo=UTC)
    assert kessel.fetched_at == NOW
    assert "\n\n“The strait belongs" in kessel.text
    assert stored['Vantor envoy warns of "grave consequences" & recalls staff'].published_at == NOW


def test_second_poll_gets_304_and_stores_nothing(db: Database, settings: Settings, feed_server: FeedServer) -> None:
    url = serve(feed_server, "/ministry.xml", MINISTRY, etag='"m1"')
    add_feed(db, url, now=NOW)
    poll_feeds(db, settings, NOW)
    later = NOW + timedelta(seconds=settings.poll_interval_seconds)
    report = poll_feeds(db, settings, later)
    assert [o.not_modified for o in report.outcomes] == [True]
    assert report.new_articles == []
    assert report.outcomes[0].describe().endswith("not modified (304)")
    assert feed_server.requests[-1][2]["If-None-Match"] == '"m1"'
    assert count_articles(db) == 3
    feed = feed_by_url(db, url)
    assert feed.etag == '"m1"'  # kept: it is what earned the 304
    assert feed.last_polled_at == later


def test_duplicates_across_feeds_by_url_and_by_content_are_stored_once(db: Database, settings: Settings,
                                                                       feed_server: FeedServer) -> None:
    add_feed(db, serve(feed_server, "/ministry.xml", MINISTRY), now=NOW)
    add_feed(db, serve(feed_server, "/wire.atom", WIRE), now=NOW)
    report = poll_feeds(db, settings, NOW)
    # The wire's Kessel story links to the ministry's page (other tracking tags): the same URL.
    # Its Vantor story is the ministry's text word for word under another title and link: the same content.
    assert [len(o.new_articles) for o in report.outcomes] == [3, 1]
    assert report.outcomes[1].new_articles[0].title == "Lissa welcomes ceasefire monitors"
    assert count_articles(db) == 4


def test_a_feed_whose_guids_change_every_poll_is_not_stored_again(db: Database, settings: Settings,
                                                                   feed_server: FeedServer) -> None:
    url = serve(feed_server, "/ministry.xml", MINISTRY)
    add_feed(db, url, now=NOW)
    poll_feeds(db, settings, NOW)
    serve(feed_server, "/ministry.xml", MINISTRY.replace(b"harbour-2026-11-26-kessel", b"kessel-v2"))
    report = poll_feeds(db, settings, NOW, force=True)
    assert report.new_articles == []
    assert count_articles(db) == 3


def test_the_article_an_entry_is_by_guid_text_or_link_as_the_poll_stored_it(db: Database) -> None:
    """An entry the poll did not store again is still some article: the feed's article of its guid (even with
    another text), a stored article of its text (a feed sending it again under a new guid), or of its link."""
    wire = add_feed(db, "https://wire.example/rss", now=NOW)
    talks = Entry(guid="w1", url="https://wire.example/talks", title="Talks resume", text="Talks resumed in Lissa.",
                  published_at=NOW, content_hash="hash-talks")
    [article] = record_poll_success(db, wire.id, [talks], now=NOW, next_poll_at=NOW, body_came=True)
    again = replace(talks, guid="w9", url="https://wire.example/talks-again")
    edited = replace(talks, guid="w7", content_hash="hash-edited")
    assert record_poll_success(db, wire.id, [again, edited], now=NOW, next_poll_at=NOW, body_came=True) == []

    def found(entry: Entry) -> tuple[int, str] | None:
        match = article_an_entry_is(db, wire.id, entry.guid, entry.content_hash, entry.url)
        return (match[0].id, match[1]) if match else None

    assert found(talks) == (article.id, "guid")
    assert found(replace(talks, content_hash="hash-changed")) == (article.id, "guid")
    assert found(again) == (article.id, "text")
    assert found(edited) == (article.id, "link")
    assert found(replace(talks, guid="w8", url=None, content_hash="hash-new")) is None


def test_a_404_feed_backs_off_while_another_feed_is_stored(db: Database, settings: Settings,
                                                           feed_server: FeedServer,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    missing = feed_server.url("/moved-away.xml")
    add_feed(db, missing, now=NOW)
    add_feed(db, serve(feed_server, "/wire.atom", WIRE), now=NOW)
    with caplog.at_level(logging.WARNING, logger="bot.feeds.poll"):
        report = poll_feeds(db, settings, NOW)
    failed, stored = report.outcomes
    assert failed.error == "FeedHTTPError: HTTP 404"
    assert len(stored.new_articles) == 3
    assert any(missing in record.getMessage() and "404" in record.getMessage() for record in caplog.records)
    feed = feed_by_url(db, missing)
    assert feed.consecutive_failures == 1
    assert feed.last_error == "FeedHTTPError: HTTP 404"
    assert feed.next_poll_at == NOW + timedelta(seconds=2 * settings.poll_interval_seconds)
    # Still failing at its next try: the wait doubles.
    report = poll_feeds(db, settings, feed.next_poll_at)
    assert [o.ok for o in report.outcomes if o.url == missing] == [False]
    again = feed_by_url(db, missing)
    assert again.consecutive_failures == 2
    assert again.next_poll_at == feed.next_poll_at + timedelta(seconds=4 * settings.poll_interval_seconds)


def test_a_feed_that_heals_starts_afresh(db: Database, settings: Settings, feed_server: FeedServer) -> None:
    url = serve(feed_server, "/wire.atom", b"Service Unavailable", status=503)
    add_feed(db, url, now=NOW)
    poll_feeds(db, settings, NOW)
    assert feed_by_url(db, url).consecutive_failures == 1
    serve(feed_server, "/wire.atom", WIRE)
    report = poll_feeds(db, settings, NOW, force=True)
    assert len(report.new_articles) == 3
    feed = feed_by_url(db, url)
    assert (feed.consecutive_failures, feed.last_error) == (0, None)


def test_a_busy_server_is_left_alone_as_long_as_it_asks(db: Database, settings: Settings,
                                                          feed_server: FeedServer) -> None:
    feed_server.routes["/busy.xml"] = Route(status=503, headers={"Retry-After": "7200"})
    url = feed_server.url("/busy.xml")
    add_feed(db, url, now=NOW)
    poll_feeds(db, settings, NOW)
    assert feed_by_url(db, url).next_poll_at == NOW + timedelta(hours=2)


def test_items_sliding_out_of_the_window_and_back_are_not_stored_again(db: Database, settings: Settings,
                                                                       feed_server: FeedServer) -> None:
    url = serve(feed_server, "/lissa.xml", window("one", "two"))
    add_feed(db, url, now=NOW)
    assert len(poll_feeds(db, settings, NOW).new_articles) == 2
    serve(feed_server, "/lissa.xml", window("two", "three"))
    assert [a.guid for a in poll_feeds(db, settings, NOW, force=True).new_articles] == ["lissa-three"]
    serve(feed_server, "/lissa.xml", window("one", "two", "three"))
    assert poll_feeds(db, settings, NOW, force=True).new_articles == []


def window(*names: str) -> bytes:
    """An RSS feed carrying the Lissa Foreign Office items with these names."""
    items = "".join(
        f"<item><title>Lissa statement {name}</title><guid isPermaLink='false'>lissa-{name}</guid>"
        f"<link>https://lissa-fo.example/news/{name}</link><description>Statement {name} on the monitors."
        "</description></item>"
        for name in names
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Lissa FO</title>{items}</channel></rss>'.encode()


def test_a_gone_feed_is_retired(db: Database, settings: Settings, feed_server: FeedServer) -> None:
    url = serve(feed_server, "/closed.xml", b"", status=410)
    add_feed(db, url, now=NOW)
    report = poll_feeds(db, settings, NOW)
    assert report.outcomes[0].retired
    assert feed_by_url(db, url).retired
    assert due_feeds(db, NOW + timedelta(days=30)) == []


def test_not_xml_and_too_large_feeds_fail_alone(db: Database, settings: Settings, feed_server: FeedServer) -> None:
    small = settings.model_copy(update={"fetch_max_bytes": 4096})
    add_feed(db, serve(feed_server, "/page.html", (FEEDS / "not_a_feed.html").read_bytes()), now=NOW)
    add_feed(db, serve(feed_server, "/huge.xml", b"<rss>" + b" " * 10_000 + b"</rss>"), now=NOW)
    add_feed(db, serve(feed_server, "/wire.atom", WIRE), now=NOW)
    outcomes = poll_feeds(db, small, NOW).outcomes
    assert outcomes[0].error.startswith("FeedParseError: not a readable feed")
    assert outcomes[1].error.startswith("FeedTooBig")
    assert len(outcomes[2].new_articles) == 3


def test_private_address_is_refused_when_not_allowed(db: Database, settings: Settings,
                                                     feed_server: FeedServer) -> None:
    strict = settings.model_copy(update={"allow_private_feeds": False})
    url = serve(feed_server, "/ministry.xml", MINISTRY)
    add_feed(db, url, now=NOW)
    report = poll_feeds(db, strict, NOW)
    assert report.outcomes[0].error.startswith("PrivateAddressRefused")
    assert "loopback" in feed_by_url(db, url).last_error
    assert feed_server.requests == []


def test_an_unexpected_error_in_one_feed_does_not_stop_the_others(db: Database, settings: Settings,
                                                                  feed_server: FeedServer,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def parse_or_crash(body: bytes, *, url: str, now: datetime, content_type: str | None = None):
        if "ministry" in url:
            raise RuntimeError("parser bug")
        return parse_feed(body, url=url, now=now, content_type=content_type)

    monkeypatch.setattr(poll_module, "parse_feed", parse_or_crash)
    add_feed(db, serve(feed_server, "/ministry.xml", MINISTRY), now=NOW)
    add_feed(db, serve(feed_server, "/wire.atom", WIRE), now=NOW)
    crashed, stored = poll_feeds(db, settings, NOW).outcomes
    assert crashed.error == "RuntimeError: parser bug"
    assert len(stored.new_articles) == 3


def test_feeds_not_due_are_left_alone_unless_forced(db: Database, settings: Settings,
                                                    feed_server: FeedServer) -> None:
    add_feed(db, serve(feed_server, "/wire.atom", WIRE), now=NOW)
    poll_feeds(db, settings, NOW)
    assert poll_feeds(db, settings, NOW + timedelta(minutes=1)).outcomes == []
    assert len(poll_feeds(db, settings, NOW + timedelta(minutes=1), force=True).outcomes) == 1


def test_new_articles_wait_for_analysis(db: Database, settings: Settings, feed_server: FeedServer) -> None:
    add_feed(db, serve(feed_server, "/wire.atom", WIRE), now=NOW)
    report = poll_feeds(db, settings, NOW)
    waiting = unanalyzed_articles(db)
    assert [a.id for a in waiting] == sorted(report.new_article_ids)
    assert get_articles(db, report.new_article_ids) == waiting


def test_a_failed_store_leaves_nothing_half_stored(db: Database, settings: Settings) -> None:
    feed = add_feed(db, "https://meridian-wire.example/diplomacy.atom", now=NOW)
    entries = parse_feed(WIRE, url=feed.url, now=NOW).entries
    broken = [entries[0], replace(entries[1], title=None)]  # the database refuses an article without a title
    with pytest.raises(Exception):  # noqa: B017 - whatever the driver raises
        record_poll_success(db, feed.id, broken, now=NOW, next_poll_at=NOW + timedelta(hours=1),
                            body_came=True, etag='"w1"', title="Meridian Wire")
    assert count_articles(db) == 0
    after = feed_by_url(db, feed.url)
    assert (after.etag, after.title, after.last_polled_at) == (None, None, None)


def test_removed_feed_stops_polling_keeps_its_articles_and_can_come_back(db: Database, settings: Settings,
                                                                         feed_server: FeedServer) -> None:
    url = serve(feed_server, "/wire.atom", WIRE)
    add_feed(db, url, now=NOW, added_by="U0ADMIN")
    poll_feeds(db, settings, NOW)
    assert remove_feed(db, url) is True
    assert remove_feed(db, url) is False
    assert list_feeds(db) == [] and due_feeds(db, NOW + timedelta(days=1)) == []
    assert count_articles(db) == 3
    back = add_feed(db, url, now=NOW)
    assert not back.retired and back.added_by == "U0ADMIN"
    assert [f.url for f in due_feeds(db, NOW)] == [url]


def test_entries_repeated_inside_one_poll_are_stored_once(db: Database) -> None:
    feed = add_feed(db, "https://lissa-fo.example/rss", now=NOW)
    entry = Entry(guid="a", url="https://lissa-fo.example/news/1", title="Kovar meets Reyes", text="Talks.",
                  published_at=NOW, content_hash="h1")
    same_url = replace(entry, guid="b", content_hash="h2")
    same_text = replace(entry, guid="c", url="https://lissa-fo.example/news/2")
    stored = record_poll_success(db, feed.id, [entry, same_url, same_text], now=NOW, next_poll_at=NOW,
                                 body_came=True)
    assert [a.guid for a in stored] == ["a"]


def test_two_pollers_storing_the_same_story_from_two_feeds_at_once_keep_one_article(db: Database) -> None:
    """Two fetch jobs (two threads or processes, each in its own transaction) store the same wire story from two
    feeds at once: one of them stores the article, the other records its feed's copy of it."""
    import threading

    from sqlalchemy import text

    if db.engine.dialect.name != "postgresql":
        pytest.skip("parallel storing transactions are PostgreSQL's; SQLite stores one poll at a time")
    first, second = (add_feed(db, f"https://{name}.example/rss", now=NOW) for name in ("wire", "ministry"))
    story = Entry(guid="w1", url="https://wire.example/kovar", title="Kovar meets Reyes",
                  text="Kovar and Reyes met in Lissa on Monday to talk about the ceasefire monitors.",
                  published_at=NOW, content_hash="kovar-reyes")
    inside, release = threading.Event(), threading.Event()
    stored: dict[str, list[str]] = {}

    def hold_open(session: object, new: object) -> None:  # the first poll's transaction, not yet committed
        inside.set()
        release.wait(30)

    def store(name: str, feed_id: int, entry: Entry, then: object = None) -> None:
        articles = record_poll_success(db, feed_id, [entry], now=NOW, next_poll_at=NOW, body_came=True,
                                       then=then)  # type: ignore[arg-type]
        stored[name] = [a.guid for a in articles]

    polling = threading.Thread(target=store, args=("wire", first.id, story, hold_open))
    polling.start()
    assert inside.wait(30)
    other = threading.Thread(target=store, args=("ministry", second.id, replace(story, guid="m1", url=None)))
    other.start()
    with db.engine.connect() as watch:  # until the second poll waits on the first one's lock (or is done)
        while other.is_alive() and not watch.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'"
                " AND datname = current_database() AND pg_stat_clear_snapshot() IS NOT NULL")).scalar():
            other.join(0.01)
    release.set()
    polling.join()
    other.join()
    assert stored == {"wire": ["w1"], "ministry": []}
    assert count_articles(db) == 1
    assert article_for_entry(db, second.id, "m1").guid == "w1"  # the ministry's entry is a copy of the wire's


def test_a_first_poll_into_a_table_never_analysed_finds_known_entries_through_the_indexes(db: Database) -> None:
    """A new deployment's first polls fill the articles table before PostgreSQL has any statistics on it: the
    lookup of known URLs and hashes must still go through the indexes (it read the whole table twice a feed), and
    the transaction's later statements, the caller's hook among them, plan as usual."""
    from sqlalchemy import text

    if db.engine.dialect.name != "postgresql":
        pytest.skip("the query planner's settings are PostgreSQL's")
    feed = add_feed(db, "https://wire.example/rss", now=NOW)
    entries = [Entry(guid=f"w{n}", url=f"https://wire.example/{n}", title=f"Dispatch {n}", text=f"Dispatch {n}.",
                     published_at=NOW, content_hash=f"hash-{n}") for n in range(3)]
    seen: list[str] = []

    def hook(session: Session, new: object) -> None:
        seen.append(session.execute(text("SHOW enable_seqscan")).scalar_one())

    record_poll_success(db, feed.id, entries, now=NOW, next_poll_at=NOW, body_came=True, then=hook)
    with db.session() as session:
        plan = "\n".join(row[0] for row in session.execute(text(
            "EXPLAIN SELECT url FROM articles WHERE url = ANY(CAST(:urls AS text[]))"),
            {"urls": [e.url for e in entries]}))
        assert "Seq Scan" in plan  # what the planner picks by itself on a table it knows nothing about
        from bot.storage.articles import FeedPoll, _lock_entry_keys

        _lock_entry_keys(session, [FeedPoll(feed.id, entries, NOW)])
        plan = "\n".join(row[0] for row in session.execute(text(
            "EXPLAIN SELECT url FROM articles WHERE url = ANY(CAST(:urls AS text[]))"),
            {"urls": [e.url for e in entries]}))
        assert "Seq Scan" not in plan and "ix_articles_url" in plan
    assert seen == ["on"]


# --- pure scheduling --------------------------------------------------------------------------------------


def test_backoff_doubles_and_is_capped(settings: Settings) -> None:
    interval = settings.poll_interval_seconds
    assert [backoff_seconds(n, settings) for n in (1, 2, 3)] == [2 * interval, 4 * interval, 8 * interval]
    assert backoff_seconds(40, settings) == settings.max_backoff_seconds


def test_jitter_spreads_the_next_poll_within_its_bound(settings: Settings) -> None:
    jittery = settings.model_copy(update={"poll_jitter_seconds": 60})
    base = NOW + timedelta(seconds=settings.poll_interval_seconds)
    times = {next_poll_after_success(NOW, jittery, random.Random(seed)) for seed in range(5)}
    assert len(times) == 5
    assert all(base <= t <= base + timedelta(seconds=60) for t in times)


def test_twenty_slow_feeds_cost_their_deadline_once_not_one_after_another(
        db: Database, settings: Settings, feed_server: FeedServer, slow_header_server: str) -> None:
    """20 feeds dripping header lines and 20 good feeds on other hosts: the good ones are all read, the slow
    ones all time out, and the whole poll ends before twice one fetch's deadline (one after another: 20 times)."""
    import time

    from bot.feeds.fetch import TOTAL_TIME_FACTOR, build_client

    # A deadline long enough that storing the 20 good feeds (slower on a loaded machine) stays small beside it, and
    # that a good feed is not timed out while this large poll starts its parsing processes on a loaded machine
    # (at 1.5 s a fresh-clone CI run lost one); the slow feeds still show the point: each costs it once.
    quick = settings.model_copy(update={"fetch_timeout_seconds": 3.0})
    deadline = TOTAL_TIME_FACTOR * quick.fetch_timeout_seconds
    slow_port = slow_header_server.rsplit(":", 1)[1]
    for n in range(20):
        add_feed(db, f"http://slow-{n}.example:{slow_port}/feed", now=NOW)
        add_feed(db, f"http://good-{n}.example:{feed_server.port}/ministry.xml", now=NOW)
    serve(feed_server, "/ministry.xml", MINISTRY)
    with build_client(quick, resolve=lambda host, port: ["127.0.0.1"]) as client:
        started = time.monotonic()
        report = poll_feeds(db, quick, NOW, client)
        took = time.monotonic() - started
    slow = [o for o in report.outcomes if "slow-" in o.url]
    good = [o for o in report.outcomes if "good-" in o.url]
    assert len(slow) == 20 and all(o.error and "FeedTimeout" in o.error for o in slow), [o.error for o in slow]
    assert len(good) == 20 and all(o.ok for o in good), [(o.url, o.error) for o in good if not o.ok]
    assert took < 2 * deadline, f"the poll took {took:.1f} s; one fetch may take {deadline} s"


def _rss(title: str, items: list[tuple[str, str, str]]) -> bytes:
    """A small RSS document: items are (guid, title, text)."""
    body = "".join(f"<item><guid>{guid}</guid><title>{name}</title><link>https://news.example/{guid}</link>"
                   f"<pubDate>Thu, 26 Nov 2026 08:00:00 GMT</pubDate><description>{text}</description></item>"
                   for guid, name, text in items)
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>{title}</title>{body}</channel></rss>".encode()


def test_a_large_poll_parses_in_processes_and_stores_in_batches_feed_by_feed(db: Database, settings: Settings,
                                                                             feed_server: FeedServer,
                                                                             monkeypatch) -> None:
    monkeypatch.setattr(poll_module, "STORE_BATCH", 7)  # batches of feeds, one of them straddling the repeat below
    feeds = poll_module.PARSE_POOL_FROM + 14
    shared = ("Envoys of Varnia and Osterholt agreed a prisoner exchange for Friday, the ministry said.")
    for n in range(feeds):
        items = [(f"wire{n}-{k}", f"Talks round {n}.{k}", f"Delegates of wire {n} met for round {k} in Lissa.")
                 for k in range(3)]
        if n in (6, 9):  # the same story under its own guid and link in two feeds
            items.append((f"urn:wire:exchange-{n}", "Prisoner exchange agreed", shared))
        body = b"<html>not a feed</html>" if n == 4 else _rss(f"Wire {n}", items)
        if n == 11:
            add_feed(db, feed_server.url("/gone-missing.xml"), now=NOW)
        else:
            add_feed(db, serve(feed_server, f"/wire{n}.xml", body), now=NOW)
    # Nothing here is about slowness: a generous deadline keeps a loaded machine from failing a good feed.
    settings = settings.model_copy(update={"fetch_timeout_seconds": 30})
    report = poll_feeds(db, settings, NOW)
    assert [o.url.rsplit("/", 1)[1] for o in report.failed] == ["wire4.xml", "gone-missing.xml"]
    assert len(report.new_articles) == (feeds - 2) * 3 + 1
    [exchange] = [a for a in report.new_articles if a.title == "Prisoner exchange agreed"]
    assert feed_by_url(db, feed_server.url("/wire6.xml")).id == exchange.feed_id  # the earlier feed keeps it
    assert article_for_entry(db, feed_by_url(db, feed_server.url("/wire9.xml")).id, "urn:wire:exchange-9") == exchange
    assert count_articles(db) == len(report.new_articles)
    assert poll_feeds(db, settings, NOW + timedelta(days=1), force=True).new_articles == []
