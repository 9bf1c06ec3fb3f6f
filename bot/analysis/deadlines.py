"""Deadlines: dates, durations or conditions that something must happen by.

Three kinds, from the cue words around the article's temporal expressions:
- date: "by January 2021", "no later than March 1", "before the summit next month", "the deadline of
  June 30", "expires on Friday", "by year-end"; `due` is the date's TIMEX3 value.
- duration: "within 30 days", "a 48-hour ultimatum", "gave Iran 60 days to"; `due` is published + the
  duration as a calendar date (None when the article has no published date).
- condition: "until the denuclearization process is complete"; no `due`.
Past events are not deadlines: a cue governed by a past-tense verb ("they agreed by Tuesday", "not until
Tuesday did they agree") or a due date before publication is dropped, unless the sentence names the
deadline itself ("deadline", "ultimatum", "given until Friday to").
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from spacy.tokens import Doc, Span, Token

from bot.analysis.dates.spans import moved_deadline
from bot.analysis.dates.timex import last_day
from bot.analysis.records import Actor, DateMention, Deadline
from bot.analysis.verb_forms import base_form

# Cue phrases directly before a date, longest first.
DATE_CUES = (
    "no later than", "not later than", "at the latest by", "by the end of", "before the end of",
    "in time for", "ahead of", "deadline of", "deadline for", "deadline is", "deadline on", "deadline",
    "expires on", "expires in", "expires at", "expire on", "expire in", "expire at", "expiring on", "expires",
    "expire", "expiring", "runs out on", "run out on", "runs out", "due on", "due by", "due in", "due",
    "by", "before", "until", "till", "through",
)
PLAN_VERBS = {"calls", "call", "requires", "require", "demands", "plans", "aims", "expects", "wants", "seeks",
              "proposes", "envisages", "foresees", "sets", "gives", "orders", "obliges", "commits"}
DEADLINE_WORDS = {"deadline", "deadlines", "ultimatum", "ultimatums", "expire", "expires", "expired", "expiring",
                  "expiry", "expiration", "due", "cutoff", "cut-off", "timeline", "timetable"}
OBLIGATION_WORDS = {"must", "should", "has", "have", "had", "needs", "need", "required", "obliged", "expected",
                    "given", "gave", "give", "gives", "set", "sets", "demanded", "demands", "asked", "told",
                    "urged", "called", "ordered", "agreed", "pledged", "promised", "vowed", "committed"}
# Word forms, not lemmas: the pipeline runs without spaCy's lemmatizer.
GRANTING_VERBS = {"give", "gives", "gave", "given", "giving", "have", "has", "had", "get", "gets", "got",
                  "allow", "allows", "allowed", "grant", "grants", "granted"}
TELLING_VERBS = {"tell", "tells", "told", "ask", "asks", "asked", "urge", "urges", "urged", "order", "orders",
                 "ordered"}
ENDING_VERBS = {"expire", "expires", "expired", "expiring", "end", "ends", "ended", "ending", "run", "runs",
                "lapse", "lapses", "fall", "falls"}
BODIES = {"judge", "judges", "magistrate", "magistrates", "court", "courts", "committee", "panel", "parliament",
          "congress", "senate", "council", "jury", "tribunal", "commission", "assembly", "lawmakers", "reporters", "cameras", "camera", "crowd"}
DURATION_UNITS = {"D": 1, "W": 7}
PRONOUNS = {"he", "she", "it", "they", "we", "i", "you", "this", "that", "which", "who"}
# A pronoun subject of a passive standing for things, as the object of the act ("They must be finalized" →
# "finalize them"); a person ("he must be extradited") keeps the clause, which names who the act concerns.
OBJECT_PRONOUNS = {"they": "them", "it": "it"}
OPEN_UNTIL = {"now", "recently", "then", "today", "lately"}
# Words that make what happens by a date a forecast or a wish, not a commitment ("possibly even bringing the
# agreement into force by the end of this year", "only one is likely to survive within the next six weeks").
HEDGES = {"possibly", "potentially", "likely", "unlikely", "probably", "perhaps", "hopefully", "chance", "seems",
          "seem", "may", "might", "could", "try", "tries", "trying", "think", "thinks",
          "predicted", "predicts", "forecast", "projected", "likelihood", "believe", "believes", "believed",
          "expecting"}
# "Nye won't get a vote until 2017": 'have' and 'get' grant time only with an act to do in it ("has until
# Friday to respond").
# Who forecasts rather than commits ("analysts say …"), and quantities that move but are bound to nothing ("inflation
# will fall below 3 percent by 2027").
FORECASTERS = {"analysts", "analyst", "economists", "economist", "experts", "expert", "forecasters", "observers",
               "pollsters", "traders", "investors", "markets", "models", "projections", "estimates"}
MEASURES = {"inflation", "prices", "price", "growth", "unemployment", "output", "exports", "imports", "deficit",
            "debt", "gdp", "economy", "rate", "rates", "sales", "production", "demand", "temperatures",
            "temperature", "population", "revenue", "revenues", "earnings", "profits", "profit", "spending", "costs",
            "yields", "emissions", "turnout", "support", "ratings", "index", "shares", "stocks", "currency"}
HOLDING_VERBS = {"have", "has", "had", "get", "gets", "got"}
LIGHT_VERBS = {"be", "is", "are", "was", "were", "been", "being", "do", "does", "did"}
OFFICE_TERMS = {"term", "terms", "tenure"}
# "within five to 10 years", "within two or three weeks": a range gives no due point.
RANGE = re.compile(r"\b(?:to|or)\b|\d\s*[-–]\s*\d", re.IGNORECASE)
SPEECH_VERBS = {"said", "says", "say", "told", "announced", "declared", "stated", "wrote", "added", "insisted",
                "promised", "pledged", "vowed", "warned", "indicated", "suggested", "confirmed"}
# What a party keeps up until a condition is met, in the sense of a diplomatic or policy measure: "sanctions will
# remain until the denuclearisation process is complete". Other open "until" clauses are not shown.
MEASURE_NOUNS = {"sanction", "sanctions", "embargo", "embargoes", "blockade", "troops", "forces", "aid",
                 "assistance", "talks", "negotiations", "tariff", "tariffs", "ban", "bans", "restrictions",
                 "measures", "pressure", "ceasefire", "truce", "strikes", "airstrikes", "freeze", "suspension",
                 "moratorium", "occupation", "presence", "support", "funding", "relief", "curfew", "quarantine",
                 "lockdown", "boycott", "mission", "deployment", "operations", "inspections", "border", "borders",
                 "embassy", "embassies", "consulate", "peacekeepers", "exports", "imports", "shipments", "deal",
                 "agreement", "treaty", "relations", "ties", "airspace", "crossing", "crossings", "flights"}
# A party holding back or keeping up its own action: "Germany will block the deal until Hungary restores…".
MEASURE_VERBS = {"block", "blocks", "suspend", "suspends", "suspended", "halt", "halts", "halted", "freeze",
                 "freezes", "frozen", "withhold", "withholds", "veto", "vetoes", "boycott", "boycotts", "maintain",
                 "maintains", "shut", "closed", "close", "closes"}
# Verbs whose "until <date>" says when something may start, not when it is due: "won't vote until June".
WAITING_VERBS = {"wait", "waits", "waited", "waiting", "delay", "delays", "delayed", "postpone", "postponed",
                 "defer", "deferred"}
DURING_VERBS = {"remain", "remains", "stay", "stays", "continue", "continues", "last", "lasts", "run", "runs",
                "hold", "holds", "extend", "extends", "extended", "keep", "keeps", "valid", "open", "effective"}
UNTIL_CUES = {"until", "till"}
# Verbs that tie a deadline to its date: "the deadline falls in late December", "extended its deadline until".
LINKING_VERBS = {"extended", "extends", "extend", "set", "sets", "moved", "pushed", "falls", "fall", "fell", "comes",
                 "came", "expires", "expire", "ends", "end", "runs", "run", "is", "was"}
MAX_ACTION_TOKENS = 14
# Cues that place an act in time without making it due: "before", "ahead of", "in time for". They give a deadline
# only when the act is bound ("must register before the primary", "planned to visit before January").
WEAK_CUES = {"before", "ahead", "in"}
BINDING_WORDS = {"must", "should", "shall", "need", "needs", "needed", "required", "require", "requires", "ordered",
                 "order", "orders", "obliged", "pledged", "pledge", "promised", "promise", "vowed", "vow",
                 "committed", "agreed", "agree", "plan", "plans", "planned", "planning", "aim", "aims", "aiming",
                 "intend", "intends", "intended", "want", "wants", "seek", "seeks", "demand", "demands",
                 "demanded", "urged", "urge", "urging", "asked", "ask", "told", "tell", "set", "goal", "target",
                 "deadline", "due", "determined", "bent", "mandated", "directed", "instructed", "called", "hope",
                 "hopes", "hoping", "expect", "expects", "expected"}
# Who answers a poll: what they say should happen is an opinion, not a deadline ("those surveyed say the United
# States should transition to clean energy by 2030").
POLL_WORDS = {"surveyed", "polled", "respondents", "poll", "polls", "survey", "percent", "%", "majority"}
# Verbs by which one party sets a deadline for another, and by which a party binds itself (word forms).
SETTING_VERBS = {"give", "gives", "gave", "given", "giving", "grant", "grants", "granted", "set", "sets", "setting",
                 "order", "orders", "ordered", "ordering", "tell", "tells", "told", "ask", "asks", "asked", "urge",
                 "urges", "urged", "demand", "demands", "demanded", "require", "requires", "required", "want",
                 "wants", "wanted", "issue", "issues", "issued", "impose", "imposes", "imposed", "extend",
                 "extends", "extended", "direct", "directs", "directed", "instruct", "instructs", "instructed",
                 "call", "calls", "called", "press", "presses", "pressed", "mandate", "mandates", "mandated"}
COMMITTING_VERBS = {"pledge", "pledges", "pledged", "promise", "promises", "promised", "vow", "vows", "vowed",
                    "agree", "agrees", "agreed", "commit", "commits", "committed", "plan", "plans", "planned",
                    "aim", "aims", "intend", "intends", "intended", "decide", "decides", "decided", "undertake",
                    "undertook"}
# Verbs that answer what keeps happening, with what they answer: "report incidents within 24 hours", "answer
# requests within 10 days", "notify members of any breach within 72 hours". A duration on them is a standing duty
# counted from each case, not a due point counted from the article.
RESPONDING_VERBS = {
    **dict.fromkeys(("report", "reports", "reported", "reporting", "answer", "answers", "answered", "answering",
                     "process", "processes", "processed", "processing", "investigate", "investigates",
                     "investigated", "investigating", "review", "reviews", "reviewed", "reviewing", "acknowledge",
                     "acknowledges", "acknowledged", "acknowledging", "handle", "handles", "handled", "handling",
                     "examine", "examines", "examined", "examining", "resolve", "resolves", "resolved",
                     "resolving"), ("dobj",)),
    **dict.fromkeys(("respond", "responds", "responded", "responding", "reply", "replies", "replied",
                     "replying"), ("to",)),
    **dict.fromkeys(("notify", "notifies", "notified", "notifying", "inform", "informs", "informed", "informing",
                     "alert", "alerts", "alerted", "alerting", "warn", "warns", "warned", "warning"),
                    ("of", "about")),
}
EVERY_CASE = {"any", "each", "every", "all"}
# Verbs whose infinitive is what falls due: "was designed to lower emissions by 2030".
PURPOSE_VERBS = {"designed", "intended", "meant", "aimed", "aims", "aim", "scheduled", "set", "due", "slated"}


def extract_deadlines(
    doc: Doc,
    found_dates: list[DateMention],
    actors: list[Actor],
    published: date | None,
) -> list[Deadline]:
    """Every deadline stated in `doc`, in text order, each with what is due and who must do it."""
    found: list[Deadline] = []
    for mention in found_dates:
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None or span.start > 0 and doc[span.start - 1].lower_ == "from":
            continue  # "extended from Dec. 1 to Dec. 15": where something starts, or the due point it replaced
        deadline = _date_deadline(doc, span, mention, actors, published)
        if deadline is not None:
            found.append(deadline)
    found.extend(_condition_deadlines(doc, actors, found))
    found.sort(key=lambda d: d.start)
    return _without_overlaps(found)


# --- dates and durations --------------------------------------------------------------------------

def _date_deadline(
    doc: Doc, span: Span, mention: DateMention, actors: list[Actor], published: date | None
) -> Deadline | None:
    value = mention.value or ""
    is_duration = value.startswith("P")
    cue_start = _cue_before(doc, span, is_duration)
    sentence = span.sent
    sentence_words = {t.lower_ for t in sentence if not _because_of(t)}
    named = bool(sentence_words & DEADLINE_WORDS)
    granted = False
    if cue_start is None:
        cue_start = _cue_after_noun(doc, span)
    if cue_start is None and is_duration:
        cue_start = _duration_ultimatum(doc, span)
        granted = cue_start is not None
    if cue_start is None and not is_duration:
        cue_start, named = _date_without_cue_before(doc, span, named)
    if cue_start is None:
        return None
    cue = doc[cue_start]
    if cue_start > 0 and doc[cue_start - 1].lower_ == "not" or cue.lower_ == "not" or _places_without_binding(
            doc, span, cue, named):
        return None  # "not until Tuesday did they agree"; "capped by this year's dud"; "hoping … before Monday"
    verb = _governing_verb(cue)
    if verb is None and not named:
        return None  # "Until this week." names no act that is due
    if _person_due(doc, span):
        return None  # "she is pregnant with her second child, due next summer": a birth or an arrival, no act
    given_until = _given_until(doc, span, cue_start)
    if not (named or granted or given_until) and verb is not None and (
            _scheduled_passive(verb, cue) or _predicts_another(verb, cue) or _reported_outcome(verb, cue, actors)):
        return None  # "Over half the delegates will be chosen by the end of March": a timetable, nobody bound
    if cue.lower_ in UNTIL_CUES and not (given_until or _near_deadline_word(doc, span) or _open_until(doc, span)
                                         or _lasts_until(verb) or _deadline_word_after(doc, span)):
        return None  # "won't vote until June", "wait until May": a time before which nothing happens
    if not (named or given_until or granted) and verb is not None and (
            _is_past(verb) or _is_possibility(verb) or _is_forecast(verb, cue) or _is_hypothetical(verb)
            or _told_as_earlier(verb)):
        return None
    if is_duration and (RANGE.search(span.text) or verb is not None and _standing_duty(verb)):
        return None  # "within five to 10 years", "to report incidents within 24 hours" (of each): no due point
    if verb is not None and _ends_a_term_of_office(verb):
        return None  # "will finish his term by the end of the year": a calendar, not a commitment
    if not (named or granted or given_until) and verb is not None and (is_duration or verb.dep_ == "relcl") and (
            _is_generic(verb)):
        return None  # "graduate within six years", "completing its sweep within two weeks"
    if is_duration:
        kind = "duration"
        due = _add_duration(published, value)
        if value.startswith("PX") or not re.fullmatch(r"P(?:\d+[A-Z]+)*(?:T(?:\d+[A-Z])+)?", value) or value == "P":
            return None
    else:
        kind = "date"
        if not re.match(r"\d{4}|XXXX", value):
            return None
        due = value
        last = last_day(value)
        if published is not None and last is not None and last < published:
            return None
    start_char = doc[cue_start].idx
    end_char = _deadline_word_after(doc, span) or span.end_char
    action, actor = _action_and_actor(verb, cue, span, actors)
    if action is None or len(action.split()) < 2:
        action = _fuller_action(verb, span) or action
    if verb is not None:
        action = _widened(verb, action)
    return Deadline(
        text=doc.text[start_char:end_char], start=start_char, end=end_char, due=due, kind=kind,
        action=action, actor=actor, setter=_setter(verb, cue, actors),
    )


def _date_without_cue_before(doc: Doc, span: Span, named: bool) -> tuple[int | None, bool]:
    """Where a deadline on a date with no cue word right before it starts, and whether the sentence names a
    deadline: 'ahead of the Oct. 11 deadline', 'a May 19 due date', 'March 1 is the deadline to apply', 'is due to
    appear before magistrates on Tuesday'."""
    if span.end < len(doc) and (doc[span.end].lower_ in ("deadline", "deadlines", "cutoff", "cut-off")
                                or _due_date_after(doc, span)):
        return _deadline_phrase_start(doc, span), True
    if named and _near_deadline_word(doc, span) or _is_the_deadline(doc, span):
        return span.start, named
    court = _court_date(doc, span)
    return court, named or court is not None


def _cue_before(doc: Doc, span: Span, is_duration: bool) -> int | None:
    """Token index where a cue phrase right before `span` starts ("no later than March 1")."""
    start = span.start
    # "by the end of the year": the date may or may not include "the end of".
    words = [t.lower_ for t in doc[max(0, start - 4):start]]
    text = " ".join(words)
    if is_duration:
        for cue in ("within the next", "within the coming", "within", "in the next", "no later than"):
            if text.endswith(cue):
                return start - len(cue.split())
        return None
    for cue in DATE_CUES:
        if text == cue or text.endswith(" " + cue):
            if cue == "through" and not (_near_deadline_word(doc, span) or _open_until(doc, span)):
                continue
            return start - len(cue.split())
    return None


def _cue_after_noun(doc: Doc, span: Span) -> int | None:
    """'before the summit next month': a cue, a short noun phrase, then the date that places it."""
    for back in range(2, 9):
        i = span.start - back
        if i < 0:
            break
        token = doc[i]
        if token.is_punct or token.pos_ in ("VERB", "AUX"):
            break
        if token.lower_ in ("before", "by", "until", "ahead"):
            if token.lower_ == "ahead" and (i + 1 >= len(doc) or doc[i + 1].lower_ != "of"):
                continue
            if token.dep_ == "agent":
                break  # "read by the foreign minister on Thursday"
            between = doc[i + 1 + (token.lower_ == "ahead"):span.start]
            if token.lower_ == "by" and between[0].pos_ not in ("DET", "PRON"):
                break  # "carry them out by rescue helicopter this morning": a means
            head = next((t for t in between if t.pos_ in ("NOUN", "PROPN")), None)
            if head is None or head.lower_ in BODIES or head.ent_type_ in ("PERSON", "ORG", "NORP"):
                break  # "appear before a judge on Feb. 10" is a place, not a deadline
            if all(t.pos_ in ("DET", "NOUN", "PROPN", "ADJ", "PART", "NUM", "ADP") for t in between):
                return i
            break
    return None


def _duration_ultimatum(doc: Doc, span: Span) -> int | None:
    """'a 48-hour ultimatum', 'gave Iran 30 days to respond', 'has 60 days to'."""
    after = doc[span.end] if span.end < len(doc) else None
    if after is not None and after.lower_ in DEADLINE_WORDS:
        return span.start
    if after is not None and after.lower_ == "to" and span.end + 1 < len(doc) and doc[span.end + 1].pos_ in (
            "VERB", "AUX"):
        head = span.root.head
        if head.lower_ in OBLIGATION_WORDS or head.lower_ in GRANTING_VERBS:
            return span.start
    return None


def _open_until(doc: Doc, span: Span) -> bool:
    """'remain open through June 15', 'valid through 2024': an offer or status that ends on the date."""
    lo = max(span.sent.start, span.start - 5)
    return any(t.lower_ in ("open", "valid", "available", "effective", "force") and t.pos_ != "VERB"
               for t in doc[lo:span.start])


def _near_deadline_word(doc: Doc, span: Span) -> bool:
    """A deadline word shortly before the date, no other verb between ("the deadline is March 1", "extended its
    deadline until 9 a.m. Tuesday", "the deadline for nominations just weeks away, Sept. 14")."""
    lo = max(span.sent.start, span.start - 8)
    governing = {a.i for a in span.root.ancestors}
    for i in range(span.start - 1, lo - 1, -1):
        token = doc[i]
        if token.lower_ in DEADLINE_WORDS and not _because_of(token):
            return True
        if token.pos_ == "VERB" and token.i in governing and token.lower_ not in LINKING_VERBS:
            return False
    return False


def _because_of(token: Token) -> bool:
    """'due to low light levels', 'due to the weather': 'due' as 'because of', followed by a noun, not a verb."""
    doc = token.doc
    return (token.lower_ == "due" and token.i + 2 < len(doc) and doc[token.i + 1].lower_ == "to"
            and doc[token.i + 2].pos_ not in ("VERB", "AUX"))


def _deadline_phrase_start(doc: Doc, span: Span) -> int:
    """Where 'before the Sunday deadline' starts: the cue and determiner in front of the date, if any."""
    start = span.start
    if start > 0 and doc[start - 1].pos_ == "DET":
        start -= 1
    if start > 0 and doc[start - 1].lower_ in ("before", "by", "ahead", "of"):
        start -= 1
        if doc[start].lower_ == "of" and start > 0 and doc[start - 1].lower_ == "ahead":
            start -= 1
    return start


def _given_until(doc: Doc, span: Span, cue_start: int) -> bool:
    """'was given until Friday to respond', 'Candidates have until Jan. 31, the eve of…, to disclose': time granted
    for an act, which a past verb does not make past ('waiting until next month to vote' grants nothing)."""
    cue = doc[cue_start]
    if cue.lower_ not in ("until", "till", "by"):
        return False
    before = cue_start - 1
    while before > span.sent.start and doc[before].pos_ == "ADV" and doc[before].lower_ != "not":
        before -= 1  # "now has until", "still have until"
    if (cue.lower_ in UNTIL_CUES and before >= span.sent.start and doc[before].lower_ in GRANTING_VERBS
            and cue.head is not doc[before] and _to_verb_after(doc, span)
            and not any(c.dep_ == "neg" for c in doc[before].children)):
        return True  # "Serbia has until the end of the month to respond": the parse hung 'until' on 'respond'
    if cue.head.lower_ in GRANTING_VERBS and not any(c.dep_ == "neg" for c in cue.head.children):
        # "was given until Friday", "have until Jan. 31, the eve of…, to disclose"; not "won't get a vote until"
        return cue.head.lower_ not in HOLDING_VERBS or any(
            t.lower_ == "to" and t.i + 1 < len(doc) and doc[t.i + 1].pos_ in ("VERB", "AUX")
            for t in doc[span.end:span.sent.end - 1])
    after = doc[span.end] if span.end < len(doc) else None
    return (after is not None and after.lower_ == "to" and cue.lower_ == "by"
            and not any(t.lower_ in ("wait", "waiting", "waited", "waits") for t in doc[span.sent.start:cue_start]))


def _to_verb_after(doc: Doc, span: Span) -> bool:
    """'(has until Friday) to respond': an infinitive right after the date, or after a comma-closed aside."""
    i = span.end
    if i < len(doc) and doc[i].text == ",":
        i = next((t.i + 1 for t in doc[i + 1:span.sent.end] if t.text == ","), i)
    return i + 1 < len(doc) and doc[i].lower_ == "to" and doc[i + 1].pos_ in ("VERB", "AUX")


def _places_without_binding(doc: Doc, span: Span, cue: Token, named: bool) -> bool:
    """A date that names a thing ("capped by this year's box office dud", "before Monday's caucuses"), or a weak
    cue on an act nothing binds ("competing before that state's primary", "hoping to see her before Monday")."""
    if span.end < len(doc) and doc[span.end].tag_ == "POS" and _deadline_word_after(doc, span) is None:
        return True
    return cue.lower_ in WEAK_CUES and not named and not _bound_to_act(cue)


def _bound_to_act(cue: Token) -> bool:
    """A modal of obligation, or a verb or noun that commits, plans or orders, on the way from the cue up to
    the clause's top ('must have its teams running before', 'planned to visit the United States before January');
    'has to' and 'have to' count, a perfect 'has' does not."""
    node = cue
    for _ in range(8):
        if node.lower_ in BINDING_WORDS or any(c.dep_ in ("aux", "auxpass") and c.lower_ in BINDING_WORDS
                                               for c in node.children):
            # "no plans to endorse a candidate before the primary" binds no one
            return not any(c.dep_ == "neg" or c.lower_ == "no" for c in node.children)
        if node.lower_ in ("has", "have", "had") and any(c.dep_ == "xcomp" for c in node.children):
            return True
        if node.head is node or node.lower_ in SPEECH_VERBS:
            return False
        node = node.head
    return False


def _polled_opinion(verb: Token) -> bool:
    """An act reported as what a poll's respondents say should happen."""
    for ancestor in verb.ancestors:
        if ancestor.lower_ in SPEECH_VERBS or ancestor.lower_ in ("believe", "think", "want", "wants"):
            subjects = [c for c in ancestor.children if c.dep_ in ("nsubj", "nsubjpass")]
            if any(t.lower_ in POLL_WORDS for s in subjects for t in s.subtree):
                return True
    return False


SIDE_NOUNS = {"sides", "parties", "countries", "governments", "nations", "neighbours", "neighbors"}


def _sides_bound(verb: Token, actors: list[Actor]) -> str | None:
    """'Both sides agreed to exchange river data within two weeks': the parties bound are those the subject counts
    out: the two parties last named together just before ('talks between India and Pakistan … Both sides agreed')
    → 'India and Pakistan', else the phrase as written ('both sides', 'the two sides')."""
    for subject in _subjects(verb):
        counted = [c for c in subject.children if c.lower_ in ("both", "two") and c.dep_ in ("det", "nummod", "predet")]
        if subject.lower_ in SIDE_NOUNS and counted:
            words = [t for t in subject.subtree if t.i <= subject.i]
            return _pair_named_before(subject, actors) or " ".join(t.lower_ for t in words)
    return None


def _pair_named_before(token: Token, actors: list[Actor]) -> str | None:
    """The nearest 'A and B' naming two different parties, in the sentence of `token` or the two before it."""
    sentences = list(token.doc.sents)
    at = next(n for n, sent in enumerate(sentences) if sent.start <= token.i < sent.end)
    start = sentences[max(0, at - 2)].start
    for second in reversed(token.doc[start:token.i]):
        first = second.head
        if second.dep_ != "conj" or first.i >= second.i or sum(c.dep_ == "conj" for c in first.children) != 1 or not any(
                c.dep_ == "cc" and c.lower_ == "and" for c in first.children):
            continue
        left = _actor_in_text(token.doc[first.left_edge.i:first.i + 1].text, actors)
        right = _actor_in_text(token.doc[second.left_edge.i:second.right_edge.i + 1].text, actors)
        if left and right and left != right:
            return f"{left} and {right}"
    return None


def _governing_verb(token: Token) -> Token | None:
    """The verb a cue hangs from (the cue's head, climbing through nouns)."""
    node = token
    for _ in range(6):
        if node.pos_ in ("VERB", "AUX") and node is not token:
            return node
        if node.head is node:
            return node if node.pos_ in ("VERB", "AUX") else None
        node = node.head
    return None


def _is_past(verb: Token) -> bool:
    """A verb describing something already done: past tense, no modal, no infinitive, no future."""
    head = verb.head
    if verb.dep_ == "xcomp" and (head.lower_ in ("able", "unable") and any(
            t.lower_ in ("was", "were") for t in (head.head, *head.children)) or (
            head.lower_ in ("managed", "failed") and head.tag_ == "VBD")):
        return True  # "was able to restore some services by Saturday afternoon", "managed to finish by noon": done
    auxes = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if auxes & {"will", "would", "shall", "should", "must", "'ll", "to", "can", "could", "may", "might", "wo"}:
        return False
    if verb.dep_ == "conj" and verb.head is not verb and verb.head.pos_ in ("VERB", "AUX") and not any(
            c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for c in verb.children):
        return _is_past(verb.head)  # "to mothball eight plants and shut them down by 2023"
    if verb.dep_ in ("xcomp", "advcl") and any(c.lower_ == "to" for c in verb.children):
        return False
    if verb.tag_ == "VBD":
        return not _heads_a_future(verb)
    if verb.tag_ == "VBN" and auxes & {"had", "has", "have", "was", "were"}:
        return not _heads_a_future(verb)
    if verb.tag_ == "VBG" and auxes & {"was", "were"}:
        return True  # "By mid-afternoon, officials were saying..."
    return False


def _due_date_after(doc: Doc, span: Span) -> bool:
    """'Greece faces a May 19 due date on debt': the date of a 'due date'."""
    return span.end + 1 < len(doc) and doc[span.end].lower_ == "due" and doc[span.end + 1].lower_ in ("date", "dates")


# What a defendant is bound to appear for: "is due to appear before magistrates on Tuesday", "due to enter his plea
# in September", "is due in court Feb. 17". Other things people are due to do on a day are a schedule ("due to
# meet the Steelers on Sunday").
COURT_WORDS = {"court", "courts", "plea", "pleas", "magistrates", "magistrate", "judge", "arraigned", "arraignment",
               "sentenced", "sentencing", "hearing", "trial", "testify", "surrender", "tribunal", "jury"}


def _court_date(doc: Doc, span: Span) -> int | None:
    """Where a court date starts: the date under 'due' or under the act a 'due to' introduces, in a clause that
    names the court or the plea; the preposition before the date when there is one ('on Tuesday')."""
    due = next((a for a in span.root.ancestors if a.lower_ == "due" and not _because_of(a)), None)
    for verb in [a for a in span.root.ancestors if a.pos_ in ("VERB", "AUX")][:2]:
        if due is not None:
            break
        if verb.dep_ == "xcomp" and verb.head.lower_ == "due":
            due = verb.head  # "due to appear before magistrates on Tuesday"
        else:
            due = next((c for c in verb.children if c.dep_ == "acomp" and c.lower_ == "due"), None)
    if due is None or due.i > span.start or due.head.tag_ == "VBD":
        return None  # "was due to appear at the Crown Court today but didn't": told as past
    clause = doc[due.i:span.end]
    if not any(t.lower_ in COURT_WORDS for t in clause) or any(c.dep_ == "neg" for c in due.head.children):
        return None
    start = span.start
    if start > 0 and doc[start - 1].lower_ in ("on", "in", "at"):
        start -= 1
    return start


def _person_due(doc: Doc, span: Span) -> bool:
    """'she is pregnant with her second child, due next summer', 'he is due back on Monday': a person due at a time
    with no act named (no 'to' and verb) and no court: a birth, an arrival or a schedule, not a deadline."""
    due = next((t for t in doc[max(span.sent.start, span.start - 4):span.start] if t.lower_ == "due"), None)
    if due is None or any(t.lower_ in COURT_WORDS for t in span.sent):
        return False
    if due.i + 2 < len(doc) and doc[due.i + 1].lower_ == "to" and doc[due.i + 2].pos_ in ("VERB", "AUX"):
        return False
    holder = due.head if due.dep_ in ("acomp", "amod", "advcl", "conj") else due
    subjects = [c for c in holder.children if c.dep_ in ("nsubj", "nsubjpass")] if holder is not due else []
    if due.dep_ == "amod":
        subjects = [due.head]
    return any(s.lower_ in ("he", "she", "i", "we", "they", "you") or s.ent_type_ == "PERSON" for s in subjects)


def _scheduled_passive(verb: Token, cue: Token) -> bool:
    """'Over half the delegates will be chosen by the end of March': a passive told as what will happen, with no
    party bound to do it (no modal of obligation, no plan, order or promise up the tree, no agent named)."""
    auxes = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if not any(c.dep_ == "auxpass" for c in verb.children) or not auxes & {"will", "'ll", "wo"}:
        return False
    if any(c.dep_ == "agent" and c.i != cue.i for c in verb.children):
        return False
    return not _bound_to_act(cue)


THIRD_PARTIES = {"they", "it"}
SPEAKING_PEOPLE = {"he", "she", "i"}


def _predicts_another(verb: Token, cue: Token) -> bool:
    """'"They will call me up within 24 hours," he promises': a person saying what someone else will do is a
    prediction, not a commitment; 'I will call them within 24 hours, he promises' binds the speaker."""
    auxes = {c.lower_ for c in verb.children if c.dep_ == "aux"}
    if not auxes & {"will", "'ll"} or _bound_to_act(cue):
        return False
    if not any(c.dep_ == "nsubj" and c.lower_ in THIRD_PARTIES for c in verb.children):
        return False
    speech = next((a for a in verb.ancestors if a.lower_ in SPEECH_VERBS | {"promises", "predicts", "predicted"}),
                  None)
    return speech is not None and any(c.dep_ == "nsubj" and (c.lower_ in SPEAKING_PEOPLE or c.ent_type_ == "PERSON")
                                      for c in speech.children)


# Common nouns that stand for a party able to commit itself ("the ministry said troops would withdraw").
PARTY_NOUNS = {"official", "officials", "government", "governments", "authorities", "leadership", "regime",
               "administration", "leaders", "leader", "diplomats", "negotiators", "ministry", "minister", "sides",
               "side", "parties", "party", "troops", "forces", "army", "military", "rebels", "state", "states",
               "country", "countries", "members", "allies", "bloc", "union", "alliance", "delegation"}


def _reported_outcome(verb: Token, cue: Token, actors: list[Actor]) -> bool:
    """'The airline said flights would resume by Monday': what a speaker reports will happen to a thing, with no
    party as the one who acts (the clause's subject is a common noun for no party: 'flights', 'shipments') and
    nothing binding it, is an expectation, not a commitment; 'Iran said it would hand over the data by Monday'
    binds the speaker, 'the ministry said its troops would withdraw' binds a party. A state told to last until a
    date ('the offer will remain open through June 15', 'the peg would hold until 2020') is a standing commitment
    of its holder, not an outcome."""
    auxes = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if not auxes & {"will", "would", "'ll", "wo"} or cue.lower_ in UNTIL_CUES | {"through"} or _bound_to_act(cue):
        return False
    if not any(a.lower_ in SPEECH_VERBS | {"expects", "expected", "predicted", "predicts"} for a in verb.ancestors):
        return False
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.pos_ != "NOUN" or subject.ent_type_ or subject.lower_ in PARTY_NOUNS | BODIES:
        return False
    owners = [c for c in subject.children if c.dep_ in ("poss", "compound", "amod", "nmod")]
    # "its troops", "Iran's forces", "Syrian troops": a party's own; "flights to Tehran" only goes there
    return not any(t.pos_ in ("PROPN", "PRON") or t.ent_type_ for o in owners for t in o.subtree) and (
        _actor_in(owners, actors) is None)


def _is_the_deadline(doc: Doc, span: Span) -> bool:
    """'March 1 is the deadline to compete': the date is the subject of 'is the deadline'; or the deadline is the
    subject of the clause that places the date ('The deadline for the two sides to agree on a ceasefire is Friday',
    'The deadline for Iran to respond has been extended to Dec. 15'), however long its complement."""
    after = [t.lower_ for t in doc[span.end:min(span.sent.end, span.end + 4)]]
    if len(after) >= 2 and after[0] in ("is", "was", "will") and any(
            w in ("deadline", "cutoff", "cut-off") for w in after[1:]):
        return True
    verb = next((a for a in span.root.ancestors if a.pos_ in ("VERB", "AUX")), None)
    if moved_deadline(span):
        return True  # "The deadline for the report on … between the two factions was extended to Friday"
    return verb is not None and (verb.lower_ in LINKING_VERBS or verb.pos_ == "AUX" or any(
        c.dep_ == "auxpass" for c in verb.children)) and any(
        c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in ("deadline", "deadlines", "cutoff", "ultimatum") and c.i < span.start
        for c in verb.children)


def _deadline_word_after(doc: Doc, span: Span) -> int | None:
    """Where 'the Sunday deadline' or 'March 1 is the deadline' ends, when a deadline word closes the phrase."""
    for i in range(span.end, min(span.sent.end, span.end + 4)):
        word = doc[i].lower_
        if word in ("deadline", "deadlines", "cutoff", "cut-off", "ultimatum") or (
                word in ("date", "dates") and doc[i - 1].lower_ == "due"):
            return doc[i].idx + len(doc[i])
        if word == "due" and i + 1 < len(doc) and doc[i + 1].lower_ in ("date", "dates"):
            continue
        if i == span.end and word in ("is", "was", "will"):
            continue
        if doc[i].pos_ not in ("DET", "AUX") and doc[i].tag_ != "POS":
            return None
    return None


def _is_hypothetical(verb: Token) -> bool:
    """An act in an 'if' clause, or governed by a conditional 'would' through infinitives and coordination:
    'allows anyone to bring an issue to referendum if they garner 100,000 signatures within 18 months', 'the bill
    would require the department to decide within 180 days'. A clause reported by a speech verb or a plan named
    by a noun ('her intention to break with the E.U. by March') is not climbed out of."""
    node = verb
    for _ in range(5):
        if node.lower_ in SPEECH_VERBS:
            return False
        if any(c.dep_ == "mark" and c.lower_ == "if" for c in node.children):
            return True
        if node is not verb and any(c.dep_ == "aux" and c.lower_ in ("would", "'d") for c in node.children):
            return True
        if node.dep_ not in ("xcomp", "conj", "advcl") or node.head is node or node.head.pos_ not in ("VERB", "AUX"):
            return False
        node = node.head
    return False


def _told_as_earlier(verb: Token) -> bool:
    """An act framed by a pluperfect, told as done or dropped before the news ('had urged the department to
    process the pages by July 31', 'had raised $38 million to boost his candidacy by the end of June'); a plan
    or promise ('had agreed to put together a plan by March') still stands."""
    node = verb
    for _ in range(4):
        auxes = {c.lower_ for c in node.children if c.dep_ == "aux"}
        if node.tag_ == "VBN" and auxes & {"had", "'d"}:
            return not _heads_a_future(node)
        if node.dep_ not in ("xcomp", "advcl", "conj") or node.head is node:
            return False
        node = node.head
    return False


def _ends_a_term_of_office(verb: Token) -> bool:
    """'Ban will finish his term by the end of the year', 'his term expires later this year'."""
    return any(c.dep_ in ("dobj", "nsubj", "nsubjpass") and c.lower_ in OFFICE_TERMS for c in verb.children)


def _is_possibility(verb: Token) -> bool:
    """'a second round could follow before Christmas': what may happen by a date is not due by it."""
    return bool({c.lower_ for c in verb.children if c.dep_ == "aux"} & {"could", "might", "may", "can", "ca"})


def _is_forecast(verb: Token, cue: Token) -> bool:
    """What the writer or someone else expects to happen, not what a party must do: a hedge in the clause
    ('possibly', 'likely', 'seems as if', 'try to'), a conditional 'would' not reporting a promise ('By 2026, the
    deficit would surpass'), or a state rather than an act ('her lead will be insurmountable')."""
    if _polled_opinion(verb):
        return True
    clause = [verb, *verb.children, *verb.ancestors]
    if any(t.lower_ in HEDGES for t in clause) or any(t.lower_ in HEDGES for t in cue.sent if t.i < cue.i and
                                                       t.dep_ in ("advmod", "aux") and t.head is verb):
        return True
    auxes = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if "would" in auxes and not any(a.lower_ in SPEECH_VERBS for a in verb.ancestors):
        return True
    if not _bound_to_act(cue) and (any(a.lower_ in SPEECH_VERBS and any(
            c.dep_ == "nsubj" and c.lower_ in FORECASTERS for c in a.children) for a in verb.ancestors) or (
            auxes & {"will", "'ll"} and any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in MEASURES
                                            for c in verb.children))):
        return True  # "analysts say the talks will end by May"; "inflation will fall below 3% by 2027": no party
    if any(a.lower_ in ("expected", "projected", "forecast") and any(c.dep_ == "auxpass" for c in a.children)
           for a in [verb, *verb.ancestors]):
        return True  # "the company is expected to generate $25 billion by 2018": someone else's forecast
    if any(a.lower_ in ("expects", "expect", "expecting") for a in verb.ancestors) and any(
            c.dep_ == "nsubjpass" for c in verb.children):
        return True  # "the company expects repairs to be completed by early next week": a forecast, no party
    having = verb.head if verb.dep_ in ("ccomp", "oprd", "xcomp") and verb.tag_ in ("VBN", "JJ") else verb
    if having.lower_ in ("have", "get") and {c.lower_ for c in having.children if c.dep_ == "aux"} & {
            "should", "would"} and any(c.dep_ in ("ccomp", "oprd", "xcomp") and c.tag_ in ("VBN", "JJ")
                                       for c in having.children):
        return True  # "should have service restored to normal by December 31": an expected result, not an act
    if verb.lower_ in ("be", "being") and not auxes & {"must", "shall", "to", "need"} and any(
            c.dep_ in ("acomp", "attr", "advmod", "prt") for c in verb.children):
        return True  # "her lead will be insurmountable", "with this thing being over by mid-March": a state
    return False


def _lasts_until(verb: Token | None) -> bool:
    """'the currency peg would hold until the end of 2020': a stated commitment that runs to a date, not a
    negated or waiting verb ('will not begin until 2017', 'may wait until February')."""
    if verb is None:
        return False
    chain = [verb, *[a for a in verb.ancestors if a.pos_ in ("VERB", "AUX")][:2]]
    if any(c.dep_ == "neg" for v in chain for c in v.children) or any(v.lower_ in WAITING_VERBS for v in chain):
        return False
    if any(c.dep_ == "prep" and c.lower_ in ("at", "on") and not any(o.lower_ == "hold" for o in c.children)
           for c in verb.children):
        return False  # "officers would remain at the scene until Monday": people staying somewhere, not a commitment
    auxes = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    return verb.lower_ in DURING_VERBS and bool(auxes & {"will", "would", "must", "shall", "'ll", "to"})


def _standing_duty(verb: Token) -> bool:
    """An act owed again for every case that comes: a responding verb whose cases are any or every one of a kind
    ('report incidents', 'answer any request', 'notify them of each breach'), not a named thing ('its stockpile')."""
    slots = RESPONDING_VERBS.get(verb.lower_)
    if slots is None:
        return False
    heads = [verb] + [c for c in verb.children if c.dep_ == "dobj"]
    cases = [c for c in verb.children if c.dep_ == "dobj"] if "dobj" in slots else [
        o for h in heads for p in h.children if p.dep_ == "prep" and p.lower_ in slots
        for o in p.children if o.dep_ == "pobj"]
    return any(_every_case(n) for c in cases for n in (c, *c.conjuncts))


def _every_case(noun: Token) -> bool:
    """'incidents', 'any breach', 'all complaints': a kind of case, not one counted or owned thing."""
    determiners = [c for c in noun.children if c.dep_ in ("det", "nummod", "poss", "predet")]
    if any(d.lower_ in EVERY_CASE for d in determiners):
        return True
    return noun.tag_ == "NNS" and not determiners


def _is_generic(verb: Token) -> bool:
    """A habit or a scene, not a commitment: a present verb with no modal ('students graduate within six years')
    or a bare participle ('completing its sweep within two weeks')."""
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if auxes or verb.dep_ in ("xcomp",) or any(c.lower_ == "to" for c in verb.children):
        return False
    if any(c.dep_ == "mark" for c in verb.children) or verb.lower_ in OBLIGATION_WORDS | PLAN_VERBS:
        return False  # "unless Congress acts by…", "the plan calls for elections no later than 2023"
    return verb.tag_ in ("VBP", "VBZ", "VBG")


def _heads_a_future(verb: Token) -> bool:
    """'were due to', 'was expected to be completed by': a past verb framing a future act."""
    return any(c.dep_ == "xcomp" for c in verb.children) and verb.lower_ in (
        "was", "were", "agreed", "pledged", "promised", "vowed", "expected", "planned", "decided")


def _add_duration(published: date | None, value: str) -> str | None:
    """published + a TIMEX3 duration ("P30D"), as a calendar date."""
    if published is None:
        return None
    try:
        return _shifted(published, value)
    except (ValueError, OverflowError):
        return None  # "within 100000 years" lands outside the calendar


def _shifted(published: date, value: str) -> str | None:
    m = re.fullmatch(r"P(T?)(\d+)([A-Z]+)", value)
    if not m:
        return _shifted_by_parts(published, value)
    n, unit = int(m[2]), m[3]
    if m[1]:  # hours and minutes land on the same day or the next
        hours = n if unit == "H" else n / 60 if unit == "M" else n / 3600
        return (published + timedelta(days=int(hours // 24))).isoformat()
    if unit in DURATION_UNITS:
        return (published + timedelta(days=n * DURATION_UNITS[unit])).isoformat()
    months = {"M": n, "Q": 3 * n, "Y": 12 * n}.get(unit)
    if months is None:
        return None
    total = published.year * 12 + published.month - 1 + months
    year, month = total // 12, total % 12 + 1
    return date(year, month, min(published.day, calendar.monthrange(year, month)[1])).isoformat()


def _shifted_by_parts(published: date, value: str) -> str | None:
    """published + a duration of several parts ("P2Y6M", "P1DT12H", "PT5H30M"), to the day."""
    parts = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:\d+M)?(?:\d+S)?)?", value)
    if parts is None or not re.search(r"\d", value):
        return None
    years, months, days, hours = (int(part or 0) for part in parts.groups())
    total = published.year * 12 + published.month - 1 + 12 * years + months
    year, month = total // 12, total % 12 + 1
    day = date(year, month, min(published.day, calendar.monthrange(year, month)[1]))
    return (day + timedelta(days=days + hours // 24)).isoformat()


# --- open conditions: "until the process is complete" ----------------------------------------------

def _condition_deadlines(doc: Doc, actors: list[Actor], dated: list[Deadline]) -> list[Deadline]:
    found = []
    taken = [(d.start, d.end) for d in dated]
    for token in doc:
        if token.lower_ not in ("until", "till", "unless"):
            continue
        if token.lower_ == "unless":
            continue
        if token.i > 0 and doc[token.i - 1].lower_ in ("not", "up"):
            continue
        nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
        if nxt is None or nxt.lower_ in OPEN_UNTIL or nxt.is_punct:
            continue
        if any(s <= token.idx < e for s, e in taken):
            continue
        clause = _until_clause(token)
        if clause is None:
            continue
        verb = _governing_verb(token)
        if verb is None or _is_past(verb):
            continue
        if verb.i > token.i and verb.head is not verb:
            verb = verb.head if verb.head.pos_ in ("VERB", "AUX") else verb
        if _is_past(verb):
            continue
        start, end = token.idx, clause.end_char
        while end > start and doc.text[end - 1] in ".,;:!?\"'\u201d":
            end -= 1
        if not _keeps_a_measure(verb):
            continue
        action, actor = _main_clause(verb, token, actors)
        found.append(Deadline(text=doc.text[start:end], start=start, end=end, due=None, kind="condition",
                              action=action, actor=actor))
    return found


def _keeps_a_measure(verb: Token) -> bool:
    """'sanctions will remain until…', 'keep troops in place until…': the clause keeps up a policy measure,
    or a party holds back its own ('Germany will block the deal until…')."""
    if verb.dep_ in ("acomp", "xcomp", "oprd") and verb.head is not verb and _keeps_a_measure(verb.head):
        return True  # "talks will stay suspended until…"
    if verb.lower_ in MEASURE_VERBS and any(c.dep_ == "nsubj" and c.ent_type_ in ("GPE", "ORG", "NORP")
                                            for c in verb.children):
        return True
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass", "dobj", "attr") and child.lower_ in MEASURE_NOUNS:
            return True
        if child.dep_ in ("nsubj", "nsubjpass", "dobj") and any(
                t.lower_ in MEASURE_NOUNS and t.head is child for t in child.children):
            return True  # "the sanctions regime", "U.S. troops" (head noun's modifiers)
    return False


def _until_clause(token: Token) -> Span | None:
    """The clause or noun phrase after 'until' (None when it is only a date, handled as a date)."""
    if token.dep_ == "mark":
        verb = token.head
        left = token.i
        right = max(t.i for t in verb.subtree)
        return token.doc[left + 1:right + 1]
    objects = [c for c in token.children if c.dep_ == "pobj"]
    if objects:
        obj = objects[0]
        if obj.ent_type_ in ("DATE", "TIME"):
            return None
        sub = list(obj.subtree)
        return token.doc[sub[0].i:sub[-1].i + 1]
    return None


def _main_clause(verb: Token, cue: Token, actors: list[Actor]) -> tuple[str | None, str | None]:
    """'sanctions will remain' for the verb an open condition hangs from, and who it concerns."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    tokens = [verb] + [c for c in verb.children if c.dep_ in ("aux", "auxpass", "neg", "prt")]
    for child in verb.children:
        if child.dep_ in ("acomp", "dobj", "prep", "attr", "oprd", "advmod") and child.i < cue.i:
            tokens.extend(child.subtree)
    for subject in subjects:
        tokens.extend(subject.subtree)
    tokens = sorted({t.i: t for t in tokens if t.i < cue.i}.values(), key=lambda t: t.i)
    text = " ".join(t.text for t in tokens[:MAX_ACTION_TOKENS]) or None
    actor = _actor_in(subjects, actors)
    return text, actor


# --- what is due and who must do it ----------------------------------------------------------------

def _action_and_actor(
    verb: Token | None, cue: Token, span: Span, actors: list[Actor]
) -> tuple[str | None, str | None]:
    """What must happen (the verb phrase, or a passive subject such as 'denuclearisation') and by whom."""
    found = _described_act(verb, cue, span, actors) if verb is not None else None
    action, actor = found or _act_and_party(verb, cue, span, actors)
    if actor is None and verb is not None:
        actor = _sides_bound(verb, actors)
    return action, actor


def _described_act(verb: Token, cue: Token, span: Span, actors: list[Actor]) -> tuple[str | None, str | None] | None:
    """'account for its stock of uranium enriched to 60 per cent within 30 days': the participle the time hangs
    from only says which uranium; what is due is the act done to the noun it describes."""
    described = _described_noun(verb)
    owner = _governing_verb(described) if described is not None else None
    if owner is None or owner.i >= verb.i or owner.pos_ != "VERB":
        return None
    excluded = {t.i for t in cue.subtree} | set(range(span.start, span.end)) | {cue.i}
    words = [t for t in [*_verb_tokens(owner, excluded), *verb.subtree] if t.i not in excluded]
    run = _contiguous_from(sorted({t.i: t for t in words}.values(), key=lambda t: t.i), owner.i)
    return _join(run), _actor_in(_subjects(owner), actors)


def _act_and_party(
    verb: Token | None, cue: Token, span: Span, actors: list[Actor]
) -> tuple[str | None, str | None]:
    if verb is None:
        noun = _deadline_noun(cue, span)
        if noun is None:
            return None, None
        return _noun_action(noun), _actor_in([noun], actors)
    excluded = {t.i for t in cue.subtree} | set(range(span.start, span.end)) | {cue.i}
    doc = span.doc
    if verb.dep_ == "relcl" and verb.head.head.pos_ in ("VERB", "AUX") and not any(
            t.tag_ in ("WDT", "WP") for t in cue.subtree):
        # "close the routes through which steel enters ... within 30 days": what is due is closing them
        verb = verb.head.head
    due = next((c for c in verb.children if c.dep_ == "acomp" and c.lower_ == "due"), None)
    place = next((c for c in [*due.children, *verb.children] if c.dep_ == "prep" and c.lower_ in (
        "in", "before", "at") and any(t.lower_ in COURT_WORDS for t in c.subtree)), None) if due is not None else None
    if place is not None:  # "Jackson is due in court Feb. 17": the defendant must appear there
        words = [t for t in place.subtree if t.i not in excluded]
        if words:
            return "appear " + doc[words[0].i:words[-1].i + 1].text, _actor_in(_subjects(verb), actors)
    purpose = _purpose(verb, span)
    if purpose is not None:  # "The plan was designed to lower carbon emissions by 2030": lowering them is due
        return _verb_phrase(purpose, excluded), _actor_in(_subjects(verb), actors)
    if span.end + 1 < len(doc) and doc[span.end].lower_ == "to" and doc[span.end + 1].pos_ in ("VERB", "AUX") and not (
            _acts_itself(verb) and verb.i < span.start and doc[span.end + 1].dep_ == "advcl"):
        # "gave the parties 48 hours to lay down their arms", "has until Friday to respond"; not "must register by
        # Oct. 11 to vote", where the infinitive says what the act is for
        to_verb = doc[span.end + 1]
        given = [c for c in verb.children if c.dep_ in ("dative", "dobj") and c.i < span.start]
        if verb.lower_ in GRANTING_VERBS | TELLING_VERBS and given:
            return _granted_act(to_verb, given[0], excluded), _actor_in(given, actors)  # "gave Google 10 weeks to"
        return _verb_phrase(to_verb, excluded), _actor_in(_subjects(verb), actors)
    noun = next((t for t in doc[cue.i:span.start] if t.lower_ in ("deadline", "ultimatum")), None)
    if noun is not None:
        action = _noun_action(noun)
        purpose = next((c for c in verb.children if c.dep_ in ("prep", "advcl") and c.i > noun.i
                        and next(iter(c.subtree)).lower_ == "for"), None)
        if not action and purpose is not None:  # "set a deadline of June 1 for a deal", "... for Iran to act"
            action = _join(list(purpose.subtree)[1:])
        if action:
            return action, _actor_in(_subjects(verb), actors)
    if cue.lower_ == "due" and cue.head.pos_ in ("NOUN", "PROPN") and cue.dep_ in ("amod", "acl"):
        # "The bond payments due on Tuesday are for principal": the payments are what falls due
        return _join(_core(cue.head, excluded)), _actor_in([cue.head], actors)
    # "gave Iran a Monday deadline to reply": Iran is bound to reply; "The deadline for Iran to respond … is"
    named = _granted_deadline(verb, span, excluded, actors) or _named_deadline_act(verb, actors)
    if named is not None:
        return named
    passive_subject = _passive_subject(verb)
    if verb.lower_ in DEADLINE_WORDS or verb.lower_ in ENDING_VERBS:
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None and subject.lower_ not in PRONOUNS:
            # "A contentious visa program that allows … will expire" → "A contentious visa program will expire"
            return _clause(subject, verb, set(range(span.start, span.end))), None  # a thing ends: no party acts
        if subject is not None:
            return _noun_action(subject), None
    if passive_subject is not None and passive_subject.lower_ in OBJECT_PRONOUNS:
        # "They must be finalized by Dec. 19": what must be done to them, "finalize them"
        return _active_phrase(verb, passive_subject, excluded), _actor_in(_subjects(verb), actors)
    if passive_subject is not None and (passive_subject.lower_ in PRONOUNS or passive_subject.ent_type_ in (
            "PERSON", "ORG", "GPE", "NORP")):
        # "Elian must be returned to his father by Jan. 14": the act is the verb phrase, done to the subject
        return _verb_phrase(verb, excluded), _actor_in(_subjects(verb), actors)
    if passive_subject is not None:
        action = _active_phrase(verb, passive_subject, excluded)
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        actor = _actor_in([agent] if agent is not None else [], actors) or _actor_in([passive_subject], actors)
        return action, actor
    return _state_to_reach(verb, excluded) or _verb_phrase(verb, excluded), _actor_in(_subjects(verb), actors)


COPULAS = {"be", "is", "are", "was", "were", "been"}


def _state_to_reach(verb: Token, excluded: set[int]) -> str | None:
    """A state a thing must be in by the date, read as the act of bringing it there: 'the report must be ready by
    Friday' → 'get the report ready', 'unless hearings are underway by Sept. 6' → 'get hearings underway'. A
    person's own state ('he must be out of the country') is left as it is."""
    if verb.lower_ not in COPULAS:
        return None
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None and verb.dep_ == "xcomp" and verb.head.lower_ in COPULAS and any(
            c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        # "International monitors are to be in place within 30 days": the subject of 'are to'
        subject = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
    state = next((c for c in verb.children if c.dep_ in ("acomp", "prep") and c.i > verb.i and c.i not in excluded
                  and c.lower_ not in ("by", "before", "until", "due")), None)
    if subject is None or state is None or subject.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or (
            subject.lower_ in PRONOUNS and subject.lower_ not in ("it", "they")):
        return None
    thing = OBJECT_PRONOUNS.get(subject.lower_) or _join(_core(subject, excluded))
    words = [t for t in state.subtree if t.i not in excluded]
    run = _contiguous_from(words, state.i)
    rest = run[0].doc[run[0].i:run[-1].i + 1].text if run else None  # "in place", with its preposition
    if not thing or not rest:
        return None
    first = _core(subject, excluded)[0] if subject.lower_ not in OBJECT_PRONOUNS else None
    if first is not None and first.i == first.sent.start and first.pos_ != "PROPN":
        thing = first.lower_ + thing[len(first.text):]
    return f"get {thing} {rest}"


def _granted_deadline(verb: Token, span: Span, excluded: set[int], actors: list[Actor]
                      ) -> tuple[str | None, str | None] | None:
    """'gave Iran a Monday deadline to reply', 'set a Friday deadline to answer': the infinitive the deadline
    named right after the date is for, bound on whom a granting or telling verb gave it to, else on the subject."""
    doc = span.doc
    if span.end >= len(doc) or doc[span.end].lower_ not in ("deadline", "ultimatum"):
        return None
    noun = doc[span.end]
    to_verb = next((c for c in [*noun.children, *verb.children] if c.dep_ in ("acl", "relcl", "advcl", "xcomp")
                    and c.i > noun.i and c.pos_ in ("VERB", "AUX") and any(
                        a.lower_ == "to" and a.dep_ == "aux" for a in c.children)), None)
    if to_verb is None and verb.lower_ in GRANTING_VERBS:
        to_verb = _time_asked_for(verb)
    if to_verb is None:
        return None
    given = [c for c in verb.children if c.dep_ in ("dative", "dobj") and c.i < span.start and c.i not in excluded]
    if verb.lower_ in GRANTING_VERBS | TELLING_VERBS and given:
        return _granted_act(to_verb, given[0], excluded), _actor_in(given[:1], actors)
    return _verb_phrase(to_verb, excluded), _actor_in(_subjects(verb), actors)


def _time_asked_for(verb: Token) -> Token | None:
    """'he needed more time to review the evidence and the judge has given him a May 10 deadline': a deadline
    granted with no act of its own is for what the time was asked for earlier in the sentence."""
    for token in verb.sent:
        if token.i >= verb.i:
            break
        if token.lower_ in ("time", "extension") and token.head.pos_ == "VERB":
            act = next((c for c in token.children if c.dep_ in ("acl", "relcl") and c.pos_ == "VERB"
                        and any(a.lower_ == "to" and a.dep_ == "aux" for a in c.children)), None)
            if act is not None:
                return act
    return None


def _granted_act(to_verb: Token, given: Token, excluded: set[int]) -> str | None:
    """What the time was given for ('gave Google 10 weeks to change its practices' → 'change its practices'); a
    one-word act keeps whom it was given to ('gave him until Monday to respond' → 'him to respond')."""
    phrase = _verb_phrase(to_verb, excluded)
    if phrase is not None and len(phrase.split()) < 2:
        phrase = f"{_join(_core(given, excluded)) or given.text} to {phrase}"
    return phrase


def _named_deadline_act(verb: Token, actors: list[Actor]) -> tuple[str, str | None] | None:
    """What a deadline named in the clause is for: 'March 1 is the deadline to compete for …' (the deadline is
    the attribute), 'The deadline for Iran to respond … has been extended to Dec. 15' (it is the subject)."""
    for child in verb.children:
        if child.lower_ not in ("deadline", "deadlines", "ultimatum") or child.dep_ not in ("attr", "nsubj", "nsubjpass"):
            continue
        action = _noun_action(child)
        if action:
            return action, _actor_in(_subjects(verb) if child.dep_ == "attr" else [child], actors)
    return None


def _acts_itself(verb: Token) -> bool:
    """A verb that is an act on its own ('register', 'submit'), not one that grants, holds or asks for time."""
    return verb.pos_ == "VERB" and verb.lower_ not in GRANTING_VERBS | TELLING_VERBS | OBLIGATION_WORDS | LIGHT_VERBS


def _setter(verb: Token | None, cue: Token, actors: list[Actor]) -> str | None:
    """Who set the deadline: the subject of the verb that sets it ('The European Commission gave Google 10
    weeks', 'Judge Curiel ordered that the records be released', 'Washington wants … to be completed'), the
    agent of its passive ('was given until Friday by the council'), or a party binding itself ('Iran pledged to
    withdraw by May'). Only a named party of the sentence; a common noun ('the bank') gives none."""
    node = verb if verb is not None else next((a for a in cue.ancestors if a.pos_ in ("VERB", "AUX")), None)
    for _ in range(5):
        if node is None:
            return None
        if node.lower_ in SETTING_VERBS or node.lower_ in COMMITTING_VERBS:
            agent = next((c for c in node.children if c.dep_ == "agent"), None)
            if any(c.dep_ == "auxpass" for c in node.children):
                return _actor_in([agent], actors) if agent is not None else None
            return _actor_in([c for c in node.children if c.dep_ == "nsubj"], actors)
        if node.dep_ not in ("xcomp", "ccomp", "advcl", "conj", "acl") or node.head.i == node.i:
            return None
        node = node.head if node.head.pos_ in ("VERB", "AUX") else next(
            (a for a in node.ancestors if a.pos_ in ("VERB", "AUX")), None)
    return None


def _purpose(verb: Token, span: Span) -> Token | None:
    """The infinitive a passive or planning verb is for ('was designed to lower emissions by 2030'), when the
    due point hangs from the verb and not from the infinitive."""
    if not (any(c.dep_ == "auxpass" for c in verb.children) or verb.lower_ in PURPOSE_VERBS):
        return None
    return next((c for c in verb.children if c.dep_ == "xcomp" and c.i < span.start and c.pos_ == "VERB"
                 and any(a.lower_ == "to" for a in c.children)), None)


def _core(noun: Token, excluded: set[int]) -> list[Token]:
    """A noun phrase without its relative clauses, appositions and participle phrases ('the playbooks and other
    records, numbering about 1,000 pages' → 'the playbooks and other records')."""
    cut = {t.i for c in noun.subtree if c.dep_ in ("relcl", "appos", "acl") and c is not noun
           for t in c.subtree}
    words = [t for t in noun.subtree if t.i not in cut and t.i not in excluded]
    run = _contiguous_from(words, noun.i)
    while run and run[-1].is_punct:
        run.pop()
    return run


def _clause(subject: Token, verb: Token, excluded: set[int]) -> str | None:
    """'A contentious visa program will expire': the subject's core, the verb's auxiliaries and the verb."""
    words = _core(subject, excluded) + [c for c in verb.children if c.dep_ in ("aux", "auxpass", "neg")
                                        and c.i > subject.i] + [verb]
    return _join(sorted({t.i: t for t in words}.values(), key=lambda t: t.i))


def _active_phrase(verb: Token, subject: Token, excluded: set[int]) -> str | None:
    """A passive turned into what must be done: 'the denuclearisation of North Korea to be completed' →
    'complete the denuclearisation of North Korea'; 'the minimum wage, now $7.25, to be raised to $15' → 'raise
    the minimum wage to $15'."""
    core = _core(subject, excluded)
    thing = OBJECT_PRONOUNS.get(subject.lower_) if subject.lower_ in OBJECT_PRONOUNS else _join(core)
    if not thing:
        return None
    if core and core[0].i == core[0].sent.start and core[0].pos_ == "DET" and thing.startswith(core[0].text):
        thing = core[0].lower_ + thing[len(core[0].text):]  # "The refugees must be returned" → "return the refugees"
    after = [t for c in verb.children if c.i > verb.i and c.dep_ in ("prep", "prt", "oprd", "dative", "dobj", "advmod")
             and c.i not in excluded and next(iter(c.subtree)).lower_ not in ("by",)
             for t in c.subtree if t.i not in excluded]
    run = _contiguous_from(sorted(after, key=lambda t: t.i), min((t.i for t in after), default=0))
    while run and (run[-1].is_punct or run[-1].pos_ in ("ADP", "CCONJ", "DET")):
        run.pop()
    rest = run[0].doc[run[0].i:run[-1].i + 1].text if run else None  # "to their homes", with its preposition
    if rest and after and after[0].i != verb.i + 1 and min(t.i for t in after) != verb.i + 1:
        rest = None  # only what follows the verb directly
    return " ".join(w for w in (base_form(verb.text), thing, rest) if w)


def _widened(verb: Token, action: str | None) -> str | None:
    """A one-word act in its clause: 'Voters must register' for 'register', 'register to vote' for 'vote'."""
    if action is None or len(action.split()) >= 2:
        return action
    complement = next((c for c in verb.children if c.dep_ == "xcomp" and c.text == action and c.i > verb.i), None)
    if complement is not None and complement.i - verb.i <= 3:
        return verb.doc[verb.i:complement.i + 1].text  # "it should be allowed to expire" → "allowed to expire"
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is not None and subject.lower_ not in PRONOUNS and subject.pos_ in ("NOUN", "PROPN"):
        return _clause(subject, verb, set()) or action
    speaker = _speaker_of(verb) if subject is not None and subject.lower_ in ("he", "she", "it", "they") else None
    if speaker is not None:  # "Salazar has not indicated that he will act by the May 9 deadline"
        words = _core(speaker, set()) + [c for c in verb.children if c.dep_ in ("aux", "neg")] + [verb]
        return _join(words) or action
    told = next((c for c in verb.head.children if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN")
                 and c.i < verb.i), None) if verb.dep_ == "xcomp" and verb.head.pos_ == "VERB" else None
    if told is not None and _core(told, set()):  # "requires all plants to close by 2030" → "all plants to close"
        return f"{_join(_core(told, set()))} to {verb.text}"
    if verb.dep_ == "xcomp" and verb.head.pos_ == "VERB" and 0 < verb.i - verb.head.i <= 3:
        controller = verb.head
        subject = next((c for c in controller.children if c.dep_ == "nsubj"), None)
        if subject is not None and subject.lower_ not in PRONOUNS and subject.pos_ in ("NOUN", "PROPN"):
            words = _core(subject, set()) + [c for c in controller.children if c.dep_ in ("aux", "neg")
                                             and c.i > subject.i]
            return _join([*words, *verb.doc[controller.i:verb.i + 1]]) or action  # "That work needs to start"
        return verb.doc[controller.i:verb.i + 1].text  # "register to vote"
    return action


def _speaker_of(verb: Token) -> Token | None:
    """Who a pronoun subject of a reported clause is: the named subject of the verb that reports it ('Salazar said
    that he will act' → Salazar), through the clause's coordination; None when that subject is a pronoun too."""
    node = verb
    while node.dep_ == "conj" and node.head is not node:
        node = node.head
    if node.dep_ != "ccomp" or node.head is node:
        return None
    reporter = node.head
    while not any(c.dep_ == "nsubj" for c in reporter.children) and reporter.dep_ == "conj" and reporter.head is not reporter:
        reporter = reporter.head
    subject = next((c for c in reporter.children if c.dep_ == "nsubj"), None)
    return subject if subject is not None and subject.pos_ == "PROPN" else None


def _fuller_action(verb: Token | None, span: Span) -> str | None:
    """A readable act where the verb alone says nothing ('is due', 'have until… to', 'set an April 15 deadline
    for…', 'expire'): the infinitive after the date, the deadline's purpose, or the subject that falls due."""
    doc = span.doc
    own_act = verb is not None and _acts_itself(verb) and verb.i < span.start  # "must register by Oct. 11 to vote"
    for i in range(span.end, min(span.sent.end - 1, span.end + 12)):
        if doc[i].pos_ == "CCONJ" or doc[i].text in (";", ":"):
            break  # "… before the deadline, but Republicans … to override him": another clause
        if own_act and doc[i].lower_ == "to" and doc[i + 1].dep_ == "advcl":
            break  # what the act is for, not the act
        if doc[i].lower_ == "to" and doc[i + 1].pos_ in ("VERB", "AUX") and doc[i + 1].lower_ not in ("be", "have"):
            phrase = _verb_phrase(doc[i + 1], set(range(span.start, span.end)))
            if phrase and len(phrase.split()) >= 2:
                return phrase  # "Candidates have until Jan. 31, the eve of…, to disclose fundraising details"
    nouns = [t for t in doc[max(span.sent.start, span.start - 3):min(span.sent.end, span.end + 2)]
             if t.lower_ in ("deadline", "ultimatum")]
    for noun in nouns:
        action = _noun_action(noun)
        if action and len(action.split()) >= 2:
            return action  # "an April 15 deadline for parties to litigate a detailed investigative plan"
    if verb is not None:
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None and subject.lower_ not in PRONOUNS:
            words = [t for t in subject.subtree if not any(a.dep_ in ("appos", "relcl", "acl") and a.i != subject.i
                                                           for a in [t, *t.ancestors] if a.i in
                                                           {x.i for x in subject.subtree})]
            phrase = _join(words[:MAX_ACTION_TOKENS])
            if phrase and len(phrase.split()) >= 2:
                return phrase  # "The EPA's decision is due by next week"
    return None


def _verb_phrase(verb: Token, excluded: set[int]) -> str | None:
    """The verb with its objects and complements ('hand over the inspection records'), no cue or date."""
    tokens = sorted({t.i: t for t in _verb_tokens(verb, excluded)}.values(), key=lambda t: t.i)
    return _join(_contiguous_from(tokens, verb.i))


def _verb_tokens(verb: Token, excluded: set[int]) -> list[Token]:
    tokens = [verb]
    for child in verb.children:
        if child.i in excluded:
            continue
        if child.dep_ in ("dobj", "prt", "attr", "dative", "acomp", "xcomp", "ccomp", "prep", "oprd", "neg"):
            tokens.extend(t for t in child.subtree if t.i not in excluded)
    return tokens


def _described_noun(verb: Token) -> Token | None:
    """The noun a bare past participle right after it describes ('uranium enriched to 60 per cent'): a reduced
    relative clause, whether the parse hangs it on the noun (acl) or on a verb higher up (advcl)."""
    if verb.tag_ != "VBN" or verb.dep_ not in ("acl", "advcl") or verb.i == 0 or any(
            c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "mark") for c in verb.children):
        return None
    before = verb.doc[verb.i - 1]
    if before.pos_ not in ("NOUN", "PROPN") or before.dep_ not in ("pobj", "dobj", "conj", "appos"):
        return None
    if verb.dep_ == "acl" and verb.head.i != before.i:
        return None
    return before


def _deadline_noun(cue: Token, span: Span) -> Token | None:
    node = span.root
    for _ in range(4):
        if node.lower_ in DEADLINE_WORDS or node.pos_ in ("NOUN", "PROPN") and node.i < span.start:
            return node
        if node.head is node:
            break
        node = node.head
    return None


def _noun_action(noun: Token) -> str | None:
    """'the deadline for Iran to respond' → 'Iran to respond'; 'the truce' → 'the truce'."""
    for child in noun.children:
        if child.dep_ in ("acl", "relcl", "prep") and child.lower_ not in ("of", "on", "at", "by", "in"):
            words = [t for t in child.subtree if t.ent_type_ not in ("DATE", "TIME")]
            if child.dep_ in ("acl", "relcl") and len(words) > 1 and words[0].lower_ == "for" and any(
                    w.lower_ == "to" and w.head.i == child.i for w in words):
                text = _join(words[1:])  # "the deadline for the two sides to agree on a ceasefire"
                if text:
                    return text
            elif child.dep_ in ("acl", "relcl") and words and words[0].lower_ != "to":
                continue  # "the deadline that it raised more": a reported fact, not what the deadline is for
            if child.dep_ == "prep" or (words and words[0].lower_ == "to"):
                words = words[1:]
            if child.dep_ in ("acl", "relcl"):
                words = [t for t in words if t.i >= child.i or t.lower_ != "to"]
            text = _join(words)
            if text:
                return text
    if noun.lower_ in DEADLINE_WORDS:
        return None
    return _join(list(noun.subtree))


def _passive_subject(verb: Token) -> Token | None:
    """The subject of a passive verb, climbing through 'was to be completed' and 'is expected to be'."""
    node = verb
    for _ in range(3):
        subject = next((c for c in node.children if c.dep_ == "nsubjpass"), None)
        if subject is not None:
            return subject
        if node.dep_ in ("xcomp", "ccomp") and node.head is not node and any(
                c.dep_ == "auxpass" for c in verb.children):
            subject = next((c for c in node.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subject is not None:
                return subject
            node = node.head
        else:
            return None
    return None


def _subjects(verb: Token) -> list[Token]:
    """The subject doing `verb`, through control verbs ('Iran agreed to withdraw' → Iran)."""
    node = verb
    for _ in range(4):
        subjects = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")]
        objects = [c for c in node.children if c.dep_ in ("dobj", "dative")]
        if node is not verb and objects and node.lower_ in GRANTING_VERBS | TELLING_VERBS:
            return objects
        if subjects and node is verb:
            return subjects
        if subjects and node is not verb:
            return subjects
        if node.head is node:
            break
        node = node.head
    return []


def _actor_in(nodes: Sequence[Token | None], actors: list[Actor]) -> str | None:
    """The canonical name of the first party mentioned in the subtrees of `nodes`. A place is no party: 'the Gulf
    states' did not set a deadline as 'Gulf', nor is 'Idlib' bound by one."""
    for node in nodes:
        if node is None:
            continue
        found = _actor_in_text(" ".join(t.text for t in node.subtree), actors)
        if found is not None:
            return found
    return None


def _actor_in_text(text: str, actors: list[Actor]) -> str | None:
    text = text.lower()
    best = None
    for actor in actors:
        if actor.kind == "place":
            continue
        for name in [actor.name, *actor.aliases]:
            if name and re.search(r"\b" + re.escape(name.lower()) + r"\b", text):
                position = text.index(name.lower())
                if best is None or position < best[0]:
                    best = (position, actor.name)
    return best[1] if best is not None else None


def _contiguous_from(tokens: list[Token], head_index: int) -> list[Token]:
    """The run of `tokens` around `head_index` with no gaps (drops an object split off by the cue)."""
    if not tokens:
        return tokens
    by_index = {t.i: t for t in tokens}
    lo = hi = head_index
    while lo - 1 in by_index:
        lo -= 1
    while hi + 1 in by_index:
        hi += 1
    run = [by_index[i] for i in range(lo, hi + 1)]
    if len(run) > MAX_ACTION_TOKENS:  # cut a long act at its last comma, not in the middle of a phrase
        run = run[:MAX_ACTION_TOKENS]
        comma = max((k for k, t in enumerate(run) if t.text in (",", ";", "(", "-", "—")), default=0)
        if comma >= 3:
            run = run[:comma]
    return run


def _join(tokens: Iterable[Token]) -> str | None:
    words = list(tokens)
    while words and (words[-1].is_punct or words[-1].pos_ in ("ADP", "CCONJ", "DET")):
        if words[-1].text == ")" and _open_brackets(words[:-1]) > 0:  # "$2 billion (1.8 billion euros)": an aside
            words = words[:max(k for k, w in enumerate(words) if w.text == "(")]
            continue
        words.pop()
    if _open_brackets(words) > 0:  # a bracket left open by a cut: the act ends before it
        words = words[:max(k for k, w in enumerate(words) if w.text == "(")]
        while words and (words[-1].is_punct or words[-1].pos_ in ("ADP", "CCONJ", "DET")):
            words.pop()
    while words and (words[0].is_punct or words[0].pos_ in ("CCONJ", "ADP")):
        words.pop(0)
    if not words:
        return None
    doc = words[0].doc
    return doc.text[words[0].idx:words[-1].idx + len(words[-1].text)] if _is_contiguous(words) else " ".join(
        t.text for t in words)


def _open_brackets(words: list[Token]) -> int:
    return sum(w.text == "(" for w in words) - sum(w.text == ")" for w in words)


def _is_contiguous(words: list[Token]) -> bool:
    return all(b.i == a.i + 1 for a, b in zip(words, words[1:], strict=False))


def _without_overlaps(found: list[Deadline]) -> list[Deadline]:
    kept: list[Deadline] = []
    for deadline in found:
        if kept and deadline.start < kept[-1].end:
            if (deadline.end - deadline.start) > (kept[-1].end - kept[-1].start):
                kept[-1] = deadline
            continue
        kept.append(deadline)
    return kept
