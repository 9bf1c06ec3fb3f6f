"""`diplobot eval stories`' scoring of grouping against event labels (invented documents, not the corpus)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.dev.evaluation.stories import bcubed, level_scores, opening_title, read_event_labels


def test_event_labels_leave_out_dashes_and_make_singletons_their_own_event(tmp_path: Path) -> None:
    path = tmp_path / "labels.tsv"
    path.write_text("# how they were made\nport-1\tSTRIKE\tPORTS\nport-2\t-\tPORTS\nmill-1\tS\tS\n",
                    encoding="utf-8")
    labels = read_event_labels(path)
    assert labels["fine"] == {"port-1": "STRIKE", "mill-1": "S:mill-1"}
    assert labels["coarse"] == {"port-1": "PORTS", "port-2": "PORTS", "mill-1": "S:mill-1"}
    path.write_text("port-1\tSTRIKE\n", encoding="utf-8")
    with pytest.raises(ValueError, match="labels.tsv:1"):
        read_event_labels(path)


def test_level_scores_count_pairs_and_b_cubed_over_the_labelled_documents_with_a_story() -> None:
    gold = {"a": "strike", "b": "strike", "c": "strike", "d": "flood", "e": "flood", "f": "S:f", "g": "flood"}
    story_of = {"a": 1, "b": 1, "c": 2, "d": 1, "e": 3, "f": 4, "unlabelled": 1}  # g got no story
    scores = level_scores(story_of, gold)
    assert scores["documents"] == 6 and scores["events"] == 3 and scores["stories"] == 4
    assert (scores["true_pairs"], scores["predicted_pairs"], scores["gold_pairs"]) == (1, 3, 4)
    assert scores["pairwise"] == [0.333, 0.25, 0.286]
    # a, b: 2 of 3 right both ways; c: alone (1, 1/3); d: 1 of 3 (1/3, 1/2); e: alone (1, 1/2); f: (1, 1)
    assert scores["b3"] == [0.778, 0.611, 0.684]
    assert scores["split"] == ["flood: 2 documents in 2 stories d | e", "strike: 3 documents in 2 stories a, b | c"]
    assert scores["merged"] == ["story 1: flood (d) | strike (a, b)"]


def test_b_cubed_is_perfect_when_the_stories_are_the_events() -> None:
    assert bcubed([["a", "b"], ["c"]], {"a": "x", "b": "x", "c": "y"}) == (1.0, 1.0, 1.0)


def test_the_opening_sentence_stands_in_for_a_missing_title() -> None:
    text = "\n\nLAGOS, Nigeria (AP) --\n\nDock workers at Apapa Port walked out Monday. Ships waited offshore.\n"
    assert opening_title(text) == "LAGOS, Nigeria (AP) -- Dock workers at Apapa Port walked out Monday."
    text = "\nAcme Corp. said it sold its U.S. unit to Brill Inc. for $5 million. The sale closed.\n\nMore.\n"
    assert opening_title(text) == "Acme Corp. said it sold its U.S. unit to Brill Inc. for $5 million."
    assert len(opening_title("word " * 100)) == 200


def test_eval_stories_says_the_real_text_check_was_skipped_without_te3_git(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import bot.dev.evaluation.stories as stories
    from bot.dev.evaluation.runner import run_evaluations

    monkeypatch.delenv("TE3_GIT", raising=False)
    monkeypatch.delenv("ECB_GIT", raising=False)
    monkeypatch.delenv("DIPLOBOT_EVAL_DIR", raising=False)
    monkeypatch.setenv("COLUMNS", "300")
    monkeypatch.setattr(stories, "evaluate_labelled_set", lambda nlp: {"precision": 1.0})
    monkeypatch.setattr(stories, "evaluate_te3", lambda *args: pytest.fail("TE3 read without TE3_GIT"))
    status = run_evaluations(Settings(_env_file=None, database_url="sqlite://"), "stories", None, lambda: None)
    printed = capsys.readouterr().out
    assert status == 0
    assert "stories on TimeBank+AQUAINT: skipped, set TE3_GIT" in printed
    assert "stories on ECB+: skipped, set ECB_GIT" in printed
