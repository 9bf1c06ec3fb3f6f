"""The newsroom around a story: datelines, bylines and credits are found by their form, not by one name."""

from __future__ import annotations

from bot.analysis.newsroom import credit_spans


def spans_of(text: str) -> list[str]:
    return [text[s:e] for s, e in credit_spans(text)]


def test_capitals_dateline_with_agency_is_a_credit():
    assert spans_of("NICOSIA, Cyprus (AP) \u2014 The talks resumed.") == ["NICOSIA, Cyprus (AP) \u2014 "]


def test_title_case_dateline_with_an_agency_in_brackets_is_a_credit():
    assert spans_of("Geneva (AFP) \u2013 The talks resumed.") == ["Geneva (AFP) \u2013 "]
    assert spans_of("New York (CNN) - The talks resumed.") == ["New York (CNN) - "]


def test_a_name_with_a_party_in_brackets_is_not_a_dateline():
    assert spans_of("Ted Crane (R-Texas) - said the talks resumed.") == []


def test_a_dateline_the_parse_takes_for_the_subject_never_speaks(nlp):
    from bot.analysis.pipeline import analyze_doc

    doc = nlp("NICOSIA, Cyprus (AP) \u2014 Cyprus President Nikos Anastasiades said on Monday that talks with "
              "the Turkish Cypriot leader would resume in Geneva.")
    [quote] = analyze_doc(doc, None).quotes
    assert quote.speaker == "Nikos Anastasiades" and quote.speaker_text == "Nikos Anastasiades"
    doc = nlp("JOHANNESBURG (Reuters) - South Africa's foreign minister Thandi Mokoena said on Tuesday that her "
              "country would host the summit.")
    [quote] = analyze_doc(doc, None).quotes
    assert quote.speaker == "Thandi Mokoena" and "JOHANNESBURG" not in (quote.speaker_text or "")
