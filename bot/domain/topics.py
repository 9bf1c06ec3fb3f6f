"""Topic subscriptions: parse what people type after `/subscribe` and match it against stories.

Public names:
- `Topic(include: tuple[str, ...], exclude: tuple[str, ...])`; `Topic.text` is the canonical form that is
  stored and shown ("north korea, iran -sports"); `Topic.matches(story) -> bool`.
- `parse_topic(text: str) -> Topic` raises `InvalidTopic` (message fit to show the user).
- `topic_from_terms(include, exclude) -> Topic`: rebuild a stored topic without re-parsing.
- `story_matches(story, topic) -> bool`, `matches_any(story, topics) -> bool`.

Syntax: words in a row form one phrase ("north korea"); a comma starts another phrase; any phrase may
match (OR). A word or "quoted phrase" after `-` excludes stories that mention it. `*` alone means every story.
A phrase matches a story when it appears as whole words (case-insensitive) in the title, summary or text,
or names one of its actors (name or alias), or names the same country as one of its country actors
("DPRK" and "Pyongyang" both find a story whose actors include North Korea).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.domain.stories import Story

MAX_TOPIC_CHARS = 200
MAX_TERMS = 10
EVERYTHING = "*"

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(,)|([^\s,"]+)')


class InvalidTopic(ValueError):
    """That topic cannot be read; the message says why and shows the syntax."""


@dataclass(frozen=True)
class Topic:
    """Phrases that select a story (any one) and phrases that rule it out (any one)."""

    include: tuple[str, ...]
    exclude: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """Canonical form: lower case, phrases joined by ", ", exclusions after "-"; quoted where a comma or space
        inside a phrase would otherwise split it, so that parsing the text gives this topic back."""
        parts = [", ".join(f'"{term}"' if "," in term else term for term in self.include)]
        parts += [f'-"{term}"' if " " in term or "," in term else f"-{term}" for term in self.exclude]
        return " ".join(parts)

    def matches(self, story: Story) -> bool:
        return story_matches(story, self)


def _normalise_term(term: str) -> str:
    return " ".join(term.replace('"', " ").casefold().split()).strip(" -")


def _syntax_hint() -> str:
    return 'write words to follow, commas between alternatives, "-" before words to leave out: north korea, iran -sports'


def parse_topic(text: str) -> Topic:
    """Read `north korea, iran -sports -"world cup"` into include and exclude phrases."""
    if text is None or not text.strip():
        raise InvalidTopic(f"A topic needs at least one word; {_syntax_hint()}")
    if len(text) > MAX_TOPIC_CHARS:
        raise InvalidTopic(f"A topic may be at most {MAX_TOPIC_CHARS} characters (this one has {len(text)}).")
    include: list[str] = []
    exclude: list[str] = []
    phrase: list[str] = []

    def end_phrase() -> None:
        if phrase:
            include.append(" ".join(phrase))
            phrase.clear()

    for match in _TOKEN.finditer(text.replace("\u201c", '"').replace("\u201d", '"')):
        negated, quoted, comma, word = match.groups()
        if comma:
            end_phrase()
        elif quoted is not None:
            end_phrase()
            (exclude if negated else include).append(quoted)
        elif word.startswith("-") and len(word) > 1:
            end_phrase()
            exclude.append(word[1:])
        elif word != "-":
            phrase.append(word)
    end_phrase()
    return topic_from_terms(include, exclude)


def topic_from_terms(include: Iterable[str], exclude: Iterable[str] = ()) -> Topic:
    """A `Topic` from stored term lists: normalised, deduplicated, checked."""
    inc = tuple(dict.fromkeys(t for t in map(_normalise_term, include) if t))
    exc = tuple(dict.fromkeys(t for t in map(_normalise_term, exclude) if t))
    if not inc:
        raise InvalidTopic(f"A topic needs at least one word to follow, not only exclusions; {_syntax_hint()}")
    if len(inc) + len(exc) > MAX_TERMS:
        raise InvalidTopic(f"A topic may have at most {MAX_TERMS} phrases; split it into several subscriptions.")
    if EVERYTHING in inc:
        inc = (EVERYTHING,)
    return Topic(inc, exc)


@lru_cache(maxsize=2048)
def _pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in term.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=2048)
def _country(term: str) -> str | None:
    """The canonical country a term names ("dprk" → "North Korea"), from the analysis' country table."""
    try:
        from bot.analysis.places import country_for
    except ImportError:  # the table ships with the actors analysis; without it, words and actors still match
        return None
    found = country_for(term.upper() if len(term) <= 3 else term)
    return found.country if found else None


def _mentions(story: Story, term: str) -> bool:
    """Does `story` talk about `term`: in its words, its actors, or its countries?"""
    pattern = _pattern(term)
    for field_text in (story.title, story.text, *story.summary):
        if field_text and pattern.search(field_text):
            return True
    country = _country(term)
    for actor in story.actors:
        for name in (actor.name, *actor.aliases):
            if name and pattern.search(name):
                return True
        if country and actor.kind == "country" and actor.name.casefold() == country.casefold():
            return True
    return False


def story_matches(story: Story, topic: Topic) -> bool:
    """True when some include phrase is in the story and no exclude phrase is."""
    if topic.include != (EVERYTHING,) and not any(_mentions(story, term) for term in topic.include):
        return False
    return not any(_mentions(story, term) for term in topic.exclude)


def matches_any(story: Story, topics: Iterable[Topic]) -> bool:
    """True when the story matches at least one of `topics`."""
    return any(story_matches(story, topic) for topic in topics)
