"""Which story an analysed article joins: the event model.

Pure: records in, a story id (or None) out (`bot.app.stories` reads the records and saves the choice).

A story is one event. It keeps a running state (`StoryState`): the summed word weights of its articles (its
centroid), how many of its articles name each participant, place and number (its *marks*), and when its first
and latest articles appeared. An article joins the story whose state it is most like:

- its words against the story's articles: the mean cosine of its TF-IDF vector (title words counted twice) with
  theirs, read off the sum of their unit vectors that the state keeps (a story whose articles say different
  things scores lower than one whose articles agree, where a centroid would hide it); the document frequencies
  (`TermStats`, counted in the database) make "talks" or "minister" count for little and "Essequibo" or
  "transshipment" for much;
- its marks against the story's marks: the people, organisations and places it names, the numbers it states
  (a death toll, a magnitude, a score, "86th") and the years of the dates it mentions. Two look-alike events
  (another earthquake, another rehab stay, another round of talks) share their words but not these, so a
  story's marks the article lacks and the article's marks the story lacks both count against it, and the cosine
  of the two sets of marks (IDF-weighted) counts for it; and a person or place the article is about (named in
  its title or opening and at least `PROMINENT_MENTIONS` times in all) that none or few (`Rules.newcomer_share`)
  of the story's articles name, not even by surname, counts against it, the more so the more articles the story has: a story told a dozen
  times has met its event's people and places, so a new one at the head of an article is usually another
  event's (another boxer's opponent, another player put on injured reserve, another warship's boarding); and an
  article whose naming goes mostly to a person or place that none of a long story's articles made salient, while
  the story's own most salient name is marginal in it (`salience`, `Scorer.outsider`), costs too;
- the incident's details: the toll (dead, hurt, held, missing) and the sums of money its opening states against
  the story's (`incident_details`): another quake on the same island with ten dead where the story's reports
  counted five hurt, another heist in the same street for $108m where they said €2m, costs `Rules.detail_weight`
  (a toll may rise fourfold and a sum be told in another currency without cost);
- time: a story stays open while it keeps receiving articles; an article further than `Rules.window` from
  every article of a story is not compared with it, and each day beyond `Rules.hours_free` costs a little.

Updates, follow-ups and copies from the same feed join like any other telling: there is no rule about sources.

Speed: `StoryIndex` holds the open stories' states and an inverted index from terms and marks to stories, so
a new article is compared only with the stories that share one of its rarest words or one of its marks, and
never with their articles one by one.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import lru_cache

from bot.domain.stories import LeadCandidate, StoryState

MARK_PREFIX = "mark:"  # marks share the frequency table with words, under this prefix
ACTOR_PREFIX = MARK_PREFIX  # (the name earlier versions gave the prefix)
TITLE_WEIGHT = 2
MAX_TERM_LENGTH = 60

_WORD = re.compile(r"[a-z0-9]+(?:[-'’][a-z0-9]+)*")
# English function words: they say nothing about which event an article tells. Our own list, so that grouping
# does not have to import spaCy.
STOP_WORDS = frozenset(
    """
    a about above across after afterwards again against all almost alone along already also although always am
    among amongst an and another any anyone anything anyway anywhere are around as at be became because become
    becomes been before beforehand behind being below beside besides between beyond both but by can cannot could
    did do does doing done down during each either else elsewhere enough even ever every everyone everything
    everywhere except few for former formerly from further had has have having he hence her here hereafter
    hereby herein hers herself him himself his how however i if in indeed into is it its itself just least less
    made make many may me meanwhile might mine more moreover most mostly much must my myself neither never
    nevertheless next no nobody none noone nor not nothing now nowhere of off often on once only onto or other
    others otherwise our ours ourselves out over own per perhaps please put quite rather re really same see seem
    seemed seeming seems several she should show side since so some somehow someone something sometime sometimes
    somewhere still such than that the their theirs them themselves then thence there thereafter thereby
    therefore therein thereupon these they this those though through throughout thru thus to together too
    toward towards under until up upon us used using various very via was we well were what whatever when
    whence whenever where whereafter whereas whereby wherein whereupon wherever whether which while whither who
    whoever whole whom whose why will with within without would yet you your yours yourself yourselves
    n't 's 'd 'll 'm 're 've
    """.split()
)
# Words every news report uses whatever it tells: as common as stop words once a few hundred articles are in.
_NEWS_WORDS = frozenset(
    {
        "said", "say", "says", "told", "added", "according", "reporter", "reported", "statement",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "week", "today",
        "yesterday", "tomorrow", "year", "month", "day", "time", "new", "mr", "ms", "dr", "also", "would",
        "could", "one", "two", "first", "last",
    }
)
# A number as written in running text: "26", "6.1", "1,000", "86th", "2008".
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:st|nd|rd|th)?(?![\w])")
# Numbers below this say little about an event ("two", "3 p.m.", list items): they are not marks.
MIN_MARK_NUMBER = 10
# The opening that says what an article is about, beside its title.
LEAD_CHARS = 400
# A person named in the title or opening is what the article is about when its text names them this often.
PROMINENT_MENTIONS = 3
# Salience: how much of an article's naming goes to each person or place. Every mention of a person, place or
# organisation counts one; a name in the title counts `SALIENCE_TITLE` more, one in the opening `SALIENCE_OPENING`
# more (so title x3, opening x2, body x1); a person's or place's share is its count over the article's total.
# Shares under `SALIENCE_FLOOR` are not kept (the name is there in passing), and a story keeps the summed shares of
# its `SALIENCE_KEEP` most salient names.
SALIENCE_TITLE = 3
SALIENCE_OPENING = 1
SALIENCE_FLOOR = 0.05
SALIENCE_KEEP = 40
_YEAR = re.compile(r"^(\d{4})(?:$|-)")

# --- incident details: the toll and the sum an opening states ----------------------------------------------
# Two look-alike events (another quake on the same island, another jewel heist in the same city) are told in the
# same words; what their reports agree on is a detail of the incident: ten dead or five hurt, €2m or $108m.
_COUNT_WORDS = {word: n for n, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_COUNT_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
                     "hundred": 100, "dozen": 12, "dozens": 24, "hundreds": 200, "thousands": 2000})
_COUNT = (r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|"
          + "|".join(sorted(_COUNT_WORDS, key=len, reverse=True)) + ")")
_ABOUT = (r"(?:(?:at least|about|some|more than|nearly|almost|up to|over|as many as|around|roughly|an estimated) )?")
# The toll's kinds: the word that states it, and what it counts.
_TOLL_KINDS = {
    "killed": "dead", "kill": "dead", "kills": "dead", "killing": "dead", "dead": "dead", "died": "dead",
    "injured": "hurt", "injuring": "hurt", "injures": "hurt", "hurt": "hurt", "hurting": "hurt",
    "wounded": "hurt", "wounding": "hurt", "arrested": "held", "arresting": "held", "detained": "held",
    "detaining": "held", "missing": "missing",
}
_TOLLS = ("dead", "hurt", "held", "missing")
# "killing at least 10", "injured five": a verb, then the count (not of percent, years, miles or games, nor a time
# of day: "arrested around 1:30 a.m.").
_TOLL_VERBS = [word for word in _TOLL_KINDS if word not in ("dead", "missing")]
_TOLL_VERB_FIRST = re.compile(
    r"\b(?P<kind>" + "|".join(sorted(_TOLL_VERBS, key=len, reverse=True)) + ") " + _ABOUT
    + r"(?P<n>" + _COUNT + r")\b(?![:.]\d| ?[ap]\.?m\b| o'clock| (?:percent|per cent|%|years?|months?|weeks?|days?|"
    r"hours?|minutes?|miles?|km|kilomet|times|games?|matches|seasons?)\b)", re.I)
# "10 people were killed", "two villagers slightly injured", "five hurt": the count, then a participle (not "the
# December 6 killing").
_TOLL_PARTICIPLES = [word for word in _TOLL_KINDS if word == "missing" or not word.endswith(("ing", "kill", "kills"))]
_TOLL_WORD = "(?P<kind>" + "|".join(sorted(_TOLL_PARTICIPLES, key=len, reverse=True)) + ")"
_TOLL_COUNT_FIRST = re.compile(
    r"(?<!\bno )(?<!\bno-)(?<!\bnot )\b(?P<n>" + _COUNT + r")(?:[- ](?:people|persons|civilians|villagers|soldiers|"
    r"policemen|officers|children|workers|students|passengers|residents|men|women|others|more|suspects|miners|"
    r"tourists))?"
    r"(?: (?:were|are|have been|had been|was|is|reportedly|slightly|seriously|critically|badly|also|now))* "
    + _TOLL_WORD + r"\b", re.I)
_DEATH_TOLL = re.compile(r"\bdeath toll (?:\w+ ){0,2}?(?:to|of|at|reached) " + _ABOUT + r"(?P<n>" + _COUNT + r")\b",
                         re.I)
_SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "mln": 1e6, "m": 1e6, "mm": 1e6,
           "billion": 1e9, "bn": 1e9, "b": 1e9}
# A sum in dollars, euros or pounds, in dollars at a rough rate: the same sum in two currencies stays within
# `Rules.detail_ratio` of itself.
_CURRENCIES = {"$": 1.0, "us$": 1.0, "dollar": 1.0, "dollars": 1.0, "€": 1.3, "euro": 1.3, "euros": 1.3,
               "£": 1.5, "pound": 1.5, "pounds": 1.5}
_AMOUNT = r"(?P<n>\d{1,3}(?:,\d{3})+|\d+(?:\.\s?\d+)?)"
_SCALE = r"(?P<scale>million|billion|thousand|mn|mln|bn|mm|m|b|k)"
_MONEY_SIGN_FIRST = re.compile(r"(?P<cur>US\$|\$|€|£)\s?" + _AMOUNT + r"(?:[- ]?" + _SCALE + r"\b)?", re.I)
_MONEY_WORD_AFTER = re.compile(
    r"\b(?P<n>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|" + "|".join(w for w in _COUNT_WORDS) + r")(?:[- ]?"
    + _SCALE + r")?[- ](?P<cur>euros?|dollars?|pounds?)\b", re.I)
MIN_SUM = 1000  # smaller sums (a fine, a ticket) do not tell one incident from another
# A sum by the year, the month or the share is a rate or a price, not what the incident is worth.
_RATE_AFTER = re.compile(r"\W{0,3}(?:a|per|an|each)\s(?:year|month|week|day|season|share|head)\b|\W{0,3}annually\b", re.I)
_RATE_BEFORE = re.compile(r"\b(?:annual|yearly|monthly|weekly|average)\b(?:\W+\w+){0,6}\W*$", re.I)


def _count(text: str) -> float | None:
    text = text.casefold().replace(",", "").replace(" ", "")
    if text in _COUNT_WORDS:
        return float(_COUNT_WORDS[text])
    try:
        return float(text)
    except ValueError:
        return None


def incident_details(text: str) -> frozenset[str]:
    """The toll and the sums that `text` (an article's title and opening) states, each as kind and value:
    "dead:10", "hurt:5", "held:23", "missing:3" (people killed, hurt, arrested, missing) and "usd:2.6e+06" (a sum of
    money in dollars, euros or pounds, in dollars at a rough rate, two significant digits)."""
    found = set()
    tolls = [*_TOLL_VERB_FIRST.finditer(text), *_TOLL_COUNT_FIRST.finditer(text)]
    for match in tolls:
        n = _count(match.group("n"))
        if n is not None and 0 < n < 1900 and n == int(n):
            found.add(f"{_TOLL_KINDS[match.group('kind').casefold()]}:{int(n)}")
    for match in _DEATH_TOLL.finditer(text):
        n = _count(match.group("n"))
        if n is not None and 0 < n < 1900 and n == int(n):
            found.add(f"dead:{int(n)}")
    for pattern in (_MONEY_SIGN_FIRST, _MONEY_WORD_AFTER):
        for match in pattern.finditer(text):
            n = _count(match.group("n"))
            if (n is None or _RATE_AFTER.match(text, match.end())
                    or _RATE_BEFORE.search(text, max(0, match.start() - 60), match.start())):
                continue
            value = n * _SCALES.get((match.group("scale") or "").casefold(), 1.0) * _CURRENCIES[match.group("cur").casefold()]
            if value >= MIN_SUM:
                found.add(f"usd:{value:.2g}")
    return frozenset(found)


def _detail(detail: str) -> tuple[str, float]:
    kind, _, value = detail.partition(":")
    return kind, float(value)



@dataclass(frozen=True)
class Rules:
    """The thresholds of grouping, tuned on ECB+ topics 1–35 with two-fold cross-validation (odd/even topics;
    `docs/architecture.md` gives the figures).

    Args:
        window: an article further than this from every article of a story is not compared with it; a story
            therefore stays open as long as it keeps receiving articles.
        min_score: the similarity an article needs with a story to join it.
        mark_weight: how much agreeing marks (participants, places, numbers, years) add to the word cosine.
        mark_cosine_weight: how much the cosine of the article's marks with the story's adds (`Scorer.marks_alike`).
        missing_weight: how much the story's usual marks that the article lacks take away.
        lead_weight, lead_share: how much it counts that the article and the story are about the same
            participants (see `Scorer.lead_agreement`); a story's lead mark is usual in `lead_share` of its articles.
        bonus_cap: agreeing marks add at most this many times the word similarity.
        hours_free: a gap of up to this many hours costs nothing ...
        penalty_per_day: ... beyond it, each further day lowers the score by this much.
        prior_documents: imagined documents added to the frequency table, so IDF is sane on a young database.
        warm_documents, cold_extra: while the table knows fewer than `warm_documents` articles its IDF cannot
            yet tell a rare word from a common one, so `min_score` is raised by up to `cold_extra`.
        candidate_terms: how many of an article's heaviest words look up candidate stories in the index.
        story_terms: how many of its heaviest words a story keeps in its state.
        newcomer_weight, newcomer_full, newcomer_share: an article about a person or place that at most
            `newcomer_share` of the story's articles name (see `Scorer.newcomer`) loses `newcomer_weight` times
            the story's articles over `newcomer_full` (at most once the weight); a story of one article costs
            nothing (it has not met its people yet).
        short_terms, short_weight: an article of fewer than `short_terms` distinct words (a brief, a teaser) gains
            up to `short_weight` times the share of its weight that the story's words carry (see `Scorer.brevity`).
        detail_weight, detail_ratio, detail_share: an article whose opening states a toll or a sum that at most
            `detail_share` of the story's openings stating one of its kind agree with (a sum within `detail_ratio`
            of it, a toll not `detail_ratio` times smaller), or dead where the story's openings only ever counted people hurt, loses `detail_weight` (see
            `Scorer.details_differ`).
        fold_margin, fold_small: stories that started apart come together: when an article joins its best story and
            another story also scores at least the threshold + `fold_margin` for it, that other story is folded into
            the one it joined (its articles move there), if the smaller of the two has at most `fold_small`
            articles and the incident details of the other's openings do not contradict the joined story's
            (`StoryIndex.folds`; chosen by five-fold cross-validation on ECB+ topics 1-35).
        salience_weight, salience_share, salience_top, salience_articles: an article about a person or place (at
            least `salience_share` of its naming, `salience`) that no article of a story of `salience_articles` or
            more made salient, while the story's most salient person or place has at most `salience_top` of the
            article's naming, loses `salience_weight` scaled as the newcomer cost (not both: the larger), see
            `Scorer.outsider`.
    """

    window: timedelta = timedelta(hours=48)
    min_score: float = 0.16
    mark_weight: float = 0.5
    missing_weight: float = 0.0
    lead_weight: float = 1.0
    lead_share: float = 0.25
    bonus_cap: float = 1.0
    hours_free: float = 12.0
    penalty_per_day: float = 0.05
    prior_documents: int = 20
    warm_documents: int = 50
    cold_extra: float = 0.1
    candidate_terms: int = 12
    story_terms: int = 400
    mark_cosine_weight: float = 0.5
    newcomer_weight: float = 0.6
    newcomer_full: int = 12
    newcomer_share: float = 0.2
    short_terms: int = 40
    short_weight: float = 0.1
    detail_weight: float = 0.4
    detail_ratio: float = 4.0
    detail_share: float = 0.2
    fold_margin: float = 0.2
    fold_small: int = 2
    salience_weight: float = 0.2
    salience_share: float = 0.15
    salience_top: float = 0.25
    salience_articles: int = 8

    def threshold(self, documents: int) -> float:
        """`min_score`, raised while the frequency table is young."""
        coldness = max(0.0, 1 - documents / self.warm_documents) if self.warm_documents else 0.0
        return self.min_score + self.cold_extra * coldness


DEFAULT_RULES = Rules()


@dataclass(frozen=True)
class ArticleFacts:
    """What grouping reads of an article: its words, its marks (participants, places, numbers, years), when it
    appeared and in which source (feed or outlet)."""

    key: Hashable
    published: datetime
    terms: Mapping[str, int]
    marks: frozenset[str] = frozenset()
    source: Hashable | None = None
    lead_marks: frozenset[str] = frozenset()
    lead_subjects: frozenset[str] = frozenset()  # the lead marks of the persons and places the article is about
    details: frozenset[str] = frozenset()  # the toll and the sums its title and opening state (`incident_details`)
    # The persons and places it is about: mark -> share of the article's naming (`salience`).
    salience: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, key: Hashable, title: str, text: str, published: datetime, actors: Iterable[str],
           source: Hashable | None = None, *, dates: Iterable[str | None] = (),
           aliases: Mapping[str, Sequence[str]] | None = None, people: Mapping[str, int] | None = None,
           places: Mapping[str, int] | None = None,
           organisations: Mapping[str, int] | None = None) -> ArticleFacts:
        """Facts of an article from its text, the canonical names of its actors (with the other names the text
        gives them; `people` and `places`: those of them that are persons and places (towns, regions, seas,
        venues, named vessels; not countries), with how often the text names each) and the TIMEX3 values of the
        dates it mentions."""
        names = [name for name in actors if name and name.strip()]
        marks = article_marks(title, text, names, dates)
        lead = lead_marks(title, text, names, aliases or {}) & marks
        subjects = {_who(name) for name, mentions in [*(people or {}).items(), *(places or {}).items()]
                    if name and name.strip() and mentions >= PROMINENT_MENTIONS}
        return cls(key, published, article_terms(title, text), marks, source, lead,
                   frozenset(mark for mark in lead if mark in subjects),
                   incident_details(title + "\n" + text[:LEAD_CHARS]),
                   salience(title, text, {**(places or {}), **(people or {})}, organisations or {}, aliases or {}))


@dataclass(frozen=True)
class TermStats:
    """Document frequencies: in how many of `documents` articles each word (or `mark:`) appears."""

    documents: int = 0
    frequencies: Mapping[str, int] = field(default_factory=dict)

    def idf(self, term: str, prior: int) -> float:
        return math.log((self.documents + prior) / (self.frequencies.get(term, 0) + 1))

    def counting(self, article: ArticleFacts) -> TermStats:
        """These frequencies with one more article counted: the table as it is once `article` is stored."""
        frequencies = dict(self.frequencies)
        for term in document_terms(article):
            frequencies[term] = frequencies.get(term, 0) + 1
        return TermStats(self.documents + 1, frequencies)


def _stem(word: str) -> str:
    """A light plural and possessive fold, enough for "sanctions"/"sanction" and "Iran's"/"Iran"."""
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=200_000)
def _term(word: str) -> str | None:
    """The term a lower-case word counts as, or None for a stop word or reporting word."""
    if word in STOP_WORDS or len(word) > MAX_TERM_LENGTH:
        return None
    stem = _stem(word)
    if stem in STOP_WORDS or stem in _NEWS_WORDS or len(stem) < 2:
        return None
    return stem


def words(text: str) -> list[str]:
    """Content words of `text`, lower-cased and lightly stemmed; stop words and reporting words dropped."""
    return [term for term in map(_term, _WORD.findall(text.lower())) if term is not None]


def article_terms(title: str, text: str) -> dict[str, int]:
    """Term counts of an article, title words counted `TITLE_WEIGHT` times."""
    counts = Counter(words(text))
    for word in words(title):
        counts[word] += TITLE_WEIGHT
    return dict(counts)


def numbers(text: str) -> set[str]:
    """The numbers of `text` that can tell one event from another (10 and above), as written without commas
    or ordinal suffix: "1,000" → "1000", "86th" → "86"."""
    found = set()
    for match in _NUMBER.finditer(text):
        value = match.group(1).replace(",", "")
        try:
            if float(value) >= MIN_MARK_NUMBER:
                found.add(value)
        except ValueError:
            continue
    return found


def _who(name: str) -> str:
    """The mark of an actor's name."""
    return ("who:" + " ".join(name.casefold().split()))[:MAX_TERM_LENGTH]


def name_words(mark: str) -> list[str]:
    """The words of the name in a `who:` mark ("who:brian g. nichols" -> brian, g, nichols)."""
    return mark.removeprefix("who:").replace(".", " ").split()


def article_marks(title: str, text: str, actors: Iterable[str], dates: Iterable[str | None] = ()) -> frozenset[str]:
    """What tells this article's event from a look-alike: its actors (canonical names, folded), the numbers it
    states, and the years of the dates it mentions."""
    marks = {"who:" + " ".join(name.casefold().split()) for name in actors if name and name.strip()}
    marks |= {"num:" + n for n in numbers(title + "\n" + text)}
    for value in dates:
        match = _YEAR.match(value or "")
        if match:
            marks.add("num:" + match.group(1))
    return frozenset(mark[:MAX_TERM_LENGTH] for mark in marks)


def lead_marks(title: str, text: str, actors: Iterable[str], aliases: Mapping[str, Sequence[str]]) -> frozenset[str]:
    """The marks of what the article is about: the actors its title or opening names, the numbers they state."""
    lead = title + "\n" + text[:LEAD_CHARS]
    folded = lead.casefold()
    found = {"who:" + " ".join(name.casefold().split()) for name in actors
             if any(form.casefold() in folded for form in [name, *aliases.get(name, ())] if len(form) > 2)}
    found |= {"num:" + n for n in numbers(lead)}
    return frozenset(mark[:MAX_TERM_LENGTH] for mark in found)


def _names_in(forms: Iterable[str], folded: str) -> bool:
    """Whether the case-folded text `folded` names one of `forms` as whole words."""
    return any(re.search(r"(?<!\w)" + re.escape(form.casefold()) + r"(?!\w)", folded) for form in forms if len(form) > 2)


def salience(title: str, text: str, subjects: Mapping[str, int], others: Mapping[str, int] | None = None,
             aliases: Mapping[str, Sequence[str]] | None = None) -> dict[str, float]:
    """What the article is about: the share of its naming that goes to each person or place (`subjects`: name ->
    mentions in the text), as marks (`who:...`). The naming is every mention of them and of `others` (the
    organisations: they share the article's attention but are not what `Scorer.outsider` looks for), a name in the
    title counting `SALIENCE_TITLE` mentions more and one in the opening `SALIENCE_OPENING` more; shares under
    `SALIENCE_FLOOR` are left out."""
    folded_title, opening = title.casefold(), text[:LEAD_CHARS].casefold()
    aliases = aliases or {}
    named_subjects = {name for name in subjects if name and name.strip()}
    weights: dict[str, float] = {}
    total = 0.0
    for name, mentions in [*subjects.items(), *(others or {}).items()]:
        if not name or not name.strip():
            continue
        forms = [name, *aliases.get(name, ())]
        weight = (mentions + SALIENCE_TITLE * _names_in(forms, folded_title)
                  + SALIENCE_OPENING * _names_in(forms, opening))
        total += weight
        if name in named_subjects:
            mark = _who(name)
            weights[mark] = weights.get(mark, 0.0) + weight
            named_subjects.discard(name)
    if not total:
        return {}
    return {mark: round(weight / total, 3) for mark, weight in weights.items() if weight / total >= SALIENCE_FLOOR}


def _salient_summed(kept: Mapping[str, float], added: Mapping[str, float]) -> dict[str, float]:
    total = dict(kept)
    for mark, share in added.items():
        total[mark] = round(total.get(mark, 0.0) + share, 3)
    if len(total) > SALIENCE_KEEP:
        total = dict(sorted(total.items(), key=lambda item: (-item[1], item[0]))[:SALIENCE_KEEP])
    return total


def document_terms(facts: ArticleFacts) -> set[str]:
    """The entries an article adds to the frequency table: each word and mark once."""
    return set(facts.terms) | {MARK_PREFIX + mark for mark in facts.marks}


def term_weights(terms: Mapping[str, int]) -> dict[str, float]:
    """Sublinear term frequencies: the tenth "earthquake" adds less than the second."""
    return {t: 1 + math.log(n) for t, n in terms.items() if n > 0}


def new_state(story_id: Hashable, article: ArticleFacts, vector: Mapping[str, float] | None = None) -> StoryState:
    """The state of a story that `article` (whose unit TF-IDF vector is `vector`) starts."""
    return StoryState(story_id, term_weights(article.terms), dict.fromkeys(article.marks, 1), 1, article.published,
                      article.published, dict.fromkeys(article.lead_marks, 1),
                      dict(vector) if vector is not None else None, _details_counted({}, article.details),
                      _salient_summed({}, article.salience))


def _details_counted(counts: Mapping[str, int], details: Iterable[str]) -> dict[str, int]:
    """`counts` (a story's details and kinds of detail, each with how many of its articles give it) with one more
    article's `details`."""
    total = dict(counts)
    details = set(details)
    for key in details | {detail.partition(":")[0] for detail in details}:
        total[key] = total.get(key, 0) + 1
    return total


def _summed(kept: Mapping[str, float], added: Mapping[str, float], keep: int) -> dict[str, float]:
    total = dict(kept)
    for term, weight in added.items():
        total[term] = total.get(term, 0.0) + weight
    if len(total) > keep:
        total = dict(sorted(total.items(), key=lambda item: (-item[1], item[0]))[:keep])
    return total


def adding(state: StoryState, article: ArticleFacts, keep_terms: int = DEFAULT_RULES.story_terms,
           vector: Mapping[str, float] | None = None) -> StoryState:
    """The state once `article` (whose unit TF-IDF vector is `vector`) has joined; only the `keep_terms` heaviest
    words are kept."""
    terms = _summed(state.terms, term_weights(article.terms), keep_terms)
    vectors = (_summed(state.vectors, vector, keep_terms) if state.vectors is not None and vector is not None
               else None)
    marks = dict(state.marks)
    for mark in article.marks:
        marks[mark] = marks.get(mark, 0) + 1
    leads = dict(state.lead_marks)
    for mark in article.lead_marks:
        leads[mark] = leads.get(mark, 0) + 1
    return StoryState(state.story_id, terms, marks, state.articles + 1, min(state.first, article.published),
                      max(state.last, article.published), leads, vectors,
                      _details_counted(state.details, article.details), _salient_summed(state.salient, article.salience))


def folded(kept: StoryState, other: StoryState, keep_terms: int = DEFAULT_RULES.story_terms) -> StoryState:
    """The state of `kept` once the articles of `other` have moved into it (it keeps its id)."""

    def added(first: Mapping[str, int], second: Mapping[str, int]) -> dict[str, int]:
        total = dict(first)
        for key, count in second.items():
            total[key] = total.get(key, 0) + count
        return total

    vectors = (_summed(kept.vectors, other.vectors, keep_terms)
               if kept.vectors is not None and other.vectors is not None else None)
    return StoryState(kept.story_id, _summed(kept.terms, other.terms, keep_terms), added(kept.marks, other.marks),
                      kept.articles + other.articles, min(kept.first, other.first), max(kept.last, other.last),
                      added(kept.lead_marks, other.lead_marks), vectors, added(kept.details, other.details),
                      _salient_summed(kept.salient, other.salient))


class Scorer:
    """How alike an article and a story are, under one frequency table."""

    def __init__(self, stats: TermStats, rules: Rules = DEFAULT_RULES,
                 story_cache: dict[tuple[str, Hashable, int], dict[str, float]] | None = None) -> None:
        """`story_cache`: vectors of stories kept between articles (by kind, story and article count), whose
        frequencies change little while a story is open."""
        self.stats = stats
        self.rules = rules
        self.story_cache = story_cache if story_cache is not None else {}
        self._idf: dict[str, float] = {}
        self._article_marks: dict[Hashable, dict[str, float]] = {}

    def idf(self, term: str) -> float:
        weight = self._idf.get(term)
        if weight is None:
            weight = self._idf[term] = self.stats.idf(term, self.rules.prior_documents)
        return weight

    def vector(self, weights: Mapping[str, float]) -> dict[str, float]:
        vector = {t: w * self.idf(t) for t, w in weights.items()}
        norm = math.sqrt(sum(w * w for w in vector.values()))
        return {t: w / norm for t, w in vector.items()} if norm else {}

    def mark_agreement(self, marks: frozenset[str], story: StoryState) -> tuple[float, float]:
        """(agreeing, missing): the IDF-weighted share of the article's marks the story has (each counted by
        how many of the story's articles have it), and the share of the story's usual marks (in at least half
        its articles) that the article lacks."""
        idf = self.idf
        total = sum(idf(MARK_PREFIX + m) for m in marks)
        agreeing = 0.0
        if total:
            agreeing = sum(idf(MARK_PREFIX + m) * min(1.0, 2 * story.marks[m] / story.articles)
                           for m in marks if m in story.marks) / total
        usual = [m for m, n in story.marks.items() if 2 * n >= story.articles]
        usual_total = sum(idf(MARK_PREFIX + m) for m in usual)
        missing = sum(idf(MARK_PREFIX + m) for m in usual if m not in marks) / usual_total if usual_total else 0.0
        return agreeing, missing

    def lead_agreement(self, article: ArticleFacts, story: StoryState) -> float:
        """How far the article and the story are about the same participants: the IDF-weighted share of the
        article's lead marks (title and opening) that the story names, and of the story's usual lead marks (in
        at least `Rules.lead_share` of its articles) that the article names, averaged; 0.5 when either has none."""
        idf = self.idf

        def share(wanted: Iterable[str], having: Callable[[str], float]) -> float | None:
            weights = {m: idf(MARK_PREFIX + m) for m in wanted}
            total = sum(weights.values())
            return sum(w * having(m) for m, w in weights.items()) / total if total else None

        usual = [m for m, n in story.lead_marks.items() if n >= self.rules.lead_share * story.articles]
        # A participant of the article counts as the story's in the measure that the story's articles name it
        # (one background mention in one of ten does not make Ellen DeGeneres this story's host).
        forward = share(article.lead_marks, lambda m: min(1.0, story.marks.get(m, 0) / (self.rules.lead_share
                                                                                        * story.articles)))
        backward = share(usual, lambda m: 1.0 if m in article.marks else 0.0)
        found = [x for x in (forward, backward) if x is not None]
        return sum(found) / len(found) if found else 0.5

    def mark_vector(self, marks: Mapping[str, float]) -> dict[str, float]:
        """The unit vector of weighted marks, each weight times the mark's IDF."""
        return self.vector({MARK_PREFIX + m: w for m, w in marks.items()})

    def score(self, article: ArticleFacts, story: StoryState, article_vector: Mapping[str, float] | None = None,
              story_vector: Mapping[str, float] | None = None) -> float:
        """Words alike (the mean cosine with the story's articles; a short article also gains for its brevity) +
        names and numbers alike (agreeing marks, the cosine of the marks) ± the agreement of the participants of
        titles and openings − a cost for time."""
        rules = self.rules
        gap = story.gap_hours(article.published)
        if gap > rules.window.total_seconds() / 3600:
            return 0.0
        a = article_vector if article_vector is not None else self.vector(term_weights(article.terms))
        if story.vectors is not None:
            words_alike = sum(w * story.vectors.get(t, 0.0) for t, w in a.items()) / story.articles
        else:  # a state kept before the sum of its articles' vectors was: its centroid stands in for them
            s = story_vector if story_vector is not None else self.vector(story.terms)
            words_alike = sum(w * s.get(t, 0.0) for t, w in a.items())
        agreeing, missing = self.mark_agreement(article.marks, story)
        leads = rules.lead_weight * (self.lead_agreement(article, story) - 0.5)
        late = max(0.0, gap - rules.hours_free) / 24 * rules.penalty_per_day
        size = min(1.0, story.articles / rules.newcomer_full)
        newcomer = rules.newcomer_weight if rules.newcomer_weight and story.articles > 1 and self.newcomer(
            article, story) else 0.0
        outsider = rules.salience_weight if (rules.salience_weight and story.articles >= rules.salience_articles
                                             and self.outsider(article, story)) else 0.0
        late += max(newcomer, outsider) * size
        if rules.detail_weight and article.details and story.details and self.details_differ(article, story):
            late += rules.detail_weight
        # Shared names and numbers strengthen word evidence but never replace it: a spokeswoman and a country in
        # common do not make two events one. Names that disagree count in full.
        marks_alike = rules.mark_cosine_weight * self.marks_alike(article, story) if rules.mark_cosine_weight else 0.0
        bonus = min(rules.mark_weight * agreeing + marks_alike + max(leads, 0.0), rules.bonus_cap * words_alike)
        brief = self.brevity(article, story, a) if rules.short_weight else 0.0
        return words_alike + brief + bonus + min(leads, 0.0) - rules.missing_weight * missing - late

    def brevity(self, article: ArticleFacts, story: StoryState, vector: Mapping[str, float]) -> float:
        """What a short article (fewer than `Rules.short_terms` distinct words: a brief, a teaser, one paragraph)
        gains for telling nothing but the story's words: its cosine with full reports of its event stays low
        however well it agrees with them, so it gains `Rules.short_weight` times the share of its TF-IDF weight
        that the story's words carry, times how short it is (1 - its words / `Rules.short_terms`)."""
        rules = self.rules
        shortness = 1 - len(article.terms) / rules.short_terms if rules.short_terms else 0.0
        if shortness <= 0:
            return 0.0
        words = story.vectors if story.vectors is not None else story.terms
        covered = sum(w * w for t, w in vector.items() if t in words)
        return rules.short_weight * covered * shortness

    def details_differ(self, article: ArticleFacts, story: StoryState) -> bool:
        """Whether the article's opening states a toll or a sum of a kind the story's openings state too, and at
        most `Rules.detail_share` of those agree with it: a sum within `Rules.detail_ratio` of one of its values, a
        toll not `Rules.detail_ratio` times smaller than one of them (a toll rises as reports come in: the first
        say "dozens" dead and "hundreds" hurt, the next day's 82 and 1,700)."""
        rules = self.rules
        mine: dict[str, list[float]] = {}
        for detail in article.details:
            kind, value = _detail(detail)
            mine.setdefault(kind, []).append(value)
        if "dead" in mine and not story.details.get("dead") and any(story.details.get(kind) for kind in _TOLLS):
            return True  # ten dead where every report of the story counted people hurt, held or missing, not dead
        for kind, values in mine.items():
            told = story.details.get(kind, 0)
            if not told:
                continue
            agreeing = 0
            for detail, count in story.details.items():
                other_kind, sep, _ = detail.partition(":")
                if sep and other_kind == kind:
                    value = _detail(detail)[1]
                    if kind in _TOLLS:  # a toll rises as reports come in ("dozens" dead, then 82): only a much
                        agrees = any(rules.detail_ratio * v >= value for v in values)  # smaller one differs
                    else:
                        agrees = any(max(v, value) <= rules.detail_ratio * min(v, value) for v in values)
                    agreeing += count if agrees else 0
            if min(agreeing, told) <= rules.detail_share * told:
                return True
        return False

    def newcomer(self, article: ArticleFacts, story: StoryState) -> bool:
        """Whether the article is about a person or place (`ArticleFacts.lead_subjects`) that at most
        `Rules.newcomer_share` of the story's articles name, not even by its last word ("Nichols" is "Brian G.
        Nichols", "Reid" is "Tara Reid", "Aden" the "Gulf of Aden"): a story that names someone in passing in one
        article of ten (the champion's next opponent) is not about them."""
        rare = self.rules.newcomer_share * story.articles
        unknown = [mark for mark in article.lead_subjects if story.marks.get(mark, 0) <= rare]
        if not unknown:
            return False
        key = ("names", story.story_id, story.articles)
        known = self.story_cache.get(key)
        if known is None:
            known = self.story_cache[key] = {}
            for mark, count in story.marks.items():
                if mark.startswith("who:"):
                    for word in name_words(mark):
                        known[word] = max(known.get(word, 0.0), float(count))
        return any(not words or known.get(words[-1], 0.0) <= rare for words in map(name_words, unknown))

    def outsider(self, article: ArticleFacts, story: StoryState) -> bool:
        """Whether the article is about a person or place (at least `Rules.salience_share` of its naming,
        `ArticleFacts.salience`) that none of the story's articles made salient, not even by its last word, while the
        story's most salient person or place (summed over its articles, names grouped by last word) has at most
        `Rules.salience_top` of the article's naming: a report on another fire's owner, on a cable cut off another
        city, where the story's own subject is named in passing or not at all."""
        rules = self.rules
        about = [mark for mark, share in article.salience.items() if share >= rules.salience_share]
        if not about or not story.salient:
            return False
        key = ("salient", story.story_id, story.articles)
        by_word = self.story_cache.get(key)
        if by_word is None:
            by_word = self.story_cache[key] = {}
            for mark, total in story.salient.items():
                words = name_words(mark)
                if words:
                    by_word[words[-1]] = by_word.get(words[-1], 0.0) + total
        if not by_word or all(mark in story.salient or name_words(mark)[-1:] and name_words(mark)[-1] in by_word
                              for mark in about):
            return False
        top = max(by_word, key=lambda word: (by_word[word], word))
        told = sum(share for mark, share in article.salience.items() if name_words(mark)[-1:] == [top])
        return told <= rules.salience_top

    def marks_alike(self, article: ArticleFacts, story: StoryState) -> float:
        """The cosine of the article's marks with the story's (each weighted by IDF and, for the story, by the
        share of its articles that name it): how far they name the same people, places and numbers."""
        mine = self._article_marks.get(article.key)
        if mine is None:
            mine = self._article_marks[article.key] = self.mark_vector(dict.fromkeys(article.marks, 1.0))
        key = ("marks", story.story_id, story.articles)
        theirs = self.story_cache.get(key)
        if theirs is None:
            theirs = self.story_cache[key] = self.mark_vector({m: n / story.articles for m, n in story.marks.items()})
        if len(theirs) < len(mine):
            mine, theirs = theirs, mine
        return sum(w * theirs.get(t, 0.0) for t, w in mine.items())


def choose_story(article: ArticleFacts, stories: Sequence[StoryState], stats: TermStats,
                 rules: Rules = DEFAULT_RULES, scorer: Scorer | None = None,
                 story_vector: Callable[[StoryState], Mapping[str, float]] | None = None) -> Hashable | None:
    """The id of the story `article` joins, or None when it starts a story of its own.

    Args:
        article: the new article's facts.
        stories: candidate stories; those further than the window from the article score nothing.
        stats: document frequencies over the articles seen so far, `article` included.
        rules: thresholds.
        scorer: a scorer to reuse (its cached IDF weights), built from `stats` and `rules` when not given.
        story_vector: a story's TF-IDF centroid, when the caller keeps them (else computed here).
    """
    scorer = scorer or Scorer(stats, rules)
    needed = rules.threshold(stats.documents)
    vector = scorer.vector(term_weights(article.terms))
    best: tuple[float, Hashable] | None = None
    for story in stories:
        centroid = story_vector(story) if story_vector is not None and story.vectors is None else None
        score = scorer.score(article, story, vector, centroid)
        if score >= needed and (best is None or score > best[0]):
            best = (score, story.story_id)
    return best[1] if best else None


class StoryIndex:
    """The open stories' states with an inverted index from words and marks to stories.

    An article is compared with the stories that share one of its `Rules.candidate_terms` heaviest words or
    one of its marks, and whose articles are within the window of it; so the cost of an article depends on how
    many stories tell something like it, not on how many articles are stored.

    Forgetting is as cheap as adding: an expiry heap orders the stories by their latest article, and a forgotten
    story leaves only the postings it had, never a rebuild of the index.
    """

    def __init__(self, rules: Rules = DEFAULT_RULES) -> None:
        self.rules = rules
        self.stories: dict[Hashable, StoryState] = {}
        self._postings: dict[str, set[Hashable]] = {}
        self._posted: dict[Hashable, set[str]] = {}  # the postings each story is in
        # (latest article, insertion number, story) per put; an entry is stale once the story moved on.
        self._expiry: list[tuple[datetime, int, Hashable]] = []
        self._puts = 0
        # Each story's TF-IDF centroid under the frequencies of when it was computed: the frequencies of the
        # words of an event change little while it is open, and recomputing costs more than the drift.
        self._vectors: dict[Hashable, dict[str, float]] = {}
        self._story_cache: dict[tuple[str, Hashable, int], dict[str, float]] = {}  # see `Scorer`

    def __len__(self) -> int:
        return len(self.stories)

    def put(self, state: StoryState) -> None:
        """Add or replace a story's state."""
        old = self.stories.get(state.story_id)
        self.stories[state.story_id] = state
        self._vectors.pop(state.story_id, None)
        if old is not None:
            for kind in ("marks", "names", "salient"):
                self._story_cache.pop((kind, old.story_id, old.articles), None)
        posted = self._posted.setdefault(state.story_id, set())
        for key in [*state.terms, *(MARK_PREFIX + m for m in state.marks)]:
            if key not in posted:
                posted.add(key)
                self._postings.setdefault(key, set()).add(state.story_id)
        if old is None or old.last != state.last:
            self._puts += 1
            heapq.heappush(self._expiry, (state.last, self._puts, state.story_id))

    def oldest(self) -> datetime | None:
        """The latest article time of the story that fell silent first (None when the index is empty)."""
        self._drop_stale()
        return self._expiry[0][0] if self._expiry else None

    def _drop_stale(self) -> None:
        while self._expiry:
            last, _, story_id = self._expiry[0]
            story = self.stories.get(story_id)
            if story is not None and story.last == last:
                return
            heapq.heappop(self._expiry)

    def forget_before(self, moment: datetime) -> None:
        """Drop the stories whose latest article is older than `moment` (they can no longer be joined)."""
        while True:
            self._drop_stale()
            if not self._expiry or self._expiry[0][0] >= moment:
                return
            _, _, story_id = heapq.heappop(self._expiry)
            self.drop(story_id)

    def candidates(self, article: ArticleFacts, idf: Callable[[str], float]) -> list[StoryState]:
        """The stories within the window that share a heavy word or a mark with `article`."""
        weights = term_weights(article.terms)
        heavy = sorted(weights, key=lambda t: (-weights[t] * idf(t), t))[: self.rules.candidate_terms]
        found: set[Hashable] = set()
        for key in [*heavy, *(MARK_PREFIX + m for m in article.marks)]:
            found |= self._postings.get(key, set())
        hours = self.rules.window.total_seconds() / 3600
        return [self.stories[sid] for sid in sorted(found, key=str)
                if sid in self.stories and self.stories[sid].gap_hours(article.published) <= hours]

    def ranked(self, article: ArticleFacts, stats: TermStats
               ) -> tuple[Scorer, dict[str, float], list[tuple[float, Hashable]]]:
        """The candidate stories of `article` with its score for each, best first (ties by id, as `choose_story`
        breaks them), with the scorer and the article's unit TF-IDF vector they were scored with."""
        scorer = Scorer(stats, self.rules, self._story_cache)

        def centroid(story: StoryState) -> Mapping[str, float]:
            vector = self._vectors.get(story.story_id)
            if vector is None:
                vector = self._vectors[story.story_id] = scorer.vector(story.terms)
            return vector

        vector = scorer.vector(term_weights(article.terms))
        scored = [(scorer.score(article, story, vector, centroid(story) if story.vectors is None else None),
                   story.story_id) for story in self.candidates(article, scorer.idf)]
        scored.sort(key=lambda pair: (-pair[0], str(pair[1])))
        return scorer, vector, scored

    def choose(self, article: ArticleFacts, stats: TermStats) -> Hashable | None:
        """The story `article` joins among the indexed ones (see `choose_story`), or None."""
        _, _, scored = self.ranked(article, stats)
        return scored[0][1] if scored and scored[0][0] >= self.rules.threshold(stats.documents) else None

    def folds(self, article: ArticleFacts, joined: StoryState, scored: Sequence[tuple[float, Hashable]],
              scorer: Scorer, needed: float, may_fold: Callable[[Hashable], bool] | None = None
              ) -> tuple[list[Hashable], StoryState]:
        """The stories that fold into `joined` (the state of the story `article` joined, the article in it) and the
        joined story's state once they have: each other story of `scored` (`ranked`) that scores at least `needed` +
        `Rules.fold_margin` for the article, when it or the joined story (as folded so far) has at most
        `Rules.fold_small` articles and the incident details of its openings do not contradict the joined story's
        (`Scorer.details_differ`). `may_fold` refuses a story (the product never folds a story already offered to
        a channel). Only stories that already scored are looked at: the cost does not grow with the store."""
        rules = self.rules
        state = joined
        gone: list[Hashable] = []
        for score, story_id in scored:
            if score < needed + rules.fold_margin:
                break
            other = self.stories.get(story_id)
            if story_id == joined.story_id or other is None or min(state.articles, other.articles) > rules.fold_small:
                continue
            if may_fold is not None and not may_fold(story_id):
                continue
            told = frozenset(detail for detail in other.details if ":" in detail)
            if told and state.details and scorer.details_differ(replace(article, details=told), state):
                continue
            state = folded(state, other, rules.story_terms)
            gone.append(story_id)
        return gone, state

    def drop(self, story_id: Hashable) -> None:
        """Forget a story (gone out of the window, or folded into another)."""
        gone = self.stories.pop(story_id, None)
        if gone is None:
            return
        self._vectors.pop(story_id, None)
        for kind in ("marks", "names", "salient"):
            self._story_cache.pop((kind, story_id, gone.articles), None)
        for key in self._posted.pop(story_id, ()):
            holders = self._postings.get(key)
            if holders is not None:
                holders.discard(story_id)
                if not holders:
                    del self._postings[key]

    def join(self, story_id: Hashable, article: ArticleFacts, vector: Mapping[str, float] | None = None) -> StoryState:
        """Record that `article` (whose unit TF-IDF vector is `vector`) joined `story_id` (a new story when it is not
        indexed); returns the state."""
        known = self.stories.get(story_id)
        state = (new_state(story_id, article, vector) if known is None
                 else adding(known, article, self.rules.story_terms, vector))
        self.put(state)
        return state


def group(articles: Sequence[ArticleFacts], rules: Rules = DEFAULT_RULES) -> list[list[Hashable]]:
    """Group articles into stories as the bot would, reading them in order of publication (ties in the order
    given).

    The frequency table grows article by article, as it does in the database. Returns the keys per story.
    """
    frequencies: Counter[str] = Counter()
    index = StoryIndex(rules)
    members: dict[Hashable, list[Hashable]] = {}
    documents = made = 0
    for article in sorted(articles, key=lambda a: a.published):
        documents += 1
        frequencies.update(document_terms(article))
        stats = TermStats(documents, frequencies)
        scorer, vector, scored = index.ranked(article, stats)
        needed = rules.threshold(stats.documents)
        chosen = scored[0][1] if scored and scored[0][0] >= needed else None
        if chosen is None:
            made += 1
        story_id = chosen if chosen is not None else made
        members.setdefault(story_id, []).append(article.key)
        joined = index.join(story_id, article, vector)
        if chosen is not None:
            gone, state = index.folds(article, joined, scored, scorer, needed)
            for other in gone:
                index.drop(other)
                members[story_id].extend(members.pop(other))
            if gone:
                index.put(state)
    return list(members.values())


# --- the article a story is summarised from --------------------------------------------------------------

# Text beyond this many characters does not make an article a better lead; lengths count in steps of this.
LEAD_FULL_CHARS = 3000
LEAD_LENGTH_STEP = 300


def choose_lead(candidates: Sequence[LeadCandidate]) -> Hashable | None:
    """The article to summarise a story from: analysed, the fullest text (a page beats a teaser), then the one
    with the most quotes, then the earliest."""
    if not candidates:
        return None

    def rank(c: LeadCandidate) -> tuple[bool, int, int, float]:
        return (c.has_summary, min(c.text_length, LEAD_FULL_CHARS) // LEAD_LENGTH_STEP, c.quotes,
                -c.published.timestamp())

    return max(candidates, key=rank).key
