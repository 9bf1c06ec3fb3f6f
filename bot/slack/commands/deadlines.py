"""`/deadlines [topic|actor|country] [overdue|upcoming] [chart]`: stated deadlines sorted by due date, ten at
a time with paging buttons, or as a timeline picture uploaded to the channel."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.analysis.dates.display import due_words as when_due
from bot.config import Settings
from bot.slack.blocks import Block, SlackFile, SlackMessage, actions, button, context, section
from bot.slack.charts import TimelineEntry, deadline_timeline, png_bytes, timeline_alt_text
from bot.slack.commands.answer import CommandContext, UsageError, plain_answer
from bot.slack.commands.feedtext import fallback, link, safe
from bot.storage import Database
from bot.storage.search import DeadlineHit, find_deadlines

USAGE = "Try `/deadlines`, `/deadlines upcoming`, `/deadlines Iran overdue` or `/deadlines Iran chart`."
WHEN_WORDS = {"overdue": "overdue", "past": "overdue", "missed": "overdue",
              "upcoming": "upcoming", "next": "upcoming", "future": "upcoming", "coming": "upcoming"}
CHART_WORDS = {"chart", "timeline", "picture"}
SHOWN = 10
SOURCES_SHOWN = 3  # outlets named beside a deadline
PAGE_ACTION = "deadlines_page"
MAX_TOPIC_CHARS = 200
MAX_OFFSET = 10_000
# The timeline: deadlines passed in the last CHART_PAST_DAYS (at most CHART_PASSED of them) and those ahead.
CHART_PAST_DAYS = 60
CHART_PASSED = 4
CHART_ROWS = 12
CHART_LOOKED_AT = 500


@dataclass
class DeadlinesArgs:
    topic: str | None = None
    when: str | None = None  # "overdue" | "upcoming" | None
    chart: bool = False
    offset: int = 0


def parse(text: str) -> DeadlinesArgs:
    words = text.split()
    chart = False
    if words and words[-1].casefold() in CHART_WORDS:
        words.pop()
        chart = True
    when = None
    if words and words[-1].casefold() in WHEN_WORDS:
        when = WHEN_WORDS[words.pop().casefold()]
    elif words and words[0].casefold() in WHEN_WORDS:
        when = WHEN_WORDS[words.pop(0).casefold()]
    if not chart and words and words[-1].casefold() in CHART_WORDS:
        words.pop()
        chart = True
    topic = " ".join(words) or None
    if topic and len(topic) > MAX_TOPIC_CHARS:
        raise UsageError(f"That topic is {len(topic):,} characters long; a word or a name is enough. {USAGE}")
    return DeadlinesArgs(topic=topic, when=when, chart=chart)


def answer(db: Database, settings: Settings, args: DeadlinesArgs, ctx: CommandContext) -> SlackMessage:
    today = ctx.now.date()
    if args.chart:
        return chart_answer(db, args, today)
    hits = find_deadlines(db, today=today, topic=search_terms(args.topic), when=args.when,
                          limit=args.offset + SHOWN + 1)[args.offset:]
    what = f"{args.when} deadlines" if args.when else "Deadlines"
    about = f" about *{safe(args.topic)}*" if args.topic else ""
    if not hits:
        again = " more" if args.offset else ""
        return plain_answer(f"No{again} {what.lower()}{about} found in the articles diplobot has read. {USAGE}")
    more = len(hits) > SHOWN
    hits = hits[:SHOWN]
    first, last = args.offset + 1, args.offset + len(hits)
    blocks = [section(f"*{what.capitalize()}*{about}, by due date (today is {today.isoformat()}) — "
                      f"{first}–{last}")]
    for hit in hits:
        blocks.extend(deadline_blocks(hit, today))
    paging = []
    if args.offset:
        paging.append(button("Previous", f"{PAGE_ACTION}:previous", _page_value(args, max(args.offset - SHOWN, 0))))
    if more:
        paging.append(button("Next", f"{PAGE_ACTION}:next", _page_value(args, last), style="primary"))
    if paging:
        blocks.append(actions(*paging))
    return SlackMessage(text=fallback_text(f"{what.capitalize()}: ", hits), blocks=blocks)


def _page_value(args: DeadlinesArgs, offset: int) -> str:
    return json.dumps({"topic": args.topic, "when": args.when, "offset": offset}, separators=(",", ":"))


def args_from_button(value: str) -> DeadlinesArgs:
    """The page a "Next"/"Previous" button of /deadlines asks for."""
    try:
        data = json.loads(value)
        topic = data.get("topic")
        when = data.get("when")
        offset = int(data.get("offset", 0))
    except (ValueError, TypeError, AttributeError) as exc:
        raise UsageError(f"That button is out of date. {USAGE}") from exc
    if (topic is not None and not isinstance(topic, str)) or when not in (None, "overdue", "upcoming"):
        raise UsageError(f"That button is out of date. {USAGE}")
    return DeadlinesArgs(topic=topic[:MAX_TOPIC_CHARS] if topic else None, when=when,
                         offset=min(max(offset, 0), MAX_OFFSET))


def chart_hits(hits: list[DeadlineHit], today: date) -> list[DeadlineHit]:
    """What the timeline draws: the latest few deadlines passed in the last weeks, then the next ones ahead."""
    dated = sorted((h for h in hits if h.due_date is not None), key=lambda h: (h.due_date, h.id))
    passed = [h for h in dated if h.due_date is not None and today - timedelta(days=CHART_PAST_DAYS) <= h.due_date
              < today][-CHART_PASSED:]
    ahead = [h for h in dated if h.due_date is not None and h.due_date >= today]
    return passed + ahead[:CHART_ROWS - len(passed)]


def chart_answer(db: Database, args: DeadlinesArgs, today: date) -> SlackMessage:
    """A timeline PNG of upcoming and recently passed deadlines, with a line saying what it shows."""
    hits = find_deadlines(db, today=today, topic=search_terms(args.topic), when=args.when, limit=CHART_LOOKED_AT)
    drawn = chart_hits(hits, today)
    about = f" about {args.topic}" if args.topic else ""
    if not drawn:
        return plain_answer(f"No dated deadlines{safe(about)} from the last {CHART_PAST_DAYS} days or ahead to draw. "
                            f"{USAGE}")
    entries = [TimelineEntry(hit.actor, hit.action or hit.text, hit.due_date) for hit in drawn
               if hit.due_date is not None]
    title = f"Deadlines{about}"
    alt_text = timeline_alt_text(entries, today=today, title=title)
    slug = re.sub(r"[^a-z0-9]+", "-", (args.topic or "all").casefold()).strip("-")[:40] or "topic"
    picture = SlackFile(f"deadlines-{slug}-{today.isoformat()}.png",
                        png_bytes(deadline_timeline(entries, today=today, title=title)), title, alt_text)
    text = (f"Timeline of {len(entries)} deadline{'s' if len(entries) != 1 else ''}{safe(about)}: "
            f"passed in red, ahead in blue, today dashed.")
    return SlackMessage(text=fallback(alt_text), blocks=[section(text)], files=[picture])


def fallback_text(lead: str, hits: list[DeadlineHit]) -> str:
    """The plain `text` for a list of deadlines: `lead`, then each due date and action, all escaped."""
    return fallback(lead + "; ".join(f"{when_due(hit.due, hit.kind, hit.text)}: {hit.action or hit.text}"
                                     for hit in hits))


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
    return f"due {when_due(hit.due, hit.kind, hit.text)} ({state})"


def deadline_blocks(hit: DeadlineHit, today: date) -> list[Block]:
    """A section (due, what, who must act, who set it, the words) and a context line (the article) for one
    deadline."""
    what = safe(hit.action or hit.text)
    who = safe(hit.actor) if hit.actor else "not named"
    overdue = hit.due_date is not None and hit.due_date < today
    marker = ":warning: " if overdue else ""
    set_by = f" · Set by: {safe(hit.setter)}" if hit.setter else ""
    body = f"{marker}*{safe(due_words(hit, today))}* — {what}\nWho must act: {who}{set_by} · “{safe(hit.text)}”"
    where = f"{link(hit.url, hit.title)} · {_outlets(hit)} · {hit.published.date().isoformat()}"
    return [section(body), context(where)]


def _outlets(hit: DeadlineHit) -> str:
    """'APW, NYT': the outlets that tell the deadline (a few, then how many more)."""
    names = hit.sources or [hit.source]
    more = f" +{len(names) - SOURCES_SHOWN}" if len(names) > SOURCES_SHOWN else ""
    return safe(", ".join(names[:SOURCES_SHOWN])) + more
