"""Temporal expressions in a spaCy doc: which spans are times, the tense that governs each, and their values.

Spans come from spaCy's DATE/TIME entities (minus ages, model numbers and frequency adjectives) plus
a few words the model leaves out ("now", "recently", "the future"). Each span's text goes to
`normalise.normalize` with the tense of its verb, which picks the direction of a bare weekday or month.
"""

from __future__ import annotations

import re
from datetime import date

from spacy.tokens import Doc, Span

from bot.analysis.dates.normalise import CLOCK, MONTHS, WEEKDAYS, DocContext, normalize
from bot.analysis.records import DateMention

# Extra one- and two-word expressions the model rarely tags DATE.
EXTRA_PHRASES = {"a year", "a day", "a week", "a month", "per year", "per day", "today", "yesterday", "tomorrow", "tonight", "the latest period", "every day", "each day", "daily", "now", "currently", "recently", "nowadays", "lately", "the future", "the near future",
                 "the past", "the near term", "the short term", "current", "these days", "right now"}
FREQUENCY_ADJECTIVES = {"annual", "annually", "quarterly", "seasonally", "yearly", "monthly", "biannual",
                        "semiannual"}
TEMPORAL_WORD = re.compile(
    r"\b(\d{4}s?|'\d0s|now|today|tonight|yesterday|tomorrow|day|days|week|weeks|weekend|month|months|year|years|"
    r"quarter|quarters|decade|decades|century|centuries|hour|hours|minute|minutes|second|seconds|morning|afternoon|"
    r"evening|night|noon|midnight|midday|season|spring|summer|fall|autumn|winter|"
    + "|".join(MONTHS) + "|" + "|".join(WEEKDAYS) + r"|\d{1,2}:\d\d|a\.m\.|p\.m\.|am|pm|ago|recent\w*|current\w*|"
    r"future|past|soon|period|time|nineties|eighties|seventies|sixties|fifties|christmas|easter|year-end|"
    r"thanksgiving|ramadan|yet|once|earlier|later|previously|formerly|nowadays|lately|present)\b"
)

def extract_dates(doc: Doc, published: date | None) -> list[DateMention]:
    """Every temporal expression in `doc`, in text order, with its TIMEX3 value (None when unresolvable)."""
    spans = candidate_spans(doc)
    context = DocContext(quarter=_first_quarter(spans, published))
    found: list[DateMention] = []
    for span in spans:
        if _names_a_person(span) or _quoted_title(span):
            continue  # "a memoir by Wednesday Martin"; ABC's "This Week", CBS's "60 Minutes"
        tense = verb_tense(span)
        if _after_deadline_cue(span) and (tense != "past" or _of_a_deadline(span)):
            tense = "ahead"  # "by Friday", "no later than March 1", "extended its deadline until Tuesday"
        elif _after_deadline_cue(span) and _in_a_stated_plan(span):
            tense = "ahead"  # "he said he planned to visit before January": a plan the party still holds
        elif _after_deadline_cue(span) and (_before_infinitive(span) or _in_infinitive(span)) and not (
                _held_before(span)):
            tense = "future"  # "ordered them to finish by the end of January": ahead of the order, maybe past now
        elif span.end < len(doc) and doc[span.end].tag_ == "POS":
            tense = "past"  # "Wednesday's ruling" reports what happened
        elif tense != "past" and _placed_by_a_deadline(span) or _deadline_set(span) or moved_deadline(span):
            tense = "ahead"  # "The deadline for the two sides to agree is Friday", "set a Friday deadline"
        if span.end < len(doc) and doc[span.end].lower_ in ("ended", "ending") and re.fullmatch(
                r"the (?:fiscal |financial )?year", span.text.lower()):
            found.append(DateMention(text=span.text, start=span.start_char, end=span.end_char, value="P1Y"))
            continue  # "the year ended Sept. 30": a twelve-month period
        value = normalize(span.text, published, tense=tense, context=context)
        if value is None and re.fullmatch(r"\d{1,2}", span.text) and found and re.fullmatch(
                r"\d{4}-\d\d-\d\d", found[-1].value or ""):
            value = _same_month_day(found[-1].value or "", int(span.text))
        if value and re.fullmatch(r"P\d+[DWMY]", value) and _after_word(span, "in") and tense == "future" and (
                re.match(r"(an?|one|two|three|four|five|six|seven|eight|nine|ten|\d+)\b", span.text.lower())):
            value = normalize(f"{span.text} from now", published, tense=tense, context=context) or value
        if value is None and not TEMPORAL_WORD.search(span.text.lower()):
            continue
        found.append(DateMention(text=span.text, start=span.start_char, end=span.end_char, value=value))
    return _clock_times_on_their_day(doc, found, published)


def _same_month_day(value: str, day: int) -> str | None:
    try:
        return date(int(value[:4]), int(value[5:7]), day).isoformat()
    except ValueError:
        return None


def _clock_times_on_their_day(doc: Doc, found: list[DateMention], published: date | None) -> list[DateMention]:
    """'at 10:35 a.m. (0735 GMT) Friday': a bare clock time belongs to the day its sentence names."""
    if published is None:
        return found
    today = published.isoformat() + "T"
    for mention in found:
        if not (mention.value or "").startswith(today) or not CLOCK.search(mention.text):
            continue
        sentence = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if sentence is None:
            continue
        sent = sentence.sent
        days = [m.value for m in found if m is not mention and sent.start_char <= m.start < sent.end_char
                and m.value is not None and re.fullmatch(r"\d{4}-\d\d-\d\d", m.value)]
        if len(set(days)) == 1 and mention.value is not None:
            mention.value = days[0] + mention.value[len(today) - 1:]
    return found


def _first_quarter(spans: list[Span], published: date | None) -> tuple[int, int] | None:
    """The first quarter an article names ("third-quarter profit"): what its "a year ago" compares with."""
    for span in spans:
        if re.search(r"\b(first|second|third|fourth)[- ]quarter\b", span.text.lower()):
            value = normalize(span.text, published)
            if value and re.fullmatch(r"\d{4}-Q[1-4]", value):
                return int(value[:4]), int(value[-1])
    return None


DEADLINE_CUES = {"by", "until", "till", "before", "than", "through", "deadline", "expires", "expire", "expiring", "due"}


def _after_deadline_cue(span: Span) -> bool:
    before = [t.lower_ for t in span.doc[max(0, span.start - 2):span.start]]
    return bool(before) and (before[-1] in DEADLINE_CUES or (before[-1] in ("on", "at", "in") and len(before) > 1
                                                             and before[0] in DEADLINE_CUES)) or _due_at(span)


def _due_at(span: Span) -> bool:
    """'is due in court Feb. 17', 'due back on Monday': what is due a few words before the date lies ahead; 'due to
    the weather' (because of) and a verb in between ('due to meet and then fly on Friday') do not count."""
    doc = span.doc
    for token in reversed(doc[max(span.sent.start, span.start - 6):span.start]):
        if token.pos_ in ("VERB", "AUX") or token.is_punct:
            return False
        if token.lower_ == "due":
            return not (token.i + 2 < len(doc) and doc[token.i + 1].lower_ == "to"
                        and doc[token.i + 2].pos_ not in ("VERB", "AUX"))
    return False


def _of_a_deadline(span: Span) -> bool:
    """'extended its deadline until 9 a.m. Tuesday', 'before the Sunday deadline': the date a deadline falls on
    lies ahead of the news about it, even when the verb is past."""
    doc = span.doc
    if span.end < len(doc) and doc[span.end].lower_ in ("deadline", "deadlines"):
        return True
    lo = max(span.sent.start, span.start - 5)
    return any(t.lower_ in ("deadline", "deadlines", "ultimatum") or t.lower_ in PUTTING_OFF
               for t in doc[lo:span.start])


# Verbs that give or face a deadline still to come ("The EU set a Friday deadline", "Athens faces a Dec. 31
# deadline"), unlike those that tell it is over ("missed the Sunday deadline", "met Friday's deadline").
SETTING_A_DEADLINE = {"set", "sets", "setting", "gave", "give", "gives", "given", "issued", "issues", "imposed",
                      "imposes", "faces", "face", "facing", "announced", "extended", "extends"}


def _deadline_set(span: Span) -> bool:
    """'The EU set a Friday deadline for Athens': the day a deadline given or faced falls on lies ahead."""
    doc = span.doc
    if span.end >= len(doc) or doc[span.end].lower_ not in ("deadline", "deadlines", "ultimatum"):
        return False
    verb = next((a for a in doc[span.end].ancestors if a.pos_ in ("VERB", "AUX")), None)
    return verb is not None and verb.lower_ in SETTING_A_DEADLINE


def _placed_by_a_deadline(span: Span) -> bool:
    """'The deadline for Iran to respond is Friday', 'The UN deadline for the withdrawal falls on Monday': the
    clause that places the date has a deadline for its subject."""
    verb = next((a for a in span.root.ancestors if a.pos_ in ("VERB", "AUX")), None)
    return verb is not None and any(c.dep_ in ("nsubj", "nsubjpass") and c.i < span.start and c.lower_ in (
        "deadline", "deadlines", "cutoff", "ultimatum") for c in verb.children)


MOVING_VERBS = {"extended", "extend", "extends", "moved", "move", "moves", "pushed", "push", "pushes", "postponed",
                "postpone", "postpones", "delayed", "delay", "delays", "brought", "bring", "brings"}


def moved_deadline(span: Span) -> bool:
    """'The deadline for the report on … between the two rival factions was extended to Friday': the day a
    deadline is moved to, with the deadline word opening the noun phrase before the moving verb however long
    the phrase (or however the parser split it), and no clause boundary between; that day lies ahead."""
    doc = span.doc
    verb = next((a for a in span.root.ancestors if a.pos_ in ("VERB", "AUX")), None)
    if verb is None or verb.lower_ not in MOVING_VERBS or span.start == 0 or doc[span.start - 1].lower_ not in (
            "to", "until", "till"):
        return False
    for i in range(verb.i - 1, verb.sent.start - 1, -1):
        token = doc[i]
        if token.lower_ in ("deadline", "deadlines", "cutoff", "cut-off", "ultimatum"):
            return i == verb.sent.start or doc[i - 1].pos_ in ("DET", "ADJ", "PRON", "PROPN", "PUNCT") or (
                doc[i - 1].tag_ == "POS")
        if token.pos_ == "CCONJ" or token.text in (";", ":") or token.dep_ in ("mark", "relcl") or token.tag_ in (
                "WDT", "WP"):
            return False
    return False


# "postponed until Tuesday morning any action": what is put off is put off to a time still ahead.
PUTTING_OFF = {"postponed", "postpones", "postpone", "delayed", "delays", "deferred", "defers", "adjourned",
               "adjourns", "extended", "extends", "suspended"}


def _names_a_person(span: Span) -> bool:
    """A weekday that is a first name: 'by Wednesday Martin'."""
    doc = span.doc
    return (len(span) == 1 and span[0].lower_ in WEEKDAYS and span.end < len(doc)
            and doc[span.end].pos_ == "PROPN" and doc[span.end].is_title
            and doc[span.end].lower_ not in MONTHS and doc[span.end].lower_ not in WEEKDAYS)


OPENING_QUOTES = {'"', "\u201c", "``", "'", "\u2018", "''"}


def _quoted_title(span: Span) -> bool:
    """The name of a programme or a work, in quotation marks and capitalised ('speaking on "This Week,"', 'told
    CBS's "60 Minutes"'): every word of it capitalised or a number, a quotation mark right before it and one
    right after (past a comma or full stop)."""
    doc = span.doc
    if span.start == 0 or doc[span.start - 1].text not in OPENING_QUOTES:
        return False
    if not all(t.is_title or t.like_num for t in span) or not any(t.is_title for t in span):
        return False
    after = doc[span.end:span.end + 2]
    return any(t.text in OPENING_QUOTES or t.text in ("\u201d", "\u2019") for t in after)


def _after_word(span: Span, word: str) -> bool:
    """'(will meet) in two weeks': a duration counted forward from now is a date."""
    return span.start > 0 and span.doc[span.start - 1].lower_ == word


def _in_infinitive(span: Span) -> bool:
    """'told Britain to submit its proposals by April 15': a task still ahead, whatever the telling verb."""
    verb = next((a for a in span.root.ancestors if a.pos_ in ("VERB", "AUX")), None)
    return verb is not None and verb.tag_ == "VB" and any(c.lower_ == "to" for c in verb.children)


# Past verbs that report a plan or a promise still held: what they govern lies ahead of the report.
PLANNING_VERBS = {"planned", "agreed", "promised", "pledged", "vowed", "intended", "decided", "committed",
                  "undertook", "resolved"}


def _in_a_stated_plan(span: Span) -> bool:
    """'said he planned to visit the United States before January': the infinitive of a plan or promise in the
    simple past (a pluperfect 'had planned to' tells of a plan that may be over)."""
    verb = next((a for a in span.root.ancestors if a.pos_ in ("VERB", "AUX")), None)
    if verb is None or verb.tag_ != "VB" or not any(c.lower_ == "to" for c in verb.children):
        return False
    plan = verb.head
    return (verb.dep_ == "xcomp" and plan.lower_ in PLANNING_VERBS and plan.tag_ == "VBD"
            and not any(c.dep_ == "aux" for c in plan.children))


def _held_before(span: Span) -> bool:
    """'He had until Monday to respond': time someone had, told in the past, ran out in the past; 'was given until
    Monday' and 'has until Monday' still lie ahead."""
    doc = span.doc
    i = span.start - 2
    while i > span.sent.start and doc[i].pos_ == "ADV":
        i -= 1
    return i >= span.sent.start and doc[i + 1].lower_ in ("until", "till") and doc[i].lower_ == "had"


def _before_infinitive(span: Span) -> bool:
    """'given until Friday to respond': the time allowed for something still to come."""
    doc = span.doc
    return span.end + 1 < len(doc) and doc[span.end].lower_ == "to" and doc[span.end + 1].pos_ in ("VERB", "AUX")


def candidate_spans(doc: Doc) -> list[Span]:
    """DATE/TIME entities cleaned of what is not a time, plus the time words the model leaves untagged."""
    spans: list[Span] = []
    taken: set[int] = set()
    for ent in _merged_time_entities(doc):
        for part in _split_range(ent):
            span = _clean_entity(part)
            if span is None:
                continue
            spans.append(span)
            taken.update(range(span.start, span.end))
    for span in _pattern_spans(doc, taken) + _extra_phrases(doc, taken):
        spans.append(span)
        taken.update(range(span.start, span.end))
    spans.sort(key=lambda s: s.start)
    return spans




def _merged_time_entities(doc: Doc) -> list[Span]:
    """DATE/TIME entities, with a day and the part of it that follows joined ("Friday" + "night")."""
    merged: list[Span] = []
    for ent in doc.ents:
        if ent.label_ not in ("DATE", "TIME") and not _time_quantity(ent):
            continue
        previous = merged[-1] if merged else None
        if previous is not None and previous.end == ent.start and ent.label_ == "TIME" and not doc[
                ent.start - 1].is_punct:
            merged[-1] = doc[previous.start:ent.end]
        elif previous is not None and previous.end + 1 == ent.start and doc[previous.end].lower_ == "on" and (
                previous.label_ == "TIME" and ent.label_ == "DATE"):
            merged[-1] = doc[previous.start:ent.end]  # "noon on Sunday"
        elif previous is not None and previous.end + 1 == ent.start and doc[previous.end].lower_ == "at" and (
                previous.label_ == "DATE" and ent.label_ == "TIME" and CLOCK.fullmatch(ent.text)):
            merged[-1] = doc[previous.start:ent.end]  # "Sunday at midnight", "Friday at 5 p.m."
        elif previous is not None and ent.start - previous.end <= 1 and (
                previous.text.lower() in WEEKDAYS and re.search(r"\d", ent.text) or CLOCK.search(previous.text)
                and ent.label_ == "DATE") and (ent.start == previous.end or doc[previous.end].text == ","):
            merged[-1] = doc[previous.start:ent.end]  # "Friday, Oct. 13"
        else:
            merged.append(ent)
    return merged


def _time_quantity(ent: Span) -> bool:
    """'about 5 1/2 hours' tagged QUANTITY: a count of time units is a duration."""
    return ent.label_ == "QUANTITY" and ent[-1].lower_ in (
        "seconds", "minutes", "hours", "days", "weeks", "months", "years") and any(t.like_num for t in ent)


RANGE_WORDS = {"ended", "ending", "through", "to", "and", "until", "till", "-", "\u2013", "or", "from", "between"}


def _split_range(ent: Span) -> list[Span]:
    """'Aug. 26 to Oct. 20', 'the quarter ended Sept. 30': one span per side of the range word."""
    parts: list[Span] = []
    start = ent.start
    for token in ent:
        years_listed = token.text == "," and 0 < token.i - ent.start and re.fullmatch(
            r"\d{4}", token.nbor(-1).text) and token.i + 1 < ent.end and re.fullmatch(r"\d{4}", token.nbor(1).text)
        and_a_half = token.lower_ == "and" and token.i + 2 < ent.end and token.nbor(2).lower_ == "half"
        or_so = token.lower_ == "or" and token.i + 1 < ent.end and token.nbor(1).lower_ == "so"  # "a week or so ago"
        if (token.lower_ in RANGE_WORDS and (token.text != "-" or token.whitespace_) and not (and_a_half or or_so)) or (
                years_listed):
            if token.i > start:
                parts.append(ent.doc[start:token.i])
            start = token.i + 1
    if start < ent.end:
        parts.append(ent.doc[start:ent.end])
    if len(parts) > 1 and all(TEMPORAL_WORD.search(p.text.lower()) or _day_of_a_listed_month(p, parts[0])
                              for p in parts):
        return parts
    if ent[0].lower_ in ("between", "from") and len(ent) > 1:
        return [ent.doc[ent.start + 1:ent.end]]
    return [ent]


def _listed_day(ent: Span) -> bool:
    """A bare day number right after 'April 24 and' / 'April 24-' in the same DATE entity."""
    doc = ent.doc
    return (len(ent) == 1 and ent.start >= 3 and doc[ent.start - 1].lower_ in ("and", "or", "to", "-")
            and re.fullmatch(r"\d{1,2}", doc[ent.start - 2].text) is not None
            and doc[ent.start - 3].lower_.rstrip(".") in MONTHS and doc[ent.start - 3].ent_type_ == "DATE")


def _day_of_a_listed_month(part: Span, first: Span) -> bool:
    """'April 24 and 25': the bare day after a month and day is a second day of that month."""
    return part is not first and re.fullmatch(r"\d{1,2}", part.text) is not None and re.fullmatch(
        r"[A-Za-z]+\.? \d{1,2}", first.text) is not None


def _clean_entity(ent: Span) -> Span | None:
    """The entity trimmed of possessive endings and stray punctuation, or None when it is not a time."""
    text = ent.text.lower()
    if re.fullmatch(r"(today|tomorrow)('s)?", text) and (text.endswith("'s") or (
            ent.end < len(ent.doc) and ent.doc[ent.end].tag_ == "POS")):
        return None  # "today's world": not a day
    if text in ("the day", "that day", "this day", "the days", "the future") and not (
            ent.end < len(ent.doc) and ent.doc[ent.end].lower_ in ("before", "after")):
        if text != "the future" or (ent.end < len(ent.doc) and ent.doc[ent.end].lower_ == "of"):
            return None  # "the day belonged to...": no date the reader can place
    if re.fullmatch(r"0\d{3}", text):
        return None  # "0735 GMT"
    if re.fullmatch(r"\d{1,3}|\d{5,}", text) and not _listed_day(ent):
        return None  # ages ("Amir, 27,") and model numbers ("80486")
    if re.search(r"\bold\b|-old\b", text):
        return None  # "37 years old", "a 136-year-old institution"
    if text in FREQUENCY_ADJECTIVES or (text == "daily" and not _daily_is_time(ent)):
        return None
    start, end = ent.start, ent.end
    doc = ent.doc
    while end > start and (doc[end - 1].is_punct or doc[end - 1].tag_ == "POS" or doc[end - 1].pos_ in (
            "CCONJ", "ADP")):
        end -= 1
    while start < end and (doc[start].is_punct or doc[start].lower_ in LEADING_NOISE):
        start += 1
    head = " ".join(t.lower_ for t in doc[start:min(end, start + 3)])
    for cue in LEADING_CUES:
        if (head + " ").startswith(cue + " ") and end - start > len(cue.split()):
            start += len(cue.split())
            break
    if end == start or doc[start:end].text.lower() in PARTS_ALONE:
        return None
    if start > 0 and doc[start - 1].lower_ in ("this", "last", "next", "that") and doc[start].lower_ in (
            "week", "weekend", "month", "year", "quarter"):
        start -= 1  # "This quarter" tagged without its determiner
    if end - start > 2 and doc[start].pos_ in ("NOUN", "PROPN", "X") and (doc[start + 1].lower_ in (
            "last", "next", "this") or _counts_time(doc[start + 1:end])) and not TEMPORAL_WORD.search(
            doc[start].lower_):
        start += 1  # "(a coup) d'etat last year": the model's span starts a word early
    if end - start > 3 and doc[start].pos_ == "DET" and doc[start + 1].pos_ == "NOUN" and _counts_time(
            doc[start + 2:end]) and not TEMPORAL_WORD.search(doc[start + 1].lower_):
        start += 2  # "(in) an interview several months (before)": a noun phrase before the count
    if start > 0 and doc[start - 1].lower_ in ("each", "every") and end - start == 1 and (
            doc[start].lower_.rstrip(".") in MONTHS or doc[start].lower_ in WEEKDAYS):
        start -= 1  # "each July": every year's July, not this one
    return doc[start:end]


def _counts_time(span: Span) -> bool:
    """'several months', 'two weeks', 'a few days': a count, then a unit of time."""
    words = [t.lower_ for t in span]
    return len(words) >= 2 and (span[0].like_num or words[0] in ("several", "few", "many", "a")) and re.fullmatch(
        r"(?:second|minute|hour|day|week|month|year|decade)s?", words[-1]) is not None


LEADING_CUES = ("no later than", "not later than", "no sooner than", "as late as", "as early as", "by", "until",
                "till", "before", "after", "since", "as of", "through")
LEADING_NOISE = {"both", "its", "his", "her", "their", "our", "my", "your", "sometime", "between", "from"}
PARTS_ALONE = {"night", "the night", "evening", "the evening", "morning"}


_CAPITAL_MONTH = r"(?:" + "|".join(sorted({m.capitalize() for m in MONTHS}, key=len, reverse=True)) + r")\.?"
WRITTEN_DATE = re.compile(
    r"\b(?:" + _CAPITAL_MONTH + r" \d{1,2}(?:st|nd|rd|th)?(?:,? \d{4})?"
    r"|\d{1,2}(?:st|nd|rd|th)? (?:of )?" + _CAPITAL_MONTH + r"(?:,? \d{4})?"
    r"|" + _CAPITAL_MONTH + r",? \d{4}"
    r"|\d{4}-\d{2}-\d{2}"
    r"|(?:(?:last|next|this) )?(?:Thanksgiving(?: Day)?|Christmas(?: Day| Eve)?|New Year's(?: Day| Eve)|Election Day|"
    r"Independence Day|Valentine's Day|Halloween))\b"
)


def _pattern_spans(doc: Doc, taken: set[int]) -> list[Span]:
    """Written calendar dates the model did not tag ("no later than April 15")."""
    spans: list[Span] = []
    for match in WRITTEN_DATE.finditer(doc.text):
        span = doc.char_span(match.start(), match.end(), alignment_mode="contract")
        if span is None or not len(span) or any(i in taken for i in range(span.start, span.end)):
            continue
        if span.text.startswith("May") and not re.search(r"\d", span.text):
            continue
        spans.append(span)
    for token in doc:  # "aiming to get it into production by the fall": a season after a deadline preposition
        if (token.i not in taken and token.i + 1 not in taken and 0 < token.i and token.i + 2 <= len(doc)
                and token.lower_ == "the" and doc[token.i + 1].lower_ in ("spring", "summer", "fall", "autumn",
                                                                          "winter")
                and doc[token.i - 1].lower_ in ("by", "before", "until", "till") and doc[token.i - 1].dep_ != "agent"
                and not (token.i + 2 < len(doc) and (doc[token.i + 2].lower_ in ("of", "in")
                                                     or doc[token.i + 2].pos_ in ("NOUN", "PROPN")))):
            spans.append(doc[token.i:token.i + 2])
    for token in doc:  # "to $15 an hour by 2022": a bare year after a time preposition
        if len(token.text) != 4 or token.text[:2] not in ("19", "20"):
            continue  # cannot be a year: passed over before the slower tests
        if (token.i not in taken and token.i > 0 and re.fullmatch(r"(?:19|20)\d\d", token.text)
                and doc[token.i - 1].lower_ in ("by", "before", "until", "till", "through")
                and not (token.i + 1 < len(doc) and doc[token.i + 1].pos_ in ("NOUN", "PROPN"))):
            spans.append(doc[token.i:token.i + 1])
    return spans


# The words an extra phrase can start with: most tokens start none, and are passed over without building text.
_EXTRA_FIRST_WORDS = frozenset(phrase.split()[0] for phrase in EXTRA_PHRASES)


def _extra_phrases(doc: Doc, taken: set[int]) -> list[Span]:
    spans: list[Span] = []
    words = [t.lower_ for t in doc]
    i = 0
    n = len(doc)
    while i < n:
        if i in taken or words[i] not in _EXTRA_FIRST_WORDS:
            i += 1
            continue
        match = None
        for width in (3, 2, 1):
            if i + width > n or any(j in taken for j in range(i, i + width)):
                continue
            if " ".join(words[i:i + width]) in EXTRA_PHRASES:
                match = doc[i:i + width]
                break
        if match is not None and _is_time_use(match):
            spans.append(match)
            i = match.end
        else:
            i += 1
    return spans


def _daily_is_time(span: Span) -> bool:
    """'a daily rally', 'his daily life', 'almost daily' recur every day; 'daily volume', 'daily Granma' do not."""
    nxt = span.doc[span.end] if span.end < len(span.doc) else None
    before = span.doc[span.start - 1] if span.start > 0 else None
    if nxt is not None and nxt.pos_ in ("NOUN", "ADJ", "PROPN"):
        return before is not None and before.pos_ in ("DET", "PRON") and nxt.pos_ != "PROPN"
    return True


def _is_time_use(span: Span) -> bool:
    """Filter the uses of extra words that are not about time ("current account", "the past tense")."""
    word = span.text.lower()
    if word in ("current", "future", "recent"):
        nxt = span.doc[span.end] if span.end < len(span.doc) else None
        return span[0].pos_ == "ADJ" and nxt is not None and nxt.pos_ in ("NOUN", "PROPN") and nxt.lower_ not in (
            "account", "accounts", "affairs", "events", "generations", "tense")
    if word in ("a year", "a day", "a week", "a month", "per year", "per day"):
        before = span.doc[span.start - 1] if span.start > 0 else None
        return before is not None and (before.like_num or before.ent_type_ in ("MONEY", "QUANTITY", "CARDINAL")
                                       or before.lower_ in ("times", "twice", "once"))  # "$1 billion a year"
    if word in ("today", "tomorrow"):
        nxt = span.doc[span.end] if span.end < len(span.doc) else None
        return nxt is None or nxt.tag_ != "POS"  # "today's world" is no day
    if word == "daily":
        return _daily_is_time(span)
    if word == "soon":
        word_before = span.doc[span.start - 1].lower_ if span.start > 0 else ""
        word_after = span.doc[span.end].lower_ if span.end < len(span.doc) else ""
        return word_before != "as" and word_after not in ("after", "as")
    if word in ("the future", "the past"):
        nxt = span.doc[span.end] if span.end < len(span.doc) else None
        if nxt is not None and nxt.lower_ == "of":
            return False  # "the future of our peoples"
    if word == "the past":
        nxt = span.doc[span.end] if span.end < len(span.doc) else None
        return nxt is None or nxt.pos_ not in ("NOUN", "NUM", "ADJ", "PROPN")
    return True


# Verbs whose object with a participle is a result still wanted ("wants elections held", "ordered the troops
# withdrawn"), not an event already done ("the ruling issued Thursday").
WANTING_VERBS = {"want", "wants", "wanted", "need", "needs", "needed", "order", "orders", "ordered", "demand",
                 "demands", "demanded", "like", "get", "gets", "got", "have", "has", "had", "see", "expect",
                 "expects", "expected"}

# The same verbs after "did" or "does" ("did not plan to", "does not intend to"): the plan is still ahead.
PLANNING_BASE_FORMS = {"plan", "agree", "promise", "pledge", "vow", "intend", "decide", "commit", "undertake",
                       "resolve"}


# Words that put an infinitive on a timetable ("set to resume", "scheduled to close", "due to arrive").
SCHEDULING_WORDS = {"set", "scheduled", "slated", "due", "expected", "poised", "planning", "preparing"}


def verb_tense(span: Span) -> str:
    """'past', 'future' or 'present' for the verb governing `span` (present when there is none)."""
    token = span.root
    for _ in range(5):
        if token.pos_ in ("VERB", "AUX") or token.head is token:
            break
        token = token.head
    if token.pos_ not in ("VERB", "AUX"):
        return "present"
    auxes = [c for c in token.children if c.dep_ in ("aux", "auxpass")]
    aux_words = {a.lower_ for a in auxes}
    if aux_words & {"will", "'ll", "shall", "wo"} or ("going" in aux_words):
        return "future"
    if any(a.tag_ == "MD" for a in auxes):
        if token.tag_ == "VBN" and "have" in aux_words:
            return "past"
        # "would be paid in January": a future seen from the reported moment, as "will" is from now
        return "present" if aux_words & {"could", "might"} else "future"
    if token.tag_ == "VBD" or aux_words & {"had", "has", "have", "was", "were", "did", "'d"}:
        return "past"
    if token.tag_ == "VBN" and aux_words & {"is", "are", "am", "be", "'s", "'re", "being"}:
        return "present"
    if token.tag_ == "VBN":
        governor = next((a for a in token.ancestors if a.pos_ in ("VERB", "AUX")), None)
        if governor is not None and (token.dep_ in ("ccomp", "xcomp", "oprd") or (
                token.dep_ == "acl" and token.head.head.lower_ in WANTING_VERBS)):
            return verb_tense(governor.doc[governor.i:governor.i + 1])  # "wants new elections held before May"
        return "past"  # also "(will suspend) the injunction issued Thursday": a participle after its noun is done
    if token.tag_ == "VB" and any(a.lower_ == "to" for a in auxes):
        governor = token.head
        if governor.lower_ in SCHEDULING_WORDS or (governor.lower_ in PLANNING_VERBS and governor.tag_ == "VBD") or (
                governor.lower_ in PLANNING_BASE_FORMS and governor.tag_ == "VB"):
            return "future"  # "set to resume Monday", "agreed to ship it in February", "did not plan to act Friday"
        if token.dep_ in ("xcomp", "advcl", "relcl", "acl") and governor is not token and governor.pos_ in (
                "VERB", "AUX") and verb_tense(governor.doc[governor.i:governor.i + 1]) == "past":
            return "past"
        return "future"
    if token.tag_ == "VBG" and aux_words & {"is", "are", "am", "'s", "'re"}:
        return "future"
    if token.tag_ in ("VBG", "VB") and not auxes and token.dep_ == "xcomp" and token.head.pos_ in ("VERB", "AUX"):
        return verb_tense(token.doc[token.head.i:token.head.i + 1])  # "will begin withdrawing on Friday"
    return "present"
