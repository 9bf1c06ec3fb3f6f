"""Slack mrkdwn for untrusted feed text: escape it, link it safely, cut it to Block Kit limits.

Public functions:
- `escape(text) -> str`: feed text as inert mrkdwn: `&`, `<`, `>` escaped (so `<!channel>`, `<!here>`,
  `<@U123>` and `<https://x|y>` show as typed and ping or link nobody), bare `@channel`/`@here`/`@everyone`
  broken with a word joiner, control characters dropped.
- `truncate(text, limit, ellipsis="…") -> str`: at most `limit` characters, cut on a word boundary.
- `escape_within(text, limit) -> str`: `escape` whose result fits `limit` characters (never cuts an entity).
- `plain(text, limit) -> str`: for `plain_text` objects (headers, buttons): cleaned and cut, not escaped.
- `link(url, label, limit=None) -> str`: `<url|label>` for http(s) URLs, else the escaped label alone.
- `safe_url(url) -> str | None`: the URL when it is http(s) and cannot break out of `<…|…>`, else None.
- `links_in(text) -> list[tuple[str, str]]`, `to_plain(text) -> str`: read our mrkdwn back (links as
  (url, label), text with links as their labels and entities decoded) for terminal renderers and tests.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

ELLIPSIS = "…"
# Longer URLs are shown as plain labels so a link always fits in a 3,000-character section.
MAX_URL_CHARS = 2000
WORD_JOINER = "\u2060"

# C0/C1 controls other than tab and newline, plus bidi overrides that can disguise text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_ENTITY_TAIL = re.compile(r"&[a-z]{0,4}$")


def clean(text: str | None) -> str:
    """Drop control characters and normalise line ends; `None` becomes ''."""
    if not text:
        return ""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def escape(text: str | None) -> str:
    """Feed text as inert mrkdwn: nothing in it can mention, link or break the markup."""
    text = clean(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: "@" + WORD_JOINER + m.group(1), text)


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
    # A cut may land inside an entity such as "&am": drop the stub.
    body = _ENTITY_TAIL.sub("", body)
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
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace(WORD_JOINER, "")


def to_plain(text: str) -> str:
    """Our mrkdwn as a person reads it: links shown as their labels, entities decoded, word joiners gone."""
    return _unescape(_LINK.sub(lambda m: m.group(2) or m.group(1), text))
