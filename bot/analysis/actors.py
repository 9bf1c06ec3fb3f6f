"""Actors: people, organizations, countries, places and groups, each with one canonical name.

spaCy's entities are merged by name within the article ("Mike Pompeo", "Pompeo", "Mr. Pompeo" are one
person), countries are canonical through `places` ("Pyongyang", "North Korean" -> North Korea), and the
model's slips are fixed by consistency (a name tagged PERSON once is a person everywhere; "Trump-Kim" is two
people). The mentions behind the actors are kept on the Doc (`doc._.diplobot_actors`) for the quote step.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from bot.analysis.first_names import first_name_gender, same_given_name
from bot.analysis.newsroom import credit_spans, in_spans, is_source_credit, newsroom_role, outlet_for
from bot.analysis.organizations import organization_in
from bot.analysis.places import NON_COUNTRY_REGIONS, country_for
from bot.analysis.quotes.marks import find_quoted_spans
from bot.analysis.quotes.speech_verbs import SPEECH_VERBS
from bot.analysis.records import Actor

ENTITY_KINDS = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place", "FAC": "place", "NORP": "group"}

# Titles that may sit at the start of a PERSON entity; the gendered ones tell the pronoun.
GENDER_TITLES = {"mr": "m", "mrs": "f", "ms": "f", "miss": "f", "sir": "m", "dame": "f", "lady": "f", "lord": "m"}
ROLE_TITLES = {
    "president", "vice", "prime", "minister", "secretary", "sen", "senator", "rep", "representative", "gov",
    "governor", "mayor", "gen", "general", "adm", "admiral", "col", "colonel", "lt", "sgt", "capt", "judge",
    "justice", "chancellor", "ambassador", "king", "queen", "prince", "princess", "pope", "dr", "prof",
    "professor", "speaker", "leader", "chairman", "chairwoman", "chief", "commissioner", "sheikh", "rev",
    "attorney", "former", "candidate", "nominee", "director", "spokesman", "spokeswoman", "envoy", "premier",
    "first", "deputy", "foreign", "defense", "defence", "state", "house", "senate", "u.s.", "supreme", "sens",
    "reps", "ag",
}
# Role words that tell a person's gender.
GENDERED_ROLES = {
    "spokeswoman": "f", "spokesman": "m", "chairwoman": "f", "chairman": "m", "congresswoman": "f",
    "congressman": "m", "businesswoman": "f", "businessman": "m", "king": "m", "queen": "f", "prince": "m",
    "princess": "f", "wife": "f", "husband": "m", "mother": "f", "father": "m", "daughter": "f", "son": "m",
    "sister": "f", "brother": "m", "lady": "f", "widow": "f", "actress": "f", "actor": "m",
}
# Nouns that only a person can be: an ORG-tagged name with one of these as its title is a person.
PERSON_ROLE_WORDS = {
    "minister", "president", "secretary", "spokesman", "spokeswoman", "spokesperson", "senator", "ambassador",
    "envoy", "chancellor", "premier", "governor", "mayor", "director", "chairman", "chairwoman", "adviser",
    "advisor", "aide", "analyst", "professor", "scholar", "lawyer", "attorney", "leader", "chief", "general",
    "diplomat", "official", "commissioner", "lawmaker", "congressman", "congresswoman", "representative",
    "candidate", "nominee", "economist", "researcher", "fellow", "negotiator", "king", "queen", "prince",
}
PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "himself": "m", "she": "f", "her": "f", "hers": "f", "herself": "f"}
NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
MAX_ROLE_TOKENS = 14

if not Doc.has_extension("diplobot_actors"):
    Doc.set_extension("diplobot_actors", default=None)


@dataclass
class Mention:
    """One place in the text where an actor is named."""

    start: int  # token index
    end: int
    start_char: int
    end_char: int
    text: str
    label: str  # the entity label, or SPLIT / NAME for mentions found by consistency


@dataclass
class ActorIndex:
    """The actors of one article with everything the quote step needs to resolve a speaker."""

    actors: list[Actor]
    mentions: list[tuple[Mention, Actor]]  # in text order
    gender: dict[str, str] = field(default_factory=dict)  # actor name -> "m" | "f"
    by_token: dict[int, Actor] = field(default_factory=dict)  # token index -> actor named there
    by_key: dict[str, Actor] = field(default_factory=dict)  # lower-cased name or alias -> actor

    def actor_at(self, token_index: int) -> Actor | None:
        return self.by_token.get(token_index)

    def lookup(self, name: str) -> Actor | None:
        """The actor a bare name refers to ("Pompeo", "North Korean"), or None."""
        found = self.by_key.get(_name_key(name))
        if found is not None:
            return found
        country = country_for(name)
        return self.by_key.get(_name_key(country.country)) if country else None


def text_of(doc: Doc) -> str:
    """The Doc's text, built once: spaCy's `doc.text` joins every token again on each call."""
    text = doc.user_data.get("diplobot_text")
    if text is None:
        text = doc.user_data["diplobot_text"] = doc.text
    return str(text)


def name_key(text: str) -> str:
    """A name as actors are looked up: lower-cased, no dots, one space between words."""
    return _name_key(text)


def _name_key(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").replace(".", "").split()).lower()


def _clean_span(doc: Doc, start: int, end: int, label: str) -> tuple[int, int, str | None]:
    """Trim determiners, possessives, punctuation and titles; return the gender a title tells."""
    gender = None
    for i in range(start + 1, end):
        if doc[i].text in ("(", "[", ",", "\n", "\n\n") or doc[i].is_space:  # "Federal Bureau of Investigation (FBI"
            end = i
            break
        if doc[i].text in LEADING_DASHES and doc[i - 1].whitespace_:  # "the Minnesota Vikings - while chanting"
            end = i
            break
    while start < end and (doc[start].tag_ in ("DT", "PRP$", "RB", "CC", "IN", "UH") or doc[start].is_punct
                           or doc[start].is_space):
        start += 1  # "Later the Security Council": the entity swallowed a word before the name
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct or doc[end - 1].is_space
                           or doc[end - 1].lower_ in ("'s", "\u2019s")):
        end -= 1
    while end - start > 1 and doc[start].lower_.rstrip(".") in GENDER_TITLES:
        gender = GENDER_TITLES[doc[start].lower_.rstrip(".")]
        start += 1
    while label == "PERSON" and end - start > 1 and doc[start].lower_.rstrip(".") in ROLE_TITLES and doc[start].is_title:
        start += 1
    if start > 0 and doc[start - 1].lower_.rstrip(".") in GENDER_TITLES:
        gender = GENDER_TITLES[doc[start - 1].lower_.rstrip(".")]
    return start, end, gender


def _raw_mentions(doc: Doc) -> tuple[list[Mention], dict[int, str]]:
    """Entity mentions of the kinds we keep, cleaned; hyphenated name pairs split; gender hints by mention."""
    mentions: list[Mention] = []
    genders: dict[int, str] = {}
    for ent in doc.ents:
        if ent.label_ not in ENTITY_KINDS:
            continue
        start, end, gender = _clean_span(doc, ent.start, ent.end, ent.label_)
        if start >= end or ent.label_ == "PERSON" and _is_object_name(doc, start, end):
            continue
        if end - start == 1 and doc[start].lower_ in ROLE_TITLES and start > 0 and doc[start - 1].lower_ == "of":
            continue  # "State" in "Secretary of State"
        hyphens = [t.i for t in doc[start:end] if t.text in ("-", "\u2013") and t.tag_ == "HYPH"]
        if hyphens and ent.label_ in ("PERSON", "ORG", "NORP") and end - start == 2 * len(hyphens) + 1:
            for i in range(start, end, 2):  # "Trump-Kim": each side on its own
                mentions.append(_mention(doc, i, i + 1, "SPLIT"))
            continue
        if gender:
            genders[len(mentions)] = gender
        mentions.append(_mention(doc, start, end, ent.label_))
    return mentions, genders


# Words that describe a person and open some PERSON entities: "Billionaire Donald Trump", "Rabbi Rick Jacobs".
PERSON_DESCRIPTORS = frozenset({
    "billionaire", "founder", "co-founder", "rabbi", "archbishop", "bishop", "cardinal", "pastor", "imam",
    "reverend", "sheriff", "officer", "detective", "coach", "host", "anchor", "comedian", "activist",
    "businessman", "businesswoman", "author", "actor", "actress", "singer", "rapper", "spokesperson",
    "democrat", "republican", "pollster", "strategist", "adviser", "advisor", "economist", "lawyer", "top",
})


LEADING_DASHES = "-\u2013\u2014\u2015"
LEADING_VERB_TAGS = frozenset({"VBD", "VBG", "VBZ"})
# Speech verbs in the past or third person that the model glues to the name after them: "Stated Stone".
LEADING_SPEECH_WORDS = frozenset({w for w in SPEECH_VERBS if w.endswith("ed")}
                                 | {"said", "says", "told", "tells", "wrote", "writes", "asks", "adds"})


def _trim_person_mention(doc: Doc, m: Mention) -> None:
    """Leave only the name in a person mention: no leading dash, title, descriptor or owner ("Breitbart's")."""
    start = m.start
    while m.end - start > 2 and doc[start + 1].tag_ == "POS" or (
            m.end - start > 1 and (doc[start].is_punct or doc[start].lower_.rstrip(".") in ROLE_TITLES
                                   or doc[start].lower_ in PERSON_DESCRIPTORS
                                   or doc[start].tag_ in LEADING_VERB_TAGS  # "Said Comey", "Asserting Clinton"
                                   or doc[start].lower_ in LEADING_SPEECH_WORDS  # "Stated Stone:" tagged NNP
                                   or doc[start].lower_.rstrip(".") in GENDER_TITLES)):
        start += 2 if m.end - start > 2 and doc[start + 1].tag_ == "POS" else 1
    if start != m.start:
        span = doc[start:m.end]
        m.start, m.start_char, m.text = start, span.start_char, span.text
    glued = len(m.text) - len(m.text.lstrip(LEADING_DASHES))
    if glued and len(m.text) > glued:  # "-Craig Fehrman": a credit line's dash the tokenizer kept on the name
        m.start_char, m.text = m.start_char + glued, m.text[glued:]


def _trim_to_known_full_names(doc: Doc, people: list[Mention]) -> None:
    """A long name that ends with a full name the article gives on its own is that name: headline words the
    model took in ("Rip Donald Trump", "Crooked Hillary Clinton", "Hillary Clinton Slams Donald Trump")."""
    full = {_name_key(m.text) for m in people if m.end - m.start == 2 and len(m.text.split()) == 2}
    for m in people:
        if m.end - m.start >= 3 and _name_key(doc[m.end - 2:m.end].text) in full and first_name_gender(
                doc[m.end - 2].lower_) and not first_name_gender(doc[m.end - 3].lower_):  # not "Anne Marie Murphy"
            span = doc[m.end - 2:m.end]
            m.start, m.start_char, m.text = m.end - 2, span.start_char, span.text


def _is_object_name(doc: Doc, start: int, end: int) -> bool:
    """A model number tagged as a person ("X26 Taser", "AR-15"): people's names have no digits."""
    return any(any(ch.isdigit() for ch in t.text) for t in doc[start:end])


def _mention(doc: Doc, start: int, end: int, label: str) -> Mention:
    span = doc[start:end]
    return Mention(start, end, span.start_char, span.end_char, span.text, label)


def _person_key(text: str) -> tuple[str, str]:
    """First and last name of a person's name, lower-cased, suffixes and initials left out."""
    folded = unicodedata.normalize("NFKD", _name_key(text))
    parts = [p for p in "".join(ch for ch in folded if not unicodedata.combining(ch)).replace(",", " ").split()
             if p not in NAME_SUFFIXES]
    if not parts:
        return ("", "")
    return (parts[0], parts[-1])


@dataclass
class _Group:
    kind: str
    forms: Counter[str] = field(default_factory=Counter)
    mentions: list[Mention] = field(default_factory=list)
    canonical: str | None = None


# Titles only a royal has: "King Hussein" is never the Saddam Hussein whom the article calls president.
ROYAL_TITLES = frozenset({"king", "queen", "prince", "princess", "sheikh", "emir", "sultan", "crown"})
GENDERED_TITLES = {**GENDER_TITLES, "king": "m", "queen": "f", "prince": "m", "princess": "f"}
DOMINANT_RATIO = 2  # a shared surname goes to the person named this many times more often than the next
# Nouns for one relative: "Elian Gonzalez's father" names the father, and the son only to say whose father he is.
KIN_NOUNS = frozenset({
    "father", "mother", "son", "daughter", "brother", "sister", "wife", "husband", "widow", "widower", "uncle",
    "aunt", "nephew", "niece", "cousin", "grandson", "granddaughter", "grandfather", "grandmother", "stepfather",
    "stepmother", "stepson", "stepdaughter",  # "great-uncle", "half-brother", "father-in-law": a word of these
})


def _titles_before(doc: Doc, start: int) -> list[str]:
    """The titles written right before a name ("Retired Lt. Gen.", "Mr.", "King"), lower-cased, no dots."""
    titles: list[str] = []
    i = start - 1
    while i >= 0 and start - i <= 4:
        word = doc[i].lower_.rstrip(".")
        if word not in ROLE_TITLES and word not in GENDER_TITLES or not (doc[i].is_title or doc[i].is_upper):
            break
        titles.extend(TITLE_ABBREVIATIONS.get(word, (word,)))
        i -= 1
    return titles


# Titles written short, with the words of the title they stand for: "AG Mukasey" is Attorney General Mukasey.
TITLE_ABBREVIATIONS = {"ag": ("attorney", "general"), "sen": ("senator",), "rep": ("representative",),
                       "gov": ("governor",), "gen": ("general",), "adm": ("admiral",), "sens": ("senator",),
                       "reps": ("representative",)}


@dataclass
class _PersonCandidate:
    """A person a surname may stand for: one full name, or a surname introduced with a title."""

    key: tuple[str, str]
    first_at: int  # token index of its first mention
    gender: str | None = None
    titles: set[str] = field(default_factory=set)
    count: int = 0
    starts: list[int] = field(default_factory=list)  # token indices of its full-name mentions
    words: tuple[str, ...] = ()  # its full name, word by word, lower-cased
    asides: set[int] = field(default_factory=set)  # starts that only say whose relative someone is
    given_name_alone: bool = False  # the article also calls it by its given name alone ("Elian")


def _title_gender(titles: list[str]) -> str | None:
    return next((GENDERED_TITLES[t] for t in titles if t in GENDERED_TITLES), None)


def _compatible(candidate: _PersonCandidate, gender: str | None, titles: list[str]) -> bool:
    """A surname mention with these titles may name this person: no gender clash, no royal/office clash."""
    if gender and candidate.gender and gender != candidate.gender:
        return False
    royal = {t for t in titles if t in ROYAL_TITLES}
    office = {t for t in titles if t in ROLE_TITLES and t not in ROYAL_TITLES and t != "former"}
    their_royal = {t for t in candidate.titles if t in ROYAL_TITLES}
    their_office = {t for t in candidate.titles if t in ROLE_TITLES and t not in ROYAL_TITLES and t != "former"}
    if royal and (their_office and not their_royal or their_royal and not royal & their_royal):
        return False
    return not (office and their_royal and not their_office)


def _group_people(mentions: list[Mention], doc: Doc | None = None) -> dict[int, tuple[str, str]]:
    """Map each person mention (by position in `mentions`) to the (first, last) key of its person.

    A full name ("Hillary Clinton") names a person. A surname or title + surname goes to the one person of the
    article it is compatible with (gender from Mr./Mrs. and the first name, royal titles); when several share
    it, to the one named far more often, else it stays a person of its own ("Clinton"). A titled surname
    before any compatible full name ("President Obama" … "Michelle Obama") introduces its own person.
    """
    full: dict[tuple[str, str], _PersonCandidate] = {}
    for m in mentions:
        key = _person_key(m.text)
        if len(m.text.split()) >= 2 and key[0] != key[1]:
            titles = _titles_before(doc, m.start) if doc is not None else []
            cand = full.setdefault(key, _PersonCandidate(key, m.start, words=tuple(_name_key(m.text).split())))
            cand.starts.append(m.start)
            if doc is not None and _names_whose_relative(doc, m.end):
                cand.asides.add(m.start)
            cand.count += 1
            cand.titles.update(titles)
            cand.gender = cand.gender or _title_gender(titles)
    for cand in full.values():
        cand.gender = cand.gender or first_name_gender(cand.key[0])
    starts = {start for cand in full.values() for start in cand.starts}
    alone = {_person_key(m.text)[0] for m in mentions if len(m.text.split()) == 1 and m.end not in starts}
    for cand in full.values():  # "Keith" glued to "Lamont Scott" by a split entity is not the given name alone
        cand.given_name_alone = cand.key[0] in alone
    variant_of = _name_variants(full)
    by_last: dict[str, list[_PersonCandidate]] = {}
    by_first: dict[str, list[_PersonCandidate]] = {}
    for cand in full.values():
        if cand.key in variant_of:
            continue
        by_last.setdefault(cand.key[1], []).append(cand)
        by_first.setdefault(cand.key[0], []).append(cand)
    solo: dict[str, list[_PersonCandidate]] = {}  # surnames introduced with a title, no full name yet
    assigned: dict[int, tuple[str, str]] = {}
    for pos, m in enumerate(mentions):
        key = _person_key(m.text)
        if key in full or ("." in m.text and len(m.text) <= 5):  # "U.N." is not Kim Jong Un
            assigned[pos] = variant_of.get(key, key)
            continue
        titles = _titles_before(doc, m.start) if doc is not None else []
        focus = _previous_sentence_start(doc, m.start) if doc is not None else 0
        chosen = _person_for_surname(key[1], m.start, titles, by_last, by_first, solo, focus)
        assigned[pos] = (key[1], key[1]) if chosen.key[0] == "" else chosen.key
    return assigned


def _name_variants(full: dict[tuple[str, str], _PersonCandidate]) -> dict[tuple[str, str], tuple[str, str]]:
    """Full names that are another's variant ("Ken Starr" of "Kenneth Starr"), mapped to the one named first;
    the variant's counts and titles go to it. Different known genders keep them apart."""
    variant_of: dict[tuple[str, str], tuple[str, str]] = {}
    for cand in full.values():  # "Wasserman Schultz" of "Debbie Wasserman Schultz": a surname of two words
        if first_name_gender(cand.words[0]) if cand.words else True:
            continue  # "Hillary Clinton" is a given name and a surname, never a surname of two words
        longer = [c for c in full.values() if len(c.words) > len(cand.words) >= 2
                  and c.words[-len(cand.words):] == cand.words]
        if len(longer) == 1:
            variant_of[cand.key] = longer[0].key
            longer[0].count += cand.count
            longer[0].starts += cand.starts
            longer[0].first_at = min(longer[0].first_at, cand.first_at)
            longer[0].asides |= cand.asides
            longer[0].given_name_alone |= cand.given_name_alone
    ordered = sorted((c for c in full.values() if c.key not in variant_of), key=lambda c: c.first_at)
    for k, cand in enumerate(ordered):
        for earlier in ordered[:k]:
            if earlier.key in variant_of or earlier.key[1] != cand.key[1]:
                continue
            if cand.gender and earlier.gender and cand.gender != earlier.gender:
                continue
            if same_given_name(earlier.key[0], cand.key[0]):
                variant_of[cand.key] = earlier.key
                earlier.count += cand.count
                earlier.asides |= cand.asides
                earlier.given_name_alone |= cand.given_name_alone
                earlier.titles |= cand.titles
                earlier.gender = earlier.gender or cand.gender
                break
    return variant_of


def _person_for_surname(word: str, at: int, titles: list[str], by_last: dict[str, list[_PersonCandidate]],
                        by_first: dict[str, list[_PersonCandidate]],
                        solo: dict[str, list[_PersonCandidate]], focus: int = 0) -> _PersonCandidate:
    """The person a one-word name at token `at` stands for; a new surname-only person when none fits.

    Several full names that fit ("Bill Clinton", "Hillary Clinton") are told apart as news copy does: the one
    named in full in this sentence or the one before (from token `focus` on) when only one is, else the
    person the story introduced first (the wire convention: a second person who shares the surname keeps the
    first name on every later mention). So one named in full only to say whose relative someone is ("Elian
    Gonzalez's father said ...") and otherwise by given name alone ("Elian") is not that lead."""
    gender = _title_gender(titles)
    surname_of = [c for c in by_last.get(word, []) if _compatible(c, gender, titles)]
    offices = {t for t in titles if t not in GENDER_TITLES and t != "former"}
    if offices and by_last.get(word) and not any(c.first_at < at or c.titles & offices for c in surname_of):
        surname_of = []  # named by title before any full name it could be: a person of its own
    candidates = surname_of + [c for c in solo.get(word, []) if _compatible(c, gender, titles)]
    if not candidates and not by_last.get(word):
        candidates = [c for c in by_first.get(word, []) if _compatible(c, gender, titles)]
    if len(candidates) > 1 and all(c.words for c in candidates):
        in_focus = [c for c in candidates if any(focus <= start < at for start in c.starts)]
        introduced = [c for c in candidates if c.first_at < at]
        chosen: _PersonCandidate | None
        if len(in_focus) == 1:
            chosen = in_focus[0]
        elif introduced:
            chosen = min(introduced, key=lambda c: (_kept_to_given_name(c, at), c.first_at))
        else:  # "Mr. Gonzalez said" before either Gonzalez is named in full: only one named far more often
            chosen = _dominant(candidates)
    else:
        chosen = _dominant(candidates)
    if chosen is None and (titles or not candidates):
        own = ("", word) if not candidates else ("?", word)
        chosen = next((c for c in solo.get(word, []) if c.key == own), None)
        if chosen is None:
            chosen = _PersonCandidate(own, at, gender, set(titles))
            solo.setdefault(word, []).append(chosen)
    elif chosen is None:
        chosen = _PersonCandidate(("?", word), at)  # shared surname, no one stands out
    chosen.count += 1
    chosen.titles.update(titles)
    chosen.gender = chosen.gender or gender
    return chosen


def _kept_to_given_name(candidate: _PersonCandidate, at: int) -> bool:
    """Named in full before token `at` only to say whose relative someone is ("Elian Gonzalez's father"), and
    otherwise by the given name alone ("Elian"): the one the story keeps to a first name, not its lead."""
    return candidate.given_name_alone and not any(start < at and start not in candidate.asides
                                                  for start in candidate.starts)


def _names_whose_relative(doc: Doc, end: int) -> bool:
    """A name ending before token `end` written as whose relative someone is: "Elian Gonzalez's father",
    "Ilham Aliyev's younger brother"."""
    if end >= len(doc) or doc[end].lower_ not in ("'s", "\u2019s", "'", "\u2019"):
        return False
    i = end + 1
    while i < len(doc) and i - end <= 6 and (doc[i].pos_ in ("ADJ", "NUM") or doc[i].text == "-") \
            and doc[i].lower_ not in KIN_NOUNS:
        i += 1  # "younger", "late", "6-year-old", "great-"
    return i < len(doc) and doc[i].lower_ in KIN_NOUNS


def _previous_sentence_start(doc: Doc, i: int) -> int:
    """Token index where the sentence before the one holding token `i` starts (0 in the first sentence)."""
    start = sentence_bounds(doc, i)[0]
    return sentence_bounds(doc, start - 1)[0] if start > 0 else 0


def _dominant(candidates: list[_PersonCandidate]) -> _PersonCandidate | None:
    """The one candidate, or the one named at least DOMINANT_RATIO times as often as any other."""
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        return None
    ranked = sorted(candidates, key=lambda c: -c.count)
    if ranked[0].count >= DOMINANT_RATIO * max(ranked[1].count, 1):
        return ranked[0]
    return None


def _is_person_name_token(word: str, person_words: set[str]) -> bool:
    return _name_key(word) in person_words


def _classify(doc: Doc, mentions: list[Mention]) -> list[tuple[Mention, str]]:
    """Each mention with its kind, fixing the model's inconsistent labels within the article."""
    person_texts = {_name_key(m.text) for m in mentions if m.label == "PERSON"}
    person_words: set[str] = set()
    for m in mentions:
        if m.label == "PERSON" and len(m.text.split()) >= 2:
            first, last = _person_key(m.text)
            person_words.update((first, last))
    kinds: list[tuple[Mention, str]] = []
    for m in mentions:
        key = _name_key(m.text)
        outlet = outlet_for(m.text) and key not in person_words  # "Bloomberg" where Michael Bloomberg is named
        if (organization_in(m.text, text_of(doc)) or outlet) and m.label != "SPLIT":
            kinds.append((m, "organization"))  # "U.N." tagged PERSON, "NATO" tagged GPE
            continue
        if key in NON_COUNTRY_REGIONS:
            kinds.append((m, "place"))
            continue
        if m.label == "PERSON":
            country = country_for(m.text)
            kinds.append((m, "country" if country and country.how == "name" else "person"))
            continue
        if m.label == "ORG" and _titled_person_name(doc, m, person_words | person_texts):
            kinds.append((m, "person"))  # "Spokeswoman Haley Morris", "Commentary's Noah Rothman" tagged ORG
            continue
        if m.label == "ORG" and _person_role_follows(doc, m):
            kinds.append((m, "person"))  # "Jean-Marc Ayrault, the foreign minister of France"
            continue
        if key in person_texts or (m.end - m.start == 1 and key in person_words and not country_for(m.text)):
            kinds.append((m, "person"))
            continue
        if m.label == "SPLIT":
            kinds.append((m, "country" if country_for(m.text) else "person"))
            continue
        place_kind = _place_kind(doc, m)
        if place_kind is not None:
            kinds.append((m, place_kind))
            continue
        kinds.append((m, ENTITY_KINDS[m.label]))
    return kinds


def _titled_person_name(doc: Doc, m: Mention, person_words: set[str]) -> bool:
    """A name the model tagged as an organisation that is a person's title or an owner ("Commentary's") and then
    a given name and a surname, the given name a known one or the surname a person's elsewhere in the article:
    "Spokeswoman Haley Morris", "Commentary's Noah Rothman"."""
    if m.end - m.start < 3:
        return False
    first = doc[m.start].lower_.rstrip(".")
    if doc[m.start + 1].tag_ == "POS":
        given = m.start + 2
    elif (first in PERSON_ROLE_WORDS or first in PERSON_DESCRIPTORS or first in GENDER_TITLES) and (
            first not in ROYAL_TITLES):  # "King James Bible"
        given = m.start + 1
    else:
        return False
    name = doc[given:m.end]
    if m.end - given not in (2, 3) or not all(t.is_title and t.tag_ == "NNP" for t in name) or any(
            t.lower_ in ROLE_TITLES or t.lower_ in PERSON_ROLE_WORDS for t in name):
        return False
    return first_name_gender(doc[given].lower_) is not None or _name_key(doc[m.end - 1].text) in person_words


def _person_role_follows(doc: Doc, m: Mention) -> bool:
    """An ORG-tagged name with a person's title as appositive: it is a person."""
    if m.end - m.start < 2 or not all(t.is_title for t in doc[m.start:m.end] if t.is_alpha):
        return False
    role = role_of(doc, m.start, m.end)
    return bool(role and any(w.rstrip(".") in PERSON_ROLE_WORDS for w in role.lower().split()))


# Tags the model gives a surname it did not take for a name: "Anastasiades said" tagged NNS for its -es.
NAME_TAGS = frozenset({"NNP", "NNPS", "NNS"})


def _untagged_name_mentions(doc: Doc, taken: set[int], person_words: set[str],
                            full_names: set[tuple[str, str]]) -> list[Mention]:
    """Proper nouns the model left untagged that match a person's name found elsewhere ("Trump-Kim summit"); two
    that make a full name found elsewhere are that name ("Ivanka Trump" untagged once, tagged elsewhere)."""
    found = []
    skip_to = -1
    for token in doc:
        if token.i < skip_to or token.i in taken or token.tag_ not in NAME_TAGS or not token.is_title:
            continue
        after = doc[token.i + 1] if token.i + 1 < len(doc) else None
        if after is not None and after.i not in taken and after.tag_ == "NNP" and (
                _name_key(token.text), _name_key(after.text)) in full_names:
            found.append(_mention(doc, token.i, token.i + 2, "NAME"))
            skip_to = token.i + 2
            continue
        if _name_key(token.text) in person_words and not (token.i + 1 < len(doc) and doc[token.i + 1].tag_ == "NNP"
                                                          and doc[token.i + 1].i not in taken):
            found.append(_mention(doc, token.i, token.i + 1, "NAME"))
    return found


def _acronym(words: list[str]) -> str:
    return "".join(w[0] for w in words if w[:1].isupper()).lower()


def role_of(doc: Doc, start: int, end: int) -> str | None:
    """The title or appositive the text gives a name: "State Department spokeswoman", "the minister"."""
    span = doc[start:end]
    root = span.root
    # Left modifiers: "State Department spokeswoman Heather Nauert", "U.S. Secretary of State Mike Pompeo".
    left_positions = {t.i for t in root.subtree if t.i < start}
    i = start - 1
    sent_start = sentence_bounds(doc, start)[0]
    while i in left_positions and i >= sent_start:
        token = doc[i]
        if token.tag_ in ("DT", "PRP$") or token.text in (",", "(", '"', "\u201c", "\u201d") or token.is_space:
            break
        i -= 1
    role = _role_text(doc, i + 1, start)
    if role:
        return role
    # Appositive after the name: "Heather Nauert, the State Department spokeswoman".
    for child in root.rights:
        if child.dep_ == "appos" and child.i >= end and child.ent_type_ != "PERSON":
            last = min(child.right_edge.i + 1, child.i + MAX_ROLE_TOKENS)
            for j in range(child.i + 1, last):
                if doc[j].text in (",", ";", "(", "\u2014", "--") or doc[j].tag_ in ("WP", "WDT"):
                    last = j
                    break
            return _role_text(doc, child.left_edge.i, last)
    # The name as appositive of a role: "the spokeswoman, Heather Nauert, said".
    if root.dep_ == "appos" and root.head.i < start and root.head.ent_type_ == "":
        head = root.head
        return _role_text(doc, head.left_edge.i, head.i + 1)
    noun = _role_closed_by_a_place(doc, root, start)
    if noun is not None:
        return _role_text(doc, noun.left_edge.i, root.head.i + 1)
    return None


def _role_closed_by_a_place(doc: Doc, root: Token, start: int) -> Token | None:
    """The role's noun where the parse hangs the name in apposition on the place that ends the role: "ambassador"
    in "the Iraqi ambassador to Greece, Ahmed Saleh, said"."""
    place = root.head
    if root.dep_ != "appos" or place.i >= start or place.dep_ != "pobj" or doc[place.i + 1:start].text not in (",", ""):
        return None
    noun = place.head.head
    if place.head.dep_ != "prep" or noun.tag_ not in ("NN", "NNS") or noun.ent_type_:
        return None
    return noun


def sentence_bounds(doc: Doc, i: int) -> tuple[int, int]:
    """Token bounds of the sentence holding token `i`; the whole Doc when it has no sentence boundaries."""
    if not doc.has_annotation("SENT_START"):
        return 0, len(doc)
    sent = doc[i].sent
    return sent.start, sent.end


def _role_text(doc: Doc, start: int, end: int) -> str | None:
    while start < end and (doc[start].tag_ in ("DT", "PRP$", ",") or doc[start].is_punct
                           or doc[start].lower_.rstrip(".") in GENDER_TITLES):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    if start >= end or end - start > MAX_ROLE_TOKENS:
        return None
    tokens = doc[start:end]
    if not any(t.tag_ in ("NN", "NNS") or t.lower_.rstrip(".") in ROLE_TITLES for t in tokens):
        return None
    if any(t.is_space or t.text in ('"', "\u201c", "\u201d") for t in tokens):
        return None
    return tokens.text


def quoted_tokens(doc: Doc) -> list[bool]:
    """For each token, whether it stands between quotation marks (the words of a speaker, not the narrator's)."""
    mask: list[bool] | None = doc.user_data.get("diplobot_quoted")
    if mask is None:
        mask = [False] * len(doc)
        starts = [t.idx for t in doc]
        for span in find_quoted_spans(text_of(doc)):
            for i in range(max(0, bisect.bisect_right(starts, span.start) - 1), bisect.bisect_left(starts, span.end)):
                mask[i] = True
        doc.user_data["diplobot_quoted"] = mask
    return mask


def _person_gender_from_pronouns(doc: Doc, person_mentions: list[tuple[Mention, str]]) -> dict[str, str]:
    """Gender learned from he/she as subject after a sentence's only named person, in that sentence or the next.
    A pronoun inside quotation marks is the speaker's word about someone else, never evidence."""
    quoted = quoted_tokens(doc)
    votes: dict[str, Counter[str]] = {}
    by_sent: dict[tuple[int, int], list[tuple[Mention, str]]] = {}
    for m, name in person_mentions:
        by_sent.setdefault(sentence_bounds(doc, m.start), []).append((m, name))
    for (_sent_start, sent_end), found in by_sent.items():
        names = {name for _, name in found}
        if len(names) != 1:
            continue
        name = names.pop()
        first_end = min(m.end for m, _ in found)
        next_end = sentence_bounds(doc, sent_end)[1] if sent_end < len(doc) else sent_end
        for token in doc[first_end:next_end]:
            if token.i >= sent_end and token.dep_ in ("nsubj", "nsubjpass") and (
                    token.lower_ not in PRONOUN_GENDER):
                break  # the next sentence is about someone else first
            if token.dep_ not in ("nsubj", "nsubjpass") or quoted[token.i]:
                continue  # "McCaskill scolded him": an object pronoun is someone else
            gender = PRONOUN_GENDER.get(token.lower_)
            if gender:
                votes.setdefault(name, Counter())[gender] += 1
                if token.i >= sent_end:
                    break
    return {name: counts.most_common(1)[0][0] for name, counts in votes.items()
            if len(counts) == 1 or counts.most_common(2)[0][1] >= 2 * counts.most_common(2)[1][1]}


def build_index(doc: Doc) -> ActorIndex:  # noqa: C901 - its steps in order: classify, group, name the groups
    """Find, classify and merge the actors of one parsed article."""
    mentions, title_genders = _without_newsroom(doc, *_raw_mentions(doc))
    kinds = _classify(doc, mentions)
    for m, kind in kinds:
        if kind == "person":
            _trim_person_mention(doc, m)
    _trim_to_known_full_names(doc, [m for m, kind in kinds if kind == "person"])
    person_words: set[str] = set()
    for m, kind in kinds:
        if kind == "person" and len(m.text.split()) >= 2:
            person_words.update(_person_key(m.text))
    taken = {i for m in mentions for i in range(m.start, m.end)}
    full_names = {_person_key(m.text) for m, kind in kinds if kind == "person" and len(m.text.split()) == 2}
    for extra in _untagged_name_mentions(doc, taken, person_words, full_names):
        kinds.append((extra, "person"))
    kinds.sort(key=lambda mk: mk[0].start)
    gender_hint = {id(mentions[pos]): g for pos, g in title_genders.items()}

    groups: dict[tuple[str, str], _Group] = {}
    order: list[tuple[str, str]] = []

    def group_for(kind: str, key: str) -> _Group:
        gkey = (kind, key)
        if gkey not in groups:
            groups[gkey] = _Group(kind)
            order.append(gkey)
        return groups[gkey]

    people = [m for m, kind in kinds if kind == "person"]
    person_keys = _group_people(people, doc)
    mention_group: list[tuple[Mention, _Group]] = []
    for pos, m in enumerate(people):
        g = group_for("person", " ".join(person_keys[pos]))
        g.forms[m.text] += 1
        g.mentions.append(m)
        mention_group.append((m, g))

    countries = {country_for(m.text).country for m, kind in kinds if kind == "country"}  # type: ignore[union-attr]
    compass_country = {
        word: country for country in countries for word in ("north", "south")
        if country.lower().startswith(word + " ") and not any(
            c.lower().startswith(word + " ") and c != country for c in countries)
    }
    org_acronyms: dict[str, str] = {}
    for m, kind in kinds:
        if kind == "organization" and len(m.text.split()) >= 2:
            org_acronyms.setdefault(_acronym(m.text.split()), _name_key(m.text))
    for m, kind in kinds:
        if kind == "person":
            continue
        compass = compass_country.get(_name_key(m.text)) if kind in ("place", "country", "group") else None
        body = _body_named(doc, m) if kind == "organization" else None
        if compass is not None:  # "the North" in a Korea story
            g = group_for("country", compass)
            g.canonical = compass
        elif body is not None:
            g = group_for("organization", _name_key(body))
            g.canonical = body
        elif kind == "country":
            g = group_for("country", country_for(m.text).country)  # type: ignore[union-attr]
            g.canonical = country_for(m.text).country  # type: ignore[union-attr]
        else:
            key = _name_key(m.text)
            if kind == "organization" and m.text.isupper() and key.replace(" ", "") in org_acronyms:
                key = org_acronyms[key.replace(" ", "")]
            g = group_for(kind, key)
        g.forms[m.text] += 1
        g.mentions.append(m)
        mention_group.append((m, g))

    genders_by_group: dict[int, str] = {}
    for m, g in mention_group:
        if id(m) in gender_hint:
            genders_by_group.setdefault(id(g), gender_hint[id(m)])

    actors_by_group: dict[int, Actor] = {}
    index = ActorIndex(actors=[], mentions=[])
    for gkey in list(order):
        g = groups[gkey]
        if g.kind == "group" and all(_describes(doc, m) for m in g.mentions):
            order.remove(gkey)  # "European allies", "Asian steel": a word about others, not a party
    for gkey in order:
        g = groups[gkey]
        if g.canonical is None:
            if g.kind == "person":  # a full name; not "Wasserman Schultz" where "Debbie Wasserman Schultz" is
                preferred = [f for f in g.forms if len(f.split()) >= 2]
                preferred = [f for f in preferred if first_name_gender(_name_key(f).split()[0]) or not any(
                    _name_key(other).endswith(" " + _name_key(f)) for other in preferred)]
            else:  # "International Atomic Energy Agency" over "IAEA"
                preferred = [f for f in g.forms if not f.isupper()]
            pool = preferred or list(g.forms)
            g.canonical = max(pool, key=lambda f: (g.forms[f], len(f)))
            if g.canonical.isupper() and g.kind == "person":
                g.canonical = g.canonical.title()
        aliases = sorted({f for f in g.forms if f != g.canonical})
        actor = Actor(name=g.canonical, kind=g.kind, mentions=len(g.mentions), aliases=aliases)
        if g.kind == "person":
            for m in g.mentions:
                actor.role = role_of(doc, m.start, m.end)
                if actor.role:
                    break
            gender = genders_by_group.get(id(g)) or _role_gender(actor.role) or (
                first_name_gender(_person_key(actor.name)[0]) if len(actor.name.split()) >= 2 else None)
            if gender:
                index.gender[actor.name] = gender
        actors_by_group[id(g)] = actor
        index.actors.append(actor)

    for m, g in mention_group:
        if id(g) not in actors_by_group:
            continue  # a group word that only describes others
        actor = actors_by_group[id(g)]
        index.mentions.append((m, actor))
        for i in range(m.start, m.end):
            index.by_token[i] = actor
        for form in [actor.name, *actor.aliases]:
            index.by_key.setdefault(_name_key(form), actor)
        if actor.kind == "person":
            first, last = _person_key(actor.name)
            index.by_key.setdefault(last, actor)
    index.mentions.sort(key=lambda ma: ma[0].start)

    learned = _person_gender_from_pronouns(doc, [(m, a.name) for m, a in index.mentions if a.kind == "person"])
    for name, gender in learned.items():
        index.gender.setdefault(name, gender)
    index.actors.sort(key=lambda a: -a.mentions)
    index.actors = [a for a in index.actors if not _is_newsroom_person(doc, a, index)]
    return index


def _describes(doc: Doc, m: Mention) -> bool:
    """A nationality or other group word used as an adjective ("European allies", "Asian steel", "Turkish Cypriot
    communities"): it tells what someone else is. A country's demonym is the country and never comes here."""
    return all(t.tag_ == "JJ" for t in doc[m.start:m.end])


def _role_gender(role: str | None) -> str | None:
    if not role:
        return None
    for word in role.lower().split():
        if word in GENDERED_ROLES:
            return GENDERED_ROLES[word]
    return None


def actor_index(doc: Doc) -> ActorIndex:
    """The index `extract_actors` left on the Doc, built now if it has not run."""
    index: ActorIndex | None = doc._.diplobot_actors
    if index is None:
        index = build_index(doc)
        doc._.diplobot_actors = index
    return index


def extract_actors(doc: Doc) -> list[Actor]:
    """The article's actors, most mentioned first."""
    index = build_index(doc)
    doc._.diplobot_actors = index
    return index.actors


# --- places, countries, organisations and the newsroom (not persons) ------------------------------------

# Prepositions after which a capital is where something happens, not who acts: "talks in Nairobi".
LOCATIVE_PREPOSITIONS = frozenset({
    "in", "at", "to", "from", "near", "into", "outside", "inside", "around", "across", "via", "through", "toward",
    "towards", "within", "of", "for", "over", "on", "out", "past", "beyond", "throughout",
})
# Verbs whose object is a place one goes to or acts upon physically: "visited Beijing", "shelled Kabul".
PLACE_VERBS = frozenset({
    "visit", "visited", "visits", "visiting", "leave", "left", "leaves", "leaving", "reach", "reached", "enter",
    "entered", "tour", "toured", "flee", "fled", "attack", "attacked", "bomb", "bombed", "shell", "shelled",
    "capture", "captured", "seize", "seized", "arrive", "arrived", "host", "hosted", "hosts", "hit", "struck",
    "rocked", "surround", "surrounded",
})
# Nouns a capital modifies when it stands for its government: "Beijing officials", "the Washington administration".
GOVERNMENT_NOUNS = frozenset({
    "official", "officials", "government", "authorities", "leadership", "regime", "administration", "leaders",
    "diplomats", "negotiators",
})
# Cities that host an international body: the city stands for the body in a sentence about it.
BODY_SEATS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "brussels": (("European Union", ("eu", "e.u.", "european", "bloc", "eurozone", "commission", "brexit")),
                 ("NATO", ("nato", "alliance"))),
    "the hague": (("International Criminal Court", ("court", "tribunal", "icc")),),
    "new york": (("United Nations", ("u.n.", "un", "united nations", "security council")),),
    "vienna": (("International Atomic Energy Agency", ("iaea", "atomic", "nuclear watchdog")),),
    "geneva": (("United Nations", ("u.n.", "un", "united nations")),),
}


def _without_newsroom(doc: Doc, mentions: list[Mention], genders: dict[int, str]
                      ) -> tuple[list[Mention], dict[int, str]]:
    """Mentions that are not the story's newsroom: none inside a dateline, byline or credit line, and no news
    outlet named as the story's source ("(AP)", "told Reuters", "Xinhua reported")."""
    spans = credit_spans(text_of(doc))
    person_words = {w for m in mentions if m.label == "PERSON" and len(m.text.split()) >= 2
                    for w in _person_key(m.text)}  # "Bloomberg" is a person where Michael Bloomberg is
    kept: list[Mention] = []
    kept_genders: dict[int, str] = {}
    for pos, m in enumerate(mentions):
        if in_spans(spans, m.start_char, m.end_char):
            continue
        if (outlet_for(m.text) and _name_key(m.text) not in person_words and not organization_in(m.text, text_of(doc))
                and is_source_credit(doc, m.start, m.end)):
            continue
        if pos in genders:
            kept_genders[len(kept)] = genders[pos]
        kept.append(m)
    return kept, kept_genders


def _place_kind(doc: Doc, m: Mention) -> str | None:
    """ "country" or "place" for a name of the country table, None for other names.

    A country's name, demonym or seat of government is the country everywhere in the article, whatever the
    model tagged it; a capital city is its government only where it acts ("Washington said", "Beijing's
    warning"), and a place where things happen in it ("talks in Nairobi"). A city that hosts an international
    body is that body in a sentence about it (`_body_named`).
    """
    match = country_for(m.text)
    if match is None:
        return None
    if match.how != "capital" or not doc.has_annotation("DEP"):
        return "country"
    if not _acts(doc, m):
        return "place"
    return "organization" if _seat_body(doc, m) else "country"


def _acts(doc: Doc, m: Mention) -> bool:
    """The name is an agent in its sentence: subject, possessor, the one a verb addresses, or a party to talks."""
    token = doc[m.start:m.end].root
    for _ in range(3):
        dep = token.dep_
        if dep in ("nsubj", "nsubjpass", "poss", "agent", "npadvmod"):
            return True
        if dep == "compound":
            return token.head.lower_ in GOVERNMENT_NOUNS
        if dep == "dobj":
            return token.head.lower_ not in PLACE_VERBS
        if dep == "pobj":
            return token.head.lower_ not in LOCATIVE_PREPOSITIONS or (
                token.head.lower_ in ("to", "on", "for") and token.head.head.pos_ == "NOUN"
                and token.head.head.lower_ not in ("trip", "visit", "flight", "journey", "road", "return"))
        if dep not in ("conj", "appos") or token.head.i == token.i:
            return False
        token = token.head
    return False


def _seat_body(doc: Doc, m: Mention) -> str | None:
    """The international body a host city stands for in this sentence ("Brussels" in a sentence on the EU)."""
    bodies = BODY_SEATS.get(" ".join(m.text.lower().split()))
    if not bodies:
        return None
    lo, hi = sentence_bounds(doc, m.start)
    words = {t.lower_ for t in doc[lo:hi] if not m.start <= t.i < m.end}
    for body, cues in bodies:
        if words & set(cues):
            return body
    return None


def _body_named(doc: Doc, m: Mention) -> str | None:
    """The canonical organisation a mention names: a table body the article supports, a news outlet that is a
    party to the story, or the body a host city stands for."""
    return organization_in(m.text, text_of(doc)) or outlet_for(m.text) or _seat_body(doc, m)


def _is_newsroom_person(doc: Doc, actor: Actor, index: ActorIndex) -> bool:
    """A journalist of the story rather than a party: "CNN anchor Jake Tapper", "Reuters' Jane Doe"."""
    if actor.kind != "person":
        return False
    if newsroom_role(actor.role):
        return True
    for m, a in index.mentions:
        if a is not actor or m.start == 0:
            continue
        before = doc[m.start - 1]
        if before.lower_ in ("anchor", "correspondent", "reporter", "columnist", "moderator"):
            return True
        if before.tag_ == "POS" and m.start >= 2 and outlet_for(doc[m.start - 2].text):
            return True
    return False
