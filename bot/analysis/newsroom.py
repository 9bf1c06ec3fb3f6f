"""The newsroom around a story, which is never a party to it: datelines, agency credits, bylines, photo credits.

Found by position and syntax ("NICOSIA, Cyprus (AP) _" opening a paragraph, "By Jane Doe", "contributed
reporting", "told Reuters", "CNN's Jake Tapper") and by the gazetteer class of news outlets, never by one name.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from bot.analysis.quotes.speech_verbs import is_speech_cue

# Wire services, broadcasters and papers that news copy credits as its source.
NEWS_OUTLETS: dict[str, tuple[str, ...]] = {
    "Associated Press": ("AP", "A.P.", "the Associated Press", "The Associated Press"),
    "Reuters": ("Thomson Reuters",),
    "Agence France-Presse": ("AFP", "Agence France Presse", "France-Presse"),
    "Xinhua": ("Xinhua News Agency", "New China News Agency"),
    "United Press International": ("UPI",),
    "Bloomberg": ("Bloomberg News",),
    "Kyodo": ("Kyodo News",),
    "Yonhap": ("Yonhap News Agency",),
    "TASS": ("ITAR-TASS", "Tass"),
    "RIA Novosti": ("RIA",),
    "Interfax": (),
    "Deutsche Presse-Agentur": ("dpa", "DPA"),
    "EFE": (),
    "ANSA": (),
    "Anadolu Agency": ("Anadolu", "Anatolia", "Anatolian news agency"),
    "Press Trust of India": ("PTI",),
    "Al Jazeera": ("Aljazeera",),
    "CNN": ("Cable News Network",),
    "BBC": ("British Broadcasting Corporation", "BBC News"),
    "NBC": ("NBC News",),
    "CBS": ("CBS News",),
    "ABC": ("ABC News",),
    "Fox News": ("Fox News Channel",),
    "MSNBC": (),
    "NPR": ("National Public Radio",),
    "PBS": (),
    "New York Times": ("The New York Times", "the Times", "NYT"),
    "Washington Post": ("The Washington Post", "the Post"),
    "Wall Street Journal": ("The Wall Street Journal", "WSJ", "the Journal"),
    "Los Angeles Times": ("L.A. Times",),
    "USA Today": (),
    "Politico": ("POLITICO",),
    "The Guardian": ("Guardian",),
    "Financial Times": ("FT",),
}
# Words that make a person part of the newsroom: "CNN anchor Jake Tapper", "Jane Doe, a Reuters correspondent".
NEWSROOM_ROLE_WORDS = frozenset({
    "anchor", "anchorman", "anchorwoman", "newscaster", "correspondent", "reporter", "columnist", "photographer",
    "cameraman", "stringer", "presenter", "newsreader",
})
# Verbs whose subject is the source of a report, not a party: "Xinhua reported", "AP said".
REPORT_VERBS = frozenset({
    "report", "reported", "reports", "reporting", "said", "says", "say", "quoted", "quotes", "quote", "cited",
    "cites", "cite", "learned", "learn", "learns", "obtained", "published", "broadcast", "aired", "wrote",
    "writes", "write", "confirmed", "added", "noted", "according", "released", "showed", "shows",
})

# Prepositions that make an outlet a party: "a lawsuit against CNN", "a row over the BBC".
PARTY_PREPOSITIONS = frozenset({"against", "toward", "towards", "about", "over", "between", "at"})

_CAPS_PLACE = r"[A-Z][A-Z'.\-]+(?:[ \t]+[A-Z][A-Z'.\-]+)*"
# "NICOSIA, Cyprus (AP) _", "JOHANNESBURG —", "LOS ANGELES, Sept. 28 (UPI) —", "WASHINGTON (Reuters) -", "(CNN) —"
DATELINE = re.compile(
    rf"^[ \t]*(?:{_CAPS_PLACE}(?:,[ \t]+[A-Z][\w.'\-]*(?:[ \t]+[A-Z0-9][\w.'\-]*)*)*"
    r"(?:[ \t]*\([^()\n]{1,40}\))?|\([A-Z][\w .]{1,30}\))[ \t]*(?:_|--|[\u2014\u2013-])[ \t]",
    re.MULTILINE,
)
# A byline paragraph: "By JANE DOE, Associated Press Writer" (short, no sentence end); a credit paragraph:
# "Photo: Reuters", "Reporting by ..."; a parenthesised credit "(AP Photo/Jane Doe)"; a credit sentence
# "Jane Doe contributed reporting."; a photo credit "Jane Doe/AFP/Getty Images".
CREDIT_LINE = re.compile(
    r"^[ \t]*(?:By|BY)[ \t]+[A-Z][^\n]{0,100}(?<![.!?\"\u201d])$"
    r"|^[ \t]*(?:(?:Additional )?(?:Reporting|Editing|Writing)|Written|Compiled|Edited|Produced)[ \t]+by\b[^\n]*$"
    r"|^[ \t]*(?:Photo|Photos|Photograph|Photographs|Picture|Pictures|Image|Images|Credit|Credits|Source|Video"
    r"|Caption)[ \t]*(?::|by\b)[^\n]*$"
    r"|\([^()\n]*?\b(?:Photo|Photos|Image|File|Reporting|Editing|Writing)\b[^()\n]*\)"
    r"|(?:^|(?<=[.!?][ \t]))[^.!?\n]*\bcontributed (?:reporting|to this (?:report|story|article))\b[^\n.]*\.?"
    r"|\b(?:[Rr]eporting|[Ee]diting|[Ww]riting) by\b[^.\n]*"
    r"|[A-Z][\w.' \-]{0,40}(?:/[A-Z][\w.' \-]{0,30})*/(?:Getty Images|AFP|AP|Reuters|EPA|Bloomberg|Shutterstock)\b"
    r"(?:[ \t]+(?:via|for)[ \t]+Getty Images\b)?",
    re.MULTILINE,
)
# Prepositions that make an outlet a party: "a lawsuit against CNN", "a row over the BBC".
PARTY_PREPOSITIONS = frozenset({"against", "toward", "towards", "about", "over", "between", "at"})


def _key(text: str) -> str:
    key = " ".join(text.replace("\u2019", "'").replace(".", "").split()).lower()
    return key[4:] if key.startswith("the ") else key


_OUTLETS = {_key(alias): name for name, aliases in NEWS_OUTLETS.items() for alias in (name, *aliases)}


def outlet_for(text: str) -> str | None:
    """The news outlet `text` names ("AP", "The Associated Press", "Xinhua"), or None."""
    key = _key(text)
    for suffix in ("'s", "'"):
        key = key.removesuffix(suffix)
    return _OUTLETS.get(key)


# "Washington (AFP) –": a dateline in title case, told from a name by the news outlet credited in brackets.
TITLE_CASE_DATELINE = re.compile(
    r"^[ \t]*[A-Z][a-z][\w.'\-]*(?:,?[ \t]+[A-Z][\w.'\-]*){0,3}[ \t]*\(([^()\n]{1,40})\)[ \t]*"
    r"(?:_|--|[\u2014\u2013-])[ \t]",
    re.MULTILINE,
)


def credit_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of datelines, bylines and credit lines: no actor is named inside them."""
    return list(_credit_spans(text))


@lru_cache(maxsize=4)
def _credit_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Found once per article text (actors and quotes both ask; CREDIT_LINE scans the whole text)."""
    found = [(m.start(), m.end()) for m in DATELINE.finditer(text)]
    found += [(m.start(), m.end()) for m in TITLE_CASE_DATELINE.finditer(text)
              if outlet_for(m.group(1)) and not any(s <= m.start() < e for s, e in found)]
    found += [(m.start(), m.end()) for m in CREDIT_LINE.finditer(text)]
    return tuple(sorted(found))


def in_spans(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def is_source_credit(doc: Doc, start: int, end: int) -> bool:
    """A news outlet named as the source of the story rather than as a party to it.

    A party acts or is acted on by a verb that is not about reporting ("Trump sued CNN", "CNN hosted the
    debate"); a credit reports, is told, is what something is according to, or owns a journalist
    ("Xinhua reported", "told Reuters", "according to AFP", "in an interview with CNN", "CNN's Jake Tapper").
    """
    span: Span = doc[start:end]
    root: Token = span.root
    if start > 0 and doc[start - 1].text == "(":
        return True
    if root.dep_ in ("nsubj", "nsubjpass"):
        return root.head.lower_ in REPORT_VERBS or _is_report_word(root.head)
    if root.dep_ in ("dobj", "dative", "obj"):
        return _is_report_word(root.head) or root.head.lower_ in ("told", "tell", "tells", "telling")
    if root.dep_ == "pobj":  # "according to AFP", "on CNN", "with Reuters"; not "a lawsuit against CNN"
        return root.head.lower_ not in PARTY_PREPOSITIONS
    if root.dep_ in ("poss", "compound", "nmod", "amod"):
        return True  # "CNN's Jake Tapper", "a Reuters reporter", "an AP poll"
    return root.dep_ not in ("conj", "appos") or is_source_credit(doc, root.head.i, root.head.i + 1)


def _is_report_word(token: Token) -> bool:
    return is_speech_cue(token) or token.lower_ in REPORT_VERBS


def newsroom_role(role: str | None) -> bool:
    """A person's role that makes them part of the newsroom ("CNN anchor", "Reuters correspondent")."""
    return bool(role) and any(w.strip(",.").lower() in NEWSROOM_ROLE_WORDS for w in (role or "").split())
