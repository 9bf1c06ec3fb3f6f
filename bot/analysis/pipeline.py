"""The analysis pipeline: one model load, `nlp.pipe` in batches, one `Analysis` per text."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc

from bot.analysis import actors, deadlines, summary
from bot.analysis.coarse_tags import replace_attribute_ruler
from bot.analysis.dates.spans import extract_dates
from bot.analysis.model import load_model
from bot.analysis.quotes.attribution import extract_quotes
from bot.analysis.quotes.marks import split_glued_marks
from bot.analysis.records import Analysis

# Components of en_core_web_sm that the analysis does not read (it never looks at lemmas: no lemmatizer).
UNUSED_COMPONENTS: list[str] = ["lemmatizer"]


@dataclass
class ArticleText:
    """What the analysis needs of an article."""

    text: str
    published: date | None = None
    title: str | None = None


def load_pipeline(model_name: str) -> Language:
    """The spaCy pipeline diplobot runs, loaded once per process: the model without the components the
    analysis never reads, `pos_` set by array rules instead of the slower attribute_ruler, and a quotation mark
    glued between punctuation and a word split off ('…,”Clinton said')."""
    nlp = split_glued_marks(replace_attribute_ruler(load_model(model_name, disable=UNUSED_COMPONENTS)))
    summary.load_summarizers()
    return nlp


def analyze_doc(doc: Doc, published: date | None) -> Analysis:
    """Every field of the analyze contract for one parsed article."""
    found_actors = actors.extract_actors(doc)
    found_quotes = extract_quotes(doc, found_actors)
    found_dates = extract_dates(doc, published)
    found_deadlines = deadlines.extract_deadlines(doc, found_dates, found_actors, published)
    sentences = summary.summarize(doc, found_actors, found_quotes, found_deadlines, count=3)
    return Analysis(
        actors=found_actors,
        quotes=found_quotes,
        dates=found_dates,
        deadlines=found_deadlines,
        summary=sentences,
    )


def analyze_texts(nlp: Language, articles: Iterable[ArticleText], batch_size: int = 16) -> Iterator[Analysis]:
    """Analyses in input order, streaming through `nlp.pipe`."""
    stream = ((a.text, a) for a in articles)
    for doc, article in nlp.pipe(stream, as_tuples=True, batch_size=batch_size):
        yield analyze_doc(doc, article.published)
