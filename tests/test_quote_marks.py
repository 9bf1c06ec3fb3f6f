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


# --- every quotation style feeds use --------------------------------------------------------------------

def contents(text: str) -> list[str]:
    return [text[s.start:s.end] for s in find_quoted_spans(text)]


def test_each_quotation_style_gives_its_content():
    text = ("\u201cWe are ready,\u201d said the envoy. \u2018We are not,\u2019 replied the minister. "
            "\"Talks go on,\" she said. 'Talks are over,' he said. \u00abNous sommes pr\u00eats\u00bb, dit-il. "
            "\u201eWir sind bereit\u201c, sagte er. ``Sanctions stay,'' the spokesman said. "
            "''Sanctions go,'' the diplomat said.")
    assert contents(text) == ["We are ready,", "We are not,", "Talks go on,", "Talks are over,",
                              "Nous sommes pr\u00eats", "Wir sind bereit", "Sanctions stay,", "Sanctions go,"]


def test_offsets_point_into_the_text_as_given():
    text = "The envoy said: ``We will return to Vienna next week.'' Officials agreed."
    [span] = find_quoted_spans(text)
    assert text[span.start - 2:span.start] == "``"
    assert text[span.end:span.end + 2] == "''"


def test_apostrophes_are_never_quotes():
    text = ("Iran's envoy, a veteran of the '90s talks, joined the students' union at six o'clock "
            "to hear rock 'n' roll. Ministers' aides said nothing.")
    assert find_quoted_spans(text) == []


def test_curly_apostrophes_are_never_quotes():
    text = "Iran\u2019s envoy recalled the \u201990s, the students\u2019 union and rock \u2019n\u2019 roll."
    assert find_quoted_spans(text) == []


def test_possessive_inside_a_single_mark_quote_does_not_close_it():
    text = "'The students' union will strike on Monday,' the organiser said."
    assert contents(text) == ["The students' union will strike on Monday,"]


def test_single_marks_nested_in_double_marks_stay_inside_one_quote():
    text = '"They told us \'there is no deal\' and walked out," the negotiator said.'
    assert contents(text) == ["They told us 'there is no deal' and walked out,"]
    text = "\u2018The minister said \u201cnever\u201d to us,\u2019 he said."
    assert contents(text) == ["The minister said \u201cnever\u201d to us,"]


def test_single_mark_closing_with_a_double_in_one_run_of_apostrophes():
    text = "''He told me, 'The border stays closed,''' the mayor recalled. ''We waited.''"
    assert contents(text) == ["He told me, 'The border stays closed,'", "We waited."]


def test_single_mark_quote_runs_over_paragraphs_when_the_next_one_reopens():
    text = "'We will not give up.\n\n'The sanctions stay,' she said."
    assert contents(text) == ["We will not give up.\n\n'The sanctions stay,"]


def test_double_apostrophe_quote_runs_over_paragraphs_when_the_next_one_reopens():
    text = "''We will not give up.\n\n''The sanctions stay,'' she said.\n\nThe talks end on Friday."
    assert contents(text) == ["We will not give up.\n\n''The sanctions stay,"]


def test_an_unclosed_single_mark_is_an_apostrophe_and_hides_no_quote():
    text = "Back in the 'burbs, voters waited. \"We are ready for this,\" the mayor said.\n\nNo more."
    assert contents(text) == ["We are ready for this,"]


def test_partial_quote_in_single_marks_inside_a_sentence():
    text = "The minister said the talks were 'going nowhere fast' and left Geneva."
    assert contents(text) == ["going nowhere fast"]


def test_a_left_mark_typed_in_closing_position_closes_the_quote():
    text = "\u201cIt is unusual,\u201c said Larry Noble. \u201cIt is hard to do.\u201d"
    assert [text[s.start:s.end] for s in find_quoted_spans(text)] == ["It is unusual,", "It is hard to do."]


def test_marks_inside_a_markup_tag_left_in_feed_text_are_not_quotes():
    text = ('<tweet pic="" author="envoy_office" id="7">Talks resume in Oslo.</tweet>\n\n'
            'The envoy was blunt: \u201cNorway is no longer neutral,\u201d she said.')
    spans = [text[s.start:s.end] for s in find_quoted_spans(text)]
    assert spans == ["Norway is no longer neutral,"]
