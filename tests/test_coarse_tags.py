"""The coarse tagger must give the same `pos_` as the model's attribute_ruler it replaces."""

import spacy

from bot.analysis.coarse_tags import NAME, replace_attribute_ruler
from bot.analysis.model import resolve_model_name

TEXTS = [
    "The ministers were not expected to sign the accord, which had been drafted in Geneva.",
    "\"There is no deal yet,\" she said, adding that talks must conclude by December 31.",
    "Nobody in Pyongyang has said whether the North will do anything before the summit.",
    "It's a beginning, and we're not going to walk away from it, the envoy told reporters.",
    "",
    "   \n\n  ",
]


def test_pos_matches_the_attribute_ruler_it_replaces(nlp) -> None:
    reference = spacy.load(resolve_model_name("en_core_web_sm"), disable=["lemmatizer"])
    assert nlp.get_pipe_meta("attribute_ruler").factory == NAME
    expected = [[t.pos_ for t in doc] for doc in reference.pipe(TEXTS)]
    got = [[t.pos_ for t in doc] for doc in nlp.pipe(TEXTS)]
    pairs = [(e, g) for doc_e, doc_g in zip(expected, got, strict=True) for e, g in zip(doc_e, doc_g, strict=True)]
    agreeing = sum(e == g for e, g in pairs)
    assert agreeing / len(pairs) >= 0.98, [p for p in pairs if p[0] != p[1]]
    assert [t.pos_ for t in nlp(TEXTS[2]) if t.lower_ == "has"] == ["AUX"]
    assert [t.pos_ for t in nlp(TEXTS[0]) if t.lower_ == "not"] == ["PART"]


def test_a_model_without_attribute_ruler_is_left_alone() -> None:
    blank = spacy.blank("en")
    assert replace_attribute_ruler(blank).pipe_names == []
