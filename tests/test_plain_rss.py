"""A plain RSS 2.0 feed is stored exactly as feedparser would have read it, whichever reader reads it.

`bot.feeds.plain_rss` reads the common case in a fraction of feedparser's time and gives anything unusual back
to feedparser. Each document here — hundreds of generated feeds of every shape the fast reader accepts or must
refuse, the hostile feeds of tests/test_hostile_feeds.py and the fixtures — is parsed both ways, and the titles,
entries (guid, link, title, text, date, hash) and warnings a person would see must be the same.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

import bot.feeds.parse as parse_module
from bot.feeds.parse import FeedParseError, ParsedFeed, parse_feed
from bot.feeds.plain_rss import read_plain_rss
from tests.test_hostile_feeds import HEALTHY, WRONG_ENCODINGS, item, rss

NOW = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)
URL = "https://press.harbour-ministry.example/news/feed.xml"
FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
CONTENT_NS = 'xmlns:content="http://purl.org/rss/1.0/modules/content/"'


def both_ways(body: bytes, content_type: str | None, monkeypatch: pytest.MonkeyPatch,
              url: str = URL) -> tuple[ParsedFeed | str, ParsedFeed | str, bool]:
    """(as read with the fast reader where it takes the document, as read by feedparser alone, whether the fast
    reader took it); a refused document as its error."""
    def parse() -> ParsedFeed | str:
        try:
            return parse_feed(body, url=url, now=NOW, content_type=content_type)
        except FeedParseError as exc:
            return f"FeedParseError: {exc.reason}"

    taken = read_plain_rss(parse_module.without_entity_declarations(body), url=url,
                           content_type=content_type) is not None
    fast = parse()
    with monkeypatch.context() as patch:
        patch.setattr(parse_module, "read_plain_rss", lambda *args, **kwargs: None)
        slow = parse()
    return fast, slow, taken


# --- generated feeds ---------------------------------------------------------------------------------------

TITLES = [
    "Kovar meets Reyes in Lissa", "Talks &amp; monitors: the &lt;b&gt;next&lt;/b&gt; round",
    "<![CDATA[Envoy <i>arrives</i> in Port Alder]]>", "Café talks in Zürich: the minister’s “final” offer",
    "CafÃ© talks: UTF-8 read as Latin-1", "Quote &#147;grave&#148; &#150; cp1252 codes", "  \n  Padded title \n ",
    "Ceasefire &lt;/p&gt; holds &amp;amp; more", "AT&amp;T &lt;br/&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;Envoy",
    "", "Line one\nline two", "Trade &#x2014; sanctions &#169; 2026", "Fish &amp;chips; &amp;nbsp; talks",
    "Résumé of the Kessel Strait accord", "&lt;a href='x'&gt;Monitors&lt;/a&gt; reach the strait",
    "A title with a &lt;/unknowntag&gt;", "Σύνοδος κορυφής στη Λίσσα",
]
TEXTS = [
    "The ministers discussed the ceasefire monitors and the timetable for the next round.",
    "&lt;p&gt;The envoy arrived.&lt;/p&gt;&lt;p&gt;Talks begin on Monday.&lt;/p&gt;",
    "<![CDATA[<p>“We have lost two years,” Reyes told reporters.</p><script>x()</script><p>Next.</p>]]>",
    "", "   ", "Plain text\n\nwith paragraphs\nand lines.", "Mojibake â€œquotedâ€\x9d text from a desk",
    "&lt;img src=x onerror=alert(2)&gt;&lt;style&gt;b{}&lt;/style&gt;Only this remains.",
    "Cp1252 &#128; euro and &#153; trade mark", "Δήλωση του υπουργείου για τους παρατηρητές.",
]
LINKS = [
    "https://harbour.example/news/1", "/news/relative-2", "relative/3?a=1&amp;b=2", "https://harbour.example/q?x=1&amp;amp;y=2",
    "  https://harbour.example/padded  ", "", "javascript:alert(4)", "https://harbour.example/p?a&amp;b;=c",
    "//cdn.example/news/5", "https://harbour.example/é/6", "../up/7",
]
GUIDS = ["fo-1", "https://harbour.example/guid/2", "/guid/relative", "", " spaced guid ", "urn:uuid:1234", "tag:x,2026:5"]
DATES = [
    "Fri, 27 Nov 2026 08:00:00 GMT", "Fri, 27 Nov 2026 08:00:00 +0200", "27 Nov 2026 08:00 EST",
    "2026-11-27T08:00:00Z", "2026-11-27", "Thu, 01 Jan 1970 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT",
    "yesterday at noon-ish", "", "Sat, 28 Nov 2026 07:00:00 GMT", "Mon, 1 Jun 2026 8:00:00 PDT",
]


def generated_item(rng: random.Random, unusual: bool) -> str:
    parts = []
    if rng.random() < 0.9:
        parts.append(f"<title>{rng.choice(TITLES)}</title>")
    if rng.random() < 0.8:
        parts.append(f"<link>{rng.choice(LINKS)}</link>")
    if rng.random() < 0.7:
        permalink = rng.choice(["", ' isPermaLink="false"', ' isPermaLink="true"', ' isPermaLink="TRUE"'])
        parts.append(f"<guid{permalink}>{rng.choice(GUIDS)}</guid>")
    if rng.random() < 0.8:
        parts.append(f"<pubDate>{rng.choice(DATES)}</pubDate>")
    if rng.random() < 0.85:
        parts.append(f"<description>{rng.choice(TEXTS)}</description>")
    if rng.random() < 0.3:
        parts.append(f"<content:encoded>{rng.choice(TEXTS)}</content:encoded>")
    if rng.random() < 0.3:
        parts.append(rng.choice(['<category domain="x">Diplomacy</category>', "<author>desk@harbour.example (Desk)</author>",
                                 "<comments>/comments/1</comments>"]))
    rng.shuffle(parts)
    if unusual and rng.random() < 0.15:  # something the fast reader must leave to feedparser
        parts.append(rng.choice([
            '<title xml:lang="en">Second title</title>', "<description>Twice</description>",
            '<enclosure url="https://harbour.example/a.mp3" type="audio/mpeg" length="1"/>',
            "<source url='https://other.example/rss'>Other</source>", "<dc:date>2026-11-27</dc:date>",
            "<description><p>Nested markup</p></description>", '<title type="html">Typed</title>',
        ]))
    return "<item>" + "\n  ".join(parts) + "</item>"


def generated_feed(rng: random.Random) -> tuple[bytes, str | None]:
    """A feed of up to six items; two in five have something unusual somewhere (most of which the fast
    reader leaves to feedparser)."""
    unusual = rng.random() < 0.4
    declaration = rng.choice(['<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0" encoding="UTF-8"?>',
                              '<?xml version="1.0"?>', "", *(["<?xml version='1.0' encoding='iso-8859-1'?>"] if unusual else [])])
    namespaces = (f' {CONTENT_NS} xmlns:dc="http://purl.org/dc/elements/1.1/"'
                  ' xmlns:atom="http://www.w3.org/2005/Atom"')
    version = rng.choice(['version="2.0"'] * 8 + (['version="0.91"', ""] if unusual else []))
    channel = [f"<title>{rng.choice(TITLES)}</title>"] if rng.random() < 0.9 else []
    channel += rng.sample(["<link>https://harbour.example/</link>", "<description>The press room</description>",
                           "<language>en</language>", "<lastBuildDate>Fri, 27 Nov 2026 09:00:00 GMT</lastBuildDate>",
                           "<generator>Desk 2.1</generator>", "<ttl>30</ttl>",
                           '<atom:link href="https://harbour.example/rss" rel="self" type="application/rss+xml"/>'],
                          rng.randint(0, 4))
    channel += [generated_item(rng, unusual) for _ in range(rng.randint(0 if unusual else 1, 6))]
    if unusual and rng.random() < 0.1:
        channel.append("<title>A title after the items</title>")
    if unusual and rng.random() < 0.1:
        channel.insert(1, "<image><url>https://harbour.example/logo.png</url><title>Logo</title></image>")
    body = f"{declaration}<rss {version}{namespaces}>\n<channel>{''.join(channel)}</channel></rss>"
    if unusual and rng.random() < 0.1:
        body = body[: rng.randint(len(body) // 2, len(body) - 1)]  # cut off
    content_type = rng.choice(["application/rss+xml", "application/xml; charset=utf-8", "text/xml; charset=UTF-8",
                               *([None, "text/xml", "application/rss+xml; charset=iso-8859-1", "text/html"] if unusual else [])])
    encoding = "iso-8859-1" if "iso-8859-1" in declaration else "utf-8"
    return body.encode(encoding, errors="xmlcharrefreplace"), content_type


def test_generated_feeds_are_stored_the_same_by_both_readers(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(13)
    taken = 0
    for number in range(600):
        body, content_type = generated_feed(rng)
        fast, slow, took = both_ways(body, content_type, monkeypatch)
        assert fast == slow, f"feed {number} ({content_type}):\n{body.decode('utf-8', 'replace')}"
        taken += took
    assert taken > 300  # the fast reader read a good share of them, so the comparison is not idle


def test_a_plain_feed_is_read_by_the_fast_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow, taken = both_ways(HEALTHY, "application/rss+xml", monkeypatch)
    assert taken and fast == slow
    assert isinstance(fast, ParsedFeed) and fast.title == "Lissa Foreign Office"
    assert [e.title for e in fast.entries] == ["Kovar meets Reyes in Lissa", "Monitors reach the Kessel Strait"]


# --- hostile and odd feeds ---------------------------------------------------------------------------------

HOSTILE = {
    "healthy": (HEALTHY, "application/rss+xml"),
    "undeclared-entities": (rss(item("Talks&nbsp;resume &mdash; at last", guid="m-1", link="https://harbour.example/m1"),
                                item("Envoy\x00 arrives", guid="m-2")), "application/rss+xml"),
    "markup": (rss(item("&lt;script&gt;alert(1)&lt;/script&gt;Envoy &lt;b&gt;arrives&lt;/b&gt;", guid="h-1",
                        text="&lt;p&gt;The envoy.&lt;script&gt;steal()&lt;/script&gt;&lt;/p&gt;"),
                   item("<![CDATA[<iframe src=https://evil.example></iframe>Ceasefire holds]]>", guid="h-2",
                        link="javascript:alert(4)")), "application/rss+xml"),
    "bare": (rss(item("Harbour ministry statement"), item("Second statement", text="Only text.")), None),
    "truncated": (rss(item("Whole", guid="t-1"), item("Cut", guid="t-2"))[:-40], "application/rss+xml"),
    "billion-laughs": (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                       + rss(item("Laughs &b;"))[21:], "application/rss+xml"),
    "external-entity": (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
                        + rss(item("File &x;"))[21:], "application/rss+xml"),
    "many-entries": (rss(*[item(f"Dispatch {n}", guid=f"d-{n}", date=f"Fri, 27 Nov 2026 {n % 24:02d}:{n % 60:02d}:00 GMT")
                           for n in range(260)]), "application/rss+xml"),
    "utf8-bom": (b"\xef\xbb\xbf" + HEALTHY, "application/rss+xml"),
    "leading-whitespace": (b"\n  " + HEALTHY, "application/rss+xml"),
    "atom": (b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
             b'<entry><title>Atom entry</title><id>urn:a:1</id><link href="/a/1"/><updated>2026-11-27T08:00:00Z</updated>'
             b"<summary>Text</summary></entry></feed>", "application/atom+xml"),
    "rdf": (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            b'xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>R</title></channel>'
            b'<item rdf:about="https://harbour.example/r1"><title>RSS 1.0 item</title><link>https://harbour.example/r1</link>'
            b"</item></rdf:RDF>", "application/rss+xml"),
    "default-namespace": (HEALTHY.replace(b'<rss version="2.0">', b'<rss version="2.0" xmlns="http://backend.userland.com/rss2">'),
                          "application/rss+xml"),
    "uppercase-tags": (HEALTHY.replace(b"<title>", b"<Title>").replace(b"</title>", b"</Title>"), "application/rss+xml"),
    "no-items": (rss(), "application/rss+xml"),
    "html-page": (b"<!doctype html><html><body><h1>Press room</h1></body></html>", "text/html"),
    "xml-declaration-only": (b'<?xml version="1.0"?>', "application/rss+xml"),
    **{f"encoding-{name}": case for name, case in WRONG_ENCODINGS.items()},
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_feeds_are_stored_the_same_by_both_readers(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    body, content_type = HOSTILE[case]
    fast, slow, _ = both_ways(body, content_type, monkeypatch)
    assert fast == slow


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.xml")))
def test_fixture_feeds_are_stored_the_same_by_both_readers(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow, _ = both_ways((FIXTURES / name).read_bytes(), "application/rss+xml", monkeypatch)
    assert fast == slow


def test_the_bench_feeds_are_read_by_the_fast_reader_as_by_feedparser(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.dev.bench_scale import FeedFarm, _texts

    farm = FeedFarm(3, 20, _texts(), NOW)
    try:
        for path, body in farm.bodies.items():
            fast, slow, taken = both_ways(body, "application/rss+xml", monkeypatch, url=f"http://127.0.0.1{path}")
            assert taken and fast == slow
            assert isinstance(fast, ParsedFeed) and len(fast.entries) == 20
    finally:
        farm.stop()
