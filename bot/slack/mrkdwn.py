"""Slack mrkdwn for untrusted feed text: escape it, link it safely, cut it to Block Kit limits.

Every feed- or user-written string reaches Slack through `escape` (or `code`, `link`), and anything shown is
shortened by `truncate`, which never splits what escaping wrote.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

ELLIPSIS = "…"
# Longer URLs are shown as plain labels so a link always fits in a 3,000-character section.
MAX_URL_CHARS = 2000
WORD_JOINER = "\u2060"
# Slack has no escape for its formatting marks. It treats a zero-width space like a space around them (the known
# way to bold part of a word), so a mark fenced by one on each side has a space inside it and opens and closes
# nothing; were the fence read as a letter instead, the mark would sit inside a word, which formats nothing too.
MARK_FENCE = "\u200b"

# C0/C1 controls other than tab and newline, plus bidi overrides that can disguise text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
# An underscore between two letters or digits (snake_case, error codes, URLs) never formats and stays as is.
_MARKS = re.compile(r"(?:[*~`]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))+")
_EMOJI_CODE = re.compile(r":(?=[a-z0-9_+\-]+:)", re.IGNORECASE)
_QUOTE_START = re.compile(r"^(?=&gt;)", re.MULTILINE)
FENCED_MARKS = re.compile(MARK_FENCE + r"(?:[*_~`]" + MARK_FENCE + ")+")
# What a cut must not split: an entity, a link or mention, a run of fenced formatting marks.
_UNBREAKABLE = re.compile(r"&[a-z]+;|<[^<>\s|]+(?:\|[^<>]*)?>|" + FENCED_MARKS.pattern)
_ENTITY_END = re.compile(r"&[a-z]+;$")
_TRAILING = " \n,;:.-\u2013\u2014"


def clean(text: str | None) -> str:
    """Drop control characters and normalise line ends; `None` becomes ''."""
    if not text:
        return ""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def escape(text: str | None) -> str:
    """Feed text as inert mrkdwn: nothing in it can mention, link or break the markup."""
    text = clean(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _break_broadcasts(text)
    text = _EMOJI_CODE.sub(":" + WORD_JOINER, text)
    text = _MARKS.sub(lambda m: _fence(m.group()), text)
    return _QUOTE_START.sub(WORD_JOINER, text)


def _fence(marks: str) -> str:
    return MARK_FENCE + MARK_FENCE.join(marks) + MARK_FENCE


def _break_broadcasts(text: str) -> str:
    return _BROADCAST.sub(lambda m: "@" + WORD_JOINER + m.group(1), text)


def code(text: str | None) -> str:
    """`text` as an inline code span: no formatting applies inside one, so only entities and backticks change."""
    body = " ".join(clean(text).split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # A backtick would end the span; fenced, as in `escape`, it stays literal.
    body = re.sub("`+", lambda m: _fence(m.group()), _break_broadcasts(body))
    return f"`{body or ' '}`"


def truncate(text: str, limit: int, ellipsis: str = ELLIPSIS) -> str:
    """`text` in at most `limit` characters, ending with `ellipsis` when cut.

    The cut falls between words (inside one only when a single word fills most of the room) and never inside an
    entity (`&amp;`), a link or mention (`<url|label>`, `<#C1>`) or a run of fenced formatting marks, so what is
    left is still the mrkdwn it was.
    """
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    room = limit - len(ellipsis)
    if room <= 0:
        return ellipsis[:limit]
    whole = [m.span() for m in _UNBREAKABLE.finditer(text) if m.start() < room]

    def inside(position: int) -> int | None:
        """The start of the piece a cut at `position` would split, or None when it splits nothing."""
        return next((start for start, end in whole if start < position < end), None)

    cut = room
    while (start := inside(cut)) is not None:
        cut = start
    # The last space within the room unless that throws away most of it (one very long word).
    for space in range(cut, room // 2 - 1, -1):
        if text[space] in " \n" and inside(space) is None:
            cut = space
            break
    body = text[:cut]
    while body and body[-1] in _TRAILING and not _ENTITY_END.search(body):
        body = body[:-1]
    return body + ellipsis


def escape_within(text: str | None, limit: int) -> str:
    """`escape(text)` in at most `limit` characters, cut as `truncate` cuts (never inside `&amp;`)."""
    return truncate(escape(text), limit)


def plain(text: str | None, limit: int) -> str:
    """Text for a `plain_text` object (Slack shows it verbatim): cleaned, one line, cut to `limit`."""
    one_line = " ".join(clean(text).split())
    return truncate(one_line, limit)


def safe_url(url: str | None) -> str | None:
    """`url` for a mrkdwn link when it is absolute http(s): `<`, `>`, `|`, spaces encoded, `&` escaped."""
    if not url:
        return None
    url = clean(url).strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if not parts.netloc.isascii():
        # An internationalised host name is written in its ASCII (punycode) form; percent-encoding breaks it.
        try:
            netloc = parts.netloc.encode("idna").decode("ascii")
        except UnicodeError:
            return None
        url = parts._replace(netloc=netloc).geturl()
    # `<`, `>` and `|` end a Slack link; spaces break it. Percent-encode them, keep everything else.
    return quote(url, safe="!#$%&'()*+,-./:;=?@[]_~").replace("&", "&amp;")


def link(url: str | None, label: str | None, limit: int | None = None) -> str:
    """A mrkdwn link `<url|label>` with the label escaped and on one line (a line break inside a link's label
    breaks it in Slack); only the label when the URL is not http(s)."""
    target = safe_url(url)
    label = " ".join(label.split()) if label else label
    text = escape(label) if limit is None else escape_within(label, limit)
    if not text.strip():
        # A label of spaces or line breaks would make an invisible link: show the address instead.
        text = escape(target or "")
    if target is None or len(target) > MAX_URL_CHARS:
        return text
    return f"<{target}|{text}>"


_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")


def links_in(text: str) -> list[tuple[str, str]]:
    """The `<url|label>` links of a mrkdwn string as (url, label), both with entities decoded."""
    return [(_unescape(m.group(1)), _unescape(m.group(2) or m.group(1))) for m in _LINK.finditer(text)]


def _unescape(text: str) -> str:
    text = FENCED_MARKS.sub(lambda m: m.group().replace(MARK_FENCE, ""), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace(WORD_JOINER, "")


def to_plain(text: str) -> str:
    """Our mrkdwn as a person reads it: links shown as their labels, entities decoded, word joiners gone."""
    return _unescape(_LINK.sub(lambda m: m.group(2) or m.group(1), text))
