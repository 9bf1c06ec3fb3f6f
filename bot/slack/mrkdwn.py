"""Slack mrkdwn for untrusted feed text: escape it, link it safely, cut it to Block Kit limits.

Public functions:
- `escape(text) -> str`: feed text as inert mrkdwn: `&`, `<`, `>` escaped (so `<!channel>`, `<!here>`,
  `<@U123>` and `<https://x|y>` show as typed and ping or link nobody); bare `@channel`/`@here`/`@everyone`,
  `:emoji:` codes and a line-leading `>` broken with a word joiner; formatting marks (`*`, `_`, `~`, backticks)
  fenced with zero-width spaces so they show as typed; control characters dropped.
- `code(text) -> str`: feed or user text as an inline code span (`` `text` ``): shown verbatim, copyable.
- `truncate(text, limit, ellipsis="…") -> str`: at most `limit` characters, cut on a word boundary.
- `escape_within(text, limit) -> str`: `escape` whose result fits `limit` characters (never cuts an entity).
- `plain(text, limit) -> str`: for `plain_text` objects (headers, buttons): cleaned and cut, not escaped.
- `link(url, label, limit=None) -> str`: `<url|label>` for http(s) URLs, else the escaped label alone.
- `safe_url(url) -> str | None`: the URL when it is http(s) and cannot break out of `<…|…>`, else None.
- `links_in(text) -> list[tuple[str, str]]`, `to_plain(text) -> str`: read our mrkdwn back (links as
  (url, label), text with links as their labels and entities decoded) for terminal renderers and tests.
- `WORD_JOINER`, `MARK_FENCE`, `FENCED_MARKS`: the invisible breakers, and a pattern finding a run of
  formatting marks that `escape` made literal (for renderers that read our mrkdwn back).
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
_ENTITY_TAIL = re.compile(r"&[a-z]{0,4}$")
# An underscore between two letters or digits (snake_case, error codes, URLs) never formats and stays as is.
_MARKS = re.compile(r"(?:[*~`]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))+")
_EMOJI_CODE = re.compile(r":(?=[a-z0-9_+\-]+:)", re.IGNORECASE)
_QUOTE_START = re.compile(r"^(?=&gt;)", re.MULTILINE)
_HALF_FENCED_TAIL = re.compile(MARK_FENCE + r"[*_~`]$")
FENCED_MARKS = re.compile(MARK_FENCE + r"(?:[*_~`]" + MARK_FENCE + ")+")


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
    """`text` cut to at most `limit` characters on a word boundary, ending with `ellipsis` when cut."""
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    if limit <= len(ellipsis):
        return text[:limit]
    room = limit - len(ellipsis)
    cut = text[:room]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    # Cut on the last space unless that throws away most of the room (one very long word).
    if space >= room // 2:
        cut = cut[:space]
    return cut.rstrip(" \n,;:.-–—") + ellipsis


def escape_within(text: str | None, limit: int) -> str:
    """`escape(text)` no longer than `limit` characters, cut on a word boundary and never inside `&amp;`."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    cut = truncate(escaped, limit)
    body = cut[: -len(ELLIPSIS)] if cut.endswith(ELLIPSIS) else cut
    # A cut may land inside an entity such as "&am": drop the stub. One just after a fenced mark closes its fence.
    body = _ENTITY_TAIL.sub("", body)
    body = _HALF_FENCED_TAIL.sub(lambda m: m.group() + MARK_FENCE, body)
    return (body.rstrip() + ELLIPSIS)[:limit]


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
    """A mrkdwn link `<url|label>` with the label escaped; only the label when the URL is not http(s)."""
    target = safe_url(url)
    text = escape(label) if limit is None else escape_within(label, limit)
    if not text:
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
