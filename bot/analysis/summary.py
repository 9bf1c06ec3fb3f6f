"""Extractive summaries: sumy centrality over spaCy sentences, weighed with news position and the article's facts.

A sentence's score mixes where it stands (news puts the key facts first), how central it is (sumy LexRank
over the article's own sentences), whether it carries what the analysis found (main actors, quotes,
deadlines) and whether it is a full sentence rather than a fragment. Sentences are then chosen greedily, skipping any that repeat a chosen one,
and returned whole, in article order. A first sentence that opens with a pronoun is avoided when possible.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, cast

from spacy.tokens import Doc, Span

from bot.analysis.records import Actor, Deadline, Quote
from bot.analysis.sumy_tokenizer import SpacyTokenizer, sumy_document

# Slack refuses a section text above 3,000 characters; leave room for the story title and links.
MAX_SUMMARY_CHARS = 2400
MIN_WORDS = 5
DANGLING_OPENERS = {"he", "she", "they", "it", "this", "these", "those", "his", "her", "their", "its", "that",
                    "him", "them", "such", "but", "and", "also", "however", "meanwhile", "still"}
REDUNDANCY_LIMIT = 0.55
# LexRank compares every pair of sentences; past the first few dozen the position prior leaves them no chance.
MAX_UNITS = 30
# A one-sentence gist needs the sentence that stands for the whole article, so centrality weighs more there
# (REALSumm dev, ROUGE-1: 32.7 against 31.3 with the three-sentence mix and 30.2 for the first sentence;
# 1.5 scores 34.1 but starts to pass over a plain news lead).
CENTRALITY_WEIGHT = 0.5
GIST_CENTRALITY_WEIGHT = 1.0
# A sumy summarizer called with a document and a picker of rated sentences (sumy has no type information).
Summarizer = Callable[[Any, Callable[[list[Any]], list[Any]]], object]


def summarize(
    doc: Doc,
    actors: list[Actor],
    quotes: list[Quote],
    deadlines: list[Deadline],
    count: int = 3,
    *,
    position_weight: float = 1.0,
    centrality_weight: float | None = None,
    facts_weight: float = 0.15,
    position_decay: float = 0.5,
    length_weight: float = 0.4,
    method: str = "lexrank",
) -> list[str]:
    """`count` whole sentences of `doc` that summarise it (1 gives a one-sentence gist).

    Args:
        doc: the parsed article.
        actors, quotes, deadlines: what the analysis found; sentences carrying them are preferred.
        count: how many sentences to return.
        position_weight, centrality_weight, facts_weight, length_weight: the mix of the scores (tuned on
            REALSumm dev: position 1.0, centrality 0.5 (1.0 for a one-sentence gist), facts 0.15, length 0.4).
        position_decay: how fast the position prior falls (1 / (1 + index) ** decay).
        method: sumy's centrality, lexrank or textrank.
    """
    units = sentence_units(doc)[:MAX_UNITS]
    if not units or count <= 0:
        return []
    if len(units) <= count:
        return [u.text.strip() for u in units]
    if centrality_weight is None:
        centrality_weight = GIST_CENTRALITY_WEIGHT if count == 1 else CENTRALITY_WEIGHT
    central = centrality(units, method)
    facts = fact_scores(units, actors, quotes, deadlines)
    scores = [
        position_weight * position_prior(i, position_decay) + centrality_weight * central[i]
        + facts_weight * facts[i] + length_weight * length_prior(units[i])
        for i in range(len(units))
    ]
    chosen = choose(units, scores, count)
    return [units[i].text.strip() for i in chosen]


def sentence_units(doc: Doc) -> list[Span]:
    """spaCy sentences, further split at line breaks, without fragments too short to stand alone."""
    units: list[Span] = []
    for sent in doc.sents:
        start = sent.start
        for token in sent:
            if "\n" in token.text and token.is_space:
                if token.i > start:
                    units.append(doc[start:token.i])
                start = token.i + 1
        if start < sent.end:
            units.append(doc[start:sent.end])
    return [u for u in units if sum(1 for t in u if t.is_alpha) >= MIN_WORDS]


def position_prior(index: int, decay: float = 0.5) -> float:
    """News puts the key facts first: 1.0 for the lead, falling off with depth."""
    return 1.0 / float((1.0 + index) ** decay)


def length_prior(unit: Span) -> float:
    """0..1: short fragments carry little; sentences of 20 or more words count fully."""
    words = sum(1 for t in unit if t.is_alpha)
    return min(words, 20) / 20.0


def centrality(units: Sequence[Span], method: str = "lexrank") -> list[float]:
    """sumy's rating of every unit, scaled so the most central is 1.0."""
    ratings = rate_sentences(units, method)
    top = max(ratings) if ratings else 0.0
    return [r / top if top > 0 else 0.0 for r in ratings]


def rate_sentences(units: Sequence[Span], method: str = "lexrank") -> list[float]:
    """sumy's raw rating of each unit, in order (`method`: lexrank or textrank)."""
    document = sumy_document(units, SpacyTokenizer.from_units(units))
    summarizer = _summarizer(method)
    ratings: dict[int, float] = {}

    def keep_all(infos: list[Any]) -> list[Any]:
        ratings.update({info.order: float(info.rating) for info in infos})
        return infos

    summarizer(document, keep_all)
    return [ratings.get(i, 0.0) for i in range(len(units))]


def load_summarizers() -> None:
    """Import sumy (which imports NLTK, about a second) when the model loads, not inside the first article."""
    for method in ("lexrank", "textrank"):
        _summarizer(method)


@lru_cache(maxsize=2)
def _summarizer(method: str) -> Summarizer:
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    kinds = {"lexrank": LexRankSummarizer, "textrank": TextRankSummarizer}
    if method not in kinds:
        raise ValueError(f"unknown summary method {method!r}: use one of {sorted(kinds)}")
    summarizer = kinds[method](Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    return cast(Summarizer, summarizer)


def fact_scores(
    units: Sequence[Span], actors: list[Actor], quotes: list[Quote], deadlines: list[Deadline]
) -> list[float]:
    """0..1 per unit: how much of what the analysis found (main actors, quotes, deadlines) it carries."""
    main = [a for a in sorted(actors, key=lambda a: -a.mentions)[:3] if a.mentions >= 2]
    names = [{n.lower() for n in [a.name, *a.aliases] if n} for a in main]
    spans = [(q.start, q.end) for q in quotes] + [(d.start, d.end) for d in deadlines]
    scores: list[float] = []
    for unit in units:
        text = unit.text.lower()
        actor_hits = sum(1 for variants in names if any(v in text for v in variants))
        has_fact = any(s < unit.end_char and unit.start_char < e for s, e in spans)
        score = (actor_hits / len(names) if names else 0.0) * 0.6 + (0.4 if has_fact else 0.0)
        scores.append(score)
    return scores


def _words(unit: Span) -> set[str]:
    return {t.lower_ for t in unit if t.is_alpha and not t.is_stop}


def _overlap(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _dangling(unit: Span) -> bool:
    first = next((t for t in unit if not t.is_punct and not t.is_space), None)
    return first is not None and first.lower_ in DANGLING_OPENERS


def choose(units: Sequence[Span], scores: list[float], count: int) -> list[int]:
    """Indices of the best units, skipping repeats and over-long ones, in article order.

    A unit opening with a pronoun ("He said…") is not left first: it gives way to the best unit that does not.
    """
    order = sorted(range(len(units)), key=lambda i: -scores[i])
    words = [_words(u) for u in units]
    chosen: list[int] = []
    total = 0
    for i in order:
        if len(chosen) == count:
            break
        length = len(units[i].text)
        if total + length > MAX_SUMMARY_CHARS:
            continue
        if any(_overlap(words[i], words[j]) > REDUNDANCY_LIMIT for j in chosen):
            continue
        chosen.append(i)
        total += length
    chosen.sort()
    while chosen and _dangling(units[chosen[0]]):
        first = chosen[0]
        replacement = next((j for j in order if j not in chosen and not _dangling(units[j])
                            and total - len(units[first].text) + len(units[j].text) <= MAX_SUMMARY_CHARS), None)
        if replacement is None:
            break
        total += len(units[replacement].text) - len(units[first].text)
        chosen = sorted([*chosen[1:], replacement])
    return chosen
