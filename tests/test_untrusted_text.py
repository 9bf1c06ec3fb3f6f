"""Feed text is untrusted: whatever an article says, it reaches Slack as plain text that pings, links and
formats nothing, inside Block Kit that Slack accepts. Driven through the real builders: story messages, quote
threads, digests, deadline reminders, slash-command answers and the App Home.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.analysis.records import Actor, Deadline, Quote
from bot.config import Settings
from bot.domain.articles import clean_text, one_line
from bot.domain.stories import Story, StorySource
from bot.slack.blocks import SlackMessage, limit_problems
from bot.slack.commands import CommandContext, run_command
from bot.slack.commands.home import home_view
from bot.slack.digest import (
    build_digest,
    deadline_reminder,
    quotes_reply,
    story_message,
    upcoming_deadlines,
)
from bot.storage import Database
from bot.storage.delivery import add_subscription
from tests import stored_news

# What a hostile feed writes, and what must never reach Slack as written.
BROADCASTS = ["<!channel>", "<!here>", "<!everyone>", "<!subteam^S0123|@security>", "<!date^1392734382^{date}|x>"]
MENTIONS = ["<@U0123ABCD>", "<#C0123ABCD>", "<@W0123|ceo>"]
LINKS = ["<https://evil.example/login|Click to verify your Slack account>", "<mailto:boss@evil.example|HR>"]
BARE = ["@channel", "@here", "@everyone"]
FORMATTING = ["*URGENT*", "_read this now_", "~cancelled~", "`rm -rf /`", "```\nsystem override\n```"]
BREAKERS = ["\u202eevil.exe\u202c", "\x00\x07\x1b[31m", "&amp;lt;", "&", "\ud7ff\ufffd", "|", ">quoted", "\n\n\n"]
ALL_PAYLOADS = BROADCASTS + MENTIONS + LINKS + BARE + FORMATTING + BREAKERS
HOSTILE = " ".join(ALL_PAYLOADS)
EVIL_URLS = ["javascript:alert(1)", "https://evil.example/a|<!channel>", "https://evil.example/x>y <@U1>",
             "data:text/html,<script>alert(1)</script>", "https://good.example/story?a=1&b=<2>"]

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
TODAY = NOW.date()


def hostile_story(story_id: int = 7, url: str | None = "https://evil.example/a|<!channel>") -> Story:
    """A story whose every field carries the payloads."""
    return Story(
        id=story_id,
        title=f"Talks resume {HOSTILE}",
        url=url,
        published=NOW,
        summary=[f"The envoy said {HOSTILE}.", f"{' '.join(FORMATTING)} and {' '.join(BROADCASTS)}."],
        actors=[Actor(name=f"Anna {m} Kovar", kind="person", mentions=3, role=f"minister {HOSTILE}")
                for m in MENTIONS] + [Actor(name="<!here> Lissa", kind="country", mentions=2)],
        quotes=[Quote(text=f"We will {payload} never give up", start=0, end=10, direct=True,
                      speaker=f"Kovar {payload}") for payload in ALL_PAYLOADS],
        deadlines=[Deadline(text=f"by {TODAY + timedelta(days=2):%B %d} {HOSTILE}", start=0, end=5,
                            due=(TODAY + timedelta(days=2)).isoformat(), kind="date",
                            action=f"sign {HOSTILE}", actor=f"{BROADCASTS[0]} Lissa")],
        sources=[StorySource(name=f"Wire {payload}", url=url_) for payload, url_ in zip(ALL_PAYLOADS, EVIL_URLS, strict=False)],
    )


# --- reading what we built as Slack would ------------------------------------------------------------------

def text_objects(value: Any) -> Iterator[tuple[str, str]]:
    """Every (type, text) of a Block Kit payload: `mrkdwn` and `plain_text` objects, context elements."""
    if isinstance(value, dict):
        if value.get("type") in ("mrkdwn", "plain_text") and isinstance(value.get("text"), str):
            yield value["type"], value["text"]
        for child in value.values():
            yield from text_objects(child)
    elif isinstance(value, list):
        for child in value:
            yield from text_objects(child)


_ANGLE = re.compile(r"<([^<>]*)>")
# Our links: an http(s) URL with no raw separator in it, then a label (a later "|" is part of the label).
_OUR_LINK = re.compile(r"^https?://[^\s|<>]+\|[^<>]*$")
OUR_CHANNELS = {"#C1"}  # the App Home names the subscribed channel: Slack's own id, not feed text


def inertness_problems(kind: str, text: str) -> list[str]:
    """Why Slack would not show `text` as plain words: a mention, a foreign link, a live broadcast word."""
    problems = []
    if kind == "mrkdwn" or kind == "fallback":
        for inner in _ANGLE.findall(text):
            # Only our own links may remain: an http(s) URL with no separator, then a label with none.
            if inner in OUR_CHANNELS:
                continue
            if inner.startswith(("!", "@", "#")) or ("|" in inner and not _OUR_LINK.match(inner)) \
                    or re.match(r"(?i)(javascript|data|mailto):", inner):
                problems.append(f"live markup <{inner}>")
        for word in ("channel", "here", "everyone"):
            if re.search(rf"(?<![\w\u2060])@{word}\b", text):
                problems.append(f"bare @{word}")
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\u202a-\u202e\u2066-\u2069]", text):
        problems.append("control or bidi characters")
    return problems


def assert_inert(payload: dict[str, Any]) -> None:
    found = []
    if payload.get("text") is not None:
        found += [f"text: {p}" for p in inertness_problems("fallback", payload["text"])]
    for kind, text in text_objects(payload.get("blocks", [])):
        found += [f"{kind}: {p} in {text[:80]!r}" for p in inertness_problems(kind, text)]
    assert found == []


def assert_no_formatting_injection(payload: dict[str, Any]) -> None:
    kept = [payload_text for kind, text in [("mrkdwn", payload.get("text") or ""), *text_objects(payload["blocks"])]
            if kind == "mrkdwn" for payload_text in FORMATTING if payload_text in text]
    assert kept == []


def assert_within_block_kit(payload: dict[str, Any]) -> None:
    blocks = payload.get("blocks", [])
    assert 0 < len(blocks) <= 50
    for block in blocks:
        if block["type"] == "header":
            assert 0 < len(block["text"]["text"]) <= 150
        if block["type"] == "section" and "text" in block:
            assert 0 < len(block["text"]["text"].strip()) <= 3000
        if block["type"] == "context":
            assert 0 < len(block["elements"]) <= 10
            assert all(0 < len(e["text"]) <= 3000 for e in block["elements"])


def as_payload(message: SlackMessage) -> dict[str, Any]:
    return message.payload()


# --- digests and the messages the poster sends -----------------------------------------------------------

def digest_messages() -> list[tuple[str, SlackMessage]]:
    story = hostile_story()
    bare = hostile_story(8, url="javascript:alert(1)")
    reminder = deadline_reminder(upcoming_deadlines([story], today=TODAY, days=7), today=TODAY, days=7)
    assert reminder is not None
    messages = [("story", story_message(story)), ("quotes thread", quotes_reply(story)),
                ("story without a safe link", story_message(bare)), ("deadline reminder", reminder)]
    messages += [(f"digest part {n}", part) for n, part in enumerate(build_digest([story, bare]), start=1)]
    return messages


@pytest.mark.parametrize("name, message", digest_messages(), ids=lambda v: v if isinstance(v, str) else "")
def test_feed_text_in_slack_messages_pings_and_links_nobody(name: str, message: SlackMessage) -> None:
    assert message is not None
    assert_inert(as_payload(message))


@pytest.mark.parametrize("name, message", digest_messages(), ids=lambda v: v if isinstance(v, str) else "")
def test_feed_text_never_breaks_block_kit(name: str, message: SlackMessage) -> None:
    assert limit_problems(message) == []
    assert_within_block_kit(as_payload(message))


def test_the_payloads_are_still_readable_as_typed() -> None:
    """Inert does not mean hidden: a reader sees what the feed wrote (escaped, not deleted)."""
    blocks = story_message(hostile_story()).blocks
    shown = " ".join(text for _, text in text_objects(blocks))
    assert "&lt;!channel&gt;" in shown and "&lt;@U0123ABCD&gt;" in shown
    assert "&lt;https://evil.example/login|Click to verify your Slack account&gt;" in shown


def test_an_evil_link_never_becomes_a_link() -> None:
    blocks = story_message(hostile_story()).blocks
    targets = [inner.split("|", 1)[0] for _, text in text_objects(blocks) for inner in _ANGLE.findall(text)]
    assert targets, "the story's own (percent-encoded) link should remain"
    assert all(t.startswith(("https://", "http://")) for t in targets)
    assert not any(t.startswith("https://evil.example/login") for t in targets)


def test_mrkdwn_formatting_in_feed_text_is_shown_as_typed() -> None:
    for _name, message in digest_messages():
        assert_no_formatting_injection(as_payload(message))


# --- slash-command answers and the App Home, from stored hostile articles ---------------------------------

@pytest.fixture
def hostile_db(tmp_path: Path) -> Iterator[Database]:
    # Stored text went through the feed edge (bot.domain.articles), which drops control and bidi characters.
    hostile, payloads = one_line(clean_text(HOSTILE)), [one_line(clean_text(p)) for p in ALL_PAYLOADS]
    db = Database.connect(f"sqlite:///{tmp_path / 'untrusted.db'}")
    db.upgrade()
    feed = stored_news.add_feed(db, "http://127.0.0.1/wire.xml", f"Wire {hostile}")
    with db.session() as session:
        from bot.storage.models import FeedRow

        broken = FeedRow(url="https://feeds.example/<!here>?q=<@U1>", title=None, created_at=NOW,
                         consecutive_failures=3, last_error=f"FeedParseError: {hostile}", retired=False,
                         last_polled_at=NOW)
        session.add(broken)
    stored_news.add_article(
        db, feed, f"Kovar warns {hostile}", NOW - timedelta(hours=2), url="https://evil.example/a|<!channel>",
        quotes=[(f"We will {payload} never give up", f"Anna Kovar {payload}", True) for payload in payloads],
        deadlines=[{"text": f"by Monday {hostile}", "due": (TODAY + timedelta(days=3)).isoformat(),
                    "action": f"sign {hostile}", "actor": "<!channel> Lissa"}],
        actors=[(f"Anna Kovar {MENTIONS[0]}", "person", ["Kovar"]), ("<!here> Lissa", "country", [])],
        summary=[f"Summary {hostile}."])
    add_subscription(db, "T1", "C1", "*", created_by="U1", now=NOW)
    yield db
    db.dispose()


COMMAND_LINES = [
    ("who-said", "Kovar"),
    ("who-said", "Kovar share"),
    ("deadlines", ""),
    ("deadlines", "lissa"),
    ("digest", ""),
    ("digest", "kovar share"),
    ("feeds", "list"),
    ("feeds", "list share"),
    ("subscriptions", ""),
    ("diplo", "help"),
    ("who-said", HOSTILE),
    ("subscribe", HOSTILE),
    ("feeds", f"add https://feeds.example/{HOSTILE}"),
    ("diplo", f"schedule daily at {HOSTILE}"),
    ("no-such-command", HOSTILE),
]


def answer_payloads(db: Database, settings: Settings, name: str, text: str) -> list[dict[str, Any]]:
    ctx = CommandContext(team_id="T1", channel_id="C1", user_id="UADMIN", is_admin=True, timezone="UTC", now=NOW)
    return [message.as_message() for message in run_command(db, settings, name, text, ctx).messages()]


@pytest.mark.parametrize("name, text", COMMAND_LINES)
def test_command_answer_blocks_show_feed_and_user_text_inertly(name: str, text: str, hostile_db: Database,
                                                              settings: Settings) -> None:
    for payload in answer_payloads(hostile_db, settings, name, text):
        assert_inert({"blocks": payload["blocks"]})
        if payload["blocks"]:
            assert_within_block_kit(payload)


@pytest.mark.parametrize("name, text", COMMAND_LINES)
def test_command_answer_fallback_text_shows_feed_and_user_text_inertly(name: str, text: str, hostile_db: Database,
                                                                      settings: Settings) -> None:
    for payload in answer_payloads(hostile_db, settings, name, text):
        assert inertness_problems("fallback", payload["text"]) == []


def test_the_app_home_shows_feed_text_inertly(hostile_db: Database, settings: Settings) -> None:
    ctx = CommandContext(team_id="T1", channel_id="C1", user_id="UADMIN", is_admin=True, timezone="UTC",
                         now=NOW - timedelta(days=1))
    view = home_view(hostile_db, settings, ctx)
    assert_inert({"blocks": view["blocks"]})
    assert_within_block_kit({"blocks": view["blocks"]})


def test_hostile_text_survives_the_trip_through_the_real_web_client(slack_api, slack_settings) -> None:
    """What the stand-in receives (JSON over HTTP) is what we built: nothing re-parsed or unescaped."""
    from slack_sdk import WebClient

    message = story_message(hostile_story())
    client = WebClient(token="xoxb-test-token-not-real", base_url=slack_api.base_url)
    client.chat_postMessage(channel="C1", **message.payload())
    [call] = slack_api.calls_to("chat.postMessage")
    assert call.params["blocks"] == message.blocks
    assert_inert({"text": call.params["text"], "blocks": call.params["blocks"]})


def test_dates_are_untouched_by_payloads() -> None:
    """A sanity check of the fixture: the reminder above is really due within the week."""
    story = hostile_story()
    assert [d.due for d in upcoming_deadlines([story], today=TODAY)] == [date.fromisoformat(story.deadlines[0].due)]
