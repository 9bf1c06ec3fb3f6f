"""Quoted spans found on the characters: every quotation style feeds use, unbalanced marks, long quotes.

Double marks: “…” „…“ «…» "…" ``…'' and ''…''; single marks: ‘…’ '…' ‚…‘ ‹…› `…'. Apostrophes (Iran's, the '90s,
rock 'n' roll, o'clock, students' union) are told from single marks by the characters around them. Spans are
offsets into the text as given; nothing is rewritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.util import compile_infix_regex

OPEN_MARKS = "\u201c\u201e\u00ab"
CLOSE_MARKS = "\u201d\u00bb"
STRAIGHT = '"'
SINGLE_OPEN_MARKS = "\u2018\u201a\u2039`"
SINGLE_CLOSE_MARKS = "\u2019\u203a"
APOSTROPHE = "'"
# Every character that can be (part of) a quotation mark; for stripping marks off the edges of a span.
QUOTE_MARK_CHARS = OPEN_MARKS + CLOSE_MARKS + STRAIGHT + SINGLE_OPEN_MARKS + SINGLE_CLOSE_MARKS + APOSTROPHE
CLOSING_MARK_CHARS = CLOSE_MARKS + STRAIGHT + SINGLE_CLOSE_MARKS + APOSTROPHE
MAX_QUOTE_CHARS = 3000  # longer than any real quote; stops an unbalanced mark from swallowing the article
# Words written with a leading apostrophe for elided letters: rock 'n' roll, 'em, 'til, 'tis.
ELISIONS = frozenset({"n", "em", "til", "tis", "twas", "cause", "bout", "round", "nuff", "s", "t", "d", "ll",
                      "re", "ve", "m", "im", "er", "ere", "un", "o"})
OPENING_CONTEXT = "([{\u2014\u2013-/:"
CLOSING_FOLLOWERS = ".,;:!?)]}\u2014\u2013-"
REOPENING_DOUBLE = (*OPEN_MARKS, STRAIGHT, "``", "''")  # marks that reopen a long quote in its next paragraph

DOUBLE, SINGLE = 2, 1
# A markup tag left in feed text ('<tweet pic="" author="x">', '<a href="…">'): its attribute marks are no quotes.
MARKUP_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>\n]*)?/?>")


@dataclass
class QuotedSpan:
    """Characters between quotation marks (marks excluded)."""

    start: int
    end: int


@dataclass
class _Mark:
    start: int
    end: int
    level: int  # DOUBLE or SINGLE
    opens: bool  # may open a quote
    closes: bool  # may close a quote
    char: str  # the mark as written ("``", "''", "\u201e", ...)


def _is_opening(text: str, pos: int, length: int = 1) -> bool:
    """A straight mark opens when it follows a space, bracket or opening mark and precedes a non-space."""
    before = text[pos - 1] if pos > 0 else " "
    after = text[pos + length] if pos + length < len(text) else " "
    return (before.isspace() or before in OPENING_CONTEXT or before in OPEN_MARKS + STRAIGHT
            + SINGLE_OPEN_MARKS) and not after.isspace()


def _is_closing(text: str, pos: int, length: int = 1) -> bool:
    before = text[pos - 1] if pos > 0 else " "
    after = text[pos + length] if pos + length < len(text) else " "
    return not before.isspace() and (after.isspace() or after in CLOSING_FOLLOWERS or after in QUOTE_MARK_CHARS)


def _word_after(text: str, pos: int) -> str:
    end = pos
    while end < len(text) and text[end].isalnum():
        end += 1
    return text[pos:end]


def _single_opens(text: str, pos: int) -> bool:
    """A single mark in opening position that is not an elision ('90s, 'n', 'em)."""
    if not _is_opening(text, pos):
        return False
    word = _word_after(text, pos + 1)
    if word[:1].isdigit():
        return False  # the '90s, class of '08
    return not (word.lower() in ELISIONS and (pos + 1 + len(word) >= len(text)
                                              or not text[pos + 1 + len(word)].isalpha()))


def _single_closes(text: str, pos: int) -> bool:
    """A single mark in closing position that is not inside a word (Iran's, o'clock)."""
    before = text[pos - 1] if pos > 0 else " "
    after = text[pos + 1] if pos + 1 < len(text) else " "
    if before.isalnum() and after.isalnum():
        return False
    return _is_closing(text, pos)


def _possessive_plural(text: str, pos: int) -> bool:
    """students' union, the Clintons' foundation: a plural s, the mark, a space and a lower-case word."""
    before = text[pos - 1] if pos > 0 else " "
    return (before == "s" and pos + 2 < len(text) and text[pos + 1] == " " and text[pos + 2].islower())


def _marks(text: str, start: int, end: int) -> list[_Mark]:
    """The candidate quotation marks of text[start:end], in order, each with what it may do."""
    marks: list[_Mark] = []
    i = start
    while i < end:
        ch = text[i]
        if ch == "<":
            tag = MARKUP_TAG.match(text, i, end)
            if tag is not None:
                i = tag.end()
                continue
        if ch == "`" and text[i:i + 2] == "``":
            marks.append(_Mark(i, i + 2, DOUBLE, True, False, "``"))
            i += 2
            continue
        if ch == APOSTROPHE and text[i:i + 2] == "''":
            run = 2
            while i + run < end and text[i + run] == APOSTROPHE:
                run += 1
            if run >= 3:  # ,''' closes a single and a double; '''Kosovo opens a double and a single
                if _is_closing(text, i, run) or not _is_opening(text, i, run):
                    marks.append(_Mark(i, i + 1, SINGLE, False, True, "'"))
                    marks.append(_Mark(i + 1, i + 3, DOUBLE, False, True, "''"))
                else:
                    marks.append(_Mark(i, i + 2, DOUBLE, True, False, "''"))
                    marks.append(_Mark(i + 2, i + 3, SINGLE, True, False, "'"))
                i += 3
                continue
            marks.append(_Mark(i, i + 2, DOUBLE, _is_opening(text, i, 2), True, "''"))
            i += 2
            continue
        if ch in OPEN_MARKS:
            # “ also closes a „ quote; « opens.
            marks.append(_Mark(i, i + 1, DOUBLE, True, ch == "\u201c" and _is_closing(text, i), ch))
        elif ch in CLOSE_MARKS:
            marks.append(_Mark(i, i + 1, DOUBLE, _is_opening(text, i), True, ch))  # ”Fear. I am…” as opener
        elif ch == STRAIGHT:
            marks.append(_Mark(i, i + 1, DOUBLE, _is_opening(text, i), _is_closing(text, i), ch))
        elif ch in SINGLE_OPEN_MARKS:
            opens = _single_opens(text, i)
            closes = ch == "\u2018" and _single_closes(text, i)  # ‚…‘
            if opens or closes:
                marks.append(_Mark(i, i + 1, SINGLE, opens, closes, ch))
        elif ch in SINGLE_CLOSE_MARKS or ch == APOSTROPHE:
            opens = _single_opens(text, i) and (ch == APOSTROPHE or text[i + 1:i + 2].isupper())
            closes = _single_closes(text, i)
            if opens or closes:
                marks.append(_Mark(i, i + 1, SINGLE, opens, closes, ch))
        i += 1
    return marks


def _paragraphs(text: str) -> list[tuple[int, int]]:
    paragraphs: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            paragraphs.append((pos, pos + len(line)))
        pos += len(line) + 1
    return paragraphs


def find_quoted_spans(text: str) -> list[QuotedSpan]:
    """Outermost quoted spans, paragraph by paragraph, in text order.

    An unclosed quote continues into the next paragraph when that one opens with a mark of the same kind (the
    newspaper convention for long quotes); otherwise a double-mark quote ends with its paragraph and an unclosed
    single mark is taken for an apostrophe. Marks nested inside a quote stay inside it.
    """
    spans: list[QuotedSpan] = []
    carried: list[_Open] = []  # quotes still open at the end of the previous paragraph, outermost first
    pending: list[QuotedSpan] = []  # double quotes inside a single mark that may yet turn out an apostrophe
    for p_start, p_end in _paragraphs(text):
        marks = _marks(text, p_start, p_end)
        leading = marks[0] if marks and not text[p_start:marks[0].start].strip() else None
        stack, first = _reopen(text, carried, leading, pending, spans, p_start)
        for k in range(first, len(marks)):
            _step(text, marks, k, stack, spans, pending)
        carried = stack
    if carried:
        _reopen(text, carried, None, pending, spans, len(text))
    spans.extend(pending)
    spans.sort(key=lambda s: s.start)
    return spans


@dataclass
class _Open:
    mark: _Mark
    content_start: int


def _reopen(text: str, carried: list[_Open], leading: _Mark | None, pending: list[QuotedSpan],
            spans: list[QuotedSpan], p_start: int) -> tuple[list[_Open], int]:
    """The stack a paragraph starts with, and the index of its first mark still to read.

    A quote left open goes on when the paragraph opens with a mark of its kind; otherwise an open double quote
    ends with the previous paragraph and open single marks were apostrophes.
    """
    if not carried:
        return [], 0
    outer = carried[0]
    reopens = (leading is not None and leading.level == outer.mark.level
               and (leading.char in REOPENING_DOUBLE if leading.level == DOUBLE else leading.opens)
               and leading.end - outer.content_start <= MAX_QUOTE_CHARS)
    if reopens:
        return [outer], 1
    if outer.mark.level == SINGLE:
        spans.extend(pending)
        pending.clear()
        doubles = [o for o in carried if o.mark.level == DOUBLE]
        return _reopen(text, doubles[:1], leading, pending, spans, p_start)
    _add_span(spans, text, outer.content_start, _prev_paragraph_end(text, p_start))
    return [], 0


def _step(text: str, marks: list[_Mark], k: int, stack: list[_Open], spans: list[QuotedSpan],
          pending: list[QuotedSpan]) -> None:
    """Read one mark: open a quote, close one (recording it when it is outermost), or pass over it."""
    mark = marks[k]
    if mark.level == SINGLE:
        if stack and stack[-1].mark.level == SINGLE and mark.closes and not (
                _possessive_plural(text, mark.start) and _closes_later(marks, k)):
            opened = stack.pop()
            if not stack:
                pending.clear()  # double quotes inside it were nested
                _add_span(spans, text, opened.content_start, mark.start)
        elif mark.opens:
            stack.append(_Open(mark, mark.end))
        return
    depth = sum(1 for o in stack if o.mark.level == DOUBLE)
    if mark.char in (STRAIGHT, "''"):
        opening_ctx = _is_opening(text, mark.start, len(mark.char))
        closing_ctx = _is_closing(text, mark.start, len(mark.char))
        if depth == 0 and closing_ctx and not opening_ctx:
            return  # a stray closing mark or an inch sign: 6'3" tall
        opening = depth == 0 or (opening_ctx and not closing_ctx)
    elif mark.char in CLOSE_MARKS:
        opening = depth == 0 and mark.opens  # '”Fear. I am…' as opener
    else:  # “ „ « ``; “ also closes a „ quote, and a “ quote when typed in closing position ('unusual,“ said')
        inner = next((o for o in reversed(stack) if o.mark.level == DOUBLE), None)
        opening = not (mark.closes and inner is not None and (
            inner.mark.char == "\u201e"
            or inner.mark.char == mark.char == "\u201c" and not _is_opening(text, mark.start)))
    if opening:
        stack.append(_Open(mark, mark.end))
        return
    if depth == 0:
        return
    while stack[-1].mark.level != DOUBLE:
        stack.pop()  # single marks left open inside a double quote were apostrophes
    opened = stack.pop()
    if not stack:
        _add_span(spans, text, opened.content_start, mark.start)
    elif all(o.mark.level == SINGLE for o in stack):
        _add_span(pending, text, opened.content_start, mark.start)

def _closes_later(marks: list[_Mark], k: int) -> bool:
    """Another single mark later in the paragraph could close the quote."""
    return any(m.level == SINGLE and m.closes for m in marks[k + 1:])


def _prev_paragraph_end(text: str, next_start: int) -> int:
    return len(text[:next_start].rstrip())


def _add_span(spans: list[QuotedSpan], text: str, start: int, end: int) -> None:
    end = min(end, start + MAX_QUOTE_CHARS)
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in OPEN_MARKS + STRAIGHT + "`"):
        end -= 1
    if end > start:
        spans.append(QuotedSpan(start, end))


# A double mark written without its space, between punctuation and a word: '…surprising,”Clinton said',
# 'said,“Look, …'. The tokenizer keeps such a run as one word; the quote's speaker is then hidden inside it.
GLUED_DOUBLE_MARK = r"(?<=[,.!?:;])[\u201c\u201d\"](?=[A-Za-z])"
PUNCTUATION_BEFORE_GLUED_MARK = r"(?<=[A-Za-z0-9])[,.!?:;](?=[\u201c\u201d\"][A-Za-z])"


def split_glued_marks(nlp: Language) -> Language:
    """Make the tokenizer split a double quotation mark glued between punctuation and a word, and the punctuation
    from the word before it; single marks are left alone ("U.S.'s" is no quote)."""
    infixes = [*(nlp.Defaults.infixes or ()), PUNCTUATION_BEFORE_GLUED_MARK, GLUED_DOUBLE_MARK]
    tokenizer: Any = nlp.tokenizer  # spaCy's Cython Tokenizer has no type stubs
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    return nlp


def is_mark(token_text: str) -> bool:
    """A token made only of quotation marks: '"', '``', "''", '\u2019'."""
    return bool(token_text) and all(ch in QUOTE_MARK_CHARS for ch in token_text)


def is_closing_mark(token_text: str) -> bool:
    """A token that can close a quote: '\u201d', '"', "''", "'", '\u2019', '\u00bb'."""
    return bool(token_text) and all(ch in CLOSING_MARK_CHARS for ch in token_text)
