"""`/who-said <person> [since <date>]`: a person's quotes, newest first, with "Show more" paging."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime

from bot.config import Settings
from bot.slack.blocks import Block, SlackMessage, actions, button, context, section
from bot.slack.commands.answer import CommandContext, UsageError, plain_answer
from bot.slack.commands.feedtext import fallback, link, safe
from bot.slack.quote_text import quoted
from bot.storage import Database
from bot.storage.people import PersonSummary
from bot.storage.search import QuoteHit, SpeakerMatch, speaker_page

USAGE = "Try `/who-said Nauert` or `/who-said Mike Pompeo since 2018-10-01`."
PAGE_SIZE = 5
PAGE_ACTION = "who_said_page"
MAX_NAME_CHARS = 200
MAX_OFFSET = 100_000
MAX_BUTTON_IDS = 10


@dataclass
class WhoSaidArgs:
    person: str
    since: date | None = None
    offset: int = 0
    person_ids: tuple[int, ...] = ()  # the people a button already chose
    after: tuple[datetime, int] | None = None  # (published, quote id) of the last quote shown


def parse(text: str, today: date) -> WhoSaidArgs:
    """Split "<person> [since <date>]"; the date may be ISO or words like "last month"."""
    words = text.strip()
    if not words:
        raise UsageError(f"Whose quotes? {USAGE}")
    since = None
    found = re.match(r"^(?P<person>.*?)\s+since\s+(?P<when>.+)$", words, flags=re.IGNORECASE | re.DOTALL)
    if found and found.group("person").strip():
        words = found.group("person").strip()
        since = parse_day(found.group("when").strip(), today)
    if len(words) > MAX_NAME_CHARS:
        raise UsageError(f"That name is {len(words):,} characters long; a surname is enough. {USAGE}")
    return WhoSaidArgs(person=words, since=since)


def parse_day(words: str, today: date) -> date:
    """A day from "2018-10-01", "October 2018", "last week" or "3 days ago", never after `today`."""
    try:
        return min(date.fromisoformat(words), today)
    except ValueError:
        pass
    if len(words) <= 60:
        import dateparser

        settings = {"PREFER_DATES_FROM": "past", "RELATIVE_BASE": datetime.combine(today, datetime.min.time()),
                    "PREFER_DAY_OF_MONTH": "first"}
        found: datetime | None
        try:
            found = dateparser.parse(words, languages=["en"], settings=settings)
        except Exception:  # noqa: BLE001 - dateparser raises assorted errors on odd input; all mean "not a date"
            found = None
        if found is not None:
            return min(found.date(), today)
    shown = safe(words[:60]) + ("…" if len(words) > 60 else "")
    raise UsageError(f"I could not read “{shown}” as a date. Try `since 2018-10-01` or `since last month`.")


def answer(db: Database, settings: Settings, args: WhoSaidArgs, ctx: CommandContext) -> SlackMessage:
    """One page of the person's quotes, people who share the name to choose from, or close names."""
    page = speaker_page(db, args.person, args.person_ids, since=args.since, limit=PAGE_SIZE, offset=args.offset,
                        after=args.after)
    match, total, hits = page.match, page.total, page.hits
    asked = safe(args.person)
    if match.name is None:
        if match.shared or match.unresolved:
            return _choice_answer(args, match)
        if match.suggestions:
            choices = [button(name, f"{PAGE_ACTION}:{i}", _page_value(name, args.since, 0, _ids_of(match, i)))
                       for i, name in enumerate(match.suggestions)]
            text = f"I have no quotes from *{asked}*. Did you mean one of these?"
            said = f"No quotes from {args.person}. Did you mean: {', '.join(match.suggestions)}?"
            return SlackMessage(text=fallback(said), blocks=[section(text), actions(*choices)])
        if not page.anyone:
            return plain_answer("No quotes are stored yet: diplobot has not read an article with a quote.")
        return plain_answer(f"I have no quotes from *{asked}*, and no name close to it. "
                            "Check the spelling, or try a surname.")
    name = safe(match.name)
    since_words = f" since {args.since.isoformat()}" if args.since else ""
    if not hits:
        return plain_answer(f"No {'more ' if args.offset else ''}quotes from *{name}*{since_words}.")
    first, last = args.offset + 1, args.offset + len(hits)
    of = f"more than {total.count:,}" if total.more else f"{total.count:,}"
    role = f" ({safe(match.role)})" if match.role else ""  # "Bush (President)": the title stays with the name
    heading = f"*{name}*{role} — quotes {first}–{last} of {of}{since_words}, newest first"
    blocks = [section(heading)]
    for hit in hits:
        blocks.extend(_quote_blocks(hit))
    paging = []
    if args.offset:
        back = max(args.offset - PAGE_SIZE, 0)
        paging.append(button("Previous", f"{PAGE_ACTION}:previous",
                             _page_value(match.name, args.since, back, match.person_ids)))
    if last < total.count or total.more:
        cursor = (hits[-1].published, hits[-1].id)
        paging.append(button("Show more", f"{PAGE_ACTION}:more",
                             _page_value(match.name, args.since, last, match.person_ids, cursor)))
    if paging:
        blocks.append(actions(*paging))
    said = " | ".join(f"“{h.text}” ({h.published.date().isoformat()})" for h in hits)
    return SlackMessage(text=fallback(f"{match.name}: {said}"), blocks=blocks)


def _ids_of(match: SpeakerMatch, index: int) -> list[int]:
    return [match.choices[index].id] if index < len(match.choices) else []


def _described(person: PersonSummary) -> str:
    """ "Bill Clinton (President) — 12 quotes, latest 2018-10-05: <story>" """
    role = f" ({person.role})" if person.role else ""
    if person.namesakes:
        role += f" (one of {', '.join(person.namesakes[:4])})"
    count = f"{person.quote_count:,} quote{'s' if person.quote_count != 1 else ''}"
    latest = ""
    if person.last_story:
        when = f" {person.last_published.date().isoformat()}" if person.last_published else ""
        latest = f", latest{when}: _{safe(person.last_story[:120])}_"
    return f"• *{safe(person.name)}*{safe(role)} — {count}{latest}"


def _choice_answer(args: WhoSaidArgs, match: SpeakerMatch) -> SlackMessage:
    """Several people share the typed name: each with role and most recent story, one button each."""
    asked = safe(args.person)
    lines = "\n".join(_described(p) for p in match.choices)
    if match.unresolved:
        heading = (f"No quote is given to *{asked}* by name. Articles that name them quote someone by surname "
                   "alone and cannot tell who it is:")
        said = f"No quote is given to {args.person} by name; quoted by surname in articles naming them: "
    else:
        heading = f"Several people match *{asked}*. Which one?"
        said = f"Several people match {args.person}: "
    choices = [button(p.name + (f" ({p.role})" if p.role else ""), f"{PAGE_ACTION}:{i}",
                      _page_value(p.name, args.since, 0, [p.id]))
               for i, p in enumerate(match.choices)]
    names = ", ".join(p.name + (f" ({p.role})" if p.role else "") for p in match.choices)
    return SlackMessage(text=fallback(f"{said}{names}."), blocks=[section(f"{heading}\n{lines}"), actions(*choices)])


def _quote_blocks(hit: QuoteHit) -> list[Block]:
    if hit.direct:
        body = f"> {safe(quoted(hit.text))}"
    else:
        body = f"> _paraphrase:_ {safe(hit.text)}"
    where = f"{hit.published.date().isoformat()} · {link(hit.url, hit.title)} · {safe(hit.source)}"
    return [section(body), context(where)]


def _page_value(name: str, since: date | None, offset: int, person_ids: list[int] | None = None,
                after: tuple[datetime, int] | None = None) -> str:
    value: dict[str, object] = {"person": name, "since": since.isoformat() if since else None, "offset": offset}
    if person_ids:
        value["ids"] = list(person_ids)[:MAX_BUTTON_IDS]
    if after is not None:
        value["after"] = [after[0].isoformat(), after[1]]
    return json.dumps(value)


def args_from_button(value: str) -> WhoSaidArgs:
    """The page a "Show more" or choice button asks for."""
    try:
        data = json.loads(value)
        since = date.fromisoformat(data["since"]) if data.get("since") else None
        offset = min(max(int(data.get("offset", 0)), 0), MAX_OFFSET)
        ids = tuple(int(i) for i in (data.get("ids") or [])[:MAX_BUTTON_IDS])
        after = None
        if data.get("after"):
            published, quote_id = data["after"]
            after = (datetime.fromisoformat(published), int(quote_id))
        return WhoSaidArgs(person=str(data["person"])[:MAX_NAME_CHARS], since=since, offset=offset,
                           person_ids=ids, after=after)
    except (ValueError, KeyError, TypeError, OverflowError, AttributeError) as exc:
        raise UsageError(f"That button is out of date. {USAGE}") from exc
