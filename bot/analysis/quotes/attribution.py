"""Quotes and who said them.

Quoted spans are found on the characters (straight and curly marks, unbalanced marks, quotes running over
several paragraphs); the dependency parse then finds the speech verb next to each quote and its subject,
which is resolved to a canonical actor (a pronoun to the nearest fitting person before it, a title such as
"the spokeswoman" to the person whose role says so, a surname to the full name). Reported speech without
quotation marks ("Pompeo stressed that sanctions would remain") is kept with `direct=False`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from bot.analysis.actors import (
    NAME_SUFFIXES,
    PRONOUN_GENDER,
    ActorIndex,
    Mention,
    actor_index,
    name_key,
    sentence_bounds,
)
from bot.analysis.first_names import first_name_gender
from bot.analysis.newsroom import credit_spans
from bot.analysis.places import NON_COUNTRY_REGIONS, country_for
from bot.analysis.quotes.marks import (
    MAX_QUOTE_CHARS,
    QUOTE_MARK_CHARS,
    QuotedSpan,
    find_quoted_spans,
    is_closing_mark,
    is_mark,
)
from bot.analysis.quotes.speech_verbs import ASKING_VERBS, REPORTING_VERBS, TRANSITIVE_CUES, is_speech_cue
from bot.analysis.records import Actor, Quote

__all__ = ["MAX_QUOTE_CHARS", "extract_quotes", "find_quoted_spans"]

MIN_QUOTE_WORDS_WITHOUT_CUE = 4  # shorter quoted bits with no speech verb are scare quotes or titles
MAX_TITLE_WORDS = 6
TITLE_SMALL_WORDS = frozenset({"of", "the", "a", "an", "and", "in", "on", "to", "for", "with", "at", "by", "or"})
WORK_NOUNS = frozenset({"show", "film", "movie", "book", "song", "album", "series", "program", "programme",
                        "documentary", "novel", "play", "memoir", "titled", "entitled", "episode", "column",
                        "article", "essay", "podcast", "broadcast", "headline", "musical", "magazine", "clip",
                        "video"})
SUBJECT_DEPS = ("nsubj", "nsubjpass")
CLAUSE_BREAK_DEPS = ("advcl", "conj", "cc", "relcl", "parataxis")
INVERTED_SUBJECT_DEPS = ("dobj", "attr", "npadvmod", "oprd", "dative", "appos", "conj", "nmod")
SPEAKER_TAGS = ("NNP", "NNPS", "NN", "NNS", "PRP", "WP")
DASHES = "\u2015\u2014\u2013-"
MAX_CREDIT_LINE = 80  # a paragraph "-Name, Town." that credits the quote before it is this short
PERSON_PRONOUNS = frozenset({"he", "she"})
GROUP_PRONOUNS = frozenset({"they", "we"})
TITLE_WORDS_SKIP = frozenset({"official", "officials", "source", "sources", "aide", "aides", "person", "people"})
PRONOUN_REACH = 250  # tokens back a pronoun may look for the person it stands for
PRONOUN_NEAR = 40  # a person named this close may be meant even when not a subject
MAX_PRONOUN_CHAIN = 3  # he -> the he before -> … -> a name: how far a chain of pronoun subjects is followed
MAIN_SUBJECT, REPORTED_SUBJECT, NOT_A_SUBJECT = 0, 1, 2


def _subject_rank(token: Token) -> int:
    """MAIN_SUBJECT for the subject of a sentence's main verb (or of a speech verb), REPORTED_SUBJECT for the
    subject of a clause inside it ("Obama" in "Ryan said Obama ignored the law"), NOT_A_SUBJECT otherwise. A name
    in apposition to a subject is that subject: "The group's CEO, Kimberley Fritts, said"."""
    if token.dep_ == "appos" and token.head.i != token.i:
        token = token.head
    if token.dep_ == "poss" and token.head.dep_ in SUBJECT_DEPS and token.head.tag_ in ("NN", "NNS"):
        # "Comey's statement angered the committee. He said …": the one whose words or deeds a sentence is
        # about is what a pronoun after it goes on about, though only after a subject that is a person.
        return max(REPORTED_SUBJECT, _subject_rank(token.head))
    if token.dep_ not in SUBJECT_DEPS:
        return NOT_A_SUBJECT
    verb = token.head
    while verb.dep_ == "conj" and verb.head.i != verb.i:
        verb = verb.head
    if verb.dep_ == "ROOT":
        return MAIN_SUBJECT
    if verb.dep_ == "ccomp" and is_speech_cue(verb.head) and "\n" not in token.doc.text[
            min(verb.head.idx, token.idx):max(verb.head.idx, token.idx)]:
        # "Murphy said Trump continued to hurt his cause": a speech verb inside what someone said is reported too
        # (a parse that hangs the next paragraph's sentence on a speech verb is no report)
        return REPORTED_SUBJECT
    if is_speech_cue(token.head) or is_speech_cue(verb):  # "Ebeling said, and her husband cut in": a subject
        return MAIN_SUBJECT  # of a clause joined to an attribution speaks too
    return REPORTED_SUBJECT



def _known_place(name: str) -> bool:
    """A country, a capital or a region of the maintained tables."""
    return country_for(name) is not None or name_key(name) in NON_COUNTRY_REGIONS


def _has_given_name(span: Span) -> bool:
    """Some word of the span is a known given name ("The New Republic's Jeet Heer")."""
    return any(first_name_gender(t.lower_) is not None for t in span if t.is_title)


LISTENER_CUES = frozenset({"tell", "tells", "told", "telling"})
SHARE_WORDS = frozenset({"percent", "%", "percentage", "majority", "minority", "half", "third", "quarter"})
SURVEY_NOUNS = frozenset({"poll", "polls", "survey", "surveys"})


def _survey_of_share(token: Token) -> Token | None:
    """For a share of the people asked ("31%", "25 percent of likely voters"), the poll or survey its sentence
    names, if any: what a share says is the poll's finding."""
    if token.lower_ not in SHARE_WORDS and not token.like_num:
        return None
    found = [t for t in token.sent if t.lower_ in SURVEY_NOUNS and t.tag_.startswith("NN")]
    if not found:
        return None
    return min(found, key=lambda t: (t.i > token.i, abs(t.i - token.i)))


def _people_by_surname(people: list[Actor]) -> dict[str, Actor]:
    """Surname -> the one person of the article named in full with it (a surname two people share is left out)."""
    found: dict[str, Actor | None] = {}
    for actor in people:
        words = [w for w in name_key(actor.name).split() if w not in NAME_SUFFIXES]
        if len(words) >= 2:
            known = found.setdefault(words[-1], actor)
            if known is not None and known is not actor:
                found[words[-1]] = None
    return {word: actor for word, actor in found.items() if actor is not None}


@dataclass
class _Speaker:
    start: int  # token indices of the mention in the sentence
    end: int
    actor: Actor | None
    cue: Token


class _Resolver:
    """Resolves speaker mentions (names, pronouns, titles) to the article's actors."""

    def __init__(self, doc: Doc, index: ActorIndex) -> None:
        self.doc = doc
        self.index = index
        self.mention_at: dict[int, Mention] = {}
        for mention, _actor in index.mentions:
            for i in range(mention.start, mention.end):
                self.mention_at[i] = mention
        self.person_starts = [m.start for m, a in index.mentions if a.kind == "person"]
        self.persons: list[tuple[Mention, Actor]] = [(m, a) for m, a in index.mentions if a.kind == "person"]
        self.person_by_surname = _people_by_surname([a for _m, a in self.persons])
        self.person_rank = [min((_subject_rank(t) for t in doc[m.start:m.end]), default=NOT_A_SUBJECT)
                            for m, _ in self.persons]
        self.in_quote: list[bool] = [False] * len(doc)
        self.resolved_at: list[int] = []  # token positions of speakers already resolved, sorted
        self.resolved_actor: list[Actor] = []
        self.resolved_set: set[int] = set()
        self.pronoun_memo: dict[int, Actor | None] = {}  # he/she subjects resolved while following a chain

    def mention_span(self, token: Token) -> tuple[int, int, Actor | None]:
        """The mention a subject token stands in, widened to the whole name, with the actor who may speak."""
        start, end, actor = self._mention_span(token)
        return start, end, self._speaking(start, end, actor)

    def _speaking(self, start: int, end: int, actor: Actor | None) -> Actor | None:
        """The actor a speaker mention names, as one who can speak. A one-word name the model took for a place,
        a nationality or an organisation is the article's one person of that surname ("Cuban said" where Mark
        Cuban is named, "Israel said" of Rep. Steve Israel); a place otherwise never speaks (a dateline, a
        headline's "NEW YORK", "South Carolina, he said, was …"), but a single unknown word the model took for a
        place ("Nefzi said", "NRA") or a name with a given name in it is more likely a person or a firm than a
        place and stays the speaker."""
        if actor is None or actor.kind == "person":
            return actor
        if end - start == 1 and (actor.kind != "organization" or not self.doc[start].is_upper):
            person = self.person_by_surname.get(name_key(self.doc[start].text))
            if person is not None:
                return person
        if actor.kind == "place" and (_known_place(actor.name) or self.doc[start].is_upper and end - start > 1
                                      or end - start > 1 and not _has_given_name(self.doc[start:end])):
            return None
        return actor

    def _mention_span(self, token: Token) -> tuple[int, int, Actor | None]:
        mention = self.mention_at.get(token.i)
        if mention is not None:
            return mention.start, mention.end, self.index.actor_at(token.i)
        lower = token.lower_
        survey = _survey_of_share(token)
        if survey is not None:  # 'In a CNN/ORC poll, 31% of Republicans said …': the poll speaks, not "31%"
            return self._mention_span(survey)
        if token.tag_ in ("WP", "WDT") and token.head.dep_ == "relcl" and token.head.head.i != token.i:
            # "Murphy, who said": the mention is "who", the speaker the one it stands for; "Marc Morial, the
            # league's chief executive, who said": through the apposition to the name.
            antecedent = token.head.head
            if antecedent.i not in self.mention_at and antecedent.dep_ == "appos" and antecedent.head.i in self.mention_at:
                antecedent = antecedent.head
            return token.i, token.i + 1, self.mention_span(antecedent)[2]
        if lower in PERSON_PRONOUNS:
            return token.i, token.i + 1, self._pronoun(token)
        if lower in GROUP_PRONOUNS or token.tag_ == "PRP":
            return token.i, token.i + 1, None
        start = token.i
        for child in token.lefts:
            if child.dep_ in ("compound", "amod", "det", "nmod", "poss", "nummod") and child.i < start:
                start = child.left_edge.i if child.dep_ != "det" else child.i
        end = token.i + 1
        for child in token.rights:
            if child.dep_ == "compound" or (child.dep_ == "flat"):
                end = max(end, child.i + 1)
        actor = None
        if token.tag_ in ("NNP", "NNPS"):
            actor = self.index.lookup(self.doc[start:end].text) or self.index.lookup(token.text)
            if actor is None and end - start == 2 and self.doc[start].lower_ == "the":
                actor = self._by_role(token, start)  # "the King": the person the article gives that title
        elif token.tag_ in ("NN", "NNS"):
            actor = self._named_in_apposition(token) or self._by_role(token, start)
        return start, end, actor

    def _named_in_apposition(self, token: Token) -> Actor | None:
        """ "the Turkish mediator, Deputy Foreign Minister Selin Aydemir": the person the role is followed by."""
        for child in token.rights:
            if child.dep_ == "appos" and child.i in self.mention_at:
                actor = self.index.actor_at(child.i)
                if actor is not None and actor.kind == "person":
                    return actor
        return None

    def _pronoun(self, token: Token, depth: int = 0) -> Actor | None:
        """The person "he"/"she" most likely stands for, or None.

        News copy goes on about the subject of the sentence before: the sentences before the pronoun are read
        from the nearest back, and the first that has a fitting subject (a named person, a speaker already
        found, or a he/she that itself resolves) gives it, its main-clause subject before a subject of a
        clause it reports ("Ryan said Obama ignored the law. He says…" is Ryan). A person whose gender
        contradicts the pronoun never fits. Without any fitting subject, a fitting person named just before
        is taken; names inside quotation marks are words of a speaker, not antecedents.
        """
        want = PRONOUN_GENDER[token.lower_]
        doc = self.doc
        nearby: Actor | None = None
        hi = token.i
        lo = sentence_bounds(doc, token.i)[0]
        # '"I don't think the wisdom" -- that Bloomberg is seen as a liberal -- "will last," he says': a person named
        # between the opening of a quote and the pronoun that attributes it is what the quote is about, not its
        # speaker.
        quote_opens = self._quote_opening(lo, token.i)
        while hi > 0 and token.i - hi <= PRONOUN_REACH:
            best: tuple[int, int, Actor] | None = None  # (rank, -position, actor): lowest wins
            for position, actor, rank in self._antecedents(lo, hi, want, depth):
                if position >= quote_opens:
                    continue
                if rank < NOT_A_SUBJECT:
                    if best is None or (rank, -position) < best[:2]:
                        best = (rank, -position, actor)
                elif nearby is None and token.i - position <= PRONOUN_NEAR:
                    nearby = actor
            if best is not None:
                return best[2]
            hi = lo
            lo = sentence_bounds(doc, lo - 1)[0] if lo > 0 else 0
        return nearby

    def _quote_opening(self, lo: int, i: int) -> int:
        """For a pronoun at token i right after a quote ('"…," he said'), the first quoted token of its sentence
        (from lo); else i."""
        k = i - 1
        while k >= lo and not self.in_quote[k] and (self.doc[k].is_punct or self.doc[k].is_space):
            k -= 1
        if k < lo or not self.in_quote[k] or k == i - 1:
            return i
        return next(j for j in range(lo, k + 1) if self.in_quote[j])

    def _antecedents(self, lo: int, hi: int, want: str, depth: int) -> list[tuple[int, Actor, int]]:
        """The people named or spoken of in tokens [lo, hi) whose gender fits, with their rank: MAIN_SUBJECT,
        REPORTED_SUBJECT or NOT_A_SUBJECT, latest first."""
        found: list[tuple[int, Actor, int]] = []
        for k in range(bisect.bisect_left(self.person_starts, hi) - 1, -1, -1):
            mention, actor = self.persons[k]
            if mention.start < lo:
                break
            if self.in_quote[mention.start] or not self._fits(actor, want):
                continue
            found.append((mention.start, actor, self.person_rank[k]))
        for j in range(bisect.bisect_left(self.resolved_at, lo), bisect.bisect_left(self.resolved_at, hi)):
            if self._fits(self.resolved_actor[j], want):
                found.append((self.resolved_at[j], self.resolved_actor[j], MAIN_SUBJECT))
        if depth < MAX_PRONOUN_CHAIN:
            for t in self.doc[lo:hi]:
                if PRONOUN_GENDER.get(t.lower_) == want and t.dep_ in SUBJECT_DEPS and not self.in_quote[t.i] \
                        and t.i not in self.resolved_set:
                    if _subject_rank(t) == MAIN_SUBJECT:
                        if t.i not in self.pronoun_memo:
                            self.pronoun_memo[t.i] = self._pronoun(t, depth + 1)
                        chained = self.pronoun_memo[t.i]
                        if chained is not None:
                            found.append((t.i, chained, MAIN_SUBJECT))
        return found

    def _fits(self, actor: Actor, want: str) -> bool:
        gender = self.index.gender.get(actor.name)
        return gender is None or gender == want

    def remember(self, start: int, actor: Actor | None) -> None:
        """A speaker found at token `start`: later pronouns may go on about them."""
        if actor is None or actor.kind != "person":
            return
        k = bisect.bisect_left(self.resolved_at, start)
        self.resolved_at.insert(k, start)
        self.resolved_set.add(start)
        self.resolved_actor.insert(k, actor)

    def _by_role(self, token: Token, start: int) -> Actor | None:
        """ "the spokeswoman" -> the person whose role says spokeswoman; the most recent such person wins.

        Every qualifier of the role must fit too: "the Iraqi ambassador to Greece" is never an envoy whose
        role names another country.
        """
        word = token.lower_
        if word in TITLE_WORDS_SKIP or any(c.dep_ == "det" and c.lower_ in ("a", "an", "another", "one")
                                           for c in token.children):
            return None  # "an architect who said" introduces someone; it never names the architect already known
        qualifiers = _role_qualifiers(token)
        pos = bisect.bisect_left(self.person_starts, token.i)
        for k in [*range(pos - 1, -1, -1), *range(pos, len(self.persons))]:
            actor: Actor = self.persons[k][1]
            if actor.role and word in actor.role.lower().split() and _role_fits(actor.role, qualifiers):
                return actor
        return None


ROLE_QUALIFIERS_IGNORED = frozenset({"former", "top", "senior", "new", "then", "current", "longtime", "chief",
                                     "the", "a", "an", "its", "his", "her", "their"})


def _role_qualifiers(token: Token) -> list[str]:
    """The words that narrow a role noun: "Iraqi" and "Greece" in "the Iraqi ambassador to Greece"."""
    words = [c.text for c in token.lefts if c.dep_ in ("amod", "compound", "nmod", "poss")
             and c.lower_ not in ROLE_QUALIFIERS_IGNORED and c.is_alpha]
    for prep in token.rights:
        if prep.dep_ == "prep" and prep.lower_ in ("to", "of", "for", "at", "in"):
            words.extend(g.text for g in prep.children if g.dep_ == "pobj" and g.tag_ in ("NNP", "NNPS"))
    return words


def _role_fits(role: str, qualifiers: list[str]) -> bool:
    """Each qualifier is in the role, or names the same country as a word of it ("Iraqi" ~ "Iraq's")."""
    words = role.replace("\u2019", "'").replace("'s", "").split()
    lower = {w.lower() for w in words}
    countries = {c.country for c in (country_for(w) for w in words) if c is not None}
    for q in qualifiers:
        if q.lower() in lower:
            continue
        country = country_for(q)
        if country is None or country.country not in countries:
            return False
    return True


# Named entities that are never the one who speaks: "5:45 p.m." as the subject of a live blog's entry.
NOT_SPEAKER_ENTITIES = frozenset({"TIME"})
DEMONSTRATIVES = frozenset({"that", "this", "these", "those"})


def _may_speak(subject: Token) -> bool:
    """A subject that can be a speaker: not a time of day, not a demonstrative ("her brief said that was
    not her view": "that" is what was said)."""
    return subject.ent_type_ not in NOT_SPEAKER_ENTITIES and not (
        subject.tag_ == "DT" and subject.lower_ in DEMONSTRATIVES)


def _subject_of(cue: Token, in_quote: list[bool] | None = None) -> Token | None:
    """The one who speaks: the verb's subject, or for "according to X" the X.

    Climbs from a participle or clause ("..., adding that", "before asking her") to the verb that has one.
    Subjects inside quotation marks (`in_quote`) are words of the quote, not its speaker.
    """
    if cue.lower_ == "according":
        for child in cue.children:
            if child.lower_ == "to":
                for grand in child.children:
                    if grand.dep_ == "pobj":
                        return grand
        return None
    if cue.dep_ == "acl" and cue.head.tag_ in ("NNP", "NNPS", "NN", "NNS", "PRP"):
        return _acl_speaker(cue, in_quote)
    if cue.tag_ == "VBG" and cue.i > 0 and cue.doc[cue.i - 1].ent_type_ in ("PERSON", "ORG", "NORP") and cue.doc[
            cue.i - 1].tag_ in ("NNP", "NNPS") and not any(
            c.dep_ in SUBJECT_DEPS for c in cue.children):
        return cue.doc[cue.i - 1]
    verb: Token | None = _out_of_relative_clause(_participle_partner(cue))
    fallback: Token | None = None
    for _ in range(5):
        if verb is None:
            break
        subjects = [c for c in verb.children
                    if c.dep_ in SUBJECT_DEPS and not (in_quote and in_quote[c.i]) and _may_speak(c)]
        # Of two subjects the parse gives one verb ("…in Salem, New Hampshire, Trump went"), a person first,
        # then the nearest.
        at = verb.i
        subject = min(subjects, key=lambda c: (c.ent_type_ != "PERSON" and c.lower_ not in PERSON_PRONOUNS,
                                               abs(at - c.i))) if subjects else None
        if subject is not None:
            if verb.i == cue.i or not _climbed_past_a_reporter(subject, verb):
                return subject
            # 'He said his attacks worked and said "…"': "attacks" is the subject of the reported
            # clause; the speaker is the subject of the speech verb above it.
            fallback = fallback or subject
        for child in verb.children:  # "was told by the minister"
            if child.dep_ == "agent":
                for grand in child.children:
                    if grand.dep_ == "pobj":
                        return grand
        if verb.i == cue.i and cue.lower_ not in TRANSITIVE_CUES:  # '"…," said Caddell' parsed as object
            for child in cue.rights:
                if child.i - cue.i > 4:
                    break
                if child.dep_ in INVERTED_SUBJECT_DEPS and child.left_edge.i == cue.i + 1 and (
                        child.ent_type_ in ("PERSON", "ORG", "NORP") or child.lower_ in PERSON_PRONOUNS):
                    return child
        climb = verb.dep_ in ("conj", "advcl", "xcomp", "pcomp", "prep", "ccomp") or (
            verb.dep_ == "dep" and verb.tag_.startswith("VB") and verb.head.tag_.startswith("VB"))  # "…, then leaned"
        verb = verb.head if climb and verb.head.i != verb.i else None
    return fallback


def _participle_partner(cue: Token) -> Token:
    """The participle an "-ing" cue is coordinated with when the parse hung it on another verb of a clause with
    its own subject: in "wrote, demanding that the boy be returned and saying he objects" the saying goes with
    the demanding (whose speaker is the writer), not with "be returned" (whose subject is the boy)."""
    head = cue.head
    if cue.tag_ != "VBG" or cue.dep_ != "conj" or head.tag_ == "VBG" or any(
            c.dep_ in SUBJECT_DEPS for c in cue.children) or not any(c.dep_ in SUBJECT_DEPS for c in head.children):
        return cue
    for ancestor in head.ancestors:
        if ancestor.tag_ == "VBG" and ancestor.dep_ in ("advcl", "conj", "xcomp") and not any(
                c.dep_ in SUBJECT_DEPS for c in ancestor.children):
            return ancestor
        if any(c.dep_ in SUBJECT_DEPS for c in ancestor.children):
            break
    return cue


def _out_of_relative_clause(cue: Token) -> Token:
    """ 'Trump was defensive about not paying an architect who said he was stiffed, saying, "…"': a participle set
    off by a comma that the parse hangs inside a relative clause speaks for the sentence's main clause."""
    if cue.tag_ != "VBG" or cue.dep_ != "advcl" or cue.i == 0:
        return cue
    # The participle, or the "while" that opens it ("- while chanting, …"), comes right after a comma or a dash.
    opener = next((c for c in cue.children if c.dep_ == "mark" and c.i == cue.i - 1), cue)
    if opener.i == 0 or cue.doc[opener.i - 1].text not in DASHES + ",":
        return cue
    head = cue.head
    relative = head.dep_ == "relcl" and any(c.dep_ in SUBJECT_DEPS and c.tag_ in ("WP", "WDT") for c in head.children)
    # "looping the streets around the stadium - where the Panthers played the Vikings - while chanting, …"
    where = head.dep_ in ("relcl", "ccomp") and any(c.dep_ == "advmod" and c.tag_ == "WRB" and c.i < head.i
                                                     for c in head.children)
    if not (relative or where):
        return cue
    root = head
    while root.head.i != root.i:
        root = root.head
    return root if root.tag_.startswith("VB") or root.pos_ in ("VERB", "AUX") else cue


def _acl_speaker(cue: Token, in_quote: list[bool] | None) -> Token | None:
    """The speaker of a participle on a noun: the noun ("Hillary Clinton asking, …"), but for a common noun after a
    preposition the subject of the clause it is in ("Clinton ended the debate with a reference to the film,
    remarking, …")."""
    noun = cue.head
    if noun.tag_ in ("NN", "NNS") and noun.dep_ == "pobj" and not noun.ent_type_:
        verb = next((a for a in noun.ancestors if a.tag_.startswith("VB")), None)
        return _subject_of(verb, in_quote) if verb is not None else None
    return noun


# What people issue to speak for them: "Trump issued a statement saying", "a video that said".
DOCUMENT_NOUNS = frozenset({"statement", "statements", "message", "messages", "ad", "ads", "advertisement",
                            "video", "letter", "email", "e-mail", "tweet", "post", "memo", "sign", "banner",
                            "op-ed", "essay", "release", "note", "filing", "press"})


def _issuer(subject: Token, not_speaker: list[bool]) -> Token | None:
    """The one who issued the document that "says": the subject of "released a statement saying…", or None."""
    noun = subject
    if subject.tag_ in ("WDT", "WP") and subject.head.dep_ == "relcl":
        noun = subject.head.head  # "a video that said"
    if noun.lower_ not in DOCUMENT_NOUNS or noun.dep_ != "dobj":
        return None
    verb = noun.head
    return next((c for c in verb.children if c.dep_ in SUBJECT_DEPS and not not_speaker[c.i]), None)


def _main_subject_for(pronoun: Token, not_speaker: list[bool]) -> Token:
    """ 'The Security Council pledged sanctions against what it called "a clear threat"': "it" or "they" speaking in
    a clause inside a sentence stands for the subject of the sentence's main clause, when that is not a person
    ("it") or not a name of one person ("they"); else the pronoun itself. The pronoun stays the speaker's mention."""
    word = pronoun.lower_
    if word not in ("it", "they") or pronoun.dep_ not in SUBJECT_DEPS:
        return pronoun
    root = pronoun.head
    while root.head.i != root.i:
        root = root.head
    if root.i == pronoun.head.i:
        return pronoun
    subject = next((c for c in root.children if c.dep_ in SUBJECT_DEPS and not not_speaker[c.i]), None)
    if subject is None or subject.i > pronoun.i or subject.ent_type_ == "PERSON" or not (
            subject.lower_ == word or subject.tag_ in ("NN", "NNS", "NNP", "NNPS")):
        return pronoun
    if word == "it" and subject.tag_ in ("NNS", "NNPS"):
        return pronoun
    return subject


def _climbed_past_a_reporter(subject: Token, verb: Token) -> bool:
    """The verb reached by climbing is itself reported by a speech verb with a named subject above it."""
    if verb.dep_ != "ccomp" or not is_speech_cue(verb.head):
        return False
    return subject.tag_ in ("NN", "NNS") and not subject.ent_type_


def extract_quotes(doc: Doc, actors: list[Actor], *, reported: bool = True) -> list[Quote]:
    """Direct quotes (and, with `reported`, reported speech) in text order, each with its speaker.

    Args:
        doc: the parsed article.
        actors: the article's actors from `actors.extract_actors` (their mentions are read from the Doc).
        reported: also return reported speech without quotation marks, as `direct=False`.
    """
    if len(doc) == 0:
        return []
    index = actor_index(doc)
    if index.actors is not actors and actors:
        index.actors = actors
    resolver = _Resolver(doc, index)
    text = doc.text
    token_starts = [t.idx for t in doc]
    spans = find_quoted_spans(text)
    in_quote = [False] * len(doc)
    token_ranges: list[tuple[int, int]] = []
    for span in spans:
        first = max(0, bisect.bisect_right(token_starts, span.start) - 1)
        last = max(first + 1, bisect.bisect_left(token_starts, span.end))
        token_ranges.append((first, last))
        for i in range(first, last):
            in_quote[i] = True
    resolver.in_quote = in_quote
    not_speaker = list(in_quote)  # the words of a quote and the dateline or credit lines never speak
    for c_start, c_end in credit_spans(text):
        for i in range(bisect.bisect_left(token_starts, c_start), bisect.bisect_left(token_starts, c_end)):
            not_speaker[i] = True
    context = _Context(doc, text, token_starts, in_quote, resolver, not_speaker)
    quotes: list[Quote] = []
    previous: _Found | None = None
    for span, (first, last) in zip(spans, token_ranges, strict=True):
        found = _direct_quote(context, span, first, last, previous)
        if found is None:
            continue
        if found.continues and previous is not None and quotes and quotes[-1] is previous.quote:
            # One utterance interrupted by its attribution is one quote: '"A," she said. "B."'
            previous.quote.end = found.quote.end
            previous.quote.text = text[previous.quote.start:previous.quote.end]
            previous.paragraph = (previous.paragraph[0], found.paragraph[1])
            continue
        quotes.append(found.quote)
        previous = found
    if reported:
        quotes.extend(_reported_speech(doc, in_quote, resolver))
        quotes.sort(key=lambda q: q.start)
    return quotes


@dataclass
class _Context:
    doc: Doc
    text: str
    token_starts: list[int]
    in_quote: list[bool]
    resolver: _Resolver
    not_speaker: list[bool]

    def token_at(self, char: int) -> int:
        """Index of the first token starting at or after `char`."""
        return bisect.bisect_left(self.token_starts, char)


@dataclass
class _Found:
    quote: Quote
    cue_i: int | None
    paragraph: tuple[int, int]  # character bounds of the paragraph(s) the quote sits in
    continues: bool = False  # goes on with the quote before it, past that one's attribution


def _paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    p_start = text.rfind("\n", 0, start) + 1
    p_end = text.find("\n", end)
    return p_start, len(text) if p_end < 0 else p_end


def _window(ctx: _Context, first: int, last: int, paragraph: tuple[int, int]) -> tuple[int, int]:
    """Tokens where the quote's speech verb may sit: its sentences within its paragraph, a colon intro."""
    doc, text = ctx.doc, ctx.text
    lo = sentence_bounds(doc, first)[0]
    hi = sentence_bounds(doc, last - 1)[1]
    # '"…," said Caddell.' split into its own sentence after the closing mark.
    if hi - last <= 1 and hi < len(doc) and (
        text[:doc[last - 1].idx + 1].rstrip(" " + QUOTE_MARK_CHARS).endswith(",") or doc[hi].is_lower
        or _attribution_sentence(ctx, hi)
    ):
        hi = sentence_bounds(doc, hi)[1]
    # 'Caddell said:' closing the previous sentence.
    if first - lo <= 1 and lo > 0:
        prev_start = sentence_bounds(doc, lo - 1)[0]
        before = text[doc[prev_start].idx:doc[first].idx].rstrip(" " + QUOTE_MARK_CHARS)
        if before.endswith(":") or before.endswith(","):
            lo = prev_start
    lo = max(lo, ctx.token_at(paragraph[0]))
    hi = min(hi, ctx.token_at(paragraph[1]))
    # A paragraph made of the quote, after one that ends with a colon: 'Sanders made the following comment:'
    before_quote = text[paragraph[0]:doc[first].idx].strip(" " + QUOTE_MARK_CHARS)
    if not before_quote and paragraph[0] > 1:
        prev_text = text[:paragraph[0]].rstrip()
        if prev_text.endswith(":"):
            lo = sentence_bounds(doc, ctx.token_at(len(prev_text) - 1))[0]
    return lo, max(lo, hi)


def _closest_cue(doc: Doc, cues: list[Token], first: int, last: int) -> Token | None:
    """The cue that governs the quote in the parse if there is one, else the nearest one."""
    if not cues:
        return None
    ancestors = set()
    node = _quote_root(doc, first, last)
    for _ in range(60):
        if node.head.i == node.i:
            break
        node = node.head
        ancestors.add(node.i)
    aside = [t for t in cues if _as_aside(doc, t, first, last)]
    if aside:
        return aside[0]
    governing = [t for t in cues if t.i in ancestors]
    spoken = [t for t in governing if not _unspoken(t, governing)]
    return min(spoken or governing or cues, key=lambda t: first - t.i if t.i < first else t.i - last)


def _unspoken(cue: Token, governing: list[Token]) -> bool:
    """A speech verb inside the that-clause of another governing speech verb that speaks of a saying, not one that
    happened: under a modal ('Wasserman Schultz said that the platform should reiterate … "stalwart allies"') or
    without a subject of its own ('Mook told CBS that the campaign expects Holt to insert himself by calling out
    Trump for his "lies"')."""
    if not (any(c.tag_ == "MD" for c in cue.children) or cue.tag_ in ("VB", "VBG") and cue.dep_ in ("pcomp", "xcomp")
            and not any(c.dep_ in SUBJECT_DEPS for c in cue.children)):  # (a participle set off by a comma speaks)
        return False
    for outer in governing:
        branch = _branch_under(cue, outer) if outer.i != cue.i else None
        if branch is not None and branch.dep_ == "ccomp":
            return True
    return False


def _as_aside(doc: Doc, cue: Token, first: int, last: int) -> bool:
    """ '“…,” as a Homeland Security memo put it' / 'As Ryan said, “…”': an "as" clause right next to the quote
    attributes it, whatever verb the quote's sentence hangs on."""
    if not any(c.dep_ == "mark" and c.lower_ == "as" for c in cue.children):
        return False
    lo, hi = cue.left_edge.i, cue.right_edge.i
    if lo >= last:
        return all(t.is_punct or t.is_space for t in doc[last:lo])
    if hi < first:
        return all(t.is_punct or t.is_space for t in doc[hi + 1:first])
    return False


def _attribution_sentence(ctx: _Context, start: int) -> bool:
    """A sentence right after a quote that only attributes it: 'Graham asked.', 'Trump said, looking out'."""
    doc = ctx.doc
    for token in doc[start:min(start + 6, len(doc))]:
        if ctx.in_quote[token.i] or token.text in ("\n", "\n\n"):
            return False
        if is_speech_cue(token):
            # What "said" takes as its object is something said; what "told" takes is whom it was told to
            # ('"…?" Trump told Britain's ITV in an interview').
            taking = ("ccomp", "xcomp") if token.lower_ in LISTENER_CUES else ("ccomp", "xcomp", "dobj")
            return not any(c.dep_ in taking and c.i > token.i for c in token.children)
    return False


def _speaker_fields(doc: Doc, quote: Quote, start: int, end: int, actor: Actor | None,
                    resolver: _Resolver | None = None) -> None:
    if resolver is not None:
        resolver.remember(start, actor)
    glued = len(doc[start].text) - len(doc[start].text.lstrip(DASHES))  # "-Michelle Marks" tokenized as one
    quote.speaker_start = doc[start].idx + (glued if glued < len(doc[start].text) else 0)
    quote.speaker_end = doc[end - 1].idx + len(doc[end - 1])
    quote.speaker_text = doc.text[quote.speaker_start:quote.speaker_end] if glued else doc[start:end].text
    quote.speaker = actor.name if actor else None


def _dash_attribution(ctx: _Context, span: QuotedSpan) -> tuple[int, int, Actor | None] | None:
    """'"…" ― Pamela Padilla': a name after a dash right behind the closing mark."""
    text = ctx.text
    i = span.end
    limit = min(len(text), i + 6)
    while i < limit and (text[i] in ".," + QUOTE_MARK_CHARS or text[i].isspace() and text[i] != "\n"):
        i += 1
    if i < len(text) and text[i] == "\n":  # the pull-quote style: '"…"' ¶ '-Michelle Marks, Philadelphia.'
        j = i
        while j < len(text) and text[j].isspace():
            j += 1
        line_end = text.find("\n", j)
        line = text[j:len(text) if line_end < 0 else line_end]
        if j < len(text) and text[j] in DASHES and len(line) <= MAX_CREDIT_LINE:
            i, limit = j, j + 1
    if i >= limit or text[i] not in DASHES:
        return None
    return _credited_name(ctx, i)


def _paragraph_credit(ctx: _Context, span: QuotedSpan, paragraph: tuple[int, int]) -> tuple[int, int, Actor | None] | None:
    """'“A.” And that is all. “B.” ― Elena Marchetti': a paragraph that ends in a dash credit right behind a
    closing mark credits every quote in it, not only the last one."""
    text = ctx.text
    end = len(text[:paragraph[1]].rstrip(" .\n\t\u00a0"))
    dash = max(text.rfind(d, span.end, end) for d in DASHES)
    if dash < 0 or end - dash > MAX_CREDIT_LINE or "\n" in text[dash:end]:
        return None
    before = text[span.end:dash].rstrip(" \u00a0")
    if not before or before[-1] not in QUOTE_MARK_CHARS or any(c in DASHES for c in text[dash + 1:end]):
        return None
    return _credited_name(ctx, dash)


def _credited_name(ctx: _Context, i: int) -> tuple[int, int, Actor | None] | None:
    """The name a credit dash at character `i` introduces."""
    text = ctx.text
    while i < len(text) and (text[i] in DASHES or text[i].isspace() and text[i] != "\n"):
        i += 1
    k = ctx.token_at(i)
    if k >= len(ctx.doc):
        return None
    for j in range(k, min(k + 4, len(ctx.doc))):  # "― Ambassador Maria Lopez": the name after a title
        if j in ctx.resolver.mention_at:
            return ctx.resolver.mention_span(ctx.doc[j])
        if ctx.doc[j].tag_ not in ("NNP", "NNPS"):
            break
    name = ctx.doc[k]
    if name.tag_ not in ("NNP", "NNPS"):
        return None
    return ctx.resolver.mention_span(name)


def _adjacent_name(ctx: _Context, cue: Token) -> Token | None:
    """A name right before the cue ("Trump boasted", "Cummings (D-Md.) said") or right after ("said Obama")."""
    doc, mention_at = ctx.doc, ctx.resolver.mention_at
    i = cue.i - 1
    while i >= 0 and cue.i - i <= 8 and (doc[i].tag_ in ("RB", "MD") or doc[i].dep_ == "aux"
                                          or doc[i].text == ")"):
        if doc[i].text == ")":
            while i > 0 and doc[i].text != "(" and cue.i - i <= 8:
                i -= 1
        i -= 1
    if i >= 0 and not ctx.in_quote[i] and (i in mention_at or doc[i].tag_ == "PRP" and doc[i].lower_ != "it"):
        return doc[i]
    if i > 0 and doc[i].text == ",":  # "Ramos, 58, told AFP", "Jake Sullivan, her adviser, said"
        for j in range(i - 1, max(-1, i - 16), -1):
            if ctx.in_quote[j] or doc[j].is_sent_start:
                break
            named = ctx.resolver.index.actor_at(j) if j in mention_at else None
            if named is not None and doc[j + 1].text == "," and named.kind in ("person", "organization"):
                return doc[j]
    j = cue.i + 1
    actor = ctx.resolver.index.actor_at(j)
    if j < len(doc) and not ctx.in_quote[j] and cue.lower_ not in TRANSITIVE_CUES and (
            actor is not None and actor.kind in ("person", "organization") or doc[j].lower_ in PERSON_PRONOUNS) and (
            doc[j].dep_ not in SUBJECT_DEPS or doc[j].head.i == cue.i):  # "says he has": the reported clause's
        return doc[j]
    return None


def _opens_sentence(ctx: _Context, first: int) -> bool:
    """Nothing but quotation marks and spaces before the quote's first token in its sentence."""
    lo = sentence_bounds(ctx.doc, first)[0]
    return all(t.is_space or is_mark(t.text) for t in ctx.doc[lo:first])


def _last_person_subject(ctx: _Context, before: int) -> Token | None:
    """The person who is the subject of the last sentence ending before token `before`, if any."""
    end = before - 1
    while end >= 0 and (ctx.doc[end].is_space or is_mark(ctx.doc[end].text) and not ctx.in_quote[end]):
        end -= 1
    if end < 0 or ctx.in_quote[end]:
        return None
    lo, _hi = sentence_bounds(ctx.doc, end)
    for token in ctx.doc[lo:end + 1]:
        if token.dep_ in SUBJECT_DEPS and not ctx.in_quote[token.i]:
            actor = ctx.resolver.index.actor_at(token.i)
            if actor is not None and actor.kind == "person" or token.lower_ in PERSON_PRONOUNS:
                return token
            named = next((c for c in token.subtree if c.dep_ == "appos" and c.i > token.i
                          and c.i in ctx.resolver.mention_at), None)  # "His partner at Lenox, Lawrence Cummings,"
            actor = ctx.resolver.index.actor_at(named.i) if named is not None else None
            if named is not None and actor is not None and actor.kind == "person":
                return named  # "His former business partner, Lawrence B. Cummings, called him a master."
    return None


def _cue_ending_previous_sentence(ctx: _Context, first: int, paragraph: tuple[int, int]) -> Token | None:
    doc = ctx.doc
    lo = sentence_bounds(ctx.doc, first)[0]
    if first - lo > 1 or lo == 0 or doc[lo - 1].idx < paragraph[0]:
        return None
    i = lo - 1
    steps = 0
    while i >= 0 and steps < 6 and not ctx.in_quote[i]:
        if is_speech_cue(doc[i]):
            return doc[i]
        i -= 1
        steps += 1
    return None


def _governing_verb(doc: Doc, first: int, last: int) -> Token | None:
    """The nearest verb above the quote in the parse, outside the quote."""
    node = _quote_root(doc, first, last)
    for _ in range(8):
        if node.head.i == node.i:
            return None
        node = node.head
        if node.tag_.startswith("VB") and not first <= node.i < last:
            return node
    return None


def _branch_under(node: Token, head: Token) -> Token | None:
    """The child of `head` whose subtree holds `node` (walking up the parse), or None when `head` is not above it."""
    for _ in range(60):
        if node.head.i == head.i:
            return node
        if node.head.i == node.i:
            return None
        node = node.head
    return None


def _that_clause(doc: Doc, verb: Token, first: int, last: int) -> tuple[int, int] | None:
    """Character bounds of the that-clause of `verb` that holds the quote, or None."""
    node = _branch_under(_quote_root(doc, first, last), verb)
    if node is None:
        return None
    if node.dep_ != "ccomp" or node.i < verb.i or not any(
            c.dep_ == "mark" and c.lower_ == "that" for c in node.children):
        return None
    left, right = node.left_edge.i, max(node.right_edge.i, last - 1)
    while right > left and (doc[right].is_punct or doc[right].is_space) and not is_closing_mark(doc[right].text):
        right -= 1
    return doc[left].idx, doc[right].idx + len(doc[right])


def _colon_intro(ctx: _Context, first: int, lo: int) -> Token | None:
    """'McCaskill scolded him: "…"': the verb before a colon right in front of the quote."""
    doc = ctx.doc
    i = first - 1
    while i >= lo and (doc[i].is_space or is_mark(doc[i].text)):
        i -= 1
    if i < lo or doc[i].text != ":":
        return None
    # From the word before the colon: "…so upset that I had to change my answer:" is the changer's, not the
    # main clause's (the colon hangs on the sentence's root in the parse).
    verb = doc[i - 1] if i - 1 >= lo and not doc[i - 1].is_punct else doc[i].head
    for _ in range(3):
        if verb.pos_ in ("VERB", "AUX") or verb.tag_.startswith("VB"):
            return verb
        if verb.head.i == verb.i:
            break
        verb = verb.head
    return None


def _name_before_colon(ctx: _Context, first: int, lo: int) -> Token | None:
    """'PENCE: "…"', '… - Carl Bialik: "…"': a person's name right before the colon that opens the quote (the
    transcript and round-up convention), or the person whose statement, post or letter it is."""
    doc = ctx.doc
    i = first - 1
    while i >= lo and (doc[i].is_space or is_mark(doc[i].text)):
        i -= 1
    if i <= lo or doc[i].text != ":" or ctx.not_speaker[i - 1]:
        return None
    name = doc[i - 1]
    if name.lower_ in DOCUMENT_NOUNS:  # 'From Bush's Facebook post: "…"': the one whose document it is
        name = next((c for c in name.children if c.dep_ == "poss" and not ctx.not_speaker[c.i]), name)
    actor = ctx.resolver.index.actor_at(name.i)
    if actor is None and name.tag_ in ("NNP", "NNPS"):
        actor = ctx.resolver.index.lookup(name.text)
    return name if actor is not None and actor.kind == "person" else None


def _direct_quote(  # noqa: C901 - the ways a quote is attributed, in the order they are tried
    ctx: _Context, span: QuotedSpan, first: int, last: int, previous: _Found | None
) -> _Found | None:
    doc, text, resolver = ctx.doc, ctx.text, ctx.resolver
    words = len(text[span.start:span.end].split())
    paragraph = _paragraph(text, span.start, span.end)
    lo, hi = _window(ctx, first, last, paragraph)
    cues = [t for t in doc[lo:hi] if not ctx.in_quote[t.i] and is_speech_cue(t)]
    cue = _closest_cue(doc, cues, first, last)
    start, end = span.start, span.end
    same_paragraph = previous is not None and previous.paragraph[1] >= paragraph[0]
    speaker: tuple[int, int, Actor | None] | None = None
    governed = False  # the speech verb governs the quote in the parse
    if cue is not None and same_paragraph and previous.cue_i == cue.i:  # type: ignore[union-attr]
        cue = None  # the attribution of the quote before: this one goes on with it
    elif cue is not None:
        subject = _subject_of(cue, in_quote=ctx.not_speaker)
        issuer = _issuer(subject, ctx.not_speaker) if subject is not None else None
        if issuer is not None:  # "He released a letter that says he has…": the one who released it
            subject = issuer
        elif (subject is None or subject.tag_ not in SPEAKER_TAGS or not subject.is_alpha
                or abs(subject.i - cue.i) > 12 and subject.i not in resolver.mention_at) and (
                subject is None or _survey_of_share(subject) is None):
            subject = _adjacent_name(ctx, cue) or subject
        if subject is not None and not ctx.not_speaker[subject.i]:
            speaker = resolver.mention_span(subject)
            main = _main_subject_for(subject, ctx.not_speaker)
            if main.i != subject.i and speaker[2] is None:
                speaker = (speaker[0], speaker[1], resolver.mention_span(main)[2])
        clause = _governed_clause(cue, first, last)
        if clause is not None:
            governed = True
            if clause[0] < paragraph[0]:  # a parse that runs on from the paragraph before
                clause = (start, clause[1])
            start, end = clause if clause[0] < start or clause[1] > end + 1 else (start, end)
            end = max(span.end, min(end, len(text[:paragraph[1]].rstrip())))  # a parse never runs past the paragraph
            if start >= span.start and not text[span.end:end].strip(" .,;:!?" + QUOTE_MARK_CHARS):
                end = span.end
    if cue is None and not same_paragraph:
        # '…, Schiff said. "…"': the attribution closing the sentence before, in the same paragraph.
        cue = _cue_ending_previous_sentence(ctx, first, paragraph)
        subject = _subject_of(cue, in_quote=ctx.not_speaker) if cue is not None else None
        if subject is not None and not ctx.not_speaker[subject.i]:
            speaker = resolver.mention_span(subject)
        else:
            cue = None
    if cue is None:
        speaker = _dash_attribution(ctx, span) or _paragraph_credit(ctx, span, paragraph)
        if speaker is None:
            named = _name_before_colon(ctx, first, lo)
            verb = _colon_intro(ctx, first, lo) if named is None else None
            subject = _subject_of(verb, in_quote=ctx.not_speaker) if verb is not None else None
            if named is not None:
                governed = True
                speaker = resolver.mention_span(named)
            elif subject is not None and not ctx.not_speaker[subject.i] and subject.lower_ not in ("it", "this",
                                                                                                   "that"):
                cue, governed = verb, True
                speaker = resolver.mention_span(subject)
        if speaker is None and not same_paragraph:
            # 'The ad targets a "corrupt political system…"': the subject of the verb the quote hangs on; a short
            # quote only inside the that-clause such a verb reports ('Bush ordered that the agencies work with
            # "major party" candidates').
            verb = _governing_verb(doc, first, last)
            if verb is not None and not paragraph[0] <= verb.idx < paragraph[1]:
                verb = None  # a parse that runs on into another paragraph
            clause = None
            # A longer quote goes to the subject of that verb when it is a person; else, like a short one, to the
            # person whose that-clause holds it ('Ryan worried that the safety net was becoming "a hammock…"').
            if verb is not None and (words < MIN_QUOTE_WORDS_WITHOUT_CUE or _person_subject(ctx, verb) is None):
                for _ in range(4):  # up from the clause's own verb ("coordinate") to the one reporting it
                    clause = _that_clause(doc, verb, first, last)
                    if clause is not None or verb.head.i == verb.i:
                        break
                    verb = verb.head
                if clause is None:
                    verb = None
            subject = _person_subject(ctx, verb) if verb is not None else None
            if subject is not None:
                cue = verb
                speaker = resolver.mention_span(subject)
                if clause is not None:
                    governed = True
                    start, end = clause
    if _is_title(doc, text, span, first, last):
        return None  # "the reality show “The Apprentice”"
    continues = speaker is None and same_paragraph
    if continues:
        # '"A," Ebeling said, and her husband cut in. "B."': someone else between the two quotes speaks the second.
        other = _subject_between(ctx, previous.quote, first)  # type: ignore[union-attr]
        if other is not None:
            continues = False
            speaker = resolver.mention_span(other)
    if words < MIN_QUOTE_WORDS_WITHOUT_CUE and not (governed and speaker) and not continues:
        return None  # a scare quote or a title
    quote = Quote(text=text[start:end], start=start, end=end, direct=True, cue=cue.text if cue else None)
    if speaker is not None:
        _speaker_fields(doc, quote, *speaker, resolver=resolver)
    elif continues:
        # The quote goes on after its attribution: '"…," she said. "…"'
        for name in ("speaker", "speaker_text", "speaker_start", "speaker_end", "cue"):
            setattr(quote, name, getattr(previous.quote, name))  # type: ignore[union-attr]
    elif not text[paragraph[0]:span.start].strip(" " + QUOTE_MARK_CHARS):
        if previous is not None and previous.quote.direct and not text[previous.paragraph[1]:paragraph[0]].strip():
            # A quote paragraph right after another one, with no attribution of its own, goes on with it.
            for name in ("speaker", "speaker_text", "speaker_start", "speaker_end"):
                setattr(quote, name, getattr(previous.quote, name))
        else:
            # A quote paragraph after a paragraph about someone: 'Valastro praised Christie. ¶ "We need…"'
            subject = _last_person_subject(ctx, ctx.token_at(paragraph[0]))
            if subject is not None:
                _speaker_fields(doc, quote, *resolver.mention_span(subject), resolver=resolver)
    elif _opens_sentence(ctx, first):
        # 'On "Face the Nation," Sanders called young voters tired of bigotry. "The younger people…"': a quote
        # sentence after a sentence of its paragraph about someone is theirs.
        sentence_start = sentence_bounds(doc, first)[0]
        if sentence_start > ctx.token_at(paragraph[0]):
            subject = _last_person_subject(ctx, sentence_start)
            if subject is not None:
                _speaker_fields(doc, quote, *resolver.mention_span(subject), resolver=resolver)
    cue_i = cue.i if cue is not None else (previous.cue_i if continues else None)  # type: ignore[union-attr]
    return _Found(quote, cue_i, paragraph, continues)


def _person_subject(ctx: _Context, verb: Token) -> Token | None:
    """The subject of `verb` when it names someone of the article or is he/she, outside any quote."""
    subject = _subject_of(verb, in_quote=ctx.not_speaker)
    if subject is not None and not ctx.not_speaker[subject.i] and (
            subject.i in ctx.resolver.mention_at or subject.lower_ in PERSON_PRONOUNS):
        return subject
    return None


def _subject_between(ctx: _Context, before: Quote, first: int) -> Token | None:
    """The last subject outside quotation marks between a quote and the next one that is not the first one's
    speaker: a person, he/she or a noun that may speak ("her husband"), or None."""
    lo = ctx.token_at(before.end)
    found: Token | None = None
    for token in ctx.doc[lo:first]:
        if ctx.in_quote[token.i] or token.dep_ not in SUBJECT_DEPS or _subject_rank(token) != MAIN_SUBJECT:
            continue  # "…, where Mrs. Clinton also spoke": a subordinate clause's subject does not speak
        if before.speaker_start is not None and before.speaker_end is not None and (
                before.speaker_start <= token.idx < before.speaker_end):
            continue
        if token.i in ctx.resolver.mention_at or token.lower_ in PERSON_PRONOUNS or token.tag_ in ("NN", "NNP"):
            actor = ctx.resolver.mention_span(token)[2]
            if actor is not None and before.speaker == actor.name:
                continue  # '"…," Obama said. He did not suggest retaliation. "…"'
            found = token
    return found


def _is_title(doc: Doc, text: str, span: QuotedSpan, first: int, last: int) -> bool:
    """A short, capitalised quoted name of a work: a show, book, film, song or programme."""
    words = text[span.start:span.end].rstrip(",.").split()
    if not words or len(words) > MAX_TITLE_WORDS or text[span.end - 1] in "?!":
        return False
    if not all(w[:1].isupper() or w[:1].isdigit() or w.lower() in TITLE_SMALL_WORDS for w in words):
        return False
    if any(t.ent_type_ == "WORK_OF_ART" for t in doc[first:last]):
        return True
    paragraph = _paragraph(text, span.start, span.end)
    if not text[paragraph[0]:span.start].strip(" " + QUOTE_MARK_CHARS) and not text[
            span.end:paragraph[1]].strip(" .:" + QUOTE_MARK_CHARS):
        return True  # a quoted subheading: the paragraph is the short capitalised phrase alone
    return any(t.lower_ in WORK_NOUNS for t in doc[max(0, first - 4):first])


def _quote_root(doc: Doc, first: int, last: int) -> Token:
    for token in doc[first:last]:
        if not first <= token.head.i < last or token.head.i == token.i:
            return token
    return doc[first]


def _governed_clause(cue: Token, first: int, last: int) -> tuple[int, int] | None:
    """Character bounds of the cue's complement that holds the quote, or None when the cue does not govern it.

    'Pompeo said the talks would be "productive"' gives the whole reported clause, so a partial quote
    keeps its context; '"We are ready," said Pompeo' gives the quote itself.
    """
    if first >= last:
        return None
    doc = cue.doc
    if cue.lower_ == "according" or _as_clause_over(cue, first, last):
        return _according_clause(cue, first, last)
    node = _branch_under(_quote_root(doc, first, last), cue)
    if node is None:
        return None
    if node.i < cue.i and node.dep_ not in ("ccomp", "dobj"):
        return None
    left, right = node.left_edge.i, node.i
    for child in node.rights:  # stop before a trailing subordinate clause: '…" as he faces a test'
        if child.i >= last and child.dep_ in CLAUSE_BREAK_DEPS and not _infinitive_subject_clause(child):
            break
        right = max(right, child.right_edge.i)
    if cue.lower_ not in ASKING_VERBS:  # 'called half of his supporters "deplorables"'
        for child in cue.children:
            if child.dep_ == "dobj" and cue.i < child.i < node.i:
                left = child.left_edge.i
    for k in range(first - 1, left - 1, -1):  # 'Trump asserted that France had lost it: “France is…” he claimed'
        if doc[k].text in (":", ";"):
            left = k + 1
            break
    while left < first and (doc[left].is_punct or doc[left].is_space or is_mark(doc[left].text)):
        left += 1  # the clause starts after its opening mark, not on it
    right = max(right, last - 1)
    right = min(right, _before_setting(doc, last, right))
    while right > left and doc[right].is_punct and not is_closing_mark(doc[right].text):
        right -= 1
    if is_closing_mark(doc[right].text) and right >= last and left >= first:
        right -= 1  # the content stops before its closing mark (a clause that opens before it keeps both marks)
        while right > left and doc[right].is_punct and doc[right].i >= last:
            right -= 1
    return doc[left].idx if left < first else doc[first].idx, doc[right].idx + len(doc[right])


# Where and how something was said: 'called the system "rigged" in a tweet Tuesday' - the setting, not the words.
SETTING_NOUNS = DOCUMENT_NOUNS | frozenset({"tweets", "interview", "interviews", "speech", "speeches", "rally",
                                            "appearance", "conference", "call", "hearing", "briefing", "event",
                                            "broadcast", "show", "remarks", "posts", "emails", "letters", "videos"})


def _before_setting(doc: Doc, last: int, right: int) -> int:
    """The last token before a setting phrase right after the closing mark ('"rigged" in a tweet', '"a disgrace"
    Wednesday on the show'), else right; a phrase further on may belong to the words ("to secure the city during
    the event")."""
    k = last
    while k <= right and (doc[k].is_punct or doc[k].is_space):
        k += 1
    if k > right:
        return right
    token = doc[k]
    if token.dep_ == "prep" and any(c.dep_ == "pobj" and c.lower_ in SETTING_NOUNS for c in token.children):
        return k - 1
    if token.dep_ == "npadvmod" and token.ent_type_ in ("DATE", "TIME") and token.left_edge.i == k:
        return k - 1
    return right


def _infinitive_subject_clause(clause: Token) -> bool:
    """ 'it would be "very hard" for his campaign to win': the infinitive that a predicate's "it" stands for is
    part of what was said, not a clause added after it."""
    return clause.dep_ == "advcl" and any(c.dep_ == "aux" and c.tag_ == "TO" for c in clause.children) and all(
        c.lower_ == "for" for c in clause.children if c.dep_ == "mark")


def _as_clause_over(cue: Token, first: int, last: int) -> bool:
    """ 'As Ryan has pointed out, that's the "textbook definition" of racism': an "as" clause on the clause that
    holds the quote attributes that clause."""
    if not any(c.dep_ == "mark" and c.lower_ == "as" for c in cue.children) or cue.dep_ != "advcl":
        return False
    root = _quote_root(cue.doc, first, last)
    return _branch_under(root, cue.head) is not None and _branch_under(root, cue) is None and not (
        cue.left_edge.i <= first < cue.right_edge.i + 1)


def _according_clause(cue: Token, first: int, last: int) -> tuple[int, int] | None:
    """'…, according to show insiders': the sentence without its "according to" phrase."""
    doc = cue.doc
    lo, hi = sentence_bounds(doc, cue.i)
    a_left, a_right = cue.left_edge.i, cue.right_edge.i
    if a_left <= first <= a_right:
        return None
    left, right = (a_right + 1, hi - 1) if a_right < first else (lo, a_left - 1)
    while left < right and (doc[left].is_punct or doc[left].is_space or is_mark(doc[left].text)):
        left += 1
    while right > left and (doc[right].is_punct or doc[right].is_space) and not is_closing_mark(doc[right].text):
        right -= 1
    if not left <= first and last - 1 <= right + 1:
        return None
    if is_closing_mark(doc[right].text) and right >= last:
        right -= 1
    return doc[left].idx if left < first else doc[first].idx, doc[right].idx + len(doc[right])


def _reported_speech(doc: Doc, in_quote: list[bool], resolver: _Resolver) -> list[Quote]:
    """Paraphrases: "Pompeo stressed that sanctions would remain" -> direct=False with its speaker."""
    found: list[Quote] = []
    text = doc.text
    credited = _credit_mask(doc)
    for token in doc:
        if token.lower_ not in REPORTING_VERBS or not token.tag_.startswith("VB") or in_quote[token.i]:
            continue
        clause = next((c for c in token.children if c.dep_ == "ccomp"), None)
        if clause is None or clause.i < token.i:
            continue
        left, right = clause.left_edge.i, clause.right_edge.i
        if any(in_quote[i] for i in range(left, right + 1)) or right - left < 3:
            continue
        subject = _subject_of(token, in_quote=credited) or _named_after_dateline(token, credited)
        if subject is None:
            continue
        s, e, actor = resolver.mention_span(subject)
        while right > left and (doc[right].is_punct or doc[right].tag_ == "CC" or doc[right].is_space):
            right -= 1
        start, end = doc[left].idx, doc[right].idx + len(doc[right])
        found.append(Quote(
            text=text[start:end], start=start, end=end, direct=False,
            speaker=actor.name if actor else None,
            speaker_text=doc[s:e].text, speaker_start=doc[s].idx, speaker_end=doc[e - 1].idx + len(doc[e - 1]),
            cue=token.text,
        ))
    return found


def _credit_mask(doc: Doc) -> list[bool]:
    """For each token, whether it stands in a dateline, byline or credit line (which never speaks)."""
    starts = [t.idx for t in doc]
    mask = [False] * len(doc)
    for c_start, c_end in credit_spans(doc.text):
        for i in range(bisect.bisect_left(starts, c_start), bisect.bisect_left(starts, c_end)):
            mask[i] = True
    return mask


def _named_after_dateline(cue: Token, credited: list[bool]) -> Token | None:
    """ 'NICOSIA, Cyprus (AP) — Cyprus President Nikos Anastasiades said that …': a parse that makes the dateline
    the verb's subject hangs the one who speaks on it in apposition."""
    for child in cue.children:
        if child.dep_ in SUBJECT_DEPS and credited[child.i]:
            named = [a for a in child.children if a.dep_ == "appos" and not credited[a.i]]
            return named[-1] if named else None  # the one right before the verb
    return None
