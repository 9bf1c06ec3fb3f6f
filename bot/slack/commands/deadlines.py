"""`/deadlines [topic|actor|country] [overdue|upcoming]`: stated deadlines sorted by due date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.config import Settings
from bot.slack.blocks import Block, SlackMessage, context, section
from bot.slack.commands.answer import CommandContext, UsageError, plain_answer
from bot.slack.commands.feedtext import fallback, link, safe
from bot.storage import Database
from bot.storage.search import DeadlineHit, find_deadlines

USAGE = "Try `/deadlines`, `/deadlines upcoming` or `/deadlines Iran overdue`."
WHEN_WORDS = {"overdue": "overdue", "past": "overdue", "missed": "overdue",
              "upcoming": "upcoming", "next": "upcoming", "future": "upcoming", "coming": "upcoming"}
SHOWN = 15
MAX_TOPIC_CHARS = 200


@dataclass
class DeadlinesArgs:
    topic: str | None = None
    when: str | None = None  # "overdue" | "upcoming" | None


def parse(text: str) -> DeadlinesArgs:
    words = text.split()
    when = None
    if words and words[-1].casefold() in WHEN_WORDS:
        when = WHEN_WORDS[words.pop().casefold()]
    elif words and words[0].casefold() in WHEN_WORDS:
        when = WHEN_WORDS[words.pop(0).casefold()]
    topic = " ".join(words) or None
    if topic and len(topic) > MAX_TOPIC_CHARS:
        raise UsageError(f"That topic is {len(topic):,} characters long; a word or a name is enough. {USAGE}")
    return DeadlinesArgs(topic=topic, when=when)


def answer(db: Database, settings: Settings, args: DeadlinesArgs, ctx: CommandContext) -> SlackMessage:
    today = ctx.now.date()
    hits = find_deadlines(db, today=today, topic=search_terms(args.topic), when=args.when, limit=SHOWN + 1)
    what = f"{args.when} deadlines" if args.when else "Deadlines"
    about = f" about *{safe(args.topic)}*" if args.topic else ""
    if not hits:
        return plain_answer(f"No {what.lower()}{about} found in the articles diplobot has read. {USAGE}")
    more = len(hits) > SHOWN
    hits = hits[:SHOWN]
    blocks = [section(f"*{what.capitalize()}*{about}, by due date (today is {today.isoformat()})")]
    for hit in hits:
        blocks.extend(deadline_blocks(hit, today))
    if more:
        blocks.append(context(f"Showing the first {SHOWN}. Narrow it down: {USAGE}"))
    return SlackMessage(text=fallback_text(f"{what.capitalize()}: ", hits), blocks=blocks)


def fallback_text(lead: str, hits: list[DeadlineHit]) -> str:
    """The plain `text` for a list of deadlines: `lead`, then each due date and action, all escaped."""
    return fallback(lead + "; ".join(f"{hit.due or 'no date'}: {hit.action or hit.text}" for hit in hits))


def search_terms(topic: str | None) -> list[str]:
    """The topic, plus the country it names ("DPRK", "Pyongyang" → also "North Korea")."""
    if not topic:
        return []
    from bot.analysis.places import country_for

    found = country_for(topic)
    return [topic] if found is None or found.country.casefold() == topic.casefold() else [topic, found.country]


def due_words(hit: DeadlineHit, today: date) -> str:
    """"due 2021-01 (in 12 days)", "due 2021-01 (overdue by 3 days)" or "no date (until …)"."""
    if hit.due_date is None:
        return "no fixed date"
    days = (hit.due_date - today).days
    if days < 0:
        state = f"overdue by {-days} day{'s' if days != -1 else ''}"
    elif days == 0:
        state = "due today"
    else:
        state = f"in {days} day{'s' if days != 1 else ''}"
    return f"due {hit.due or hit.due_date.isoformat()} ({state})"


def deadline_blocks(hit: DeadlineHit, today: date) -> list[Block]:
    """A section (due, what, who set it, the words) and a context line (the article) for one deadline."""
    what = safe(hit.action or hit.text)
    who = safe(hit.actor) if hit.actor else "not named"
    overdue = hit.due_date is not None and hit.due_date < today
    marker = ":warning: " if overdue else ""
    body = f"{marker}*{safe(due_words(hit, today))}* — {what}\nSet by: {who} · “{safe(hit.text)}”"
    where = f"{link(hit.url, hit.title)} · {safe(hit.source)} · {hit.published.date().isoformat()}"
    return [section(body), context(where)]
