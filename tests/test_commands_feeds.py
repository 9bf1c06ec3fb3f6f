"""/feeds: everyone lists, only admins add and remove, private addresses are refused."""

from datetime import UTC, datetime

import pytest

from bot.slack.commands.answer import CommandContext, UsageError
from bot.slack.commands.feeds import FeedsArgs, answer, parse, refusal
from bot.storage.articles import feed_by_url
from tests.stored_news import add_demo_news

ADMIN = CommandContext(team_id="T1", channel_id="C1", user_id="UADMIN", is_admin=True,
                       now=datetime(2018, 10, 20, 9, tzinfo=UTC))
MEMBER = CommandContext(team_id="T1", channel_id="C1", user_id="U1", is_admin=False, now=ADMIN.now)


def test_words_are_read() -> None:
    assert parse("") == FeedsArgs("list")
    assert parse("add <https://example.org/rss|example.org/rss>") == FeedsArgs("add", "https://example.org/rss")
    assert parse("rm https://example.org/rss") == FeedsArgs("remove", "https://example.org/rss")
    for bad in ("add", "add ftp://example.org/x", "subscribe https://x.org", "add a b"):
        with pytest.raises(UsageError):
            parse(bad)


def test_everyone_sees_the_list_with_health(settings, db) -> None:
    add_demo_news(db)
    listing = answer(db, settings, FeedsArgs("list"), MEMBER)
    assert "reads 2 feeds" in str(listing.blocks) and "Capital Dispatch" in str(listing.blocks)


def test_members_cannot_add_or_remove(settings, db) -> None:
    result = answer(db, settings, FeedsArgs("add", "https://example.org/rss"), MEMBER)
    assert "Only workspace admins" in result.text
    assert feed_by_url(db, "https://example.org/rss") is None


def test_admin_adds_and_removes_a_feed(settings, db) -> None:
    allow = lambda url, s: None  # noqa: E731 - no DNS in tests
    assert "Added" in answer(db, settings, FeedsArgs("add", "https://example.org/rss"), ADMIN, allow).text
    assert feed_by_url(db, "https://example.org/rss").added_by == "UADMIN"
    assert "Removed" in answer(db, settings, FeedsArgs("remove", "https://example.org/rss"), ADMIN).text
    assert "does not read" in answer(db, settings, FeedsArgs("remove", "https://example.org/rss"), ADMIN).text


def test_private_and_metadata_addresses_are_refused(settings, db) -> None:
    production = settings.model_copy(update={"allow_private_feeds": False})
    for url in ("http://127.0.0.1:8080/feed", "http://169.254.169.254/latest", "http://[::1]/x",
                "http://10.1.2.3/rss", "http://192.168.0.5/rss"):
        assert refusal(url, production), url
        assert "cannot add" in answer(db, production, FeedsArgs("add", url), ADMIN).text
        assert feed_by_url(db, url) is None
    assert refusal("http://127.0.0.1:8080/feed", settings) is None  # the demo's explicit setting


def test_feed_urls_show_verbatim_and_the_fallback_is_inert(settings, db) -> None:
    allow = lambda url, s: None  # noqa: E731 - no DNS in tests
    url = "https://feeds.example/world_news.rss?x=<!channel>"
    added = answer(db, settings, FeedsArgs("add", url), ADMIN, allow)
    assert "`https://feeds.example/world_news.rss?x=&lt;!channel&gt;`" in added.text
    listing = answer(db, settings, FeedsArgs("list"), MEMBER)
    assert "<!channel>" not in listing.text and "&lt;!channel&gt;" in listing.text
