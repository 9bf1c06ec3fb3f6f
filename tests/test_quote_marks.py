"""Quotation marks found on the characters: pairs, unbalanced marks, quotes over several paragraphs."""

from __future__ import annotations

from bot.analysis.quotes.marks import MAX_QUOTE_CHARS, find_quoted_spans


def test_straight_and_curly_marks_give_the_content_without_marks():
    text = 'He said "we are ready." She said \u201cwe are not.\u201d'
    spans = [text[s.start:s.end] for s in find_quoted_spans(text)]
    assert spans == ["we are ready.", "we are not."]


def test_unclosed_quote_ends_with_its_paragraph():
    text = '\u201cThe talks will go on, said the envoy.\n\nThe next round is in Geneva.'
    spans = [text[s.start:s.end] for s in find_quoted_spans(text)]
    assert spans == ["The talks will go on, said the envoy."]


def test_quote_continues_into_next_paragraph_that_opens_with_a_mark():
    text = '\u201cWe will not give up.\n\n\u201cThe sanctions stay,\u201d she said.'
    [span] = find_quoted_spans(text)
    assert text[span.start:span.end] == "We will not give up.\n\n\u201cThe sanctions stay,"


def test_runaway_quote_is_capped():
    text = '"' + "word " * 2000
    [span] = find_quoted_spans(text)
    assert span.end - span.start <= MAX_QUOTE_CHARS


def test_text_without_marks_or_with_a_lone_mark_does_not_crash():
    assert find_quoted_spans("") == []
    assert find_quoted_spans("No quotes here.") == []
    assert [s.start for s in find_quoted_spans('"')] == []




def test_paragraph_opened_with_a_right_mark_is_still_a_quote():
    text = "\u201dWe will not accept these terms under any circumstances.\u201d"
    [span] = find_quoted_spans(text)
    assert text[span.start:span.end] == "We will not accept these terms under any circumstances."


def test_inch_sign_does_not_open_a_quote():
    text = 'The envoy is 6\'3" tall and was greeted warmly in Seoul on Monday by officials.'
    assert find_quoted_spans(text) == []
