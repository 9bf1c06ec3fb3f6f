from bot.dev.evaluation.runner import pooled_dates


def test_pooled_dates_weigh_each_set_by_its_size() -> None:
    timebank = {"gold": 1000, "system": 1000, "relaxed": [90.0, 90.0, 90.0], "value_acc": 90.0}
    aquaint = {"gold": 500, "system": 500, "relaxed": [90.0, 90.0, 90.0], "value_acc": 60.0}
    pooled = pooled_dates({"timebank": timebank, "aquaint": aquaint})
    assert pooled["gold"] == 1500 and pooled["relaxed_F1"] == 90.0
    assert pooled["value_acc"] == 80.0 and pooled["value_F1"] == 72.0


def test_date_folds_score_each_document_like_the_shared_scorer() -> None:
    from bot.dev.evaluation.date_folds import FOLDS, fold_of, fold_report, tally_document

    gold = [(0, 10, "DATE", "2021-01"), (20, 27, "DATE", "2021-01-15"), (40, 45, "DURATION", "P3Y")]
    predicted = [{"start": 0, "end": 10, "value": "2021-01"}, {"start": 22, "end": 27, "value": "2021-02-15"},
                 {"start": 60, "end": 65, "value": "PRESENT_REF"}]
    tally = tally_document(predicted, gold)
    assert (tally.gold, tally.system, tally.strict, tally.found, tally.right) == (3, 3, 1, 2, 1)
    ids = [f"doc{i}" for i in range(40)]
    assert {fold_of(i) for i in ids} == set(range(FOLDS)) and fold_of("doc7") == fold_of("doc7")
    report = fold_report({"timebank": {i: tally_document(predicted, gold) for i in ids}})
    assert report["pooled"]["docs"] == 40 and report["pooled"]["extent_F1"] == 66.7
    assert report["pooled"]["value_F1"] == 33.3  # half the found values right, times the extent F1
    assert sum(f["docs"] for f in report["folds"]) == 40
