"""Articles as they come out of a feed: the `Entry` record, text and URL normalisation, the content hash.

Everything here is pure: it takes strings and returns strings, so feed text (untrusted) is tamed in one place.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

# The database columns that hold URLs and guids are 2,048 characters wide.
MAX_URL_LENGTH = 2048
# Below this many characters the text alone (a teaser, "Read more") says too little to call two articles equal.
MIN_TEXT_FOR_HASH = 200

TRACKING_PARAMETERS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid", "ttclid",
        "mc_cid", "mc_eid", "_hsenc", "_hsmi", "__hstc", "__hssc", "__hsfp", "hsctatracking",
        "mkt_tok", "oly_anon_id", "oly_enc_id", "rb_clickid", "s_cid", "vero_id", "vero_conv",
        "wickedid", "_ga", "_gl", "cmpid", "ncid", "ocid", "sr_share", "at_medium", "at_campaign",
        "spm", "ito", "xtor",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "piwik_")


@dataclass(frozen=True)
class Entry:
    """One normalised feed entry, ready to store: plain text, UTC date, canonical URL."""

    guid: str
    url: str | None
    title: str
    text: str
    published_at: datetime
    content_hash: str


# --- text -----------------------------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "header", "footer", "aside", "main", "nav", "blockquote",
        "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr",
        "pre", "hr", "figure", "figcaption", "address", "details", "summary", "form", "fieldset",
    }
)
_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "head", "iframe", "object", "svg", "math"})
_PARAGRAPH = "\x00P\x00"  # markers no feed text can contain: control characters are removed before they are added
_LINE = "\x00L\x00"
# Control characters, zero-width spaces and bidi overrides: invisible, and able to disguise text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Whitespace other than plain spaces (line breaks above all), as one space: in HTML a line break in the text is
# a space. Runs of spaces are left for `clean_text`, which folds every run in a line anyway: the same text as
# folding them here, for a fraction of the regex work on long paragraphs.
_NOT_SPACE_WHITESPACE = re.compile(r"[^\S ]+")


class _TextCollector(HTMLParser):
    """Collects the visible text of an HTML fragment, marking paragraph and line breaks. `references`: whether
    the fragment holds character references ("&…"), whose decoded text may hold control characters (the
    fragment itself has none left)."""

    def __init__(self, references: bool = True) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping: list[str] = []
        self._references = references

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping.append(tag)
        elif tag == "br":
            self.parts.append(_LINE)
        elif tag in _BLOCK_TAGS:
            self.parts.append(_PARAGRAPH)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append(_LINE)
        elif tag in _BLOCK_TAGS:
            self.parts.append(_PARAGRAPH)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            if tag in self._skipping:
                while self._skipping and self._skipping.pop() != tag:
                    pass
        elif tag in _BLOCK_TAGS:
            self.parts.append(_PARAGRAPH)

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(_NOT_SPACE_WHITESPACE.sub(" ", _CONTROL.sub("", data) if self._references else data))


def html_to_text(html: str) -> str:
    """Visible text of an HTML fragment: tags and scripts gone, entities decoded, paragraphs as blank lines."""
    html = _CONTROL.sub("", html)
    collector = _TextCollector(references="&" in html)
    collector.feed(html)
    collector.close()
    text = "".join(collector.parts).replace(_PARAGRAPH, "\n\n").replace(_LINE, "\n")
    # No carriage return (a space now) and no control character (removed before NFC, which makes none).
    return _tidy(unicodedata.normalize("NFC", text).replace("\xa0", " "))


def clean_text(text: str) -> str:
    """Plain text tidied: control characters removed, spaces folded, paragraphs kept as single blank lines."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _tidy(_CONTROL.sub("", text).replace("\xa0", " "))


def _tidy(text: str) -> str:
    """Spaces folded and line ends stripped in each line, empty lines dropped, paragraphs one blank line apart."""
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", text):
        lines = [_folded(line) for line in paragraph.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            paragraphs.append(joined)
    return "\n\n".join(paragraphs)


def one_line(text: str) -> str:
    """Text folded onto a single line, as titles are shown."""
    return _folded(text.replace("\n\n", " ").replace("\n", " "))


def _folded(text: str) -> str:
    """Every run of whitespace as one space, ends stripped (str.split's whitespace, as re's \\s). Text that is
    folded already (printable: no whitespace but single inner spaces) comes back as it is, without splitting
    it into words and joining them again."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


# --- URLs -----------------------------------------------------------------------------------------------


def is_tracking_parameter(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


def canonical_url(url: str | None, base: str | None = None) -> str | None:
    """The article's URL without tracking parameters or fragment; None when it is not a usable http(s) URL.

    Relative links are resolved against `base` (the feed's URL). Scheme and host are lower-cased and the
    default port dropped, so two spellings of the same link compare equal.
    """
    if not url:
        return None
    url = _CONTROL.sub("", url).strip()
    if base:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port and not (scheme == "http" and port == 80) and not (scheme == "https" and port == 443):
        host = f"{host}:{port}"
    if parts.username or parts.password:
        return None  # credentials in a feed link are never something to store or show
    # The query is kept as written (no re-encoding), minus the tracking parameters.
    query = "&".join(
        part for part in parts.query.split("&")
        if part and not is_tracking_parameter(unquote_plus(part.split("=", 1)[0]))
    )
    # Fragments are dropped, except "#!" routes that some sites use as the real path.
    fragment = parts.fragment if parts.fragment.startswith("!") else ""
    canonical = urlunsplit((scheme, host, parts.path or "/", query, fragment))
    return canonical if len(canonical) <= MAX_URL_LENGTH else None


# --- identity -------------------------------------------------------------------------------------------


def fold_for_hash(text: str) -> str:
    """Text reduced to what identifies it: case-folded, whitespace runs as one space."""
    return one_line(unicodedata.normalize("NFKC", text).casefold())


def content_hash(title: str, text: str) -> str:
    """SHA-256 of the folded text, or of title and text when the text is too short to identify an article."""
    folded = fold_for_hash(text)
    if len(folded) < MIN_TEXT_FOR_HASH:
        folded = fold_for_hash(title) + "\n" + folded
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def fallback_guid(title: str, text: str) -> str:
    """A stable guid for an entry that has neither id nor link."""
    digest = hashlib.sha256((fold_for_hash(title) + "\n" + fold_for_hash(text)).encode("utf-8")).hexdigest()
    return f"sha256:{digest}"


def bounded_guid(guid: str) -> str:
    """The guid as given, or its hash when it is too long for the column."""
    guid = _CONTROL.sub("", guid).strip()
    if len(guid) <= MAX_URL_LENGTH:
        return guid
    return "sha256:" + hashlib.sha256(guid.encode("utf-8")).hexdigest()
