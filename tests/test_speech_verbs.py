"""Speech verbs as word forms: no lemmatizer needed."""

from __future__ import annotations

from spacy.lang.en import English
from spacy.tokens import Doc

from bot.analysis.quotes.speech_verbs import REPORTING_VERBS, SPEECH_VERBS, is_speech_cue


def test_regular_and_irregular_forms_are_listed():
    for form in ("said", "says", "told", "noted", "noting", "replied", "stresses", "admitted", "wrote"):
        assert form in SPEECH_VERBS
    assert "stressed" in REPORTING_VERBS
    assert "called" not in REPORTING_VERBS  # "called X a liar" is not a paraphrase of speech


def test_multiword_cues_on_a_hand_built_doc():
    doc = Doc(English().vocab, words=["as", "the", "memo", "put", "it", ",", "he", "points", "out"],
              tags=["IN", "DT", "NN", "VBD", "PRP", ",", "PRP", "VBZ", "RP"])
    assert is_speech_cue(doc[3])  # "put it"
    assert is_speech_cue(doc[7])  # "points out"
    assert not is_speech_cue(doc[2])
