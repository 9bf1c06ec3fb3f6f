"""`diplobot demo`: the whole pipeline on the bundled sample feeds, with the digest printed in the terminal.

The demo serves its feeds from 127.0.0.1 (DEMO_PORT), subscribes a terminal channel (`#demo`, team `local`)
to every story, and "posts" through the same outbox as Slack: a second run gets 304s and posts nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from rich.console import Console
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from spacy.language import Language

from bot.app.ingest import CycleReport, add_feeds, run_cycle
from bot.app.subscriptions import subscribe
from bot.config import Settings
from bot.dev.demo_server import DemoPortInUse, demo_feed_files, serve_demo_feeds
from bot.dev.terminal import render_blocks
from bot.domain.articles import Entry
from bot.domain.schedule import ASAP
from bot.domain.stories import Story
from bot.feeds.parse import parse_feed
from bot.slack.blocks import SlackMessage
from bot.slack.digest import by_importance, compact_digest
from bot.storage import Database
from bot.storage.delivery import claim_due, ensure_channel, interrupted, mark_sent
from bot.storage.stories import load_stories

DEMO_TEAM = "local"
DEMO_CHANNEL = "demo"


def demo_articles(now: datetime | None = None) -> list[Entry]:
    """Every entry of the bundled feeds, parsed as the poller parses them (used by the bench too)."""
    now = now or datetime.now(UTC)
    entries: list[Entry] = []
    for path in demo_feed_files():
        entries.extend(parse_feed(path.read_bytes(), url=path.as_uri(), now=now).entries)
    return entries


def _poll_table(report: CycleReport) -> Table:
    table = Table(title="Feeds", title_justify="left")
    table.add_column("feed")
    table.add_column("result")
    for outcome in report.poll.outcomes:
        if outcome.error:
            result = f"[red]{outcome.error}[/]"
        elif outcome.not_modified:
            result = "[yellow]304 not modified[/]"
        else:
            result = f"[green]{len(outcome.new_articles)} new article(s)[/]"
        table.add_row(outcome.url, result)
    return table


def demo_digest(stories: Sequence[Story], now: datetime) -> SlackMessage:
    """The compact digest every channel gets by default: one message, details and later pages on buttons."""
    return compact_digest(by_importance(stories), title=f"#demo digest, {now:%d %b %Y}")


def message_panel(message: SlackMessage, number: int = 1) -> Panel:
    """A message to #demo as the terminal shows it: its blocks in a titled box."""
    return Panel(render_blocks(message.blocks), title=f"message {number} to #demo", title_align="left",
                 border_style="blue")


def deliver_to_terminal(db: Database, console: Console, now: datetime) -> int:
    """Post the demo channel's due outbox rows to the terminal; returns how many stories were shown."""
    items = interrupted(db, team_id=DEMO_TEAM, channel_id=DEMO_CHANNEL)
    items += claim_due(db, now=now, team_id=DEMO_TEAM, channel_id=DEMO_CHANNEL, limit=1000)
    if not items:
        return 0
    stories = load_stories(db, story_ids=[item.story_id for item in items])
    console.print(message_panel(demo_digest(stories, now)))
    for item in items:
        mark_sent(db, item.id, f"terminal-{item.id}", now=now)
    return len(stories)


def run_demo(settings: Settings, nlp_loader: Callable[[], Language], console: Console | None = None) -> int:
    """Run one demo cycle and print what it did; returns the exit status."""
    console = console or Console()
    # The demo's own feed server is on 127.0.0.1: allowed for this run only, by this explicit setting.
    settings = settings.model_copy(update={"allow_private_feeds": True})
    now = datetime.now(UTC)
    db = Database.connect(settings.database_url)
    db.upgrade()
    console.print(f"[bold]diplobot demo[/] — database {db.engine.url.render_as_string(hide_password=True)}")
    ensure_channel(db, DEMO_TEAM, DEMO_CHANNEL, now=now, schedule=ASAP, timezone=settings.timezone)
    subscribe(db, DEMO_TEAM, DEMO_CHANNEL, "*", created_by="demo", now=now, backfill=settings.backfill_stories)
    try:
        with serve_demo_feeds(settings.demo_port) as urls:
            add_feeds(db, settings, urls, now, added_by="demo")
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=console, transient=True) as progress:
                task = progress.add_task("polling feeds", total=None)

                def loading_model() -> Language:
                    progress.update(task, description=f"loading spaCy model ({settings.spacy_model})")
                    return nlp_loader()

                def advanced(done: int, total: int) -> None:
                    progress.update(task, description="analyzing articles", completed=done, total=total)

                report = run_cycle(settings, loading_model, db=db, force=True, now=now, progress=advanced)
    except DemoPortInUse as exc:
        console.print(f"[red]{exc}[/]")
        return 1
    console.print(_poll_table(report))
    if not report.poll.new_articles:
        console.print("[bold yellow]no new articles[/]")
    else:
        console.print(f"analyzed {report.analyzed} new article(s) into {len(report.new_story_ids)} story(ies)")
    for failure in report.analysis_failures:
        console.print(f"[red]analysis failed:[/] {failure}")
    shown = deliver_to_terminal(db, console, now)
    if shown:
        console.print(f"[green]posted {shown} story(ies) to #demo[/]")
    else:
        console.print("nothing new to post to #demo (every story was already posted)")
    console.print('Try a command: [bold].venv/bin/diplobot ask "/who-said Nauert"[/]')
    return 1 if report.poll.failed else 0
