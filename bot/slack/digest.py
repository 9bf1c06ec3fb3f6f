"""Digests: choose a channel's stories and build their Block Kit with `bot.slack.blocks` (pure, no I/O).

Every feed string is escaped with `bot.slack.mrkdwn`; quotes are shown as `bot.slack.quote_text` reads them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.analysis.dates.display import date_words, due_words
from bot.analysis.dates.timex import last_day
from bot.analysis.records import Actor, Deadline, Quote
from bot.domain.stories import Story
from bot.domain.topics import Topic, matches_any
from bot.slack.blocks import (
    MAX_BLOCKS,
    MAX_BUTTON_VALUE_CHARS,
    MAX_HEADER_CHARS,
    MAX_MESSAGE_CHARS,
    MAX_SECTION_CHARS,
    MAX_TEXT_CHARS,
    Block,
    SlackMessage,
    actions,
    block_chars,
    button,
    context,
    divider,
    header,
    section,
)
from bot.slack.mrkdwn import escape_within, link, plain
from bot.slack.quote_text import quoted, spoken_words

TITLE_CHARS = 280
QUOTE_CHARS = 600
SUMMARY_SENTENCES = 3
MAX_DEADLINES = 3
MAX_SOURCES = 5
# Beside a quote or deadline in full (Details, the quotes reply): at most this many of the outlets that carry it.
TOLD_BY_NAMES = 3
# The compact layout: a gist of about one line on a desktop (two on a phone), at most this many stories before
# "Show more", and a context line of markers that stays one line: at most three actors in about 40 characters.
GIST_CHARS = 120
HEADLINE_CHARS = 150
COMPACT_ACTORS = 3
COMPACT_ACTOR_CHARS = 40
PAGE_STORIES = 10
DETAILS_ACTION = "story_details"
PAGE_ACTION = "digest_page"
DETAILS_QUOTES = 20
LAYOUTS = ("compact", "full")

# --- choosing -----------------------------------------------------------------------------------------


def choose_stories(stories: Iterable[Story], topics: Sequence[Topic], *, limit: int | None = None) -> list[Story]:
    """The stories that match any of `topics`, each once, newest first, at most `limit`."""
    seen: set[int] = set()
    chosen = []
    for story in stories:
        if story.id in seen or not matches_any(story, topics):
            continue
        seen.add(story.id)
        chosen.append(story)
    chosen.sort(key=lambda s: (s.published, s.id), reverse=True)
    return chosen if limit is None else chosen[:limit]


def importance(story: Story, topics: Sequence[Topic] = (), *, now: datetime | None = None) -> float:
    """How much a story matters to a channel: more outlets telling it, newer, and its topic in the headline.

    Each source counts 2 (capped at 5 sources), a story of the last hours up to 2 more (falling to 0 over
    two days from `now`, the newest story's time by default), a channel topic named in the headline 2, and
    what a reader can act on a little: a stated deadline 0.5, quotes up to 0.6.
    """
    score = 2.0 * min(max(len(story.sources), 1), 5)
    if now is not None:
        age_hours = max((now - story.published).total_seconds() / 3600, 0.0)
        score += 2.0 * max(0.0, 1.0 - age_hours / 48)
    if any(_in_headline(story, topic) for topic in topics):
        score += 2.0
    if story.deadlines:
        score += 0.5
    return score + 0.2 * min(len(story.quotes), 3)


def _in_headline(story: Story, topic: Topic) -> bool:
    headline = story.title.casefold()
    return any(term != "*" and re.search(rf"\b{re.escape(term.casefold())}\b", headline) for term in topic.include)


def by_importance(stories: Sequence[Story], topics: Sequence[Topic] = (), *,
                  now: datetime | None = None) -> list[Story]:
    """The stories most important first (`importance`), newer first among equals."""
    newest = now or max((s.published for s in stories), default=None)
    return sorted(stories, key=lambda s: (-importance(s, topics, now=newest), -s.published.timestamp(), -s.id))


# --- one story ------------------------------------------------------------------------------------------


def key_actors(story: Story, limit: int = 5) -> list[Actor]:
    """The most mentioned people, organisations and countries of a story."""
    # A group named once ("Asian steel") is a description rather than an actor of the story.
    wanted = [a for a in story.actors if a.kind in ("person", "organization", "country")
              or a.kind == "group" and a.mentions > 1]
    return sorted(wanted, key=lambda a: (-a.mentions, a.name))[:limit]


def notable_quote(story: Story) -> Quote | None:
    """The quote most worth showing: attributed, direct, of a readable length; None when there are none."""
    quotes = _visible_quotes(story)
    if not quotes:
        return None

    def score(quote: Quote) -> tuple[int, int, int, int]:
        length = len(quote.text)
        readable = 1 if 40 <= length <= 320 else 0
        return (1 if quote.direct else 0, 1 if quote.speaker else 0, readable, min(length, 320))

    return max(quotes, key=score)


def _visible_quotes(story: Story) -> list[Quote]:
    """The quotes that have something to show once cleaned."""
    return [q for q in story.quotes if escape_within(q.text, 20).strip()]


# Words that name no one on their own: a quote the analysis could not resolve past one of them is unattributed.
BARE_PRONOUNS = frozenset({"he", "she", "they", "we", "i", "it", "you", "who", "this", "that", "one", "someone"})


def _speaker(quote: Quote) -> str:
    """The speaker's name; the words the article names them with when no one was resolved ("a senior official"),
    but never a bare pronoun."""
    if quote.speaker:
        return quote.speaker
    said = (quote.speaker_text or "").strip()
    return said if said and said.casefold() not in BARE_PRONOUNS else "unattributed"


def speaker_role(quote: Quote, actors: Sequence[Actor]) -> str | None:
    """The role or title the story gives the quote's speaker ("President" for a speaker named "Bush")."""
    if not quote.speaker:
        return None
    return next((a.role for a in actors if a.kind == "person" and a.name == quote.speaker and a.role), None)


def quote_line(quote: Quote, limit: int = QUOTE_CHARS, actors: Sequence[Actor] = (),
               told_by: Sequence[str] = ()) -> str:
    """The quote and its speaker with the role the story gives them, and the outlets that carry it when given:
    '> “…”' / '> — *Bush* (President) · APW, NYT'."""
    if quote.direct:
        said = escape_within(quoted(quote.text), limit)
    else:
        said = f"_(paraphrase)_ {escape_within(spoken_words(quote.text), limit)}"
    role = speaker_role(quote, actors)
    title = f" ({escape_within(role, 80)})" if role else ""
    return f"> {said}\n> — *{escape_within(_speaker(quote), 120)}*{title}{_told_by(told_by)}"


def _parties(deadline: Deadline) -> str:
    """' (Google; set by European Commission)': who must act and who set it, as far as the sentence names them."""
    parts = [escape_within(deadline.actor, 100)] if deadline.actor else []
    if deadline.setter and deadline.setter != deadline.actor:
        parts.append(f"set by {escape_within(deadline.setter, 100)}")
    return f" ({'; '.join(parts)})" if parts else ""


def deadline_line(deadline: Deadline, told_by: Sequence[str] = ()) -> str:
    what = deadline.action or deadline.text
    who = _parties(deadline)
    when = f"*{escape_within(due_words(deadline.due, deadline.kind, deadline.text), 120)}*"
    return f"• {when} — {escape_within(what, 400)}{who}{_told_by(told_by)}"


def _told_by(names: Sequence[str]) -> str:
    """' · APW, NYT': the outlets that carry a quote or deadline, a few of them and how many more."""
    if not names:
        return ""
    shown = ", ".join(escape_within(name, 40) for name in names[:TOLD_BY_NAMES])
    more = f" +{len(names) - TOLD_BY_NAMES}" if len(names) > TOLD_BY_NAMES else ""
    return f" · {shown}{more}"


def _outlets(story: Story) -> int:
    return len({source.name for source in story.sources})


def _quote_told_by(story: Story, quote: Quote) -> Sequence[str]:
    """The outlets that carry `quote` (one of the story's), when the story has more than one outlet."""
    if _outlets(story) < 2:
        return ()
    return next((names for q, names in zip(story.quotes, story.quote_sources, strict=False) if q is quote), ())


def _deadline_lines(story: Story) -> list[str]:
    """Every deadline of the story, each with the outlets that carry it when the story has more than one."""
    told = story.deadline_sources if _outlets(story) >= 2 else []
    return [deadline_line(d, told[i] if i < len(told) else ()) for i, d in enumerate(story.deadlines)]


def _by_outlet(story: Story) -> list[tuple[str, list[str | None]]]:
    """The story's outlets in order of first telling, each with the links of its articles."""
    outlets: dict[str, list[str | None]] = {}
    for source in story.sources:
        outlets.setdefault(source.name or "source", []).append(source.url)
    return list(outlets.items())


def _sources_line(story: Story, *, every_link: bool = False, limit: int | None = MAX_SOURCES) -> str:
    """'3 sources: NYT ×2, APW', each outlet once, linked to its first article (with `every_link`, its others
    follow: 'NYT ×2 (2)'), as many as fit one context element."""
    sources = story.sources or []
    if not sources:
        return link(story.url, "1 source", 40) if story.url else ""
    count = len(sources)
    noun = "source" if count == 1 else "sources"
    line = f"{count} {noun}: "
    shown = told = 0
    for name, urls in _by_outlet(story)[:limit]:
        piece = link(urls[0], name, 80)
        if len(urls) > 1:
            piece += f" ×{len(urls)}"
            if every_link:
                piece += " (" + ", ".join(link(url, str(n), 10) for n, url in enumerate(urls[1:], 2)) + ")"
        # Leave room for ", and N more"; a link is never cut in half.
        if len(line) + len(piece) + 20 > MAX_SECTION_CHARS:
            break
        line += (", " if shown else "") + piece
        shown += 1
        told += len(urls)
    if count > told:
        line += f" and {count - told} more"
    return line


def _actors_line(story: Story) -> str:
    names = []
    for actor in key_actors(story):
        role = f" ({escape_within(actor.role, 80)})" if actor.role and actor.kind == "person" else ""
        names.append(escape_within(actor.name, 100) + role)
    return "*Key actors:* " + ", ".join(names) if names else ""


def story_blocks(story: Story) -> list[Block]:
    """Block Kit for one story; between 2 and 6 blocks, each within Slack's limits."""
    title = link(story.url, _title(story), TITLE_CHARS)
    blocks: list[Block] = [section(f"*{title}*")]
    summary = " ".join(s.strip() for s in story.summary[:SUMMARY_SENTENCES] if s and s.strip())
    summary = escape_within(summary, MAX_SECTION_CHARS - 10)
    if summary.strip():
        blocks.append(section(summary))
    actors = _actors_line(story)
    if actors:
        blocks.append(context(actors))
    quote = notable_quote(story)
    if quote is not None:
        blocks.append(section(quote_line(quote, actors=story.actors)))
    if story.deadlines:
        lines = [deadline_line(d) for d in story.deadlines[:MAX_DEADLINES]]
        extra = len(story.deadlines) - MAX_DEADLINES
        if extra > 0:
            lines.append(f"_and {extra} more_")
        blocks.append(section("*Deadlines*\n" + "\n".join(lines)))
    published = story.published.strftime("%d %b %Y") if story.published else ""
    blocks.append(context(*(t for t in (_sources_line(story), published) if t)))
    return blocks


def _title(story: Story) -> str:
    return story.title if story.title and escape_within(story.title, 10).strip() else "Untitled story"


def fallback_text(story: Story) -> str:
    """The plain `text` Slack shows in notifications: title and first summary sentence, escaped."""
    parts = [_title(story)]
    if story.gist:
        parts.append(story.gist)
    return escape_within(" — ".join(parts), 500)


def story_message(story: Story) -> SlackMessage:
    """One story as one message, as the poster sends it."""
    return SlackMessage(fallback_text(story), story_blocks(story), [story.id])


def quotes_reply(story: Story) -> SlackMessage | None:
    """The thread reply holding every quote of a story, or None when the message already shows them all."""
    quotes = _visible_quotes(story)
    if len(quotes) < 2:
        return None
    blocks: list[Block] = [section(f"*{len(quotes)} quotes in this story*")]
    current = ""
    shown = 0
    for quote in quotes:
        line = quote_line(quote, actors=story.actors, told_by=_quote_told_by(story, quote))
        if current and len(current) + 2 + len(line) > MAX_SECTION_CHARS:
            if len(blocks) >= MAX_BLOCKS - 2:
                break
            blocks.append(section(current))
            current = ""
        current = f"{current}\n\n{line}" if current else line
        shown += 1
    if current:
        blocks.append(section(current))
    left = len(quotes) - shown
    if left > 0:
        blocks.append(context(f"_and {left} more quotes; see the article_"))
    text = escape_within(f"{len(quotes)} quotes in: {_title(story)}", 500)
    return SlackMessage(text, blocks, [story.id])


# --- the compact layout: one entry per story, details on demand ----------------------------------------------

# A dateline opening a news summary ("WASHINGTON — ", "GENEVA, Nov 3 (Wire) - ") says where, not what.
_DATELINE = re.compile(r"^[A-Z][A-Z .'\-]{2,40}(?:,[^—–\n]{0,40})?\s+[—–-]{1,2}\s+")


def gist(story: Story, limit: int | None = None) -> str:
    """The story's first summary sentence without its dateline, escaped and cut between words to `limit`
    (`GIST_CHARS` by default)."""
    limit = GIST_CHARS if limit is None else limit
    first = story.gist.strip()
    return escape_within(_DATELINE.sub("", first) or first, limit)


def due_label(due: str) -> str:
    """A deadline's TIMEX value as people write it: "27 Dec 2026", "Jan 2027", or the value as stated."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", due):
            return date.fromisoformat(due).strftime("%-d %b %Y")
        if re.fullmatch(r"\d{4}-\d{2}", due):
            return date.fromisoformat(due + "-01").strftime("%b %Y")
    except ValueError:
        pass
    return date_words(due)  # "spring 2027", "the week of 4 May 1998": never the TIMEX code


def _first_deadline(story: Story) -> Deadline | None:
    """The story's deadline a reader meets first: the soonest dated one, else the first stated."""
    dated = [(day, d) for d in story.deadlines if (day := last_day(d.due)) is not None]
    if dated:
        return min(dated, key=lambda pair: pair[0])[1]
    return story.deadlines[0] if story.deadlines else None


def markers(story: Story) -> list[str]:
    """The context line of a compact entry: sources, up to three key actors, the first deadline's date and the
    number of quotes (":speech_balloon: 3"; the Details view has them); first "updated" when the story grew
    after it was posted."""
    count = max(len(story.sources), 1)
    found = [":arrows_counterclockwise: updated"] if story.updated else []
    found.append(f"{count} source{'s' if count != 1 else ''}")
    names: list[str] = []
    for actor in key_actors(story, COMPACT_ACTORS):
        name = escape_within(actor.name, COMPACT_ACTOR_CHARS)
        if name.strip() and (not names or len(", ".join([*names, name])) <= COMPACT_ACTOR_CHARS):
            names.append(name)
    if names:
        found.append(", ".join(names))
    deadline = _first_deadline(story)
    if deadline is not None:
        when = escape_within(due_label(deadline.due), 30) if deadline.due else "no date"
        found.append(f":alarm_clock: {when}")
    quotes = len(_visible_quotes(story))
    if quotes:
        found.append(f":speech_balloon: {quotes}")
    return found


def compact_entry(story: Story) -> list[Block]:
    """Two blocks: the headline linked to its best source with the gist and a Details button; the markers."""
    headline = link(story.url, _title(story), HEADLINE_CHARS)
    text = f"*{headline}*"
    story_gist = gist(story)
    if story_gist.strip():
        text += f"\n{story_gist}"
    details = button("Details", f"{DETAILS_ACTION}:{story.id}", str(story.id))
    return [section(text, accessory=details), context(*markers(story))]


def _page_value(title: str, ids: Sequence[int], start: int) -> str:
    """What a paging button carries: the digest's title, its stories in order, and where the page starts.

    Ids that do not fit Slack's 2,000 characters are left off the end (the list is most important first).
    """
    kept = list(ids)
    while True:
        value = json.dumps({"t": title[:MAX_HEADER_CHARS], "ids": kept, "at": start}, separators=(",", ":"))
        if len(value) <= MAX_BUTTON_VALUE_CHARS or not kept:
            return value
        kept = kept[:-max(1, len(kept) // 10)]


@dataclass(frozen=True)
class DigestPage:
    """Which page of a compact digest a paging button asks for."""

    title: str
    story_ids: tuple[int, ...]
    start: int


def page_from_button(value: str) -> DigestPage:
    """The page a "Show more"/"Previous" button asks for; ValueError when the value is not one of ours."""
    try:
        data = json.loads(value)
        ids = tuple(int(i) for i in data["ids"])
        start = int(data["at"])
        title = str(data["t"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError("not a digest page button") from exc
    if start < 0 or start >= max(len(ids), 1):
        raise ValueError("that page is out of range")
    return DigestPage(title, ids, start)


def compact_digest(stories: Sequence[Story], *, title: str, start: int = 0,
                   per_page: int = PAGE_STORIES, empty: str | None = None) -> SlackMessage:
    """One message: a header with the title and the count, one entry per story from `start` (at most
    `per_page`), and paging buttons for the others. Its `story_ids` are every story it covers, shown or not.

    Args:
        stories: every story of the digest, most important first.
        title: the header ("Daily digest, 28 Nov 2026"); the count is added.
        start: the first story shown (a later page).
        empty: what to say when there are no stories.
    """
    count = len(stories)
    header_text = plain(f"{title} — {count} {'story' if count == 1 else 'stories'}", MAX_HEADER_CHARS)
    if not stories:
        note = section(empty or "No stories match this channel's subscriptions yet.")
        return SlackMessage(escape_within(header_text, MAX_TEXT_CHARS), [header(header_text), note], [])
    start = min(max(start, 0), count - 1)
    shown = stories[start:start + per_page]
    blocks: list[Block] = [header(header_text)]
    if start:
        blocks.append(context(f"Stories {start + 1}–{start + len(shown)} of {count}"))
    for story in shown:
        blocks.extend(compact_entry(story))
    ids = [story.id for story in stories]
    paging: list[Block] = []
    if start:
        paging.append(button("Previous", f"{PAGE_ACTION}:previous", _page_value(title, ids, max(start - per_page, 0))))
    after = start + len(shown)
    if after < count:
        paging.append(button(f"Show more ({count - after})", f"{PAGE_ACTION}:more", _page_value(title, ids, after),
                             style="primary"))
    if paging:
        blocks.append(actions(*paging))
    titles = "; ".join(_title(story) for story in shown)
    return SlackMessage(escape_within(f"{header_text}: {titles}", MAX_TEXT_CHARS), blocks, ids)


def story_details(story: Story, *, max_blocks: int = MAX_BLOCKS) -> list[Block]:
    """Everything about one story for its "Details" view: summary, quotes with speakers, deadlines with who set
    them and their conditions, and every source; within `max_blocks` blocks."""
    blocks: list[Block] = [section(f"*{link(story.url, _title(story), TITLE_CHARS)}*")]
    summary = escape_within(" ".join(s.strip() for s in story.summary if s and s.strip()), MAX_SECTION_CHARS)
    if summary.strip():
        blocks.append(section(summary))
    actors = _actors_line(story)
    if actors:
        blocks.append(context(actors))
    if story.deadlines:
        lines = _deadline_lines(story)
        blocks.append(section("*Deadlines and conditions*\n" + "\n".join(lines)))
    quotes = _visible_quotes(story)
    room = max_blocks - len(blocks) - 3
    if quotes:
        blocks.append(section(f"*{len(quotes)} quote{'s' if len(quotes) != 1 else ''}*"))
        for quote in quotes[:min(room, DETAILS_QUOTES)]:
            blocks.append(section(quote_line(quote, actors=story.actors, told_by=_quote_told_by(story, quote))))
        left = len(quotes) - min(room, DETAILS_QUOTES)
        if left > 0:
            blocks.append(context(f"_and {left} more quotes; see the articles_"))
    published = story.published.strftime("%d %b %Y") if story.published else ""
    blocks.append(context(*(t for t in (_all_sources_line(story), published) if t)))
    return blocks[:max_blocks]


def _all_sources_line(story: Story) -> str:
    """Every source as a link, each outlet once with its articles' links, as many as fit one context element."""
    return _sources_line(story, every_link=True, limit=None)


# --- a whole digest -------------------------------------------------------------------------------------


def build_digest(stories: Sequence[Story], *, title: str = "Diplomacy digest",
                 max_blocks: int = MAX_BLOCKS) -> list[SlackMessage]:
    """A digest of `stories` as one or more messages, each within Block Kit limits.

    Args:
        stories: the stories in the order to show them.
        title: the header of the first message (cut to 150 characters).
        max_blocks: blocks per message (Slack allows 50).
    """
    count = len(stories)
    header_text = plain(f"{title} — {count} {'story' if count == 1 else 'stories'}", MAX_HEADER_CHARS)
    if not stories:
        note = section("No stories match this channel's subscriptions yet.")
        return [SlackMessage(escape_within(header_text, MAX_TEXT_CHARS), [header(header_text), note], [])]

    # One block stays free in every message for the "Part n of m" line added at the end.
    room = max_blocks - 1
    messages: list[SlackMessage] = []
    blocks: list[Block] = [header(header_text)]
    ids: list[int] = []
    titles: list[str] = []

    def flush() -> None:
        if ids:
            text = escape_within(f"{title}: " + "; ".join(titles), MAX_TEXT_CHARS)
            messages.append(SlackMessage(text, list(blocks), list(ids)))

    for story in stories:
        story_part = story_blocks(story)
        if ids:
            story_part = [divider(), *story_part]
        size = sum(block_chars(b) for b in blocks) + sum(block_chars(b) for b in story_part)
        if ids and (len(blocks) + len(story_part) > room or size > MAX_MESSAGE_CHARS):
            flush()
            blocks, ids, titles = [], [], []
            story_part = story_part[1:]  # no divider at the top of a message
        blocks.extend(story_part)
        ids.append(story.id)
        titles.append(_title(story))
    flush()
    if len(messages) > 1:
        for number, message in enumerate(messages, start=1):
            message.blocks.append(context(f"Part {number} of {len(messages)}"))
    return messages


# --- deadline reminders -----------------------------------------------------------------------------------


@dataclass
class DueDeadline:
    """A stated deadline with the last day it covers ("2027-01" is due by 31 January 2027)."""

    story: Story
    deadline: Deadline
    due: date


def upcoming_deadlines(stories: Iterable[Story], *, today: date, days: int = 7) -> list[DueDeadline]:
    """Deadlines of `stories` due from `today` to `today + days` (inclusive), soonest first, each once."""
    horizon = today + timedelta(days=days)
    seen: set[tuple[int, str]] = set()
    found = []
    for story in stories:
        for deadline in story.deadlines:
            due = last_day(deadline.due)
            key = (story.id, deadline.text)
            if due is None or not today <= due <= horizon or key in seen:
                continue
            seen.add(key)
            found.append(DueDeadline(story, deadline, due))
    return sorted(found, key=lambda d: (d.due, d.story.id))


def _when(due: date, today: date) -> str:
    left = (due - today).days
    return "today" if left == 0 else "tomorrow" if left == 1 else f"in {left} days"


def deadline_reminder(items: Sequence[DueDeadline], *, today: date, days: int = 7) -> SlackMessage | None:
    """One message listing deadlines coming due, each with what is due, who set it and the story's link."""
    if not items:
        return None
    blocks: list[Block] = [header(f"Deadlines in the next {days} days")]
    room = MAX_BLOCKS - 2
    for item in items[:room]:
        what = escape_within(item.deadline.action or item.deadline.text, 500)
        who = _parties(item.deadline)
        story = link(item.story.url, _title(item.story), TITLE_CHARS)
        blocks.append(section(f"*{item.due:%d %b %Y}* ({_when(item.due, today)}) — {what}{who}\n{story}"))
    if len(items) > room:
        blocks.append(context(f"_and {len(items) - room} more; see `/deadlines upcoming`_"))
    first = items[0]
    text = escape_within(f"{len(items)} deadline{'s' if len(items) != 1 else ''} coming due, the first "
                         f"{_when(first.due, today)}: {first.deadline.action or first.deadline.text}", 500)
    return SlackMessage(text, blocks, sorted({i.story.id for i in items}))
