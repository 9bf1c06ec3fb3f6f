"""Coarse part-of-speech (`Token.pos_`) from the tagger's fine tags, in a few array operations per document.

en_core_web_sm derives `pos_` with its `attribute_ruler`, a rule matcher that also sets morphology and lemma
exceptions the analysis never reads, and costs about a tenth of the whole pipeline. This component applies the
same POS rules, taken from that ruler when the model is loaded (no table written by hand), as array masks.
Only one-token rules over TAG, LOWER and DEP are used; the few multi-word ones set lemmas, not POS.
"""

from __future__ import annotations

from typing import Any, cast

import numpy
import numpy.typing
from spacy.attrs import DEP, IS_SPACE, LOWER, POS, TAG
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc
from thinc.types import Ints2d

NAME = "diplobot_coarse_tags"
_ATTRS = {"TAG": 0, "LOWER": 1, "DEP": 2}
# One test of a rule: a column of the (TAG, LOWER, DEP) table, "==", "IN" or "NOT_IN", and the hash(es).
_Test = tuple[int, str, "numpy.uint64 | numpy.typing.NDArray[numpy.uint64]"]


def rules_from_attribute_ruler(nlp: Language) -> list[dict[str, Any]]:
    """The ruler's one-token POS rules, in its order: [{"when": {ATTR: value | {"IN"/"NOT_IN": [...]}}, "pos"}]."""
    rules = []
    ruler = cast(AttributeRuler, nlp.get_pipe("attribute_ruler"))
    # spaCy types every field of a pattern as the union of all fields' types.
    for rule in cast("list[dict[str, Any]]", ruler.patterns):
        pos = rule["attrs"].get("POS")
        if pos is None:
            continue
        for pattern in rule["patterns"]:
            if len(pattern) == 1 and set(pattern[0]) <= set(_ATTRS):
                rules.append({"when": pattern[0], "pos": pos})
    return rules


class CoarseTagger:
    """Sets `pos_` the way the model's attribute_ruler would, from `tag_`, the word and its dependency."""

    def __init__(self, nlp: Language, rules: list[dict[str, Any]]) -> None:
        strings = nlp.vocab.strings
        self.rules: list[tuple[list[_Test], numpy.uint64]] = []
        for rule in rules:
            tests: list[_Test] = []
            for attr, value in rule["when"].items():
                column = _ATTRS[attr]
                if isinstance(value, dict):
                    (op, values), = value.items()
                    hashes = numpy.array([strings.add(v) for v in values], dtype="uint64")
                    tests.append((column, op, hashes))
                else:
                    tests.append((column, "==", numpy.uint64(strings.add(value))))
            self.rules.append((tests, numpy.uint64(strings.add(rule["pos"]))))
        self.space = numpy.uint64(strings.add("SPACE"))

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        table = doc.to_array([TAG, LOWER, DEP, IS_SPACE])
        pos = numpy.zeros(len(doc), dtype="uint64")
        for tests, value in self.rules:
            mask = numpy.ones(len(doc), dtype=bool)
            for column, op, operand in tests:
                if op == "==":
                    mask &= table[:, column] == operand
                elif op == "IN":
                    mask &= numpy.isin(table[:, column], operand)
                else:  # NOT_IN
                    mask &= ~numpy.isin(table[:, column], operand)
            pos[mask] = value
        pos[table[:, 3] == 1] = self.space
        doc.from_array([POS], cast(Ints2d, pos.reshape(-1, 1)))
        return doc


@Language.factory(NAME, default_config={"rules": []}, requires=["token.tag", "token.dep"], assigns=["token.pos"])
def make_coarse_tagger(nlp: Language, name: str, rules: list[dict[str, Any]]) -> CoarseTagger:
    return CoarseTagger(nlp, rules)


def replace_attribute_ruler(nlp: Language) -> Language:
    """Swap the model's attribute_ruler for `CoarseTagger` built from its rules; a model without one is left."""
    if "attribute_ruler" in nlp.pipe_names:
        nlp.replace_pipe("attribute_ruler", NAME, config={"rules": rules_from_attribute_ruler(nlp)})
    return nlp
