"""Turn a fetched feed (bytes) into its title and normalised `Entry` records. Pure: no I/O, `now` passed in."""

from __future__ import annotations

import calendar
import codecs
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import feedparser

from bot.domain.articles import (
    Entry,
    bounded_guid,
    canonical_url,
    clean_text,
    content_hash,
    fallback_guid,
    html_to_text,
    one_line,
)
from bot.feeds.plain_rss import read_plain_rss
from bot.feeds.problems import AddressProblem

# Dates before this are placeholders (a zero timestamp, "1970-01-01"), not publication dates.
EARLIEST_PLAUSIBLE = datetime(1990, 1, 1, tzinfo=UTC)
MAX_TITLE_LENGTH = 1000
# feedparser's complaints about headers, not about the document.
_HARMLESS = frozenset({"NonXMLContentType", "CharacterEncodingOverride"})
# Text declared plain that still carries tags (feeds mislabel often) is stripped like HTML.
_LOOKS_LIKE_MARKUP = re.compile(r"<[a-zA-Z!/]|&[a-zA-Z]+;|&#")
MAX_FEED_TITLE_LENGTH = 500
# spaCy refuses texts over 1,000,000 characters (and one refused text fails its whole batch); article pages are
# cut at the same length in `bot.feeds.pages`.
MAX_TEXT_LENGTH = 100_000
# More entries than this in one document is an archive or an attack; only the newest are kept, so one feed
# cannot flood the analysis and the channels (a 4 MB feed can hold 60,000 entries).
MAX_ENTRIES = 200
# An entity declaration (quoted values may hold ">"); feeds have no need of their own entities.
_ENTITY_DECLARATION = re.compile(rb"""<!ENTITY\s(?:[^>"']|"[^"]*"|'[^']*')*>""", re.IGNORECASE)
# Byte-order marks and first bytes of XML documents in the encodings that are not ASCII-compatible.
_WIDE_ENCODINGS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
    (b"\0\0\0<", "utf-32-be"), (b"<\0\0\0", "utf-32-le"), (b"\0<", "utf-16-be"), (b"<\0", "utf-16-le"),
)
_DECLARED_ENCODING = re.compile(rb"""^(<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")


class FeedParseError(AddressProblem):
    """The document is not a feed that can be read."""


@dataclass(frozen=True)
class ParsedFeed:
    """A feed's title, its entries, and what was wrong with it but could be lived with."""

    title: str | None
    entries: list[Entry]
    warnings: list[str] = field(default_factory=list)


def parse_feed(body: bytes, *, url: str, now: datetime, content_type: str | None = None) -> ParsedFeed:
    """Parse RSS or Atom bytes into normalised entries.

    Args:
        body: the document as fetched (feedparser finds the encoding from it and `content_type`).
        url: where it came from; relative links are resolved against it, and errors name it.
        now: the fetch time, given to entries with no date or a date in the future.
        content_type: the response's Content-Type header, if any.

    Raises `FeedParseError` when the document is not a feed or is too broken to yield any entry.
    """
    if not body.strip():
        raise FeedParseError(url, "the response is empty")
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    # Always a stream: given bytes or a string, feedparser may treat them as a file name or URL to open.
    # Neither sanitized nor with links resolved inside the markup: diplobot keeps only the visible text of an
    # entry's HTML (`html_to_text`, scripts and tags dropped) and never shows the markup, so that work (about
    # 40% of parsing) bought nothing.
    document = without_entity_declarations(body)
    plain = read_plain_rss(document, url=url, content_type=content_type)
    if plain is not None:  # the common case, read as feedparser would read it in a fifth of the time
        return _parsed_feed(plain[0], plain[1], [], url=url, now=now)
    try:
        parsed = feedparser.parse(io.BytesIO(document), response_headers=headers,
                                  sanitize_html=False, resolve_relative_uris=False)
    except Exception as exc:  # feedparser catches nearly everything itself; whatever escapes is still this feed's
        raise FeedParseError(url, f"feedparser failed ({type(exc).__name__}: {exc})") from exc
    warnings: list[str] = []
    raw_entries = list(parsed.entries)
    exception = parsed.get("bozo_exception")
    if parsed.get("bozo") and type(exception).__name__ not in _HARMLESS:
        problem = f"{type(exception).__name__}: {exception}"
        if raw_entries and last_entry_is_cut(body):
            # Stored once, an entry is never stored again: better to wait for the whole of it next time.
            raw_entries.pop()
            warnings.append("the last entry is cut off by the end of the document and was left for later")
        if not raw_entries:
            raise FeedParseError(url, f"not a readable feed ({problem})")
        warnings.append(f"feed is malformed but readable ({problem})")
    elif not parsed.get("version") and not raw_entries:
        raise FeedParseError(url, "not an RSS or Atom feed")
    return _parsed_feed(parsed.feed.get("title", ""), raw_entries, warnings, url=url, now=now)


def _parsed_feed(title: str | None, raw_entries: list[dict[str, Any]], warnings: list[str], *, url: str,
                 now: datetime) -> ParsedFeed:
    """The feed's entries from feedparser's (or `read_plain_rss`'s) raw entries, the newest MAX_ENTRIES kept."""
    entries: list[Entry] = []
    for position, raw in enumerate(raw_entries, start=1):
        try:
            entry = entry_from_feedparser(raw, base_url=url, now=now)
        except Exception as exc:  # noqa: BLE001 - one broken entry never costs the others
            warnings.append(f"entry {position} skipped: {type(exc).__name__}: {exc}")
            continue
        if entry is None:
            warnings.append(f"entry {position} skipped: it has no title, text or link")
        else:
            entries.append(entry)
    if len(entries) > MAX_ENTRIES:
        newest = set(map(id, sorted(entries, key=lambda e: e.published_at, reverse=True)[:MAX_ENTRIES]))
        warnings.append(f"{len(entries):,} entries; only the newest {MAX_ENTRIES} were kept")
        entries = [e for e in entries if id(e) in newest]
    feed_title = one_line(html_to_text(title or ""))[:MAX_FEED_TITLE_LENGTH] or None
    return ParsedFeed(title=feed_title, entries=entries, warnings=warnings)


def without_entity_declarations(body: bytes) -> bytes:
    """The document without `<!ENTITY>` declarations, so a few bytes can never expand into gigabytes.

    feedparser drops such declarations only when each starts a line; expat expands what is left (a
    "billion laughs" feed cost seconds of CPU a poll). Documents in UTF-16/32 are re-encoded as UTF-8 first.
    """
    for mark, encoding in _WIDE_ENCODINGS:
        if body.startswith(mark):
            try:
                text = body.decode(encoding)
            except UnicodeDecodeError:
                return body  # feedparser will say what is wrong with it
            body = _DECLARED_ENCODING.sub(rb'\1"utf-8"', text.lstrip("\ufeff").encode("utf-8"))
            break
    if b"<!" not in body:
        return body
    return _ENTITY_DECLARATION.sub(b"", body)


def last_entry_is_cut(body: bytes) -> bool:
    """True when the document ends inside an item or entry (opened after the last one was closed)."""
    closed = max(body.rfind(b"</item>"), body.rfind(b"</entry>"), body.rfind(b"</atom:entry>"))
    opened = max(body.rfind(tag) for tag in (b"<item>", b"<item ", b"<entry>", b"<entry ", b"<atom:entry"))
    return opened > closed


def entry_from_feedparser(raw: dict[str, Any], *, base_url: str, now: datetime) -> Entry | None:
    """One feedparser entry as an `Entry`, or None when there is nothing in it to show."""
    url = canonical_url(raw.get("link"), base=base_url)
    text = entry_text(raw)
    title = one_line(_as_text(raw.get("title_detail") or raw.get("title")))
    if not title:
        title = _title_from_text(text) or url or ""
    if not title and not text:
        return None
    title = title[:MAX_TITLE_LENGTH]
    raw_id = (raw.get("id") or "").strip()
    guid = bounded_guid(raw_id) if raw_id else (url or fallback_guid(title, text))
    return Entry(
        guid=guid,
        url=url,
        title=title,
        text=text,
        published_at=entry_date(raw, now),
        content_hash=content_hash(title, text),
    )


def entry_text(raw: dict[str, Any]) -> str:
    """The longest of the entry's full content and its summary, as plain text with paragraphs kept."""
    candidates = [_as_text(content) for content in raw.get("content") or []]
    candidates.append(_as_text(raw.get("summary_detail") or raw.get("summary")))
    return cut_text(max(candidates, key=len, default=""), MAX_TEXT_LENGTH)


def cut_text(text: str, limit: int) -> str:
    """`text` when it fits `limit` characters, else cut at the last paragraph (or line, or space) break before it."""
    if len(text) <= limit:
        return text
    for mark in ("\n\n", "\n", " "):
        cut = text.rfind(mark, 0, limit + 1)
        if cut > limit // 2:
            return text[:cut].rstrip()
    return text[:limit]


def entry_date(raw: dict[str, Any], now: datetime) -> datetime:
    """Publication (or else update) date in UTC; `now` when missing, implausibly old, or in the future."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = dict.get(raw, key)  # not raw.get: feedparser would map a missing key onto another, with a warning
        if not value:
            continue
        try:
            date = datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
        except (OverflowError, ValueError, OSError, TypeError):
            continue
        if date < EARLIEST_PLAUSIBLE:
            continue
        return min(date, now.astimezone(UTC))
    return now.astimezone(UTC)


def _as_text(value: object) -> str:
    """Plain text from a feedparser value or detail dict (HTML stripped unless it is declared plain text)."""
    if value is None:
        return ""
    if isinstance(value, dict):
        kind = (value.get("type") or "").lower()
        text = value.get("value") or ""
        if kind == "text/plain" and not _LOOKS_LIKE_MARKUP.search(text):
            return clean_text(text)  # keeps the line breaks that plain text uses for paragraphs
        return html_to_text(text)
    return html_to_text(str(value))


def _title_from_text(text: str, limit: int = 120) -> str:
    """A stand-in title: the text's first line, cut at a word near `limit` characters."""
    first = one_line(text.split("\n", 1)[0]) if text else ""
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0] + "…"
