"""Full text for teasers: article pages fetched politely within the feed limits, failures keep the teaser."""

from datetime import UTC, datetime

from sqlalchemy import select

from bot.app.ingest import add_feeds, run_cycle
from bot.feeds.pages import (
    HostPacer,
    PageRequest,
    fetch_pages,
    is_teaser,
    main_text,
)
from bot.storage import Database
from bot.storage.models import ArticleRow
from bot.storage.stories import load_stories
from tests.conftest import Route

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
HTML = {"Content-Type": "text/html; charset=utf-8"}


def test_short_text_or_cut_off_text_with_a_link_is_a_teaser() -> None:
    assert is_teaser("Negotiators met in Vienna. Read more", "https://w.example/a")
    assert is_teaser("A long paragraph " * 50 + "…", "https://w.example/a")
    assert not is_teaser("A long paragraph about the talks. " * 30, "https://w.example/a")
    assert not is_teaser("Short, but nowhere to read more.", None)


def test_main_text_keeps_the_article_and_drops_menus_footer_and_repeated_title() -> None:
    text = main_text(PAGE.encode(), "http://127.0.0.1/vienna", "Iran deal talks stall in Vienna")
    assert text.startswith("Negotiators left Vienna on Wednesday without an agreement")
    assert "“There is no deal yet,” said EU envoy Clara Moretti" in text
    assert "\n\n" in text  # paragraphs stay apart
    for boilerplate in ("Subscribe to our newsletter", "All rights reserved", "Home | World | Business"):
        assert boilerplate not in text


def test_page_text_replaces_the_teaser_and_failures_keep_it_marked(page_server, settings) -> None:
    page_server.routes["/vienna"] = Route(body=PAGE.encode(), headers=HTML)
    page_server.routes["/feed-only"] = Route(body=b'{"not": "html"}', headers={"Content-Type": "application/json"})
    requests = [
        PageRequest(1, page_server.url("/vienna"), "Iran deal talks stall in Vienna", TEASER),
        PageRequest(2, page_server.url("/gone"), "Seoul reopens liaison office", "Seoul said on Thursday..."),
        PageRequest(3, page_server.url("/feed-only"), "Not a page", "Teaser three"),
        PageRequest(4, "https://wire.example/never-asked", "Reserved", "Teaser four"),
    ]
    pages = fetch_pages(requests, settings, min_delay=0)

    assert pages[1].source == "page" and pages[1].error is None
    assert "Clara Moretti" in pages[1].text and len(pages[1].text) > len(TEASER)
    assert (pages[2].source, pages[2].text) == ("feed", "Seoul said on Thursday...")
    assert "HTTP 404" in pages[2].error
    assert pages[3].source == "feed" and "not an HTML page" in pages[3].error
    assert pages[4].source == "feed" and "reserved name" in pages[4].error
    assert sorted(v.path for v in page_server.visits) == ["/feed-only", "/gone", "/vienna"]


def test_a_page_over_the_size_cap_keeps_the_teaser(page_server, settings) -> None:
    page_server.routes["/huge"] = Route(body=PAGE.encode() * 20, headers=HTML)
    small = settings.model_copy(update={"fetch_max_bytes": 4096})
    [page] = fetch_pages([PageRequest(1, page_server.url("/huge"), "t", TEASER)], small, min_delay=0).values()
    assert page.text == TEASER and "FeedTooBig" in page.error


def test_one_request_at_a_time_per_host_with_the_minimum_delay_between(page_server, settings) -> None:
    page_server.delay = 0.1
    for n in range(3):
        page_server.routes[f"/a{n}"] = Route(body=PAGE.encode(), headers=HTML)
    page_server.routes["/b0"] = Route(body=PAGE.encode(), headers=HTML)
    requests = [PageRequest(n, page_server.url(f"/a{n}"), "t", TEASER) for n in range(3)]
    requests.append(PageRequest(9, page_server.url("/b0", host="localhost"), "t", TEASER))

    pages = fetch_pages(requests, settings, pacer=HostPacer(min_delay=0.3), workers=2)

    assert all(p.source == "page" for p in pages.values())
    same_host = [v for v in page_server.visits if v.host == "127.0.0.1"]
    assert [v.path for v in same_host] == ["/a0", "/a1", "/a2"]  # in order, one after the other
    for before, after in zip(same_host, same_host[1:], strict=False):
        assert after.started - before.finished >= 0.3
    assert [v.path for v in page_server.visits if v.host == "localhost"] == ["/b0"]


def test_cycle_reads_pages_of_teasers_and_marks_the_failed_one(db: Database, settings, feed_server, nlp) -> None:
    feed_server.routes["/wire.xml"] = Route(body=teaser_feed(feed_server.url("")).encode(),
                                            headers={"Content-Type": "application/rss+xml"})
    feed_server.routes["/vienna"] = Route(body=PAGE.encode(), headers=HTML)
    add_feeds(db, settings, [feed_server.url("/wire.xml")], NOW)

    report = run_cycle(settings, lambda: nlp, db=db, force=True, now=NOW)

    assert report.analyzed == 2 and not report.analysis_failures
    with db.session() as session:
        rows = {row.title: row for row in session.scalars(select(ArticleRow))}
    vienna, seoul = rows["Iran deal talks stall in Vienna"], rows["Seoul and Pyongyang agree to reopen liaison office"]
    assert vienna.text_source == "page" and vienna.page_error is None and "Clara Moretti" in vienna.text
    assert seoul.text_source == "feed" and "HTTP 404" in seoul.page_error
    assert seoul.text.startswith("South Korean Unification Minister")
    [story] = [s for s in load_stories(db) if s.title.startswith("Iran")]
    assert any(q.speaker == "Clara Moretti" for q in story.quotes)  # found in the page, not in the teaser


def teaser_feed(base: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Teaser Wire</title><link>{base}/</link><description>t</description>
<item><title>Seoul and Pyongyang agree to reopen liaison office</title>
<link>{base}/liaison</link><guid>tw-1</guid><pubDate>Thu, 26 Nov 2026 08:00:00 GMT</pubDate>
<description>South Korean Unification Minister Han Ji-woo said the office would reopen. Read more</description>
</item>
<item><title>Iran deal talks stall in Vienna</title>
<link>{base}/vienna</link><guid>tw-2</guid><pubDate>Wed, 25 Nov 2026 08:00:00 GMT</pubDate>
<description>{TEASER}</description></item>
</channel></rss>"""


TEASER = "Negotiators left Vienna without an agreement on Wednesday…"

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Iran deal talks stall in Vienna | Teaser Wire</title></head>
<body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/business">Business</a></nav>
<header><p>Home | World | Business</p></header>
<main><article>
<h1>Iran deal talks stall in Vienna</h1>
<p>Negotiators left Vienna on Wednesday without an agreement on restoring inspections, after three days of
talks that diplomats had described as the last chance before the IAEA board meets in March.</p>
<p>“There is no deal yet,” said EU envoy Clara Moretti, who chaired the talks. She added that the two sides
must conclude their work by December 31 if the board is to consider a joint text.</p>
<p>Iran’s delegation said it had offered access to two sites but would not accept cameras at Fordow until
sanctions relief was agreed. Western diplomats called the offer a step backwards.</p>
<p>The talks are due to resume in Geneva in the second week of December, according to the European
External Action Service.</p>
</article></main>
<aside><p>Subscribe to our newsletter for the best of world news every morning.</p></aside>
<footer><p>© 2026 Teaser Wire. All rights reserved.</p></footer>
</body></html>"""
