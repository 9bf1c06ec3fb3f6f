"""`diplobot demo` from a user's point of view: the first run posts the stories, the second posts nothing."""

import socket
from datetime import UTC, datetime

from rich.console import Console

from bot.dev.demo import DEMO_CHANNEL, DEMO_TEAM, demo_articles, demo_digest, message_panel, run_demo
from bot.slack.blocks import limit_problems
from bot.storage import Database
from bot.storage.delivery import outbox_items
from bot.storage.stories import load_stories


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_demo_posts_every_story_once_and_the_second_run_gets_304(settings, nlp) -> None:
    settings = settings.model_copy(update={"demo_port": free_port(), "allow_private_feeds": False})
    # 80 columns: what rich uses when the output is not a terminal (a pipe, a file, CI).
    first = Console(record=True, width=80)
    assert run_demo(settings, lambda: nlp, first) == 0
    first_text = first.export_text()
    assert "new article(s)" in first_text and "posted" in first_text and "#demo digest" in first_text
    # The compact digest: one message, at most ten entries each with Details, the rest behind Show more.
    panel = first_text[first_text.index("message 1 to #demo"):first_text.index("posted ")].splitlines()
    assert "message 2 to #demo" not in first_text
    assert len(panel) <= 45
    assert sum(line.count("[ Details ]") for line in panel) == 10
    assert any("[ Show more (8) ]" in line for line in panel)

    db = Database.connect(settings.database_url)
    sent = outbox_items(db, team_id=DEMO_TEAM, channel_id=DEMO_CHANNEL, states=["sent"])
    assert len(sent) == 18
    assert len({item.story_id for item in sent}) == len(sent)
    # The same digest in a wide terminal is no longer.
    digest = demo_digest(load_stories(db, story_ids=[item.story_id for item in sent]), datetime.now(UTC))
    assert len(digest.blocks) <= 50 and limit_problems(digest) == []
    wide = Console(record=True, width=120)
    wide.print(message_panel(digest))
    assert len(wide.export_text().splitlines()) <= 45

    second = Console(record=True, width=120)
    assert run_demo(settings, lambda: nlp, second) == 0
    second_text = second.export_text()
    assert second_text.count("304 not modified") == demo_feeds_count()
    assert "no new articles" in second_text
    assert "nothing new to post" in second_text
    assert len(outbox_items(db, team_id=DEMO_TEAM, channel_id=DEMO_CHANNEL)) == len(sent)


def demo_feeds_count() -> int:
    from bot.dev.demo_server import demo_feed_files

    return len(demo_feed_files())


def test_demo_articles_carry_quotes_and_deadlines() -> None:
    articles = demo_articles()
    assert len(articles) >= 15
    texts = " ".join(a.text for a in articles)
    assert "\u201c" in texts or '"' in texts
    assert " by " in texts and "within" in texts
