"""A stored quote as a reader should see it: the words said, without the attribution that interrupts them.

The analysis keeps an interrupted quote ('"A," she said. "B."') as one record, as news corpora annotate it;
shown as it is, the attribution would sit inside the quotation marks. Pure text, no mrkdwn escaping here.
"""

from __future__ import annotations

import re

MARKS = "\"\u201c\u201d\u201e\u00ab\u00bb"
EDGE_MARKS = MARKS + "'`\u2018\u2019"  # also single marks, ``…'' and ''…'': stripped only at the edges
# A closing mark, a short attribution without marks ("said Heather Nauert, the spokeswoman."), an opening mark;
# a single mark closes only right after punctuation ('…,' she said. '…'), so apostrophes are left alone.
_INTERRUPTION = re.compile(
    r"([,.!?;:]?)\s*(?:[\"\u201d\u00bb]|''|(?<=[,.!?])['\u2019](?=\s))\s*"
    r"(?:(?!''|``)[^\"\u201c\u201d\u00ab\u00bb\n]){1,160}?[,.:;]\s*(?:[\"\u201c\u00ab]|''|``|['\u2018](?=[A-Za-z]))\s*")


def _joined(text: str) -> str:
    return _INTERRUPTION.sub(lambda m: (m.group(1) if m.group(1) in ".!?" else "") + " … ", text.strip())


def _is_partial(joined: str) -> bool:
    """Reported speech that quotes a few words itself ('the talks had been "productive"')."""
    return any(mark in joined.strip(" " + MARKS)[1:] for mark in MARKS) and joined[:1] not in MARKS


def spoken_words(text: str) -> str:
    """The words said: an attribution between closing and reopening marks becomes " … "."""
    joined = _joined(text)
    words = joined.strip() if _is_partial(joined) else joined.strip(" " + EDGE_MARKS)
    return words.rstrip(",;:").strip()


def quoted(text: str) -> str:
    """The words said in curly quotation marks; a partial quote that keeps its own marks is shown as it is."""
    joined = _joined(text)
    words = spoken_words(text)
    if not _is_partial(joined):
        return f"\u201c{words}\u201d"
    # The stored span stops before the closing mark of the words it quotes: close what it opened.
    if words.count("\u201c") > words.count("\u201d"):
        words += "\u201d"
    elif words.count('"') % 2:
        words += '"'
    return words
