"""Temporal expressions with TIMEX3 values resolved against the published date."""

from __future__ import annotations

from datetime import date

from bot.analysis.records import DateMention


def extract_dates(doc, published: date | None) -> list[DateMention]:  # noqa: ANN001 - spacy Doc
    return []
