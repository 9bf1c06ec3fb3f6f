"""The bundled demo feeds and the story-clustering set are well formed and rich enough to demo and measure."""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO_FEEDS = ROOT / "bot" / "dev" / "demo_feeds"
STORIES = ROOT / "eval" / "stories.jsonl"
FEED_FILES = sorted(p for p in DEMO_FEEDS.iterdir() if p.suffix in {".xml", ".atom"})

FIRST_DAY = datetime(2026, 11, 20, tzinfo=UTC)
LAST_DAY = datetime(2026, 11, 28, tzinfo=UTC)


def _entry_html(entry: feedparser.FeedParserDict) -> str:
    """The article body of an entry: content when present, otherwise the summary."""
    return entry["content"][0]["value"] if entry.get("content") else entry.get("summary", "")


def _entry_text(entry: feedparser.FeedParserDict) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", _entry_html(entry)))


def _parsed(path: Path) -> feedparser.FeedParserDict:
    return feedparser.parse(path.read_bytes())


def test_there_are_at_least_three_demo_feeds_in_rss_and_atom() -> None:
    versions = {_parsed(p).version for p in FEED_FILES}
    assert len(FEED_FILES) >= 3
    assert {"rss20", "atom10"} <= versions


@pytest.mark.parametrize("path", FEED_FILES, ids=lambda p: p.name)
def test_feed_parses_without_bozo_and_has_four_items(path: Path) -> None:
    feed = _parsed(path)
    assert not feed.bozo, f"{path.name}: {feed.get('bozo_exception')}"
    assert feed.feed.get("title")
    assert len(feed.entries) >= 4


@pytest.mark.parametrize("path", FEED_FILES, ids=lambda p: p.name)
def test_every_item_has_guid_link_date_and_full_text(path: Path) -> None:
    for entry in _parsed(path).entries:
        where = f"{path.name}: {entry.get('title')!r}"
        assert entry.get("id"), where
        assert entry.get("link", "").startswith("https://"), where
        assert ".example/" in entry.link, f"{where} links outside the reserved .example domain"
        parsed_date = entry.get("published_parsed") or entry.get("updated_parsed")
        assert parsed_date, where
        published = datetime(*parsed_date[:6], tzinfo=UTC)
        assert FIRST_DAY <= published < LAST_DAY, where
        paragraphs = re.findall(r"<p>", _entry_html(entry))
        assert len(paragraphs) >= 4, f"{where} has {len(paragraphs)} paragraphs"
        assert len(_entry_text(entry).split()) >= 100, where


def test_guids_and_links_are_unique_across_feeds() -> None:
    entries = [e for p in FEED_FILES for e in _parsed(p).entries]
    assert len({e.id for e in entries}) == len(entries)
    assert len({e.link.split("?")[0] for e in entries}) == len(entries)


def test_feeds_tell_at_least_fifteen_distinct_stories() -> None:
    entries = [e for p in FEED_FILES for e in _parsed(p).entries]
    guids = {e.id for e in entries}
    for pair in SAME_EVENT_PAIRS:
        assert set(pair) <= guids, pair
    assert len(entries) - len(SAME_EVENT_PAIRS) >= 15


def test_spokeswoman_is_quoted_in_every_feed() -> None:
    for path in FEED_FILES:
        texts = [_entry_text(e) for e in _parsed(path).entries]
        assert any("Nauert" in t for t in texts), path.name


def test_every_kind_of_deadline_phrase_appears() -> None:
    corpus = " ".join(_entry_text(e) for p in FEED_FILES for e in _parsed(p).entries)
    for phrase in DEADLINE_PHRASES:
        assert phrase in corpus, phrase


def _stories() -> list[dict]:
    lines = STORIES.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_stories_set_has_valid_fields_and_unique_ids() -> None:
    stories = _stories()
    for number, story in enumerate(stories, start=1):
        assert set(story) == {"id", "event", "outlet", "title", "text", "published"}, f"line {number}"
        assert all(isinstance(v, str) and v.strip() for v in story.values()), f"line {number}"
        published = datetime.fromisoformat(story["published"])
        assert published.tzinfo is not None, f"line {number}"
        assert published < LAST_DAY, f"line {number}: published after the demo's today"
        assert 2 <= story["text"].count("\n\n") + 1 <= 4, f"line {number}: 2-4 paragraphs"
    assert len({s["id"] for s in stories}) == len(stories)


def test_stories_set_has_thirty_events_told_at_least_twice() -> None:
    stories = _stories()
    tellings = Counter(s["event"] for s in stories)
    assert sum(1 for n in tellings.values() if n >= 2) >= 30
    for event, n in tellings.items():
        outlets = [s["outlet"] for s in stories if s["event"] == event]
        assert len(set(outlets)) == n, f"{event}: one outlet tells it twice"
        titles = {s["title"] for s in stories if s["event"] == event}
        assert len(titles) == n, f"{event}: repeated title"


def test_look_alike_events_are_labelled_apart() -> None:
    events = {s["event"] for s in _stories()}
    assert len(LOOK_ALIKE_EVENTS) >= 8
    for event, look_alike in LOOK_ALIKE_EVENTS:
        assert {event, look_alike} <= events, (event, look_alike)


# Items of two feeds that tell the same event (the gold answer for grouping the demo into stories).
SAME_EVENT_PAIRS = [
    ("meridian-2026-11-24-nk-stockholm", "tag:diplomaticdispatch.example,2026-11-24:/korea/stockholm-round"),
    ("meridian-2026-11-23-scs-code", "tag:diplomaticdispatch.example,2026-11-23:/asia/scs-code"),
    ("meridian-2026-11-21-grain-corridor", "https://harbourgazette.example/2026/11/grain-deal-rolled-over"),
    ("meridian-2026-11-26-sudan-ceasefire", "https://harbourgazette.example/2026/11/sudan-truce-signed"),
    ("meridian-2026-11-22-prisoner-exchange", "embassyrow-20261123-exchange"),
    (
        "tag:diplomaticdispatch.example,2026-11-25:/iran/iaea-access-deadline",
        "https://harbourgazette.example/2026/11/iran-march-deadline",
    ),
    (
        "tag:diplomaticdispatch.example,2026-11-27:/trade/mexico-steel-ultimatum",
        "https://harbourgazette.example/2026/11/mexico-steel-ultimatum",
    ),
]

DEADLINE_PHRASES = [
    "to be completed by January 2027",
    "no later than March 1",
    "within 30 days",
    "by the end of the year",
    "before the summit next month",
    "expires on December 31",
    "ultimatum",
    "until the process is complete",
    "Not until Tuesday did",
]

# Pairs of events in eval/stories.jsonl that share people, places or topic but are different events:
# a story grouper must keep them apart.
LOOK_ALIKE_EVENTS = [
    ("nk-pompeo-pyongyang-oct", "nk-pompeo-pyongyang-nov"),
    ("nk-pompeo-pyongyang-nov", "nk-stockholm-talks"),
    ("eu-sanctions-19th-package", "eu-sanctions-20th-package"),
    ("eu-sanctions-20th-package", "eu-sanctions-rollover"),
    ("iran-iaea-board-censure", "iran-grossi-tehran-visit"),
    ("iran-iaea-board-censure", "iran-march-deadline"),
    ("iran-march-deadline", "us-iran-tanker-sanctions"),
    ("haiti-unsc-mission-renewal", "haiti-unsc-arms-embargo"),
    ("sudan-october-truce-collapse", "sudan-jeddah-ceasefire"),
    ("us-mexico-steel-ultimatum", "us-canada-lumber-tariffs"),
    ("russia-us-swap-march", "russia-us-swap-abu-dhabi"),
    ("nato-defence-ministers-feb", "nato-foreign-ministers-apr"),
    ("scs-collision-september", "scs-collision-october"),
    ("black-sea-grain-renewal", "odesa-grain-ship-struck"),
]
