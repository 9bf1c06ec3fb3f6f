"""sumy documents built from a spaCy `Doc`, so sumy never needs NLTK's downloadable punkt data."""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Span
from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence

_WORD = re.compile(r"^[^\W\d_](?:[^\W\d_]|['-])*$")
_FALLBACK_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_FALLBACK_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['-])*")


class SpacyTokenizer:
    """A sumy-compatible tokenizer (`to_sentences`, `to_words`) answering from spaCy's own analysis.

    Texts it was not built from fall back to a plain regular-expression split, never to NLTK.
    """

    language = "english"

    def __init__(self, sentences: Sequence[str] = (), words: dict[str, list[str]] | None = None) -> None:
        self._sentences = list(sentences)
        self._words = dict(words or {})

    @classmethod
    def from_units(cls, units: Sequence[Span]) -> SpacyTokenizer:
        """A tokenizer that knows the sentences and words of `units` (spaCy spans)."""
        texts = [unit.text.strip() for unit in units]
        words = {text: [t.text for t in unit if _WORD.match(t.text)] for text, unit in zip(texts, units, strict=True)}
        return cls(texts, words)

    def to_sentences(self, paragraph: str) -> list[str]:
        """Sentences of `paragraph`: the spaCy ones when it is the text this tokenizer was built from."""
        known = [s for s in self._sentences if s and s in paragraph]
        if known and len(" ".join(known)) >= 0.9 * len(paragraph.strip()):
            return known
        return [s.strip() for s in _FALLBACK_SENTENCE.split(paragraph) if s.strip()]

    def to_words(self, sentence: str) -> list[str]:
        """Alphabetic words of `sentence` (punctuation and numbers dropped, as sumy's own tokenizer does)."""
        if sentence in self._words:
            return list(self._words[sentence])
        return _FALLBACK_WORD.findall(sentence)


def sumy_document(units: Sequence[Span], tokenizer: SpacyTokenizer | None = None) -> ObjectDocumentModel:
    """A one-paragraph sumy document whose sentences are the given spaCy spans, in order."""
    tokenizer = tokenizer or SpacyTokenizer.from_units(units)
    sentences = [Sentence(unit.text.strip(), tokenizer) for unit in units]
    return ObjectDocumentModel([Paragraph(sentences)])
