"""Summaries of an invented diplomacy article: whole sentences, lead first, no repeats, no dangling pronoun."""

from __future__ import annotations

import builtins

from bot.analysis.records import Actor, Deadline
from bot.analysis.summary import summarize, unfit_sentence, without_dateline
from bot.analysis.sumy_tokenizer import SpacyTokenizer, sumy_document

ARTICLE = (
    "Foreign ministers from twelve countries agreed in Vienna on Tuesday to restart talks on the nuclear accord. "
    "The agreement, brokered by the European Union, sets a deadline of June 1 for a full return to compliance. "
    "Iran must hand over its inspection records within 30 days, the EU's foreign policy chief Josep Borrell said. "
    "He described the mood in the room as cautious. "
    "The hotel where the ministers met was built in 1873 and has hosted many conferences. "
    "Coffee was served in the afternoon, and the ministers posed for a group photograph. "
    "Borrell said the deal on inspections would be reviewed by the ministers in the summer. "
    "Iran's foreign minister said his country would honour the agreement if sanctions were eased."
)
ACTORS = [
    Actor(name="Iran", kind="country", mentions=3),
    Actor(name="Josep Borrell", kind="person", mentions=2, aliases=["Borrell"]),
    Actor(name="European Union", kind="organization", mentions=2, aliases=["EU"]),
]


def test_three_whole_sentences_in_article_order(nlp):
    doc = nlp(ARTICLE)
    sentences = summarize(doc, ACTORS, [], [], count=3)
    assert len(sentences) == 3
    for sentence in sentences:
        assert sentence in ARTICLE
        assert sentence.endswith(".")
    positions = [ARTICLE.index(s) for s in sentences]
    assert positions == sorted(positions)


def test_one_sentence_gist_is_the_lead(nlp):
    doc = nlp(ARTICLE)
    assert summarize(doc, ACTORS, [], [], count=1) == [
        "Foreign ministers from twelve countries agreed in Vienna on Tuesday to restart talks on the nuclear accord."
    ]


def test_sentence_carrying_a_deadline_is_preferred_over_colour(nlp):
    doc = nlp(ARTICLE)
    start = ARTICLE.index("within 30 days")
    deadline = Deadline(text="within 30 days", start=start, end=start + 14, due="2021-04-09", kind="duration")
    sentences = summarize(doc, ACTORS, [], [deadline], count=3)
    assert any("within 30 days" in s for s in sentences)
    assert not any("Coffee was served" in s for s in sentences)


def test_summary_never_opens_with_a_dangling_pronoun(nlp):
    text = ("He arrived late and left early, officials said. "
            "The summit in Geneva ended without an agreement on the border dispute between the two countries. "
            "Delegates blamed each other for the collapse of the talks on the border dispute.")
    sentences = summarize(nlp(text), [], [], [], count=1)
    assert sentences and not sentences[0].startswith("He ")


def test_repeated_sentence_is_not_chosen_twice(nlp):
    text = ("The ceasefire between the two countries took effect at midnight on Sunday. "
            "The ceasefire between the two countries took effect at midnight on Sunday, officials said. "
            "Aid convoys began moving towards the besieged city on Monday morning. "
            "Monitors from the United Nations will report on violations every week.")
    sentences = summarize(nlp(text), [], [], [], count=2)
    assert sum("ceasefire" in s for s in sentences) == 1


def test_short_article_returns_what_it_has(nlp):
    text = "The two leaders met in Singapore and signed a short statement on denuclearisation."
    assert summarize(nlp(text), [], [], [], count=3) == [text]


def test_empty_text_gives_empty_summary(nlp):
    assert summarize(nlp(""), [], [], [], count=3) == []


def test_sumy_document_is_built_from_spacy_sentences_without_nltk(nlp, monkeypatch):
    real_import = builtins.__import__

    def no_punkt(name, *args, **kwargs):
        if name.startswith("nltk.tokenize") or name == "nltk.data":
            raise AssertionError("sumy asked NLTK for a tokenizer")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_punkt)
    units = list(nlp(ARTICLE).sents)
    document = sumy_document(units)
    assert [str(s) for s in document.sentences] == [u.text.strip() for u in units]
    assert document.sentences[0].words[:3] == ["Foreign", "ministers", "from"]


def test_tokenizer_splits_unknown_text_with_plain_rules():
    tokenizer = SpacyTokenizer()
    assert tokenizer.to_sentences("Talks resumed. Both sides met.") == ["Talks resumed.", "Both sides met."]
    assert tokenizer.to_words("Talks resumed in 2021, officials said.") == ["Talks", "resumed", "in", "officials", "said"]


def test_a_dateline_is_cut_off_the_sentence_it_opens(nlp):
    doc = nlp("DAR ES SALAAM, Tanzania (AP) _ Police arrested three men over the embassy bombing on Friday.\n" + ARTICLE)
    sentences = summarize(doc, ACTORS, [], [], count=3)
    assert all(not s.startswith(("DAR ES SALAAM", "(AP)")) for s in sentences)
    assert sentences[0] == "Police arrested three men over the embassy bombing on Friday."


def test_greetings_captions_and_broken_quotes_never_stand_in_a_summary(nlp):
    article = ("CNN Headline News, I'm Jane Doe, and here is what is happening around the world tonight.\n"
               "Photo: Foreign ministers from twelve countries pose in Vienna on Tuesday before the talks.\n"
               "” the minister added, saying that Iran would honour the agreement in full.\n" + ARTICLE)
    sentences = summarize(nlp(article), ACTORS, [], [], count=3)
    assert len(sentences) == 3
    assert all(unfit_sentence(s) is None for s in sentences), sentences
    assert not any("Jane Doe" in s or s.startswith(("Photo", "”")) for s in sentences)


def test_a_photo_pointer_is_cut_from_the_sentence(nlp):
    doc = nlp("Josep Borrell (pictured) said Iran must hand over its inspection records within 30 days.\n" + ARTICLE)
    assert all("(pictured)" not in s for s in summarize(doc, ACTORS, [], [], count=3))


def test_what_makes_a_sentence_unfit_is_named() -> None:
    assert unfit_sentence("WASHINGTON — The United States issued an ultimatum to Mexico.") == "dateline"
    assert unfit_sentence("Good evening and welcome to the programme.") == "greeting"
    assert unfit_sentence("Click here to read the full text of the accord.") == "caption"
    assert unfit_sentence("He said: “We will never accept it.") == "fragment"
    assert unfit_sentence("Washington wants the talks to resume by January.") is None
    assert without_dateline("(CNN) -- Two rescuers survived the earthquake.") == "Two rescuers survived the earthquake."


def test_a_photo_caption_with_a_label_is_unfit_but_a_clause_before_a_colon_is_not() -> None:
    assert unfit_sentence("Walking together: the mayor (right) and the envoy lead the march in Geneva.") == "caption"
    assert unfit_sentence("Signed: Lavrov and Rubio shake hands after the talks in Riyadh on Tuesday.") == "caption"
    assert unfit_sentence("He added: the ceasefire must hold until the end of the month.") is None
    assert unfit_sentence("The message was clear: Washington will not lift sanctions before a deal.") is None
    assert unfit_sentence("Ms Kallas told reporters: “We expect an answer by Friday.”") is None


def test_a_capitalised_place_before_a_colon_is_a_dateline_cut_from_its_sentence() -> None:
    assert without_dateline("ISLAMABAD: Pakistan recalled its envoy to Kabul on Monday.") == (
        "Pakistan recalled its envoy to Kabul on Monday.")
