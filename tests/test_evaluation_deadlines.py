import json
from pathlib import Path

from bot.dev.evaluation.deadlines import (
    FRESH_SET,
    LOOKALIKE_SET,
    REAL_SET,
    fold_of,
    readable_action,
    score_deadlines,
)


def test_a_readable_act_is_a_verb_phrase_or_an_act_noun_never_a_fragment(nlp) -> None:
    for act in ("hand over the inspection records", "complete the denuclearisation of North Korea",
                "withdraw troops from Syria", "Voters must register", "the EPA's decision", "register to vote",
                "raise the national minimum wage to $15"):
        assert readable_action(act, nlp), act
    for act in ("be", "the", "process 15 percent of the", "the last one", "that it raised more in than in the first",
                "to the talks", "is due", "this thing", "(withdraw troops", None):
        assert not readable_action(act, nlp), act


def test_sentences_of_one_article_share_a_fold() -> None:
    assert fold_of("nyt_2016-01-01_x") == fold_of("nyt_2016-01-01_x")
    assert {fold_of(f"doc{i}") for i in range(50)} == {0, 1, 2, 3, 4}


def test_the_real_set_stores_offsets_and_labels_but_no_text() -> None:
    rows = [json.loads(line) for line in Path(REAL_SET).read_text(encoding="utf-8").splitlines() if line]
    assert len(rows) >= 150
    assert all("text" not in row and row["corpus"] == "polnear" and row["split"] in ("train", "dev") for row in rows)
    assert all(row["start"] <= d["start"] < d["end"] <= row["end"] for row in rows for d in row["deadlines"])


def test_the_fresh_set_stores_offsets_labels_and_acts_but_no_text() -> None:
    rows = [json.loads(line) for line in Path(FRESH_SET).read_text(encoding="utf-8").splitlines() if line]
    assert len(rows) >= 500 and sum(len(row["deadlines"]) for row in rows) >= 20
    assert all("text" not in row and (row["corpus"], row["split"]) in (("polnear", "train"), ("polnear", "dev"),
                                                                       ("ecb", "topics 1-35")) for row in rows)
    assert all(row["start"] <= d["start"] < d["end"] <= row["end"] for row in rows for d in row["deadlines"])
    assert all(row["start"] <= d["act_start"] < d["act_end"] <= row["end"] for row in rows for d in row["deadlines"]
               if "act_start" in d)
    assert not {int(row["doc"].split("_")[0]) for row in rows if row["corpus"] == "ecb"} - set(range(1, 36))


def test_the_lookalike_set_names_sentences_of_articles_no_other_set_uses() -> None:
    def rows_of(path: Path) -> list[dict]:
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]

    rows = rows_of(Path(LOOKALIKE_SET))
    earlier = {(row["corpus"], row["doc"]) for path in (REAL_SET, FRESH_SET) for row in rows_of(Path(path))}
    assert len(rows) >= 90 and all("text" not in row and not row["deadlines"] for row in rows)
    assert not {(row["corpus"], row["doc"]) for row in rows} & earlier
    assert not {int(row["doc"].split("_")[0]) for row in rows if row["corpus"] == "ecb"} - set(range(1, 36))


def test_a_deadline_is_matched_by_overlap_and_its_due_point_compared() -> None:
    gold = {"s": [{"start": 10, "end": 20, "due": "2016-03", "kind": "date"}]}
    right = {"s": [{"start": 12, "end": 25, "due": "2016-03", "kind": "date"}]}
    wrong_due = {"s": [{"start": 12, "end": 25, "due": "2016-04", "kind": "date"}, {"start": 40, "end": 45,
                                                                                     "due": "2016", "kind": "date"}]}
    assert (score_deadlines(right, gold).precision, score_deadlines(right, gold).due_accuracy) == (1.0, 1.0)
    scores = score_deadlines(wrong_due, gold)
    assert (scores.precision, scores.recall, scores.due_accuracy) == (0.5, 1.0, 0.0)
