"""Who a person is across articles: name normalisation and the rules that link a quote's speaker to a known
person, and a typed name to the people it may mean. Pure functions; `bot.storage.people` runs the queries."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from rapidfuzz import fuzz

# Words that say what a person is, not who: "Secretary Pompeo" is Pompeo.
TITLE_WORDS = frozenset("""
    mr mrs ms miss dr sir dame lord lady prof professor rev
    president vice prime minister ministers secretary deputy under assistant general chief
    foreign defence defense state interior finance trade home affairs
    ambassador envoy special spokesman spokeswoman spokesperson representative rep senator sen
    chancellor king queen prince princess crown emperor premier leader chairman chairwoman chair
    commissioner director head high undersecretary governor mayor supreme acting former
    of the for
""".split())

# Title words that tell one office from another; the others ("of", "foreign", "acting") only qualify them.
OFFICE_WORDS = frozenset("""
    president minister secretary ambassador envoy spokesperson representative senator chancellor king queen
    prince princess emperor premier leader chairman commissioner director governor mayor undersecretary
    general sheriff judge pope
""".split())
SAME_OFFICE = {"spokesman": "spokesperson", "spokeswoman": "spokesperson", "chairwoman": "chairman",
               "chair": "chairman", "sen": "senator", "rep": "representative", "ministers": "minister"}

FUZZY_TOKEN_SCORE = 85  # one name token against another, typo tolerant ("Pompei" ~ "Pompeo")
SUGGESTION_SCORE = 60
MAX_ALIASES = 20


def fold(text: str) -> str:
    """Case-folded text without accents; hyphens, dots and apostrophes inside names unified."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = re.sub(r"['’`´]s\b", " ", folded)  # possessive: "Pompeo's"
    return re.sub(r"['’`´]", "", folded)  # "O'Brien" = "OBrien"


def words_of(text: str) -> list[str]:
    return [w for w in re.split(r"[\W_]+", fold(text)) if w]


@lru_cache(maxsize=200_000)
def name_tokens(name: str) -> tuple[str, ...]:
    """The name words without titles: "Secretary Mike Pompeo" → ("mike", "pompeo"); "Kim Jong-un" → 3 words."""
    return tuple(w for w in words_of(name) if w not in TITLE_WORDS)


@lru_cache(maxsize=20_000)
def office_words(text: str | None) -> frozenset[str]:
    """The office words of a role or of a typed title: "U.S. Secretary of State" → {"secretary"}."""
    if not text:
        return frozenset()
    found = (SAME_OFFICE.get(w, w) for w in words_of(text))
    return frozenset(w for w in found if w in OFFICE_WORDS)


def name_key(tokens: Sequence[str]) -> str:
    """A full name's key: its words without middle initials ("George W. Bush" → "george bush")."""
    if len(tokens) <= 2:
        return " ".join(tokens)
    return " ".join([tokens[0], *(t for t in tokens[1:-1] if len(t) > 1), tokens[-1]])


def same_name(a: Sequence[str], b: Sequence[str]) -> bool:
    """Two full names of one person: same first and last word; middle words the same, one side without them,
    or initials of each other ("George W. Bush" = "George Bush" ≠ "George H. W. Bush" only with both middles)."""
    if len(a) < 2 or len(b) < 2 or a[0] != b[0] or a[-1] != b[-1]:
        return False
    middle_a, middle_b = list(a[1:-1]), list(b[1:-1])
    if not middle_a or not middle_b:
        return True
    if len(middle_a) != len(middle_b):
        return False
    return all(x == y or (min(len(x), len(y)) == 1 and x[0] == y[0]) for x, y in zip(middle_a, middle_b, strict=True))


def _known(value: str | None) -> str:
    return " ".join(words_of(value)) if value else ""


def roles_compatible(a: str | None, b: str | None) -> bool:
    """Roles of one person: either unknown, or sharing an office word (King ≠ President)."""
    offices_a, offices_b = office_words(a), office_words(b)
    return not offices_a or not offices_b or bool(offices_a & offices_b)


@dataclass(frozen=True)
class Speaker:
    """What one article says about the speaker of a quote."""

    name: str
    role: str | None = None
    organisation: str | None = None
    country: str | None = None

    @cached_property
    def tokens(self) -> tuple[str, ...]:
        return name_tokens(self.name)

    @cached_property
    def title(self) -> str | None:
        """The role, or the title written in the name ("President Bush" → "President")."""
        if self.role:
            return self.role
        titles = [w for w in re.split(r"\s+", self.name) if w and words_of(w) and words_of(w)[0] in TITLE_WORDS
                  and office_words(w)]
        return " ".join(titles) or None


@dataclass
class Person:
    """A person as stored: one full name (or a surname kept apart) and what disambiguates it."""

    id: int | None
    name: str
    role: str | None = None
    organisation: str | None = None
    country: str | None = None
    aliases: list[str] = field(default_factory=list)
    quote_count: int = 0

    @property
    def tokens(self) -> tuple[str, ...]:
        return name_tokens(self.name)

    @property
    def surname_only(self) -> bool:
        return len(self.tokens) == 1

    def alias_tokens(self) -> set[str]:
        found = set(self.tokens)
        for alias in self.aliases:
            found.update(name_tokens(alias))
        return found


def is_person_name(name: str | None) -> bool:
    """A speaker that names someone: not empty, not only a title ("the spokeswoman")."""
    return bool(name and name_tokens(name))


def compatible(speaker: Speaker, person: Person) -> bool:
    """Nothing known about them tells them apart: role, organisation and country agree where both are known."""
    if not roles_compatible(speaker.title, person.role):
        return False
    for ours, theirs in ((speaker.organisation, person.organisation), (speaker.country, person.country)):
        if ours and theirs and _known(ours) != _known(theirs):
            return False
    return True


def person_for(speaker: Speaker, candidates: Iterable[Person]) -> Person | None:
    """The known person this speaker is, or None when it is someone new (or cannot be told apart).

    `candidates` are the people sharing the speaker's surname. A full name joins the one compatible person of the
    same name; a surname alone joins the one compatible full-name person with that surname, else the one
    surname-only entry it matches; anything ambiguous stays its own entry.
    """
    tokens = speaker.tokens
    if not tokens:
        return None
    people = list(candidates)
    if len(tokens) >= 2:
        named = [p for p in people if same_name(tokens, p.tokens) and compatible(speaker, p)]
        if len(named) > 1:
            exact = [p for p in named if p.tokens == tokens]
            named = exact or named
        if len(named) > 1 and speaker.title:  # a known role picks the person who had it
            with_role = [p for p in named if p.role and office_words(p.role) & office_words(speaker.title)]
            named = with_role or named
        if len(named) > 1:  # nothing tells them apart: the one without a role, if any, gathers such mentions
            bare = [p for p in named if not p.role and not p.country and not p.organisation
                    and p.tokens == tokens]
            named = bare
        return named[0] if len(named) == 1 else None
    surname = tokens[0]
    full = [p for p in people if len(p.tokens) >= 2 and p.tokens[-1] == surname and compatible(speaker, p)]
    if len(full) == 1:
        return full[0]
    if full:
        return None
    own = [p for p in people if p.tokens == tokens and compatible(speaker, p)]
    if len(own) > 1 and speaker.title:
        own = [p for p in own if p.role and office_words(p.role) & office_words(speaker.title)] or own
    return own[0] if len(own) == 1 else None


def new_person(speaker: Speaker) -> Person:
    """A person first met as this speaker."""
    name = speaker.name.strip()
    return Person(id=None, name=name, role=speaker.title, organisation=speaker.organisation,
                  country=speaker.country, aliases=[name])


def absorb(person: Person, speaker: Speaker) -> bool:
    """Learn what this speaker adds to the person (a role, a spelling); True when something changed."""
    changed = False
    if not person.role and speaker.title:
        person.role = speaker.title
        changed = True
    for attribute in ("organisation", "country"):
        if not getattr(person, attribute) and getattr(speaker, attribute):
            setattr(person, attribute, getattr(speaker, attribute))
            changed = True
    name = speaker.name.strip()
    if name and name not in person.aliases and len(person.aliases) < MAX_ALIASES:
        person.aliases.append(name)
        changed = True
    return changed


def index_tokens(person: Person) -> set[str]:
    """What the name-token index holds for a person: name and alias words, and `role:` office words."""
    return person.alias_tokens() | {f"role:{w}" for w in office_words(person.role)}


def trigrams(token: str) -> set[str]:
    """Character 3-grams of a word padded as pg_trgm pads it ("  p", " po", ..., "eo ")."""
    padded = f"  {token} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


# --- what a typed name means ------------------------------------------------------------------------------


@dataclass
class Query:
    """A typed name: its name words and the office words of its title ("President Clinton")."""

    text: str
    tokens: tuple[str, ...]
    offices: frozenset[str]

    @classmethod
    def of(cls, text: str) -> Query:
        return cls(text, name_tokens(text), office_words(text))


@dataclass
class Choice:
    """What a typed name resolved to: people to show together (`chosen`), or several to choose from."""

    chosen: list[Person] = field(default_factory=list)
    choices: list[Person] = field(default_factory=list)
    close: bool = False  # the choices are spelling suggestions, not people who share the name


def token_found(token: str, candidates: Iterable[str]) -> bool:
    return any(token == c or (len(token) >= 4 and fuzz.ratio(token, c) >= FUZZY_TOKEN_SCORE) for c in candidates)


def _by_importance(people: Iterable[Person]) -> list[Person]:
    return sorted(people, key=lambda p: (-p.quote_count, p.name, p.id or 0))


def _narrowed(query: Query, people: list[Person]) -> list[Person]:
    """People whose role fits the typed title; those with no known role only when nobody's role fits."""
    if not query.offices:
        return people
    fitting = [p for p in people if office_words(p.role) & query.offices]
    if fitting:
        return fitting
    return [p for p in people if not office_words(p.role)]


def _with_surname_entries(head: Person, people: list[Person]) -> list[Person]:
    """A full-name person with the surname-only entries that can only be them."""
    extra = [p for p in people if p.surname_only and p.tokens[0] == head.tokens[-1]
             and roles_compatible(p.role, head.role)]
    return [head, *extra]


def choose(query: Query, candidates: Iterable[Person], limit: int = 5) -> Choice:
    """The person a typed name means among `candidates` (people sharing a word with it, or spelt alike).

    An exact full name wins; a title narrows; a name shared by several people gives them as choices; a typo
    still finds the person when only one is close.
    """
    people = _by_importance(candidates)
    if not query.tokens:  # only a title: "the spokeswoman"
        fitting = [p for p in people if office_words(p.role) & query.offices] if query.offices else []
        return _one_or_choices(fitting, people, limit)
    wanted = query.tokens
    exact = _narrowed(query, [p for p in people if p.tokens == wanted or (len(wanted) >= 2 and same_name(
        wanted, p.tokens) and name_key(wanted) == name_key(p.tokens))])
    if exact:
        full = [p for p in exact if not p.surname_only]
        if len(wanted) == 1 and len(full) <= 1:  # a surname: its full-name owner when there is just one
            owners = _narrowed(query, [p for p in people if not p.surname_only and p.tokens[-1] == wanted[0]])
            if len(owners) == 1:
                return Choice(chosen=_with_surname_entries(owners[0], exact))
            if len(owners) > 1:
                return Choice(choices=(owners + exact)[:limit])
        if len(exact) == 1:
            return Choice(chosen=exact)
        return Choice(choices=exact[:limit])
    hits = [p for p in people if all(token_found(t, p.alias_tokens()) for t in wanted)]
    hits = _narrowed(query, hits)
    full = [p for p in hits if not p.surname_only]
    if len(full) == 1:
        return Choice(chosen=_with_surname_entries(full[0], hits))
    if len(hits) == 1:
        return Choice(chosen=hits)
    if hits:
        return Choice(choices=hits[:limit])
    scores = {id(p): sum(max((fuzz.ratio(t, w) for w in p.alias_tokens()), default=0) for t in wanted)
              / len(wanted) for p in people}
    close = sorted((p for p in people if scores[id(p)] >= SUGGESTION_SCORE),
                   key=lambda p: (-scores[id(p)], -p.quote_count, p.name))
    return Choice(choices=close[:limit], close=True)


def _one_or_choices(fitting: list[Person], people: list[Person], limit: int) -> Choice:
    if len(fitting) == 1:
        return Choice(chosen=fitting)
    return Choice(choices=fitting[:limit])


class Directory:
    """People in memory, found by surname: links speakers to people (`person_for`), adding the new ones."""

    def __init__(self, people: Iterable[Person] = ()) -> None:
        self.people: list[Person] = []
        self._by_token: dict[str, list[Person]] = {}
        self._by_ends: dict[tuple[str, str], list[Person]] = {}
        self._ids: set[int] = set()
        for person in people:
            self.add(person)

    def add(self, person: Person) -> None:
        if person.id is not None:
            if person.id in self._ids:
                return
            self._ids.add(person.id)
        self.people.append(person)
        self._index(person)

    def _index(self, person: Person) -> None:
        for token in person.alias_tokens():
            found = self._by_token.setdefault(token, [])
            if all(p is not person for p in found):
                found.append(person)
        tokens = person.tokens
        if tokens:
            ends = self._by_ends.setdefault((tokens[0], tokens[-1]), [])
            if all(p is not person for p in ends):
                ends.append(person)

    def sharing(self, token: str) -> list[Person]:
        return list(self._by_token.get(token, ()))

    def candidates(self, speaker: Speaker) -> list[Person]:
        """The people `person_for` needs to see: same first and last word for a full name, the surname's
        people for a surname alone."""
        tokens = speaker.tokens
        if len(tokens) >= 2:
            return list(self._by_ends.get((tokens[0], tokens[-1]), ()))
        return self.sharing(tokens[0]) if tokens else []

    def link(self, speaker: Speaker) -> tuple[Person, bool, bool]:
        """The person of this speaker, created when new: (person, is_new, changed)."""
        found = person_for(speaker, self.candidates(speaker))
        if found is None:
            person = new_person(speaker)
            self.add(person)
            return person, True, True
        changed = absorb(found, speaker)
        if changed:
            self._index(found)
        return found, False, changed
