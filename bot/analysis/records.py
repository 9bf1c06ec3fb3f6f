"""Plain records the analysis produces; `diplobot analyze` serialises them as they are."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Actor:
    name: str
    kind: str  # person | organization | country | place | group
    mentions: int = 1
    aliases: list[str] = field(default_factory=list)
    role: str | None = None


@dataclass
class Quote:
    text: str
    start: int
    end: int
    direct: bool = True
    speaker: str | None = None
    speaker_text: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None


@dataclass
class DateMention:
    text: str
    start: int
    end: int
    value: str | None


@dataclass
class Deadline:
    text: str
    start: int
    end: int
    due: str | None
    kind: str  # date | duration | condition
    action: str | None = None
    actor: str | None = None  # the party that must act (for whom the deadline is)
    setter: str | None = None  # the party that set it: "gave", "ordered", "demanded", or its own pledge


@dataclass
class Analysis:
    actors: list[Actor] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)

    def to_json(self, article_id: Any) -> dict[str, Any]:
        """The analyze contract's output line for one article."""
        return {"id": article_id, **asdict(self)}
