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
    commissioner director head high undersecretary governor gov mayor supreme acting former then
    speaker justice judge sheriff pope cardinal bishop rabbi imam sheikh gen col lt capt adm sgt
    of the for
""".split())

# Title words that tell one office from another; the others ("of", "foreign", "acting") only qualify them.
OFFICE_WORDS = frozenset("""
    president minister secretary ambassador envoy spokesperson representative senator chancellor king queen
    prince princess emperor premier leader chairman commissioner director governor mayor undersecretary
    general sheriff judge pope speaker justice
""".split())
SAME_OFFICE = {"spokesman": "spokesperson", "spokeswoman": "spokesperson", "chairwoman": "chairman",
               "chair": "chairman", "sen": "senator", "rep": "representative", "ministers": "minister",
               "gov": "governor", "presidents": "president", "senators": "senator", "secretaries": "secretary"}
# Words of a role that say nothing about the office: "former", "then" ("then-Secretary"), "of", "the".
ROLE_FILLER = frozenset("""
    a an the of for to in at on and or with from by as s former then acting current late new old
    mr mrs ms miss dr sir
""".split())
SETTLED_OFFICE = 3  # articles giving a person an office before another office means someone else
MAX_ROLE_WORDS = 40  # distinct role words kept per person (the most seen)

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


NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


@lru_cache(maxsize=200_000)
def name_tokens(name: str) -> tuple[str, ...]:
    """The name words without the title written before them: "Secretary Mike Pompeo" → ("mike", "pompeo");
    "Kim Jong-un" → 3 words. Only a leading title goes ("Jim Justice" and "Julie Bishop" keep their surnames),
    and a generational suffix ("Jr.") is not a name word."""
    words = words_of(name)
    while len(words) > 1 and words[-1] in NAME_SUFFIXES:
        words.pop()
    if all(w in TITLE_WORDS for w in words):
        return ()  # only a title: "the spokeswoman"
    last_title = max((i for i, w in enumerate(words[:-1]) if w in TITLE_WORDS), default=-1)
    return tuple(words[last_title + 1:])


@lru_cache(maxsize=50_000)
def title_words(text: str | None) -> tuple[str, ...]:
    """The words of a role or a typed title that say what the office is ("then-Secretary of State" →
    ("secretary", "state")), spelt as offices are compared ("Sen." → "senator")."""
    if not text:
        return ()
    return tuple(SAME_OFFICE.get(w, w) for w in words_of(text) if w not in ROLE_FILLER and not w.isdigit())


@lru_cache(maxsize=50_000)
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


def dominant(weights: Sequence[tuple[Person, int]]) -> Person | None:
    """The one person whose evidence outweighs every other's twice over (and was seen at least twice), if any:
    "Secretary Clinton" is the Clinton most often called Secretary."""
    ranked = sorted(weights, key=lambda pw: -pw[1])
    if not ranked or ranked[0][1] < 2:
        return None
    if len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]:
        return None
    return ranked[0][0]


@dataclass(frozen=True)
class Speaker:
    """What one article says about the speaker of a quote."""

    name: str
    role: str | None = None
    organisation: str | None = None
    country: str | None = None
    # For a surname alone: the full names of the article's people with that surname ("Chris Murphy", "Anne
    # Marie Murphy"), whom the article itself could not tell apart; the speaker is one of them, nobody else.
    namesakes: tuple[str, ...] = ()

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
    """A person as stored: one full name (or a surname kept apart) and what disambiguates it.

    `role_words` counts, over the articles that quoted the person, the words of the roles they were given
    ("secretary": 6), so that a title typed or written later is matched against every role they had.
    """

    id: int | None
    name: str
    role: str | None = None
    organisation: str | None = None
    country: str | None = None
    aliases: list[str] = field(default_factory=list)
    quote_count: int = 0
    role_words: dict[str, int] = field(default_factory=dict)
    namesakes: tuple[str, ...] = ()  # a surname-only entry's article people with that surname (see Speaker)

    @cached_property
    def tokens(self) -> tuple[str, ...]:  # a person's name is never rewritten (`merge_into` adds aliases)
        return name_tokens(self.name)

    @property
    def surname_only(self) -> bool:
        return len(self.tokens) == 1

    def alias_tokens(self) -> set[str]:
        found = set(self.tokens)
        for alias in self.aliases:
            found.update(name_tokens(alias))
        return found

    def offices(self) -> frozenset[str]:
        """Every office the person was given (the stored role's and the counted roles')."""
        return office_words(self.role) | frozenset(w for w in self.role_words if w in OFFICE_WORDS)

    def title_weight(self, words: Iterable[str]) -> int:
        """How often the person was given these title words (each at least once when the stored role has it)."""
        own = set(title_words(self.role))
        return sum(max(self.role_words.get(w, 0), 1 if w in own else 0) for w in set(words))


def is_person_name(name: str | None) -> bool:
    """A speaker that names someone: not empty, not only a title ("the spokeswoman")."""
    return bool(name and name_tokens(name))


def compatible(speaker: Speaker, person: Person) -> bool:
    """Nothing known about them tells them apart: the countries agree where both are known, and the speaker's
    office is one the person had (or either is unknown). A full name keeps its person through a change of
    office (senator, then secretary of state) unless the person's other offices are settled (given in
    SETTLED_OFFICE articles or more: a namesake, or a misread role). An organisation is never a conflict
    (people move between them, and roles name them loosely): it only prefers one person over another."""
    if speaker.country and person.country and _known(speaker.country) != _known(person.country):
        return False
    ours = office_words(speaker.title)
    theirs = person.offices()
    if not ours or not theirs or ours & theirs:
        return True
    if len(speaker.tokens) >= 2 and not person.surname_only:
        return person.title_weight(theirs) < SETTLED_OFFICE
    return False


def _best(speaker: Speaker, people: list[Person]) -> Person | None:
    """The one of several compatible people this speaker most likely is: the same spelling, the same office
    (most often given), the same country and organisation, then the most quoted. None when there is nobody."""
    if len(people) <= 1:
        return people[0] if people else None
    tokens = speaker.tokens
    people = [p for p in people if p.tokens == tokens] or people
    offices = office_words(speaker.title)
    if offices:
        holders = [(p, p.title_weight(offices)) for p in people if p.offices() & offices]
        people = [p for p, _ in holders] or people
        chosen = dominant(holders)
        if chosen is not None:
            return chosen
    for attribute in ("country", "organisation"):
        value = _known(getattr(speaker, attribute))
        if value:
            people = [p for p in people if _known(getattr(p, attribute)) == value] or people
    return max(people, key=lambda p: (p.quote_count, -(p.id or 0)))


def person_for(speaker: Speaker, candidates: Iterable[Person]) -> Person | None:
    """The known person this speaker is, or None when it is someone new.

    `candidates` are the people sharing the speaker's surname. A full name joins a compatible person of the
    same name (the likeliest, when several are); a surname alone joins the one compatible full-name person
    with that surname, or the one of them whose office it names and who was most often given it; otherwise
    the surname's own entry (one per office), so that an ambiguous surname is kept apart, never guessed.
    """
    tokens = speaker.tokens
    if not tokens:
        return None
    people = list(candidates)
    if len(tokens) >= 2:
        return _best(speaker, [p for p in people if same_name(tokens, p.tokens) and compatible(speaker, p)])
    surname = tokens[0]
    full = [p for p in people if len(p.tokens) >= 2 and p.tokens[-1] == surname and compatible(speaker, p)]
    if speaker.namesakes:  # only the article's own people with that surname may be meant
        full = [p for p in full if any(same_name(name_tokens(n), p.tokens) for n in speaker.namesakes)]
        if len(speaker.namesakes) > 1 and not office_words(speaker.title):
            full = []
    if len(full) == 1:
        return full[0]
    offices = office_words(speaker.title)
    if full and offices:
        holders = [(p, p.title_weight(offices)) for p in full if p.offices() & offices]
        chosen = holders[0][0] if len(holders) == 1 else dominant(holders)
        if chosen is not None:
            return chosen
    own = [p for p in people if p.tokens == tokens and compatible(speaker, p) and p.namesakes == speaker.namesakes]
    if offices:  # "Clinton (Secretary)" and "Clinton (President)" are two entries, not one
        own = [p for p in own if p.offices() & offices] or [p for p in own if not p.offices()]
    else:
        own = [p for p in own if not p.offices()] or own
    return _best(speaker, own)


def only_them(entry: Person, people: Iterable[Person]) -> Person | None:
    """The full-name person a surname-only entry can only be (the one compatible person with that surname
    among `people`), or None."""
    if not entry.surname_only or len(entry.namesakes) > 1:
        return None
    as_speaker = Speaker(entry.name, role=entry.role, country=entry.country)
    full = [p for p in people if len(p.tokens) >= 2 and p.tokens[-1] == entry.tokens[0] and p.id != entry.id
            and compatible(as_speaker, p) and not (entry.offices() and p.offices()
                                                   and not entry.offices() & p.offices())
            and all(same_name(name_tokens(n), p.tokens) for n in entry.namesakes)]
    return full[0] if len(full) == 1 else None


def new_person(speaker: Speaker) -> Person:
    """A person first met as this speaker."""
    name = speaker.name.strip()
    person = Person(id=None, name=name, role=speaker.title, organisation=speaker.organisation,
                    country=speaker.country, aliases=[name], namesakes=speaker.namesakes)
    count_role(person, speaker)
    return person


def count_role(person: Person, speaker: Speaker) -> None:
    """Count the words of the role this speaker was given (once per article that quotes them)."""
    for word in set(title_words(speaker.title)):
        person.role_words[word] = person.role_words.get(word, 0) + 1
    if len(person.role_words) > MAX_ROLE_WORDS:
        kept = sorted(person.role_words.items(), key=lambda wc: (-wc[1], wc[0]))[:MAX_ROLE_WORDS]
        person.role_words = dict(kept)


def absorb(person: Person, speaker: Speaker, *, new_article: bool = True) -> bool:
    """Learn what this speaker adds to the person (a role, a spelling, the role's words when it is another
    article's); True when something changed."""
    changed = False
    if not person.role and speaker.title:
        person.role = speaker.title
        changed = True
    for attribute in ("organisation", "country"):
        if not getattr(person, attribute) and getattr(speaker, attribute):
            setattr(person, attribute, getattr(speaker, attribute))
            changed = True
    if new_article and speaker.title:
        count_role(person, speaker)
        changed = True
    name = speaker.name.strip()
    if name and name not in person.aliases and len(person.aliases) < MAX_ALIASES:
        person.aliases.append(name)
        changed = True
    return changed


def merge_into(person: Person, entry: Person) -> None:
    """Fold a surname-only entry's spellings, roles and count into the full-name person it can only be."""
    for alias in entry.aliases:
        if alias not in person.aliases and len(person.aliases) < MAX_ALIASES:
            person.aliases.append(alias)
    for word, count in entry.role_words.items():
        person.role_words[word] = person.role_words.get(word, 0) + count
    person.role = person.role or entry.role
    person.country = person.country or entry.country
    person.organisation = person.organisation or entry.organisation
    person.quote_count += entry.quote_count


def affiliation(role: str | None, holders: Iterable[tuple[str, Sequence[str]]]) -> str | None:
    """The first of `holders` (name, other names: the article's countries or organisations) that a role names
    ("Pakistani Foreign Minister" → Pakistan), leaving out a posting ("ambassador to Greece" is not Greek)."""
    words = words_of(role) if role else []
    if not words:
        return None
    best: tuple[int, str] | None = None
    for name, others in holders:
        for form in {name, *others}:
            wanted = words_of(form)
            if not wanted:
                continue
            for i in range(len(words) - len(wanted) + 1):
                if words[i:i + len(wanted)] == wanted and (i == 0 or words[i - 1] != "to"):
                    if best is None or i < best[0]:
                        best = (i, name)
                    break
    return best[1] if best else None


def identity_key(person: Person) -> str:
    """What makes a stored person unique: the name's key with the offices and country it was created with
    (two saves of one new person at once find one row; two people of one name differ in office or country)."""
    offices = ",".join(sorted(person.offices()))
    namesakes = ",".join(sorted(" ".join(name_tokens(n)) for n in person.namesakes))
    return f"{' '.join(person.tokens)}|{offices}|{_known(person.country)}|{namesakes}"[:400]


def index_tokens(person: Person) -> set[str]:
    """What the name-token index holds for a person: name and alias words, and `role:` office words."""
    return person.alias_tokens() | {f"role:{w}" for w in person.offices()}


def trigrams(token: str) -> set[str]:
    """Character 3-grams of a word padded as pg_trgm pads it ("  p", " po", ..., "eo ")."""
    padded = f"  {token} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


# --- what a typed name means ------------------------------------------------------------------------------


@dataclass
class Query:
    """A typed name: its name words and the words of its title ("President Clinton")."""

    text: str
    tokens: tuple[str, ...]
    offices: frozenset[str]
    titles: frozenset[str] = frozenset()

    @classmethod
    def of(cls, text: str) -> Query:
        tokens = name_tokens(text)
        titles = frozenset(w for w in title_words(text) if w not in tokens)
        return cls(text, tokens, office_words(text), titles)


@dataclass
class Choice:
    """What a typed name resolved to: people to show together (`chosen`), or several to choose from."""

    chosen: list[Person] = field(default_factory=list)
    choices: list[Person] = field(default_factory=list)
    close: bool = False  # the choices are spelling suggestions, not people who share the name
    unresolved: bool = False  # the choices are surnames their articles could not tell from the typed name


def token_found(token: str, candidates: Iterable[str]) -> bool:
    return any(token == c or (len(token) >= 4 and fuzz.ratio(token, c) >= FUZZY_TOKEN_SCORE) for c in candidates)


def _by_importance(people: Iterable[Person]) -> list[Person]:
    """Full names before lone surnames; the most quoted first; an office holder before someone without one."""
    return sorted(people, key=lambda p: (p.surname_only, -p.quote_count, not p.offices(), p.name, p.id or 0))


@dataclass
class _Fit:
    """How a typed name fits a person: which typed words are their name (exactly or spelt alike), and the
    title words, typed or read from the person's roles, that their roles carry how often."""

    person: Person
    exact: bool
    fuzzy: bool
    titles: frozenset[str]
    weight: int


def _fit(query: Query, person: Person, name_words: set[str]) -> _Fit | None:
    """None when a typed word is neither the person's name nor (when it is nobody's name) one of their roles'
    words."""
    names = person.alias_tokens()
    roles = set(person.role_words) | set(title_words(person.role))
    titles = set(query.titles)
    named: list[str] = []
    fuzzy = False
    for token in query.tokens:
        if token in names:
            named.append(token)
        elif token not in name_words and SAME_OFFICE.get(token, token) in roles:  # "Speaker Ryan"
            titles.add(SAME_OFFICE.get(token, token))
        elif token_found(token, names):
            named.append(token)
            fuzzy = True
        else:
            return None
    if not named:
        return None
    wanted = tuple(named)
    exact = not fuzzy and (len(wanted) == 1 or any(
        aliases == wanted or (len(wanted) >= 2 and same_name(wanted, aliases) and name_key(wanted) == name_key(aliases))
        for aliases in {person.tokens, *(name_tokens(a) for a in person.aliases)}))
    offices = frozenset(w for w in titles if w in OFFICE_WORDS)
    if offices and person.offices() and not offices <= person.offices():
        return None  # "President Obama" is not the Obama who never was president
    return _Fit(person, exact, fuzzy, frozenset(titles), person.title_weight(titles) if titles else 0)


def _narrowed(fits: list[_Fit]) -> list[_Fit]:
    """Those whose roles carry the typed title (the one most often given it, when one clearly is); those with
    no known role only when nobody's role carries it."""
    if not any(f.titles for f in fits):
        return fits
    titled = [f for f in fits if f.weight > 0]
    if titled:
        full = [f for f in titled if not f.person.surname_only]
        chosen = dominant([(f.person, f.weight) for f in full or titled])
        return [f for f in titled if f.person is chosen] if chosen is not None else titled
    return [f for f in fits if not f.person.offices()]


def _with_surname_entries(head: Person, people: list[Person]) -> list[Person]:
    """A full-name person with the surname-only entries that can only be them."""
    extra = [p for p in people if p.surname_only and p.tokens[0] == head.tokens[-1] and only_them(p, people) is head]
    return [head, *extra]


def choose(query: Query, candidates: Iterable[Person], limit: int = 5) -> Choice:
    """The person a typed name means among `candidates` (people sharing a word with it, or spelt alike).

    An exact full name wins; a title narrows (to the person most often given it, when one clearly is); a name
    shared by several people gives them as choices, full names first; a typo still finds the person when only
    one is close.
    """
    people = _by_importance(candidates)
    if not query.tokens:  # only a title: "the spokeswoman"
        fitting = [p for p in people if p.offices() & query.offices] if query.offices else []
        return _one_or_choices(fitting, limit)
    name_words = {w for p in people for w in p.alias_tokens()}
    fits = [f for p in people if (f := _fit(query, p, name_words)) is not None]
    exact = _narrowed([f for f in fits if f.exact])
    if exact:
        full = [f.person for f in exact if not f.person.surname_only]
        if len(query.tokens) >= 2 or len(full) == 1:
            group = full or [f.person for f in exact]
            if len(group) == 1:
                return Choice(chosen=_with_surname_entries(group[0], people) if full else group)
            return Choice(choices=group[:limit])
        return _one_or_choices([f.person for f in exact], limit)
    if len(query.tokens) >= 2:  # nobody of that name is quoted; maybe under a surname its article left open
        open_entries = [p for p in people if p.surname_only and p.tokens[0] == query.tokens[-1]
                        and any(same_name(query.tokens, name_tokens(n)) for n in p.namesakes)]
        if open_entries:
            return Choice(choices=open_entries[:limit], unresolved=True)
    hits = _narrowed([f for f in fits if not f.exact])
    full = [f.person for f in hits if not f.person.surname_only]
    if len(full) == 1:
        return Choice(chosen=_with_surname_entries(full[0], people))
    if hits:
        return _one_or_choices([f.person for f in hits], limit)
    scores = {id(p): sum(max((fuzz.ratio(t, w) for w in p.alias_tokens()), default=0) for t in query.tokens)
              / len(query.tokens) for p in people}
    close = sorted((p for p in people if scores[id(p)] >= SUGGESTION_SCORE),
                   key=lambda p: (-scores[id(p)], -p.quote_count, p.name))
    return Choice(choices=close[:limit], close=True)


def _one_or_choices(fitting: list[Person], limit: int) -> Choice:
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

    def remove(self, person: Person) -> None:
        """Forget a person (a surname-only entry merged into its full-name person)."""
        self.people = [p for p in self.people if p is not person]
        for found in [*self._by_token.values(), *self._by_ends.values()]:
            if any(p is person for p in found):
                found[:] = [p for p in found if p is not person]

    def link(self, speaker: Speaker, *, new_article: bool = True) -> tuple[Person, bool, bool]:
        """The person of this speaker, created when new: (person, is_new, changed). `new_article`: the
        speaker comes from an article not yet counted for the person (its role's words are counted)."""
        found = person_for(speaker, self.candidates(speaker))
        if found is None:
            person = new_person(speaker)
            self.add(person)
            return person, True, True
        changed = absorb(found, speaker, new_article=new_article)
        if changed:
            self._index(found)
        return found, False, changed
