"""Extractive summaries: sumy centrality over spaCy sentences, weighed with news position and the article's facts.

A sentence's score mixes where it stands (news puts the key facts first), how central it is (sumy LexRank
over the article's own sentences), whether it carries what the analysis found (main actors, quotes,
deadlines) and whether it is a full sentence rather than a fragment. Sentences are then chosen greedily, skipping any that repeat a chosen one,
and returned whole, in article order. A first sentence that opens with a pronoun is avoided when possible.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, cast

import numpy
from spacy.tokens import Doc, Span

from bot.analysis.records import Actor, Deadline, Quote
from bot.analysis.sumy_tokenizer import SpacyTokenizer, sumy_document

# Slack refuses a section text above 3,000 characters; leave room for the story title and links.
MAX_SUMMARY_CHARS = 2400
MIN_WORDS = 5
DANGLING_OPENERS = {"he", "she", "they", "it", "this", "these", "those", "his", "her", "their", "its", "that",
                    "him", "them", "such", "but", "and", "also", "however", "meanwhile", "still"}
REDUNDANCY_LIMIT = 0.55
UNFIT_SCORE = -1e9
# LexRank compares every pair of sentences; past the first few dozen the position prior leaves them no chance.
MAX_UNITS = 30
# Distinct words whose stems are kept (a few MB; news vocabulary repeats from article to article).
STEM_CACHE_WORDS = 50_000
# A one-sentence gist needs the sentence that stands for the whole article, so centrality weighs more there
# (REALSumm dev, ROUGE-1: 32.7 against 31.3 with the three-sentence mix and 30.2 for the first sentence;
# 1.5 scores 34.1 but starts to pass over a plain news lead).
CENTRALITY_WEIGHT = 0.5
GIST_CENTRALITY_WEIGHT = 1.0
# What a reader never wants in a summary (issue #11): a dateline or wire credit before the first sentence, an
# anchor's greeting, a photo caption or credit, a "Click here" line.
DATELINE = re.compile(
    r"^\s*(?:\((?:cnn|ap|reuters|afp)\)\s*(?:--|—|–|-|_)?\s*"
    r"|[A-Z][A-Za-z.\-' ]{1,40}(?:,\s*[A-Z][A-Za-z.\-' ]{1,30})?\s*\((?:AP|Reuters|AFP|CNN|UPI|dpa)\)\s*(?:--|—|–|-|_|:)\s*"
    r"|[A-Z][A-Z.\-' ]{2,40}(?:,\s*[A-Z][A-Za-z.\-' ]{1,30})?\s*(?:--|—|–|_|:)\s*)", re.IGNORECASE)
_UPPER_DATELINE = re.compile(r"^\s*[A-Z][A-Z.\-' ]{2,40}(?:,\s*[A-Z][A-Za-z.\-' ]{1,30})?\s*(?:--|—|–|_|:)\s*")
GREETING = re.compile(r"^\W*(?:good (?:morning|afternoon|evening)\b|welcome (?:back )?to\b|hello,? (?:and|i'?m)\b|"
                      r"i'?m [\w .'-]{2,40}(?:,| and) (?:this is|welcome)|this is [\w .'-]{2,40} reporting\b|"
                      r"[\w ]{0,20}headline news,? i'?m\b|thanks? (?:you )?for (?:joining|watching)\b)", re.IGNORECASE)
# "(pictured)" inside a sentence is a pointer to a photo, not a caption: it is cut from the sentence.
INLINE_PHOTO = re.compile(r"\s*\((?:pictured|pictured left|pictured right|left|right|above|below|centre|center|"
                          r"top|bottom|file photo|inset)\)", re.IGNORECASE)
CAPTION = re.compile(r"^\W*(?:photo|picture|image|video|credit|caption|file photo)s?\s*(?::|by\b)|"
                     r"\b(?:getty images|reuters/|ap photo|afp photo|photo credit|click here|scroll down|"
                     r"read more:|watch the video|sign up for)\b", re.IGNORECASE)


# A photo caption's label: a few words and a colon before a sentence that is no quotation ("Chaos: a video
# posted on Facebook shows ...", "Walking together: the mayor (right) and ..."). A speech verb before the colon
# introduces what was said ("He added: the talks ...") and a verb makes a clause of it ("The message was clear:
# Washington will not back down"): neither is a label.
CAPTION_LABEL = re.compile(r"^\W*([A-Za-z][\w'’.-]*(?: [\w'’.-]+){0,4}):\s+(?![\"'‘“])\S")
SPEECH_WORDS = frozenset({"said", "says", "say", "added", "adds", "told", "tells", "wrote", "writes", "stated", "states",
                          "explained", "explains", "asked", "asks", "replied", "warned", "warns", "declared",
                          "announced", "insisted", "insists", "argued", "argues", "noted", "notes", "continued"})
CLAUSE_WORDS = frozenset({"is", "was", "are", "were", "be", "been", "has", "have", "had", "will", "would", "can",
                          "could", "should", "may", "might", "must", "do", "does", "did", "i", "we", "he", "she",
                          "they", "it", "you"})


def caption_label(text: str) -> str | None:
    """The label of a photo caption that opens `text` ('Chaos' in 'Chaos: a video posted ...'), or None.

    A label in capitals is a dateline ('WASHINGTON: ...'), not a caption."""
    match = CAPTION_LABEL.match(text)
    if match is None:
        return None
    label = match.group(1)
    words = label.lower().split()
    if label.isupper() or SPEECH_WORDS.intersection(words) or CLAUSE_WORDS.intersection(words):
        return None
    return label


def without_dateline(text: str) -> str:
    """The sentence without a leading dateline or wire credit ('DAR ES SALAAM, Tanzania (AP) _ Police…' → 'Police…').
    An all-capitals place needs a dash after it, so a sentence that starts with a capitalised word stays whole."""
    match = DATELINE.match(text)
    if match is None:
        return text
    if not re.search(r"\((?:cnn|ap|reuters|afp|upi|dpa)\)", match.group(0), re.IGNORECASE) and not _UPPER_DATELINE.match(
            text):
        return text
    rest = text[match.end():].lstrip()
    return rest[:1].upper() + rest[1:]  # empty when the dateline stands alone


def shown_sentence(text: str) -> str:
    """A chosen sentence as a reader sees it: no dateline in front, no '(pictured)' inside."""
    return INLINE_PHOTO.sub("", without_dateline(text.strip()))


def unfit_sentence(text: str) -> str | None:
    """Why a sentence should not stand in a summary ('dateline', 'greeting', 'caption', 'fragment'), or None.

    A fragment is a piece of a sentence: it starts in lower case after a quote mark or with a closing one, or it
    leaves a quotation open or closes one it never opened."""
    stripped = text.strip()
    if not stripped:
        return "fragment"
    if without_dateline(stripped) != stripped:
        return "dateline"
    if GREETING.search(stripped):
        return "greeting"
    if CAPTION.search(stripped) or caption_label(stripped):
        return "caption"
    if stripped[0] in "\u201d\u2019,;:)]" or re.match(r"^['\"]\s", stripped):
        return "fragment"
    curly_open, curly_close = stripped.count("\u201c"), stripped.count("\u201d")
    if curly_open != curly_close or (not curly_open and stripped.count('"') % 2):
        return "fragment"
    return None


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
    fit = [_fit(u) for u in units]
    if not any(fit) or count <= 0:
        return []
    if sum(fit) <= count:
        return [shown_sentence(u.text) for u, ok in zip(units, fit, strict=True) if ok]
    if centrality_weight is None:
        centrality_weight = GIST_CENTRALITY_WEIGHT if count == 1 else CENTRALITY_WEIGHT
    central = centrality(units, method)
    facts = fact_scores(units, actors, quotes, deadlines)
    scores = [
        position_weight * position_prior(i, position_decay) + centrality_weight * central[i]
        + facts_weight * facts[i] + length_weight * length_prior(units[i])
        if fit[i] else UNFIT_SCORE  # scored with the others (centrality is over the whole article), never chosen
        for i in range(len(units))
    ]
    chosen = [i for i in choose(units, scores, count) if fit[i]]
    return [shown_sentence(units[i].text) for i in chosen]


def _fit(unit: Span) -> bool:
    """A unit that can stand in a summary: no greeting, caption or broken quote (a dateline is cut off the sentence
    it opens, not a reason to drop it)."""
    problem = unfit_sentence(unit.text)
    if problem == "dateline":
        rest = without_dateline(unit.text.strip())
        return len(rest.split()) >= MIN_WORDS and unfit_sentence(rest) is None
    return problem is None


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

    class LexRank(LexRankSummarizer):  # type: ignore[misc]  # sumy has no type information
        """sumy's LexRank, with each sentence's words and vector length worked out once per document.

        LexRank compares every pair of sentences by idf-modified cosine (Erkan and Radev 2004); sumy recomputes
        both vectors' lengths for every pair and compares each pair twice. The same sums are made here in the
        same order, so the similarities are the same to the last bit.
        """

        def __call__(self, document: Any, sentences_count: Any) -> Any:
            self._vectors: dict[int, tuple[Any, frozenset[str], float]] = {}
            try:
                return super().__call__(document, sentences_count)
            finally:
                self._vectors = {}

        def _vector(self, words: list[str], tf: dict[str, float],
                    idf: dict[str, float]) -> tuple[frozenset[str], float]:
            known = self._vectors.get(id(tf))
            if known is None or known[0] is not tf:
                unique = frozenset(words)
                known = (tf, unique, sum((tf[t] * idf[t]) ** 2 for t in unique))
                self._vectors[id(tf)] = known
            return known[1], known[2]

        def _create_matrix(self, sentences: list[list[str]], threshold: float, tf_metrics: list[dict[str, float]],
                           idf_metrics: dict[str, float]) -> Any:
            """Which sentences are alike (similarity above `threshold`), each row divided by its count: a pair
            is compared once (the similarity is symmetric) and the rows are divided in one array operation."""
            count = len(sentences)
            alike = numpy.zeros((count, count))
            for row in range(count):
                for col in range(row, count):
                    if self.cosine_similarity(sentences[row], sentences[col], tf_metrics[row], tf_metrics[col],
                                              idf_metrics) > threshold:
                        alike[row, col] = alike[col, row] = 1.0
            degrees = alike.sum(axis=1)
            degrees[degrees == 0] = 1
            return alike / degrees[:, None]

        def cosine_similarity(self, sentence1: list[str], sentence2: list[str], tf1: dict[str, float],
                              tf2: dict[str, float], idf_metrics: dict[str, float]) -> float:
            words1, squares1 = self._vector(sentence1, tf1, idf_metrics)
            words2, squares2 = self._vector(sentence2, tf2, idf_metrics)
            if squares1 <= 0 or squares2 <= 0:
                return 0.0
            numerator = 0.0
            for term in words1 & words2:
                numerator += tf1[term] * tf2[term] * idf_metrics[term] ** 2
            return numerator / (math.sqrt(squares1) * math.sqrt(squares2))

    kinds = {"lexrank": LexRank, "textrank": TextRankSummarizer}
    if method not in kinds:
        raise ValueError(f"unknown summary method {method!r}: use one of {sorted(kinds)}")
    # A word's stem never changes: the Snowball stemmer, a third of sumy's time, runs once per distinct word.
    summarizer = kinds[method](lru_cache(maxsize=STEM_CACHE_WORDS)(Stemmer("english")))
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
