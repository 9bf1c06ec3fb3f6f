"""`/feeds list`, `/feeds add <url>`, `/feeds remove <url>`: the news sources; only workspace admins change them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.config import Settings
from bot.slack.blocks import SlackMessage, context, section
from bot.slack.commands.answer import CommandContext, UsageError, plain_answer
from bot.slack.commands.feedtext import code, fallback, link, safe
from bot.storage import Database
from bot.storage.articles import add_feed, remove_feed
from bot.storage.search import FeedInfo, list_feeds

USAGE = "Try `/feeds list`, `/feeds add https://example.org/world.rss` or `/feeds remove https://example.org/world.rss`."
MAX_URL_CHARS = 2000
SHOWN = 40
ADMIN_ONLY = "Only workspace admins and owners can add or remove feeds. `/feeds list` shows what diplobot reads."


@dataclass
class FeedsArgs:
    action: str  # "list" | "add" | "remove"
    url: str | None = None


def parse(text: str) -> FeedsArgs:
    words = text.split()
    if not words or words[0].casefold() in ("list", "ls"):
        return FeedsArgs("list")
    action = words[0].casefold()
    if action not in ("add", "remove", "rm", "delete"):
        raise UsageError(f"`/feeds` knows list, add and remove. {USAGE}")
    action = "add" if action == "add" else "remove"
    if len(words) != 2:
        raise UsageError(f"`/feeds {action}` takes one URL. {USAGE}")
    url = words[1].strip("<>")
    if "|" in url:  # Slack sends a pasted link as <url|label>
        url = url.split("|", 1)[0]
    if len(url) > MAX_URL_CHARS:
        raise UsageError(f"That URL is {len(url):,} characters long; feeds addresses are shorter. {USAGE}")
    if not url.lower().startswith(("http://", "https://")):
        raise UsageError(f"A feed URL starts with http:// or https://. {USAGE}")
    return FeedsArgs(action, url)


def needs_admin(args: FeedsArgs) -> bool:
    """Everyone lists the feeds; only workspace admins and owners add and remove them."""
    return args.action != "list"


def refusal(url: str, settings: Settings) -> str | None:
    """Why `url` may not become a feed (private, loopback or metadata address, not http), or None if it may."""
    from bot.feeds.addresses import FeedURLRefused, check_feed_url

    try:
        check_feed_url(url, allow_private=settings.allow_private_feeds)
    except FeedURLRefused as exc:
        return exc.reason
    except (OSError, UnicodeError, ValueError) as exc:
        return f"its host could not be resolved ({type(exc).__name__})"
    return None


def answer(db: Database, settings: Settings, args: FeedsArgs, ctx: CommandContext,
           check_url: Callable[[str, Settings], str | None] = refusal) -> SlackMessage:
    if args.action == "list":
        return feeds_answer(list_feeds(db))
    if needs_admin(args) and not ctx.is_admin:
        return plain_answer(ADMIN_ONLY)
    assert args.url is not None
    shown = code(args.url)
    if args.action == "remove":
        if remove_feed(db, args.url):
            return plain_answer(f"Removed {shown}: diplobot stops reading it. Its articles stay searchable.")
        return plain_answer(f"diplobot does not read {shown}. `/feeds list` shows what it reads.")
    why = check_url(args.url, settings)
    if why is not None:
        return plain_answer(f"I cannot add {shown}: {safe(why)}.")
    feed = add_feed(db, args.url, now=ctx.now, added_by=ctx.user_id)
    return plain_answer(f"Added {code(feed.url)}. diplobot reads it on its next poll.")


def feeds_answer(feeds: list[FeedInfo]) -> SlackMessage:
    live = [f for f in feeds if not f.retired]
    if not live:
        return plain_answer(f"diplobot reads no feeds yet. An admin can add one: {USAGE}")
    blocks = [section(f"*diplobot reads {len(live)} feed{'s' if len(live) != 1 else ''}:*")]
    for feed in live[:SHOWN]:
        health = "not polled yet" if feed.last_polled_at is None else f"{feed.articles} articles"
        if feed.consecutive_failures:
            health += f" · :warning: {feed.consecutive_failures} failed polls ({safe((feed.last_error or '')[:200])})"
        blocks.append(section(f"{link(feed.url, feed.title or feed.url)}\n{code(feed.url)} · {health}"))
    if len(live) > SHOWN:
        blocks.append(context(f"…and {len(live) - SHOWN} more."))
    return SlackMessage(text=fallback("Feeds: " + ", ".join(f.url for f in live)), blocks=blocks)
