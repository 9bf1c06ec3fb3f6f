"""Quotes and who said them."""

from __future__ import annotations

from bot.analysis.records import Actor, Quote


def extract_quotes(doc, actors: list[Actor]) -> list[Quote]:  # noqa: ANN001 - spacy Doc
    return []
