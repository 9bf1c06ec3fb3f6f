from bot.dev.evaluation.runner import pooled_dates


def test_pooled_dates_weigh_each_set_by_its_size() -> None:
    timebank = {"gold": 1000, "system": 1000, "relaxed": [90.0, 90.0, 90.0], "value_acc": 90.0}
    aquaint = {"gold": 500, "system": 500, "relaxed": [90.0, 90.0, 90.0], "value_acc": 60.0}
    pooled = pooled_dates({"timebank": timebank, "aquaint": aquaint})
    assert pooled["gold"] == 1500 and pooled["relaxed_F1"] == 90.0
    assert pooled["value_acc"] == 80.0 and pooled["value_F1"] == 72.0
