"""Deadlines: dates or conditions that something must happen by."""

from __future__ import annotations

from datetime import date

from bot.analysis.records import Actor, DateMention, Deadline


def extract_deadlines(doc, found_dates: list[DateMention], actors: list[Actor], published: date | None) -> list[Deadline]:  # noqa: ANN001,E501
    return []
