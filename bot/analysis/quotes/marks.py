"""Quoted spans found on the characters: straight and curly marks, unbalanced marks, long quotes."""

from __future__ import annotations

from dataclasses import dataclass

OPEN_MARKS = "\u201c\u201e\u00ab"
CLOSE_MARKS = "\u201d\u00bb"
STRAIGHT = '"'
MAX_QUOTE_CHARS = 3000  # longer than any real quote; stops an unbalanced mark from swallowing the article


@dataclass
class QuotedSpan:
    """Characters between quotation marks (marks excluded)."""

    start: int
    end: int


def _is_opening(text: str, pos: int) -> bool:
    """A straight mark opens when it follows a space or bracket and precedes a non-space."""
    before = text[pos - 1] if pos > 0 else " "
    after = text[pos + 1] if pos + 1 < len(text) else " "
    return (before.isspace() or before in "([{\u2014-/:") and not after.isspace()


def _is_closing(text: str, pos: int) -> bool:
    before = text[pos - 1] if pos > 0 else " "
    after = text[pos + 1] if pos + 1 < len(text) else " "
    return not before.isspace() and (after.isspace() or after in ".,;:!?)]}\u2014-'\u2019")


def find_quoted_spans(text: str) -> list[QuotedSpan]:
    """Spans between double quotation marks, paragraph by paragraph.

    An unclosed quote continues into the next paragraph when that one opens with a mark (the newspaper
    convention for long quotes); otherwise it ends with its paragraph. Nested marks stay inside the outer quote.
    """
    spans: list[QuotedSpan] = []
    paragraphs: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            paragraphs.append((pos, pos + len(line)))
        pos += len(line) + 1
    carry: int | None = None  # start of a quote still open from the previous paragraph
    for p_start, p_end in paragraphs:
        stripped = p_start + (len(text[p_start:p_end]) - len(text[p_start:p_end].lstrip()))
        opens_with_mark = stripped < p_end and text[stripped] in OPEN_MARKS + STRAIGHT
        open_at: int | None = None
        depth = 0
        if carry is not None and opens_with_mark and stripped + 1 - carry <= MAX_QUOTE_CHARS:
            open_at, depth, scan_from = carry, 1, stripped + 1
        else:
            if carry is not None:
                _add_span(spans, text, carry, _prev_paragraph_end(text, p_start))
            scan_from = p_start
        carry = None
        for i in range(scan_from, p_end):
            ch = text[i]
            if ch not in OPEN_MARKS and ch not in CLOSE_MARKS and ch != STRAIGHT:
                continue
            if ch == STRAIGHT and depth == 0 and _is_closing(text, i) and not _is_opening(text, i):
                continue  # a stray closing mark or an inch sign: 6'3" tall
            if ch in OPEN_MARKS or (ch == STRAIGHT and (depth == 0 or _is_opening(text, i))
                                    and not (depth > 0 and _is_closing(text, i))) or (
                    ch in CLOSE_MARKS and depth == 0 and _is_opening(text, i)):  # '”Fear. I am…' as opener
                if depth == 0:
                    open_at = i + 1
                depth += 1
            elif depth > 0:
                depth -= 1
                if depth == 0 and open_at is not None:
                    _add_span(spans, text, open_at, i)
                    open_at = None
        if depth > 0 and open_at is not None:
            carry = open_at
    if carry is not None:
        _add_span(spans, text, carry, len(text.rstrip()))
    return spans


def _prev_paragraph_end(text: str, next_start: int) -> int:
    return len(text[:next_start].rstrip())


def _add_span(spans: list[QuotedSpan], text: str, start: int, end: int) -> None:
    end = min(end, start + MAX_QUOTE_CHARS)
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in OPEN_MARKS + STRAIGHT):
        end -= 1
    if end > start:
        spans.append(QuotedSpan(start, end))
