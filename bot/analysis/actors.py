"""Actors: people, organizations, countries, places and groups, each with one canonical name."""

from __future__ import annotations

from bot.analysis.records import Actor


def extract_actors(doc) -> list[Actor]:  # noqa: ANN001 - spacy Doc
    return []
